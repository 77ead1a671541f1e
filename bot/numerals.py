"""Chinese numerals (十五, 两百, 一千二) and digits in free text, for measure numbers and typed answers."""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万]+")


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
        # 一千二 means 1200, 两百五 250: a lone trailing digit counts in the next lower unit
        section += digit * (last_unit // 10 if last_unit >= 100 and len(s) >= 3 and s[-2] in _UNITS else 1)
    return total + section


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
