"""A write transaction that waits for its turn without stopping the event loop.

SQLite lets one process write at a time; a second writer's BEGIN IMMEDIATE sleeps in SQLite's busy handler,
and that sleep stops every other message of its process. Processes serving one SQLite file (several
`labor-bot wechat` on one port) therefore take turns on a file lock beside the database first, polled with
asyncio sleeps, and only then begin the transaction, which then rarely waits. PostgreSQL needs no turn.

    async with write_turn(store):   # the block must not await: it is one transaction
        ...
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.inbox_reply import transaction

try:
    import fcntl
except ImportError:  # not on Unix: transactions queue in SQLite's busy handler as before
    fcntl = None  # type: ignore[assignment]

POLL_SECONDS = 0.0002
_files: dict[str, int] = {}  # the lock file of each database this process writes, opened once


def _lock_fd(path: str) -> int:
    fd = _files.get(path)
    if fd is None:
        fd = _files[path] = os.open(path + "-turn", os.O_RDWR | os.O_CREAT, 0o600)
    return fd


@asynccontextmanager
async def write_turn(store) -> AsyncIterator[None]:
    path = getattr(store.db, "path", None)
    if fcntl is None or store.db.dialect != "sqlite" or path is None:
        with transaction(store):
            yield
        return
    fd = _lock_fd(str(path))
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            await asyncio.sleep(POLL_SECONDS)
    try:
        with transaction(store):
            yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
