"""Typed answers to one step: 是/对/嗯/没有, 十二/两百/12, option names and near-misses.

Buttons are only an offer: WeChat and console users type, so every answer must parse from text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from bot.dialogs.schema import UNSURE, Option, Step
from bot.numerals import CN_NUMBER, cn_to_int, parse_number
from bot.pinyin import fold
from bot.textnorm import any_in, normalise
from bot.understand import ASK, contracts_by_group, count_groups, count_qualifying, read_value, read_yesno, subset_count
from bot.understand.lexicon import clauses, load_lexicon, prep
from bot.understand.slots import KINDS, approx_range, leading_count, qualifying_hires
from bot.understand.yesno import after_correction, only_ack

_DECIMAL = re.compile(r"\d+\.\d+")
NEAR_MISS = 75  # rapidfuzz ratio (0-100) for a typo in an option's name (劳务经济人 → 劳务经纪人)
_ORDINAL_WORDS = ("第", "个", "项", "号", "种", "类")
NONE_WORD = "都不是"  # the word of an options question's "none of these" option


@dataclass(frozen=True)
class Vocabulary:
    """Typed yes/no words, from knowledge/intents.yaml (normalised)."""

    yes: tuple[str, ...]
    no: tuple[str, ...]
    unsure: tuple[str, ...]
    zero: tuple[str, ...]


@dataclass(frozen=True)
class Parsed:
    ok: bool
    value: Any = None
    problem: str = ""  # no_match | too_small | too_large
    span: tuple[int, int] | None = None  # an approximate count on a range step: its lowest and highest reading


@lru_cache(maxsize=4096)
def sound(s: str) -> str:
    """Folded pinyin of a whole string: homophone typos compare equal (经济人 ~ 经纪人)."""
    from pypinyin import lazy_pinyin

    return "".join(fold(p) for p in lazy_pinyin(s, errors="ignore"))


def pick_option(options: tuple[Option, ...], t: str, raw: str = "") -> Option | None:
    """The option a typed text names: by number, by word, by the longest word inside, or a near miss. raw: the
    text as typed, whose clauses bound a denial (不是大学毕业生 denies 毕业生 too)."""
    if not t:
        return None
    n = _ordinal(t)
    if n is not None and 1 <= n <= len(options):
        return options[n - 1]
    for o in options:
        if t in o.words:
            return o
    named = [(len(w), o, denied(t, w, raw, o.words)) for o in options for w in o.words if w and w in t]
    inside = [(n, o) for n, o, neg in named if not neg]
    if not inside and named:
        # 普通农民工 不是脱贫人口 / 不是劳务公司: every option named is denied, which points to "都不是" if there is one
        return next((o for o in options if NONE_WORD in o.words and not any(o is x for _, x, _ in named)), None)
    lead = {id(o): o for _, o in inside if any(len(w) >= 2 and t.startswith(w) for w in o.words)}
    if len(lead) == 1 and len({id(o) for _, o in inside}) > 1:
        return next(iter(lead.values()))  # 省级 今年认定的… 技能大师工作室是市级的: the answer first, then the rest
    if inside:
        inside.sort(key=lambda x: -x[0])
        if len(inside) == 1 or inside[0][0] > inside[1][0] or inside[0][1] is inside[1][1]:
            return inside[0][1]
        return None
    words = [(w, o) for o in options for w in o.words if len(w) >= 2]
    if not words:
        return None
    best = process.extractOne(t, [w for w, _ in words], scorer=fuzz.ratio, score_cutoff=NEAR_MISS)
    if best:
        return words[best[2]][1]
    typed = _crude(t.replace(" ", "")) if t.isascii() else sound(t)
    if len(typed) >= 4:
        key = (lambda w: _crude(_plain(w))) if t.isascii() else sound
        for w, o in words:
            if key(w) == typed or (len(key(w)) >= 4 and key(w) in typed):
                return o
    return None


def denied(t: str, word: str, raw: str = "", kin: tuple[str, ...] = ()) -> bool:
    """Every time the word is typed it is denied (不是劳务公司, 没有证书 before 有证书): 不是X never picks X. In a typed
    clause the denial may stand further before the word (不是大学毕业生 for 毕业生), up to DENIAL_REACH characters,
    and a denied longer word of the same option denies the words inside it (不是返乡创业农民工: 农民工 too)."""
    from bot.understand import load_lexicon
    from bot.understand.lexicon import clauses, prep
    from bot.understand.yesno import _negations

    lex = load_lexicon()
    parts = clauses(prep(raw)) if raw else []

    def denied_at(c: str, i: int, w: str) -> bool:
        return bool(_negations(_AFFIRMED.split(c[max(0, i - DENIAL_REACH):i])[-1], lex) % 2 or
                    _NOT_YET.match(c, i + len(w)) or _PLANNED.search(c[max(0, i - DENIAL_REACH):i]))

    def inside_denied(c: str, i: int) -> bool:
        return any(c.startswith(k, j) and denied_at(c, j, k) for k in kin if len(k) > len(word) and word in k
                   for j in range(max(0, i - len(k) + len(word)), i + 1))

    said = [(c, i) for c in parts for i in range(len(c)) if c.startswith(word, i)]
    if said:
        return all(denied_at(c, i, word) or inside_denied(c, i) for c, i in said)
    i, seen = t.find(word), False
    while i >= 0:
        seen = True
        if not _negations(t[max(0, i - 3):i], lex) % 2 and not _NOT_YET.match(t, i + len(word)) \
                and not _PLANNED.search(t[max(0, i - DENIAL_REACH):i]):
            return False
        i = t.find(word, i + 1)
    return seen


# 明年准备报川字号: what is only planned is not had yet
_PLANNED = re.compile(r"(准备|打算|想|要|争取|计划)(去|再)?(报|申报|评|创建|申请|参评)$")
_AFFIRMED = re.compile(r"(?<![不没莫])是")  # 不是脱贫户是返乡的: a 是 after the denial starts afresh
DENIAL_REACH = 6  # characters before an option's word, within its clause, where a 不是/没 denies it
# 省级国家级都还没评上: the levels named, then denied right after them
_NOT_YET = re.compile(r"[^ ]{0,6}?(还没有?|没有|没|莫得|未)(评上|评|认定|选上|通过|拿到|批)")


@lru_cache(maxsize=4096)
def _plain(s: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(s, errors="ignore"))


def _crude(latin: str) -> str:
    """Typed pinyin folded without splitting syllables: zh/z, ch/c, sh/s, ing/in, eng/en."""
    for a, b in (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ing", "in"), ("eng", "en")):
        latin = latin.replace(a, b)
    return latin


def _ordinal(t: str) -> int | None:
    """1 / 一 / 第一个 / 第1项 → 1; None unless the whole text is just that."""
    core = t
    for w in _ORDINAL_WORDS:
        core = core.replace(w, "")
    if core.isdigit() and len(core) <= 2:
        return int(core)
    if core and len(core) <= 2 and CN_NUMBER.fullmatch(core):
        try:
            return cn_to_int(core)
        except ValueError:
            return None
    return None


def yes_no(t: str, vocab: Vocabulary, step: Step) -> str | None:
    """yes / no / unsure, or None. Unsure first (不知道 has 不), then no (没有 has 有), then yes."""
    if not t:
        return None
    if t in vocab.yes or t in step.prefill_yes:
        return "yes"
    if t in vocab.no or t in step.prefill_no:
        return "no"
    if any(w in t for w in vocab.unsure):
        return "unsure"
    if any(w in t for w in step.prefill_no):
        return "no"
    if any(w in t for w in step.prefill_yes):
        return "yes"
    if any(t.startswith(w) for w in vocab.no) or any(w in t for w in vocab.no if len(w) >= 2):
        return "no"
    from bot.understand import load_lexicon
    from bot.understand.yesno import _negations

    lex = load_lexicon()
    if _negations(t, lex) % 2:
        return "no"  # 她今年没领过 (asking for her mother): 没 inside, not the 过 at the end, decides
    ack = lex.words("ack_words")
    if any((w in t if len(w) >= 2 else t.startswith(w) or t.endswith(w)) for w in vocab.yes if w not in ack):
        return "yes"  # 好 / 了 somewhere in a sentence (好嘞 你看着办) is no yes
    o = pick_option(step.options, t)
    return o.value if o else None


def number(t: str, vocab: Vocabulary, integer: bool) -> float | int | None:
    """The first number typed: 12, 十二, 两百, 1.5; 没有/零 as 0. A fraction is no count."""
    dec = _DECIMAL.search(t)
    if dec:
        v = float(dec.group())
        if v.is_integer():
            return int(v)
        return None if integer else v
    n = parse_number(t)
    if n is None and (t in vocab.zero or any(t.startswith(w) for w in vocab.zero)):
        return 0
    return n


def _own_clauses(raw: str, t: str) -> tuple[str, str]:
    """我们屋不是 是我老婆娘家那边是脱贫户: a clause naming a relative (not just 他/她, which may be the one asked
    about) does not answer a question about the user; kept when nothing else is left."""
    from bot.understand import load_lexicon
    from bot.understand.lexicon import clauses, prep

    lex = load_lexicon()
    if ("relatives",) not in lex.memo:
        lex.memo[("relatives",)] = tuple(w for w in lex.words("others") if w not in ("他", "她", "他们", "她们"))
    relatives = lex.memo[("relatives",)]
    parts = clauses(prep(raw))
    own = [c for c in parts if not any(w in c for w in relatives)]
    if not own or len(own) == len(parts):
        return raw, t
    kept = " ".join(own)
    return kept, normalise(kept)


def _without_outsiders(raw: str, words: str = "") -> str:
    """The clauses not about people outside the group counted (不是脱贫户的, 普通的), when any are left."""
    lex = load_lexicon()
    outside = lex.words(words) if words else lex.fact_words("outside_poor")
    kept = [c for c in clauses(prep(raw)) if not any_in(c, outside)]
    return " ".join(kept) if kept else raw


def _by_group(raw: str, months: float, total: Any, values: dict[str, Any]) -> int | None:
    """脱贫的四个里头三个签的两年 一个只签了十一个月 灾区的两个签的十二个月 雅安的三个签的两年: told group by group,
    the groups the rule pays for (泸定: 脱贫人口 and 灾区劳动力; 泸州: 脱贫人口) that have a year or more, when the
    answer accounts for every one of the people counted."""
    if not isinstance(total, int):
        return None
    groups = count_groups(raw, single=True)
    if not isinstance(groups, dict):
        return None
    covered = ("poor", "disaster") if values.get("region") == "luding" else ("poor",)
    if sum(groups.get(g, 0) for g in covered) != total:
        return None
    signed = contracts_by_group(raw, months)
    if not all(g in signed for g in covered if groups.get(g)):
        return None
    return sum(signed.get(g, 0) for g in covered)


def parse(step: Step, t: str, vocab: Vocabulary, values: dict[str, Any], raw: str = "") -> Parsed:
    """Read a typed answer for step (t normalised, raw as typed: its spaces and punctuation separate clauses),
    checking the step's range against earlier answers. 不清楚/不晓得 is "unsure" on every step but the region."""
    raw = raw or t
    if step.type == "choice":
        raw, t = _own_clauses(raw, t)
    yn = read_yesno(raw, step.question)
    unsure = step.takes_unsure and yn.value == "unsure"
    if step.type in ("choice", "region"):
        o = pick_option(step.options, t, raw)
        if o:
            return Parsed(True, o.value)
        if unsure:
            return Parsed(True, UNSURE)
        mapped = {"yes": step.yes_value, "no": step.no_value}.get(yn.value or "")
        if mapped and yn.count is None:
            return Parsed(True, mapped)
        return Parsed(False, problem="no_match")
    if yn.value is None and only_ack(raw, step.question):
        return Parsed(False, problem="no_match")  # 好的 / 帮我测一下 answers no question about a fact
    if step.type == "yesno":
        if yn.value == "unsure":
            return Parsed(True, UNSURE)
        if yn.value and not re.fullmatch(r"[\d零〇一二两三四五六七八九十百]+", t):
            return Parsed(True, yn.value)
        said = yes_no(t, vocab, step) if not re.fullmatch(r"\d+", t) else None
        if said == "unsure":
            return Parsed(True, UNSURE)
        return Parsed(True, said) if said else Parsed(False, problem="no_match")
    if step.type == "contract":
        total = values.get(step.of)
        if values.get("whom") == "poor":  # only 脱贫人口 count: what is said of the others (2个不是脱贫户的签的两年) is not theirs
            raw = _without_outsiders(raw)
        elif step.of == "new_hires":  # 社会上招的两个一年: hires of no category are no part of the count asked
            raw = _without_outsiders(raw, "hire_other")
        v: Any = _by_group(raw, step.months, total, values) if step.of == "placed" else None
        if v is None:
            v = count_qualifying(raw, step.months, total if isinstance(total, int) else None)
    elif step.type == "subset":
        total = values.get(step.of)
        v = None if unsure else subset_count(raw, total if isinstance(total, int) else None, question=step.question)
    else:
        unit = step.unit or ("days" if step.type == "number" else "people")
        # 七个 都是返乡的: the answer, then why; a head count never answers how many times (十一个人都没贷过)
        # 一百 哦不对 一百零一个: the count after a correction is the answer
        lead = leading_count(after_correction(prep(raw), load_lexicon())) \
            if step.type == "count" and KINDS.get(unit) == "people" else None
        split = qualifying_hires(raw) if unit == "new_hires" and lead is not None else None
        lead = split if split is not None else lead  # 六个 三个脱贫户 另外三个是一般的: the three the rule counts
        v = lead if lead is not None else read_value(unit, raw)
        if v is None and step.type == "count" and unit != "people" and KINDS.get(unit) == "people":
            v = read_value("people", raw)  # 3个退役军人 to "how many of the new hires are…": the question names them
        if v is None and step.type == "number":
            v = number(t, vocab, integer=False)
    if v == ASK:
        span = approx_range(raw) if step.range else None
        if span is not None:
            return Parsed(True, span[0], span=span)  # 一百二十来个: the check tries both ends
        return Parsed(False, problem="approx")
    if v is None:
        if unsure:
            return Parsed(True, UNSURE)
        if t in vocab.zero:
            v = 0
        else:
            return Parsed(False, problem="no_match")
    lo = step.min(values) if step.min else 0
    hi = step.max(values) if step.max else None
    if isinstance(lo, (int, float)) and v < lo:
        return Parsed(False, v, "too_small")
    if isinstance(hi, (int, float)) and v > hi:
        return Parsed(False, v, "too_large")
    return Parsed(True, v)
