"""Exactly once, as far as a crash allows: the reply an inbox message got, kept on its inbox row until sent.

The engine's writes for a message and the reply it decided are committed together (`transaction`, then
`answer` inside it); the parts are sent one by one, each crossed off as it went out (`sent`), then the row is
done (`Inbox.done`). A message replayed after a crash (its worker killed) is never handled by the engine again:
`reply_of(item)` gives the parts still unsent. What remains: a part whose send was under way at the instant of a
hard kill (sent, not yet crossed off) goes out again, so at most one part per message in flight is duplicated,
and messages in flight are bounded by the channel worker's concurrency.

No column of its own: a decided reply replaces the row's payload (the message as received, a JSON object) with
a JSON array of the parts still to send, which no channel's message can be mistaken for.

    with transaction(store):
        item = answer(inbox, item, parts_from(engine.handle(...)))
    while reply_of(item): send(reply_of(item)[0]); item = sent(inbox, item)
    inbox.done(item)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Literal

from bot.inbox import Inbox, InboxItem


def reply_of(item: InboxItem) -> list | None:
    """The parts still to send when the reply was decided before (a replay), else None."""
    return item.payload if isinstance(item.payload, list) else None


def _commit(db) -> None:
    """The sqlite-utils store commits by hand (held inside transaction()); a store with transaction() commits
    every statement itself."""
    if not callable(getattr(db, "transaction", None)):
        db.conn.commit()


@contextmanager
def transaction(store) -> Iterator[None]:
    """One transaction for the block (re-entrant): the store's own when it has one (bot/store), else, on the
    sqlite-utils store that commits after each write, the connection's commits are held until the block ends.
    The block must not await anything that lets another task write (one user's engine call, under a per-user
    lock held by the caller, does not)."""
    db = store.db
    own = getattr(db, "transaction", None)
    if callable(own):
        with own():
            yield
        return
    if isinstance(db.conn, _HeldCommits):  # joins the outer block
        yield
        return
    real = db.conn
    if real.in_transaction:
        real.commit()
    real.execute("BEGIN IMMEDIATE")  # sqlite-utils sees a transaction open and nests with savepoints
    db.conn = _HeldCommits(real)
    try:
        yield
    except BaseException:
        real.rollback()
        raise
    else:
        real.commit()
    finally:
        db.conn = real


def accept_working(inbox: Inbox, channel: str, external_id: str | int, payload: Any, user_id: str | None,
                   worker: str) -> InboxItem | None:
    """Inbox.accept, the row this worker's at once (the request that received it answers it; a crash puts it
    back to pending). None: received before."""
    now = inbox.clock()
    n = inbox.db.execute("insert into inbox (channel, external_id, payload, user_id, status, received, attempts, "
                         "claimed_by, claimed_at) values (?, ?, ?, ?, 'working', ?, 1, ?, ?) on conflict do nothing",
                         [channel, str(external_id), json.dumps(payload, ensure_ascii=False), user_id, now, worker,
                          now]).rowcount
    _commit(inbox.db)
    return InboxItem(channel, str(external_id), payload, now, 1) if n == 1 else None


def take(inbox: Inbox, channel: str, external_id: str | int, worker: str) -> InboxItem | None:
    """This one row, now this worker's, if it is pending (a retry of a message a crash left unanswered)."""
    rows = inbox.db.execute(
        "update inbox set status = 'working', claimed_by = ?, claimed_at = ?, attempts = attempts + 1 "
        "where channel = ? and external_id = ? and status = 'pending' returning external_id, payload, received, attempts",
        [worker, inbox.clock(), channel, str(external_id)]).fetchall()
    _commit(inbox.db)
    if not rows:
        return None
    r = rows[0]
    return InboxItem(channel, r[0], _loads(r[1]), r[2], r[3])


def answer(inbox: Inbox, item: InboxItem, parts: list) -> InboxItem:
    """The reply decided for this message (JSON-able parts, in order). Inside transaction() with the engine's
    writes: a message is either not handled at all, or handled with its reply on record."""
    return _keep(inbox, item, list(parts))


def sent(inbox: Inbox, item: InboxItem, n: int = 1) -> InboxItem:
    """The first n parts went out: crossed off, so a replay never sends them again. With none left the row is
    done at once (Inbox.done then does nothing): one write per message fewer than crossing off, then done."""
    left = (reply_of(item) or [])[n:]
    if left:
        return _keep(inbox, item, left)
    inbox.done(item)
    _commit(inbox.db)
    return replace(item, payload=[], done=True)


def _keep(inbox: Inbox, item: InboxItem, parts: list) -> InboxItem:
    inbox.db.execute("update inbox set payload = ? where channel = ? and external_id = ?",
                     [json.dumps(parts, ensure_ascii=False), item.channel, item.external_id])
    _commit(inbox.db)
    return replace(item, payload=parts)


class _HeldCommits:
    """The connection as sqlite-utils sees it inside transaction(): commits (and `with conn:`) wait."""

    def __init__(self, conn):
        self._conn = conn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def commit(self) -> None:
        pass

    def __enter__(self) -> _HeldCommits:
        return self

    def __exit__(self, *exc) -> Literal[False]:
        return False


def _loads(raw: str | None) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None
