"""The sender on a real outbox with a recording channel: pacing, per-chat spacing, errors, stop, reports."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.announce import Blocked, Outbox, RateLimited, Sender, Transient, Undeliverable
from bot.announce.sender import MAX_ATTEMPTS
from conftest import present
from test_announce_outbox import queue, subscribe_many


class Channel:
    """Records deliveries; fail[chat] is a list of exceptions raised on successive attempts."""

    def __init__(self, delay: float = 0.0):
        self.log: list[tuple[str, str, float]] = []
        self.fail: dict[str, list[Exception]] = {}
        self.refused: list[tuple[str, float]] = []  # (chat, when) of each attempt that raised
        self.delay = delay

    async def __call__(self, chat_id: str, text: str) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        errors = self.fail.get(chat_id)
        if errors:
            self.refused.append((chat_id, time.monotonic()))
            raise errors.pop(0)
        self.log.append((chat_id, text, time.monotonic()))

    def to(self, chat_id: str) -> list[str]:
        return [t for c, t, _ in self.log if c == chat_id]


@pytest.fixture
def outbox(store):
    return Outbox(store)


def sender(outbox, channel, kb, **kw) -> Sender:
    kw.setdefault("poll", 0.02)
    return Sender(outbox, {"telegram": channel}, kb.texts, **kw)


async def run_until_done(s: Sender, outbox: Outbox, aid: int, timeout: float = 10) -> None:
    stop = asyncio.Event()
    await asyncio.wait_for(s.run(stop, until=lambda: present(outbox.announcement(aid))["status"] == "done"), timeout)


async def test_everyone_gets_it_once_at_the_rate_asked(outbox, kb):
    ids = subscribe_many(outbox, 40)
    aid = queue(outbox, text="培训班开班")
    ch = Channel()
    s = sender(outbox, ch, kb, rate=100)
    await run_until_done(s, outbox, aid)
    assert sorted(c for c, _, _ in ch.log) == sorted(ids)
    assert all("培训班开班" in t and "退订" in t for _, t, _ in ch.log)
    times = [t for _, _, t in ch.log]
    assert times[-1] - times[0] >= 39 / 100 * 0.95  # not faster than asked on average
    window = [sum(1 for u in times if t <= u < t + 0.2) for t in times]
    assert max(window) <= 22  # and never a burst: at most two over the rate in any fifth of a second
    assert present(outbox.announcement(aid))["sent"] == 40


async def test_one_chat_gets_at_most_one_message_a_second(outbox, kb):
    subscribe_many(outbox, 2)
    first, second = queue(outbox, text="一"), queue(outbox, text="二")
    ch = Channel()
    s = sender(outbox, ch, kb, rate=1000)
    await run_until_done(s, outbox, second)
    assert present(outbox.announcement(first))["status"] == "done"
    times = [t for c, _, t in ch.log if c == "1000"]
    assert len(times) == 2 and times[1] - times[0] >= 0.95


async def test_retry_after_pauses_everyone_then_retries(outbox, kb):
    ids = subscribe_many(outbox, 5)
    aid = queue(outbox)
    ch = Channel()
    ch.fail[ids[1]] = [RateLimited(1.0)]
    s = sender(outbox, ch, kb, rate=200, concurrency=1)
    await run_until_done(s, outbox, aid)
    assert sorted(c for c, _, _ in ch.log) == sorted(ids)
    assert s.stats.throttled == 1
    paused_at = next(t for c, t in ch.refused if c == ids[1])
    retried = next(t for c, _, t in ch.log if c == ids[1])
    assert retried - paused_at >= 0.95  # the refused message waited out retry_after
    # nobody was sent to during the pause, whatever order the recipients were claimed in
    assert not any(paused_at < t < paused_at + 0.95 for _, _, t in ch.log)


async def test_blocked_failed_and_transient_errors_are_recorded(outbox, kb, store):
    ids = subscribe_many(outbox, 4)
    aid = queue(outbox)
    ch = Channel()
    ch.fail[ids[0]] = [Blocked("403")]
    ch.fail[ids[1]] = [Undeliverable("chat not found")]
    ch.fail[ids[2]] = [Transient("timeout"), Transient("timeout")]  # then succeeds
    ch.fail[ids[3]] = [Transient("down")] * MAX_ATTEMPTS
    s = sender(outbox, ch, kb, rate=500, backoff=0.01, per_chat=0.01)
    await run_until_done(s, outbox, aid)
    row = outbox.announcement(aid)
    assert (row["sent"], row["failed"], row["blocked"]) == (1, 2, 1)
    assert outbox.subscription(ids[0]) is None
    assert store.db.execute("select attempts from deliveries where user_id = ?", [ids[3]]).fetchone()[0] == MAX_ATTEMPTS
    assert [e["action"] for e in outbox.audit_log()][0] == "finished"


async def test_someone_who_unsubscribes_mid_broadcast_is_skipped(outbox, kb):
    ids = subscribe_many(outbox, 3)
    aid = queue(outbox)
    outbox.start_due()
    outbox.unsubscribe(ids[2])
    ch = Channel()
    await run_until_done(sender(outbox, ch, kb, rate=500), outbox, aid)
    assert ch.to(ids[2]) == [] and present(outbox.announcement(aid))["skipped"] == 1


async def test_a_graceful_stop_records_what_is_in_flight_and_a_restart_repeats_nobody(outbox, kb):
    ids = subscribe_many(outbox, 60)
    aid = queue(outbox)
    ch = Channel(delay=0.05)
    stop = asyncio.Event()
    first = sender(outbox, ch, kb, rate=200, concurrency=4)
    task = asyncio.create_task(first.run(stop))
    while len(ch.log) < 15:
        await asyncio.sleep(0.01)
    stop.set()
    await task
    counts = outbox.counts(aid)
    assert counts["sending"] == 0 and 15 <= counts["sent"] < 60
    await run_until_done(sender(outbox, ch, kb, rate=200, concurrency=4), outbox, aid)
    delivered = [c for c, _, _ in ch.log]
    assert sorted(delivered) == sorted(ids)  # everyone exactly once


async def test_progress_and_a_summary_go_to_the_author(outbox, kb):
    subscribe_many(outbox, 30)
    draft = outbox.new_draft("77", "telegram", "通知")
    from bot.announce import Audience

    outbox.update_draft(draft["id"], audience=Audience().to_json())
    outbox.queue(draft["id"], "77", time.time(), 30)
    ch = Channel()
    reports = []
    s = sender(outbox, ch, kb, rate=40, progress_every=0.2, report=lambda a, c, f: reports.append(f))
    await run_until_done(s, outbox, draft["id"])
    to_author = ch.to("77")
    assert len(to_author) >= 2 and reports[-1] is True and reports.count(True) == 1
    assert "发送中" in to_author[0] and "发完了" in to_author[-1] and "送达 30" in to_author[-1]


async def test_a_scheduled_announcement_is_sent_when_due(outbox, kb):
    ids = subscribe_many(outbox, 2)
    aid = queue(outbox, at=time.time() + 1.0)
    ch = Channel()
    started = time.monotonic()
    await run_until_done(sender(outbox, ch, kb, rate=100), outbox, aid)
    assert sorted(c for c, _, _ in ch.log) == sorted(ids)
    assert ch.log[0][2] - started >= 0.9
