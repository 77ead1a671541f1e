"""Announcements in SQLite: subscriptions, staff, drafts, the outbox and the audit log.

The outbox holds one row per recipient and announcement. A row moves pending → sending (claimed by
one sender, with a lease) → sent / failed / blocked / skipped. Every step is one committed statement,
so any number of processes can share the file, and after a crash only rows that were claimed can be
sent again: rows whose lease ran out go back to pending.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.announce.audience import Audience
from bot.channels import Channels, registry
from bot.store import Store

# unread: kept for a user the channel could not reach now (WeChat outside its 48 h window), shown at the top
# of their next reply, and then read
FINAL = ("sent", "failed", "blocked", "skipped", "unread", "read")
MAX_TEXT = 3500  # leaves room for the header within Telegram's 4096 characters


@dataclass(frozen=True)
class Delivery:
    announcement_id: int
    user_id: str
    channel: str
    chat_id: str
    attempts: int


class Outbox:
    def __init__(self, store: Store, clock: Callable[[], float] = time.time, channels: Channels | None = None):
        """channels: which can be pushed to (the process's registry unless given)."""
        self.channels = registry if channels is None else channels
        if sqlite3.sqlite_version_info < (3, 35):  # claims use UPDATE … RETURNING
            raise RuntimeError(f"announcements need SQLite ≥ 3.35; this Python has {sqlite3.sqlite_version}")
        self.db, self.clock = store.db, clock

    def _commit(self) -> None:
        self.db.conn.commit()

    # -- subscriptions ----------------------------------------------------------------------------
    def subscription(self, user_id: str) -> dict | None:
        rows = list(self.db["subscriptions"].rows_where("user_id = ?", [user_id]))
        if not rows:
            return None
        sub = rows[0]
        sub["topics"] = json.loads(sub["topics"]) if sub["topics"] else None
        return sub

    def subscribe(self, user_id: str, channel: str, region: str | None, topics: list[str] | None) -> None:
        now = self.clock()
        self.db.execute(
            "insert into subscriptions (user_id, channel, chat_id, region, topics, created, updated) "
            "values (?, ?, ?, ?, ?, ?, ?) on conflict(user_id) do update set channel = excluded.channel, "
            "chat_id = excluded.chat_id, region = excluded.region, topics = excluded.topics, updated = excluded.updated",
            [user_id, channel, user_id, region, json.dumps(sorted(topics)) if topics else None, now, now])
        self._commit()

    def unsubscribe(self, user_id: str) -> bool:
        n = self.db.execute("delete from subscriptions where user_id = ?", [user_id]).rowcount
        self._commit()
        return n > 0

    def count(self, audience: Audience) -> int:
        where, args = audience.sql()
        push = self.channels.push_names()
        sql = f"select count(*) from subscriptions where {where} and channel in ({_marks(push)})"
        return self.db.execute(sql, args + list(push)).fetchone()[0]

    # -- staff ------------------------------------------------------------------------------------
    def is_staff(self, user_id: str) -> bool:
        return self.db.execute("select 1 from staff where user_id = ?", [user_id]).fetchone() is not None

    def staff(self) -> list[dict]:
        return list(self.db["staff"].rows_where(order_by="added"))

    def add_staff(self, user_id: str, by: str) -> bool:
        n = self.db.execute("insert or ignore into staff (user_id, added_by, added) values (?, ?, ?)",
                            [user_id, by, self.clock()]).rowcount
        self._commit()
        return n > 0

    def remove_staff(self, user_id: str) -> bool:
        n = self.db.execute("delete from staff where user_id = ?", [user_id]).rowcount
        self._commit()
        return n > 0

    # -- audit ------------------------------------------------------------------------------------
    def audit(self, actor: str, action: str, announcement_id: int | None = None, **detail: Any) -> None:
        self.db.execute("insert into audit (ts, actor, action, announcement_id, detail) values (?, ?, ?, ?, ?)",
                        [self.clock(), actor, action, announcement_id, json.dumps(detail, ensure_ascii=False)])
        self._commit()

    def audit_pause(self, aid: int, channel: str, reason: str, until: float) -> bool:
        """Audit that a channel paused an announcement until `until`, once: False when this very pause
        (announcement, channel, until) is in the audit already (told before a restart, or by another worker).
        One statement, so two workers cannot both record it."""
        n = self.db.execute(
            "insert into audit (ts, actor, action, announcement_id, detail) select ?, 'sender', 'paused', ?, ? "
            "where not exists (select 1 from audit where action = 'paused' and announcement_id = ? and "
            "json_extract(detail, '$.channel') = ? and abs(json_extract(detail, '$.until') - ?) < 1)",
            [self.clock(), aid, json.dumps({"channel": channel, "reason": reason, "until": until}, ensure_ascii=False),
             aid, channel, until]).rowcount
        self._commit()
        return n == 1

    def audit_log(self, limit: int = 20) -> list[dict]:
        rows = self.db.execute("select ts, actor, action, announcement_id, detail from audit "
                               "order by id desc limit ?", [limit]).fetchall()
        return [{"ts": r[0], "actor": r[1], "action": r[2], "announcement_id": r[3], **json.loads(r[4] or "{}")}
                for r in rows]

    # -- announcements ------------------------------------------------------------------------------
    def announcement(self, aid: int) -> dict | None:
        rows = list(self.db["announcements"].rows_where("id = ?", [aid]))
        return rows[0] if rows else None

    def draft(self, author: str) -> dict | None:
        rows = list(self.db["announcements"].rows_where("author = ? and status = 'draft'", [author],
                                                        order_by="id desc", limit=1))
        return rows[0] if rows else None

    def new_draft(self, author: str, channel: str, text: str | None) -> dict:
        self.db.execute("delete from announcements where author = ? and status = 'draft'", [author])
        self.db.execute("insert into announcements (author, author_channel, author_chat, text, status, step, "
                        "created) values (?, ?, ?, ?, 'draft', ?, ?)",
                        [author, channel, author, text, "audience" if text else "text", self.clock()])
        self._commit()
        return self.draft(author) or {}

    def update_draft(self, aid: int, **fields: Any) -> dict:
        self.db["announcements"].update(aid, fields)
        self._commit()
        return self.announcement(aid) or {}

    def drop_draft(self, aid: int) -> None:
        self.db.execute("delete from announcements where id = ? and status = 'draft'", [aid])
        self._commit()

    def queue(self, aid: int, actor: str, send_at: float, recipients: int) -> bool:
        """Confirmed: due at send_at, and audited. Recipients are taken when it falls due, so people who
        (un)subscribe meanwhile are counted right; `recipients` is the estimate shown at confirmation."""
        n = self.db.execute("update announcements set status = 'scheduled', step = null, send_at = ?, "
                            "recipients = ? where id = ? and status = 'draft'",
                            [send_at, recipients, aid]).rowcount
        self._commit()
        if n == 1:
            row = self.announcement(aid) or {}
            self.audit(actor, "queued", aid, text=row.get("text"), audience=Audience.from_json(row.get("audience"))
                       .encode(), recipients=recipients, send_at=send_at)
        return n == 1

    def cancel(self, aid: int, actor: str, admin: bool = False) -> bool:
        """A scheduled announcement that has not started can be called off (audited), by its author or an
        admin only; anyone else's attempt is refused and audited."""
        n = self.db.execute("update announcements set status = 'cancelled', finished = ? where id = ? and "
                            "status = 'scheduled' and (author = ? or ?)", [self.clock(), aid, actor, int(admin)]).rowcount
        self._commit()
        if n:
            self.audit(actor, "cancelled", aid)
        elif (self.announcement(aid) or {}).get("status") == "scheduled":
            self.audit(actor, "refused", aid, command="cancel")
        return n > 0

    def may_cancel(self, aid: int, actor: str, admin: bool = False) -> bool:
        row = self.announcement(aid) or {}
        return admin or row.get("author") == actor

    def scheduled(self) -> list[dict]:
        return list(self.db["announcements"].rows_where("status = 'scheduled'", order_by="send_at"))

    def start_due(self) -> list[int]:
        """Fan out every announcement whose time has come: one outbox row per current subscriber.
        The status change and the rows are one transaction, so two processes never both fan out."""
        started = []
        due = [r[0] for r in self.db.execute("select id from announcements where status = 'scheduled' "
                                             "and send_at <= ? order by id", [self.clock()]).fetchall()]
        push = self.channels.push_names()
        for aid in due:
            row = self.announcement(aid) or {}
            audience_where, args = Audience.from_json(row.get("audience")).sql()
            with self.db.conn:
                if self.db.execute("update announcements set status = 'sending', started = ? where id = ? "
                                   "and status = 'scheduled'", [self.clock(), aid]).rowcount != 1:
                    continue
                n = self.db.execute(
                    "insert or ignore into deliveries (announcement_id, user_id, channel, chat_id, status, "
                    f"attempts, next_at) select ?, user_id, channel, chat_id, 'pending', 0, 0 from subscriptions "
                    f"where {audience_where} and channel in ({_marks(push)}) order by created",
                    [aid, *args, *push]).rowcount
                self.db.execute("update announcements set recipients = ? where id = ?", [n, aid])
            started.append(aid)
        return started

    # -- the outbox ---------------------------------------------------------------------------------
    def claim(self, worker: str, channels: tuple[str, ...], limit: int) -> list[Delivery]:
        """Take up to limit due rows, oldest announcement first, for this worker (one statement: atomic)."""
        now = self.clock()
        rows = self.db.execute(
            "update deliveries set status = 'sending', claimed_by = ?, claimed_at = ? where rowid in ("
            "select rowid from deliveries where status = 'pending' and next_at <= ? "
            f"and channel in ({_marks(channels)}) order by announcement_id, rowid limit ?) "
            "returning announcement_id, user_id, channel, chat_id, attempts",
            [worker, now, now, *channels, limit]).fetchall()
        self._commit()
        rows.sort(key=lambda r: (r[0], r[1]))
        return [Delivery(*r) for r in rows]

    def release(self, worker: str, items: list[Delivery], next_at: float = 0.0) -> None:
        """Claimed but not sent: back to pending, unchanged (a stopping sender, a chat sent to < 1 s ago)."""
        self.db.conn.executemany("update deliveries set status = 'pending', claimed_by = null, next_at = ? "
                            "where announcement_id = ? and user_id = ? and claimed_by = ? and status = 'sending'",
                            [(next_at, d.announcement_id, d.user_id, worker) for d in items])
        self._commit()

    def finish(self, d: Delivery, status: str, error: str | None = None) -> None:
        self.db.execute("update deliveries set status = ?, attempts = attempts + 1, done_at = ?, error = ?, "
                        "claimed_by = null where announcement_id = ? and user_id = ?",
                        [status, self.clock(), error, d.announcement_id, d.user_id])
        if status == "blocked":  # they blocked the bot: stop sending to them
            self.db.execute("delete from subscriptions where user_id = ?", [d.user_id])
            self.db.execute("update users set active = 0 where id = ?", [d.user_id])
        self._commit()

    def parts_sent(self, d: Delivery) -> set[int]:
        return {r[0] for r in self.db.execute("select part from delivery_parts where announcement_id = ? and "
                                              "user_id = ?", [d.announcement_id, d.user_id])}

    def part_sent(self, d: Delivery, part: int, parts: int) -> None:
        """One part delivered (committed at once, before the next part is sent)."""
        self.db.execute("insert or ignore into delivery_parts (announcement_id, user_id, part, parts, sent_at) "
                        "values (?, ?, ?, ?, ?)", [d.announcement_id, d.user_id, part, parts, self.clock()])
        self._commit()

    def retry(self, d: Delivery, next_at: float, error: str, count_attempt: bool = True) -> None:
        self.db.execute("update deliveries set status = 'pending', attempts = attempts + ?, next_at = ?, "
                        "error = ?, claimed_by = null where announcement_id = ? and user_id = ?",
                        [int(count_attempt), next_at, error, d.announcement_id, d.user_id])
        self._commit()

    def still_subscribed(self, d: Delivery) -> bool:
        return self.db.execute("select 1 from subscriptions where user_id = ?", [d.user_id]).fetchone() is not None

    def heartbeat(self, worker: str) -> None:
        """Renew the lease on this worker's claimed rows."""
        self.db.execute("update deliveries set claimed_at = ? where claimed_by = ? and status = 'sending'",
                        [self.clock(), worker])
        self._commit()

    def claimants(self) -> list[str]:
        return [r[0] for r in self.db.execute("select distinct claimed_by from deliveries where status = 'sending'")]

    def recover(self, lease: float, dead: list[str] = ()) -> int:
        """Claims of senders known dead, or that stopped renewing (killed elsewhere), go back to pending."""
        n = self.db.execute("update deliveries set status = 'pending', claimed_by = null where status = 'sending' "
                            f"and (claimed_at < ? or claimed_by in ({_marks(dead)}))",
                            [self.clock() - lease, *dead]).rowcount
        self._commit()
        return n

    def counts(self, aid: int) -> dict[str, int]:
        rows = self.db.execute("select status, count(*) from deliveries where announcement_id = ? group by status",
                               [aid]).fetchall()
        out = {s: 0 for s in ("pending", "sending", *FINAL)}
        out.update(dict(rows))
        return out

    def counts_by_channel(self, aid: int) -> dict[str, dict[str, int]]:
        """The counts of each channel apart, for staff progress and the audit log."""
        out: dict[str, dict[str, int]] = {}
        for channel, status, n in self.db.execute("select channel, status, count(*) from deliveries "
                                                  "where announcement_id = ? group by channel, status", [aid]):
            out.setdefault(channel, {s: 0 for s in ("pending", "sending", *FINAL)})[status] = n
        return out

    def left(self, aid: int, channels: tuple[str, ...]) -> int:
        """Rows of these channels not yet sent (pending or claimed)."""
        return self.db.execute(f"select count(*) from deliveries where announcement_id = ? and status in "
                               f"('pending', 'sending') and channel in ({_marks(channels)})",
                               [aid, *channels]).fetchone()[0]

    def take_unread(self, user_id: str) -> list[str]:
        """Announcements kept unread for this user, oldest first, marked read in the same statement
        (so two workers never show one twice)."""
        rows = self.db.execute("update deliveries set status = 'read', done_at = ? where user_id = ? and "
                               "status = 'unread' returning announcement_id", [self.clock(), user_id]).fetchall()
        self._commit()
        texts = []
        for (aid,) in sorted(rows):
            row = self.announcement(aid)
            if row and row.get("text"):
                texts.append(row["text"])
        return texts

    def sending(self) -> list[dict]:
        return list(self.db["announcements"].rows_where("status = 'sending'", order_by="id"))

    def take_progress_turn(self, aid: int, every: float) -> bool:
        """True for one process at most every `every` seconds per announcement."""
        now = self.clock()
        n = self.db.execute("update announcements set progress_at = ? where id = ? and status = 'sending' and "
                            "coalesce(progress_at, started) <= ?", [now, aid, now - every]).rowcount
        self._commit()
        return n == 1

    def complete(self, aid: int) -> dict[str, int] | None:
        """Mark done when nothing is left to send; the counts, for exactly one caller."""
        c = self.counts(aid)
        if c["pending"] or c["sending"]:
            return None
        n = self.db.execute("update announcements set status = 'done', finished = ?, sent = ?, failed = ?, "
                            "blocked = ?, skipped = ? where id = ? and status = 'sending'",
                            [self.clock(), c["sent"], c["failed"], c["blocked"], c["skipped"], aid]).rowcount
        self._commit()
        return c if n == 1 else None

    def recent(self, limit: int = 50) -> list[dict]:
        return list(self.db["announcements"].rows_where("status in ('sending', 'done')", order_by="started desc",
                                                        limit=limit))


def _marks(values: tuple | list) -> str:
    return ",".join("?" * len(values))

