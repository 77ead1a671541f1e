"""Durable acknowledgement: what a channel receives is committed here before it says 200.

One table for every channel, keyed by (channel, external id): Telegram's update_id, WeChat's MsgId
(or FromUserName+CreateTime for events). accept() inserts and commits, and is False for an id seen
before (the sender is retrying, or delivered it to another worker), so the caller may acknowledge either
way. A worker claims pending rows in arrival order (FOR UPDATE SKIP LOCKED on PostgreSQL: workers on
several machines never take the same row), hands them to the channel and marks them done; rows claimed
by a process that died (kill -9 after the 200) go back to pending at the next start or when their lease
runs out, so nothing acknowledged is lost. Only updates in the middle of being answered at the instant
of a hard kill can be answered twice.

    inbox = Inbox(store)
    if inbox.accept("wechat", msg_id, payload):      # committed: now acknowledge
        ...
    for item in inbox.claim("wechat", worker, 32):   # the worker
        handle(item.payload); inbox.done(item)
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.store.outbox import within

if TYPE_CHECKING:
    from bot.store.core import Store

KEEP_SECONDS = 2 * 86400  # done rows are kept this long, so a late retry of the same id is still a duplicate
LEASE_SECONDS = 300.0  # a claim older than this belongs to a process that stopped (on another machine)


@dataclass(frozen=True)
class InboxItem:
    channel: str
    external_id: str
    payload: Any
    received: float
    attempts: int
    done: bool = False  # marked done already (bot/inbox_reply.sent, crossing off the last part)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _dead_here(worker: str) -> bool:
    host, _, rest = (worker or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Inbox:
    def __init__(self, store: Store, clock: Callable[[], float] = time.time):
        self.db, self.clock = store.db, clock

    def accept(self, channel: str, external_id: str | int, payload: Any, user_id: str | None = None) -> bool:
        """Store a received message (committed when this returns). False: this id was received before.
        user_id lets /forget find the row (it holds the user's text until it is pruned)."""
        body = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        return self.db.execute("insert into inbox (channel, external_id, payload, user_id, status, received) "
                               "values (?, ?, ?, ?, 'pending', ?) on conflict do nothing",
                               [channel, str(external_id), body, user_id, self.clock()]).rowcount == 1

    def status(self, channel: str, external_id: str | int) -> str | None:
        row = self.db.execute("select status from inbox where channel = ? and external_id = ?",
                              [channel, str(external_id)]).fetchone()
        return row[0] if row else None

    def claim(self, channel: str, worker: str, limit: int = 32) -> list[InboxItem]:
        """Up to limit pending rows of this channel, oldest first, now this worker's (one statement)."""
        now = self.clock()
        db = self.db
        rows = db.execute(
            "update inbox set status = 'working', claimed_by = ?, claimed_at = ?, attempts = attempts + 1 "
            "where (channel, external_id) in (select channel, external_id from inbox where status = 'pending' "
            f"and channel = ? order by received, {db.seq} limit ?{db.skip_locked}) "
            "returning external_id, payload, received, attempts",
            [worker, now, channel, limit]).fetchall()
        rows.sort(key=lambda r: r[2])
        return [InboxItem(channel, r[0], _loads(r[1]), r[2], r[3]) for r in rows]

    def done(self, item: InboxItem) -> None:
        """Handled: the payload (the user's text) is dropped, the id kept for deduplication."""
        if item.done:
            return
        self.db.execute("update inbox set status = 'done', done_at = ?, payload = null, claimed_by = null "
                        "where channel = ? and external_id = ?", [self.clock(), item.channel, item.external_id])

    def recover(self, worker: str = "", lease: float = LEASE_SECONDS) -> int:
        """Claims of processes known dead on this machine, or older than the lease, go back to pending."""
        dead = [w for (w,) in self.db.execute("select distinct claimed_by from inbox where status = 'working'")
                if w != worker and _dead_here(w)]
        gone, args = within("claimed_by", dead)
        return self.db.execute("update inbox set status = 'pending', claimed_by = null where status = 'working' and "
                               f"(claimed_at < ? or {gone})", [self.clock() - lease, *args]).rowcount

    def pending(self, channel: str | None = None) -> int:
        where, args = ("and channel = ?", [channel]) if channel else ("", [])
        return int(self.db.execute(f"select count(*) from inbox where status != 'done' {where}", args).scalar())

    def prune(self, keep: float = KEEP_SECONDS) -> int:
        return self.db.execute("delete from inbox where status = 'done' and done_at < ?",
                               [self.clock() - keep]).rowcount

    def forget(self, user_id: str) -> int:
        """/forget: ids kept for deduplication stay (they hold nothing of the user), their text and link go."""
        return self.db.execute("update inbox set payload = null, user_id = null where user_id = ? and status = 'done'",
                               [user_id]).rowcount


def _loads(raw: str | None) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None
