"""bot/store: every table and every query, one interface, two backends.

- base.py: the database interface both backends implement, and the setting that picks one
  (LABOR_BOT_DATABASE_URL=postgresql://… → PostgreSQL; unset → the SQLite file at --db / LABOR_BOT_DB)
- sqlite.py, postgres.py: the backends (sqlite3 in WAL mode; psycopg 3 with psycopg_pool)
- migrations/: the versioned schema, applied at start by every process
- core.py: users, the question log, update deduplication, /forget, the unit of work per message
- outbox.py, inbox.py, channel_state.py, budget.py, desk.py, phrasings.py, usage.py: the repositories

Nothing here imports a channel (handlers/, telegram) or anything above the store.
"""

from bot.store.base import Database, Result, StoreError, database_url, default_db_path, open_database, open_readonly
from bot.store.core import QUESTION_LOG_CHARS, Store

__all__ = ["QUESTION_LOG_CHARS", "Database", "Result", "Store", "StoreError", "database_url", "default_db_path",
           "open_database", "open_readonly"]
