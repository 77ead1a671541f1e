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
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from bot.inbox_reply import transaction

try:
    import fcntl
except ImportError:  # not on Unix: transactions queue in SQLite's busy handler as before
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")
POLL_SECONDS = 0.0005  # measured: 0.2 ms polls more often than it saves, 1 ms waits too long
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


class WriteBatch:
    """Small writes of many messages committed together (group commit): each caller's write joins the others made
    in the same turn of the event loop, and each caller resumes only once the one transaction holding it committed.
    A burst of pushes then takes one write turn per batch instead of one per message; an idle server commits a
    lone write at once, as before. Each write runs in a savepoint: one that raises is undone alone and its caller
    gets the error; if the transaction itself fails, every caller does. A write must not await."""

    def __init__(self, store):
        self.store = store
        self._pending: list[tuple[Callable[[], Any], asyncio.Future]] = []
        self._committing: set[asyncio.Task] = set()  # held: the loop keeps only weak references to tasks

    async def run(self, write: Callable[[], T]) -> T:
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        self._pending.append((write, fut))
        if len(self._pending) == 1:
            task = asyncio.get_running_loop().create_task(self._commit())
            self._committing.add(task)
            task.add_done_callback(self._committing.discard)
        return await fut

    async def _commit(self) -> None:
        await asyncio.sleep(0)  # the writes made in this turn of the loop join
        batch, self._pending = self._pending, []
        outcomes: list[tuple[bool, Any]] = []
        try:
            async with write_turn(self.store):
                db = self.store.db
                for write, _ in batch:  # each in a savepoint: one failing write does not take the others down
                    db.execute("savepoint batched_write")
                    try:
                        outcomes.append((True, write()))
                    except Exception as e:  # noqa: BLE001 - its caller gets it
                        db.execute("rollback to savepoint batched_write")
                        outcomes.append((False, e))
                    db.execute("release savepoint batched_write")
        except Exception as e:  # noqa: BLE001 - the transaction itself failed: every caller gets it
            outcomes = [(False, e)] * len(batch)
        for (_, fut), (ok, value) in zip(batch, outcomes, strict=True):
            if fut.done():
                continue
            if ok:
                fut.set_result(value)
            else:
                fut.set_exception(value)
