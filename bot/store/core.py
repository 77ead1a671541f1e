"""Per-user state, the question log and update deduplication; the Store every other repository hangs off.

`Store(path)` opens the backend LABOR_BOT_DATABASE_URL names (PostgreSQL), else the SQLite file at path,
and brings its schema up to date (bot/store/migrations). A message is one unit of work:

    with store.unit(user_id):          # the user's row is read once …
        store.user(user_id)            # … served from memory inside the block
        store.update_user(user_id, …)  # … changes kept in memory
        store.log_question(…)          # … questions kept too
    # one transaction at the end: one upsert of the user, the questions inserted

Outside a unit every call is its own statement (an upsert, never select-then-insert).
"""

from __future__ import annotations

import contextvars
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.store.base import Database, open_database
from bot.store.desk import record_check_event
from bot.store.migrations import migrate

QUESTION_LOG_CHARS = 500  # what staff see of a question; longer text is cut
USER_FIELDS = ("region", "last_measure", "dialog", "profile", "active", "pending", "offered")
JSON_FIELDS = ("dialog", "profile", "pending")


@dataclass
class _Unit:
    store_id: int
    user_id: str
    row: dict[str, Any]
    changed: dict[str, Any] = field(default_factory=dict)
    stamp: tuple | None = None  # the stored row as read (None: no row), to tell whether another worker wrote it
    questions: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)  # check events (bot/usage.py), saved with the rest
    forgotten: bool = False


_unit: contextvars.ContextVar[_Unit | None] = contextvars.ContextVar("labor_bot_unit", default=None)


class Store:
    def __init__(self, path: Path | str | None = None, url: str | None = None):
        self.db: Database = open_database(path, url)
        migrate(self.db)

    @property
    def dialect(self) -> str:
        return self.db.dialect

    # -- the unit of work -----------------------------------------------------------------------
    def _current(self, user_id: str) -> _Unit | None:
        u = _unit.get()
        return u if u is not None and u.store_id == id(self) and u.user_id == user_id else None

    @contextmanager
    def unit(self, user_id: str) -> Iterator[None]:
        """One message: load the user once, keep changes in memory, save them in one transaction at the end
        (nothing is saved when the block raises)."""
        if self._current(user_id) is not None:  # nested: the outer unit saves
            yield
            return
        with self.unit_saved_later(user_id) as u:
            yield
        self.save_unit(u)

    @contextmanager
    def unit_saved_later(self, user_id: str) -> Iterator[_Unit]:
        """A unit the caller saves (save_unit), in its own transaction, after checking with unchanged() that no
        other worker wrote the user meanwhile: a reply computed outside the write lock."""
        u = self._new_unit(user_id)
        token = _unit.set(u)
        try:
            yield u
        finally:
            _unit.reset(token)

    def _new_unit(self, user_id: str) -> _Unit:
        row, stamp = self._load_stamped(user_id)
        return _Unit(id(self), user_id, row, stamp=stamp)

    def unchanged(self, u: _Unit) -> bool:
        """The user's stored row is still the one the unit read."""
        rows = self.db.execute("select * from users where id = ?", [u.user_id]).rows
        return (tuple(rows[0]) if rows else None) == u.stamp

    def save_unit(self, u: _Unit) -> None:
        """The unit's changes, questions and check events in one transaction (nothing when forgotten)."""
        if u.forgotten or not (u.changed or u.questions or u.events):
            return
        with self.db.transaction():
            if u.changed:
                self._upsert(u.user_id, u.changed)
            if u.questions:
                self.db.executemany("insert into questions (user_id, ts, channel, text, intent, measures, confidence) "
                                    "values (?, ?, ?, ?, ?, ?, ?)", u.questions)
            for event in u.events:
                record_check_event(self.db, *event)

    # -- users ----------------------------------------------------------------------------------
    def _load(self, user_id: str) -> dict[str, Any]:
        return self._load_stamped(user_id)[0]

    def _load_stamped(self, user_id: str) -> tuple[dict[str, Any], tuple | None]:
        """The user's row, parsed, and as stored."""
        result = self.db.execute("select * from users where id = ?", [user_id])
        if not result.rows:
            return {"id": user_id, "region": None, "last_measure": None, "dialog": None, "profile": {}, "active": 1,
                    "pending": None, "offered": None}, None
        row = result.dicts()[0]
        row["dialog"] = _json(row.get("dialog"))
        row["pending"] = _json(row.get("pending"))
        row["profile"] = _json(row.get("profile")) or {}
        return row, tuple(result.rows[0])

    def user(self, user_id: str) -> dict[str, Any]:
        u = self._current(user_id)
        if u is not None:
            return {**u.row, **u.changed}
        return self._load(user_id)

    def update_user(self, user_id: str, **fields: Any) -> None:
        unknown = set(fields) - set(USER_FIELDS)
        if unknown:
            raise TypeError(f"unknown user fields: {sorted(unknown)}")
        u = self._current(user_id)
        if u is not None:
            u.changed.update(fields)
            return
        self._upsert(user_id, fields)

    def _upsert(self, user_id: str, fields: dict[str, Any]) -> None:
        values = {k: (json.dumps(v, ensure_ascii=False) if v else None) if k in JSON_FIELDS else v
                  for k, v in fields.items()}
        now = time.time()
        sets = "".join(f", {c} = excluded.{c}" for c in values)
        values = {"active": 1, **values}  # a new user is active unless told otherwise
        self.db.execute(f"insert into users (id, created, updated{''.join(', ' + c for c in values)}) "
                        f"values (?, ?, ?{', ?' * len(values)}) "
                        f"on conflict (id) do update set updated = excluded.updated{sets}",
                        [user_id, now, now, *values.values()])

    # -- questions ------------------------------------------------------------------------------
    def log_question(self, user_id: str, channel: str, text: str, intent: str, measures: list[str],
                     confidence: float) -> None:
        row = (user_id, time.time(), channel, text[:QUESTION_LOG_CHARS], intent, json.dumps(measures), confidence)
        u = self._current(user_id)
        if u is not None:
            u.questions.append(row)
            return
        self.db.execute("insert into questions (user_id, ts, channel, text, intent, measures, confidence) "
                        "values (?, ?, ?, ?, ?, ?, ?)", row)

    def check_event(self, flow: str, region: str | None, event: str, outcomes: list | None) -> None:
        """A guided check started or finished (anonymous: no user id), kept with the message's unit of work."""
        u = _unit.get()
        if u is not None and u.store_id == id(self):
            u.events.append((flow, region, event, outcomes, time.time()))
            return
        record_check_event(self.db, flow, region, event, outcomes)

    def questions(self, user_id: str | None = None) -> list[dict[str, Any]]:
        if user_id:
            return self.db.rows("select * from questions where user_id = ? order by id", [user_id])
        return self.db.rows("select * from questions order by id")

    def first_time(self, update_id: int, keep_seconds: float = 86400) -> bool:
        """True the first time an update id is seen (atomic, shared by worker processes)."""
        now = time.time()
        n = self.db.execute("insert into seen_updates (update_id, ts) values (?, ?) on conflict do nothing",
                            [update_id, now]).rowcount
        if update_id % 1000 == 0:
            self.db.execute("delete from seen_updates where ts < ?", [now - keep_seconds])
        return n == 1

    def set_active(self, user_id: str, active: bool) -> None:
        """A user who blocked the bot (403) is inactive until they write again."""
        self.update_user(user_id, active=int(active))

    def forget(self, user_id: str) -> int:
        """Delete everything stored about a user, everywhere; returns how many rows went or were cleared.
        Every table with a user_id column loses the user's rows (tables added later included); the audit
        log loses what they did and what was done to them; their drafts go; announcements they sent stay
        for the recipients, without their id; the inbox keeps only ids (for deduplication)."""
        u = self._current(user_id)
        if u is not None:
            u.forgotten = True
        n = 0
        db = self.db
        tables = set(db.table_names())
        with db.transaction():
            for table in sorted(tables):
                if table != "inbox" and "user_id" in db.columns(table):
                    n += db.execute(f'delete from "{table}" where user_id = ?', [user_id]).rowcount
            n += db.execute("delete from users where id = ?", [user_id]).rowcount
            n += db.execute(f"delete from audit where actor = ? or {db.json_field('detail', 'target')} = ?",
                            [user_id, user_id]).rowcount
            n += db.execute("update staff set added_by = null where added_by = ?", [user_id]).rowcount
            n += db.execute("delete from announcements where author = ? and status = 'draft'", [user_id]).rowcount
            n += db.execute("update announcements set author = null, author_chat = null "
                            "where author = ? or author_chat = ?", [user_id, user_id]).rowcount
            n += db.execute("update inbox set payload = case when status = 'done' then null else payload "
                            "end, user_id = null where user_id = ?", [user_id]).rowcount
        return n

    def close(self) -> None:
        self.db.close()


def _json(raw: str | None) -> Any:
    """A stored JSON column; a damaged value reads as empty rather than breaking the conversation."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None
