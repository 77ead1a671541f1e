"""The one step engine every check runs on: ask the next step that applies, read typed answers,
go back, restart, leave, and finish with the rules' result.

State is a plain dict (kept by the engine in the store's users.dialog column):
{"flow": id, "values": {slot: value}, "history": [slots in answer order], "asking": slot, "ts": time,
 "misses": answers not understood in a row, "facts": what the user said before (contract length…)}.
Never a loop: after two answers not understood the choices come as a numbered list with how to leave;
the third is recorded as 不确定 (the rules then say 需要确认), or, for the region, the check ends.
A menu of checks is the state {"flow": "", "menu": true, ...}.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import Any

from bot.callback import encode
from bot.dialogs.answers import Parsed, Vocabulary, denied, parse, pick_option
from bot.dialogs.result import ResultWriter
from bot.dialogs.rules import PartResult, evaluate
from bot.dialogs.schema import UNSURE, Flow, Option, Step, region_options
from bot.kb import KnowledgeBase
from bot.models import Button, Reply
from bot.numerals import CN_NUMBER, cn_to_int, find_numbers
from bot.textnorm import Words, any_in, normalise, occurrences
from bot.understand import ASK, EXEMPT_ONLY, count_groups, extract_facts, load_lexicon, read_yesno, where_one_works
from bot.understand.facts import asks_for_other, mask_numbered_places, names_the_loan, said_of_another
from bot.understand.lexicon import A_NOT_A, clauses, names_other, prep
from bot.understand.slots import KINDS, _bare, contract_lengths, count_qualifying, names_unit
from bot.understand.yesno import _negations

_HEAD_COUNT = re.compile(r"(?<=[\d零一二两三四五六七八九十百千每])个(人)")  # 一个人 / 每个人: a head count
OPTION_WORD_MIN = 3  # characters of an option's word that make a message answering the choice, whatever else it asks
COUNTED = ("count", "contract", "subset", "choice")  # steps whose typed answer may hold people counts (a choice: split by group)

MENU = ""  # flow id of the check menu
WHO_FACTS = frozenset({"poor", "whom", "disaster", "group", "age"})  # who the asker is, not what they ask about
BUTTONS_PER_ROW = 2
SUBSET_ALL = "all"  # the button value for "all of them" under a subset step


class DialogRunner:
    def __init__(self, kb: KnowledgeBase, flows: dict[str, Flow], today: Callable[[], dt.date],
                 clock: Callable[[], float] = time.time):
        self.kb, self.flows, self.t, self.clock = kb, flows, kb.texts, clock
        words = kb.intents
        n = lambda key: tuple(dict.fromkeys(w for w in (normalise(x) for x in words.get(key, [])) if w))  # noqa: E731
        self.vocab = Vocabulary(yes=n("dialog_yes"), no=n("dialog_no"), unsure=n("dialog_unsure"),
                                zero=n("dialog_zero"))
        self.controls = {name: n(f"dialog_{name}") for name in ("back", "restart", "exit")}
        self.cues = n("check_cues")
        self.accept = n("dialog_accept")
        self.lex = load_lexicon(kb.root)
        self.correction_words = tuple(normalise(w) for w in self.lex.words("correction"))
        self.menu_options = tuple(Option(f.id, f.title, tuple(dict.fromkeys((normalise(f.title), *f.words))))
                                  for f in flows.values())
        self.writer = ResultWriter(kb, today)
        self.today = today
        self.regions = region_options(kb)
        self.by_link = {f.deep_link: f for f in flows.values()}
        # the option words of every check's choice steps, found in a message in one pass for all of them (prefills
        # reads one message for each check in turn); a few entries hold the message being answered
        steps = [st for f in flows.values() for st in f.steps if st.type == "choice" and st.prefill_options]
        self._option_steps = {id(st) for st in steps}  # by identity: hashing a frozen step hashes all it holds
        # 听说省级的有30万 …: from a hearsay word to where the user speaks of themselves again (compiled once)
        self._hearsay = re.compile("(?:" + "|".join(map(re.escape, self.lex.fact_words("hearsay"))) + ")[^我]*")
        options = Words(w for st in steps for w in _option_words(st)[1])
        self._options_said = lru_cache(maxsize=8)(lambda norm: frozenset(options.found(norm)))

    # -- choosing a check -----------------------------------------------------------------------
    def flows_for(self, measure: str) -> list[Flow]:
        return [f for f in self.flows.values() if measure in f.measures]

    def choose(self, norm: str, top_measure: str | None, facts: dict[str, Any] | None = None) -> Flow | None:
        """The check a free-text message asks for: its own start words, or a check cue (帮我测, 我能贷)
        with the facts it states (学了15天 → training) or the top measure belonging to a check; words (公司,
        企业) pick between checks."""
        starts = [f for f in self.flows.values() if any(w in norm for w in f.start_words)]
        if starts:
            return max(starts, key=lambda f: (max(len(w) for w in f.start_words if w in norm), -f.order))
        if not any(c in norm for c in self.cues):
            return None
        # the facts' check among those of the measure the message names (个人创业担保贷款: not the service check
        # because 个人 is also one of its answers); any check when the measure has none
        among = self.flows_for(top_measure) if top_measure else []
        flow = self.by_facts(facts or {}, among or None) or self.offer(norm, top_measure, facts, fit=False)
        flow = self.between([flow, *self.siblings(flow)], norm, facts or {}) if flow else None
        if flow and not self.fits(flow, facts or {}):  # not the asker's check: the one their own facts answer, if any
            flow = self.fallback(norm, facts or {})
        if flow and facts and self.by_facts(facts, [flow]) is None and not any(_names(w, norm) for w in flow.words):
            # 监测户 参加了12天的培训 帮我测一下: none of its facts is this check's own; the check they answer
            alt = self.by_facts({k: v for k, v in facts.items() if k not in WHO_FACTS})
            flow = alt if alt is not None and alt not in self.siblings(flow) else flow  # 个体户 请了3个工人: between() chose
        return flow

    def fallback(self, norm: str, facts: dict[str, Any]) -> Flow | None:
        """A check for anyone that the message names (培训) and its facts answer; else one its facts about the
        matter answer (学了15天). Who the asker is (监测户, 脱贫户) alone picks none: a worker asking about the
        transport subsidy is answered, never put through the training check."""
        own = [f for f in self.flows.values() if f.asker == ""]
        named = [f for f in own if any(_names(w, norm) for w in f.words)]
        about = {k: v for k, v in facts.items() if k not in WHO_FACTS}
        return (self.by_facts(facts, named) if named else None) or self.by_facts(about, own)

    def fits(self, flow: Flow, facts: dict[str, Any]) -> bool:
        """A check for a role (劳务公司、劳务经纪人) fits only an asker who says which one they are: a worker asking
        about the transport subsidy is never put through the agency's check."""
        step = flow.step(flow.asker) if flow.asker else None
        if step is None:
            return True
        v = facts.get(step.fact, facts.get(step.slot))
        return v is not None and step.option(v) is not None

    def siblings(self, flow: Flow) -> list[Flow]:
        """The other checks of the same measures (a person's loan and a firm's)."""
        return [f for f in self.flows.values() if f is not flow and set(f.measures) == set(flow.measures)]

    def between(self, flows: list[Flow], norm: str, facts: dict[str, Any]) -> Flow:
        """Among checks of the same measures, the one the message asks for: its words (个人/我自己/个体户 or
        公司/企业/厂), the later ones after a correction (个人 … 哦不对 是我们公司要贷); else the one whose questions
        the facts answer where they are asked (a head count is asked of a small firm only: employing people is
        no firm by itself); else the first."""
        if len(flows) == 1:
            return flows[0]
        cut = max((norm.rfind(w) + len(w) for w in self.correction_words if w in norm), default=0)
        said = norm[cut:]  # 个人创业贷款 哦不对 是我们公司要贷: what is said after a correction
        product = [f for f in flows if any(any(names_the_loan(said, w)) for w in f.words if len(w) >= 2)]
        if len(product) == 1:
            return product[0]  # 想申请小微企业的创业担保贷款 … 新招了三个返乡的: the loan asked for names its check
        roled = [f for f in flows if f.asker and self.fits(f, facts) and any(_names(w, norm) for w in f.words)]
        if len(roled) == 1:
            return roled[0]  # 劳务经纪人 … 我跑了三趟成都 车费花了一千多: the broker's own check, not the workers'
        for part in (norm[cut:], norm) if cut else (norm,):
            pos = {f.id: max((norm.rfind(w) for w in f.words if _names(w, part) and not _of_the_hired(part, w)
                              and not where_one_works(part, w)),
                             default=-1) for f in flows}
            named = [f for f in flows if pos[f.id] >= 0]
            if named:
                return max(named, key=lambda f: (pos[f.id], -f.order))

        def asked(f: Flow) -> int:
            values = self.from_facts(f, facts)
            return sum(1 for st in f.steps if st.type != "region" and st.slot in values
                       and (st.when is None or st.when.holds(values)))

        return max(flows, key=lambda f: (asked(f), -f.order))

    def by_facts(self, facts: dict[str, Any], among: list[Flow] | None = None) -> Flow | None:
        """The one check whose own questions the stated facts answer (学了15天 → training), if only one."""
        own = {f.id: {s.fact for s in f.steps if s.type != "region"} for f in self.flows.values()}
        shared = {k for a in own.values() for k in a if sum(k in b for b in own.values()) > 1}
        if among is not None:
            own = {fid: keys for fid, keys in own.items() if fid in {f.id for f in among}}
        scores = {fid: len((set(facts) & keys) - shared) for fid, keys in own.items()}
        best = max(scores.values(), default=0)
        winners = [fid for fid, n in scores.items() if n == best]
        return self.flows[winners[0]] if best and len(winners) == 1 else None

    def offer(self, norm: str, top_measure: str | None, facts: dict[str, Any] | None = None,
              fit: bool = True) -> Flow | None:
        """The check to offer under an answer about top_measure (公司 → the firm's loan check)."""
        candidates = self.flows_for(top_measure) if top_measure else []
        if not candidates:
            return None
        facts = facts or {}
        flow = max(candidates, key=lambda f: (sum(w in norm for w in f.words) +
                                              sum(s.fact in facts for s in f.steps if s.type != "region"), -f.order))
        flow = self.between([flow, *[f for f in self.siblings(flow) if f in candidates]], norm, facts)
        return flow if not fit or self.fits(flow, facts) else None

    def switch(self, norm: str, current: Flow) -> Flow | None:
        """Mid-check, a message that asks for another check (算了 贷款不测了 我想测培训补贴): that check, else None.
        It needs a word asking for a check (想测, 帮我算, 不测了 …) and names another check after it."""
        asks = tuple(w for w in self.lex.words("switch_words") + self.cues if w in norm)
        if not asks:
            return None
        cut = max(norm.rfind(w) + len(w) for w in asks)
        rest = norm[cut:] or norm
        starts = [f for f in self.flows.values() if any(w in rest for w in f.start_words)]
        named = starts or [f for f in self.flows.values() if any(_names(w, rest) for w in f.words)]
        if not named and any_in(norm, self.lex.words("switch_words")) and len(rest) >= 2:
            picked = self.pick_from_menu(rest)
            named = [picked] if picked else []
        named = [f for f in named if f is not current]
        if not named:
            return None
        return max(named, key=lambda f: (max((len(w) for w in (*f.start_words, *f.words) if w in rest), default=0),
                                         -f.order))

    def accepts(self, norm: str) -> bool:
        """好的 / 可以 / 要得 / 继续 / 测一下: yes to an offered check."""
        if any(c in norm for c in self.cues) or norm in self.accept:
            return True
        return len(norm) <= 6 and read_yesno(norm).value == "yes"

    def names_option(self, state: dict, norm: str) -> bool:
        """The choice asked is named by one of its own longer words (证书还没发下来 不晓得考过没得: 还没发), so the
        message answers it though it reads as a question of its own."""
        step = self.flows[state["flow"]].step(state.get("asking") or "")
        return step is not None and step.type == "choice" and any(
            len(w) >= OPTION_WORD_MIN and w in norm for o in step.options for w in o.words)

    def is_correction(self, text: str) -> bool:
        t = prep(text)
        return any_in(t, self.lex.words("correction"))

    def corrects_itself(self, state: dict, text: str) -> bool:
        """一百 哦不对 一百零一个: the answer to the question asked, put right within the message, not a correction of
        an earlier answer (what comes before the marker already answers the question asked)."""
        flow = self.flows[state["flow"]]
        step = flow.step(state.get("asking") or "")
        if step is None:
            return False
        t = prep(text)
        start = min((t.find(w) for w in self.lex.words("correction") if w in t), default=-1)
        before = t[:start].strip() if start > 0 else ""
        return bool(before) and parse(step, normalise(before), self.vocab, state["values"], before).ok

    def prefills(self, norm: str) -> dict[str, dict[str, Any]]:
        """prefill for every check, by flow id (what one message says for each check's questions)."""
        return {flow.id: self.prefill(flow, norm) for flow in self.flows.values()}

    def facts(self, text: str, norm: str = "", prefilled: dict[str, dict[str, Any]] | None = None,
              for_other: bool = False) -> dict[str, Any]:
        """extract_facts, plus the option words of every check (返乡农民工, 劳务经纪人, 技能大师工作室).
        prefilled: prefills(norm) when the caller has it already; for_other: the user asks for a relative."""
        out: dict[str, Any] = {}
        norm = norm or normalise(text)
        for flow in self.flows.values():
            found = prefilled[flow.id] if prefilled is not None else self.prefill(flow, norm)
            for slot, v in found.items():
                step = flow.step(slot)
                if step is not None and step.type == "choice":
                    out.setdefault(step.fact, v)
        out.update(extract_facts(text, self.kb.root, for_other))
        return out

    def asks_for_other(self, text: str) -> bool:
        """帮我妈问一哈: what is said of the relative from now on is the subject's (kept with the user's facts)."""
        return asks_for_other(prep(text).replace(" ", ""), self.lex)

    def changes(self, flow: Flow, values: dict[str, Any], text: str, norm: str, correcting: bool,
                state: dict | None = None, for_other: bool = False) -> dict[str, Any]:
        """Answers a message changes: the facts it states for this check's questions; for a correction that
        states none (说错了 是两次), its words read as the answer to the question answered last."""
        found = self.from_facts(flow, self.facts(text, norm, for_other=for_other))
        found = {k: v for k, v in found.items() if values.get(k) != v}
        merged = self._prune(flow, {**values, **found})
        found = {k: v for k, v in found.items() if k in merged or _asked(flow.step(k), merged)}
        if state is None:  # after a result: only answers the result used
            found = {k: v for k, v in found.items() if k in merged}
        if not correcting:
            found = {k: v for k, v in found.items() if k != "region" or len(norm) <= 6}
            if not found and state is None and _bare(prep(text)) is not None:
                found = self._changed(values, self._by_unit(flow, values, text, None))  # 3次 / 15天 alone
            return found
        if state is not None and state.get("history"):
            said = self._after_marker(text)
            if not found or any(names_unit(k, said, self.lex) for k in set(KINDS.values())):
                # 说错了 是三回 … 都还清了: the count whose unit it names is corrected too, not only the facts read
                known = state.get("known") or {}  # what the opening said, put in as it came due: not typed last
                typed = [h for h in state["history"] if h in known] + [h for h in state["history"] if h not in known]
                by_unit = self._changed(values, self._by_unit(flow, values, said, typed))
                if any((st := flow.step(k)) is not None and st.type == "subset" for k in found):
                    by_unit = {}  # 说错了 社保只交了四个人的: the count said is the insured ones', not the total's
                found = {**by_unit, **found}
        return _totals_grown(flow, values, _everyone(flow, values, found, (state or {}).get("facts") or {}))

    @staticmethod
    def _changed(values: dict[str, Any], found: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in found.items() if values.get(k) != v}

    def restates(self, flow: Flow, values: dict[str, Any], text: str, norm: str) -> bool:
        """The message states answers of this result, all as they were (贷过1次 after a result with 1)."""
        said = self.from_facts(flow, self.facts(text, norm))
        if not said and _bare(prep(text)) is not None:
            said = self._by_unit(flow, values, text, None)  # 4个 again after a result with 4
        return bool(said) and all(values.get(k) == v for k, v in said.items())

    def again(self, state: dict) -> tuple[dict | None, list[Reply]]:
        """A finished check's result once more, said to be unchanged."""
        return self._advance(self.flows[state["flow"]], state, self.t["dialog_same"])

    def _by_unit(self, flow: Flow, values: dict[str, Any], text: str, history: list[str] | None) -> dict[str, Any]:
        """What a short message or a correction's words answer. In a correction (history given) the step answered
        last, unless the text names the unit of another answered count (说错了 是15天 → 培训天数); after a result
        (no history) only an answered count whose unit the text names, when it is the only one of that unit
        (贷过2次, 15天, 6个人). The whole text is tried, then each clause (是6个 漏算了一个 → 6)."""
        if not text:
            return {}
        named = {k for k in set(KINDS.values()) if names_unit(k, text, self.lex)}

        def kind(step: Step) -> str | None:
            if step.type == "contract":
                return "contract_months"
            if step.type == "subset":  # 不对 是九个 corrects the total; 有两个没买社保 the insured
                return "people" if any_in(normalise(text), step.topic) else None
            if step.type in ("number", "count"):
                return KINDS.get(step.unit or ("days" if step.type == "number" else "people"))
            return None

        steps = [flow.step(s) for s in reversed(history if history is not None else list(values))]
        answered = [s for s in steps if s is not None and s.slot in values]
        candidates = [s for s in answered if kind(s) in named]
        if history is not None and answered and (not named or kind(answered[0]) in named):
            candidates = [answered[0]]  # the slot answered last: the correction is about it
        elif history is None and len({kind(s) for s in candidates}) != len(candidates):
            return {}  # 12个 after a result with 员工 and 新招 both counted: whose? not guessed
        for step in candidates[:1] if history is not None else candidates:
            for part in [text] + clauses(text):
                parsed = parse(step, normalise(part), self.vocab, values, part)
                if parsed.ok:
                    return {step.slot: parsed.value}
        return {}

    def _after_marker(self, text: str) -> str:
        t = prep(text)
        end = max((t.rfind(w) + len(w) for w in self.lex.words("correction") if w in t), default=0)
        rest = t[end:].strip()
        return re.sub(r"^(刚才|我|是)*", lambda m: m.group() if rest.startswith("是") and len(rest) <= 2 else "", rest)

    def wants_menu(self, norm: str) -> bool:
        return any(c == norm or (c in norm and len(norm) <= len(c) + 4) for c in self.cues)

    def menu(self) -> tuple[dict, list[Reply]]:
        state = {"flow": MENU, "menu": True, "values": {}, "history": [], "asking": None, "ts": self.clock()}
        lines = [self.t["dialog_menu"]] + [f"{i}. {f.title}" for i, f in enumerate(self.flows.values(), 1)]
        buttons = [Button(f.title, encode("check", f.id)) for f in self.flows.values()]
        return state, [Reply("\n".join(lines), _rows(buttons, 1))]

    def by_region_word(self, norm: str) -> str | None:
        """泸定 / 叙永 / luzhou → region id (for /region 泸州)."""
        if norm in self.kb.documents:
            return norm
        o = pick_option(self.regions, norm)
        return o.value if o else None

    def pick_from_menu(self, norm: str) -> Flow | None:
        """By number, name, a distinctive part of the name (就业创业服务补助) or a paraphrase (我想算贷款)."""
        o = pick_option(self.menu_options, _HEAD_COUNT.sub(r"\1", norm))  # 300一个人的: no 个人 (the person's loan)
        if o:
            return self.flows[o.value]
        if len(norm) < 2:
            return None
        inside = [f for f in self.flows.values() if len(norm) >= 3 and norm in normalise(f.title)]
        if len(inside) == 1:
            return inside[0]

        def common(a: str, b: str) -> int:
            best = 0
            for i in range(len(a)):
                for j in range(i + best + 1, len(a) + 1):
                    if a[i:j] in b:
                        best = j - i
                    else:
                        break
            return best

        bare = norm
        for w in self.lex.words("menu_generic"):  # 跨省交通补助 shares only 补助 with 就业创业服务补助: no pick
            bare = bare.replace(w, " ")
        scored = [(max([common(bare, normalise(f.title))] + [len(w) for w in f.words if w in norm]), -f.order, f)
                  for f in self.flows.values()]
        scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
        return scored[0][2] if scored[0][0] >= 2 else None

    # -- running ----------------------------------------------------------------------------------
    def from_facts(self, flow: Flow, facts: dict[str, Any]) -> dict[str, Any]:
        """The steps of flow that facts answer (step.fact names the fact; a 脱贫户 is the poor group)."""
        out: dict[str, Any] = {}
        for s in flow.steps:
            v = facts.get(s.fact, facts.get(s.slot))
            if s.type == "subset" and isinstance(facts.get(f"{s.fact}_count"), int):
                v = facts[f"{s.fact}_count"]  # 说错了 社保只交了四个人的: the count of the subset, not its yes
            if v is None and s.type == "choice" and facts.get("poor") == "yes" and not (
                    facts.get("disaster") == "yes" and any(st.split_by == s.slot for st in flow.steps)):
                v = "poor" if s.option("poor") else None  # (脱贫户 and 灾区的 both said, not counted apart: asked)
            if v is not None and v != UNSURE and self._valid(s, v):
                out[s.slot] = v
        for s in flow.steps:  # 三个签的两年 小李签的半年 社保四个都买了: of the three, all are insured
            if s.slot in out and _fitted(flow, s, out[s.slot], out) is None:
                out.pop(s.slot)  # more than the part it is of, fewer than everyone: which of them, asked
            elif s.slot in out:
                out[s.slot] = _fitted(flow, s, out[s.slot], out)
        return out

    @staticmethod
    def carried_facts(flow: Flow, known: dict[str, Any]) -> dict[str, Any]:
        """What a check keeps of the facts to work counts out later: a contract length said for everyone, 都交了社保 /
        有三个还没买社保 (a subset step, once its total is known), the event's dates (the document's validity)."""
        facts: dict[str, Any] = {k: v for k, v in known.items() if k == "contract_months" and isinstance(v, int)}
        facts.update({k: known[k] for k in ("event_year", "event_end") if k in known})
        if isinstance(known.get("groups"), dict) and any(s.split_by for s in flow.steps):
            facts["groups"] = known["groups"]  # 九个脱贫户 三个不是: a later 十二个都买了 is all of them
            if isinstance(known.get("contract_groups"), dict):
                facts["contract_groups"] = known["contract_groups"]  # 灾区的五个 四个签的一年半: by group
        for s in flow.steps:
            if s.type == "subset":
                facts.update({k: known[k] for k in (s.fact, f"{s.fact}_missing", f"{s.fact}_count") if k in known})
        return facts

    def start(self, flow: Flow, known: dict[str, Any]) -> tuple[dict | None, list[Reply]]:
        """Begin a check with what is already known (region, 脱贫人口, a number said in the opening)."""
        values = self.from_facts(flow, known)
        facts = self.carried_facts(flow, known)
        groups = known.get("groups")
        if isinstance(groups, dict) and any(s.split_by for s in flow.steps):
            facts["groups"] = groups  # 其中4个是脱贫人口 另外3个不是: group and count come from the split
            for s in flow.steps:
                if s.split_by:
                    values.pop(s.slot, None)
                    values.pop(s.split_by, None)
                    for c in flow.steps:  # 九个是脱贫户 三个不是 都签的两年: the contracts of the nine, not of twelve
                        if c.type == "contract" and c.of == s.slot:
                            values.pop(c.slot, None)
        spans: dict[str, list[int]] = {}
        for s in flow.steps:  # 员工一百二十来个 in the opening: taken as a range, as when typed to the question
            span = known.get(f"{s.fact}_span")
            if s.range and s.slot not in values and isinstance(span, list) and len(span) == 2 and self._valid(s, span[0]):
                values[s.slot], spans[s.slot] = span[0], span
        state = {"flow": flow.id, "values": values, "history": [s.slot for s in flow.steps if s.slot in values],
                 "asking": None, "ts": self.clock(), "misses": 0, "known": dict(values), "facts": facts,
                 "spans": spans}
        head = [flow.intro]
        away = known.get("elsewhere")
        if away and "region" not in values:  # 雅安石棉的: their own place decides; the check goes on only if told
            head.append(self.t["dialog_elsewhere_start"].format(place=away))
        off = _never_asked(flow, values)
        if any(k not in off for k in values):
            head.append(self.t["dialog_known"].format(known="；".join(
                f"{s.label}：{self._shown(s, values[s.slot], spans)}" for s in flow.steps
                if s.slot in values and s.slot not in off)))
        return self._advance(flow, state, "\n".join(head))

    def control(self, norm: str) -> str | None:
        """back / restart / exit when the whole message is one of those words (or nearly)."""
        for name, words in self.controls.items():
            if norm in words or any(w in norm and len(norm) <= len(w) + 2 for w in words if len(w) >= 2):
                return name
        return None

    def back(self, state: dict) -> tuple[dict | None, list[Reply]]:
        flow = self.flows[state["flow"]]
        history = list(state["history"])
        if not history:
            return self._advance(flow, state, self.t["dialog_at_start"])
        slot = history.pop()
        values = {k: v for k, v in state["values"].items() if k != slot}
        # answers to steps that no longer apply are dropped with it
        state = {**state, "values": values, "history": history, "ts": self.clock()}
        return self._advance(flow, state, self.t["dialog_back"], ask=slot)

    def restart(self, state: dict) -> tuple[dict | None, list[Reply]]:
        return self.start(self.flows[state["flow"]], {})

    def answer(self, state: dict, norm: str, raw: str = "") -> tuple[dict | None, list[Reply], Parsed]:
        flow = self.flows[state["flow"]]
        step = flow.step(state.get("asking") or "")
        if step is None:
            st, replies = self._advance(flow, state, "")
            return st, replies, Parsed(True)
        if step.type in COUNTED:  # 三个是九五地震受灾户: no count is read from an event's date or a town's name
            raw = mask_numbered_places(raw or norm, str(self.kb.root))
        count = self._split_step(flow, step)
        if count is not None:
            groups = count_groups(raw or norm, self.lex)
            if groups == ASK:
                parsed = Parsed(False, problem="approx")
                return state, [self.reask(flow, step, state, parsed)], parsed
            if isinstance(groups, dict):
                # 脱贫户五个 另外三十几个不是 五个都签的无固定期限 社保都买了: the contracts and 社保 said with the split
                told = self.carried_facts(flow, extract_facts(raw or norm, self.kb.root))
                st = {**state, "facts": {**(state.get("facts") or {}), **told, "groups": groups}, "misses": 0}
                split = {step.slot, count.slot}
                split |= {s.slot for s in flow.steps if s.of in split}  # 签1年以上的 counts the new total again
                # 组织了二十个人 … 十四个脱贫户 六个普通的: the split decides the count, not the total said before
                st["known"] = {k: v for k, v in (st.get("known") or {}).items() if k not in split}
                st["values"] = {k: v for k, v in st["values"].items() if k not in split}
                st["history"] = [k for k in st.get("history", []) if k not in split]
                st, replies = self._advance(flow, {**st, "asking": None}, "")
                return st, replies, Parsed(True)
        if step.type == "region":
            said = extract_facts(raw or norm, self.kb.root)
            if said.get("elsewhere") and (not said.get("region") or self._region_denied(step, raw or norm)):
                # 甘孜炉霍县 不是泸定 / 户口在雅安石棉县 不是泸定的 只是以前在泸定打工: neither document is theirs
                return None, [Reply(self.t["dialog_elsewhere_end"].format(place=said["elsewhere"]))], Parsed(True)
        parsed = self._by_facts(step, raw or norm) or parse(step, norm, self.vocab, state["values"], raw)
        if parsed.problem == "too_large" and step.of:  # 十个都签的一年整 of 7 脱贫 + 3 others: all, so all seven
            fixed = _everyone(flow, state["values"], {step.slot: parsed.value}, state.get("facts") or {})
            parsed = Parsed(True, fixed[step.slot]) if fixed[step.slot] != parsed.value else parsed
        if not parsed.ok:
            return state, [self.reask(flow, step, state, parsed)], parsed
        with_contracts, long = self._contracts_said(flow, step, parsed.value, raw or norm, state)
        head = ""
        if long is not None and step.echo:  # both answers said back: 新招的符合条件人员3人；签1年以上劳动合同的0人
            c = next(s for s in flow.steps if s.type == "contract" and s.of == step.slot)
            head = self.t["dialog_understood"].format(what="；".join(
                x.echo.format(value=x.show(v)) for x, v in ((step, parsed.value), (c, long)) if x.echo))
        st, replies = self.set_value(flow, with_contracts, step, parsed.value, head=head, span=parsed.span)
        return st, replies, parsed

    def _by_facts(self, step: Step, text: str) -> Parsed | None:
        """An answer the step's fact reader settles (房贷 and a 花呗 of 两万多 are no other loans; 不是脱贫户 是监测户):
        it knows what the rule counts and what is negated, the option reader only the words. Only for steps marked
        by_facts."""
        if not step.by_facts:
            return None
        facts = extract_facts(text, self.kb.root)
        said = facts.get(step.fact)
        if step.type == "subset":  # 社保没买: none of them; a count said (七个买了 三个还没买) is read by parse
            return Parsed(True, 0) if said == "no" and not find_numbers(text) else None
        if said == EXEMPT_ONLY:
            said = "no"  # 有个车贷 as the answer to "别的贷款？": the one loan they have does not count
        if said == "unsure":
            return Parsed(True, UNSURE)
        if said in ("yes", "no") or (step.type == "choice" and said is not None and self._valid(step, said)):
            return Parsed(True, said)
        return None

    def _contracts_said(self, flow: Flow, step: Step, value: Any, text: str, state: dict) -> tuple[dict, int | None]:
        """A head count typed with its contract lengths (3个 都签了两年 / 2个签两年 1个签半年) answers the contract
        step counting those people as well: one length for all is kept as the contract length (it then follows a
        corrected total), mixed lengths as the count of the long ones. Nothing said of contracts: unchanged, None.
        Returns the state and how many have the length that counts."""
        c = next((s for s in flow.steps if s.type == "contract" and s.of == step.slot), None)
        if c is None or not isinstance(value, int) or value < 1:
            return state, None
        t = prep(text)
        durs = contract_lengths(t, self.lex)
        if durs is None:
            return state, None  # nothing said of contracts (来了半年 / 失业一年以上 are no contract)
        q = count_qualifying(t, c.months, value, self.lex)
        if not isinstance(q, int) or q > value:
            return state, None  # lengths that do not pair with the count: the contract question asks
        facts = {**(state.get("facts") or {})}
        months = {v for v, *_ in durs if v}
        if len(months) <= 1 and q in (0, value):
            facts["contract_months"] = int(months.pop()) if months else c.months
            return {**state, "facts": facts}, q
        values = {**state["values"], c.slot: q}
        history = [s for s in state["history"] if s != c.slot] + [c.slot]
        return {**state, "values": values, "history": history}, q

    def missed(self, state: dict) -> tuple[dict | None, list[Reply]]:
        """An answer not understood (after any side question was ruled out): the second time the choices
        come as a numbered list with how to leave; the third is taken as 不确定 (or ends a check without a region)."""
        flow = self.flows[state["flow"]]
        step = flow.step(state.get("asking") or "")
        misses = int(state.get("misses") or 0) + 1
        state = {**state, "misses": misses, "ts": self.clock()}
        if step is None:
            return self._advance(flow, state, "")
        if misses >= 3:
            if not step.takes_unsure:
                return None, [Reply(self.t["dialog_gave_up_region"])]
            return self.set_value(flow, state, step, UNSURE, head=self.t["dialog_gave_up"])
        if misses == 2:
            return state, [Reply(self.t["dialog_choices"].format(question=self._ask_text(step)) + "\n" +
                                 self.t["dialog_choices_tail"], self._buttons(step))]
        return state, [self.reask(flow, step, state, Parsed(False, problem="no_match"))]

    def correct(self, state: dict, changes: dict[str, Any]) -> tuple[dict | None, list[Reply]]:
        """Change answers already given (说错了 是两次, 不对 我是泸州的) and go on from there, or redo the result."""
        flow = self.flows[state["flow"]]
        values = {**state["values"], **changes}
        moved = set(changes)  # totals changed, directly or as a count worked out from one
        lengths_for_all = isinstance((state.get("facts") or {}).get("contract_months"), int)
        for s in flow.steps:
            if s.of not in moved or s.slot in changes:
                continue
            # a count taken from a contract length said for everyone follows the new total; so does a part that was
            # all of the old total (七个 … 社保都买了, then 不对 是九个): worked out again, or asked again
            if (s.type == "contract" and lengths_for_all) or (
                    s.type in ("contract", "subset") and state["values"].get(s.slot) == state["values"].get(s.of)):
                values.pop(s.slot, None)
                moved.add(s.slot)
        history = [s for s in state.get("history", []) if s not in changes] + list(changes)
        what = "；".join(f"{s.label}：{s.show(changes[s.slot])}" for s in flow.steps if s.slot in changes)
        key = "dialog_redo" if state.get("asking") is None else "dialog_changed"
        known = {k: v for k, v in {**(state.get("known") or {}), **changes}.items() if k in changes or k not in moved}
        spans = {k: v for k, v in (state.get("spans") or {}).items() if k not in changes}  # 说错了 是52个: exact now
        return self._advance(flow, {**state, "values": values, "history": history, "ts": self.clock(), "misses": 0,
                                    "known": known, "spans": spans}, self.t[key].format(what=what))

    def press(self, state: dict, slot: str, value: str) -> tuple[dict | None, list[Reply]] | None:
        """A button under a question; None when it is not for the question being asked (stale)."""
        flow = self.flows.get(state.get("flow") or "")
        step = flow.step(slot) if flow else None
        if flow is None or step is None or state.get("asking") != slot:
            return None
        if step.type == "subset" and (value in (SUBSET_ALL, "0", UNSURE)):
            total = state["values"].get(step.of)
            answer: Any = UNSURE if value == UNSURE else (total if value == SUBSET_ALL else 0)
            return self.set_value(flow, state, step, answer) if isinstance(answer, int) or answer == UNSURE else None
        if step.option(value) is None:
            return None
        return self.set_value(flow, state, step, value)

    def set_value(self, flow: Flow, state: dict, step: Step, value: Any, head: str = "",
                  span: tuple[int, int] | None = None) -> tuple[dict | None, list[Reply]]:
        values = {**state["values"], step.slot: value}
        history = [s for s in state["history"] if s != step.slot] + [step.slot]
        spans = {k: v for k, v in (state.get("spans") or {}).items() if k != step.slot}
        if span is not None:
            spans[step.slot] = list(span)
        if not head and step.echo and isinstance(value, (int, float)):
            shown = self.t["dialog_span"].format(lo=span[0], hi=span[1]) if span else step.show(value)
            head = self.t["dialog_understood"].format(what=step.echo.format(value=shown))
        return self._advance(flow, {**state, "values": values, "history": history, "ts": self.clock(),
                                    "misses": 0, "spans": spans}, head)

    def reask(self, flow: Flow, step: Step, state: dict, parsed: Parsed | None = None) -> Reply:
        if parsed and parsed.problem == "approx":
            return Reply(self.t["dialog_ask_exact"].format(question=step.question), self._buttons(step))
        if parsed and parsed.problem in ("too_small", "too_large"):
            lo = step.min(state["values"]) if step.min else 0
            hi = step.max(state["values"]) if step.max else None
            key = "dialog_range" if hi is not None else "dialog_min"
            text = self.t[key].format(min=_fmt(lo), max=_fmt(hi)) + step.reask
        else:
            text = self.t["dialog_reask"].format(reask=step.reask, question=step.question)  # asked again as a question
        return Reply(text, self._buttons(step))

    def question(self, flow: Flow, state: dict) -> Reply | None:
        step = flow.step(state.get("asking") or "")
        return Reply(self._ask_text(step), self._buttons(step)) if step else None

    def _ask_text(self, step: Step) -> str:
        """A choice's question with its options as a numbered list: only then does a bare number pick one."""
        if step.type != "choice":
            return step.question
        return step.question + "\n" + "\n".join(f"{i}. {o.label}" for i, o in enumerate(step.options, 1))

    # -- pieces -----------------------------------------------------------------------------------
    def next_step(self, flow: Flow, values: dict[str, Any]) -> Step | None:
        for s in flow.steps:  # (an assumed answer is never asked: rules take it unless one was said)
            if s.slot not in values and not s.assume and (s.when is None or s.when.holds(values)):
                return s
        return None

    def _advance(self, flow: Flow, state: dict, head: str, ask: str | None = None
                 ) -> tuple[dict | None, list[Reply]]:
        values = self._prune(flow, state["values"])
        state = {**state, "values": values, "history": [s for s in state["history"] if s in values]}
        step = flow.step(ask) if ask else self.next_step(flow, values)
        said: list[str] = []
        while step is not None and not ask:
            v = self._given(flow, state, step, values, said)
            if v is None:
                break
            values = {**values, step.slot: v}
            state = {**state, "values": values, "history": state["history"] + [step.slot]}
            step = self.next_step(flow, values)
        head = "\n".join([head] * bool(head) + said)
        if step is None:
            # 厂里给十个都买了社保, then 7 of the 10 counted: all of everyone is all of those counted
            values = {**values, **_everyone(flow, values, {k: v for k, v in values.items()
                                                           if (st := flow.step(k)) is not None and st.type == "subset"},
                                            state.get("facts") or {})}
            results, unsettled = self._evaluate(flow, values, state.get("spans") or {})
            if unsettled is not None:  # 一百二十来个, and 115 and 125 give different results: ask the exact count
                lo, hi = state["spans"][unsettled.slot]
                state["values"] = {k: v for k, v in values.items() if k != unsettled.slot}
                state["history"] = [k for k in state["history"] if k != unsettled.slot]
                state["spans"] = {k: v for k, v in state["spans"].items() if k != unsettled.slot}
                state["asking"] = unsettled.slot
                text = "\n".join(x for x in (head, self.t["dialog_span_decides"].format(
                    lo=lo, hi=hi, question=self._ask_text(unsettled))) if x)
                return state, [Reply(text, self._buttons(unsettled))]
            outside = self._outside_validity(values, state.get("facts") or {})
            if outside:  # 二零二二年认定的 / 学到12月25号: the document does not say; never a ✅
                results = [replace(r, outcome="ask_office") if r.outcome == "eligible" else r for r in results]
                head = "\n".join(x for x in (head, outside) if x)
            text = self.writer.write(flow, values, results, shown={
                k: self.t["dialog_span"].format(lo=lo, hi=hi) for k, (lo, hi) in (state.get("spans") or {}).items()})
            buttons = [Button(self.t["dialog_again_button"], encode("check", flow.id))]
            meta = {"flow": flow.id, "values": values, "results": [r.to_dict() for r in results]}
            return None, ([Reply(head)] if head else []) + [Reply(text, [buttons], meta)]
        state["asking"] = step.slot
        text = (head + "\n" if head else "") + self._ask_text(step)
        return state, [Reply(text, self._buttons(step))]

    def _outside_validity(self, values: dict[str, Any], facts: dict[str, Any]) -> str:
        """A line when what the check is about happened before the region's document took effect, or runs past
        the day it expires (a course from 12月10号 to 25号 when it ends on 12月16日); "" otherwise."""
        doc = self.kb.documents.get(values.get("region") or "")
        if doc is None:
            return ""
        year, end = facts.get("event_year"), facts.get("event_end")
        if isinstance(year, int) and doc.effective is not None and year < doc.effective.year:
            what = self.t["dialog_validity_year"].format(year=year)
        elif isinstance(end, str) and doc.expires is not None:
            month, day = (int(x) for x in end.split("-"))
            try:
                last = dt.date(self.today().year, month, day)
            except ValueError:
                return ""
            if last <= doc.expires:
                return ""
            what = self.t["dialog_validity_end"].format(month=month, day=day)
        else:
            return ""
        valid = "、".join(self.t[key].format(y=d.year, m=d.month, d=d.day) for key, d in (
            ("dialog_validity_from", doc.effective), ("dialog_validity_to", doc.expires)) if d is not None)
        return self.t["dialog_outside_validity"].format(name=doc.name, valid=valid, what=what, office=doc.office)

    def _shown(self, step: Step, value: Any, spans: dict[str, list[int]]) -> str:
        span = spans.get(step.slot)
        return self.t["dialog_span"].format(lo=span[0], hi=span[1]) if span else step.show(value)

    def _evaluate(self, flow: Flow, values: dict[str, Any], spans: dict[str, list[int]]
                  ) -> tuple[list[PartResult], Step | None]:
        """The results, and the first approximate answer whose two ends give different ones (None: every
        reading of it gives the same results, which are then the answer's)."""
        results = evaluate(flow, values)
        for slot, (lo, hi) in spans.items():
            step = flow.step(slot)
            if step is None or slot not in values:
                continue
            ends = [evaluate(flow, {**values, slot: v}) for v in (lo, hi)]
            if any([r.to_dict() for r in e] != [r.to_dict() for r in results] for e in ends):
                return results, step
        return results, None

    def _given(self, flow: Flow, state: dict, step: Step, values: dict[str, Any], said: list[str]) -> Any:
        """The answer to step already given, or None: said before but not asked yet (员工人数 said while 小微企业
        was still open); a contract length said for everyone (under the limit none count, else all do); a count
        split by group (the groups the count step covers, e.g. 泸州: 脱贫人口 only)."""
        known = state.get("known") or {}
        if step.slot in known:
            return _fitted(flow, step, known[step.slot], values)
        facts = state.get("facts") or {}
        if step.type == "subset" and isinstance(values.get(step.of), int):
            return _subset_said(facts, step.fact, values[step.of])
        groups = facts.get("groups")
        signed = facts.get("contract_groups")
        split = self._split_step(flow, flow.step(step.of)) if step.type == "contract" and step.of else None
        if isinstance(signed, dict) and isinstance(groups, dict) and split is not None and isinstance(
                values.get(step.of), int):
            covered = self._covered(flow, split, groups, values)
            if covered and all(g in signed for g in covered):  # 七个脱贫的都签的两年 灾区五个里四个签的一年半: 11
                return min(sum(signed[g] for g in covered), values[step.of])
        months = facts.get("contract_months")
        if step.type == "contract" and isinstance(months, int) and isinstance(values.get(step.of), int):
            return 0 if months < step.months else values[step.of]
        count = self._split_step(flow, step)
        if not isinstance(groups, dict) or count is None:
            return None
        chooser = flow.step(count.split_by)
        assert chooser is not None  # load_flow: split_by names an earlier choice step
        named = [o.value for o in chooser.options if isinstance(groups.get(o.value), int) and groups[o.value] > 0]
        covered = self._covered(flow, count, groups, values)
        if step is chooser:
            return (covered or named)[0] if covered or named else None
        label = {o.value: o.label for o in chooser.options}
        n = sum(groups[g] for g in covered)
        shown = "、".join(self.t["dialog_split_group"].format(label=label[g], count=groups[g])
                         for g in named)
        if set(covered) == set(named):
            said.append(self.t["dialog_split_none"].format(groups=shown))
        else:
            said.append(self.t["dialog_split"].format(groups=shown, count=n, covered="、".join(
                label[g] for g in covered)))
        return n

    @staticmethod
    def _covered(flow: Flow, count: Step, groups: dict, values: dict[str, Any]) -> list[str]:
        """The groups said whose people the count step counts (泸定: 脱贫人口 and 灾区劳动力; 泸州: 脱贫人口)."""
        chooser = flow.step(count.split_by)
        assert chooser is not None  # load_flow: split_by names an earlier choice step
        named = [o.value for o in chooser.options if isinstance(groups.get(o.value), int) and groups[o.value] > 0]
        return [g for g in named if count.when is None or count.when.holds({**values, count.split_by: g})]

    def _split_step(self, flow: Flow, step: Step | None) -> Step | None:
        """The count step split by group that step is (placed), or whose groups step asks (whom); else None."""
        if step is None:
            return None
        if step.split_by:
            return step
        return next((s for s in flow.steps if s.split_by == step.slot), None)

    def _prune(self, flow: Flow, values: dict[str, Any]) -> dict[str, Any]:
        """Drop answers to steps whose condition no longer holds (after going back and changing one), and parts
        larger than what they are part of that cannot be fitted to it."""
        kept: dict[str, Any] = {}
        for s in flow.steps:
            if s.slot in values and (s.when is None or s.when.holds(kept)):
                v = _fitted(flow, s, values[s.slot], kept)
                if v is not None:
                    kept[s.slot] = v
        return kept

    def _buttons(self, step: Step) -> list[list[Button]]:
        opts = [Button(o.label, encode("answer", f"{step.slot}|{o.value}")) for o in step.options]
        if step.type == "subset":  # how many of them: all, none, or not sure (a number is typed)
            opts = [Button(self.t[key], encode("answer", f"{step.slot}|{v}"), numbered=False)
                    for key, v in (("dialog_subset_all", SUBSET_ALL), ("dialog_subset_none", "0"))]
            opts.append(Button(step.unsure_label, encode("answer", f"{step.slot}|{UNSURE}"), numbered=False))
        numbered = bool(step.options)  # under a how-many question a typed "1" is one, never 上一步
        nav = [Button(self.t["dialog_back_button"], encode("nav", "back"), numbered=numbered),
               Button(self.t["dialog_exit_button"], encode("nav", "exit"), numbered=numbered)]
        return _rows(opts, BUTTONS_PER_ROW) + [nav]

    def _valid(self, step: Step, value: Any) -> bool:
        if value == UNSURE:
            return step.takes_unsure
        if step.options:
            return step.option(value) is not None
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    def valid_state(self, state: Any) -> bool:
        """A stored state this version can continue (flows may have changed since it was saved)."""
        if not isinstance(state, dict):
            return False
        if state.get("menu"):
            return True
        flow = self.flows.get(state.get("flow") or "")
        if flow is None or not isinstance(state.get("values"), dict) or not isinstance(state.get("history"), list):
            return False
        for slot, v in state["values"].items():
            step = flow.step(slot)
            if step is None or not self._valid(step, v):
                return False
        return state.get("asking") is None or flow.step(state["asking"]) is not None

    # -- what an opening message already says -------------------------------------------------------
    def _region_denied(self, step: Step, text: str) -> bool:
        """不是泸定的: a region's name denied somewhere in the answer (a later 在泸定打工 is where one worked)."""
        t = normalise(text)
        return any(_negations(t[max(0, i - 3):i], self.lex) % 2 for o in step.options for w in o.words if len(w) >= 2
                   for i, _ in occurrences(t, w))

    def _own(self, word: str, norm: str) -> bool:
        """The word says something of the user somewhere: not denied (不是劳务公司), not someone acting on the
        user (劳务公司介绍我去福建: the company is not the user), not what another person is (当劳务经纪人的朋友)."""
        acting = self.lex.fact_words("role_object")
        i = norm.find(word)
        while i >= 0:
            after = norm[i + len(word):i + len(word) + 6]
            if not _negations(norm[max(0, i - 3):i], self.lex) % 2 and \
                    not any(after.find(w) >= 0 and after.find(w) <= 2 for w in acting) and \
                    not self._acts_on_people(after) and \
                    not (0 <= after.find("的") <= 1 and names_other(after[after.find("的"):after.find("的") + 4],
                                                                     self.lex)) and \
                    not ("是" in norm[max(0, i - 3):i] and names_other(norm[max(0, i - 9):i], self.lex)
                         and not asks_for_other(norm, self.lex)) and \
                    not self._of_another(norm, i):
                return True  # (我表哥是劳务经纪人: the cousin's role, not the user's)
            i = norm.find(word, i + 1)
        return False

    def _of_another(self, norm: str, i: int) -> bool:
        """我老表从浙江打工回来办了…: a relative named just before is who the words are about."""
        return said_of_another(norm, i, self.lex) and not asks_for_other(norm, self.lex)

    def _acts_on_people(self, after: str) -> bool:
        """厂里给十二个都买齐了 / 公司帮他们签的: the role word is someone doing something for the people, not the user."""
        verb = next((w for w in self.lex.fact_words("role_acts_on") if after.startswith(w)), None)
        if verb is None:
            return False
        rest = after[len(verb):]
        return rest.startswith(self.lex.fact_words("role_acts_on_whom")) or any(
            n.start == 0 for n in find_numbers(rest))

    @staticmethod
    def _said_with(flow: Flow, step: Step, out: dict[str, Any], norm: str, word: str) -> bool:
        """A word of step said nearest to the option chosen for step.said_with (培训基地 … 市级的技能大师工作室: 市级
        is the studio's, not the base's level); true when the step has no said_with or that choice is not made."""
        other = flow.step(step.said_with) if step.said_with else None
        if other is None or step.said_with not in out:
            return True
        marks = [(i, o.value) for o in other.options for w in o.words if len(w) >= 2 for i, _ in occurrences(norm, w)]
        if not marks:
            return True
        for i, _ in occurrences(norm, word):
            nearest = min(marks, key=lambda m: abs(m[0] - i))
            if nearest[1] == out[step.said_with]:
                return True
        return False

    def prefill(self, flow: Flow, norm: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        norm = self._hearsay.sub("", norm)  # 听说…国家级的有10万: what others say is no answer of the user's own
        for s in flow.steps:
            if s.type == "yesno" and not (s.prefill_yes or s.prefill_no):
                continue  # most yes/no questions are never answered in passing: no words to look for
            if s.type == "yesno":
                plain = A_NOT_A.sub("", norm) if any_in(norm, s.prefill_yes) else norm  # 重庆算不算跨省: asked
                yes = next((w for w in s.prefill_yes if w in plain), None) if any_in(plain, s.prefill_yes) else None
                if any_in(norm, s.prefill_no):
                    out[s.slot] = "no"
                elif yes:
                    head = plain[max(0, plain.index(yes) - 3):plain.index(yes)]
                    before = plain[max(0, plain.index(yes) - 8):plain.index(yes)]
                    if any_in(before, self.lex.words("unknown")):
                        continue  # 不晓得算不算小微企业: a question to ask, not an answer
                    out[s.slot] = "no" if _negations(head, self.lex) % 2 else "yes"
            elif s.type == "choice" and s.prefill_options:
                finder, values_of = _option_words(s)
                said = values_of.keys() & self._options_said(norm) if id(s) in self._option_steps else finder.found(norm)
                if not said:
                    continue  # most messages name no option of most steps
                hits = sorted(((len(w), v) for w in said for v in values_of[w] if _names(w, norm) and self._own(w, norm)
                               and not denied(norm, w) and self._said_with(flow, s, out, norm, w)),
                              reverse=True)  # 还不是川字号 明年准备报川字号: no
                named = {v for _, v in hits}
                if len(named) > 1 and any(st.split_by == s.slot for st in flow.steps):
                    continue  # 6个脱贫户 4个灾区的 另外3个普通的 that does not add up: which group, asked with the counts
                first = next((v for v in s.prefer if v in named), None) if len(named) > 1 else None
                if first is not None:
                    out[s.slot] = first  # 授牌认定成川字号了 … 县上也给了个区域性的牌子: the one that pays
                elif hits and (len(hits) == 1 or hits[0][0] > hits[1][0] or hits[0][1] == hits[1][1]):
                    out[s.slot] = hits[0][1]
            elif s.type in ("number", "count") and s.prefill_units:
                found = _number_before(tuple(s.prefill_units)).findall(norm)
                if len(found) == 1:
                    try:
                        out[s.slot] = int(found[0]) if found[0].isdigit() else cn_to_int(found[0])
                    except ValueError:
                        pass
        return out


def _fitted(flow: Flow, step: Step, v: Any, values: dict[str, Any]) -> Any:
    """A subset's count against what it is part of: 参保的6人 said before 签满一年的5人 was answered is all five when
    six were all the people counted; None (ask it) when it is more than the part but fewer than everyone."""
    total = values.get(step.of) if step.type == "subset" and step.of else None
    if not (isinstance(total, int) and isinstance(v, int) and v > total):
        return v
    whole = values.get(getattr(flow.step(step.of), "of", "") or "")
    return total if isinstance(whole, int) and v >= whole else None


def _everyone(flow: Flow, values: dict[str, Any], found: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    """A part said as many as all the people of every group (说错了 厂里给十二个都买齐了, after 九个脱贫户 三个不是):
    all of them, so all of those the check counts; not a larger total."""
    groups = facts.get("groups")
    if not isinstance(groups, dict):
        return found
    everyone = sum(v for v in groups.values() if isinstance(v, int))
    out = dict(found)
    for k, v in found.items():
        st = flow.step(k)
        total = values.get(st.of) if st is not None and st.type in ("contract", "subset") and st.of else None
        total = found.get(st.of, total) if st is not None and st.of in found and st.type == "subset" else total
        if isinstance(v, int) and isinstance(total, int) and total < v == everyone and st is not None \
                and (st.type == "subset" or st.of not in found):  # (a total changed with it: not capped)
            out[k] = total
    return out


def _totals_grown(flow: Flow, values: dict[str, Any], found: dict[str, Any]) -> dict[str, Any]:
    """A part said larger than its total (应该是九个 … 也签的三年 after eight placed): the total was what changed,
    to at least that many (the parts that were all of it follow it in correct())."""
    out = dict(found)
    changed = True
    while changed:
        changed = False
        for k, v in list(out.items()):
            st = flow.step(k)
            total = st.of if st is not None and st.type in ("contract", "subset") else ""
            have = out.get(total, values.get(total))
            if total and total not in found and isinstance(v, int) and isinstance(have, int) and v > have:
                out[total] = v
                changed = True
    return out


_HIRED = re.compile(r"(招|吸纳|聘)[^招吸聘想要用以准打申贷]{0,10}$")  # 新招了四个想用公司名义贷款: 公司 is the asker's


def _of_the_hired(norm: str, word: str) -> bool:
    """Every time the word is said, it describes people hired (新招了六个都是返乡的农民工): not who borrows."""
    found = [i for i in range(len(norm)) if norm.startswith(word, i)]
    return bool(found) and all(_HIRED.search(norm, max(0, i - 12), i) for i in found)


_OPTION_WORDS: dict[int, tuple[Step, Words, dict[str, tuple[Any, ...]]]] = {}  # by the step's identity: hashing a
# frozen step hashes all it holds


def _option_words(step: Step) -> tuple[Words, dict[str, tuple[Any, ...]]]:
    """The words (two characters or more) that prefill one of the step's options, a finder made once per step, and
    the option values each word names (once per time the options list it), so that a message costs the words it
    says, not every word of every option."""
    kept = _OPTION_WORDS.get(id(step))
    if kept is None or kept[0] is not step:
        values: dict[str, list[Any]] = {}
        for o in step.options:
            for w in o.words if o.prefill else ():
                if len(w) >= 2:
                    values.setdefault(w, []).append(o.value)
        kept = _OPTION_WORDS[id(step)] = (step, Words(values), {w: tuple(v) for w, v in values.items()})
    return kept[1], kept[2]


@lru_cache(maxsize=256)  # one pattern per step with units: knowledge data, a few dozen
def _number_before(units: tuple[str, ...]) -> re.Pattern:
    """A number (digits or Chinese numerals) followed by one of these units."""
    return re.compile(rf"(\d+|{CN_NUMBER.pattern})(?:{'|'.join(re.escape(u) for u in units)})")


def _never_asked(flow: Flow, values: dict[str, Any]) -> set[str]:
    """Slots the known answers rule out (您是：用工企业 → the people placed, their contracts): a step whose condition
    names only known answers and fails, or names a slot ruled out. Said back in a summary, they would read as used."""
    off: set[str] = set()
    for s in flow.steps:
        if s.when is None:
            continue
        if s.when.names & off or (s.when.names <= set(values) and not s.when.holds(values)):
            off.add(s.slot)
    return off


def _asked(step: Step | None, values: dict[str, Any]) -> bool:
    """The step is asked with these answers: it has no condition, or its condition holds."""
    assert step is not None  # a slot of the flow's own steps
    return step.when is None or step.when.holds(values)


def _names(word: str, norm: str) -> bool:
    """word is in norm as a word of its own: 个人 in 6个人 is a head count, not the option 个人."""
    i = norm.find(word)
    while i >= 0:
        if not (word[0] in "个名位" and i and (norm[i - 1].isdigit() or CN_NUMBER.fullmatch(norm[i - 1]))):
            return True
        i = norm.find(word, i + 1)
    return False


def _rows(buttons: list[Button], per_row: int) -> list[list[Button]]:
    return [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _subset_said(facts: dict[str, Any], fact: str, total: int) -> int | None:
    """How many of total a subset step's fact said before it was asked: 六个交了 (fact_count), 有三个没交
    (fact_missing: total − 3), 都交了 (yes: total), 没交 (no: 0); None when nothing was said, or it does not fit."""
    have, missing, said = facts.get(f"{fact}_count"), facts.get(f"{fact}_missing"), facts.get(fact)
    if isinstance(have, int) and 0 <= have <= total:
        return have
    if isinstance(missing, int) and 0 <= missing <= total:
        return total - missing
    return {"yes": total, "no": 0}.get(said) if isinstance(said, str) else None
