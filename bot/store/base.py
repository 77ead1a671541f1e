"""The store's interface: one small database API that both backends implement, and the setting that picks one.

SQL in bot/store/ is written once with `?` placeholders in the subset both SQLite (≥ 3.35) and PostgreSQL
understand (`insert … on conflict`, `update … returning`, row values); where they differ a repository asks
`db.dialect`. Outside `transaction()` every statement commits on its own; inside it, the block is one
transaction (SQLite: BEGIN IMMEDIATE, so two writers queue instead of failing; PostgreSQL: one pooled
connection). Results are read at once, so a result never holds a connection or a lock.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from bot.kb.texts import packaged_text

DATABASE_URL = "LABOR_BOT_DATABASE_URL"


class StoreError(RuntimeError):
    """The database cannot be opened or upgraded; str() says which and why (in the user's language)."""


class WriteRefused(RuntimeError):
    """A write tried inside reading_only(): the work that tried it is done again under the write lock."""


_reading = contextvars.ContextVar("labor_bot_reading_only", default=False)


@contextmanager
def reading_only() -> Iterator[None]:
    """Statements in the block may only read (a reply computed outside the write lock, so workers compute in
    parallel); a write or a transaction raises WriteRefused instead of taking the lock."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def check_write(sql: str | None) -> None:
    """Called by the backends before a statement (sql) or a transaction (None)."""
    if _reading.get() and (sql is None or sql.lstrip()[:6].lower() != "select"):
        raise WriteRefused((sql or "a transaction").split("(")[0][:60])


class Result:
    """The rows a statement returned (read at once) and how many rows it changed."""

    __slots__ = ("rows", "rowcount", "columns")

    def __init__(self, rows: list[tuple], rowcount: int, columns: Sequence[str] = ()):
        self.rows, self.rowcount, self.columns = rows, rowcount, tuple(columns)

    def fetchone(self) -> tuple | None:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[tuple]:
        return list(self.rows)

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.rows)


class Database:
    """What every backend provides. `dialect` is "sqlite" or "postgres"."""

    dialect: str = ""
    url: str = ""
    path: Path | None = None  # the SQLite file (None: in memory, or PostgreSQL)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Result:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[Database]:
        """One transaction for the block (re-entrant: an inner block joins the outer one)."""
        raise NotImplementedError

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return self.execute(sql, params).dicts()

    def table_names(self) -> list[str]:
        raise NotImplementedError

    def columns(self, table: str) -> list[str]:
        raise NotImplementedError

    def lock(self, key: int) -> None:
        """Inside transaction(): hold a lock named by key until the transaction ends (schema upgrades)."""

    def close(self) -> None:
        raise NotImplementedError

    # dialect-specific fragments the repositories need ------------------------------------------------
    def json_values(self, column: str) -> str:
        """A FROM item listing the strings of a JSON array column as `value` (aliased j)."""
        if self.dialect == "postgres":
            return f"jsonb_array_elements_text(case when {column} like '[%' then {column}::jsonb end) as j(value)"
        return f"json_each(case when json_valid({column}) then {column} end) as j"

    def json_field(self, column: str, key: str) -> str:
        """The text of a top-level key of a JSON object column (null when the column is not an object)."""
        if self.dialect == "postgres":
            return f"(case when {column} like '{{%' then {column}::jsonb ->> '{key}' end)"
        return f"(case when json_valid({column}) then json_extract({column}, '$.{key}') end)"

    @property
    def seq(self) -> str:
        """The column that orders rows of the queue tables by insertion (SQLite's rowid, a sequence on PostgreSQL)."""
        return "seq" if self.dialect == "postgres" else "rowid"

    @property
    def skip_locked(self) -> str:
        """Appended to a queue's claiming subquery: other processes skip rows being claimed instead of waiting."""
        return " for update skip locked" if self.dialect == "postgres" else ""


def database_url() -> str | None:
    """LABOR_BOT_DATABASE_URL when it names PostgreSQL; None for the embedded SQLite default."""
    url = (os.environ.get(DATABASE_URL) or "").strip()
    return url or None


def default_db_path() -> Path:
    env = os.environ.get("LABOR_BOT_DB")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "labor-bot" / "labor-bot.sqlite"


def open_database(path: Path | str | None = None, url: str | None = None) -> Database:
    """PostgreSQL when url (else LABOR_BOT_DATABASE_URL) is postgresql://…; else the SQLite file at path.
    ":memory:" is always a private in-memory SQLite database (a scratch store, never shared)."""
    url = url if url is not None else (None if path == ":memory:" else database_url())
    if url:
        if not url.startswith(("postgresql://", "postgres://")):
            raise StoreError(packaged_text("store_url_scheme", setting=DATABASE_URL, scheme=repr(url.split(":")[0])))
        from bot.store.postgres import PostgresDatabase

        return PostgresDatabase(url)
    from bot.store.sqlite import SqliteDatabase

    return SqliteDatabase(path)


def open_readonly(path: Path | str | None = None) -> Database | None:
    """A reader of an existing database, without creating or upgrading anything: PostgreSQL when configured,
    else the SQLite file at path when it exists (None when it does not: nothing stored yet)."""
    url = database_url()
    if url:
        return open_database(url=url)
    p = Path(path) if path else default_db_path()
    if not p.is_file():
        return None
    from bot.store.sqlite import SqliteDatabase

    return SqliteDatabase(p, readonly=True)
