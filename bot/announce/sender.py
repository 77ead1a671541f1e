"""The sender worker: drains the outbox at an overall rate, about one message a second per chat.

Channel-neutral: a channel gives an async deliver(chat_id, text) that raises the errors below; its pacing
(rate, seconds between two messages to one chat) comes from the channel registry, each channel paced apart.
The rate is shared by every sender process on the database: each slot is also booked in the store's send
budget (bot/store/budget.py), so two workers at rate 20 send 20 a second together, not 40.
At most `concurrency` messages are in flight; they are the only ones a hard kill can send twice
(sent, but not yet recorded). A graceful stop (SIGTERM) claims nothing new, puts unsent claimed
rows back and waits for the ones in flight to be recorded, so a restart repeats nobody.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.announce.outbox import Delivery, Outbox
from bot.announce.when import show
from bot.store.budget import SendBudget
from bot.store.inbox import _dead_here, worker_id

log = logging.getLogger(__name__)

Deliver = Callable[[str, str], Awaitable[None]]
Report = Callable[[dict, dict, bool], None]

DEFAULT_RATE = 25.0  # Telegram allows about 30 messages/s per bot; the rest is left for replies
DEFAULT_CONCURRENCY = 8
DEFAULT_PROGRESS_SECONDS = 30.0
PER_CHAT_SECONDS = 1.0
LEASE_SECONDS = 30.0  # a claim not renewed this long belongs to a dead sender
MAX_ATTEMPTS = 5  # transient errors; then the row is recorded as failed
MAX_BACKOFF = 60.0


class DeliveryError(Exception):
    """A channel could not deliver one message; the subclass says what to do about it."""


class Blocked(DeliveryError):
    """The user blocked the bot (Telegram 403): unsubscribe and mark inactive."""


class RateLimited(DeliveryError):
    """Flood control: everyone waits retry_after seconds, and the message is tried again."""

    def __init__(self, retry_after: float):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class Transient(DeliveryError):
    """Network trouble: try again later, a bounded number of times."""


class Undeliverable(DeliveryError):
    """The API refused this message for good (bad request, chat gone): recorded as failed."""


class KeptUnread(DeliveryError):
    """The channel cannot reach this user now (WeChat: outside the 48 h window, no template): the notice is
    kept unread and shown at the top of their next reply."""


class ChannelPaused(DeliveryError):
    """The channel's quota is used up (WeChat 45009): it sends nothing until `until` (epoch seconds); the
    message is tried again then, and the announcement's author is told once."""

    def __init__(self, until: float, reason: str = "quota"):
        super().__init__(f"{reason}: paused until {until:.0f}")
        self.until, self.reason = until, reason


LONG_PAUSE = 5.0  # a channel paused longer than this is not claimed from until then


@dataclass
class SenderStats:
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0
    unread: int = 0
    paused: int = 0  # quota answers (ChannelPaused)
    throttled: int = 0  # RetryAfter answers
    retried: int = 0
    finished: list[int] = field(default_factory=list)


class Sender:
    def __init__(self, outbox: Outbox, deliverers: dict[str, Deliver], texts: dict[str, str], *,
                 rate: float = DEFAULT_RATE, concurrency: int = DEFAULT_CONCURRENCY,
                 progress_every: float = DEFAULT_PROGRESS_SECONDS, per_chat: float | None = None,
                 lease: float = LEASE_SECONDS, poll: float = 0.25, report: Report | None = None,
                 backoff: float = 1.0, budget: SendBudget | None = None):
        if rate <= 0 or concurrency < 1:
            raise ValueError("rate must be > 0 and concurrency ≥ 1")
        self.outbox, self.deliverers, self.texts = outbox, deliverers, texts
        self.rate, self.concurrency, self.progress_every = rate, concurrency, progress_every
        self.lease, self.poll, self.report = lease, poll, report
        self.backoff = backoff  # seconds before the first retry of a transient error; doubles each time
        # the rate holds across every sender process sharing the database (bot/store/budget.py)
        self.budget = budget if budget is not None else SendBudget(outbox.db)
        self.worker = worker_id()
        self.channels = tuple(deliverers)
        registry = outbox.channels
        # each channel paced apart: its declared rate (else `rate`, LABOR_BOT_BROADCAST_RATE) and per-chat gap
        # (`per_chat` when given, as tests do, else the declared one)
        self.rates = {c: registry.rate(c, rate) for c in self.channels}
        self.per_chats = {c: per_chat if per_chat is not None else registry.per_chat(c, PER_CHAT_SECONDS)
                          for c in self.channels}
        self.stats = SenderStats()
        self._sem = asyncio.Semaphore(concurrency)
        self._in_flight: set[asyncio.Task] = set()
        self._next_slot: dict[str, float] = {}
        self._pause_until: dict[str, float] = {}  # monotonic
        self._paused_told: set[tuple[str, int, int]] = set()
        self._last_chat: dict[tuple[str, str], float] = {}
        self._bodies: dict[int, str] = {}
        self._split: dict[tuple[int, str], list[str]] = {}
        self._heartbeat_at = 0.0

    # -- the loop ------------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event, until: Callable[[], bool] | None = None) -> SenderStats:
        """Send until stop is set (or until() is true after a housekeeping round)."""
        self._recover()
        buffer: deque[Delivery] = deque()
        batch = max(self.concurrency * 2, min(int(max(self.rates.values(), default=self.rate) * 2), 200))
        house_at = 0.0
        try:
            while not stop.is_set():
                if time.monotonic() >= house_at:
                    await self._housekeep()
                    house_at = time.monotonic() + 0.5
                    if until is not None and until():
                        break
                if not buffer:
                    open_channels = tuple(c for c in self.channels if self._paused_for(c) <= LONG_PAUSE)
                    if open_channels:
                        buffer.extend(self.outbox.claim(self.worker, open_channels, batch))
                    if not buffer:
                        await _sleep(stop, min(self.poll, max(0.0, house_at - time.monotonic())))
                        continue
                d = buffer[0]
                key = (d.channel, d.chat_id)
                if self._paused_for(d.channel) > LONG_PAUSE:  # quota used up: back until the channel reopens
                    buffer.popleft()
                    self.outbox.release(self.worker, [d], next_at=self.outbox.clock() + self._paused_for(d.channel))
                    continue
                wait_chat = self._last_chat.get(key, -1e9) + self.per_chats[d.channel] - time.monotonic()
                if wait_chat > 0:  # this chat had a message under a second ago: later
                    buffer.popleft()
                    self.outbox.release(self.worker, [d], next_at=self.outbox.clock() + wait_chat)
                    continue
                if not self.outbox.still_subscribed(d):  # unsubscribed (or deleted their data) meanwhile
                    buffer.popleft()
                    self.outbox.finish(d, "skipped")
                    self.stats.skipped += 1
                    continue
                if not await self._slot(stop, d.channel):
                    break
                await self._sem.acquire()
                if self._paused_for(d.channel) > 0:  # a 429 came back while this one waited for a place
                    self._sem.release()
                    continue
                buffer.popleft()
                self._last_chat[key] = time.monotonic()
                task = asyncio.create_task(self._send(d))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)
        finally:
            self.outbox.release(self.worker, list(buffer))
            if self._in_flight:
                await asyncio.gather(*self._in_flight, return_exceptions=True)
            await self._housekeep(start=False)
        return self.stats

    def _paused_for(self, channel: str) -> float:
        return self._pause_until.get(channel, 0.0) - time.monotonic()

    async def _slot(self, stop: asyncio.Event, channel: str) -> bool:
        """Wait for the channel's next send slot: evenly spaced at its rate. Timer lateness under one interval
        is made up (so the average is the rate asked), more is forgotten (so a stall never turns into a burst)."""
        interval = 1.0 / self.rates[channel]
        while True:
            now = time.monotonic()
            start = max(self._next_slot.get(channel, 0.0), self._pause_until.get(channel, 0.0))
            if now >= start:
                self._next_slot[channel] = max(self._next_slot.get(channel, 0.0), now - interval) + interval
                shared = self.budget.take(channel, self.rates[channel])  # this slot in every process's schedule
                return shared <= 0 or not await _sleep(stop, shared)
            if await _sleep(stop, start - now):
                return False

    async def _send(self, d: Delivery) -> None:
        try:
            parts = self._parts(d)
            done = self.outbox.parts_sent(d) if len(parts) > 1 else set()
            for i, part in enumerate(parts):
                if i in done:  # delivered before an error or a restart: never again
                    continue
                await self.deliverers[d.channel](d.chat_id, part)
                if len(parts) > 1:
                    self.outbox.part_sent(d, i, len(parts))
            self.outbox.finish(d, "sent")
            self.stats.sent += 1
        except Blocked as e:
            self.outbox.finish(d, "blocked", str(e))
            self.stats.blocked += 1
        except RateLimited as e:
            self._pause(d.channel, e.retry_after)
            log.warning("flood control: pausing the %s sender %.1f s", d.channel, e.retry_after)
            self.outbox.retry(d, self.outbox.clock() + e.retry_after, "retry_after", count_attempt=False)
            self.stats.throttled += 1
        except KeptUnread as e:
            self.outbox.finish(d, "unread", str(e)[:200])
            self.stats.unread += 1
        except ChannelPaused as e:
            wait = max(1.0, e.until - self.outbox.clock())
            self._pause(d.channel, wait)
            self.outbox.retry(d, e.until, str(e)[:200], count_attempt=False)
            self.stats.paused += 1
            await self._tell_paused(d, e)
        except Undeliverable as e:
            self.outbox.finish(d, "failed", str(e)[:200])
            self.stats.failed += 1
        except Exception as e:  # noqa: BLE001 - Transient, or anything unexpected: bounded retries
            attempts = d.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                log.warning("giving up on %s after %d attempts: %s", d.chat_id, attempts, e)
                self.outbox.finish(d, "failed", str(e)[:200])
                self.stats.failed += 1
            else:
                self.outbox.retry(d, self.outbox.clock() + min(self.backoff * 2.0 ** (attempts - 1), MAX_BACKOFF), str(e)[:200])
                self.stats.retried += 1
        finally:
            self._sem.release()

    def _pause(self, channel: str, seconds: float) -> None:
        self._pause_until[channel] = max(self._pause_until.get(channel, 0.0), time.monotonic() + seconds)

    async def _tell_paused(self, d: Delivery, e: ChannelPaused) -> None:
        """Once per announcement and channel per pause: audit it and tell the author. Once across restarts and
        workers too: the audit row is the record that it was told."""
        told = (d.channel, d.announcement_id, round(e.until))
        if told in self._paused_told:
            return
        self._paused_told.add(told)
        if not self.outbox.audit_pause(d.announcement_id, d.channel, e.reason, e.until):
            return
        label = self.outbox.channels.label(d.channel, self.texts)
        log.warning("%s: %s; announcement %s waits until %s", d.channel, e.reason, d.announcement_id, show(e.until))
        ann = self.outbox.announcement(d.announcement_id) or {}
        await self._say_to_author(ann, self.texts["news_paused"].format(id=d.announcement_id, channel=label,
                                                                        until=show(e.until)))

    def _parts(self, d: Delivery) -> list[str]:
        """The announcement as the channel's messages (split after escaping, at paragraph ends)."""
        key = (d.announcement_id, d.channel)
        if key not in self._split:
            self._split[key] = self.outbox.channels.split(d.channel, self._body(d.announcement_id))
        return self._split[key]

    def _body(self, aid: int) -> str:
        if aid not in self._bodies:
            row = self.outbox.announcement(aid) or {}
            self._bodies[aid] = self.texts["news_push"].format(text=row.get("text") or "")
        return self._bodies[aid]

    # -- housekeeping: due announcements, dead claims, leases, progress, summaries -------------------------
    def _recover(self) -> None:
        dead = [w for w in self.outbox.claimants() if w != self.worker and _dead_here(w)]
        n = self.outbox.recover(self.lease, dead)
        if n:
            log.warning("%d outbox rows claimed by a stopped sender are pending again", n)

    async def _housekeep(self, start: bool = True) -> None:
        if start:
            for aid in self.outbox.start_due():
                log.info("announcement %s: sending", aid)
            self._recover()
        if len(self._last_chat) > 10_000:  # only the last second matters
            cutoff = time.monotonic() - max(self.per_chats.values(), default=PER_CHAT_SECONDS)
            self._last_chat = {k: t for k, t in self._last_chat.items() if t >= cutoff}
        if time.monotonic() - self._heartbeat_at >= self.lease / 3:
            self.outbox.heartbeat(self.worker)
            self._heartbeat_at = time.monotonic()
        for ann in self.outbox.sending():
            done = self.outbox.complete(ann["id"])
            if done is not None:
                self.stats.finished.append(ann["id"])
                self.outbox.audit(ann["author"], "finished", ann["id"], **_outcome(done),
                                  channels=self.outbox.counts_by_channel(ann["id"]))
                await self._tell_author(ann, done, final=True)
            elif self.outbox.take_progress_turn(ann["id"], self.progress_every):
                await self._tell_author(ann, self.outbox.counts(ann["id"]), final=False)

    async def _tell_author(self, ann: dict, counts: dict, final: bool) -> None:
        if self.report is not None:
            self.report(ann, counts, final)
        if self.deliverers.get(ann.get("author_channel") or "") is None or not ann.get("author_chat"):
            return
        left = counts["pending"] + counts["sending"]
        text = self.texts["news_done" if final else "news_progress"].format(
            id=ann["id"], total=sum(counts.values()), eta=max(1, round(left / self.rate / 60)) if left else 0,
            **_outcome(counts))
        by_channel = self.outbox.counts_by_channel(ann["id"])
        if len(by_channel) > 1 or any(c.get("unread") or c.get("read") for c in by_channel.values()):
            text += "".join("\n" + self.texts["news_channel_line"].format(
                channel=self.outbox.channels.label(name, self.texts), unread=c["unread"] + c["read"], **_outcome(c))
                for name, c in sorted(by_channel.items()))
        await self._say_to_author(ann, text)

    async def _say_to_author(self, ann: dict, text: str) -> None:
        deliver = self.deliverers.get(ann.get("author_channel") or "")
        if deliver is None or not ann.get("author_chat"):
            return
        try:
            self._last_chat[(ann["author_channel"], ann["author_chat"])] = time.monotonic()
            await deliver(ann["author_chat"], text)
        except DeliveryError as e:
            log.warning("could not report on announcement %s to its author: %s", ann["id"], e)


def _outcome(counts: dict) -> dict[str, int]:
    return {k: counts.get(k, 0) for k in ("sent", "failed", "blocked", "skipped")}


async def _sleep(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep, waking early when stop is set; True if stopped."""
    if seconds <= 0:
        return stop.is_set()
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True
