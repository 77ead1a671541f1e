"""Phrasings taught on the staff desk: a knowledge overlay in the database, used by running bots.

When staff link a question the bot could not answer to a measure (or mark it out of scope), the
question is stored in the `phrasings` table. `Taught` wraps the matcher: a question whose key (its
normalised form without place names and spaces) equals a taught phrasing is answered with that
measure, in the asker's region (the counterpart measure when the region differs). Everything else is
the matcher's own answer, untouched.

Running bots see a new phrasing within LABOR_BOT_PHRASINGS_SECONDS (default 30): the overlay asks the
database at most that often whether anything changed (one indexed count), and reloads only then.
Rows are validated like the YAML knowledge: the measure must exist, the text must say something that
is not only a place name; a row that no longer fits the knowledge (a measure was removed) is skipped
with a warning naming the record. `labor-bot kb export-phrasings` writes them out as YAML for review.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import time
from collections.abc import Callable
from typing import Any

import yaml

from bot.kb import KnowledgeBase
from bot.store import Database
from bot.store import desk as queries

log = logging.getLogger(__name__)

DEFAULT_RELOAD_SECONDS = 30.0
OUT_OF_SCOPE = "out_of_scope"  # the `measure` column of a phrasing that staff marked out of scope
MAX_TEXT = 200
MIN_KEY = 2
MIN_LOOSE = 5  # a taught phrasing this long also answers a question that contains it, when the matcher is unsure
LOW_CONFIDENCE = queries.LOW_CONFIDENCE  # below this the matcher's answer counts as unsure (the desk lists them too)
TAUGHT_INTENTS = ("question", "out_of_scope", "overview")  # chat intents (greeting, region, …) stay as they are
_SPACE = re.compile(r"\s+")

class PhrasingError(ValueError):
    """A phrasing that does not fit the knowledge; `code` names the problem for the desk's messages."""

    def __init__(self, code: str, record: str, message: str):
        self.code, self.record = code, record
        super().__init__(f"phrasings (database), record {record!r}: {message}")


def phrasing_key(norm: str, places: list[str] | tuple[str, ...] = ()) -> str:
    """A question's key: its normalised text without place names and spaces (我是泸定的 X ≈ X in 泸定)."""
    for p in sorted(places, key=len, reverse=True):
        norm = norm.replace(p, "")
    return _SPACE.sub("", norm)


def validate(kb: KnowledgeBase, text: str, measure: str, key: str) -> None:
    """Refuse what the YAML loader would refuse: unknown measure, empty or overlong text, a bare place name."""
    if measure != OUT_OF_SCOPE and measure not in kb.measures:
        raise PhrasingError("unknown_measure", text, f"measure {measure!r} is not in the knowledge base")
    if not text.strip() or len(text) > MAX_TEXT:
        raise PhrasingError("bad_length", text, f"text must have 1 to {MAX_TEXT} characters")
    if len(key) < MIN_KEY:
        raise PhrasingError("too_short", text, "says nothing beyond a place name (at least 2 characters are needed)")


class Overlay:
    """The taught phrasings of one database, reloaded when they change (checked at most every `every` s)."""

    def __init__(self, kb: KnowledgeBase, source: Database | Callable[[], Database | None] | None,
                 every: float = DEFAULT_RELOAD_SECONDS, clock: Callable[[], float] = time.monotonic):
        """source: the store's database, or a function opening a reader when first needed (None: nothing
        stored yet, asked again at the next refresh)."""
        self.kb, self.every, self.clock = kb, every, clock
        self._source = source
        self._db: Database | None = source if isinstance(source, Database) else None
        self._checked = -1e18
        self._version: tuple | None = None
        self.phrasings: dict[str, str] = {}  # key → measure id or OUT_OF_SCOPE

    def _connection(self) -> Database | None:
        if self._db is None and callable(self._source):
            self._db = self._source()  # None: no database yet (a fresh `ask`): nothing taught
        return self._db

    def refresh(self, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self._checked < self.every:
            return
        self._checked = now
        db = self._connection()
        if db is None:
            return
        try:
            version = queries.phrasings_version(db)
            if version == self._version:
                return
            rows = queries.phrasings(db)
        except Exception as e:  # noqa: BLE001 - no such table yet, or the database is busy: keep what we have
            log.debug("phrasings not read: %s", e)
            return
        taught = {}
        for key, text, measure in rows:
            try:
                validate(self.kb, text, measure, key)
            except PhrasingError as e:
                log.warning("%s; skipped", e)
                continue
            taught[key] = measure
        self.phrasings, self._version = taught, version
        log.info("phrasings loaded: %d", len(taught))

    def lookup(self, key: str, loose: bool = False) -> str | None:
        """The taught answer for a key; loose: also a taught phrasing inside the key with a little around it
        (我是泸定的 + a taught question), the longest such phrasing first."""
        self.refresh()
        hit = self.phrasings.get(key)
        if hit is not None or not loose:
            return hit
        inside = [k for k in self.phrasings if len(k) >= MIN_LOOSE and k in key and len(key) - len(k) <= len(k)]
        return self.phrasings[max(inside, key=len)] if inside else None


class Taught:
    """The matcher, plus what staff taught: the one integration point between the desk and the matcher.

    Delegates everything to the wrapped matcher; match() consults the overlay after the matcher ran."""

    def __init__(self, matcher: Any, overlay: Overlay):
        self.inner, self.overlay = matcher, overlay

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def match(self, question: str, region: str | None = None):
        m = self.inner.match(question, region=region)
        if m.intent not in TAUGHT_INTENTS:
            return m
        unsure = not m.measures or m.confidence < LOW_CONFIDENCE
        taught = self.overlay.lookup(phrasing_key(m.norm, m.places), loose=unsure)
        if taught is None:
            return m
        if taught == OUT_OF_SCOPE:
            return dataclasses.replace(m, intent="out_of_scope", measures=[], confidence=0.0, side_by_side=False)
        return self._answer(m, taught)

    def _answer(self, m, mid: str):
        measures = self.overlay.kb.measures
        target, regions = mid, list(m.regions)
        counterpart = measures[mid].counterpart
        if len(regions) == 1 and measures[mid].region != regions[0] and counterpart in measures \
                and measures[counterpart].region == regions[0]:
            target = counterpart
        order = [target]
        other = measures[target].counterpart
        side = len(regions) != 1 and other in measures
        if side and other is not None:  # other in measures: it is a measure id
            order.append(other)
        outside = bool(regions) and measures[target].region not in regions
        return dataclasses.replace(m, intent="question", measures=order, confidence=1.0, side_by_side=side,
                                   outside_region=outside, scores={k: 100.0 for k in order})


def reload_seconds() -> float:
    raw = os.environ.get("LABOR_BOT_PHRASINGS_SECONDS") or str(DEFAULT_RELOAD_SECONDS)
    try:
        value = float(raw)
        if value < 0:
            raise ValueError
    except ValueError:
        raise SystemExit(f"LABOR_BOT_PHRASINGS_SECONDS must be a number of seconds ≥ 0, got {raw!r}") from None
    return value


# -- writing (the desk) and exporting (`labor-bot kb export-phrasings`) ------------------------------------------
def teach(db: Database, kb: KnowledgeBase, matcher: Any, text: str, measure: str, by: str,
          clock: Callable[[], float] = time.time) -> str:
    """Store a question as a phrasing of a measure (or OUT_OF_SCOPE); returns its key. Validated first."""
    text = text.strip()[:MAX_TEXT * 2]
    m = (matcher.inner if isinstance(matcher, Taught) else matcher).match(text)
    key = phrasing_key(m.norm, m.places)
    validate(kb, text, measure, key)
    queries.save_phrasing(db, key, text, measure, by, clock())
    return key


def export_yaml(db: Database | None) -> str:
    """All taught phrasings as YAML, grouped by measure, for review before copying into knowledge/measures."""
    rows = queries.phrasings_for_export(db) if db is not None else []
    out: dict[str, list[dict]] = {}
    for measure, text, by, created in rows:
        out.setdefault(measure, []).append(
            {"text": text, "by": by, "added": time.strftime("%Y-%m-%d %H:%M", time.localtime(created or 0))})
    head = ("# Phrasings taught on the staff desk (labor-bot web), by measure id; out_of_scope = marked out of scope.\n"
            "# Review, then copy good ones into the measure's aliases in knowledge/measures/*.yaml.\n")
    return head + (yaml.safe_dump(out, allow_unicode=True, sort_keys=True) if out else "{}\n")
