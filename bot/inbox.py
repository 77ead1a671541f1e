"""Durable acknowledgement: what a channel receives is committed here before it says 200.

One table for every channel, keyed by (channel, external id): Telegram's update_id, WeChat's MsgId
(or FromUserName+CreateTime for events). accept() inserts and commits, and is False for an id seen
before (the sender is retrying), so the caller may acknowledge either way. A worker claims pending rows
in arrival order, hands them to the channel and marks them done; rows claimed by a process that died
(kill -9 after the 200) go back to pending at the next start, so nothing acknowledged is lost. Only
updates in the middle of being answered at the instant of a hard kill can be answered twice.

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
from typing import Any

from bot.store import Store

KEEP_SECONDS = 2 * 86400  # done rows are kept this long, so a late retry of the same id is still a duplicate
LEASE_SECONDS = 300.0  # a claim older than this belongs to a process that stopped (on another machine)


@dataclass(frozen=True)
class InboxItem:
    channel: str
    external_id: str
    payload: Any
    received: float
    attempts: int


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
        self.db.execute(
            "create table if not exists inbox (channel text not null, external_id text not null, payload text, "
            "user_id text, status text not null default 'pending', received real, attempts integer default 0, "
            "claimed_by text, claimed_at real, done_at real, primary key (channel, external_id))")
        self.db.execute("create index if not exists inbox_status on inbox (status, channel, received)")
        self.db.execute("create index if not exists inbox_user on inbox (user_id)")
        self.db.conn.commit()

    def accept(self, channel: str, external_id: str | int, payload: Any, user_id: str | None = None) -> bool:
        """Store a received message (committed when this returns). False: this id was received before.
        user_id lets /forget find the row (it holds the user's text until it is pruned)."""
        body = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        cur = self.db.execute("insert or ignore into inbox (channel, external_id, payload, user_id, status, received) "
                              "values (?, ?, ?, ?, 'pending', ?)", [channel, str(external_id), body, user_id,
                                                                     self.clock()])
        self.db.conn.commit()
        return cur.rowcount == 1

    def status(self, channel: str, external_id: str | int) -> str | None:
        row = self.db.execute("select status from inbox where channel = ? and external_id = ?",
                              [channel, str(external_id)]).fetchone()
        return row[0] if row else None

    def claim(self, channel: str, worker: str, limit: int = 32) -> list[InboxItem]:
        """Up to limit pending rows of this channel, oldest first, now this worker's (one statement)."""
        now = self.clock()
        rows = self.db.execute(
            "update inbox set status = 'working', claimed_by = ?, claimed_at = ?, attempts = attempts + 1 "
            "where rowid in (select rowid from inbox where status = 'pending' and channel = ? "
            "order by received, rowid limit ?) returning external_id, payload, received, attempts",
            [worker, now, channel, limit]).fetchall()
        self.db.conn.commit()
        rows.sort(key=lambda r: r[2])
        return [InboxItem(channel, r[0], _loads(r[1]), r[2], r[3]) for r in rows]

    def done(self, item: InboxItem) -> None:
        """Handled: the payload (the user's text) is dropped, the id kept for deduplication."""
        self.db.execute("update inbox set status = 'done', done_at = ?, payload = null, claimed_by = null "
                        "where channel = ? and external_id = ?", [self.clock(), item.channel, item.external_id])
        self.db.conn.commit()

    def recover(self, worker: str = "", lease: float = LEASE_SECONDS) -> int:
        """Claims of processes known dead on this machine, or older than the lease, go back to pending."""
        dead = [w for (w,) in self.db.execute("select distinct claimed_by from inbox where status = 'working'")
                if w != worker and _dead_here(w)]
        marks = ",".join("?" * len(dead))
        n = self.db.execute("update inbox set status = 'pending', claimed_by = null where status = 'working' and "
                            f"(claimed_at < ? or claimed_by in ({marks}))", [self.clock() - lease, *dead]).rowcount
        self.db.conn.commit()
        return n

    def pending(self, channel: str | None = None) -> int:
        where, args = ("and channel = ?", [channel]) if channel else ("", [])
        return self.db.execute(f"select count(*) from inbox where status != 'done' {where}", args).fetchone()[0]

    def prune(self, keep: float = KEEP_SECONDS) -> int:
        n = self.db.execute("delete from inbox where status = 'done' and done_at < ?", [self.clock() - keep]).rowcount
        self.db.conn.commit()
        return n

    def forget(self, user_id: str) -> int:
        """/forget: ids kept for deduplication stay (they hold nothing of the user), their text and link go."""
        n = self.db.execute("update inbox set payload = null, user_id = null where user_id = ? and status = 'done'",
                            [user_id]).rowcount
        self.db.conn.commit()
        return n


def _loads(raw: str | None) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None
