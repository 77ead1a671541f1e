"""Chinese numerals (十五, 两百, 一千二) and digits in free text, for measure numbers and typed answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CN_NUMBER = re.compile(r"[零〇一二两俩三四五六七八九十百千万]+")
_ANY_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[万千百](?:[零〇一二两三四五六七八九]|\d(?![\d.]))?)?|[零〇一二两俩三四五六七八九十百千万]+")
# 一 before these is a word, not a number (一下, 一起, 一定, 一直, 一样, 一批人)
_ONE_WORDS = set("下起定直样些般点会共致切旦向块边律齐再半批群帮伙堆")


def cn_to_int(s: str) -> int:
    """十五 → 15, 二十二 → 22, 两百 → 200, 一千二 → 1200 (colloquial: trailing digit scales down)."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    if not s or any(c not in _DIGITS and c not in _UNITS for c in s):
        raise ValueError(f"not a Chinese numeral: {s!r}")
    total, section, digit, last_unit = 0, 0, None, 1
    for c in s:
        if c in _DIGITS:
            digit = _DIGITS[c]
        else:
            unit = _UNITS[c]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * unit
                digit = None
            last_unit = unit
    if digit is not None:
        # 一千二 means 1200, 两百五 250, 三万五 35000: a lone trailing digit counts in the next lower unit
        section += digit * (last_unit // 10 if last_unit >= 100 and len(s) >= 3 and s[-2] in _UNITS else 1)
    return total + section


@dataclass(frozen=True)
class Number:
    """A number found in text: its value, where it is, and whether it is only approximate (十来天, 十五六个)."""

    value: float
    start: int
    end: int
    approx: bool = False


# the numeral readers below run on every number of every message: their patterns are compiled once
_DIGITS_TOKEN = re.compile(r"(\d+(?:\.\d+)?)([万千百])?([零〇一二两三四五六七八九]|\d)?")
_DIGITS_TAIL = re.compile(r"[零〇一二两俩三四五六七八九]{2,}$")


def _value(tok: str) -> tuple[float, bool] | None:
    """Value of one numeral token and whether it is a range (十五六, 三四)."""
    m = _DIGITS_TOKEN.fullmatch(tok)
    if m:
        v = float(m.group(1))
        unit = _UNITS.get(m.group(2) or "", 1)
        v *= unit
        if m.group(3):
            tail = int(m.group(3)) if m.group(3).isdigit() else _DIGITS[m.group(3)]
            v += tail * (unit // 10 if unit >= 100 else 0)
        return v, False
    digits_tail = _DIGITS_TAIL.search(tok)
    if digits_tail and digits_tail.group()[0] not in "零〇":
        # 十五六 / 三四: two digits in a row without a unit between them is a range
        return float(cn_to_int(tok[: len(tok) - 1])), True
    try:
        return float(cn_to_int(tok)), False
    except ValueError:
        return None


def find_numbers(text: str, approx_after: tuple[str, ...] = ("来", "多", "几", "把")) -> list[Number]:
    """Every number in text with its span; 一 in 一下/一起 is a word, not a number."""
    return list(_numbers(text, approx_after))


# The fact, slot and yes/no readers each look for the numbers of the same message (about twice each); a pure
# function of the text, kept for a few texts (the message being answered), a fresh list for each caller
@lru_cache(maxsize=32)
def _numbers(text: str, approx_after: tuple[str, ...]) -> tuple[Number, ...]:
    out = []
    for m in _ANY_NUMBER.finditer(text):
        tok = m.group()
        if tok == "一" and text[m.end():m.end() + 1] in _ONE_WORDS:
            continue
        if tok in ("万", "千", "百") and not text[:m.start()].endswith(tuple("0123456789")):
            continue  # a lone 万/千 is a word (万一, 千万)
        if len(tok) == 1 and not tok.isdigit() and _in_a_name(text, m.start(), m.end()):
            continue
        got = _value(tok)
        if got is None:
            continue
        v, rng = got
        nxt = text[m.end():m.end() + 1]
        approx = rng or (nxt in approx_after and text[m.end():m.end() + 2] not in ("多少",)) or \
            text.startswith("好几", m.end())  # 四十好几个: forty-odd
        out.append(Number(v, m.start(), m.end(), approx))
    return tuple(out)


_KIN_AFTER = frozenset("哥姐妹弟娃叔孃嬢婶伯舅姨姑爷嫂毛妞")  # 王二哥, 陈幺妹, 李二娃: a name, not a count
_NOT_NAME_AFTER = ("姐妹", "姊妹", "弟兄")  # 三姐妹: three sisters
_UNIT_AFTER = frozenset("个年月天岁次回号名位块元万千百十")


# 陈三, 张四: a surname and a numeral, said as a name between other names (高三 is a school year)
_SURNAMES = frozenset("王李张刘陈杨赵黄周吴徐孙胡朱林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜"
                      "戴夏钟汪田任姜范姚谭廖邹熊陆郝孔崔邱秦史顾侯邵孟段雷汤尹黎常乔贺赖龚")
_NAME_END = frozenset(" 、，,和跟与")


def _in_a_name(text: str, start: int, end: int) -> bool:
    """王二哥, 陈幺妹, 赵老三, 陈三: a numeral character that is part of what people call someone."""
    after = text[end:end + 1]
    if after in _KIN_AFTER and not text.startswith(_NOT_NAME_AFTER, end):
        return True
    if start > 0 and text[start - 1] in _SURNAMES and (after == "" or after in _NAME_END):
        return True
    return text[start - 1:start] == "老" and start > 0 and after not in _UNIT_AFTER


def parse_number(text: str) -> int | None:
    """The first whole number in text, digits or Chinese numerals; None if there is none."""
    m = re.search(r"\d+", text)
    c = CN_NUMBER.search(text)
    if m and (not c or m.start() <= c.start()):
        return int(m.group())
    if c:
        try:
            return cn_to_int(c.group())
        except ValueError:
            return None
    return None
