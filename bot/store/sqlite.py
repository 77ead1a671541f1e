"""The embedded backend: one SQLite file (WAL), shared by the processes of one machine.

One connection per process in autocommit mode, guarded by a lock (the engine, the sender and the desk
may call from different threads). transaction() is BEGIN IMMEDIATE: a second writer waits up to the
busy timeout instead of failing half-way, which is also what makes schema upgrades safe when several
processes start at once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.kb.texts import packaged_text
from bot.store.base import Database, Result, StoreError, check_write, default_db_path

BUSY_TIMEOUT_MS = 30000


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, path: Path | str | None = None, readonly: bool = False):
        if sqlite3.sqlite_version_info < (3, 35):  # UPDATE … RETURNING, ON CONFLICT … DO UPDATE
            raise StoreError(packaged_text("store_sqlite_too_old", version=sqlite3.sqlite_version))
        if readonly:  # a reader that never creates the file (`ask` reading taught phrasings)
            p = Path(path) if path else default_db_path()
            conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, timeout=5, check_same_thread=False,
                                   isolation_level=None)
            self.url, self.path = f"sqlite:{p}", p
        elif path == ":memory:":
            conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
            self.url = "sqlite::memory:"
        else:
            p = Path(path) if path else default_db_path()
            p.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(p, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            # in WAL mode NORMAL stays consistent after a crash and skips an fsync per commit
            conn.execute("PRAGMA synchronous=NORMAL")
            self.url = f"sqlite:{p}"
            self.path = p
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        self.conn = conn
        self._lock = threading.RLock()
        self._depth = 0

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Result:
        check_write(sql)
        with self._lock:
            cur = self.conn.execute(sql, params)
            rows = cur.fetchall() if cur.description else []
            columns = [d[0] for d in cur.description] if cur.description else []
            return Result(rows, cur.rowcount, columns)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        with self.transaction():
            return self.conn.executemany(sql, rows).rowcount

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        check_write(None)
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                self.conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self.conn.execute("COMMIT")

    def table_names(self) -> list[str]:
        return [r[0] for r in self.execute("select name from sqlite_master where type = 'table' "
                                           "and name not like 'sqlite_%' order by name")]

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.execute(f'pragma table_info("{table}")')]

    def close(self) -> None:
        self.conn.close()
