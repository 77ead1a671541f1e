"""What people asked that the bot could not answer, or answered with low confidence: grouped for staff.

Questions are read newest first through the partial index questions_inbox (bot/desk/stats.py), at most
SCAN_LIMIT of them in the chosen date range. The same question typed the same way (after normalising:
traditional → simplified, width, case, punctuation, spaces) is one key; keys that read alike (rapidfuzz
ratio ≥ SIMILAR) are one group. Each group can be linked to a measure (stored as taught phrasings, see
bot/phrasings.py), marked out of scope, or dismissed; a reviewed key is not listed again.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from bot import phrasings
from bot.store import desk as queries
from bot.textnorm import normalise

SCAN_LIMIT = 2000
SIMILAR = 75
MIN_SIMILAR_LEN = 4
MAX_TEXTS = 20  # distinct spellings kept per group (and taught when it is linked)

STATUSES = ("linked", "out_of_scope", "dismissed")


def inbox_key(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text or ""))


@dataclass
class Group:
    key: str
    text: str  # the most frequent spelling of the most frequent key
    count: int
    last: float
    first: float
    texts: list[str] = field(default_factory=list)
    pick: dict = field(default_factory=dict)  # what the bot answers now: {intent, confidence, top: [...]}


def groups(db, t0: float, t1: float, sort: str = "recent") -> list[Group]:
    rows = queries.unsure_questions(db, t0, t1, SCAN_LIMIT)
    reviewed = queries.reviewed_keys(db)
    by_key: dict[str, dict] = {}
    for ts, text in rows:
        k = inbox_key(text)
        if not k or k in reviewed:
            continue
        g = by_key.setdefault(k, {"n": 0, "last": ts, "first": ts, "texts": Counter()})
        g["n"] += 1
        g["first"] = ts
        g["texts"][text] += 1
    keys = sorted(by_key, key=lambda k: (-by_key[k]["n"], -by_key[k]["last"]))
    reps: list[str] = []
    members: dict[str, list[str]] = {}
    for k in keys:
        hit = None
        if reps and len(k) >= MIN_SIMILAR_LEN:
            hit = process.extractOne(k, reps, scorer=fuzz.ratio, score_cutoff=SIMILAR)
        if hit:
            members[hit[0]].append(k)
        else:
            reps.append(k)
            members[k] = [k]
    out = []
    for rep in reps:
        ks = members[rep]
        spellings = [by_key[k]["texts"].most_common(1)[0][0] for k in ks]
        out.append(Group(key=rep, text=spellings[0], count=sum(by_key[k]["n"] for k in ks),
                         last=max(by_key[k]["last"] for k in ks), first=min(by_key[k]["first"] for k in ks),
                         texts=spellings[:MAX_TEXTS]))
    if sort == "frequent":
        out.sort(key=lambda g: (-g.count, -g.last))
    else:
        out.sort(key=lambda g: -g.last)
    return out


def current_pick(matcher: Any, kb: Any, text: str) -> dict:
    """The bot's answer to this text now: intent, confidence, and its top 3 measures (picked or merely ranked)."""
    m = matcher.match(text)
    ranked = list(m.measures) or list(m.scores)
    top = [{"id": mid, "title": kb.measures[mid].title, "region": kb.measures[mid].region}
           for mid in ranked[:3] if mid in kb.measures]
    return {"intent": m.intent, "confidence": m.confidence, "answered": bool(m.measures), "top": top}


def review(db, texts: list[str], status: str, measure: str | None, by: str,
           clock: Callable[[], float] = time.time) -> list[str]:
    keys = list(dict.fromkeys(k for k in (inbox_key(t) for t in texts) if k))
    queries.review(db, keys, status, measure, by, clock())
    return keys


def teach(db, kb: Any, matcher: Any, texts: list[str], measure: str, by: str) -> list[str]:
    """Link every spelling to a measure (or out of scope): all are validated before any is stored."""
    texts = [t for t in dict.fromkeys(t.strip() for t in texts) if t][:MAX_TEXTS]
    if not texts:
        raise phrasings.PhrasingError("bad_length", "", "no question given")
    for t in texts:
        m = matcher.inner.match(t) if isinstance(matcher, phrasings.Taught) else matcher.match(t)
        phrasings.validate(kb, t, measure, phrasings.phrasing_key(m.norm, m.places))
    keys = [phrasings.teach(db, kb, matcher, t, measure, by) for t in texts]
    review(db, texts, "out_of_scope" if measure == phrasings.OUT_OF_SCOPE else "linked", measure, by)
    if isinstance(matcher, phrasings.Taught):
        matcher.overlay.refresh(force=True)
    return keys
