"""What a question asks (its facet), who asks it, and which answer point of a measure settles it.

A measure often holds several things (the loan measure: ceiling, interest subsidy, repeat loans,
start-up subsidy); a question asks one facet of one of them (how much, how often, who pays, how it is
paid). knowledge/points.yaml lists the points, the facets each one settles (with the verbatim span
that supports it), and cases that turn on what the asker said (不是脱贫户, 成都, 我个人). A facet a
point does not settle is answered as "文件没有写…" with the office to ask: a non-answer never looks
like an answer. knowledge/scope.yaml holds the out-of-scope topics with the office that handles each,
and places outside the two regions. All of it is data; this module only loads, checks and selects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.kb import KnowledgeBase
from bot.kb.loader import KBError, read_yaml, squash
from bot.mention import Mention
from bot.textnorm import Words, gap_pattern, normalise

POINT_FILE = "points.yaml"
CASE_WEIGHT = 4  # characters a case decided by the question's words adds to its point's score
SCOPE_FILE = "scope.yaml"
PAYEE_BONUS = 2  # characters the point paying the asker adds, when they ask what they can have
SUBJECT_GAP = 6  # characters (总共能领) at most between a point's word and the amount asked right after it


@dataclass(frozen=True)
class Facet:
    id: str
    name: str  # as it reads in "文件没有写{name}"
    words: tuple[str, ...]
    open_default: bool  # unsettled by a point → say the documents do not say it
    settled_by: re.Pattern | None = None  # ... unless the point's own line states it (a figure: 10万元, 3年)
    generic: bool = False  # asked in passing by many questions (能不能): ranked after every specific facet
    lead: bool = False  # what the whole question turns on (为啥少了, 两地一样不): ranked before the others
    about: tuple[str, ...] = ()  # a lead facet's answers speak of these (两地一样不: the amounts); asked with
    # another specific facet (次数两边一样不), that facet is answered instead, for each region
    not_before: tuple[str, ...] = ()  # a word followed by one of these asks nothing (好多人: many people)
    beyond: bool = False  # what no measure's own line says (钱的用途, 要不要退): open even for a narrow point
    not_after: tuple[str, ...] = ()  # a word after one of these asks nothing (劳动合同期限: the contract's, not the loan's)
    outranks: tuple[str, ...] = ()  # asked with these, a lead facet is still answered (打到卡上只有800 是不是少发了: why
    # less, not how it is paid)
    told: tuple[str, ...] = ()  # words that also tell what happened (又去酒店实操了七天): asked only by these, the
    # facet is not asked when another specific one is (能领好多)


@dataclass(frozen=True)
class Said:
    """A condition on the question's words: any of each group must appear, none of `unless`."""

    all_of: tuple[tuple[str, ...], ...]
    unless: tuple[str, ...] = ()
    negations: tuple[str, ...] = ()  # 不是监测户: a word said right after one of these is not said

    def holds(self, norm: str, found: set[str] | frozenset[str] | None = None) -> bool:
        """found: the words of this condition norm contains (textnorm.Words.found), when the caller has them."""
        has = (lambda w: _contains(norm, w)) if found is None else found.__contains__
        for group in self.all_of:
            present = [w for w in group if has(w)]
            if not present or (self.negations and not any(self._said(w, norm) for w in present)):
                return False
        return not any(has(w) for w in self.unless)

    def words(self) -> tuple[str, ...]:
        return tuple(w for group in self.all_of for w in group) + self.unless

    def _said(self, word: str, norm: str) -> bool:
        return "…" in word or _unnegated(word, norm, self.negations)


def _unnegated(word: str, norm: str, negations: tuple[str, ...]) -> bool:
    """The word is in norm at least once not right after one of the negations."""
    i = norm.find(word)
    while i >= 0:
        if not any(norm.endswith(n, 0, i) and not _asks(norm, i - len(n), n) for n in negations):
            return True
        i = norm.find(word, i + 1)
    return False


def _asks(norm: str, at: int, negation: str) -> bool:
    """是不是一直有效: the negation is half of an A-not-A question (是不是), not a denial."""
    return negation[:1] == "不" and at > 0 and norm[at - 1] == negation[1:2]


@dataclass(frozen=True)
class Answer:
    """The first line for one facet (or case): the same for both regions, or one per region."""

    text: dict[str, str]  # region or "all" → first line
    quote: dict[str, str]  # measure id → verbatim span of its text
    later: tuple[str, ...] = ()  # update ids whose dated source this line relies on
    then: dict[str, str] = field(default_factory=dict)  # region or "all" → a line after the first
    compute: dict[str, Any] = field(default_factory=dict)  # name → Expr over the user's facts (20天 × 50元)
    silent: str = ""  # the facet both documents leave open (文件没有写…): said once for both regions
    alone: bool = False  # nothing more is said after it (贷过3次: no interest line for a loan they cannot have)
    sichuan_wide: bool = False  # the line gives a rule of 四川 as a whole (a provincial document): an asker
    # elsewhere in the province is not first told that their place has its own rules

    def for_region(self, region: str | None) -> str | None:
        if region and region in self.text:
            return self.text[region]
        return self.text.get("all")


@dataclass(frozen=True)
class Case:
    said: Said | None  # words of this message; None: only what the user said before (`known`) counts
    answer: Answer
    regions: tuple[str, ...] = ()  # the case only applies when answering for these regions (empty: any)
    facets: tuple[str, ...] = ()  # facets it answers even when the point settles them too
    known: tuple[tuple[str, str, str], ...] = ()  # (fact, op, value): facts said in this conversation
    also: tuple[tuple[str, str, str], ...] = ()  # facts that must hold as well (and_known), whatever fired
    unless: tuple[str, ...] = ()  # a case on facts alone: words that keep it quiet (我是…经纪人)

    def words(self) -> tuple[str, ...]:
        """Every word the case looks for in a message (its said words and its unless words)."""
        return (self.said.words() if self.said is not None else ()) + self.unless

    def fires(self, norm: str, facts: dict, found: frozenset[str] | None = None) -> str | None:
        """'said' when this message's words hold, 'known' when remembered facts do, else None. found: the case
        words norm contains (Points.case_words_in), when the caller has them."""
        if self.also and not all(_compare(facts.get(k), op, v) for k, op, v in self.also):
            return None
        if self.unless and any((w in found) if found is not None else _contains(norm, w) for w in self.unless):
            return None
        if self.said is not None and self.said.holds(norm, found):
            return "said"
        if self.known and all(_compare(facts.get(k), op, v) for k, op, v in self.known):
            return "known"
        return None


SAID_GAP = 8  # characters a "…" in a said/unless word stands for


def _contains(norm: str, word: str) -> bool:
    """word in norm; a word with "…" allows a gap of up to 8 characters there (我是…经纪人: 我是泸定德威的劳务经纪人)."""
    return word in norm if "…" not in word else bool(gap_pattern(word, SAID_GAP).search(norm))


_OPS = ("<=", ">=", "<", ">", "=", "!")


def _compare(have: Any, op: str, want: str) -> bool:
    if op == "!":  # not this value (nothing said counts as not): cross: "!yes"
        return have is None or str(have) != want
    if have is None:
        return False
    if op == "*":  # any value said
        return True
    if op == "=":
        try:
            return float(have) == float(want)  # 50000.0 = 50000
        except (TypeError, ValueError):
            return str(have) == want
    try:
        a, b = float(have), float(want)
    except (TypeError, ValueError):
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _known(path: Path, rec: str, d: Any) -> tuple[tuple[str, str, str], ...]:
    """known: {poor: "no", contract_months: "<12", home: "*"} — facts the user said (bot.understand.extract_facts
    keys; `home`, a place outside both regions the asker says they are from); "*" is any value."""
    if d is None:
        return ()
    if not isinstance(d, dict) or not d:
        raise KBError(path, rec, "known must map a fact to a value or a comparison like '<12'")
    out = []
    for k, v in d.items():
        v = str(v).strip()
        if v == "*":
            out.append((str(k), "*", ""))
            continue
        op = next((o for o in _OPS if v.startswith(o)), "=")
        out.append((str(k), op, v[len(op):].strip() if op != "=" or v.startswith("=") else v))
    return tuple(out)


@dataclass(frozen=True)
class Point:
    id: str
    name: str
    measures: tuple[str, ...]
    words: tuple[str, ...]
    facets: dict[str, Answer]
    cases: tuple[Case, ...] = ()
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()  # who may apply: (label, typed words)
    group_answer: Answer | None = None  # "{group}…可以申请" with the group's label filled in
    only: bool = False  # a narrow point: its own line answers any facet it does not list
    cues: tuple[str, ...] = ()  # words of who asks: choose this point within its measure only
    also_for: tuple[str, ...] = ()  # measures whose questions are about this point when they ask for `needs`
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutOfScope:
    id: str
    said: Said
    office: str  # first line: who handles it


@dataclass(frozen=True)
class Payee:
    """Askers a measure pays, by the words they use for themselves, and the words that ask for the money."""

    id: str
    self_words: tuple[str, ...]
    asks: tuple[str, ...]
    measures: tuple[str, ...]
    point: str = ""  # the point of those measures that pays them
    unless: tuple[str, ...] = ()  # what else pays them, named (评上川字号了 有没得奖补: the brand's award)

    def paid(self, norm: str) -> bool:
        """我是劳务经纪人 … 我能拿好多补助: the asker is one of these and asks what they can have."""
        return any(w in norm for w in self.self_words) and any(w in norm for w in self.asks) and not any(
            w in norm for w in self.unless)


@dataclass
class Points:
    facets: list[Facet]
    points: list[Point]
    by_measure: dict[str, list[Point]]
    oos: list[OutOfScope]
    elsewhere: tuple[str, ...]  # places outside both regions, longest first
    in_province: frozenset[str]  # of those, the ones inside 四川 (not 跨省)
    provinces: dict[str, str] = field(default_factory=dict)
    said_facts: dict[str, Any] = field(default_factory=dict)  # fact → how to say it back (str or value → str)
    document_words: tuple[str, ...] = ()  # 22条, 文件: the question is about a document itself (its validity)
    subject_between: str = ""  # what may stand between a point's word and the amount asked of it (总共能领)
    second_question: tuple[str, ...] = ()  # words that start another question in the same message
    question_end: tuple[str, ...] = ()  # how a question ends when it names no facet (有补贴没得)
    relates: tuple[str, ...] = ()  # a question of how two things relate (跟那个…是一回事不): about both of them
    payees: tuple[Payee, ...] = ()  # askers a measure pays (劳务经纪人 → 就业创业服务补助)
    mention: Mention | None = None  # 有没有提到X / X在不在里头 (bot/mention.py)
    negations: tuple[str, ...] = ()  # 不是贫困户: a word said right after one of these is not said

    def said_plainly(self, word: str, norm: str) -> bool:
        """The word is in norm at least once not right after a negation (我也不是贫困户 does not say 贫困户)."""
        return _unnegated(word, norm, self.negations)

    def is_question(self, norm: str) -> bool:
        return bool(self.asked(norm)) or norm.endswith(self.question_end)

    def __post_init__(self) -> None:
        words = sorted(self.second_question, key=len, reverse=True)
        self._second = re.compile("|".join(re.escape(w) for w in words)) if words else None
        # word lookups made once, so that a message is read once instead of tested against every word
        self._point_words = Words(w for p in self.points for w in p.words if len(w) >= 2)
        self._points_of: dict[str, list[int]] = {}  # word → positions of the points it belongs to
        for i, p in enumerate(self.points):
            for w in dict.fromkeys(p.words):
                if len(w) >= 2:
                    self._points_of.setdefault(w, []).append(i)
        self._facet_words = Words(w for f in self.facets for w in f.words)
        self._facets_of: dict[str, set[str]] = {}  # word → ids of the facets it asks
        for f in self.facets:
            for w in f.words:
                self._facets_of.setdefault(w, set()).add(f.id)
        self._oos_words = Words((w for o in self.oos for w in o.said.words()), gap=SAID_GAP)
        self._oos_first: dict[str, list[int]] = {}  # a topic needs a word of its first group: word → topics
        for i, o in enumerate(self.oos):
            for w in dict.fromkeys(o.said.all_of[0]):
                self._oos_first.setdefault(w, []).append(i)
        self._elsewhere_words = Words(self.elsewhere)  # a few hundred places, most messages name none
        # the words of every case, found once per message: a measure's points are weighed with all their cases
        # (pick), each case testing its words one by one otherwise; a few entries hold the message being answered
        case_words = Words((w for p in self.points for c in p.cases for w in c.words()), gap=SAID_GAP)
        self.case_words_in = lru_cache(maxsize=8)(lambda norm: frozenset(case_words.found(norm)))
        # the matcher, the engine and the answer each ask it of the same message: a few entries hold it
        self._strongest_of = lru_cache(maxsize=8)(self._strongest)

    def parts(self, text: str) -> list[str]:
        """The message cut where a second question starts (还有…, ？)."""
        if self._second is None:
            return [text]
        return [p for p in self._second.split(text) if p.strip()]

    def say_facts(self, facts: dict, keys: list[str] | None = None) -> list[str]:
        """The user's facts in words, as the documents' conditions name them (脱贫户, 合同6个月)."""
        out = []
        for k in keys or list(self.said_facts):
            if k not in facts or k not in self.said_facts:
                continue
            form = self.said_facts[k]
            if isinstance(form, dict):
                text = form.get(str(facts[k]))
                if text:
                    out.append(text)
            else:
                out.append(str(form).format(value=facts[k]))
        return out

    def asked(self, norm: str) -> list[str]:
        """Facets the question asks: the one asked first comes first (两个问题 in one message: the first is
        answered first); generic ones (能不能, 有没得) after every specific one; ties by the file's order."""
        typed = self._facet_words.found(norm)
        named = {fid for w in typed for fid in self._facets_of.get(w, ())}  # facets none of whose words is typed: none
        told: set[str] = set()  # facets asked only by words that may just tell the story
        spans = {}
        for f in self.facets:
            if f.id not in named:
                continue
            hits = [(i, i + len(w), w) for w in f.words if w in typed for i in _finds(norm, w)
                    if not (f.not_before and norm.startswith(f.not_before, i + len(w)))
                    and not (f.not_after and norm[:i].endswith(f.not_after))]
            spans[f.id] = [(i, j) for i, j, _ in hits]
            if hits and all(w in f.told for *_, w in hits):
                told.add(f.id)
        found = []
        for rank, f in enumerate(self.facets):
            mine = spans.get(f.id)
            if mine and not all(any(a <= i and j <= b and b - a > j - i for o, sp in spans.items() if o != f.id
                                    for a, b in sp) for i, j in mine):  # 最长能贷: 期限, not 能贷 (an amount)
                found.append((f.generic, not f.lead, min(i for i, _ in mine), rank, f.id))
        if any(not g and fid not in told for g, *_, fid in found):
            found = [x for x in found if x[-1] not in told]
        ids = [fid for *_, fid in sorted(found)]
        specific = [f for f in self.facets if f.id in ids and not f.generic and not f.lead]
        return [fid for fid in ids if not self._yields(fid, specific)]

    def _yields(self, fid: str, specific: list[Facet]) -> bool:
        """次数两边一样不: the comparison is of 次数, not of what the compare lines speak of (the amounts)."""
        f = self.facet(fid)
        return f is not None and f.lead and bool(f.about) and any(s.id not in f.about + f.outranks for s in specific)

    def position(self, norm: str, fid: str) -> int:
        """Where the facet is first asked in the message (len(norm) when it is not)."""
        f = self.facet(fid)
        return min((norm.find(w) for w in (f.words if f else ()) if w in norm), default=len(norm))

    def beyond_first(self, facets: list[str]) -> Facet | None:
        """The facet asked first, when it is one no measure's own line says (钱的用途, 要不要退)."""
        first = self.facet(facets[0]) if facets else None
        return first if first is not None and first.beyond else None

    def facet(self, fid: str) -> Facet | None:
        return next((f for f in self.facets if f.id == fid), None)

    def pick(self, mid: str, norm: str, facets: list[str], facts: dict | None = None) -> Point | None:
        """The point of a measure the question is about: most of its words typed (or a case that the
        user's facts decide), then the facets it settles."""
        best, best_key = None, (0, 0, 0, 0)
        paid = {y.point for y in self.payees if y.point and y.paid(norm)}  # 人力资源公司 … 补助能拿好多: their own
        subjects = self._subjects(mid, norm, facets)
        for p in self.by_measure.get(mid, []):
            if mid in p.also_for and not any(w in norm for w in p.needs):
                continue
            hits = sum(len(w) for w in p.words + p.cues if w in norm)
            cases = any(c.fires(norm, facts or {}, self.case_words_in(norm)) for c in p.cases)
            settles = sum(f in p.facets for f in facets)
            # a tie goes to a point one of whose cases the message decides (监测户 不是脱贫户 … 证也拿到了 能不能领一天
            # 五十的生活补贴: the living subsidy's case, not the certificate's words)
            key = (int(p.id in subjects), hits + (2 if cases else 0) + (PAYEE_BONUS if p.id in paid else 0), settles,
                   int(cases))
            if key > best_key:
                best, best_key = p, key
        return best if best_key[1] > 0 else None

    def _subjects(self, mid: str, norm: str, facets: list[str]) -> set[str]:
        """The point whose own word is typed right before the amount asked (学了15天电工 证拿到了 生活补贴能领好多:
        the living subsidy's, though the certificate's words are more); none when two or more are, or none is."""
        typed = norm.split("|", 1)[0]
        at = self.position(typed, facets[0]) if facets[:1] == ["amount"] else len(typed)  # which money: its name
        if at >= len(typed):
            return set()
        points = self.by_measure.get(mid, [])
        shared = {w for p in points for w in p.words if sum(w in o.words for o in points) > 1}  # 品牌: no one's own
        near = {p.id for p in points for w in p.words if len(w) >= 2 and w not in shared
                and any(0 <= at - i - len(w) <= SUBJECT_GAP and all(c in self.subject_between for c in typed[i + len(w):at])
                        for i in _finds(typed[:at], w))}
        return near if len(near) == 1 else set()

    def strongest(self, norm: str) -> tuple[Point | None, int]:
        """The point whose own words the question types most of (characters of distinct words); a case of it
        that the words decide (牌子被人冒用 for 商标) counts as much as a point word would need to."""
        return self._strongest_of(norm)

    def _strongest(self, norm: str) -> tuple[Point | None, int]:
        best, score = None, 0
        found = self._point_words.found(norm)
        # only the points one of whose words is typed (the others score 0), in the file's order (ties: the first)
        for p in (self.points[i] for i in sorted({i for w in found for i in self._points_of[w]})):
            n = sum(len(w) for w in p.words if len(w) >= 2 and w in found)
            if n and any(c.said is not None and not c.known and not c.also and c.said.holds(norm) for c in p.cases):
                n += CASE_WEIGHT
            if n > score:
                best, score = p, n
        return best, score

    @staticmethod
    def distinct_words(point: Point, norm: str) -> int:
        return sum(1 for w in point.words if len(w) >= 2 and w in norm)

    def point_score(self, mid: str, norm: str) -> int:
        return max((sum(len(w) for w in p.words if len(w) >= 2 and w in norm) for p in self.by_measure.get(mid, [])
                    if mid in p.measures), default=0)

    def out_of_scope(self, norm: str, found: set[str] | None = None) -> OutOfScope | None:
        """The topic asked about: of those the message holds (in file order), a later one replaces the one chosen
        when its own word (its first group) is typed wholly after the chosen one's, as a question ends a story
        (娃儿读初中 户口还在古蔺 想把户口迁到江阳区: 户口). found: the words typed, when the caller has them."""
        found = self._oos_words.found(norm) if found is None else found
        maybe = sorted({i for w in found for i in self._oos_first.get(w, ())})  # in the file's order
        best: tuple[int, int, OutOfScope] | None = None
        for i in maybe:
            o = self.oos[i]
            if not o.said.holds(norm, found):
                continue
            at, w = max((norm.rfind(w), w) for w in set(o.said.all_of[0]) & found)
            if best is None or at >= best[1]:
                best = (at, at + len(w), o)
        return best[2] if best else None

    def oos_office(self, topic: str) -> str:
        return next(o.office for o in self.oos if o.id == topic)

    def _named_elsewhere(self, norm: str) -> list[tuple[int, str]]:
        return sorted((norm.find(p), p) for p in self._elsewhere_words.found(norm))

    def places_elsewhere(self, norm: str) -> list[str]:
        """Every place outside both regions named, in the order typed."""
        return [p for _, p in self._named_elsewhere(norm)]

    def place_elsewhere(self, norm: str) -> str | None:
        """The first place outside both regions named; 安徽安庆: the narrower one, written after."""
        found = self._named_elsewhere(norm)
        if not found:
            return None
        at, place = found[0]
        for nxt_at, nxt in found[1:]:  # narrower only inside the same province (重庆九龙坡 is no 九龙 of 四川)
            if nxt_at == at + len(place) and (nxt in self.in_province) == (place in self.in_province):
                at, place = nxt_at, nxt
        return place


def _finds(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


# -- loading ------------------------------------------------------------------------------------------
def _words(path: Path, rec: str, v: Any, key: str) -> tuple[str, ...]:
    if v is None:
        return ()
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        raise KBError(path, rec, f"{key} must be a list of non-empty strings")
    return tuple("…".join(normalise(p) for p in x.split("…")) for x in v)  # a gap (我是…经纪人) stays a gap


def _said(path: Path, rec: str, d: Any, negations: tuple[str, ...] = ()) -> Said:
    if not isinstance(d, dict) or "said" not in d:
        raise KBError(path, rec, "needs said: a list of word lists (all of them, any word in each)")
    groups = d["said"]
    if not isinstance(groups, list) or not groups:
        raise KBError(path, rec, "said must be a non-empty list")
    if all(isinstance(g, str) for g in groups):
        groups = [groups]
    return Said(tuple(_words(path, rec, g, "said") for g in groups), _words(path, rec, d.get("unless"), "unless"),
                negations)


def _answer(path: Path, rec: str, d: Any, kb: KnowledgeBase, measures: tuple[str, ...]) -> Answer:
    if isinstance(d, str):
        d = {"say": d}
    if not isinstance(d, dict):
        raise KBError(path, rec, "an answer is a string or a mapping with say / by_region / quote")
    allowed = {"say", "by_region", "quote", "later", "said", "unless", "regions", "then", "facets", "known", "and_known", "compute",
               "sichuan_wide", "alone"}
    unknown = set(d) - allowed
    if unknown:
        raise KBError(path, rec, f"unknown keys {sorted(unknown)}")
    text: dict[str, str] = {}
    if isinstance(d.get("say"), str):
        text["all"] = d["say"].strip()
    by_region = d.get("by_region") or {}
    if not isinstance(by_region, dict):
        raise KBError(path, rec, "by_region must map a region to a line")
    for region, line in by_region.items():
        if region not in kb.documents or not isinstance(line, str):
            raise KBError(path, rec, f"by_region: unknown region {region!r} or not a line")
        text[region] = line.strip()
    if not text:
        raise KBError(path, rec, "an answer needs say or by_region")
    if "all" not in text and set(text) != set(kb.documents) and len(measures) > 1:
        missing = sorted(set(kb.documents) - set(text))
        raise KBError(path, rec, f"by_region misses {missing} and there is no say for them")
    quote = d.get("quote") or {}
    if not isinstance(quote, dict):
        raise KBError(path, rec, "quote must map a measure id to a verbatim span")
    for mid, span in quote.items():
        m = kb.measures.get(mid)
        if m is None or mid not in measures:
            raise KBError(path, rec, f"quote names {mid!r}, not one of the point's measures")
        if not isinstance(span, str) or squash(span) not in squash(m.text):
            raise KBError(path, rec, f"quote for {mid} is not in the measure's text: {span!r}")
    later = tuple(d.get("later") or ())
    for uid in later:
        if uid not in kb.updates:
            raise KBError(path, rec, f"later names unknown update {uid!r}")
    then = d.get("then") or {}
    if not isinstance(then, dict) or any(k not in kb.documents and k != "all" for k in then):
        raise KBError(path, rec, "then must map a region (or all) to a line")
    from bot.dialogs.expr import Expr, ExprError  # here: bot.dialogs imports the answer code, which imports this

    compute = {}
    for name, src in (d.get("compute") or {}).items():
        try:
            compute[str(name)] = Expr(str(src))
        except ExprError as e:
            raise KBError(path, rec, f"compute.{name}: {e}") from None
    return Answer(text, {k: v.strip() for k, v in quote.items()}, later, {k: str(v).strip() for k, v in then.items()},
                  compute, alone=bool(d.get("alone")), sichuan_wide=bool(d.get("sichuan_wide")))


def load_points(kb: KnowledgeBase, root: Path | None = None) -> Points:
    root = Path(root or kb.root)
    path = root / POINT_FILE
    data = _read(path)
    facets = []
    for fid, d in (data.get("facets") or {}).items():
        rec = f"facets.{fid}"
        if not isinstance(d, dict) or not isinstance(d.get("name"), str):
            raise KBError(path, rec, "a facet needs name and words")
        try:
            settled = re.compile(d["settled_by"]) if d.get("settled_by") else None
        except re.error as e:
            raise KBError(path, rec, f"settled_by is not a valid pattern: {e}") from None
        if set(_words(path, rec, d.get("told"), "told")) - set(_words(path, rec, d.get("words"), "words")):
            raise KBError(path, rec, "told: each word must be one of the facet's words")
        facets.append(Facet(fid, d["name"], _words(path, rec, d.get("words"), "words"), bool(d.get("open", True)),
                            settled, bool(d.get("generic", False)), bool(d.get("lead", False)),
                            _words(path, rec, d.get("about"), "about"),
                            _words(path, rec, d.get("not_before"), "not_before"), bool(d.get("beyond", False)),
                            _words(path, rec, d.get("not_after"), "not_after"), _words(path, rec, d.get("outranks"), "outranks"),
                            _words(path, rec, d.get("told"), "told")))
    known_facets = {f.id for f in facets} | {"what"}
    negations = _words(path, "negations", data.get("negations"), "negations")
    points: list[Point] = []
    seen: set[str] = set()
    for i, d in enumerate(data.get("points") or []):
        rec = f"points[{i}]"
        if not isinstance(d, dict) or not isinstance(d.get("id"), str):
            raise KBError(path, rec, "a point needs an id")
        rec = d["id"]
        unknown = set(d) - {"id", "name", "measures", "words", "facets", "cases", "groups", "group_answer",
                            "also_for", "needs", "cues", "only"}
        if unknown:
            raise KBError(path, rec, f"unknown keys {sorted(unknown)}")
        if rec in seen:
            raise KBError(path, rec, "duplicate point id")
        seen.add(rec)
        measures = tuple(d.get("measures") or ())
        if not measures or any(m not in kb.measures for m in measures):
            raise KBError(path, rec, f"measures must name known measures: {list(measures)}")
        fa = {}
        for fid, ad in (d.get("facets") or {}).items():
            if fid not in known_facets:
                raise KBError(path, f"{rec}.facets.{fid}", "unknown facet")
            fa[fid] = _answer(path, f"{rec}.facets.{fid}", ad, kb, measures)
        if "what" not in fa:
            raise KBError(path, rec, "every point needs facets.what: the line that says what it is")
        cases = []
        for j, cd in enumerate(d.get("cases") or []):
            crec = f"{rec}.cases[{j}]"
            regions = tuple(cd.get("regions") or ()) if isinstance(cd, dict) else ()
            if any(r not in kb.documents for r in regions):
                raise KBError(path, crec, f"unknown region in {list(regions)}")
            cfacets = tuple(cd.get("facets") or ())
            if any(f not in known_facets for f in cfacets):
                raise KBError(path, crec, f"unknown facet in {list(cfacets)}")
            known = _known(path, crec, cd.get("known"))
            said = _said(path, crec, cd, negations) if "said" in cd or not known else None
            cases.append(Case(said, _answer(path, crec, cd, kb, measures), regions, cfacets, known,
                              _known(path, crec, cd.get("and_known")),
                              _words(path, crec, cd.get("unless"), "unless") if said is None else ()))
        groups = []
        for label, ws in (d.get("groups") or {}).items():
            groups.append((label, _words(path, f"{rec}.groups.{label}", ws, "words") + (normalise(label),)))
        ga = _answer(path, f"{rec}.group_answer", d["group_answer"], kb, measures) if d.get("group_answer") else None
        if groups and ga is None:
            raise KBError(path, rec, "groups need a group_answer")
        also = tuple(d.get("also_for") or ())
        if any(m not in kb.measures for m in also):
            raise KBError(path, rec, f"also_for must name known measures: {list(also)}")
        points.append(Point(rec, str(d.get("name") or rec), measures, _words(path, rec, d.get("words"), "words"),
                            fa, tuple(cases), tuple(groups), ga, bool(d.get("only", False)),
                            _words(path, rec, d.get("cues"), "cues"), also,
                            _words(path, rec, d.get("needs"), "needs")))
    by_measure: dict[str, list[Point]] = {}
    for p in points:
        for mid in p.measures + p.also_for:
            by_measure.setdefault(mid, []).append(p)
    spath = root / SCOPE_FILE
    scope = _read(spath)
    oos = []
    for oid, d in (scope.get("out_of_scope") or {}).items():
        if not isinstance(d, dict) or not isinstance(d.get("office"), str):
            raise KBError(spath, f"out_of_scope.{oid}", "needs said and office")
        oos.append(OutOfScope(oid, _said(spath, f"out_of_scope.{oid}", d, negations), d["office"].strip()))
    inside = _words(spath, "elsewhere.sichuan", (scope.get("elsewhere") or {}).get("sichuan"), "sichuan")
    outside = _words(spath, "elsewhere.other", (scope.get("elsewhere") or {}).get("other"), "other")
    local = {normalise(p) for names in kb.places.values() for p in names}
    clash = sorted((set(inside) | set(outside)) & local)
    if clash:
        raise KBError(spath, "elsewhere", f"names that are also local places: {clash}")
    elsewhere = tuple(sorted(set(inside) | set(outside), key=len, reverse=True))
    said_facts = data.get("said_facts") or {}
    if not isinstance(said_facts, dict):
        raise KBError(path, "said_facts", "must map a fact to a phrase or to value → phrase")
    payees = []
    for pid, d in (scope.get("payees") or {}).items():
        rec = f"payees.{pid}"
        if not isinstance(d, dict) or not d.get("self") or not d.get("asks") or not d.get("measures"):
            raise KBError(spath, rec, "needs self, asks and measures")
        ms = tuple(str(m) for m in d["measures"])
        if any(m not in kb.measures for m in ms):
            raise KBError(spath, rec, f"measures must be known measures: {list(ms)}")
        point = str(d.get("point") or "")
        if point and not any(p.id == point and set(p.measures) & set(ms) for p in points):
            raise KBError(spath, rec, f"point must be a point of its measures: {point!r}")
        payees.append(Payee(pid, _words(spath, rec, d["self"], "self"), _words(spath, rec, d["asks"], "asks"), ms,
                            point, _words(spath, rec, d.get("unless"), "unless")))
    m = scope.get("mention") or {}
    texts = tuple((mid, normalise(x.text, 100_000)) for mid, x in kb.measures.items())
    mention = Mention(_words(spath, "mention.after", m.get("after"), "after"),
                      _words(spath, "mention.before", m.get("before"), "before"),
                      _words(spath, "mention.cut", m.get("cut"), "cut"), str(m.get("particles") or ""),
                      _words(spath, "mention.named", m.get("named"), "named"), texts) if m else None
    second = tuple(str(w) for w in scope.get("second_question") or ())
    ends = _words(spath, "question_end", scope.get("question_end"), "question_end")
    relates = _words(spath, "relates", scope.get("relates"), "relates")
    return Points(facets, points, by_measure, oos, elsewhere, frozenset(inside), said_facts=said_facts,
                  second_question=second, question_end=ends, relates=relates, payees=tuple(payees),
                  mention=mention,
                  document_words=_words(path, "document_words", data.get("document_words"), "document_words"),
                  subject_between=str(data.get("subject_between", "")),
                  negations=negations)


def _read(path: Path) -> dict:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise KBError(path, None, "expected a mapping")
    return data
