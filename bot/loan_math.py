"""Figures worked out from the numbers an asker types about a 创业担保贷款, because the question is the arithmetic:
贷了50万 利率3.45 贴息是不是八千多 (only the part up to 30万 is subsidised: 5175元), 贷了300万 全部都有贴息不 (under
400万: all of it), 四个人合伙能贷250万不 (4 × 50万 × 110% = 220万). The rules and their documents are data
(knowledge/loan_math.yaml); the ceilings in force come from updates.yaml; this module only reads and multiplies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.kb.loader import KBError
from bot.numerals import cn_to_int

_N = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十百]+)"
# before 贷/借, these name another kind of loan (消费贷六万, 网贷, 房贷30万, 车贷, 助学贷), not the one asked about
NOT_THIS_LOAN = r"(?<!消费)(?<!网)(?<!房)(?<!车)(?<!学)"
# the loan itself (贷了50万 / 准备贷20万 / 带款300万)
_AMOUNT = re.compile(rf"{NOT_THIS_LOAN}(?:贷|借|带|代)(?:了|款|的)?{_N}\s*万|(?<=[拿批贷借到了])(?P<before>{_N})\s*万(?:元|块)?的?(?:创业)?(?:担保|但保)(?:贷款|代款|带款)")
_RATE = re.compile(r"利率[^\d]{0,6}?(\d+(?:\.\d+)?)\s*%?")
# 利率三点四五 / 利率百分之三点五 / 利率是百分之三: the rate in Chinese numerals
_RATE_CN = re.compile(r"利率[^\d一二两三四五六七八九十]{0,6}?(?:百分之)?([一二两三四五六七八九十]+)(?:点([零〇一二三四五六七八九]+))?")
_DIGIT = str.maketrans("零〇一二三四五六七八九", "00123456789")
_LPR = re.compile(r"lpr\s*(\d+(?:\.\d+)?)\s*%?\s*(?:加|\+|上浮)\s*(\d+)\s*个?(?:基点|bp)", re.I)
_WHOLE = re.compile(r"全部|全额|整笔|都有|都贴|都能贴|一部分|只贴|贴完|哪部分|那部分")  # 300万全部都有贴息不
_SUBSIDY_WORD = re.compile(r"贴|息")
_FIRM = re.compile(r"企业|公司|小微|厂的名义|店的名义")
_PARTNERS = re.compile(r"合伙|合股|合开|一起开|一起办|股东")
_PEOPLE = re.compile(rf"{_N}个?(?:人|合伙人|股东)")
_WITH = re.compile(rf"我(?:跟|和|同){_N}个")
_GROUP = re.compile(rf"(?:我们|我们是){_N}个|{_N}(?:兄弟|姊妹|姐妹|老表)")
_WANTED = re.compile(rf"(?:贷|带|借|要|需要)(?:款|到|个|得到)?{_N}\s*万")


# LPR加一百个基点 / LPR+100BP with no LPR figure: the spread alone, to hold against the cap
_SPREAD = re.compile(rf"lpr\s*(?:加|\+|上浮)\s*{_N}\s*个?(?:基点|bp)", re.I)


@dataclass(frozen=True)
class Rules:
    share: float
    individual_cap: float
    enterprise_cap: float
    subsidy_document: str
    partner_share: float
    partner_document: str
    cap_bp: float
    cap_document: str


@lru_cache(maxsize=4)
def load_rules(root: str) -> Rules:
    path = Path(root) / "loan_math.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        s, p, r = raw["subsidy"], raw["partnership"], raw["rate_cap"]
        return Rules(float(s["share"]), float(s["individual_cap_wan"]), float(s["enterprise_cap_wan"]),
                     str(s["document"]), float(p["share"]), str(p["document"]), float(r["lpr_plus_bp"]),
                     str(r["document"]))
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as e:
        raise KBError(path, "subsidy/partnership/rate_cap", f"cannot read the loan figures: {e}") from None


def _num(tok: str) -> float:
    return float(tok) if re.fullmatch(r"\d+(\.\d+)?", tok) else float(cn_to_int(tok))


def _wan(text: str) -> float | None:
    """50万元 → 50."""
    m = re.search(r"\d+(\.\d+)?", text or "")
    return float(m.group()) if m else None


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:g}"


def _rate(norm: str) -> float | None:
    m = _LPR.search(norm)
    if m:
        return float(m.group(1)) + int(m.group(2)) / 100
    if _SPREAD.search(norm):
        return None  # LPR加一百个基点: a spread, no rate (一百 is no 1 %)
    m = _RATE.search(norm)
    if m:
        v = float(m.group(1))
        return v if 0.3 <= v <= 20 else None
    m = _RATE_CN.search(norm)
    if m:
        v = float(f"{cn_to_int(m.group(1))}.{(m.group(2) or '0').translate(_DIGIT)}")
        return v if 0.3 <= v <= 20 else None
    return None


def interest_line(norm: str, texts: dict[str, str], rules: Rules) -> str | None:
    """The subsidy and the asker's own interest for the loan and rate they typed; or whether the whole loan is
    subsidised when they ask just that (全部都有贴息 还是只贴一部分) without a rate; or a spread over LPR held against the
    cap (LPR加一百个基点 是不是多收了). None when the message has no such figures."""
    spread = _SPREAD.search(norm)
    if spread and not _LPR.search(norm):
        bp = _num(spread.group(1))
        fields = dict(cap=f"{rules.cap_bp:g}", document=rules.cap_document, bp=f"{bp:g}", diff=f"{bp - rules.cap_bp:g}",
                      diff_percent=f"{(bp - rules.cap_bp) / 100:g}", subsidy_document=rules.subsidy_document)
        return texts["loan_spread_over" if bp > rules.cap_bp else "loan_spread_within"].format(**fields)
    m = _AMOUNT.search(norm)
    if m is None:
        return None
    amount = _num(m.group(1) or m.group("before"))
    firm = bool(_FIRM.search(norm))
    cap = rules.enterprise_cap if firm else rules.individual_cap
    who = texts["loan_who_enterprise" if firm else "loan_who_individual"]
    rate = _rate(norm)
    if rate is None:
        if not _WHOLE.search(norm) or not _SUBSIDY_WORD.search(norm) or amount <= 0:  # 全部还清了: no subsidy asked
            return None
        key = "loan_subsidy_within" if amount <= cap else "loan_subsidy_over"
        return texts[key].format(amount=f"{amount:g}", who=who, cap=f"{cap:g}", over=f"{amount - cap:g}",
                                 document=rules.subsidy_document)
    part = min(amount, cap)
    interest = amount * 10000 * rate / 100
    subsidy = part * 10000 * rate / 100 * rules.share
    fields = dict(amount=f"{amount:g}", rate=f"{rate:g}", who=who, cap=f"{cap:g}", interest=_fmt(interest),
                  subsidy=_fmt(subsidy), own=_fmt(interest - subsidy), over=f"{amount - cap:g}",
                  own_rate=f"{rate * (1 - rules.share):.2f}".rstrip("0").rstrip("."), document=rules.subsidy_document)
    return texts["loan_interest_within" if amount <= cap else "loan_interest_over"].format(**fields)


def partners(norm: str) -> int | None:
    """How many partners a message names: 四个人合伙 → 4, 我跟三个战友合伙 → 4, 我们三个老表合伙 → 3, 两兄弟合伙 → 2."""
    if not _PARTNERS.search(norm):
        return None
    for pattern, extra in ((_PEOPLE, 0), (_WITH, 1), (_GROUP, 0)):
        m = pattern.search(norm)
        if m:
            tok = next(g for g in m.groups() if g)
            n = int(_num(tok)) + extra
            return n if 2 <= n <= 50 else None
    return None


def partnership_ceiling(n: int, individual: str, enterprise: str, rules: Rules) -> tuple[float, float, float] | None:
    """(each, total, firm) in 万元: n partners × the individual ceiling in force × the partnership share, not above
    the firms' ceiling."""
    each, firm = _wan(individual), _wan(enterprise)
    if each is None or firm is None or n < 1:
        return None
    return each, min(n * each * rules.partner_share, firm), firm


def partnership_line(norm: str, texts: dict[str, str], rules: Rules, individual: str, enterprise: str,
                     ceiling_doc: str) -> str | None:
    """A partnership's ceiling: partners × the individual ceiling in force × 110 %, not above the firms' ceiling;
    with the sum the asker wants, whether it fits."""
    n = partners(norm)
    ceiling = partnership_ceiling(n, individual, enterprise, rules) if n is not None else None
    if ceiling is None or n is None:
        return None
    each, total, firm = ceiling
    raw = round(n * each * rules.partner_share, 2)  # 12 × 50万 × 110% = 660万, above the firms' 600万
    capped = texts["loan_partners_capped" if raw > total else "loan_partners_within"].format(firm=f"{firm:g}")
    fields = dict(n=n, each=f"{each:g}", total=f"{total:g}", firm=f"{firm:g}", document=rules.partner_document,
                  ceiling_doc=ceiling_doc, sum=f"{raw:g}", capped=capped)
    wanted = [(_num(m.group(1))) for m in _WANTED.finditer(norm)]
    wanted = [w for w in wanted if w > each]  # 250万 for the partnership, not one person's figure
    if wanted:
        key = "loan_partners_want_over" if wanted[-1] > total else "loan_partners_want_within"
        return texts[key].format(wanted=f"{wanted[-1]:g}", **fields)
    return texts["loan_partners"].format(**fields)
