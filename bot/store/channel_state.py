"""What channel adapters keep in the shared database, channel-neutral: an inbox that dedupes incoming
messages by the channel's own id (WeChat's MsgId) across workers and restarts, and a small key-value
table with expiry (an API access token shared by workers, a user's last message time, the choices last
shown to a user). The tables are the store's (bot/store/migrations); everything is one committed statement.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.store.inbox import _dead_here

if TYPE_CHECKING:
    from bot.store.core import Store

INBOX_KEEP_SECONDS = 3 * 86400  # WeChat retries within seconds; a few days is plenty


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


_dead = _dead_here  # the same test: an owner (host:pid) on this machine whose process is gone


class ChannelState:
    def __init__(self, store: Store, clock: Callable[[], float] = time.time):
        self.db, self.clock = store.db, clock
        self.owner = owner_id()

    # -- inbox ------------------------------------------------------------------------------------------
    def receive(self, channel: str, external_id: str, user_id: str, stale_after: float = 30.0) -> str:
        """Record an incoming message before handling it. "new": handle it (also when the worker that took
        it died, or has been at it longer than stale_after); "working": another request is handling it;
        "done": handled already."""
        now = self.clock()
        cur = self.db.execute("insert into channel_inbox (channel, external_id, user_id, status, owner, ts) "
                              "values (?, ?, ?, 'working', ?, ?) on conflict do nothing",
                              [channel, external_id, user_id, self.owner, now])
        if cur.rowcount == 1:
            if int(now) % 100 == 0:
                self.prune()
            return "new"
        row = self.db.execute("select status, owner, ts from channel_inbox where channel = ? and external_id = ?",
                              [channel, external_id]).fetchone()
        if row is None:
            return self.receive(channel, external_id, user_id, stale_after)
        status, owner, ts = row
        if status == "working" and (_dead(owner) or now - (ts or 0) > stale_after):
            taken = self.db.execute("update channel_inbox set owner = ?, ts = ? where channel = ? and external_id = ? "
                                    "and status = 'working' and owner = ? and ts = ?",
                                    [self.owner, now, channel, external_id, owner, ts]).rowcount
            if taken == 1:
                return "new"
        return status

    def done(self, channel: str, external_id: str) -> None:
        self.db.execute("update channel_inbox set status = 'done', done_at = ? where channel = ? and external_id = ?",
                        [self.clock(), channel, external_id])

    def status(self, channel: str, external_id: str) -> str | None:
        row = self.db.execute("select status from channel_inbox where channel = ? and external_id = ?",
                              [channel, external_id]).fetchone()
        return row[0] if row else None

    def prune(self, keep: float = INBOX_KEEP_SECONDS) -> None:
        self.db.execute("delete from channel_inbox where ts < ?", [self.clock() - keep])
        self.db.execute("delete from channel_kv where expires is not null and expires < ?", [self.clock()])

    # -- key-value -------------------------------------------------------------------------------------------
    def get(self, channel: str, key: str) -> Any:
        row = self.db.execute("select value, expires from channel_kv where channel = ? and key = ?",
                              [channel, key]).fetchone()
        if row is None or (row[1] is not None and row[1] < self.clock()):
            return None
        return json.loads(row[0])

    def get_with_expiry(self, channel: str, key: str) -> tuple[Any, float | None]:
        row = self.db.execute("select value, expires from channel_kv where channel = ? and key = ?",
                              [channel, key]).fetchone()
        return (json.loads(row[0]), row[1]) if row else (None, None)

    def put(self, channel: str, key: str, value: Any, expires: float | None = None, user_id: str | None = None) -> None:
        self.db.execute("insert into channel_kv (channel, key, user_id, value, expires) values (?, ?, ?, ?, ?) "
                        "on conflict(channel, key) do update set value = excluded.value, expires = excluded.expires, "
                        "user_id = excluded.user_id",
                        [channel, key, user_id, json.dumps(value, ensure_ascii=False), expires])

    def delete(self, channel: str, key: str) -> None:
        self.db.execute("delete from channel_kv where channel = ? and key = ?", [channel, key])

    def forget_user(self, user_id: str) -> int:
        n = self.db.execute("delete from channel_kv where user_id = ?", [user_id]).rowcount
        n += self.db.execute("delete from channel_inbox where user_id = ?", [user_id]).rowcount
        return n
