"""The backend for several workers on several machines: PostgreSQL through psycopg 3 and its pool.

Connections come from a psycopg_pool pool (LABOR_BOT_DATABASE_POOL connections at most per process), in
autocommit mode: a statement outside transaction() is its own transaction; transaction() pins one
connection to the calling thread for the block. SQL arrives with `?` placeholders and is translated once
per distinct statement to psycopg's `%s`. Sums and other numerics come back as int or float (never Decimal),
as from SQLite.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.adapt import Loader
from psycopg_pool import ConnectionPool

from bot.kb.texts import packaged_text
from bot.store.base import Database, Result, StoreError, check_write

POOL_SIZE = "LABOR_BOT_DATABASE_POOL"


class _NumberLoader(Loader):
    """numeric → int when whole, else float (sum(), avg() over integers)."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        try:
            return int(text)
        except ValueError:
            return float(text)


@lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """`?` → `%s` and `:name` → `%(name)s` outside quoted text; a literal % doubled."""
    out, i, quote = [], 0, ""
    while i < len(sql):
        ch = sql[i]
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "%":
            out.append("%%")
        elif ch == "?":
            out.append("%s")
        elif ch == ":" and i + 1 < len(sql) and (sql[i + 1].isalpha() or sql[i + 1] == "_") \
                and (i == 0 or sql[i - 1] != ":"):
            j = i + 1
            while j < len(sql) and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            out.append(f"%({sql[i + 1:j]})s")
            i = j
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _configure(conn: psycopg.Connection) -> None:
    conn.adapters.register_loader("numeric", _NumberLoader)


class PostgresDatabase(Database):
    dialect = "postgres"

    def __init__(self, url: str):
        self.url = url
        size = int(os.environ.get(POOL_SIZE) or 8)
        try:
            self.pool = ConnectionPool(url, min_size=1, max_size=max(1, size), kwargs={"autocommit": True},
                                       configure=_configure, open=False, name="labor-bot")
            self.pool.open(wait=True, timeout=30)
        except (psycopg.Error, Exception) as e:  # noqa: BLE001 - a pool that cannot start says why, once
            raise StoreError(packaged_text("store_cannot_connect", url=_safe(url), error=e)) from None
        self._local = threading.local()

    def _pinned(self) -> psycopg.Connection | None:
        return getattr(self._local, "conn", None)

    def _run(self, conn: psycopg.Connection, sql: str, params: Sequence[Any] | dict[str, Any]) -> Result:
        cur = conn.execute(translate(sql), params if params else None)
        rows = cur.fetchall() if cur.description else []
        columns = [d.name for d in cur.description] if cur.description else []
        return Result(rows, cur.rowcount, columns)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Result:
        check_write(sql)
        conn = self._pinned()
        if conn is not None:
            return self._run(conn, sql, params)
        with self.pool.connection() as conn:
            return self._run(conn, sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        with self.transaction():
            conn = self._pinned()
            assert conn is not None
            with conn.cursor() as cur:
                cur.executemany(translate(sql), rows)
                return cur.rowcount

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        check_write(None)
        conn = self._pinned()
        if conn is not None:  # an inner block joins the outer transaction
            yield self
            return
        with self.pool.connection() as conn:
            self._local.conn = conn
            try:
                with conn.transaction():
                    yield self
            finally:
                self._local.conn = None

    def lock(self, key: int) -> None:
        self.execute("select pg_advisory_xact_lock(?)", [key])

    def table_names(self) -> list[str]:
        return [r[0] for r in self.execute("select table_name from information_schema.tables where "
                                           "table_schema = current_schema() order by table_name")]

    def columns(self, table: str) -> list[str]:
        return [r[0] for r in self.execute("select column_name from information_schema.columns where "
                                           "table_schema = current_schema() and table_name = ? "
                                           "order by ordinal_position", [table])]

    def close(self) -> None:
        self.pool.close()


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return "?"
    return f"{info.get('host') or ''}/{info.get('dbname') or ''}"
