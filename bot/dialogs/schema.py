"""Dialog flows as data: load knowledge/dialogs/*.yaml into checked records.

Every problem (unknown slot in a condition, a cited measure that does not exist, a quote that is not
in the cited measure's text, a national fact without a dated source) is a KBError naming the file
and the record, found at start-up rather than mid-conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.dialogs.expr import Expr, ExprError
from bot.kb.loader import KBError, KnowledgeBase, _keys, _need, _read, _strs, squash
from bot.textnorm import normalise

STEP_TYPES = {"choice", "yesno", "number", "count", "region", "contract", "subset"}
UNSURE = "unsure"  # every step but the region takes it: the rules must then say 需要确认
UNITS = {"days", "people", "staff", "new_hires", "placed", "times", "contract_months", "money_yuan"}
OUTCOMES = {"eligible", "not_eligible", "ask_office"}
YESNO = {"yes": "dialog_yes", "no": "dialog_no", "unsure": "dialog_unsure"}  # value → its label in texts
_SLOT = re.compile(r"^[a-z][a-z0-9_]*$")
_FLOW_ID = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
_DATED = re.compile(r"(19|20)\d\d")
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
# the keys each record may have (anything else is an error naming file, record and key)
FLOW_KEYS = {"id", "order", "title", "button", "deep_link", "measures", "words", "start_words", "intro", "steps",
             "parts", "national", "asker"}
STEP_KEYS = {"slot", "type", "options", "prefill", "min", "max", "question", "reask", "label", "when", "remember",
             "fact", "unit", "yes_value", "no_value", "months", "of", "echo", "split_by", "by_facts", "range", "topic",
             "said_with", "prefer", "assume"}
OPTION_KEYS = {"value", "label", "words", "prefill"}
PART_KEYS = {"title", "cite", "values", "update", "rules", "when", "next", "related", "conditions"}
RULE_KEYS = {"name", "outcome", "cite", "quotes", "amount", "when", "why", "notes", "national"}


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    words: tuple[str, ...]  # normalised typed forms, label included
    prefill: bool = True  # false: its words answer the question only, never a fact read from a message (其他 in 其他贷款)


@dataclass(frozen=True)
class Step:
    slot: str
    type: str
    question: str
    reask: str
    label: str  # how the answer is named in the summary: 地区, 已贷次数
    when: Expr | None
    options: tuple[Option, ...] = ()
    min: Expr | None = None
    max: Expr | None = None
    prefill_yes: tuple[str, ...] = ()
    prefill_no: tuple[str, ...] = ()
    prefill_units: tuple[str, ...] = ()
    prefill_options: bool = False
    remember: bool = False  # kept in the user's profile for later checks (region, 脱贫人口)
    fact: str = ""  # the extract_facts key that answers this step (default: the slot's name)
    unit: str = ""  # how a typed number is read: days, people, staff, new_hires, times, money_yuan
    yes_value: str | None = None  # a choice answered 是/有 (培训后拿到证书了吗？→ got)
    no_value: str | None = None
    months: int = 0  # contract steps: the contract length that counts (12)
    of: str = ""  # contract steps: the slot holding the total head count
    echo: str = ""  # what was understood, said back in the next message: 培训{value}天
    by_facts: bool = False  # yes/no, choice and subset steps: a typed answer is read by the fact reader of `fact`
    #                         when it settles it (不是脱贫户 是监测户: the reader sees the negation, the option words
    #                         do not; 只买了意外险 社保没买: none insured, however 买了 reads)
    assume: str = ""  # yes/no steps: the answer taken when the user has not said otherwise; never asked (到企业就业:
    #                   brokers place people with firms; a 公益性岗位 said in a message makes it no)
    prefer: tuple[str, ...] = ()  # choice steps: of several options a message names, the one it is read as (the
    #                               one that pays: 川字号 beside 圣洁甘孜 and 区域性, a base beside a 市级 studio)
    said_with: str = ""  # choice steps: an earlier choice whose option a word of this step must be said nearest to,
    #                      to be read from a message (市级的技能大师工作室 is the studio's level, not the base's)
    split_by: str = ""  # count steps: the earlier choice whose groups a count may be split by (其中4个是脱贫人口
    #                     另外3个不是); the count is then the people of the groups for which this step's when holds
    unsure_label: str = ""  # texts.yaml dialog_unsure
    range: bool = False  # count steps: an approximate answer (一百二十来个) is taken when both ends give one result
    topic: tuple[str, ...] = ()  # subset steps: words that make a typed correction about this count (说错了 有两个
    #                              没买社保: the insured, not the people placed)

    @property
    def takes_unsure(self) -> bool:
        return self.type != "region"

    def option(self, value: Any) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def show(self, value: Any) -> str:
        """An answer as the user reads it: the option's label (泸州市, 是), a number plainly."""
        if value == UNSURE:
            return self.unsure_label
        o = self.option(value) if self.options else None
        if o:
            return o.label
        return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Line:
    text: str
    when: Expr | None = None
    source: str | None = None  # national lines: document, number and date


@dataclass(frozen=True)
class Rule:
    name: str
    when: Expr | None
    outcome: str
    why: tuple[Line, ...]
    amount: Expr | None = None
    amount_text: str | None = None
    cite: dict[str, tuple[str, ...]] | None = None  # region → measure ids; None: the part's
    quotes: tuple[str, ...] = ()
    notes: tuple[Line, ...] = ()
    national: tuple[Line, ...] = ()


@dataclass(frozen=True)
class Part:
    title: str
    when: Expr | None
    cite: dict[str, tuple[str, ...]]  # region → measure ids
    values: dict[str, dict[str, str]]  # name → region → text
    rules: tuple[Rule, ...]
    update: tuple[str, str] | None = None  # (update id, field): the ceiling in force today
    next: str = ""
    related: tuple[Line, ...] = ()
    conditions: tuple[tuple[str, Expr], ...] = ()  # named conditions the rules use, in order
    fallback: Rule | None = None  # said when not exactly one rule fires (kb check forbids it)


@dataclass(frozen=True)
class Flow:
    id: str
    order: int
    title: str
    button: str
    deep_link: str
    measures: tuple[str, ...]
    words: tuple[str, ...]
    start_words: tuple[str, ...]
    intro: str
    steps: tuple[Step, ...]
    parts: tuple[Part, ...]
    national: tuple[Line, ...] = ()
    path: str = ""
    asker: str = ""  # a choice step saying who the check is for (劳务公司/经纪人): offered only when the message says it

    @property
    def slots(self) -> set[str]:
        return {s.slot for s in self.steps}

    def step(self, slot: str) -> Step | None:
        return next((s for s in self.steps if s.slot == slot), None)


class _Ctx:
    def __init__(self, path: Path, kb: KnowledgeBase):
        self.path, self.kb = path, kb

    def err(self, rec: str | None, msg: str) -> KBError:
        return KBError(self.path, rec, msg)

    def need(self, rec: str | None, d: Any, key: str, typ: type | tuple = str, optional: bool = False) -> Any:
        return _need(self.path, rec, d, key, typ, optional)

    def strs(self, rec: str, d: dict, key: str) -> tuple[str, ...]:
        return _strs(self.path, rec, d, key)

    def expr(self, rec: str, src: Any, names: set[str]) -> Expr | None:
        if src is None:
            return None
        try:
            return Expr(str(src), names)
        except ExprError as e:
            raise self.err(rec, str(e)) from None

    def measure_ids(self, rec: str, ids: Any) -> tuple[str, ...]:
        if not isinstance(ids, list) or not ids:
            raise self.err(rec, "cite must be a non-empty list of measure ids")
        for i in ids:
            if i not in self.kb.measures:
                raise self.err(rec, f"cites unknown measure {i!r}")
        return tuple(ids)

    def template(self, rec: str, text: str, names: set[str]) -> str:
        for name in _PLACEHOLDER.findall(text):
            if name not in names:
                raise self.err(rec, f"placeholder {{{name}}} is not a slot or value")
        return text

    def lines(self, rec: str, raw: Any, names: set[str], national: bool = False) -> tuple[Line, ...]:
        out = []
        for i, item in enumerate(raw or []):
            r = f"{rec} line {i + 1}"
            if isinstance(item, str):
                item = {"text": item}
            text = self.template(r, self.need(r, item, "text"), names)
            source = self.need(r, item, "source", optional=not national)
            if national and not _DATED.search(source):
                raise self.err(r, "a national fact must name its source document with a date")
            out.append(Line(text, self.expr(r, item.get("when"), names), source))
        return tuple(out)


def _options(ctx: _Ctx, rec: str, raw: Any) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise ctx.err(rec, "a choice needs at least two options")
    out: list[Option] = []
    seen: dict[str, str] = {}
    for o in raw:
        _keys(ctx.path, rec, o, OPTION_KEYS)
        value = str(ctx.need(rec, o, "value", (str, int)))
        if not _SLOT.match(value):
            raise ctx.err(rec, f"option value {value!r} must be lower-case ascii (it goes in button data)")
        label = ctx.need(f"{rec} option {value}", o, "label")
        words = tuple(dict.fromkeys(w for w in (normalise(x) for x in (label, *ctx.strs(rec, o, "words"))) if w))
        for w in words:
            if w in seen and seen[w] != value:
                raise ctx.err(rec, f"typed word {w!r} is given for both {seen[w]!r} and {value!r}")
            seen[w] = value
        prefill = o.get("prefill", True)
        if not isinstance(prefill, bool):
            raise ctx.err(rec, f"option {value!r}: prefill must be true or false")
        out.append(Option(value, label, words, prefill))
    return tuple(out)


def region_options(kb: KnowledgeBase) -> tuple[Option, ...]:
    out = []
    for region, doc in kb.documents.items():
        words = {normalise(doc.name), normalise(doc.short)} | {normalise(p) for p in kb.places.get(region, [])}
        out.append(Option(region, doc.name, tuple(sorted(w for w in words if w))))
    return tuple(out)


def _step(ctx: _Ctx, raw: Any, earlier: set[str]) -> Step:
    slot = str(ctx.need("step", raw, "slot"))
    rec = f"step {slot}"
    _keys(ctx.path, rec, raw, STEP_KEYS)
    if not _SLOT.match(slot):
        raise ctx.err(rec, "slot must be lower-case ascii")
    typ = ctx.need(rec, raw, "type")
    if typ not in STEP_TYPES:
        raise ctx.err(rec, f"type must be one of {sorted(STEP_TYPES)}")
    options: tuple[Option, ...] = ()
    if typ == "choice":
        options = _options(ctx, rec, raw.get("options"))
    elif typ == "region":
        options = region_options(ctx.kb)
    elif typ == "yesno":
        labels = ctx.kb.texts
        options = tuple(Option(v, labels[key], ()) for v, key in YESNO.items())
    elif "options" in raw:
        raise ctx.err(rec, f"a {typ} step has no options")
    unit = str(raw.get("unit") or ("contract_months" if typ == "contract" else ""))
    if unit and unit not in UNITS:
        raise ctx.err(rec, f"unit must be one of {sorted(UNITS)}")
    yes_value, no_value = raw.get("yes_value"), raw.get("no_value")
    for v in (yes_value, no_value):
        if v is not None and not any(o.value == v for o in options):
            raise ctx.err(rec, f"yes_value/no_value {v!r} is not an option")
    of = str(raw.get("of") or "")
    if typ == "contract" and (of not in earlier or not raw.get("months")):
        raise ctx.err(rec, "a contract step needs months: and of: naming an earlier head-count slot")
    if typ == "subset" and of not in earlier:
        raise ctx.err(rec, "a subset step needs of: naming an earlier head-count slot (how many of those)")
    if raw.get("topic") is not None and typ != "subset":
        raise ctx.err(rec, "topic: belongs to a subset step (the words a correction of that count names)")
    split_by = str(raw.get("split_by") or "")
    if split_by and (typ != "count" or split_by not in earlier):
        raise ctx.err(rec, "split_by belongs to a count step and names an earlier choice slot")
    said_with = str(raw.get("said_with") or "")
    if said_with and (typ != "choice" or said_with not in earlier):
        raise ctx.err(rec, "said_with belongs to a choice step and names an earlier choice slot")
    assume = str(raw.get("assume") or "")
    if assume and (typ != "yesno" or assume not in ("yes", "no")):
        raise ctx.err(rec, "assume belongs to a yesno step and is yes or no")
    prefer = ctx.strs(rec, raw, "prefer")
    if prefer and (typ != "choice" or not set(prefer) <= {o.value for o in options}):
        raise ctx.err(rec, "prefer belongs to a choice step and lists its option values")
    prefill = raw.get("prefill") or {}
    if not isinstance(prefill, (dict, bool)):
        raise ctx.err(rec, "prefill must be a mapping or true")
    if isinstance(prefill, dict):
        _keys(ctx.path, f"{rec} prefill", {str(k).lower(): v for k, v in prefill.items()},
              {"yes", "no", "units", "true", "false"})
    # YAML 1.1 reads the keys yes: / no: as booleans
    pf = {({True: "yes", False: "no"}.get(k, k) if isinstance(k, bool) else k): v
          for k, v in (prefill.items() if isinstance(prefill, dict) else ())}
    counted = ("number", "count", "contract", "subset")
    lo = ctx.expr(rec, raw.get("min"), earlier) if typ in counted else None
    hi = ctx.expr(rec, raw.get("max") or (of if typ == "subset" else None), earlier) if typ in counted else None
    return Step(slot=slot, type=typ, question=ctx.need(rec, raw, "question"), reask=ctx.need(rec, raw, "reask"),
                label=ctx.need(rec, raw, "label"), when=ctx.expr(rec, raw.get("when"), earlier), options=options,
                min=lo, max=hi, prefill_yes=tuple(normalise(w) for w in ctx.strs(rec, pf, "yes")),
                prefill_no=tuple(normalise(w) for w in ctx.strs(rec, pf, "no")),
                prefill_units=ctx.strs(rec, pf, "units"), prefill_options=prefill is True,
                remember=bool(raw.get("remember")), fact=str(raw.get("fact") or slot), unit=unit,
                yes_value=yes_value, no_value=no_value, months=int(raw.get("months") or 0), of=of,
                echo=str(raw.get("echo") or ""), split_by=split_by, unsure_label=ctx.kb.texts["dialog_unsure"],
                by_facts=typ in ("yesno", "choice", "subset") and bool(raw.get("by_facts")), said_with=said_with, prefer=tuple(prefer), assume=assume,
                range=typ == "count" and bool(raw.get("range")),
                topic=tuple(normalise(w) for w in ctx.strs(rec, raw, "topic")))


def _rule(ctx: _Ctx, part_rec: str, i: int, raw: Any, names: set[str], cite: dict[str, tuple[str, ...]]) -> Rule:
    rec = f"{part_rec} rule {raw.get('name', i + 1) if isinstance(raw, dict) else i + 1}"
    _keys(ctx.path, rec, raw, RULE_KEYS)
    outcome = ctx.need(rec, raw, "outcome")
    if outcome not in OUTCOMES:
        raise ctx.err(rec, f"outcome must be one of {sorted(OUTCOMES)}")
    own_cite = _cite(ctx, rec, raw["cite"]) if raw.get("cite") is not None else None
    quotes = tuple(dict.fromkeys(ctx.strs(rec, raw, "quotes")))
    cited = tuple(i for ids in (own_cite or cite).values() for i in ids)
    for q in quotes:
        if not any(squash(q) in squash(ctx.kb.measures[m].text) for m in cited):
            raise ctx.err(rec, f"quote {q!r} is not in the text of {', '.join(cited)}")
    amount = raw.get("amount") or {}
    if not isinstance(amount, dict):
        raise ctx.err(rec, "amount must be a mapping with expr and/or text")
    _keys(ctx.path, f"{rec} amount", amount, {"expr", "text"})
    if raw.get("when") is None:
        raise ctx.err(rec, "every rule states its condition (when:); nothing falls through")
    # the figure in force from a later document, and a partnership's ceiling worked from it (bot/loan_math.py)
    amount_names = names | {"value", "current", "current_doc", "partnership", "share", "enterprise", "partnership_doc"}
    return Rule(name=str(raw.get("name", i + 1)), when=ctx.expr(rec, raw.get("when"), names), outcome=outcome,
                why=ctx.lines(rec, raw.get("why"), names), amount=ctx.expr(rec, amount.get("expr"), names),
                amount_text=ctx.template(rec, amount["text"], amount_names) if amount.get("text") else None,
                cite=own_cite, quotes=quotes, notes=ctx.lines(rec, raw.get("notes"), names),
                national=ctx.lines(rec, raw.get("national"), names, national=True))


def _cite(ctx: _Ctx, rec: str, raw: Any) -> dict[str, tuple[str, ...]]:
    """cite: a list of measure ids (whatever the region) or a mapping region → ids."""
    if isinstance(raw, list):
        ids = ctx.measure_ids(rec, raw)
        return {r: ids for r in ctx.kb.documents}
    if not isinstance(raw, dict):
        raise ctx.err(rec, "cite must be a list of measure ids or a mapping region → ids")
    out = {}
    for region, ids in raw.items():
        if region not in ctx.kb.documents:
            raise ctx.err(rec, f"cite names unknown region {region!r}")
        out[region] = ctx.measure_ids(rec, ids)
        if any(ctx.kb.measures[i].region != region for i in out[region]):
            raise ctx.err(rec, f"cite for {region} names another region's measure")
    return out


def _part(ctx: _Ctx, i: int, raw: Any, slots: set[str]) -> Part:
    rec = f"part {i + 1}"
    title = ctx.need(rec, raw, "title")
    rec = f"part {title}"
    _keys(ctx.path, rec, raw, PART_KEYS)
    regions = set(ctx.kb.documents)
    cite = _cite(ctx, rec, ctx.need(rec, raw, "cite", dict))
    values = {}
    for name, by_region in (raw.get("values") or {}).items():
        if not isinstance(by_region, dict) or set(by_region) - regions:
            raise ctx.err(rec, f"value {name} must map regions to text")
        values[name] = {k: str(v) for k, v in by_region.items()}
    names = slots | set(values)
    conditions: list[tuple[str, Expr]] = []
    for cname, src in (raw.get("conditions") or {}).items():
        if not _SLOT.match(str(cname)) or cname in names:
            raise ctx.err(rec, f"condition name {cname!r} must be lower-case ascii and not a slot")
        cond = ctx.expr(f"{rec} condition {cname}", src, set(names))
        if cond is None:  # `name:` with no expression: caught here, not as a crash mid-dialog
            raise ctx.err(rec, f"condition {cname!r} has no expression")
        conditions.append((str(cname), cond))
        names = names | {str(cname)}
    update = None
    if raw.get("update"):
        u = ctx.need(rec, raw, "update", dict)
        uid, fld = u.get("id"), u.get("field")
        if uid not in ctx.kb.updates or fld not in ("individual", "enterprise"):
            raise ctx.err(rec, f"update must name a known update id and field individual|enterprise, got {u}")
        update = (uid, fld)
    rules_raw = raw.get("rules")
    if not isinstance(rules_raw, list) or not rules_raw:
        raise ctx.err(rec, "rules must be a non-empty list")
    rules = tuple(_rule(ctx, rec, j, r, names, cite) for j, r in enumerate(rules_raw))
    seen_names = [r.name for r in rules]
    if len(set(seen_names)) != len(seen_names):
        raise ctx.err(rec, "two rules have the same name")
    fallback = Rule(name="no_single_rule", when=None, outcome="ask_office", why=(Line(ctx.kb.texts["dialog_no_rule"]),))
    return Part(title=title, when=ctx.expr(rec, raw.get("when"), slots), cite=cite, values=values, rules=rules,
                update=update, next=ctx.template(rec, raw.get("next", ""), names | {"units"}),
                related=ctx.lines(rec, raw.get("related"), names), conditions=tuple(conditions), fallback=fallback)


def load_flow(path: Path, kb: KnowledgeBase) -> Flow:
    ctx = _Ctx(path, kb)
    raw = _read(path)
    fid = str(ctx.need(None, raw, "id"))
    _keys(path, fid, raw, FLOW_KEYS)
    if not _FLOW_ID.match(fid):
        raise ctx.err(fid, "id must be lower-case ascii, at most 31 characters")
    steps_raw = ctx.need(fid, raw, "steps", list)
    steps: list[Step] = []
    earlier: set[str] = set()
    for s in steps_raw:
        step = _step(ctx, s, set(earlier))
        if step.slot in earlier:
            raise ctx.err(f"step {step.slot}", "slot is asked twice")
        if step.split_by and next(s for s in steps if s.slot == step.split_by).type != "choice":
            raise ctx.err(f"step {step.slot}", "split_by must name an earlier choice step")
        earlier.add(step.slot)
        steps.append(step)
    if not any(s.type == "region" for s in steps):
        raise ctx.err(fid, "every check needs a region step: the two documents differ")
    slots = set(earlier)
    parts = tuple(_part(ctx, i, p, slots) for i, p in enumerate(ctx.need(fid, raw, "parts", list)))
    measures = ctx.measure_ids(fid, raw.get("measures"))
    asker = str(raw.get("asker") or "")
    if asker and not any(s.slot == asker and s.type == "choice" for s in steps):
        raise ctx.err(fid, f"asker {asker!r} must name a choice step")
    return Flow(asker=asker, id=fid, order=int(raw.get("order", 100)), title=ctx.need(fid, raw, "title"),
                button=ctx.need(fid, raw, "button"), deep_link=str(raw.get("deep_link") or fid),
                measures=measures, words=tuple(normalise(w) for w in ctx.strs(fid, raw, "words")),
                start_words=tuple(normalise(w) for w in ctx.strs(fid, raw, "start_words")),
                intro=ctx.need(fid, raw, "intro"), steps=tuple(steps), parts=parts,
                national=ctx.lines(fid, raw.get("national"), slots, national=True), path=str(path))


def load_flows(kb: KnowledgeBase, folder: Path | None = None) -> dict[str, Flow]:
    folder = folder or kb.root / "dialogs"
    flows: dict[str, Flow] = {}
    for path in sorted(folder.glob("*.yaml")):
        flow = load_flow(path, kb)
        if flow.id in flows:
            raise KBError(path, flow.id, f"flow id also used in {flows[flow.id].path}")
        flows[flow.id] = flow
    links = [f.deep_link for f in flows.values()]
    for f in flows.values():
        if links.count(f.deep_link) > 1:
            raise KBError(f.path, f.id, f"deep_link {f.deep_link!r} is used by two flows")
    return dict(sorted(flows.items(), key=lambda kv: (kv[1].order, kv[0])))
