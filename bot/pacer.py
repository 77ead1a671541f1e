"""One outgoing pacer per channel: every message a channel sends (replies, edits, announcements) waits here.

- Overall: at most `rate` messages a second, evenly spaced (one every 1/rate s; a slot given late by up to a
  quarter interval keeps the schedule, so two are never closer than 3/4 of an interval), so a server counting
  messages in any sliding second sees at most about rate + 1 of them. And whatever the event loop's delays
  between a slot and its request leaving: a message is sent only while fewer than rate + 1 messages are in
  flight or were answered within the last second (`slot()` reports the answer), so such a server never sees
  more than rate + 1 in any second (a message arrives after its slot and before its answer). On a link with
  round trip r this caps the rate near (rate + 1) / (1 + r): about 27/s at 50 ms.
- Priorities: the first message answering someone (REPLY) before the further parts of answers (MORE), and both
  before announcements (ANNOUNCE): a slot goes to the highest priority that could go now, in arrival order
  within one; an announcement gets only what replies leave. (Under a burst everyone gets their answer
  first; a second part waits behind other people's first ones.)
- Per chat: a group chat gets at most `group_per_minute` messages in any 60 s; an announcement goes to a
  chat at least `announce_gap` s after the last message to it; replies in a private chat are not spaced.
- Flood control that still arrives (Telegram 429): `flood(retry_after, grant)` pauses the whole channel
  once; the other 429s of requests sent before that pause began belong to it and pause nothing more.

Why not a limiter library: aiolimiter's leaky bucket lets `max_rate` messages through at once and then
`max_rate` a second, so any sliding second can see up to twice the rate (a server enforcing 30 in any
sliding second answers 429); with a bucket of one it spaces evenly but has no priorities, and PTB's
AIORateLimiter is built on it (FIFO, every 429 sleeps per request). The arithmetic here is one "next
slot" time per channel, a deque per group chat and a last-sent time per chat; the rest is queueing.

Channel-neutral: the channel registry (bot.channels) declares each channel's pacing; the Telegram adapter
calls it from PTB's rate-limiter hook (handlers/telegram_pace.py), the WeChat API client before every
customer-service or template send.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

REPLY = 0  # the first message answering someone
MORE = 1  # the further parts of an answer
ANNOUNCE = 2  # announcements (and reports on them to their author)
PRIORITIES = 3
GROUP_WINDOW = 60.0  # seconds: group_per_minute counts messages in any window this long
LATE_MAKEUP = 0.25  # of an interval: a slot granted this late still keeps the schedule (see _grant)
_PRUNE_AT = 10_000  # per-chat bookkeeping entries kept before old ones are dropped


@dataclass(frozen=True)
class Grant:
    """A slot given: when, how many channel pauses had begun by then (see Pacer.flood), and whether it is a
    message whose answer is awaited (Pacer.done)."""

    at: float
    epoch: int
    tracked: bool = False


@dataclass
class PacerStats:
    granted: list[int] = field(default_factory=lambda: [0] * PRIORITIES)  # by priority: REPLY, MORE, ANNOUNCE
    pauses: int = 0  # channel pauses begun by a flood answer
    floods: int = 0  # flood answers reported (each pause absorbs the ones sent before it)
    max_wait: list[float] = field(default_factory=lambda: [0.0] * PRIORITIES)  # longest wait for a slot


@dataclass
class _Waiter:
    future: asyncio.Future
    chat: Hashable | None
    group: bool
    counts: bool
    since: float
    tracked: bool = False


class Pacer:
    def __init__(self, rate: float | None, *, group_per_minute: float = 0.0, announce_gap: float = 1.0,
                 group_window: float = GROUP_WINDOW, clock: Callable[[], float] = time.monotonic):
        if rate is not None and rate <= 0:
            raise ValueError("rate must be > 0 (None: not limited)")
        self.rate = rate
        self.interval = 1.0 / rate if rate else 0.0
        self.group_max, self.group_window = int(group_per_minute), group_window
        self.announce_gap = announce_gap
        self.clock = clock
        self.stats = PacerStats()
        self._queues: tuple[deque[_Waiter], ...] = tuple(deque() for _ in range(PRIORITIES))
        self._next = 0.0  # earliest time of the next counted slot
        self._until = 0.0  # paused until
        self._epoch = 0  # pauses begun
        self._last: dict[Hashable, float] = {}  # chat → time of its last message
        self._groups: dict[Hashable, deque[float]] = {}  # group chat → times of its messages in the last window
        self._timer: asyncio.TimerHandle | None = None
        self.window_max = int(rate) + 1 if rate else 0  # messages in flight or answered within the last second
        self._in_flight = 0
        self._answered: deque[float] = deque()

    def __repr__(self) -> str:
        return f"Pacer(rate={self.rate}, group_per_minute={self.group_max}, announce_gap={self.announce_gap})"

    # -- taking a slot -------------------------------------------------------------------------------------
    @asynccontextmanager
    async def slot(self, chat: Hashable | None = None, priority: int = REPLY, *, group: bool = False,
                   counts: bool = True) -> AsyncIterator[Grant]:
        """`async with pacer.slot(chat, priority) as grant:` send the message inside; its answer (or error) is
        recorded when the block ends."""
        grant = await self.acquire(chat, priority, group=group, counts=counts, tracked=True)
        try:
            yield grant
        finally:
            self.done(grant)

    async def acquire(self, chat: Hashable | None = None, priority: int = REPLY, *, group: bool = False,
                      counts: bool = True, tracked: bool = False) -> Grant:
        """Wait for this message's turn. chat: where it goes (None: not a message to a chat); group: the chat
        is a group; counts=False: the call takes no message slot (an answer to a button press, getMe) but
        still waits out a pause; tracked: the caller reports the answer with done(grant) (slot() does)."""
        now = self.clock()
        w = _Waiter(None, chat, group, counts, now, tracked and counts)  # type: ignore[arg-type]
        if not any(self._queues[:priority + 1]) and self._ready_at(w, priority, now) <= now:
            return self._grant(w, priority, now)  # the common case: no queue, no wait, no yield
        w.future = asyncio.get_running_loop().create_future()
        self._queues[priority].append(w)
        self._wake(now)
        try:
            return await w.future
        except asyncio.CancelledError:
            if not w.future.done() or w.future.cancelled():
                try:
                    self._queues[priority].remove(w)
                except ValueError:
                    pass
            raise

    def done(self, grant: Grant) -> None:
        """The answer to a tracked message came (or it failed)."""
        if not grant.tracked:
            return
        now = self.clock()
        self._in_flight -= 1
        self._answered.append(now)
        if any(self._queues):
            self._wake(now)

    def flood(self, retry_after: float, grant: Grant | None = None) -> bool:
        """A flood-control answer (429, retry after N s) to a request sent under `grant`: pause the channel
        for retry_after, unless a pause began after that request was sent (it is the same storm). True if
        this answer began a pause."""
        self.stats.floods += 1
        if grant is not None and grant.epoch < self._epoch:
            return False
        now = self.clock()
        self._epoch += 1
        self.stats.pauses += 1
        self._until = max(self._until, now + max(0.0, retry_after))
        self._wake(now)
        return True

    def paused_for(self) -> float:
        return max(0.0, self._until - self.clock())

    def waiting(self) -> tuple[int, ...]:
        """Waiters by priority (REPLY, MORE, ANNOUNCE)."""
        return tuple(len(q) for q in self._queues)

    # -- the arithmetic ----------------------------------------------------------------------------------------
    def _ready_at(self, w: _Waiter, priority: int, now: float) -> float:
        t = self._until
        if w.counts:
            t = max(t, self._next)
            if self.window_max:
                answered = self._answered
                while answered and answered[0] <= now - 1.0:
                    answered.popleft()
                over = self._in_flight + len(answered) - self.window_max + 1
                if over > 0:  # wait until enough answers are a second old (or, all in flight, for an answer)
                    t = max(t, answered[over - 1] + 1.0 if over <= len(answered) else float("inf"))
            if w.group and self.group_max and w.chat is not None:
                sent = self._groups.get(w.chat)
                if sent:
                    while sent and sent[0] <= now - self.group_window:
                        sent.popleft()
                    if len(sent) >= self.group_max:
                        t = max(t, sent[-self.group_max] + self.group_window)
            if priority == ANNOUNCE and w.chat is not None and self.announce_gap:
                t = max(t, self._last.get(w.chat, -1e18) + self.announce_gap)
        return t

    def _grant(self, w: _Waiter, priority: int, now: float) -> Grant:
        if w.counts:
            # the next slot one interval after this one's: timer lateness up to LATE_MAKEUP of an interval is made up
            # (so the rate is kept), more is not (so a stall never turns into a burst)
            self._next = max(self._next, now - self.interval * LATE_MAKEUP) + self.interval
            if w.chat is not None:
                if len(self._last) > _PRUNE_AT:
                    self._prune(now)
                self._last[w.chat] = now
                if w.group and self.group_max:
                    self._groups.setdefault(w.chat, deque()).append(now)
        self.stats.granted[priority] += 1
        waited = now - w.since
        if waited > self.stats.max_wait[priority]:
            self.stats.max_wait[priority] = waited
        if w.tracked:
            self._in_flight += 1
        elif w.counts and self.window_max:
            self._answered.append(now)  # untracked: counted as answered at once
        return Grant(now, self._epoch, w.tracked)

    def _prune(self, now: float) -> None:
        self._last = {c: t for c, t in self._last.items() if t > now - self.announce_gap}
        self._groups = {c: d for c, d in self._groups.items() if d and d[-1] > now - self.group_window}

    # -- handing out slots -------------------------------------------------------------------------------------
    def _wake(self, now: float) -> None:
        """Hand out what is free now; set a timer for the earliest time anyone waiting could go."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        earliest = float("inf")
        while True:
            given = False
            for priority, queue in enumerate(self._queues):
                for w in list(queue):
                    if w.future.done():  # cancelled while waiting
                        queue.remove(w)
                        continue
                    t = self._ready_at(w, priority, now)
                    if t <= now:
                        queue.remove(w)
                        w.future.set_result(self._grant(w, priority, now))
                        given = True
                        break
                    earliest = min(earliest, t)
                    if t >= max(self._next, self._until) and w.counts and not w.group and priority != ANNOUNCE:
                        break  # FIFO: the replies behind this one wait for the same overall slot
                if given:
                    break
            if not given:
                break
            earliest = float("inf")
        if earliest < float("inf"):
            loop = asyncio.get_running_loop()
            self._timer = loop.call_at(loop.time() + max(0.0, earliest - now), self._tick)

    def _tick(self) -> None:
        self._timer = None
        self._wake(self.clock())
