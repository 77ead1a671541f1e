"""Records of the knowledge base. Plain dataclasses so the matcher and answers need no YAML."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fact:
    kind: str  # amount | rate | limit | condition
    label: str
    quote: str
    value: float | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Units:
    lead: tuple[str, ...]
    cooperating: tuple[str, ...]

    def all(self) -> tuple[str, ...]:
        return self.lead + self.cooperating


@dataclass(frozen=True)
class Measure:
    id: str
    region: str
    number: str  # as printed: 十五
    index: int  # 15
    title: str
    section: str | None
    text: str
    summary: str
    facts: tuple[Fact, ...]
    targets: tuple[str, ...]
    topics: tuple[str, ...]
    keywords: tuple[str, ...]
    aliases: tuple[str, ...]
    counterpart: str | None
    units: Units
    updates: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    region: str
    name: str
    short: str
    parent: str
    title: str
    cite_title: str  # short form used in answers: 泸州市“泸字号”二十三条措施
    brand: str
    issuer: str
    number: str | None
    issued: dt.date | None
    effective: dt.date | None
    expires: dt.date | None
    validity_note: str
    amounts_until: dt.date | None
    source: str
    measure_count: int
    office: str
    closing: str | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Period:
    start: dt.date
    start_text: str  # as the source gives it: 2020-04 or 2023-10-01
    end: dt.date | None
    individual: str
    enterprise: str
    document: str
    number: str
    scope: str | None


@dataclass(frozen=True)
class Update:
    id: str
    topic: str
    applies_to: tuple[str, ...]
    periods: tuple[Period, ...]
    extra: tuple[str, ...] = field(default_factory=tuple)

    def in_force(self, today: dt.date) -> Period | None:
        """The latest period that has started and not ended by today."""
        current = None
        for p in sorted(self.periods, key=lambda p: p.start):
            if p.start <= today and (p.end is None or today <= p.end):
                current = p
        return current
