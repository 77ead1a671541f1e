"""Every table as the code made them before versioned migrations (commit c095976), created if missing.

On PostgreSQL (always new) the two queue tables also get a `seq` column, the insertion order that
SQLite's rowid gives."""

from __future__ import annotations

VERSION = 1
NAME = "baseline"

_LOW_CONFIDENCE = 0.5  # bot.phrasings.LOW_CONFIDENCE when the partial index was made

_TABLES = (
    # people and what they asked
    "create table if not exists users (id text primary key, region text, last_measure text, dialog text, "
    "profile text, active integer default 1, created real, updated real, pending text, offered real)",
    "create table if not exists questions (id integer primary key, user_id text, ts real, channel text, text text, "
    "intent text, measures text, confidence real)",
    "create index if not exists idx_questions_user_id on questions (user_id)",
    "create index if not exists idx_questions_ts on questions (ts)",
    "create table if not exists seen_updates (update_id integer primary key, ts real)",
    # announcements
    "create table if not exists subscriptions (user_id text primary key, channel text, chat_id text, region text, "
    "topics text, created real, updated real)",
    "create table if not exists staff (user_id text primary key, added_by text, added real, superadmin integer)",
    "create table if not exists announcements (id integer primary key, author text, author_channel text, "
    "author_chat text, text text, audience text, status text, step text, created real, send_at real, started real, "
    "finished real, recipients integer, sent integer, failed integer, blocked integer, skipped integer, "
    "progress_at real)",
    "create index if not exists idx_announcements_status on announcements (status)",
    "create table if not exists deliveries (announcement_id integer, user_id text, channel text, chat_id text, "
    "status text, attempts integer default 0, next_at real default 0, claimed_by text, claimed_at real, "
    "done_at real, error text, {seq}primary key (announcement_id, user_id))",
    "create index if not exists idx_deliveries_status_next_at on deliveries (status, next_at)",
    "create index if not exists idx_deliveries_user_id on deliveries (user_id)",
    "create table if not exists delivery_parts (announcement_id integer, user_id text, part integer, parts integer, "
    "sent_at real, primary key (announcement_id, user_id, part))",
    "create table if not exists audit (id integer primary key, ts real, actor text, action text, "
    "announcement_id integer, detail text)",
    # what channels receive (durable acknowledgement) and keep
    "create table if not exists inbox (channel text not null, external_id text not null, payload text, "
    "user_id text, status text not null default 'pending', received real, attempts integer default 0, "
    "claimed_by text, claimed_at real, done_at real, {seq}primary key (channel, external_id))",
    "create index if not exists inbox_status on inbox (status, channel, received)",
    "create index if not exists inbox_user on inbox (user_id)",
    "create table if not exists channel_inbox (channel text, external_id text, user_id text, status text, "
    "owner text, ts real, done_at real, primary key (channel, external_id))",
    "create index if not exists idx_channel_inbox_ts on channel_inbox (ts)",
    "create table if not exists channel_kv (channel text, key text, user_id text, value text, expires real, "
    "primary key (channel, key))",
    "create index if not exists idx_channel_kv_user_id on channel_kv (user_id)",
    # the staff desk
    "create table if not exists check_events (id integer primary key, ts real not null, flow text not null, "
    "region text, event text not null, outcomes text)",
    "create index if not exists check_events_ts on check_events (ts)",
    "create table if not exists phrasings (id integer primary key, key text not null unique, text text not null, "
    "measure text not null, added_by text, created real, updated real)",
    "create table if not exists question_reviews (key text primary key, status text not null, measure text, "
    "by text, ts real)",
    "create table if not exists desk_links (hash text primary key, staff text not null, created real not null, "
    "expires real not null, used real)",
    "create table if not exists desk_sessions (hash text primary key, staff text not null, csrf text not null, "
    "created real not null, expires real not null)",
    "create index if not exists desk_sessions_staff on desk_sessions (staff)",
    "create table if not exists desk_rollup (name text primary key, last_id integer not null)",
    "create table if not exists desk_days (day integer primary key, answered integer not null default 0, "
    "low integer not null default 0, unanswered integer not null default 0)",
    "create table if not exists desk_day_measures (day integer not null, measure text not null, n integer not null, "
    "primary key (day, measure)) without rowid",
    "create table if not exists desk_day_checks (day integer not null, region text not null, event text not null, "
    "outcome text not null, n integer not null, primary key (day, region, event, outcome)) without rowid",
    f"create index if not exists questions_inbox on questions (ts) where confidence < {_LOW_CONFIDENCE} "
    "and intent in ('question', 'out_of_scope')",
)

SQLITE = tuple(s.replace("{seq}", "") for s in _TABLES)

# columns that tables made by even older code lack (they were added by hand-written ALTERs then)
_LATER_COLUMNS = {"users": (("profile", "text"), ("pending", "text"), ("offered", "real")),
                  "staff": (("superadmin", "integer"),)}


def after(db) -> None:
    """Adopt a SQLite database made before any of this: tables it already had gain the columns added since."""
    if db.dialect != "sqlite":
        return
    for table, columns in _LATER_COLUMNS.items():
        have = set(db.columns(table))
        for name, kind in columns:
            if name not in have:
                db.execute(f"alter table {table} add column {name} {kind}")


def pg_statements(convert) -> tuple[str, ...]:
    """The PostgreSQL form: the queue tables get their insertion order as a column, and queue indexes."""
    out = [convert(s.replace("{seq}", "seq bigint generated always as identity, ")) for s in _TABLES]
    out.append("create index if not exists deliveries_queue on deliveries (status, channel, announcement_id, seq)")
    out.append("create index if not exists inbox_queue on inbox (status, channel, received, seq)")
    return tuple(out)
