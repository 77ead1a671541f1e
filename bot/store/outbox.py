"""Announcements in the store: subscriptions, staff, drafts, the outbox and the audit log.

The outbox holds one row per recipient and announcement. A row moves pending → sending (claimed by
one sender, with a lease) → sent / failed / blocked / skipped. Every step is one committed statement,
so any number of processes share the queue: on PostgreSQL claims take rows with FOR UPDATE SKIP LOCKED
(two senders never wait on or take the same row), on SQLite one UPDATE … RETURNING under the file's
write lock. After a crash only rows that were claimed can be sent again: rows whose lease ran out, or
whose sender is known dead, go back to pending.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.channels import Channels
    from bot.store.core import Store

# unread: kept for a user the channel could not reach now (WeChat outside its 48 h window), shown at the top
# of their next reply, and then read
FINAL = ("sent", "failed", "blocked", "skipped", "unread", "read")
MAX_TEXT = 3500  # leaves room for the header within Telegram's 4096 characters
DRAFT_FIELDS = ("text", "audience", "step", "send_at", "recipients", "status")


@dataclass(frozen=True)
class Delivery:
    announcement_id: int
    user_id: str
    channel: str
    chat_id: str
    attempts: int


def within(column: str, values: Iterable[Any]) -> tuple[str, list[Any]]:
    """`column in (?, …)` and its arguments; never true for no values (valid SQL on both backends)."""
    values = list(values)
    if not values:
        return "1 = 0", []
    return f"{column} in ({','.join('?' * len(values))})", values


def audience_where(db: Any, regions: Iterable[str], topics: Iterable[str]) -> tuple[str, list[str]]:
    """A WHERE clause over subscriptions selecting whom an audience (regions × topics) reaches: a subscriber
    with no region hears every region, with no topics every topic (bot.announce.audience.Audience.matches)."""
    where, args = ["1 = 1"], []
    regions, topics = sorted(regions), sorted(topics)
    if regions:
        clause, a = within("region", regions)
        where.append(f"(region is null or {clause})")
        args += a
    if topics:
        clause, a = within("j.value", topics)
        where.append(f"(topics is null or exists (select 1 from {db.json_values('subscriptions.topics')} "
                     f"where {clause}))")
        args += a
    return " and ".join(where), args


def audience_label(raw: str | None) -> str:
    """The codec string of a stored audience (its JSON): "all" or "luding,topic:loan"."""
    d = json.loads(raw or "{}")
    regions, topics = sorted(d.get("regions", [])), sorted(d.get("topics", []))
    return ",".join(regions + [f"topic:{t}" for t in topics]) or "all"


class Outbox:
    def __init__(self, store: Store, clock: Callable[[], float] = time.time, channels: Channels | None = None):
        """channels: which can be pushed to (the process's registry unless given)."""
        if channels is None:
            from bot.channels import registry

            channels = registry
        self.channels: Channels = channels
        self.store, self.db, self.clock = store, store.db, clock

    def _push(self) -> tuple[str, list[Any]]:
        return within("channel", self.channels.push_names())

    # -- subscriptions ----------------------------------------------------------------------------
    def subscription(self, user_id: str) -> dict | None:
        rows = self.db.rows("select * from subscriptions where user_id = ?", [user_id])
        if not rows:
            return None
        sub = rows[0]
        sub["topics"] = json.loads(sub["topics"]) if sub["topics"] else None
        return sub

    def subscribe(self, user_id: str, channel: str, region: str | None, topics: list[str] | None) -> None:
        now = self.clock()
        self.db.execute(
            "insert into subscriptions (user_id, channel, chat_id, region, topics, created, updated) "
            "values (?, ?, ?, ?, ?, ?, ?) on conflict (user_id) do update set channel = excluded.channel, "
            "chat_id = excluded.chat_id, region = excluded.region, topics = excluded.topics, updated = excluded.updated",
            [user_id, channel, user_id, region, json.dumps(sorted(topics)) if topics else None, now, now])

    def unsubscribe(self, user_id: str) -> bool:
        return self.db.execute("delete from subscriptions where user_id = ?", [user_id]).rowcount > 0

    def count(self, audience: Any) -> int:
        where, args = audience_where(self.db, audience.regions, audience.topics)
        push, pargs = self._push()
        return int(self.db.execute(f"select count(*) from subscriptions where {where} and {push}",
                                   args + pargs).scalar())

    def count_by_channel(self, audience: Any) -> list[tuple[str, int]]:
        """Subscribers an audience reaches, per channel (push channels or not)."""
        where, args = audience_where(self.db, audience.regions, audience.topics)
        return [(c, int(n)) for c, n in self.db.execute(
            f"select channel, count(*) from subscriptions where {where} group by channel order by channel", args)]

    # -- staff ------------------------------------------------------------------------------------
    def is_staff(self, user_id: str) -> bool:
        return self.db.execute("select 1 from staff where user_id = ?", [user_id]).fetchone() is not None

    def staff(self) -> list[dict]:
        return self.db.rows("select * from staff order by added")

    def add_staff(self, user_id: str, by: str) -> bool:
        return self.db.execute("insert into staff (user_id, added_by, added) values (?, ?, ?) on conflict do nothing",
                               [user_id, by, self.clock()]).rowcount > 0

    def remove_staff(self, user_id: str) -> bool:
        return self.db.execute("delete from staff where user_id = ?", [user_id]).rowcount > 0

    # -- audit ------------------------------------------------------------------------------------
    def audit(self, actor: str, action: str, announcement_id: int | None = None, **detail: Any) -> None:
        self.db.execute("insert into audit (ts, actor, action, announcement_id, detail) values (?, ?, ?, ?, ?)",
                        [self.clock(), actor, action, announcement_id, json.dumps(detail, ensure_ascii=False)])

    def audit_pause(self, aid: int, channel: str, reason: str, until: float) -> bool:
        """Audit that a channel paused an announcement until `until`, once: False when this very pause
        (announcement, channel, until) is in the audit already (told before a restart, or by another worker).
        One statement, so two workers cannot both record it (PostgreSQL: under a transaction lock per announcement)."""
        db = self.db
        with db.transaction():
            db.lock(aid)
            n = db.execute(
                "insert into audit (ts, actor, action, announcement_id, detail) select ?, 'sender', 'paused', ?, ? "
                "where not exists (select 1 from audit where action = 'paused' and announcement_id = ? and "
                f"{db.json_field('detail', 'channel')} = ? and "
                f"abs(cast({db.json_field('detail', 'until')} as double precision) - ?) < 1)",
                [self.clock(), aid, json.dumps({"channel": channel, "reason": reason, "until": until},
                                               ensure_ascii=False), aid, channel, until]).rowcount
        return n == 1

    def audit_log(self, limit: int = 20) -> list[dict]:
        rows = self.db.execute("select ts, actor, action, announcement_id, detail from audit "
                               "order by id desc limit ?", [limit]).fetchall()
        return [{"ts": r[0], "actor": r[1], "action": r[2], "announcement_id": r[3], **json.loads(r[4] or "{}")}
                for r in rows]

    def audit_entries(self, actor: str | None = None, action: str | None = None, text: str | None = None,
                      since: float | None = None, until: float | None = None, limit: int = 200) -> list[tuple]:
        """The audit log filtered as the desk's audit page asks, newest first: (ts, actor, action, id, detail)."""
        where, args = ["1 = 1"], list[Any]()
        if actor:
            where.append("actor = ?")
            args.append(actor)
        if action:
            where.append("action = ?")
            args.append(action)
        if text:
            where.append("(detail like ? or actor like ?)")
            args += [f"%{text}%"] * 2
        if since is not None and until is not None:
            where.append("ts >= ? and ts < ?")
            args += [since, until]
        return self.db.execute(f"select ts, actor, action, announcement_id, detail from audit "
                               f"where {' and '.join(where)} order by id desc limit ?", [*args, limit]).fetchall()

    def audit_actors(self) -> tuple[list[str], list[str]]:
        """Who appears in the audit log, and which actions (for the desk's filters)."""
        actors = [r[0] for r in self.db.execute("select distinct actor from audit order by actor limit 500")]
        actions = [r[0] for r in self.db.execute("select distinct action from audit order by action")]
        return actors, actions

    # -- announcements ------------------------------------------------------------------------------
    def announcement(self, aid: int) -> dict | None:
        rows = self.db.rows("select * from announcements where id = ?", [aid])
        return rows[0] if rows else None

    def draft(self, author: str) -> dict | None:
        rows = self.db.rows("select * from announcements where author = ? and status = 'draft' "
                            "order by id desc limit 1", [author])
        return rows[0] if rows else None

    def new_draft(self, author: str, channel: str, text: str | None) -> dict:
        with self.db.transaction():
            self.db.execute("delete from announcements where author = ? and status = 'draft'", [author])
            self.db.execute("insert into announcements (author, author_channel, author_chat, text, status, step, "
                            "created) values (?, ?, ?, ?, 'draft', ?, ?)",
                            [author, channel, author, text, "audience" if text else "text", self.clock()])
        return self.draft(author) or {}

    def update_draft(self, aid: int, **fields: Any) -> dict:
        unknown = set(fields) - set(DRAFT_FIELDS)
        if unknown:
            raise TypeError(f"unknown announcement fields: {sorted(unknown)}")
        if fields:
            sets = ", ".join(f"{k} = ?" for k in fields)
            self.db.execute(f"update announcements set {sets} where id = ?", [*fields.values(), aid])
        return self.announcement(aid) or {}

    def drop_draft(self, aid: int) -> None:
        self.db.execute("delete from announcements where id = ? and status = 'draft'", [aid])

    def queue(self, aid: int, actor: str, send_at: float, recipients: int) -> bool:
        """Confirmed: due at send_at, and audited. Recipients are taken when it falls due, so people who
        (un)subscribe meanwhile are counted right; `recipients` is the estimate shown at confirmation."""
        n = self.db.execute("update announcements set status = 'scheduled', step = null, send_at = ?, "
                            "recipients = ? where id = ? and status = 'draft'",
                            [send_at, recipients, aid]).rowcount
        if n == 1:
            row = self.announcement(aid) or {}
            self.audit(actor, "queued", aid, text=row.get("text"), audience=audience_label(row.get("audience")),
                       recipients=recipients, send_at=send_at)
        return n == 1

    def cancel(self, aid: int, actor: str, admin: bool = False) -> bool:
        """A scheduled announcement that has not started can be called off (audited), by its author or an
        admin only; anyone else's attempt is refused and audited."""
        n = self.db.execute("update announcements set status = 'cancelled', finished = ? where id = ? and "
                            "status = 'scheduled' and (author = ? or ? = 1)",
                            [self.clock(), aid, actor, int(admin)]).rowcount
        if n:
            self.audit(actor, "cancelled", aid)
        elif (self.announcement(aid) or {}).get("status") == "scheduled":
            self.audit(actor, "refused", aid, command="cancel")
        return n > 0

    def may_cancel(self, aid: int, actor: str, admin: bool = False) -> bool:
        row = self.announcement(aid) or {}
        return admin or row.get("author") == actor

    def scheduled(self) -> list[dict]:
        return self.db.rows("select * from announcements where status = 'scheduled' order by send_at")

    def listed(self, limit: int = 30) -> list[dict]:
        """Announcements past the draft stage, newest first (the desk's list)."""
        return self.db.rows("select id, author, text, audience, status, created, send_at, started, finished, "
                            "recipients from announcements where status != 'draft' order by id desc limit ?", [limit])

    def start_due(self) -> list[int]:
        """Fan out every announcement whose time has come: one outbox row per current subscriber.
        The status change and the rows are one transaction, so two processes never both fan out."""
        started = []
        due = [r[0] for r in self.db.execute("select id from announcements where status = 'scheduled' "
                                             "and send_at <= ? order by id", [self.clock()])]
        push, pargs = self._push()
        for aid in due:
            row = self.announcement(aid) or {}
            d = json.loads(row.get("audience") or "{}")
            audience, args = audience_where(self.db, d.get("regions", []), d.get("topics", []))
            with self.db.transaction():
                if self.db.execute("update announcements set status = 'sending', started = ? where id = ? "
                                   "and status = 'scheduled'", [self.clock(), aid]).rowcount != 1:
                    continue
                n = self.db.execute(
                    "insert into deliveries (announcement_id, user_id, channel, chat_id, status, attempts, next_at) "
                    f"select ?, user_id, channel, chat_id, 'pending', 0, 0 from subscriptions where {audience} "
                    f"and {push} order by created, user_id on conflict do nothing", [aid, *args, *pargs]).rowcount
                self.db.execute("update announcements set recipients = ? where id = ?", [n, aid])
            started.append(aid)
        return started

    # -- the outbox ---------------------------------------------------------------------------------
    def claim(self, worker: str, channels: tuple[str, ...], limit: int) -> list[Delivery]:
        """Take up to limit due rows, oldest announcement first, for this worker (one statement: atomic)."""
        now = self.clock()
        db = self.db
        chans, cargs = within("channel", channels)
        rows = db.execute(
            "update deliveries set status = 'sending', claimed_by = ?, claimed_at = ? where (announcement_id, "
            "user_id) in (select announcement_id, user_id from deliveries where status = 'pending' and next_at <= ? "
            f"and {chans} order by announcement_id, {db.seq} limit ?{db.skip_locked}) "
            "returning announcement_id, user_id, channel, chat_id, attempts",
            [worker, now, now, *cargs, limit]).fetchall()
        rows.sort(key=lambda r: (r[0], r[1]))
        return [Delivery(*r) for r in rows]

    def release(self, worker: str, items: list[Delivery], next_at: float = 0.0) -> None:
        """Claimed but not sent: back to pending, unchanged (a stopping sender, a chat sent to < 1 s ago)."""
        self.db.executemany("update deliveries set status = 'pending', claimed_by = null, next_at = ? "
                            "where announcement_id = ? and user_id = ? and claimed_by = ? and status = 'sending'",
                            [(next_at, d.announcement_id, d.user_id, worker) for d in items])

    def finish(self, d: Delivery, status: str, error: str | None = None) -> None:
        with self.db.transaction():
            self.db.execute("update deliveries set status = ?, attempts = attempts + 1, done_at = ?, error = ?, "
                            "claimed_by = null where announcement_id = ? and user_id = ?",
                            [status, self.clock(), error, d.announcement_id, d.user_id])
            if status == "blocked":  # they blocked the bot: stop sending to them
                self.db.execute("delete from subscriptions where user_id = ?", [d.user_id])
                self.db.execute("update users set active = 0 where id = ?", [d.user_id])

    def parts_sent(self, d: Delivery) -> set[int]:
        return {r[0] for r in self.db.execute("select part from delivery_parts where announcement_id = ? and "
                                              "user_id = ?", [d.announcement_id, d.user_id])}

    def part_sent(self, d: Delivery, part: int, parts: int) -> None:
        """One part delivered (committed at once, before the next part is sent)."""
        self.db.execute("insert into delivery_parts (announcement_id, user_id, part, parts, sent_at) "
                        "values (?, ?, ?, ?, ?) on conflict do nothing",
                        [d.announcement_id, d.user_id, part, parts, self.clock()])

    def retry(self, d: Delivery, next_at: float, error: str, count_attempt: bool = True) -> None:
        self.db.execute("update deliveries set status = 'pending', attempts = attempts + ?, next_at = ?, "
                        "error = ?, claimed_by = null, in_flight = null where announcement_id = ? and user_id = ?",
                        [int(count_attempt), next_at, error, d.announcement_id, d.user_id])

    def still_subscribed(self, d: Delivery) -> bool:
        return self.db.execute("select 1 from subscriptions where user_id = ?", [d.user_id]).fetchone() is not None

    def heartbeat(self, worker: str) -> None:
        """Renew the lease on this worker's claimed rows."""
        self.db.execute("update deliveries set claimed_at = ? where claimed_by = ? and status = 'sending'",
                        [self.clock(), worker])

    def claimants(self) -> list[str]:
        return [r[0] for r in self.db.execute("select distinct claimed_by from deliveries where status = 'sending'")]

    def recover(self, lease: float, dead: list[str] | tuple[str, ...] = ()) -> int:
        """Claims of senders known dead, or that stopped renewing (killed elsewhere), go back to pending. A row
        whose send had begun is sent again too: whether its request left before the kill is unknowable, and
        counting it sent skipped its recipient whenever the kill came first (the message still queued in the
        channel's pacer or HTTP client). So only what was in flight can repeat, and nobody is skipped."""
        gone, args = within("claimed_by", dead)
        return self.db.execute("update deliveries set status = 'pending', claimed_by = null, in_flight = null "
                               f"where status = 'sending' and (claimed_at < ? or {gone})",
                               [self.clock() - lease, *args]).rowcount

    def counts(self, aid: int) -> dict[str, int]:
        rows = self.db.execute("select status, count(*) from deliveries where announcement_id = ? group by status",
                               [aid]).fetchall()
        out = {s: 0 for s in ("pending", "sending", *FINAL)}
        out.update({s: int(n) for s, n in rows})
        return out

    def counts_by_channel(self, aid: int) -> dict[str, dict[str, int]]:
        """The counts of each channel apart, for staff progress and the audit log."""
        out: dict[str, dict[str, int]] = {}
        for channel, status, n in self.db.execute("select channel, status, count(*) from deliveries "
                                                  "where announcement_id = ? group by channel, status", [aid]):
            out.setdefault(channel, {s: 0 for s in ("pending", "sending", *FINAL)})[status] = int(n)
        return out

    def left(self, aid: int, channels: tuple[str, ...]) -> int:
        """Rows of these channels not yet sent (pending or claimed)."""
        chans, cargs = within("channel", channels)
        return int(self.db.execute(f"select count(*) from deliveries where announcement_id = ? and status in "
                                   f"('pending', 'sending') and {chans}", [aid, *cargs]).scalar())

    def take_unread(self, user_id: str) -> list[str]:
        """Announcements kept unread for this user, oldest first, marked read in the same statement
        (so two workers never show one twice)."""
        rows = self.db.execute("update deliveries set status = 'read', done_at = ? where user_id = ? and "
                               "status = 'unread' returning announcement_id", [self.clock(), user_id]).fetchall()
        texts = []
        for (aid,) in sorted(rows):
            row = self.announcement(aid)
            if row and row.get("text"):
                texts.append(row["text"])
        return texts

    def sending(self) -> list[dict]:
        return self.db.rows("select * from announcements where status = 'sending' order by id")

    def take_progress_turn(self, aid: int, every: float) -> bool:
        """True for one process at most every `every` seconds per announcement."""
        now = self.clock()
        return self.db.execute("update announcements set progress_at = ? where id = ? and status = 'sending' and "
                               "coalesce(progress_at, started) <= ?", [now, aid, now - every]).rowcount == 1

    def complete(self, aid: int) -> dict[str, int] | None:
        """Mark done when nothing is left to send; the counts, for exactly one caller."""
        c = self.counts(aid)
        if c["pending"] or c["sending"]:
            return None
        n = self.db.execute("update announcements set status = 'done', finished = ?, sent = ?, failed = ?, "
                            "blocked = ?, skipped = ? where id = ? and status = 'sending'",
                            [self.clock(), c["sent"], c["failed"], c["blocked"], c["skipped"], aid]).rowcount
        return c if n == 1 else None

    def recent(self, limit: int = 50) -> list[dict]:
        return self.db.rows("select * from announcements where status in ('sending', 'done') "
                            "order by started desc limit ?", [limit])
