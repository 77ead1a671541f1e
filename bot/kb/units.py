"""Responsible units from a measure's closing （责任单位：…）: lead units before the comma, the rest after."""

from __future__ import annotations

import re

from bot.kb.schema import Units

_UNITS = re.compile(r"[（(]\s*责任单位\s*[:：](?P<body>.*?)[)）]\s*$", re.S)
_SEP = re.compile(r"[、]")
CLAUSE = "（责任单位：…）"  # what parse_units looks for, as a knowledge error names it


def parse_units(text: str) -> Units | None:
    m = _UNITS.search(text.strip())
    if not m:
        return None
    body = m.group("body")
    body = re.split(r"[。.]\s*逗号前为牵头单位", body)[0]
    lead, _, rest = re.split(r"([,，])", body, maxsplit=1) if re.search(r"[,，]", body) else (body, "", "")
    return Units(lead=_split(lead), cooperating=_split(rest))


def _split(part: str) -> tuple[str, ...]:
    return tuple(u.strip() for u in _SEP.split(part) if u.strip())
