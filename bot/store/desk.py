"""The staff desk's tables and queries: sign-in links and sessions, the daily roll-ups behind the overview,
reviewed questions, taught phrasings and check events. The desk (bot/desk/) and the phrasing overlay
(bot/phrasings.py) hold the rules; every statement they need is here."""

from __future__ import annotations

import json
import time
from typing import Any

from bot.store.base import Database

DAY_OFFSET = 8 * 3600  # Beijing days
LOW_CONFIDENCE = 0.5  # bot.phrasings.LOW_CONFIDENCE (asserted equal there)
ROLLUP_LOCKS = {"questions": 0x6465736B01, "checks": 0x6465736B02}  # advisory lock keys: one roll-up at a time


# -- check events (bot/usage.py) ----------------------------------------------------------------------------------
def record_check_event(db: Database, flow: str, region: str | None, event: str, outcomes: list | None,
                       ts: float | None = None) -> None:
    db.execute("insert into check_events (ts, flow, region, event, outcomes) values (?, ?, ?, ?, ?)",
               [ts or time.time(), flow, region, event, json.dumps(outcomes) if outcomes is not None else None])


# -- taught phrasings (bot/phrasings.py) --------------------------------------------------------------------------
def phrasings_version(db: Database) -> tuple:
    return tuple(db.execute("select count(*), coalesce(max(updated), 0), coalesce(max(id), 0) "
                            "from phrasings").fetchone() or ())


def phrasings(db: Database) -> list[tuple[str, str, str]]:
    return [(r[0], r[1], r[2]) for r in db.execute("select key, text, measure from phrasings")]


def save_phrasing(db: Database, key: str, text: str, measure: str, by: str, now: float) -> None:
    db.execute("insert into phrasings (key, text, measure, added_by, created, updated) values (?, ?, ?, ?, ?, ?) "
               "on conflict (key) do update set text = excluded.text, measure = excluded.measure, "
               "added_by = excluded.added_by, updated = excluded.updated", [key, text, measure, by, now, now])


def phrasings_for_export(db: Database) -> list[tuple]:
    return db.execute("select measure, text, added_by, created from phrasings order by measure, id").fetchall()


# -- reviewed questions (bot/desk/inbox.py) -----------------------------------------------------------------------
def unsure_questions(db: Database, t0: float, t1: float, limit: int) -> list[tuple[float, str]]:
    """Questions not answered or answered with low confidence in [t0, t1), newest first (partial index)."""
    return db.execute("select ts, text from questions where confidence < ? and intent in ('question', "
                      "'out_of_scope') and ts >= ? and ts < ? order by ts desc limit ?",
                      [LOW_CONFIDENCE, t0, t1, limit]).fetchall()


def reviewed_keys(db: Database) -> set[str]:
    return {k for (k,) in db.execute("select key from question_reviews")}


def review(db: Database, keys: list[str], status: str, measure: str | None, by: str, now: float) -> None:
    db.executemany("insert into question_reviews (key, status, measure, by, ts) values (?, ?, ?, ?, ?) "
                   "on conflict (key) do update set status = excluded.status, measure = excluded.measure, "
                   "by = excluded.by, ts = excluded.ts", [(k, status, measure, by, now) for k in keys])


# -- the overview's roll-ups (bot/desk/stats.py) -------------------------------------------------------------------
def _day(db: Database, ts: str) -> str:
    """The Beijing day number of a timestamp column (floor, on both backends)."""
    if db.dialect == "postgres":
        return f"cast(floor(({ts} + :offset) / 86400) as bigint)"
    return f"cast(({ts} + :offset) / 86400 as integer)"


def _first_measure(db: Database) -> str:
    if db.dialect == "postgres":
        return "(case when measures like '[%' then measures::jsonb ->> 0 end)"
    return "(case when json_valid(measures) then json_extract(measures, '$[0]') end)"


def _rollups(db: Database) -> dict[str, tuple[str, tuple[str, ...]]]:
    yes = "question' and measures != '[]"
    return {
        "questions": ("questions", (
            "insert into desk_days (day, answered, low, unanswered) "
            f"select {_day(db, 'ts')} as d, "
            f"sum(case when intent = '{yes}' and confidence >= :low then 1 else 0 end), "
            f"sum(case when intent = '{yes}' and confidence < :low then 1 else 0 end), "
            "sum(case when intent = 'out_of_scope' or (intent = 'question' and measures = '[]') then 1 else 0 end) "
            f"from questions where id > :last and id <= :upto group by {_day(db, 'ts')} "
            "on conflict (day) do update set answered = desk_days.answered + excluded.answered, "
            "low = desk_days.low + excluded.low, unanswered = desk_days.unanswered + excluded.unanswered",
            "insert into desk_day_measures (day, measure, n) select d, m, count(*) from ("
            f"select {_day(db, 'ts')} as d, {_first_measure(db)} as m from questions where id > :last and "
            "id <= :upto and intent = 'question' and measures != '[]') q where m is not null group by d, m "
            "on conflict (day, measure) do update set n = desk_day_measures.n + excluded.n",
        )),
        "checks": ("check_events", (
            "insert into desk_day_checks (day, region, event, outcome, n) select d, r, event, '', count(*) from ("
            f"select {_day(db, 'ts')} as d, coalesce(region, '') as r, event from check_events "
            "where id > :last and id <= :upto) c where true group by d, r, event "
            "on conflict (day, region, event, outcome) do update set n = desk_day_checks.n + excluded.n",
            "insert into desk_day_checks (day, region, event, outcome, n) select d, r, 'verdict', v, count(*) from ("
            f"select {_day(db, 'c.ts')} as d, coalesce(c.region, '') as r, j.value as v "
            f"from check_events c, {db.json_values('c.outcomes')} where c.id > :last and c.id <= :upto "
            "and c.event = 'finished') c where true group by d, r, v "
            "on conflict (day, region, event, outcome) do update set n = desk_day_checks.n + excluded.n",
        )),
    }


def catch_up(db: Database, batch: int) -> int:
    """Roll up questions and check events logged since the last time; returns how many ids were covered.
    Each batch is one transaction holding the roll-up's lock, so two desks never count a row twice."""
    done = 0
    for name, (table, statements) in _rollups(db).items():
        while True:
            with db.transaction():
                db.lock(ROLLUP_LOCKS[name])
                row = db.execute("select last_id from desk_rollup where name = ?", [name]).fetchone()
                last = row[0] if row else 0
                top = db.execute(f"select coalesce(max(id), 0) from {table}").scalar()
                upto = min(top, last + batch)
                if upto > last:
                    params = {"offset": DAY_OFFSET, "low": LOW_CONFIDENCE, "last": last, "upto": upto}
                    for sql in statements:
                        db.execute(sql, params)
                    db.execute("insert into desk_rollup (name, last_id) values (?, ?) "
                               "on conflict (name) do update set last_id = excluded.last_id", [name, upto])
            done += max(0, upto - last)
            if upto >= top:
                break
    return done


def overview_rows(db: Database, d0: int, d1: int) -> dict[str, Any]:
    """What the overview shows for days d0..d1: per day, top measures, checks, subscribers."""
    return {
        "days": {r[0]: r[1:] for r in db.execute("select day, answered, low, unanswered from desk_days "
                                                 "where day between ? and ?", [d0, d1])},
        "measures": db.execute("select measure, sum(n) as total from desk_day_measures where day between ? and ? "
                               "group by measure order by total desc, measure limit 10", [d0, d1]).fetchall(),
        "checks": db.execute("select region, event, outcome, sum(n) from desk_day_checks where day between ? and ? "
                             "group by region, event, outcome", [d0, d1]).fetchall(),
        "subscribers": db.execute("select count(*) from subscriptions").scalar(),
        "by_region": dict(db.execute("select coalesce(region, ''), count(*) from subscriptions "
                                     "group by coalesce(region, '')").fetchall()),
        "every_topic": db.execute("select count(*) from subscriptions where topics is null").scalar(),
        "by_topic": dict(db.execute(f"select j.value, count(*) from subscriptions s, {db.json_values('s.topics')} "
                                    "where s.topics is not null group by j.value").fetchall()),
        "by_channel": db.execute("select channel, count(*) from subscriptions group by channel "
                                 "order by count(*) desc, channel").fetchall(),
    }


def progress(db: Database, aid: int) -> list[tuple[str, str, int]]:
    return db.execute("select channel, status, count(*) from deliveries where announcement_id = ? "
                      "group by channel, status", [aid]).fetchall()


def alive(db: Database) -> bool:
    return db.execute("select 1").scalar() == 1


# -- staff, sign-in links and sessions (bot/desk/access.py) --------------------------------------------------------
class AccessStore:
    def __init__(self, db: Database):
        self.db = db

    def staff(self) -> list[dict]:
        return self.db.rows("select * from staff order by added")

    def member(self, name: str) -> dict | None:
        rows = self.db.rows("select * from staff where user_id = ?", [name])
        return rows[0] if rows else None

    def add(self, name: str, by: str, superadmin: bool, now: float) -> bool:
        with self.db.transaction():
            n = self.db.execute("insert into staff (user_id, added_by, added, superadmin) values (?, ?, ?, ?) "
                                "on conflict do nothing", [name, by, now, int(superadmin)]).rowcount
            if superadmin:
                self.db.execute("update staff set superadmin = 1 where user_id = ?", [name])
        return n == 1

    def remove(self, name: str) -> bool:
        with self.db.transaction():
            n = self.db.execute("delete from staff where user_id = ?", [name]).rowcount
            self.db.execute("delete from desk_links where staff = ?", [name])
            self.db.execute("delete from desk_sessions where staff = ?", [name])
        return n > 0

    def add_link(self, digest: str, name: str, now: float, expires: float) -> None:
        with self.db.transaction():
            self.db.execute("insert into desk_links (hash, staff, created, expires) values (?, ?, ?, ?)",
                            [digest, name, now, expires])
            self.db.execute("delete from desk_links where expires < ?", [now - 7 * 86400])

    def link(self, digest: str) -> tuple | None:
        return self.db.execute("select l.staff, l.expires, l.used, s.user_id from desk_links l left join staff s "
                               "on s.user_id = l.staff where l.hash = ?", [digest]).fetchone()

    def use_link(self, digest: str, now: float, session_digest: str, csrf: str, expires: float) -> str | None:
        """Consume a valid link and open a session in one transaction (one winner); the staff name."""
        with self.db.transaction():
            rows = self.db.execute("update desk_links set used = ? where hash = ? and used is null and expires >= ? "
                                   "and staff in (select user_id from staff) returning staff",
                                   [now, digest, now]).fetchall()
            if not rows:
                return None
            self.db.execute("insert into desk_sessions (hash, staff, csrf, created, expires) values (?, ?, ?, ?, ?)",
                            [session_digest, rows[0][0], csrf, now, expires])
            self.db.execute("delete from desk_sessions where expires < ?", [now])
        return rows[0][0]

    def session(self, digest: str, now: float) -> tuple | None:
        return self.db.execute("select s.staff, s.csrf, s.expires, st.superadmin from desk_sessions s join staff st "
                               "on st.user_id = s.staff where s.hash = ? and s.expires > ?", [digest, now]).fetchone()

    def end(self, digest: str) -> None:
        self.db.execute("delete from desk_sessions where hash = ?", [digest])

    def active_sessions(self, name: str, now: float) -> int:
        return int(self.db.execute("select count(*) from desk_sessions where staff = ? and expires > ?",
                                   [name, now]).scalar())
