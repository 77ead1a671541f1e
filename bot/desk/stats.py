"""The overview's numbers, read through indexes and small roll-up tables, never by scanning the question log.

Questions are rolled up per Beijing day (answered / low confidence / not answered) and per day and top
measure into desk_days and desk_day_measures. Each overview first adds the questions logged since the last
roll-up (by primary key, from a stored watermark, in one write transaction so two desks never count a row
twice); the page then reads at most one row per day. The roll-up keeps counts only (no user ids), so a
user's /forget deletes their questions but not the day's totals. Check events (bot/usage.py) are rolled up the
same way into desk_day_checks; subscribers from the subscriptions table.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from bot.store import desk as queries

BEIJING = dt.timezone(dt.timedelta(hours=8))
DAY_OFFSET = 8 * 3600
EPOCH = dt.date(1970, 1, 1)
BATCH = 250_000  # question ids rolled up per transaction

def day_of(ts: float) -> int:
    return int((ts + DAY_OFFSET) // 86400)


def date_of(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=day)


def today_beijing(now: float | None = None) -> dt.date:
    return date_of(day_of(time.time() if now is None else now))


def start_of(d: dt.date) -> float:
    return (d - EPOCH).days * 86400 - DAY_OFFSET


def catch_up(db, batch: int = BATCH) -> int:
    """Roll up questions and check events logged since the last time; returns how many ids were covered."""
    return queries.catch_up(db, batch)


@dataclass
class Overview:
    first: dt.date
    last: dt.date
    days: list[dict] = field(default_factory=list)  # {date, answered, low, unanswered}
    totals: dict[str, int] = field(default_factory=dict)
    measures: list[dict] = field(default_factory=list)  # {id, title, region, n}
    checks: list[dict] = field(default_factory=list)  # {region, started, finished, outcomes{...}}
    subs_regions: list[dict] = field(default_factory=list)  # {key, n}
    subs_topics: list[dict] = field(default_factory=list)
    subs_channels: list[dict] = field(default_factory=list)
    subscribers: int = 0


def overview(db, kb, topics: dict, first: dt.date, last: dt.date) -> Overview:
    catch_up(db)
    d0, d1 = (first - EPOCH).days, (last - EPOCH).days
    ov = Overview(first, last)
    found = queries.overview_rows(db, d0, d1)
    rows = found["days"]
    for d in range(d0, d1 + 1):
        a, low, u = rows.get(d, (0, 0, 0))
        ov.days.append({"date": date_of(d), "answered": a, "low": low, "unanswered": u})
    ov.totals = {k: sum(x[k] for x in ov.days) for k in ("answered", "low", "unanswered")}
    for mid, n in found["measures"]:
        m = kb.measures.get(mid)
        ov.measures.append({"id": mid, "title": m.title if m else mid, "region": m.region if m else "", "n": n})
    checks: dict[str, dict] = {}
    for region, event, outcome, n in found["checks"]:
        row = checks.setdefault(region, {"region": region, "started": 0, "finished": 0, "outcomes": {}})
        if event == "verdict":
            row["outcomes"][outcome] = n
        else:
            row[event] = n
    order = list(kb.documents) + [""]
    ov.checks = sorted(checks.values(), key=lambda r: order.index(r["region"]) if r["region"] in order else 99)
    # subscribers
    ov.subscribers = found["subscribers"]
    by_region = found["by_region"]
    ov.subs_regions = [{"key": r, "n": by_region.get(r, 0)} for r in order]
    every, named = found["every_topic"], found["by_topic"]
    ov.subs_topics = [{"key": t.id, "label": t.name, "n": every + named.get(t.id, 0)} for t in topics.values()]
    ov.subs_channels = [{"key": c, "n": n} for c, n in found["by_channel"]]
    return ov


# -- charts: geometry computed here, drawn as SVG by the template (numbers are shown beside each chart) ----------
CHART_W, CHART_H = 640, 180


def day_bars(days: list[dict]) -> dict:
    """Stacked bars per day: answered (bottom), low confidence, not answered (top)."""
    n = max(1, len(days))
    top = max([d["answered"] + d["low"] + d["unanswered"] for d in days] + [1])
    slot = CHART_W / n
    bars = []
    for i, d in enumerate(days):
        y = float(CHART_H)
        parts = []
        for kind in ("answered", "low", "unanswered"):
            h = d[kind] / top * (CHART_H - 10)
            y -= h
            parts.append({"kind": kind, "y": round(y, 2), "h": round(h, 2)})
        bars.append({"x": round(i * slot + slot * 0.1, 2), "w": round(max(slot * 0.8, 0.5), 2), "parts": parts,
                     "date": d["date"].isoformat(), "total": d["answered"] + d["low"] + d["unanswered"], **d})
    return {"w": CHART_W, "h": CHART_H, "bars": bars, "max": top}


def hbars(items: list[dict], width: int = 300) -> list[dict]:
    top = max([i["n"] for i in items] + [1])
    return [{**i, "label": i.get("label") or i.get("title") or i.get("key") or "", "w": round(i["n"] / top * width, 2)}
            for i in items]


def outcome_counts(rows: list[dict]) -> list[str]:
    """Every outcome seen, in a fixed order first (for table columns)."""
    known = ["eligible", "not_eligible", "ask_office"]
    seen = {o for r in rows for o in r["outcomes"]}
    return known + sorted(seen - set(known))
