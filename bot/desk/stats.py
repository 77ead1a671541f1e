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

from bot.phrasings import LOW_CONFIDENCE  # answered below this is shown apart, and listed on /questions

BEIJING = dt.timezone(dt.timedelta(hours=8))
DAY_OFFSET = 8 * 3600
EPOCH = dt.date(1970, 1, 1)
BATCH = 250_000  # question ids rolled up per transaction

SCHEMA = (
    "create table if not exists desk_rollup (name text primary key, last_id integer not null)",
    "create table if not exists desk_days (day integer primary key, answered integer not null default 0, "
    "low integer not null default 0, unanswered integer not null default 0)",
    "create table if not exists desk_day_measures (day integer not null, measure text not null, "
    "n integer not null, primary key (day, measure)) without rowid",
    "create table if not exists desk_day_checks (day integer not null, region text not null, event text not null, "
    "outcome text not null, n integer not null, primary key (day, region, event, outcome)) without rowid",
    # what /questions lists: unanswered or low-confidence questions, newest first, without a full scan
    f"create index if not exists questions_inbox on questions (ts) where confidence < {LOW_CONFIDENCE} "
    "and intent in ('question', 'out_of_scope')",
)


def ensure_tables(db) -> None:
    from bot.usage import ensure_table

    for sql in SCHEMA:
        db.execute(sql)
    ensure_table(db.conn)
    db.conn.commit()


def day_of(ts: float) -> int:
    return int((ts + DAY_OFFSET) // 86400)


def date_of(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=day)


def today_beijing(now: float | None = None) -> dt.date:
    return date_of(day_of(time.time() if now is None else now))


def start_of(d: dt.date) -> float:
    return (d - EPOCH).days * 86400 - DAY_OFFSET


QUESTION_ROLLUPS = (
    "insert into desk_days (day, answered, low, unanswered) "
    "select cast((ts + :offset) / 86400 as integer) as d, "
    "sum(intent = 'question' and measures != '[]' and confidence >= :low), "
    "sum(intent = 'question' and measures != '[]' and confidence < :low), "
    "sum(intent = 'out_of_scope' or (intent = 'question' and measures = '[]')) "
    "from questions where id > :last and id <= :upto group by d "
    "on conflict (day) do update set answered = answered + excluded.answered, "
    "low = low + excluded.low, unanswered = unanswered + excluded.unanswered",
    "insert into desk_day_measures (day, measure, n) "
    "select cast((ts + :offset) / 86400 as integer) as d, json_extract(measures, '$[0]') as m, count(*) "
    "from questions where id > :last and id <= :upto and intent = 'question' and measures != '[]' "
    "and json_valid(measures) group by d, m having m is not null "
    "on conflict (day, measure) do update set n = n + excluded.n",
)
CHECK_ROLLUPS = (
    "insert into desk_day_checks (day, region, event, outcome, n) "
    "select cast((ts + :offset) / 86400 as integer) as d, coalesce(region, '') as r, event, '', count(*) "
    "from check_events where id > :last and id <= :upto group by d, r, event "
    "on conflict (day, region, event, outcome) do update set n = n + excluded.n",
    "insert into desk_day_checks (day, region, event, outcome, n) "
    "select cast((c.ts + :offset) / 86400 as integer) as d, coalesce(c.region, '') as r, 'verdict', j.value, count(*) "
    "from check_events c, json_each(c.outcomes) j where c.id > :last and c.id <= :upto and c.event = 'finished' "
    "and json_valid(c.outcomes) group by d, r, j.value "
    "on conflict (day, region, event, outcome) do update set n = n + excluded.n",
)


def catch_up(db, batch: int = BATCH) -> int:
    """Roll up questions and check events logged since the last time; returns how many ids were covered."""
    return (_roll(db.conn, "questions", "questions", QUESTION_ROLLUPS, batch)
            + _roll(db.conn, "checks", "check_events", CHECK_ROLLUPS, batch))


def _roll(conn, name: str, table: str, statements: tuple[str, ...], batch: int) -> int:
    done = 0
    while True:
        if conn.in_transaction:
            conn.commit()
        conn.execute("begin immediate")
        try:
            row = conn.execute("select last_id from desk_rollup where name = ?", [name]).fetchone()
            last = row[0] if row else 0
            top = conn.execute(f"select coalesce(max(id), 0) from {table}").fetchone()[0]
            upto = min(top, last + batch)
            if upto > last:
                params = {"offset": DAY_OFFSET, "low": LOW_CONFIDENCE, "last": last, "upto": upto}
                for sql in statements:
                    conn.execute(sql, params)
                conn.execute("insert into desk_rollup (name, last_id) values (?, ?) "
                             "on conflict (name) do update set last_id = excluded.last_id", [name, upto])
            conn.execute("commit")
        except BaseException:
            conn.execute("rollback")
            raise
        done += max(0, upto - last)
        if upto >= top:
            return done


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
    rows = {r[0]: r[1:] for r in db.execute("select day, answered, low, unanswered from desk_days "
                                            "where day between ? and ?", [d0, d1])}
    for d in range(d0, d1 + 1):
        a, low, u = rows.get(d, (0, 0, 0))
        ov.days.append({"date": date_of(d), "answered": a, "low": low, "unanswered": u})
    ov.totals = {k: sum(x[k] for x in ov.days) for k in ("answered", "low", "unanswered")}
    for mid, n in db.execute("select measure, sum(n) as total from desk_day_measures where day between ? and ? "
                             "group by measure order by total desc, measure limit 10", [d0, d1]):
        m = kb.measures.get(mid)
        ov.measures.append({"id": mid, "title": m.title if m else mid, "region": m.region if m else "", "n": n})
    checks: dict[str, dict] = {}
    for region, event, outcome, n in db.execute("select region, event, outcome, sum(n) from desk_day_checks "
                                                "where day between ? and ? group by region, event, outcome", [d0, d1]):
        row = checks.setdefault(region, {"region": region, "started": 0, "finished": 0, "outcomes": {}})
        if event == "verdict":
            row["outcomes"][outcome] = n
        else:
            row[event] = n
    order = list(kb.documents) + [""]
    ov.checks = sorted(checks.values(), key=lambda r: order.index(r["region"]) if r["region"] in order else 99)
    # subscribers
    ov.subscribers = db.execute("select count(*) from subscriptions").fetchone()[0]
    by_region = dict(db.execute("select coalesce(region, ''), count(*) from subscriptions group by 1").fetchall())
    ov.subs_regions = [{"key": r, "n": by_region.get(r, 0)} for r in order]
    every = db.execute("select count(*) from subscriptions where topics is null").fetchone()[0]
    named = dict(db.execute("select j.value, count(*) from subscriptions s, json_each(s.topics) j "
                            "where s.topics is not null and json_valid(s.topics) group by j.value").fetchall())
    ov.subs_topics = [{"key": t.id, "label": t.name, "n": every + named.get(t.id, 0)} for t in topics.values()]
    ov.subs_channels = [{"key": c, "n": n} for c, n in
                        db.execute("select channel, count(*) from subscriptions group by channel order by 2 desc")]
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
