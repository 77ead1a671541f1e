"""Usage events for the staff desk's overview: guided checks started and finished, with their verdicts.

Anonymous: one row per event with the check, the region and the outcomes, no user id (so /forget has
nothing to delete here). The engine calls check_started / check_finished; the desk reads the table.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

def _record(store: Any, flow: str, region: str | None, event: str, outcomes: list | None = None) -> None:
    if store is None:
        return
    try:
        store.check_event(flow, region, event, outcomes)
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
