"""extract_facts(text) -> dict: what a message says about the user, whatever it asks.

Keys (each present only when the message says it):
  region: "luding" | "luzhou"   (place names in characters or pinyin: 叙永, xuyong, luding)
  place: the place name as found
  poor: "yes" | "no"            (脱贫户/监测对象; 不是贫困户 → no)
  whom: "poor" | "disaster"     (the group people belong to: 脱贫人口, 灾区劳动力)
  disaster: "yes"               (灾区劳动力 / 受灾)
  days: int                     (培训天数: 学了15天, 两个星期 → 14)
  times: int                    (创业担保贷款 already borrowed: 贷过三次, 没贷过 → 0)
  staff: int, new_hires: int    (12个员工 今年新招了3个)
  new_hires_qualifying: int     (new hires with a contract of a year or more, when the contract was said)
  placed: int                   (people placed: 送了10个脱贫人口)
  groups: {group: int}          (counts split by group: 其中4个是脱贫人口 另外3个不是 → {"poor": 4, "other": 3})
  contract_months: int          (签了半年 → 6) and contract: int (how many have ≥ 12 months, when computable)
  jobless_pay, this_year, repaid, arrears, insured, cross, small, other_loans: "yes" | "no"
  done: "yes" | "no"            (recognised: 评上国家级的了, 被认定为省级…; 还没评上 → no)
  cert: "got" | "pending" | "none"
  age: int
Values that are approximate (十来天) are left out: the check asks for them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.kb.loader import default_knowledge_dir
from bot.understand.lexicon import Lexicon, clauses, load_lexicon, prep
from bot.understand.slots import ASK, _durations, count_groups, count_qualifying, read_value
from bot.understand.yesno import _about_other, _negations

CONTRACT_MONTHS = 12  # both documents: 签订1年以上劳动合同


@lru_cache(maxsize=8)
def _places(root: str) -> tuple[tuple[str, str], ...]:
    """(name, region) for every place, and its typed pinyin (luding, xuyong), longest first."""
    from pypinyin import lazy_pinyin

    with open(Path(root) / "places.yaml", encoding="utf-8") as f:
        raw = yaml.safe_load(f) or {}
    out: dict[str, str] = {}
    for region, names in raw.items():
        for name in names or ():
            n = unicodedata.normalize("NFKC", str(name)).lower()
            out.setdefault(n, region)
            py = "".join(lazy_pinyin(n))
            if len(py) >= 5 and py.isascii():
                out.setdefault(py, region)
    return tuple(sorted(out.items(), key=lambda kv: -len(kv[0])))


def _region(t: str, root: str) -> tuple[str, str] | None:
    """The place named last and not negated (不是泸定的 是泸州的 → 泸州)."""
    latin = re.sub(r"\s+", "", t)
    found: list[tuple[int, str, str]] = []
    for name, region in _places(root):
        hay = latin if name.isascii() else t
        if name not in hay:  # most names are in no message: skip the regex
            continue
        for m in re.finditer(re.escape(name), hay):
            if any(s <= m.start() < e for s, e, _, _ in [(p, p + len(n2), n2, r) for p, n2, r in found]):
                continue
            before = hay[max(0, m.start() - 3):m.start()]
            if re.search(r"(不是|不在|没在|非)$", before):
                continue
            found.append((m.start(), name, region))
    if not found:
        return None
    regions = {r for _, _, r in found}
    pos, name, region = max(found)
    if len(regions) > 1 and not re.search(r"(不是|不对|说错|改成|应该是|其实是|是)", t):
        return None  # two regions, no word saying which: ask
    return name, region


def _clause_with(parts: list[str], words: tuple[str, ...], lex: Lexicon) -> str | None:
    for p in parts:
        if any(w in p for w in words) and not _about_other(p, lex, ""):
            return p
    return None


def _said(parts: list[str], words: tuple[str, ...], lex: Lexicon) -> str | None:
    """yes/no: the clause naming one of words, negated or not (没有领失业金 → no)."""
    p = _clause_with(parts, words, lex)
    if p is None:
        return None
    w = next(w for w in words if w in p)
    head = p[:p.index(w)]
    return "no" if _negations(head, lex) % 2 else "yes"


def _done(parts: list[str], lex: Lexicon) -> str | None:
    """Recognised already (评上国家级的了, 被认定为省级…, 批下来了) → yes; 还没评上 → no; planned (想评, 准备申报) → None."""
    fw = lex.fact_words
    for p in parts:
        verb = next((w for w in fw("done_verbs") + fw("done_yes") if w in p), None)
        if verb is None:
            continue
        if _negations(p[:p.index(verb)], lex) % 2:
            return "no"
        if any(w in p for w in fw("done_yes")) or (any(w in p for w in fw("done_marks")) and
                                                   not any(w in p for w in fw("done_plans"))):
            return "yes"
    return None


def extract_facts(text: str, root: str | Path | None = None) -> dict[str, Any]:
    """The facts a message states (see the module docstring for keys and values)."""
    root = str(root or default_knowledge_dir())
    lex = load_lexicon(root)
    t = prep(text)
    if not t:
        return {}
    parts = clauses(t)
    flat = t.replace(" ", "")
    f: dict[str, Any] = {}
    place = _region(t, root)
    if place:
        f["place"], f["region"] = place
    fw = lex.fact_words
    poor = _said(parts, fw("poor_yes"), lex)
    if poor:
        f["poor"] = poor
        if poor == "yes":
            f["whom"] = "poor"
    if _said(parts, fw("disaster_yes"), lex) == "yes":
        f["disaster"] = "yes"
        f["whom"] = "disaster"
    v = _said(parts, fw("jobless_pay"), lex)
    if v:
        f["jobless_pay"] = v
    p = _clause_with(parts, ("今年",), lex)
    if p and re.search(r"领|拿|享受", p) and not re.search(r"失业", p):
        f["this_year"] = "no" if _negations(p, lex) % 2 else "yes"
    p = _clause_with(parts, ("证",), lex)
    if p:
        if any(w in p for w in fw("cert_pending")) or re.search(r"(还没|没有?|未)(拿到|考|发|下来)", p):
            f["cert"] = "pending" if re.search(r"还没|还在|正在|准备|等", p) else "none"
        elif _negations(p, lex) % 2:
            f["cert"] = "none"
        elif re.search(r"拿到|考到|有|取得|到手|发了|考过|拿了", p):
            f["cert"] = "got"
    p = _clause_with(parts, ("社保", "社会保险", "参保"), lex)
    if p:
        from bot.understand.yesno import read_yesno

        v = read_yesno(p, "参加社会保险了吗").value
        if v in ("yes", "no"):
            f["insured"] = v
    for key in ("repaid", "arrears") + (() if "insured" in f else ("insured",)):
        hits = [(len(w), v) for v in ("yes", "no") for w in fw(f"{key}_{v}") if w in flat]
        if hits:
            f[key] = max(hits)[1]  # the longest phrase: 没有逾期 (yes) over 有逾期 (no)
    if any(w in flat for w in fw("other_loan_yes")):
        f["other_loans"] = _said(parts, fw("other_loan_yes"), lex) or "yes"
    if any(w in flat for w in fw("cross_yes")):
        f["cross"] = "yes"
    if any(w in flat for w in fw("small_yes")):
        f["small"] = "yes"
    done = _done(parts, lex)
    if done:
        f["done"] = done
    # numbers, each to the slot its unit and words name
    if re.search(r"培训|学|课|上了|参加", flat) or re.search(r"天|星期|周|个月", flat):
        days = read_value("days", t, lex) if re.search(r"培训|学|课|参加|上了", flat) else None
        if isinstance(days, int):
            f["days"] = days
    if re.search(r"贷", flat):
        times = read_value("times", t, lex)
        if isinstance(times, int) and (times > 0 or re.search(r"没贷|没有贷|第一次|头一回|从没", flat)):
            f["times"] = times
        elif any(w in flat for w in fw("borrowed_no")):
            f["times"] = 0
    staff = read_value("staff", t, lex)
    if isinstance(staff, int) and any(w in flat for w in lex.words("staff_words")):
        f["staff"] = staff
    hires = read_value("new_hires", t, lex)
    if isinstance(hires, int) and any(w in flat for w in lex.words("new_hire_words")):
        f["new_hires"] = hires
    if "staff" not in f and re.search(r"组织|送了|带了|介绍|输出|安排|帮.{0,8}找|推荐", flat):
        placed = read_value("placed", t, lex)
        if isinstance(placed, int):
            f["placed"] = placed
    groups = count_groups(t, lex) if "staff" not in f and "new_hires" not in f else None
    if isinstance(groups, dict):
        f["groups"] = groups  # 其中4个是脱贫人口 另外3个不是: a check counts only the groups it covers
    if re.search(r"合同|签", flat):
        durs = _durations(t, "contract_months", lex)
        if durs and not any(a for *_, a in durs):
            f["contract_months"] = int(max(v for v, *_ in durs)) if len({v for v, *_ in durs}) == 1 else \
                int(min(v for v, *_ in durs))
            q = count_qualifying(t, CONTRACT_MONTHS, f.get("placed"), lex)
            if isinstance(q, int):
                f["contract"] = q
    if "new_hires" in f and "contract_months" in f and "contract" not in f:
        # new hires count for a loan only with a contract of a year or more (签的半年合同 → none of them)
        f["new_hires_qualifying"] = f["new_hires"] if f["contract_months"] >= CONTRACT_MONTHS else 0
    elif "new_hires" in f and isinstance(f.get("contract"), int):
        f["new_hires_qualifying"] = min(f["new_hires"], f["contract"])
    m = re.search(r"(\d+|[一二三四五六七八九十]+)岁", flat)
    if m:
        age = read_value("people", m.group(1), lex)
        if isinstance(age, int):
            f["age"] = age
    return {k: v for k, v in f.items() if v != ASK}
