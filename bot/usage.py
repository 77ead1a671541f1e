"""Usage events for the staff desk's overview: guided checks started and finished, with their verdicts.

Anonymous: one row per event with the check, the region and the outcomes, no user id (so /forget has
nothing to delete here). The engine calls check_started / check_finished; the desk reads the table.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

log = logging.getLogger(__name__)

SCHEMA = ("create table if not exists check_events (id integer primary key, ts real not null, flow text not null, "
          "region text, event text not null, outcomes text)",
          "create index if not exists check_events_ts on check_events (ts)")
_ready: set[int] = set()


def ensure_table(conn) -> None:
    for sql in SCHEMA:
        conn.execute(sql)
    conn.commit()
    _ready.add(id(conn))


def _record(store: Any, flow: str, region: str | None, event: str, outcomes: list[str] | None = None) -> None:
    if store is None:
        return
    conn = store.db.conn
    try:
        if id(conn) not in _ready:
            ensure_table(conn)
        conn.execute("insert into check_events (ts, flow, region, event, outcomes) values (?, ?, ?, ?, ?)",
                     [time.time(), flow, region, event, json.dumps(outcomes) if outcomes is not None else None])
        conn.commit()
    except Exception:  # noqa: BLE001 - statistics must never break a conversation
        log.exception("check event not recorded")


def check_started(store: Any, flow: str, region: str | None) -> None:
    _record(store, flow, region, "started")


def check_finished(store: Any, meta: dict | None) -> None:
    """A finished check's reply meta: {"flow", "values", "results": [{"outcome", …}]}; anything else is ignored."""
    if not meta or "results" not in meta:
        return
    outcomes = [r.get("outcome") for r in meta.get("results") or [] if isinstance(r, dict)]
    _record(store, meta.get("flow") or "", (meta.get("values") or {}).get("region"), "finished", outcomes)
