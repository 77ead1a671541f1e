"""A typed value for one slot, read with its unit: days (两个星期 → 14, 半个月 → 15), head counts (12个员工
今年新招了3个 → staff 12, new hires 3; 6个月 is no head count), times (贷过三回), contract months (半年 → 6,
一年半 → 18), money (3万5 → 35000). An approximate value (十来天, 二十多个) is ASK: ask, never guess.
A number belongs to the slot its unit and words name, or to none (帮我测一下 is not 1 employee)."""

from __future__ import annotations

import re
from typing import Any

from bot.numerals import Number, cn_to_int, find_numbers
from bot.textnorm import any_in
from bot.understand.lexicon import Lexicon, clauses, load_lexicon, names_other, prep

ASK = "ask"
KINDS = {"days": "days", "people": "people", "staff": "people", "new_hires": "people", "placed": "people",
         "times": "times", "contract_months": "contract_months", "money_yuan": "money_yuan"}
_ZERO = re.compile(r"^(没有|没得|莫得|冇|一个都没有|一个也没有|一次都没有|一次也没有|没贷过|没有贷过|从没贷过|"
                   r"从来没有|没|无|零|0个?|0次|第一次|头一回|一回都没有|都没有|还没有)")
_ZERO_ANY = re.compile(r"没贷过|莫贷过|莫有贷过|没得贷过|没有贷过|从没贷|从来没贷|一[次回趟笔盘]都没|一[次回趟笔盘]也没|一个都没|一个也没|没借过|头一回|第一次")
_APPROX = re.compile(r"左右|上下|来个|个把|[多几]个?(月|天|星期|周|年|个|人|次)|半个多|好几|十几|几十|几万|几千|几百|"
                     r"(月|天|星期|周|礼拜|个|人|次)(多(?!少)|出头)")  # 两个礼拜多点, 二十天出头 (一年多 is a year or more)
_WINDOW = 6
_WHEN = re.compile(r"(前|这|那|过|头|最近|后|上|前些|这些)几(天|年|个月|月|周|个星期|星期|次)|"
                   r"(他们|她们|我们|你们|咱们|这|那)几个(?!人|月)")  # 他们几个: those people, no head count
_NUM = r"(\d{1,2}|[一二两三四五六七八九十]{1,3})"
# 十一月三号开始上课 十六号结业 / 9月28号到10月7号 / 3号-15号: a day of the month, then another after a word of span
# (a word between the dates may hold 一 as a word: 开始上的课 一直上到)
_GAP = r"(?:[^号日\d一二两三四五六七八九十]|一(?=[直起共定样]))"
_DATE_SPAN = re.compile(rf"(?:{_NUM}月)?{_NUM}[号日](?:{_GAP}{{0,12}}?)"
                        rf"(?:(?:到|至|-|~|—|开始|起){_GAP}{{0,12}}?(?:{_NUM}月)?{_NUM}[号日]"
                        # 十一月三号去报的名 九号结的业 / 九月二十九号去的 十月八号才回来: the last day says it ends
                        rf"|(?:{_NUM}月)?{_NUM}[号日](?=[^号日\d]{{0,4}}?(?:结业|结的业|结束|完|毕业|为止|回来|回的家|回家)))")
# 一天补五十 / 一天能拿好多钱: what a day pays, no length
_PER_DAY = re.compile(r"(补|给|发|能拿|拿|能领|领|有|是|多少|好多|几十|[\d五十一二三四六七八九百]+块|[\d五十一二三四六七八九百]+元"
                      r"|\d{2,}|[二三四五六七八九]?十[一二三四五六七八九]?(?![天个月年])|[一二三四五六七八九两][百千])")
# 国庆七天 / 过年那几天 / 放了三天假: a holiday's length, not the course's
_HOLIDAY_BEFORE = re.compile(r"(国庆|春节|过年|五一|中秋|端午|元旦|清明|放假|放了)(节|那|的|假期|长假)?$")
_HOLIDAY_AFTER = re.compile(r"个?[天日]?(的)?(长假|假期|假)")
# 一个月三千八 / 一个月工资四千二: a wage per month, not a contract of one month
_PER_MONTH_PAY = re.compile(r"(的)?(工资|挣|赚|收入|能拿|拿|发|包吃住|\d{3,}|[一二两三四五六七八九][百千万]|\d+[块元千万])")
# 一天都没断过 / 一天也没歇 / 一天假都没请 / 一天课都没缺: "not even one day", no length
_PER_YEAR = re.compile(r"(能|可以|只能|补|领|拿|几|最多|有|给|报|一次|一回|享受)")
_NOT_EVEN = re.compile(r"(假|课|工)?[都也]?(没|不|莫)")
# read on every message that says a number: compiled once
_WEEKEND = re.compile(r"个?周末")
_HALF = re.compile(r"(?:(\d+|[一二两三四五六七八九十]+)个?)?半(个)?(月|年|天|星期|周)|(\d+|[一二两三四五六七八九十]+)(个)?(年|月)半")
_WEEKDAY_BEFORE = re.compile(r"(周|星期|礼拜)$")
_SINCE_BEFORE = re.compile(r"(近|过去|最近|这|前|头)$")
_SINCE_AFTER = re.compile(r"(内|来|以来|之内|里|前|以前|之前)")
_OPEN_ENDED = re.compile(r"无固定期限|长期合同|长期的")
# 不满一年 / 不到1年 / 一年不到: shorter than the length said (a month less, so 不满一年 is under the 1年以上 line)
_UNDER_BEFORE = re.compile(r"(不满|不到|不足|没满|没到|未满|不够|没得|莫得|没有)$")
_UNDER_AFTER = re.compile(r"(都)?(不到|不满|不足|没满|没到)")


def _unit_after(t: str, num: Number, units: dict[str, float]) -> tuple[str, float] | None:
    after = t[num.end:]
    if num.approx and after[:1] in ("来", "多", "几", "把"):
        after = after[1:]
    if _WEEKEND.match(after):
        return None  # 八个周末: weekends, not weeks
    for u, f in units.items():
        if after.startswith(u) or (after.startswith("个") and after[1:].startswith(u)):
            return u, f
    return None


def _half(t: str, units: dict[str, float], kind: str) -> list[tuple[float, int, int, bool]]:
    """半个月, 一个半月, 一年半, 半年: (value, start, end, approx)."""
    out = []
    for m in _HALF.finditer(t):
        unit = m.group(3) or m.group(6)
        lead = m.group(1) or m.group(4)
        base, start = 0.0, m.start()
        if m.group(1) and unit == "年" and t[m.end(1):m.end(1) + 1] == "个":
            lead, start = None, t.index("半", m.end(1))  # 2个半年 1个两年: two people's half years (2.5 years is 两年半)
        if lead:
            nums = find_numbers(lead)
            base = nums[0].value if nums else 0.0
        per = {"月": units.get("个月", units.get("月", 0)), "年": units.get("年", 0), "天": units.get("天", 0),
               "星期": units.get("星期", 0), "周": units.get("周", 0)}.get(unit, 0)
        if per:
            out.append(((base + 0.5) * per, start, m.end(), False))
    return out


def _day_of(tok: str | None) -> int | None:
    if tok is None:
        return None
    nums = find_numbers(tok)
    return int(nums[0].value) if nums else None


def _says_a_day(t: str) -> bool:
    """A day of a month is said (十六号, 28日): what both span patterns need before they are tried."""
    return "号" in t or "日" in t


def date_span_days(t: str) -> tuple[int, int, int] | None:
    """Days from one date to another, both counted (十一月三号开始 十六号结业 → 14; 9月28号到10月7号 → 10):
    (days, start, end of the span in t), or None. A span across a month end needs both months."""
    span = date_span(t)
    return span[:3] if span is not None else None


def date_span(t: str) -> tuple[int, int, int, tuple[int, int] | None] | None:
    """date_span_days and the last day as (month, day) when a month was said (3号到15号: None)."""
    import datetime as dt

    if not _says_a_day(t):
        return None  # both ends are days (号, 日): most messages say none, and the pattern is tried everywhere
    for m in _DATE_SPAN.finditer(t):
        g = m.groups()  # the second day from whichever way the span was said
        m1, d1, m2, d2 = (_day_of(x) for x in (g[0], g[1], g[2] or g[4], g[3] or g[5]))
        if d1 is None or d2 is None or not (1 <= d1 <= 31 and 1 <= d2 <= 31):
            continue
        if m1 is None and m2 is not None:
            continue  # 3号到5月7号: which month is the first? ask
        m2 = m2 if m2 is not None else m1
        if m1 is None:  # 3号到15号: the same month
            if d2 >= d1:
                return d2 - d1 + 1, m.start(), m.end(), None
            continue
        assert m2 is not None
        if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
            continue
        try:
            a = dt.date(2001, m1, d1)
            b = dt.date(2001 if m2 >= m1 else 2002, m2, d2)
        except ValueError:
            continue
        if b >= a and (b - a).days < 366:
            return (b - a).days + 1, m.start(), m.end(), (b.month, b.day)
    return None


# 2026年3月1号签到2027年2月28号 / 9月1号到明年6月30号: a contract given by its first and last day
_DAY = rf"(?:(\d{{4}}|[〇○零一二三四五六七八九]{{4}})年|(明年|次年|第二年|后年))?{_NUM}月{_NUM}[号日]"
_YEAR_DIGIT = str.maketrans("〇○零一二三四五六七八九", "000123456789")  # 二零二六年: a year digit by digit
_CONTRACT_SPAN = re.compile(rf"{_DAY}(?:{_GAP}{{0,12}}?)(?:到|至|-|~|—)(?:{_GAP}{{0,6}}?){_DAY}")


def contract_span_months(t: str) -> list[tuple[float, int, int, bool]]:
    """Whole months from a first day to a last one, both counted (3月1号到次年2月28号 → 12): (months, start, end,
    False) for each such span; a last day before the first in the same year is in the next year."""
    import datetime as dt

    out: list[tuple[float, int, int, bool]] = []
    if "月" not in t or not _says_a_day(t):
        return out  # a span names two days of a month: most messages say none (the pattern is tried everywhere)
    for m in _CONTRACT_SPAN.finditer(t):
        y1, _, m1, d1, y2, later, m2, d2 = m.groups()
        try:
            mo1, da1, mo2, da2 = (int(x) if x.isdigit() else cn_to_int(x) for x in (m1, d1, m2, d2))
            y1, y2 = (y.translate(_YEAR_DIGIT) if y else y for y in (y1, y2))
            first = dt.date(int(y1) if y1 else 2001, mo1, da1)
            year2 = int(y2) if y2 else first.year + (1 if later or (mo2, da2) < (mo1, da1) else 0)
            after = dt.date(year2, mo2, da2) + dt.timedelta(days=1)
        except ValueError:
            continue
        months = (after.year - first.year) * 12 + after.month - first.month - (1 if after.day < first.day else 0)
        if 0 < months <= 240:
            out.append((float(months), m.start(), m.end(), False))
    return out


_MONTH_OF_YEAR_BEFORE = re.compile(r"(年|到|至|从)$")
_MONTH_OF_YEAR_AFTER = re.compile(r"月(份|底|初|中旬|[到至~-])")


_SHORT_YEAR = re.compile(r"[一二][零〇一二三四五六七八九]")


def _range_of_neighbours(digits: str) -> bool:
    return _DIGITS.index(digits[1].replace("〇", "零")) == _DIGITS.index(digits[0]) + 1


def _durations(t: str, kind: str, lex: Lexicon) -> list[tuple[float, int, int, bool]]:
    units = lex.units(kind)
    found = _half(t, units, kind) + (contract_span_months(t) if kind == "contract_months" else [])
    taken = [(s, e) for _, s, e, _ in found]
    for num in find_numbers(t):
        if any(s <= num.start < e for s, e in taken):
            continue
        u = _unit_after(t, num, units)
        if u is None:
            continue
        if u[0] in ("月", "个月") and re.match(rf"月{_NUM}[号日]", t[num.end:]):
            continue  # 2月28号: a day, not two months
        if u[0] == "月" and (_MONTH_OF_YEAR_BEFORE.search(t[:num.start]) or _MONTH_OF_YEAR_AFTER.match(t[num.end:])):
            continue  # 2026年6月到12月: months of the calendar, not a length
        if _WEEKDAY_BEFORE.search(t[max(0, num.start - 2):num.start]):
            continue  # 周六周日: a weekday, not six weeks
        if num.value == 1 and kind == "days" and _NOT_EVEN.match(t[num.end:].lstrip("个").removeprefix(u[0])):
            continue  # 一天都没断过: not a length
        if num.value == 1 and kind == "days" and u[0] == "年" and _PER_YEAR.match(t[num.end:].removeprefix(u[0])):
            continue  # 一年能补几回: how often, not a year of training
        if num.value == 1 and kind == "days" and _PER_DAY.match(t[num.end:].lstrip("个").removeprefix(u[0].lstrip("个"))):
            continue  # 一天补五十 / 一天给好多 / 失业金一个月一千八: a rate per day or month, not a length
        if num.value == 1 and kind == "contract_months" and u[0] in ("月", "个月") and _PER_MONTH_PAY.match(
                t[num.end:].lstrip("个").removeprefix("月")):
            continue  # 一个月三千八: a wage, not a one-month contract
        if u[0] == "年" and 1949 <= num.value <= 2100 and float(num.value).is_integer():
            continue  # 2019年就脱了贫: a year, not a length
        if u[0] == "年" and _SHORT_YEAR.fullmatch(t[num.start:num.end]) and not _range_of_neighbours(t[num.start:num.end]):
            continue  # 二二年地震: 2022, not two years (二三年 may be either: a range, read as one)
        # 6个月 is months, but 6个 alone is not a duration
        out_v = num.value * u[1]
        found.append((out_v, num.start, num.end, num.approx))
    if kind == "contract_months":
        # 近一年/过去一年/这一年/一年内/一年来/两年前 is when people were hired, not how long they signed for
        found = [d for d in found if not _SINCE_BEFORE.search(t[max(0, d[1] - 2):d[1]])
                 and not _SINCE_AFTER.match(t[d[2]:d[2] + 3].lstrip("个年月"))]
        found = [(v - 1, s, e, a) if _UNDER_BEFORE.search(t[max(0, s - 3):s])
                 or _UNDER_AFTER.match(t[e:e + 4].lstrip("个年月")) else (v, s, e, a) for v, s, e, a in found]
        for m in _OPEN_ENDED.finditer(t):
            found.append((120.0, m.start(), m.end(), False))
        found = _years_and_months(t, sorted(found, key=lambda x: x[1]))
    return sorted(found, key=lambda x: x[1])


def _years_and_months(t: str, found: list) -> list:
    """一年零三个月 / 两年又六个月: one length of 15 / 30 months, not a year and three months apart."""
    out: list = []
    for d in found:
        if out and out[-1][0] % 12 == 0 and d[0] < 12 and re.fullmatch(r"年(零|又)?", t[out[-1][2]:d[1]]):
            v, s, _, a = out.pop()
            d = (v + d[0], s, d[2], a or d[3])
        out.append(d)
    return out


# a rate per person, no head count: 三百块一个人 / 一个人三百 / 一个人的补助 (the 一), 一个人300 / 每人三百 /
# 300一个人的补助 (the amount), 三百一个人 (三百 a person, not 310 people)
_PER_HEAD_BEFORE = re.compile(r"(块|元|钱|百|千|\d)$")  # 300一个人: a rate, not one person
_PER_HEAD_AFTER = re.compile(r"个?人(的)?(补助|补贴|奖补|多少|好多|给|补|[\d一二两三四五六七八九十百])")
_AMOUNT_AFTER_HEAD = re.compile(r"(每人|每个人|一个人|一人)$")
_AMOUNT_BEFORE_HEAD = re.compile(r"(块钱?|元)?(一个人|一人|每人|每个人|一个的)")
_HUNDRED_ONE = re.compile(r"[百千]一$")
_VILLAGERS = re.compile(r"个?(村|组|乡|镇)(里|头|上|子)?(的)?(人|老乡|村民|娃|妇女|劳动力|年轻人|农民工)")
_PLACE_COUNTED = re.compile(r"个?[^\s\d人去到在进上下里的了和跟都是个]{1,5}?(厂|公司|企业|工地|单位|学校|基地|园区|车间)(?![里头上的]?(的)?(人|工人|员工))")


def _rate_per_person(t: str, num: Number, after: str) -> bool:
    if num.value == 1 and (_PER_HEAD_BEFORE.search(t[:num.start]) or _PER_HEAD_AFTER.match(after)):
        return True
    if _AMOUNT_AFTER_HEAD.search(t[:num.start]) or _AMOUNT_BEFORE_HEAD.match(after):
        return True
    return bool(_HUNDRED_ONE.search(t[num.start:num.end])) and after.startswith("个人")


def _people_numbers(t: str, lex: Lexicon) -> list[Number]:
    not_after = lex.words("not_people_after")
    out = []
    for num in find_numbers(t):
        after = t[num.end:]
        stripped = after[1:] if after.startswith("个") else after
        if (any(stripped.startswith(w) for w in not_after) or any(after.startswith(w) for w in not_after)) \
                and not _VILLAGERS.match(after) and not _AMONG.match(after) \
                and not _FIRM_ACTS_ON.match(after):  # 5个村里的人 / 有4个厂里没给买社保: people, not villages, firms
            continue
        if _PLACE_COUNTED.match(after):  # 一个酒厂 / 两个建筑公司: workplaces counted, not people
            continue
        if t[max(0, num.start - 1):num.start] == "第" or _DATE_DOT.match(t, num.end) or (
                num.start and t[num.start - 1] in "·•"):
            continue  # 第三个 / 9·5地震: an order or a date, not people
        if _rate_per_person(t, num, after):
            continue
        if _PAY_BEFORE.search(t, 0, num.start):
            continue  # 工资一个月五千五: money, not people
        if re.match(r"(号|日)(?!人)", after) and re.search(r"月$", t[:num.start]):
            continue  # 十月一号: a day of the month, not one person
        if num.value >= 1000 and not re.match(r"\s?(个|名|人|位|号人)", after):
            continue  # 工资四千二到五千 厂里…: a sum with no measure word, not five thousand people
        if _AGE_BEFORE.search(t, 0, num.start) and not re.match(r"个", after):
            continue  # 我今年二十二: an age, not people
        out.append(num)
    return out


_FIRM_ACTS_ON = re.compile(r"个(厂里|厂头|公司|老板)(都|也|就|还)?(没|莫|不|没有|给|帮)")
_DATE_DOT = re.compile(r"[·•.]\d")
_AMONG = re.compile(r"个(人)?(里头|里面|当中|中间)")  # 十五个里头七个是脱贫户: 15 people, not 15 li
_AGE_BEFORE = re.compile(r"(我|他|她|娃儿|今年|年纪|年龄|岁数)(今年)?(都|才|已经|刚)?(满|有)?$")
_PAY_BEFORE = re.compile(r"(工资|月薪|薪水|收入|挣|赚)(一个月|每个月|每月|一月|一年|一天)?(有|是|能拿|拿|大概|差不多)?$"
                         r"|(一个月|每个月|每月)(工资|收入)?(有|是|能拿|拿|挣|赚)$"
                         r"|(一个月|每个月|每月)$"  # 一个月四千八包吃住: a wage, not 4,800 people
                         r"|(补|补助|补贴|奖补|奖励)(了|个)?$")  # 一个人补三百: money, not 300 people


def _context(t: str, num: Number, words: tuple[str, ...]) -> bool:
    before = t[max(0, num.start - _WINDOW):num.start]
    before = re.split(r"\s", before)[-1]
    after = t[num.end:num.end + _WINDOW].split(" ")[0]
    return any(w in before or w in after[:4] for w in words)


def _bare(t: str) -> Number | None:
    """The whole answer is one number, maybe with a unit or filler (12, 十二个, 有12个, 大概15)."""
    flat = t.replace(" ", "")
    nums = find_numbers(flat)
    if len(nums) != 1:
        return None
    rest = flat[:nums[0].start] + flat[nums[0].end:]
    rest = re.sub(r"^(大概|大约|差不多|一共|总共|有|是|就|现在|目前|共|约|应该是|应该)+", "", rest)
    approx = bool(re.match(r"[来多几把]", rest)) or bool(re.search(r"左右|上下", rest))
    rest = re.sub(r"^[来多几把]", "", rest)
    rest = re.sub(r"(个|人|名|位|次|回|趟|天|左右|上下|了|吧|的样子|个人)+$", "", rest)
    if rest:
        return None
    n = nums[0]
    return Number(n.value, n.start, n.end, n.approx or approx)


def exact_after_approx(nums: list[Number]) -> Number | None:
    """六十来个 社保上是六十二个 / 二十来天 实际十八天: an approximate figure put right by an exact one close to it
    said after it; None when there is no such pair (十来个人 其中3个签了: 3 is another figure, not a correction)."""
    rough = [n for n in nums if n.approx]
    if not rough:
        return None
    last = max(rough, key=lambda n: n.start)
    after = [n for n in nums if not n.approx and n.start > last.start]
    if len({n.value for n in after}) != 1:
        return None
    n = after[-1]
    return n if abs(n.value - last.value) <= max(3.0, 0.3 * last.value) else None


def _pick(values: list[float], approx: bool) -> Any:
    if approx:
        return ASK
    distinct = sorted(set(values))
    if not distinct:
        return None
    if len(distinct) > 1:
        return ASK
    v = distinct[0]
    return int(v) if float(v).is_integer() else round(v)


_LEADING = re.compile(r"\s*(?:(?:符合条件的|符合要求的|够条件的|符合的|其中|一共|总共|新招的|刚好|正好|刚刚|整整)(?:有|是|就)?)?"  # 符合条件的六个
                      r"(\d+|[零〇一二两三四五六七八九十百]+)\s*(个人|个|人|名|位)?(?=$|[\s,，。;；、:：!！]|[都全有是招签里其中就])")


def _said_before(t: str, num: Number, lex: Lexicon, lists: tuple[str, ...], filler: str) -> bool:
    """One of the lexicon's lists ends right before the number (现在十一个, 一共4个), filler allowed between."""
    key = ("said_before", lists, filler)
    if key not in lex.memo:
        words = [w for name in lists for w in lex.words(name)]
        lex.memo[key] = re.compile("(?:" + "|".join(map(re.escape, words)) + ")" + filler + "$")
    return lex.memo[key].search(t, 0, num.start) is not None


_NONE_HIRED = re.compile(r"(没有|没得|莫得|冇得|没|莫|冇)(再|咋个|怎么)?(新招|招|进|新进|新来|吸纳)")


DAYS_TOO_LONG = 3650
_DENIED_AFTER = re.compile(r"(?<=\S)\s+不是\s*[\d一二两三四五六七八九十百千万半]+[^\s,，。]{0,4}\s*$")
_DENIED = re.compile(r"不是\s*[\d一二两三四五六七八九十百千万半]+[^\s,，。是]{0,4}[\s,，。]*(?=是)")
_YEAR = re.compile(r"(\d{2,4}|[〇零一二三四五六七八九]{2,4})年(?!级)|[今去前]年")
_LOAN_WORDS = re.compile(r"贷过|贷了|贷的|借过|借了|贷款|创业担保|都还清了|还清了|分别|各自?|的")
_YEARS_THEN_LOAN = re.compile(r"((?:(?:19|20)?\d{2}年[\s和跟、,，]*){2,})(都|也|分别|各)?(贷|借)")
_MONTH = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})月(份|底|初)?")
_ONE_HIRED = re.compile(r"(招|请|雇|进|来|收)(了|又|进)?个(?=[^\d一二两三四五六七八九十月天年]|$)")  # 招了个脱贫户: one


def _each_in_its_year(t: str, hits: list[Number], when: re.Pattern = _YEAR) -> bool:
    """Each count follows a year (or month) of its own (2018年贷了一回 2021年一回 2024年又贷了一回; 2月招了个脱贫户
    5月招了个退伍军人): counts to add up."""
    years = []
    for i, n in enumerate(hits):
        before = t[hits[i - 1].end if i else 0:n.start].rsplit(" ", 1)[-1]  # in the count's own clause
        found = [m.group() for m in when.finditer(before)]
        if not found:
            return False
        years.append(found[-1])
    return len(set(years)) == len(years)


_LIST_END = re.compile(r"\s*(就这|一共这|总共这|只有这|就是这)(几个人?|些人?|几位)[了的吧噻哦]*$")
_NAME_LIKE = re.compile(r"[\u4e00-\u9fff]{2,4}")
_NAME_LEAD = re.compile(r"^(就是|还有|另外|就|是|有|跟)")  # 就是小王 小李 老陈 还有张嬢嬢
_ALL_DIGITS = re.compile(r"[零一二两三四五六七八九十百千万\d]+")
_NOT_A_NAME = re.compile(r"[户的人工们都个是有没不和跟还也就说在了]|^(今|明|去|前|后|当|次|那|同)年|号$")  # 今年 十月一号: a day


def _is_name(word: str) -> bool:
    """Two to four characters that read as a person's name (罗二娃, 张嬢嬢), not words (脱贫户, 都是) or a figure."""
    return bool(_NAME_LIKE.fullmatch(word)) and not _NOT_A_NAME.search(word) and not _ALL_DIGITS.fullmatch(word)


def _named_people(t: str) -> int | None:
    """People answered by name, no figure (杨秀英 李志刚 王春 就这几个): how many names. Three or more, or two
    with 就这几个 or joined by 和; a part that reads as words (脱贫户, 都是) is no name list."""
    about = re.search(r"\s+(都|全|两个都|他们|她们|这几个)", t)
    if about and "和" in t[:about.start()]:
        t = t[:about.start()]  # 张小兵和李二娃 都是今年退伍回来的: the names, then what they are
    end = _LIST_END.search(t)
    listed = t[:end.start()] if end else t
    names = [w for w in (_NAME_LEAD.sub("", w) for w in re.split(r"[\s、,，和]+", listed)) if w]
    joined = re.search(r"[\u4e00-\u9fff]{2,4}(和|跟|、)[\u4e00-\u9fff]{2,4}$", listed)
    if len(names) < (2 if end or joined else 3) or not all(map(_is_name, names)):
        return None
    return len(names)


def leading_count(text: str) -> int | None:
    """An answer to "how many" said first, then explained (七个 都是返乡农民工 签的三年; 0个 招了两个但只签了半年):
    the number at the very start. None when the message does not start with a head count."""
    m = _LEADING.match(prep(text))
    if not m or (not m.group(2) and not re.match(r"\s*\d+\s*$|\s*\S+\s", prep(text))):
        return None
    nums = find_numbers(m.group(1))
    return int(nums[0].value) if nums and not nums[0].approx else None


def _told_by_another(t: str, at: int, lex: Lexicon) -> bool:
    """The figure at `at` is in a clause where someone else says something (隔壁王嬢嬢说…最多只补十五天)."""
    start = t.rfind(" ", 0, at) + 1
    end = t.find(" ", at)
    clause = t[start:end if end >= 0 else len(t)]
    return bool(_SAYS.search(clause)) and names_other(clause, lex)


def read_value(slot: str, text: str, lex: Lexicon | None = None) -> Any:
    """int, ASK (approximate or ambiguous: ask again), or None (nothing for this slot)."""
    lex = lex or load_lexicon()
    kind = KINDS.get(slot, slot)
    t = prep(text)
    if not t:
        return None
    t = _DENIED.sub("", t).strip() or t  # 不是五天 是9月28号到10月9号: the figure denied is not the answer
    t = _DENIED_AFTER.sub("", t).strip() or t  # 是12个 不是21个
    flat = t.replace(" ", "")
    if any_in(flat, lex.words("unknown")) and not find_numbers(flat) and "半" not in flat:
        return None
    cut = max((t.rfind(w) + len(w) for w in lex.words("precise") + lex.words("correction") if w in t), default=0)
    if 0 < cut < len(t):
        exact = read_value(slot, t[cut:], lex)  # 二十来天 准确说是21天: the figure after 准确说 is the answer
        if exact is not None and exact != ASK:
            return exact
        lead = leading_count(t[cut:].lstrip("是有就为 ")) if KINDS.get(slot, slot) not in ("days", "contract_months") else None
        if lead is not None:
            return lead  # 十来个 准确是十个 都是脱贫户 七个社保买了: the figure right after 准确是
    loose = _WHEN.sub("", flat)  # 前几天去学了十二天: 前几天 says when, not how long
    approx_words = bool(_APPROX.search(loose))
    if kind in ("days", "contract_months"):
        found = _durations(t, kind, lex)
        if kind == "days":  # 19年脱的贫: a year of the calendar, no training of ten years or more
            found = [d for d in found if d[0] < DAYS_TOO_LONG and not _HOLIDAY_BEFORE.search(t[max(0, d[1] - 4):d[1]])
                     and not _HOLIDAY_AFTER.match(t[d[2]:])]  # 国庆七天都莫放假: the holiday, not the course
        span = date_span_days(t) if kind == "days" else None
        if span is not None:
            found = [d for d in found if not span[1] <= d[1] < span[2] and not d[3] and not _told_by_another(t, d[1], lex)]
            if not found:  # (四十几天 beside the dates, 王嬢嬢说…最多只补十五天: no count of this course)
                return span[0]  # the dates say how long; a count said beside them wins (10号到25号 16天)
        totals = [d for d in found if not d[3] and any_in(t[max(0, d[1] - 4):d[1]], lex.words("sum_words"))]
        if len({d[0] for d in totals}) == 1:
            return int(totals[0][0]) if float(totals[0][0]).is_integer() else totals[0][0]  # 五天…七天 一共十二天
        if len(found) >= 3 and found[0][1] <= 1 and not any(d[3] for d in found) and found[0][0] == sum(
                d[0] for d in found[1:]):
            return int(found[0][0])  # 十二天 十月份五天 十一月七天: the answer, then its parts
        spans = [d for d in found if not re.match(r"[来多几把]?个?[天日]", t[d[2]:])]
        if spans and kind == "days" and any_in(flat, lex.words("part_time_days")):
            return ASK  # 只有周末上课 上了两个月: the weeks it spanned are not the days trained (16天 would be)
        fixed = exact_after_approx([Number(v, st, en, a) for v, st, en, a in found])
        if fixed is not None:
            return int(fixed.value) if float(fixed.value).is_integer() else fixed.value
        if found and approx_words:
            return ASK
        if found:
            return _pick([v for v, *_ in found], any(a for *_, a in found))
        if any_in(loose, lex.words("approx_words")):
            return ASK
        if kind == "contract_months" and re.search(r"一年以上|1年以上", flat):
            return 12
        b = _bare(t)
        return (ASK if b.approx else int(b.value)) if b and kind == "days" else None
    if kind == "times":
        own = [c for c in clauses(t) if not names_other(c, lex)]
        if own and len(own) < len(clauses(t)) and (find_numbers(" ".join(own)) or _ZERO_ANY.search("".join(own))):
            t = " ".join(own)  # 我自己贷过两回 我老婆也贷过一回: the user's own count
            flat = t.replace(" ", "")
        # 十一个人都没贷过 / 三个都没贷过: people, not times
        counted = re.sub(r"[\d一二两三四五六七八九十]+(个?人|个(?=都|全|也))|一[次回趟笔盘](?=都|也)", "", flat)
        if _ZERO.match(flat) or (_ZERO_ANY.search(flat) and not find_numbers(re.sub(r"(第|头)一[次回趟]", "", counted))):
            return 0
        units = lex.units("times")
        hits = [n for n in find_numbers(t) if _unit_after(t, n, units) and t[max(0, n.start - 1):n.start] != "第"
                and not re.search(r"(再|想|要|能|准备|打算)[贷借申请]{0,2}$", t[max(0, n.start - 4):n.start])]
        each = re.search(r"各[^ ]{0,4}[一1][次回趟笔盘]", t)
        years = {m.group() for m in _YEAR.finditer(t[max(0, each.start() - 24):each.start()] if each else t)}
        if len(years) >= 2 and (each or (not hits and not _YEAR.sub("", _LOAN_WORDS.sub("", flat)).strip(
                "和跟与及、,，以都各次回趟笔一1 "))):
            return len(years)  # 2017年 2020年 2023年各贷过一回 / 2019年和2022年: one loan a year named
        run = _YEARS_THEN_LOAN.search(t)
        if run and not hits:  # 养鸡场 … 2017年 2020年 2023年都贷了创业担保贷款: a loan in each year listed
            return len(set(_YEAR.findall(run.group(1))))
        if hits:
            values = [n.value for n in hits]
            if len(values) >= 3 and max(values) == sum(values) - max(values):
                values = [max(values)]  # 贷过两回 一九年一回 二二年一回: the total, then each one
            elif len(hits) >= 2 and _each_in_its_year(t, hits):
                return int(sum(values)) if not any(n.approx for n in hits) else ASK  # 18年一回 21年一回 24年又一回
            return _pick(values, any(n.approx for n in hits))
        if re.search(r"第[\d一二两三四五六七八九十]+次", flat):
            return ASK  # 第三次: the third now, or three before? ask
        b = _bare(t)
        if b:
            return ASK if b.approx else int(b.value)
        return ASK if any_in(loose, lex.words("approx_words")) else None
    if kind == "money_yuan":
        units = lex.units("money_yuan")
        vals, approx = [], False
        for n in find_numbers(t):
            u = _unit_after(t, n, units)
            if re.search(r"[万千百]", t[n.start:n.end]):
                u = u if u and u[1] == 1 else ("", 1)
            if u or _bare(t):
                factor = u[1] if u else 1
                vals.append(n.value * factor)
                approx = approx or n.approx
        return _pick(vals, approx or approx_words)
    # head counts
    if slot == "new_hires":
        t = _ONE_HIRED.sub(lambda m: m.group()[:-1] + "一个", t)
        flat = t.replace(" ", "")
    listed = _named_people(t)
    if listed:
        return listed  # 杨秀英 李志刚 泽仁拉姆 罗二娃 王春 就这几个: five people, by name
    if (_ZERO.match(flat) and not find_numbers(flat)) or re.fullmatch(r"(一个都没有|一个也没有|一个都没|一个也没)[了的啊呢]?", flat):
        return 0
    if slot == "new_hires":
        first = clauses(t)[0]
        counts = [n for n in find_numbers(first) if not re.match(r"个?(年|月|天|周|星期)", first[n.end:n.end + 2])]
        if _NONE_HIRED.search(first) and not counts and not any_in(first, lex.words("approx_words")):
            return 0  # 这一年莫得新招人 那五个是2024年招的: the answer first, then who was there before
        split = _qualifying_hires(t, lex)
        if split is not None:
            return split
    if slot in ("people", "placed"):
        pairs = _pairs(t, lex, None)
        if pairs:
            total, got = pairs
            return total
    nums = _people_numbers(t, lex)
    b = _bare(t)
    if b and b in nums:
        return ASK if b.approx else int(b.value)
    staff_w, new_w = lex.words("staff_words"), lex.words("new_hire_words")
    units = lex.units("people")
    with_unit = [n for n in nums if _unit_after(t, n, units) or _context(t, n, staff_w + new_w + lex.words("people_words"))]
    if slot == "new_hires":
        cands = [n for n in with_unit if _context(t, n, new_w)]
        by_month = cands if len(cands) >= 2 else with_unit
        if len(by_month) >= 2 and not any(n.approx for n in by_month) and _each_in_its_year(t, by_month, _MONTH):
            return int(sum(n.value for n in by_month))  # 2月招了个脱贫户 5月招了个退伍军人 / 3月1个 7月2个 9月1个
        if not cands:  # 上一年度共吸纳高校毕业生及退役军人7名: the hiring word opens the clause the count ends
            cands = [n for n in with_unit if any(w in t[:n.start].rsplit(" ", 1)[-1] for w in new_w)]
        kinds = [n for n in with_unit if CATEGORY.match(t[n.end:].lstrip("个名位"))]
        if len(kinds) >= 2 and cands and kinds[0] is cands[0] and not any(n.approx for n in kinds) and len(
                {t.rfind(" ", 0, n.start) for n in kinds}) == 1:
            return int(sum(n.value for n in kinds))  # 今年招了一个脱贫户一个大学生: two, one of each kind
        summed = [n for n in with_unit if n not in cands and _said_before(t, n, lex, ("sum_words",), "[是有招了]{0,2}")]
        if len(cands) >= 2 and len({n.value for n in summed}) == 1 and not summed[0].approx:
            return int(summed[0].value)  # 3月招了2个退役军人 6月又招了2个脱贫户 一共4个: the sum said
    elif slot == "staff":
        cands = [n for n in with_unit if _context(t, n, staff_w) and not _context(t, n, new_w)]
        if not cands:
            cands = [n for n in with_unit if not _context(t, n, new_w)]
            cands = cands[:1] if len({n.value for n in cands}) > 1 and False else cands
    else:
        cands = [n for n in with_unit if not _context(t, n, new_w)]
        named = [n for n in cands if _context(t, n, lex.words("people_words"))]
        if len({n.value for n in cands}) > 1:
            if len({n.value for n in named}) == 1:
                cands = named
            elif cands and cands[0].value == sum(n.value for n in cands[1:]):
                cands = cands[:1]  # 10个 4个签一年 6个签三个月: the total comes first
    if not cands:
        return ASK if approx_words else None
    if len({n.value for n in cands}) > 1:  # 刚开始十个 后头又加了一个 现在十一个: the count said as now / in all
        now = [n for n in cands if _said_before(t, n, lex, ("now_words", "sum_words"), "[是有就]?")]
        if len({n.value for n in now}) == 1 and not now[0].approx:
            return int(now[0].value)
    fixed = exact_after_approx(cands)
    if fixed is not None:
        return int(fixed.value)
    return _pick([n.value for n in cands], any(n.approx for n in cands) or approx_words)


def qualifying_hires(text: str, lex: Lexicon | None = None) -> Any:
    """The new hires the firm rule counts when an answer splits them (六个 三个脱贫户 另外三个是一般的): 3; None when
    it does not split them."""
    return _qualifying_hires(prep(text), lex or load_lexicon())


_SAYS = re.compile(r"说|讲|认为|觉得")
_OTHERS = re.compile(r"(另外|其余|剩下|剩余|其他|其它|还有)")


# a hire said with what they are (招了一个脱贫户): one of them, not the total of those that follow (also, widened, the
# facts' test that a message says who its hires are)
CATEGORY = re.compile(r"脱贫|贫困|退伍|退役|当过兵|大学生|毕业生|返乡|农民工|残疾|失业|刑满")


def _qualifying_hires(t: str, lex: Lexicon) -> Any:
    """招了十二个 八个是脱贫户跟退伍军人 另外四个是跳槽过来的 → 8: new hires split into those the firm rule counts and
    those the message says it does not (hire_other); a total said first is not added in. None: no such split."""
    counted: list[tuple[bool, list[Number]]] = []
    parts = clauses(t)
    hired = next((k for k, c in enumerate(parts) if any_in(c, lex.words("new_hire_words"))), 0)
    for k, c in enumerate(parts[hired:], hired):  # (在职十二个人 … 这一年新招了两个: the staff before the hires is not)
        if names_other(c, lex) and _SAYS.search(c):
            continue  # 我老汉说新招的有两个: the father saying it again (not 还有一个是我侄儿: a hire)
        nums = [n for n in _people_numbers(c, lex) if _unit_after(c, n, lex.units("people"))]
        if nums:
            # 脱贫户六个 退伍的两个 … 另外五个是附近的: the others, after hires told by category, are of none
            others = bool(_OTHERS.match(c)) and not CATEGORY.search(c) and any(
                CATEGORY.search(x) and _people_numbers(x, lex) for x in parts[hired:k])  # (counted by category)
            counted.append((any_in(c, lex.words("hire_other")) or others, nums))
        elif len(counted) >= 2 and any_in(c, lex.words("hire_other")):
            # 还有一个是我侄儿 … 从别的厂跳过来的 啥子都不是: what follows a count without one says who it was
            counted[-1] = (True, counted[-1][1])
    if len(counted) >= 3 and len(counted[0][1]) == 1 and not counted[0][0]:
        run = 0  # 新招了两个 一个退伍军人… 一个是跳槽过来的 … 十二个人的百分之十: the split ends when it reaches the total
        for k, (_, ns) in enumerate(counted[1:], 1):
            run += int(ns[0].value) if len(ns) == 1 else 0
            if run == int(counted[0][1][0].value):
                counted = counted[:k + 1]
                break
    if len(counted) < 2 or not any(o for o, _ in counted) or any(len(ns) > 1 for _, ns in counted):
        return None
    if any(ns[0].approx for _, ns in counted):
        return ASK
    values = [(o, int(ns[0].value)) for o, ns in counted]
    total = None
    rest = values[1:]
    first = next(c for c in parts[hired:] if find_numbers(c))
    if not values[0][0] and not CATEGORY.search(first) and (values[0][1] == sum(v for _, v in rest) or (
            all(o for o, _ in rest) and sum(v for _, v in rest) < values[0][1])):
        total, values = values[0][1], rest  # 招了十二个 其中四个是跳槽的: 12 is all of them
    good = [v for o, v in values if not o]
    if good:
        return sum(good)
    return total - sum(v for _, v in values) if total is not None else None


def _pairs(t: str, lex: Lexicon, total: int | None) -> tuple[int, list[tuple[float, float]]] | None:
    """Counts paired with contract lengths: "5个签半年 3个签两年" → (8, [(5, 6), (3, 24)]); a total said
    first (组织了20个人 其中12个签了一年) is kept apart. None when they do not pair up."""
    durs = _durations(t, "contract_months", lex)
    if re.search(r"一年以上|1年以上", t) is not None and not durs:
        pass
    inside = lambda n: any(s <= n.start < e for _, s, e, _ in durs)  # noqa: E731
    counts = [n for n in _people_numbers(t, lex) if not inside(n) and not _of_insurance(t, n.start)]
    if not durs or not counts:
        return None
    tokens = sorted([("n", n.value, n.start) for n in counts] + [("d", v, s) for v, s, _, _ in durs] +
                    _names_before_lengths(t, counts, durs), key=lambda x: x[2])
    rest = [m.start() for m in _REST.finditer(t) if not any(m.start() <= n.start < m.end() + 2 for n in counts)]
    if len(rest) == 1 and total is not None and len(counts) == 1 and counts[0].value < total and rest[0] > counts[0].start:
        # 有一个只签了十一个月 其他的都签的一年以上: the others are the rest of the people counted before
        tokens = sorted(tokens + [("n", total - counts[0].value, rest[0])], key=lambda x: x[2])
    last_length = max(e for _, _, e, _ in durs)
    rough = {n.start for n in counts if n.approx}
    while tokens and tokens[-1][0] == "n" and not re.search(r"签|合同", _clause_at(t, int(tokens[-1][2]))) and (
            tokens[-1][2] in rough or re.search(r"\s\S+\s", t[last_length:int(tokens[-1][2])])):
        tokens.pop()  # … 车费花了一千多: a count well after the last length, in a clause saying nothing of contracts
    lead = None
    if len(tokens) >= 3 and tokens[0][0] == "n" and tokens[1][0] == "n":
        lead = tokens[0][1]  # 10个脱贫人口 4个签一年 6个签三个月 / 20个人 其中12个签了一年
        tokens = tokens[1:]
    while len(tokens) >= 4 and tokens[0][0] == "n" and tokens[1][0] == "n" and tokens[0][1] == lead:
        tokens = tokens[1:]  # 带了四个人 四个都是灾区的 其中三个签的两年 小李签的半年: the total said twice
    kinds = "".join(k for k, _, _ in tokens)
    if len(kinds) % 2 or kinds not in ("nd" * (len(kinds) // 2), "dn" * (len(kinds) // 2)):
        return None
    out = []
    for i in range(0, len(tokens), 2):
        a, b = tokens[i], tokens[i + 1]
        out.append((a[1], b[1]) if a[0] == "n" else (b[1], a[1]))
    if lead is None and len(out) == 1:
        return None  # one count and one length: not a split (handled by the caller)
    total_said = int(lead) if lead is not None else int(sum(n for n, _ in out))
    return total_said, out


_REST = re.compile(r"(其他|其它|其余|剩下|剩余|别的)的?(人|那些|那几个)?(都|全|就)?")
_SIGNED_END = re.compile(r"(只|都|也|就)?(签的|签了|签|是|的)*$")


def _name_words(seg: str) -> list[str]:
    """The words before a length, each without its 签的/都是 ending (杨秀英 李志刚签的 → 杨秀英, 李志刚)."""
    return [w for w in (_SIGNED_END.sub("", w) for w in re.split(r"[\s、,，和]+", seg)) if w]


def _of_insurance(t: str, at: int) -> bool:
    """社保四个都买了 after the contracts: a count in a clause about insurance, not about contracts."""
    clause = _clause_at(t, at)
    return bool(re.search(r"社保|社会保险|参保|保险", clause)) and not re.search(r"签|合同", clause)


def _clause_at(t: str, at: int) -> str:
    start = max(t.rfind(" ", 0, at), 0)
    end = t.find(" ", at)
    return t[start:end if end >= 0 else len(t)]


def _names_before_lengths(t: str, counts: list[Number], durs: list) -> list[tuple[str, float, int]]:
    """三个签的两年 小李签的半年: a length right after names (no count between) is theirs, one each, as a count
    token at the names."""
    out: list[tuple[str, float, int]] = []
    ends = sorted([n.end for n in counts] + [e for _, _, e, _ in durs])
    for _, s, _, _ in durs:
        clause = t.rfind(" ", 0, s) + 1  # the length's own clause, with no count of its own before it
        start = max([e for e in ends if e <= s] + [clause])
        words = _name_words(re.sub(r"^[个年月半的了期合同\s]+", "", t[start:s]))
        if words and all(map(_is_name, words)) and not any(clause <= n.start < s for n in counts):
            out.append(("n", float(len(words)), start + t[start:s].find(words[0])))
    return out


# 脱贫户两年 大学生十个月: one person each, named by what they are
_ONE_OF_A_KIND = re.compile(r"(那个|这个)?(脱贫户|贫困户|大学生|毕业生|退伍军人|退役军人|退伍的|当过兵的|返乡农民工|农民工|残疾人|失业人员)")


def _named_lengths(t: str, lex: Lexicon) -> list[tuple[int, float]] | None:
    """Contract lengths said person by person (杨秀英 李志刚签的两年 王春只签了半年 她说干半年就回来): (names,
    months) for each length that follows names; a length after no name (她说干半年) tells of one already named.
    None unless at least two lengths follow names and no head count is said."""
    durs = [d for d in _durations(t, "contract_months", lex) if not d[3]]
    counted = [n for n in _people_numbers(t, lex) if _unit_after(t, n, lex.units("people"))]  # not 罗二娃
    if len(durs) < 2 or any(not any(s <= n.start < e for _, s, e, _ in durs) for n in counted):
        return None
    out: list[tuple[int, float]] = []
    start = 0
    for months, s, e, _ in durs:
        words = _name_words(re.sub(r"^[个年月半的了期合同]+", "", t[start:s]))  # the unit of the length before
        start = e
        if not words:
            continue
        if not all(_is_name(w) or _ONE_OF_A_KIND.fullmatch(w) for w in words):
            if out:
                continue  # 她说干半年就回来: about someone named before
            return None
        out.append((len(words), months))
    return out if len(out) >= 2 else None


def contract_lengths(text: str, lex: Lexicon | None = None) -> list[tuple[float, int, int, bool]] | None:
    """The contract lengths a text states, (months, start, end, approx) each: 签了两年 → [(24, …)]; 签的一年以上 →
    [] (a year or more, no figure); None when it says nothing of a contract (来了半年, 失业一年以上)."""
    lex = lex or load_lexicon()
    t = prep(text)
    if not re.search(r"合同|签", t):
        return None
    durs = _durations(t, "contract_months", lex)
    if not durs and not re.search(r"一年以上|1年以上|一年多", t):
        return None
    return durs


_DIGITS = "零一二三四五六七八九"
_NEIGHBOURS = re.compile(r"([二三四五六七八九]十|十|)([一二三四五六七八])([二三四五六七八九])(?=个|人|位|名|家)")
_ROUGH_BEFORE = re.compile(r"(大概|大约|差不多|将近|估计|约)$")
_ROUGH_AFTER = re.compile(r"个?人?(左右|上下)")


def approx_range(text: str, lex: Lexicon | None = None) -> tuple[int, int] | None:
    """The head counts an approximate answer allows: 八百多个 → (801, 899), 二十几个 → (21, 29), 一百二十来个 /
    大概一百二十 / 一百二十左右 → (115, 125) (来 is a little more or less). None unless the text holds exactly one
    head count, of ten or more, said so."""
    lex = lex or load_lexicon()
    t = prep(text).replace(" ", "")
    pair = _NEIGHBOURS.search(t)  # 十一二个 / 三四个 / 二十五六个: one of two neighbouring numbers
    if pair:
        tens = {"": 0, "十": 10}.get(pair.group(1), None)
        tens = tens if tens is not None else _DIGITS.index(pair.group(1)[0]) * 10
        a, b = _DIGITS.index(pair.group(2)), _DIGITS.index(pair.group(3))
        if b == a + 1 and not _people_numbers(t[:pair.start()], lex):  # the first count said is the answer
            return tens + a, tens + b
    nums = _people_numbers(t, lex)
    if len(nums) != 1 or nums[0].value < 10 or not float(nums[0].value).is_integer():
        return None
    n = nums[0]
    x = int(n.value)
    unit = 1
    while x % (unit * 10) == 0:
        unit *= 10
    after = t[n.end:n.end + 1]
    if after in ("多", "几"):
        return x + 1, x + unit - 1
    if after == "来" or _ROUGH_BEFORE.search(t[:n.start]) or _ROUGH_AFTER.match(t, n.end):
        return x - unit // 2, x + unit // 2
    return None


def count_qualifying(text: str, min_months: float, total: int | None = None, lex: Lexicon | None = None) -> Any:
    """How many people have a contract of at least min_months: "5个签半年 3个签两年" → 3, "6个月的5个 两年的3个" → 3,
    "都签了两年" → total, "签了3个月" → 0. ASK when counts and lengths do not pair up; None when nothing is said."""
    lex = lex or load_lexicon()
    t = prep(text)
    spans = contract_span_months(t)  # the dates, when typed, are exact
    if _APPROX.search(t.replace(" ", "")) and not spans:
        return ASK  # 差不多一年 beside 2026年6月15号到2027年6月13号: the dates decide, one day short is short
    pairs = _pairs(t, lex, total)
    if not pairs and " " in t:
        # 十二个签的一年以上 有两年的也有一年的 另外三个签的半年: a clause of lengths with no count tells more of
        # the counted ones, and pairs nothing itself
        counted = " ".join(c for c in t.split(" ") if _people_numbers(c, lex) or not _durations(c, "contract_months", lex))
        pairs = _pairs(counted, lex, total) if counted != t else None
    if pairs:
        return int(sum(n for n, m in pairs[1] if m >= min_months))
    named = _named_lengths(t, lex) if not spans else None
    if named:
        return int(sum(n for n, m in named if m >= min_months))  # 张磊三年 刘芳两年 陈小兵半年: 2 of a year or more
    durs = spans or _durations(t, "contract_months", lex)
    if not durs and re.search(r"一年以上|1年以上|一年多", t):
        durs = [(12.0, 0, 0, False)]
    inside = lambda n: any(s <= n.start < e for _, s, e, _ in durs)  # noqa: E731
    counts = [n for n in _people_numbers(t, lex) if not inside(n)]
    if any(a for *_, a in durs) or any(n.approx for n in counts):
        return ASK
    if not durs:
        if _ZERO.match(t.replace(" ", "")) or any_in(t.replace(" ", ""), lex.fact_words("no_contract")):
            return 0  # 莫签劳动合同 按天算钱: nobody has a contract
        if _all(t, lex) and total is not None and re.search(r"签|合同", t):
            return total
        b = _bare(t)
        return int(b.value) if b and not b.approx else None
    if len({v for v, *_ in durs}) > 1:
        if not counts and all(v < min_months for v, *_ in durs):
            return 0  # 有的签的3个半月 有的签的半年: whoever signed what, nobody has the length asked
        if total is not None and all(v >= min_months for v, *_ in durs) and (not counts or _all(t, lex)):
            return total  # 有的签两年 有的签三年 / 六个都签了一年以上 脱贫户是两年: everyone has it
        return ASK
    months = durs[0][0]
    if months < min_months:
        return 0
    if len(counts) == 1 and (total is None or counts[0].value <= total):
        return int(counts[0].value)
    if len(counts) == 1 and total is not None and _all(t, lex):
        return total  # 九个都签的一年半 of the seven counted here: all of them
    if not counts:
        return total if total is not None else ASK
    return ASK


def names_unit(kind: str, text: str, lex: Lexicon | None = None) -> bool:
    """The text has a number with a unit of kind (15天 → days; 2次 → times; 6个 → people, but 6个月 is not)."""
    lex = lex or load_lexicon()
    t = prep(text)
    if kind in ("days", "contract_months"):
        return bool(_durations(t, kind, lex))
    units = lex.units(kind)
    nums = _people_numbers(t, lex) if kind == "people" else find_numbers(t)
    return any(_unit_after(t, n, units) for n in nums)


def _group_of(seg: str, lex: Lexicon) -> str | None:
    """The group a phrase names: poor (脱贫户…), disaster (灾区…), or other (不是…, 普通…, 不是脱贫户)."""
    from bot.understand.yesno import _negations

    for group, key in (("poor", "poor_yes"), ("disaster", "disaster_yes")):
        hits = [seg.find(w) for w in lex.fact_words(key) if w in seg]
        if hits:
            return "other" if _negations(seg[:min(hits)], lex) % 2 else group
    return "other" if any_in(seg, lex.fact_words("group_other")) else None


def count_groups(text: str, lex: Lexicon | None = None, single: bool = False,
                 where: list[tuple[str, Number]] | None = None) -> Any:
    """People counted by group: "组织了7个人 其中4个是脱贫人口 另外3个不是" → {"poor": 4, "other": 3}, "4个脱贫户
    2个是灾区的" → {"poor": 4, "disaster": 2}; a total said first and not all named: the rest are "other"; people
    named again (那5个不是脱贫户, 13个人都签了 after 8 and 5) are not counted twice.
    ASK when approximate or the counts do not add up; None when the text is no split by group (single: one group
    counted, 30个脱贫户学员 → {"poor": 30}, is a split too)."""
    lex = lex or load_lexicon()
    t = prep(text)
    durs = _durations(t, "contract_months", lex)
    nums = [n for n in _people_numbers(t, lex) if not any(s <= n.start < e for _, s, e, _ in durs)]
    nums = sorted(nums + _names_said_of_a_group(t, lex), key=lambda n: n.start)
    if not nums:
        return None
    labels: list[str | None] = []
    for i, n in enumerate(nums):
        stop = nums[i + 1].start if i + 1 < len(nums) else len(t)
        after, *further = t[n.end:stop].split(" ")
        label = "both" if _BOTH_GROUPS.search(after) else _group_of(after, lex)  # 有2个既是脱贫户又是灾区的
        if label is None and further and (_SAME_PERSON.match(further[0]) or further[0].startswith(("不是", "都不是", "也不是"))):
            label = _group_of(further[0], lex)  # 一个是我侄儿 他屋头不是脱贫户也不是灾区的 / 县城的娃儿 不是脱贫户
        if label is None and (re.fullmatch(r"(个人|个|人|名|位)?[的了]?", after) or (
                re.match(r"(个人|个|人|名|位)(里头|里面|当中|中间|头|都|签)", after) and _group_of(after, lex) is None)):
            # 脱贫户5个 / 脱贫的四个里头三个签的两年 / 灾区的两个签的十二个月: the group said right before
            start = nums[i - 1].end if i else 0
            before = t[start:n.start].split(" ")[-1]  # 脱贫户5个 / 其中脱贫人口8个
            before = before if i == 0 or before != t[start:n.start] else ""
            label = (_group_of(before, lex) or _group_named_last(before)) if before else None
        labels.append(label)
    nums, labels = _not_again(t, nums, labels)
    if not any(labels):
        return None
    nums, labels = _told_again(t, nums, labels)
    first = next(i for i, g in enumerate(labels) if g)
    if first > 1:  # 组织了十五个人…一个人收了两百…车费一百六十五 十五个里头七个是脱贫户: the story's figures before the
        nums, labels = nums[first - 1:], labels[first - 1:]  # split are no part of it; the count right before is its total
    total = None
    if labels[0] is None:
        total, nums, labels = nums[0], nums[1:], labels[1:]
    if total is not None and None in labels and sum(int(n.value) for n in nums) == int(total.value):
        labels = [g or "other" for g in labels]  # 七个人 三个脱贫户 两个受灾的 还有两个是县城的娃儿: the rest are no group
    groups = [g for g in labels if g is not None]
    if len(groups) < len(labels):
        return None  # a count naming no group after the split: not a split by group
    if any(n.approx and g != "other" for n, g in zip(nums, groups)) or (total is not None and total.approx):
        return ASK  # 另外三十几个不是脱贫户: a rough count of people no rule counts is enough; a group's is not
    out: dict[str, int] = {}
    for n, g in zip(nums, groups):
        out[g] = out.get(g, 0) + int(n.value)
    both = out.pop("both", 0)  # counted in both groups: people once, as 脱贫 (the group both documents pay for)
    if both:
        if both > min(out.get("poor", 0), out.get("disaster", 0)):
            return ASK
        out["disaster"] -= both
        if not out["disaster"]:
            out.pop("disaster")
        groups = [g for g in groups if g != "both"]
        nums = [n for n, g in zip(nums, labels) if g != "both"]
    if where is not None:
        where.extend(zip(groups, nums))  # each group's count where it is said (its contracts follow it)
    if total is not None:
        rest = int(total.value) - sum(out.values())
        if rest < 0 or (rest and "other" in out):
            return ASK
        if rest:
            out["other"] = rest
    return out if len(out) > 1 or (single and out) else None


def contracts_by_group(text: str, min_months: float, lex: Lexicon | None = None) -> dict[str, int]:
    """Of each group counted, how many have a contract of at least min_months, from what follows the group's count
    (七个是脱贫户 都签的两年 五个是灾区的 有四个签的一年半 一个只签了八个月 → {"poor": 7, "disaster": 4}); a group whose
    contracts are not said after it, or do not pair up, is left out."""
    lex = lex or load_lexicon()
    t = prep(text)
    where: list[tuple[str, Number]] = []
    if not isinstance(count_groups(t, lex, single=True, where=where), dict):
        return {}
    out: dict[str, int] = {}
    segs = _segments_by_group(t, where, lex)
    for i, (g, n) in enumerate(where):
        seg = segs[i]
        durs = [d for d in _durations(seg, "contract_months", lex) if not d[3]]
        if not durs:
            continue
        subs = [m for m in _people_numbers(seg, lex) if not any(s <= m.start < e for _, s, e, _ in durs)]
        head = seg.split(" ")[0]
        own = [d for d in _durations(head, "contract_months", lex) if not d[3]]
        if subs and len({v for v, *_ in own}) == 1 and not any(m.end <= len(head) for m in subs):
            out[g] = out.get(g, 0) + (int(n.value) if own[0][0] >= min_months else 0)  # 两个签的十二个月 …: both
            continue
        if not subs and len({v for v, *_ in durs}) == 1:
            out[g] = out.get(g, 0) + (int(n.value) if durs[0][0] >= min_months else 0)  # 都签的两年
            continue
        pairs = _pairs(seg, lex, int(n.value))
        if pairs and sum(c for c, _ in pairs[1]) <= n.value:
            out[g] = out.get(g, 0) + int(sum(c for c, m in pairs[1] if m >= min_months))
    return out


_GROUP_LAST = re.compile(r"(?:(脱贫|贫困)|(灾区|受灾|遭灾))(?:户|人口|劳动力)?的?$")


def _group_named_last(before: str) -> str | None:
    """脱贫的 (四个) / 灾区的 (两个): a group named right before a count, as people say it."""
    m = _GROUP_LAST.search(before)
    return None if m is None else ("poor" if m.group(1) else "disaster")


_GROUP_LEADS = re.compile(r"(?:那|这)?(?:几个|些)?(?:(脱贫|贫困)|(灾区|受灾|遭灾|地震|洪灾))")


def _segments_by_group(t: str, where: list[tuple[str, Number]], lex: Lexicon) -> list[str]:
    """What is told of each group counted: the text after its count, up to the next group's; a later clause that
    opens by naming a counted group (脱贫的里头有一个只签了十一个月) and what follows it are that group's."""
    segs = [t[n.end:where[i + 1][1].start if i + 1 < len(where) else len(t)] for i, (_, n) in enumerate(where)]
    if not where:
        return segs
    last = len(where) - 1
    clauses = segs[last].split(" ")
    for k, c in enumerate(clauses):
        if not k:
            continue
        m = _GROUP_LEADS.match(c)
        g = None if m is None or _GROUP_LEADS.search(c, m.end()) else ("poor" if m.group(1) else "disaster")
        idx = next((i for i, (h, _) in enumerate(where) if h == g), None)
        if idx is not None and idx != last and not _people_numbers(c[:6], lex):
            segs[last] = " ".join(clauses[:k])
            segs[idx] = segs[idx] + " " + " ".join(clauses[k:])
            break
    return segs


_TOLD_OF = re.compile(r"社保|社会保险|保险|参保|合同|签")


def _told_again(t: str, nums: list[Number], labels: list[str | None]) -> tuple[list[Number], list[str | None]]:
    """Without counts told of people already counted by group (四个是脱贫户 两个是灾区的 … 他们三个社保还莫买 /
    脱贫和灾区的六个社保都买了): a count naming no group, in a clause about insurance or contracts, no more than the
    people counted by group before it."""
    kept_n: list[Number] = []
    kept_l: list[str | None] = []
    for n, g in zip(nums, labels):
        counted = sum(int(m.value) for m, h in zip(kept_n, kept_l) if h)
        if g is None and counted and int(n.value) <= counted and _TOLD_OF.search(_clause_at(t, n.start)):
            continue
        kept_n.append(n)
        kept_l.append(g)
    return kept_n, kept_l


_BOTH_GROUPS = re.compile(r"(既是|又是|也是|两样都是|两个都是|同时是)[^ ]{0,6}(脱贫|贫困)[^ ]{0,6}(灾区|受灾|地震|灾民)|"
                          r"(脱贫|贫困)[^ ]{0,4}(也是|又是)[^ ]{0,4}(灾区|受灾|地震|灾民)|^个?(两样|两个|两种|两头)都(是|占)")
_SAME_PERSON = re.compile(r"(他|她)(们|屋头|屋里|家里|家)?(也|都)?(不是|是)")
_NAMED_GROUP = re.compile(r"^(\S+?)(都是|也是|是)(\S*)$")


def _names_said_of_a_group(t: str, lex: Lexicon) -> list[Number]:
    """People named, then their group (王大哥 李二嫂 陈幺妹 杨老三是脱平户): a count of the names, standing where
    they are said, so that a split by group counts them (four 脱贫户)."""
    out: list[Number] = []
    words = [(m.group(), m.start()) for m in re.finditer(r"\S+", t)]
    for k, (w, at) in enumerate(words):
        m = _NAMED_GROUP.match(w)
        if not m or _group_of(m.group(2) + m.group(3), lex) is None:
            continue
        names = [x for x in re.split(r"[和跟、]", m.group(1)) if x]
        if not names or not all(map(_is_name, names)):
            continue
        first = k
        while first > 0 and all(map(_is_name, [x for x in re.split(r"[和跟、]", words[first - 1][0]) if x])):
            first -= 1
        for prev, _ in words[first:k]:
            names += [x for x in re.split(r"[和跟、]", prev) if x]
        if len(names) >= 2:
            out.append(Number(float(len(names)), words[first][1], at + len(m.group(1))))
    return out


_ALL_OF_THEM = re.compile(r"(个人|个|人|名)?(都|也都|全都|全部)")


def _not_again(t: str, nums: list[Number], labels: list[str | None]) -> tuple[list[Number], list[str | None]]:
    """Without the counts that name people counted before: 那5个 / 这5个 of a count said already (that many, or all
    so far), a last count without a group that is the sum of the groups before it (13个人都签了两年), and a group's
    count said again with 都 (五个都签的)."""
    kept: list[tuple[Number, str | None]] = []
    sub = 0  # of the last group's people, those told again by their contracts
    skip = 0
    for i, (n, label) in enumerate(zip(nums, labels)):
        earlier = [int(m.value) for m, _ in kept]
        if earlier and t[max(0, n.start - 1):n.start] in ("那", "这") and int(n.value) in (*earlier, sum(earlier)):
            continue
        named = [int(m.value) for m, g in kept if g]
        if label is None and i == len(nums) - 1 and len(named) > 1 and int(n.value) == sum(named) \
                and (all(g for _, g in kept) or (kept[0][1] is None and int(kept[0][0].value) == int(n.value))):
            continue  # 七个人 … 四个 两个 一个 … 七个都签了: the seven again
        if label is None and int(n.value) in named and _ALL_OF_THEM.match(t[n.end:]):
            continue  # 脱贫户五个 另外三十几个不是 五个都签的无固定期限: the five again
        if i < skip:
            continue  # (a group's people told again, one kind after another)
        if label and kept and kept[-1][1] == label and kept[-1][0] is nums[i - 1]:
            run, j = 0, i  # 另外三个不是 一个低保户两个普通农户: the three again, told by kind
            while j < len(nums) and labels[j] == label and run < int(kept[-1][0].value):
                run, j = run + int(nums[j].value), j + 1
            if run == int(kept[-1][0].value) and j - i >= 2:
                skip = j
                continue
        own = t[n.end:nums[i + 1].start if i + 1 < len(nums) else len(t)].split(" ")[0]
        if label is None and "签" in own and kept and kept[-1][1] and sub + int(n.value) <= int(kept[-1][0].value):
            sub += int(n.value)  # 五个是灾区的 有四个签的一年半 还有一个只签了八个月: the five by contract, no more people
            continue
        sub = 0
        kept.append((n, label))
    return [n for n, _ in kept], [g for _, g in kept]


def _all(t: str, lex: Lexicon) -> bool:
    return any_in(t, lex.words("all_words"))


_NONE_OF_THEM = re.compile(r"[一1]个(人)?(都|也)(没|莫|冇|不)")  # 一个都没买: none, not "all but one"


def subset_count(text: str, total: int | None, lex: Lexicon | None = None, question: str = "都有吗") -> Any:
    """How many of `total` people do what the question asks (参了保的有几个): 都交了 / 是 → total; 都没交 / 没有 → 0;
    6个 / 交了6个 → 6; 有三个还没买 / 没交的有3个 → total − 3; 六个交了 三个没交 → 6. A number counts as
    "these do not" when the words between it and the next (or last) number are negated. ASK when it cannot be
    worked out (approximate, or "N do not" with no total); None when nothing is said."""
    from bot.understand.yesno import _negations, read_yesno

    lex = lex or load_lexicon()
    t = prep(text)
    if _APPROX.search(t.replace(" ", "")):
        return ASK
    if _NONE_OF_THEM.search(t.replace(" ", "")):
        return 0
    split = subset_numbers(t, lex)
    if split is None:
        return ASK
    have, lack = split
    if have and total is not None and sum(have) >= total and _all(t, lex):
        return total  # 七个都买了 of the five counted here: all of them
    if have:
        return sum(have)
    if lack:
        return total - sum(lack) if total is not None and sum(lack) <= total else ASK
    yn = read_yesno(text, question)  # the step's own question: 都参加了社保 answers 参加了社会保险的有几个
    if yn.value == "yes" or (yn.value is None and _all(t, lex) and not _negations(t, lex) % 2):
        return total if total is not None else ASK
    if yn.value == "no":
        return 0
    return None


def subset_numbers(t: str, lex: Lexicon) -> tuple[list[int], list[int]] | None:
    """The people numbers of a prepared text, as (those who do, those who do not): a number is "do not" when the
    words between it and its neighbours are negated (有三个还没买 / 没交的有3个). None when one is approximate."""
    from bot.understand.yesno import _negations

    nums = _people_numbers(t, lex)
    if any(n.approx for n in nums):
        return None
    have: list[int] = []
    lack: list[int] = []
    for i, n in enumerate(nums):
        after = _own_people(t[n.end:nums[i + 1].start if i + 1 < len(nums) else len(t)])
        seg = _own_people(t[nums[i - 1].end if i else 0:n.start]) + after
        # 另外两个他们自己不要交 厂里就没交: each clause says not, which is no double negative
        counts = [_negations(c, lex) for c in clauses(after)]
        said_not = any(k % 2 for k in counts) and not any(k and not k % 2 for k in counts)
        said_not = said_not or bool(_VERB_DENIED.search(after))  # 说不想扣钱就莫买: the deed is denied, not the wish
        (lack if said_not or _negations(seg, lex) % 2 else have).append(int(n.value))
    return have, lack


_VERB_DENIED = re.compile(r"就(莫|没|没有|没得|不)(给|帮)?(买|交|缴|参保)")
_OTHERS_LEAD = re.compile(r"^(其他|其它|其余|别的|剩下|剩余)")
_NAME_PAIR = re.compile(r"^([\u4e00-\u9fff]{2,3})[和跟、]([\u4e00-\u9fff]{2,3})")


def _own_people(text: str) -> str:
    """The clauses of a stretch that are not about other people: 只有四个交了社宝 王二娃和李幺妹还没给买 — the second
    clause is the two named people's (and 剩下的没交 the rest's), not the four's."""
    def others(c: str) -> bool:
        pair = _NAME_PAIR.match(c)
        return bool(_OTHERS_LEAD.match(c)) or bool(pair and _is_name(pair.group(1)) and any(
            _is_name(pair.group(2)[:k]) for k in (3, 2)))
    parts = text.split(" ")
    return " ".join(c for c in parts if not (c and others(c)))
