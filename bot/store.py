"""Per-user state and the question log in SQLite (sqlite-utils). Survives restarts; shared by workers."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlite_utils

QUESTION_LOG_CHARS = 500  # what staff see of a question; longer text is cut


def default_db_path() -> Path:
    env = os.environ.get("LABOR_BOT_DB")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "labor-bot" / "labor-bot.sqlite"


class Store:
    def __init__(self, path: Path | str | None = None):
        if path == ":memory:":
            conn = sqlite3.connect(":memory:", check_same_thread=False)
        else:
            p = Path(path) if path else default_db_path()
            p.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(p, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            # in WAL mode NORMAL stays consistent after a crash and skips an fsync per commit
            conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        self.db = sqlite_utils.Database(conn)
        self._migrate()

    def _migrate(self) -> None:
        users = self.db["users"]
        if not users.exists():
            users.create({"id": str, "region": str, "last_measure": str, "dialog": str, "profile": str,
                          "active": int, "created": float, "updated": float}, pk="id", defaults={"active": 1})
        elif "profile" not in users.columns_dict:  # databases made before guided checks
            users.add_column("profile", str)
        questions = self.db["questions"]
        if not questions.exists():
            questions.create({"id": int, "user_id": str, "ts": float, "channel": str, "text": str, "intent": str,
                              "measures": str, "confidence": float}, pk="id")
            questions.create_index(["user_id"])
            questions.create_index(["ts"])
        seen = self.db["seen_updates"]
        if not seen.exists():  # Telegram retries webhooks: an update id is handled once
            seen.create({"update_id": int, "ts": float}, pk="update_id")
        for column in ("pending", "offered"):  # databases made before announcements
            if column not in users.columns_dict:
                users.add_column(column, str if column == "pending" else float)
        self._migrate_announcements()

    def _migrate_announcements(self) -> None:
        """Subscriptions, staff, announcements, the outbox (one row per recipient) and the audit log."""
        db = self.db
        if not db["subscriptions"].exists():
            # region None = both regions; topics None = every topic (new topics included)
            db["subscriptions"].create({"user_id": str, "channel": str, "chat_id": str, "region": str,
                                        "topics": str, "created": float, "updated": float}, pk="user_id")
        if not db["staff"].exists():
            db["staff"].create({"user_id": str, "added_by": str, "added": float}, pk="user_id")
        if not db["announcements"].exists():
            db["announcements"].create({
                "id": int, "author": str, "author_channel": str, "author_chat": str, "text": str,
                "audience": str, "status": str, "step": str, "created": float, "send_at": float,
                "started": float, "finished": float, "recipients": int, "sent": int, "failed": int,
                "blocked": int, "skipped": int, "progress_at": float}, pk="id")
            db["announcements"].create_index(["status"])
        if not db["deliveries"].exists():
            db["deliveries"].create({
                "announcement_id": int, "user_id": str, "channel": str, "chat_id": str, "status": str,
                "attempts": int, "next_at": float, "claimed_by": str, "claimed_at": float, "done_at": float,
                "error": str}, pk=("announcement_id", "user_id"), defaults={"attempts": 0, "next_at": 0})
            db["deliveries"].create_index(["status", "next_at"])
            db["deliveries"].create_index(["user_id"])
        # the parts of a long announcement already delivered to a recipient, one row each: a resend after an
        # error or a crash sends only the parts missing
        if not db["delivery_parts"].exists():
            db["delivery_parts"].create({"announcement_id": int, "user_id": str, "part": int, "parts": int,
                                         "sent_at": float}, pk=("announcement_id", "user_id", "part"))
        if not db["audit"].exists():
            db["audit"].create({"id": int, "ts": float, "actor": str, "action": str, "announcement_id": int,
                                "detail": str}, pk="id")

    # -- users ----------------------------------------------------------------------------------
    def user(self, user_id: str) -> dict[str, Any]:
        try:
            row = self.db["users"].get(user_id)
        except sqlite_utils.db.NotFoundError:
            return {"id": user_id, "region": None, "last_measure": None, "dialog": None, "profile": {}, "active": 1,
                    "pending": None, "offered": None}
        row["dialog"] = _json(row.get("dialog"))
        row["pending"] = _json(row.get("pending"))
        row["profile"] = _json(row.get("profile")) or {}
        return row

    def update_user(self, user_id: str, **fields: Any) -> None:
        for key in ("dialog", "profile", "pending"):
            if key in fields:
                fields[key] = json.dumps(fields[key], ensure_ascii=False) if fields[key] else None
        now = time.time()
        existing = self.db.execute("select 1 from users where id = ?", [user_id]).fetchone()
        if existing:
            self.db["users"].update(user_id, {**fields, "updated": now})
        else:
            self.db["users"].insert({"id": user_id, "active": 1, "created": now, "updated": now, **fields})

    # -- questions ------------------------------------------------------------------------------
    def log_question(self, user_id: str, channel: str, text: str, intent: str, measures: list[str],
                     confidence: float) -> None:
        self.db["questions"].insert({"user_id": user_id, "ts": time.time(), "channel": channel,
                                     "text": text[:QUESTION_LOG_CHARS], "intent": intent,
                                     "measures": json.dumps(measures), "confidence": confidence})

    def questions(self, user_id: str | None = None) -> list[dict[str, Any]]:
        where, args = ("user_id = ?", [user_id]) if user_id else (None, None)
        return list(self.db["questions"].rows_where(where, args, order_by="id"))

    def first_time(self, update_id: int, keep_seconds: float = 86400) -> bool:
        """True the first time an update id is seen (atomic, shared by worker processes)."""
        now = time.time()
        cur = self.db.execute("insert or ignore into seen_updates (update_id, ts) values (?, ?)", [update_id, now])
        if update_id % 1000 == 0:
            self.db.execute("delete from seen_updates where ts < ?", [now - keep_seconds])
        self.db.conn.commit()
        return cur.rowcount == 1

    def set_active(self, user_id: str, active: bool) -> None:
        """A user who blocked the bot (403) is inactive until they write again."""
        self.update_user(user_id, active=int(active))

    def forget(self, user_id: str) -> int:
        """Delete everything stored about a user, everywhere; returns how many rows went or were cleared.
        Every table with a user_id column loses the user's rows (tables added later included); the audit
        log loses what they did and what was done to them; their drafts go; announcements they sent stay
        for the recipients, without their id; the inbox keeps only ids (for deduplication)."""
        n = 0
        tables = set(self.db.table_names())
        with self.db.conn:
            for table in sorted(tables):
                if table != "inbox" and "user_id" in self.db[table].columns_dict:
                    n += self.db.execute(f"delete from [{table}] where user_id = ?", [user_id]).rowcount
            n += self.db.execute("delete from users where id = ?", [user_id]).rowcount
            if "audit" in tables:
                n += self.db.execute("delete from audit where actor = ? or (detail is not null and json_valid(detail) "
                                     "and json_extract(detail, '$.target') = ?)", [user_id, user_id]).rowcount
            if "staff" in tables:
                n += self.db.execute("update staff set added_by = null where added_by = ?", [user_id]).rowcount
            if "announcements" in tables:
                n += self.db.execute("delete from announcements where author = ? and status = 'draft'",
                                     [user_id]).rowcount
                n += self.db.execute("update announcements set author = null, author_chat = null "
                                     "where author = ? or author_chat = ?", [user_id, user_id]).rowcount
            if "inbox" in tables:
                n += self.db.execute("update inbox set payload = case when status = 'done' then null else payload "
                                     "end, user_id = null where user_id = ?", [user_id]).rowcount
        return n

    def close(self) -> None:
        self.db.conn.close()


def _json(raw: str | None) -> Any:
    """A stored JSON column; a damaged value reads as empty rather than breaking the conversation."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None
