"""The outgoing pacer (bot/pacer.py) and Telegram's pipeline through it (handlers/telegram_pace.py):
even spacing, replies before announcements, per-chat spacing, one pause per flood-control storm."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.config import Config
from bot.pacer import ANNOUNCE, MORE, REPLY, Pacer
from fake_bot_api import FakeBotAPI
from handlers.telegram_pace import ANNOUNCE_ARGS, PacedRequests


async def timed(pacer: Pacer, chat, priority=REPLY, **kw) -> tuple:
    g = await pacer.acquire(chat, priority, **kw)
    return chat, priority, g.at


async def test_slots_are_evenly_spaced_at_the_rate():
    pacer = Pacer(50)
    grants = await asyncio.gather(*(timed(pacer, i) for i in range(20)))
    times = sorted(t for *_, t in grants)
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.75 * 0.02 - 1e-6  # late slots keep the schedule
    assert times[-1] - times[0] < 0.02 * 19 + 0.1


async def test_a_reply_overtakes_queued_announcements():
    pacer = Pacer(20)
    order: list[str] = []

    async def one(name, chat, priority):
        await pacer.acquire(chat, priority)
        order.append(name)

    anns = [asyncio.create_task(one(f"a{i}", 100 + i, ANNOUNCE)) for i in range(6)]
    await asyncio.sleep(0.01)  # a0 went at once; a1…a5 are queued
    assert pacer.waiting() == (0, 0, 5)
    await one("reply", 7, REPLY)
    await asyncio.gather(*anns)
    assert order[:2] == ["a0", "reply"]
    assert pacer.stats.granted == [1, 0, 6]


async def test_first_answers_go_before_further_parts():
    pacer = Pacer(20)
    order: list[str] = []

    async def one(name, chat, priority):
        await pacer.acquire(chat, priority)
        order.append(name)

    await one("u1 part 1", 1, REPLY)
    queued = [asyncio.create_task(one("u1 part 2", 1, MORE)), asyncio.create_task(one("ann", 9, ANNOUNCE))]
    await asyncio.sleep(0.01)
    await asyncio.gather(one("u2 part 1", 2, REPLY), *queued)
    assert order == ["u1 part 1", "u2 part 1", "u1 part 2", "ann"]


async def test_per_chat_spacing():
    """Announcements to one chat ≥ announce_gap apart (others go between); private replies are not spaced;
    a group chat gets at most group_per_minute messages in any window."""
    pacer = Pacer(None, announce_gap=0.3, group_per_minute=3, group_window=0.6)
    t0 = time.monotonic()
    same = await asyncio.gather(*(timed(pacer, 5, ANNOUNCE) for _ in range(3)),
                                *(timed(pacer, 6 + i, ANNOUNCE) for i in range(3)))
    to5 = sorted(t for chat, _, t in same if chat == 5)
    assert [round(b - a, 1) for a, b in zip(to5, to5[1:])] == [0.3, 0.3]
    assert all(t - t0 < 0.05 for chat, _, t in same if chat != 5)  # other chats did not wait for chat 5

    replies = await asyncio.gather(*(timed(pacer, 9) for _ in range(5)))
    assert max(t for *_, t in replies) - min(t for *_, t in replies) < 0.05

    t1 = time.monotonic()
    group = await asyncio.gather(*(timed(pacer, -100, group=True) for _ in range(4)), timed(pacer, 11))
    times = sorted(t for chat, _, t in group if chat == -100)
    assert times[2] - t1 < 0.05 and times[3] - times[0] >= 0.6 - 1e-3  # the 4th waits for the window
    assert next(t for chat, _, t in group if chat == 11) - t1 < 0.05  # a private chat does not wait for it


async def test_a_flood_storm_pauses_the_channel_once():
    pacer = Pacer(None)
    grants = [await pacer.acquire(i) for i in range(10)]
    began = [pacer.flood(0.3, g) for g in grants]  # ten requests sent before the first 429 came back
    assert began == [True] + [False] * 9 and pacer.stats.pauses == 1 and pacer.stats.floods == 10
    t0 = time.monotonic()
    again = await asyncio.gather(*(pacer.acquire(i) for i in range(10)))
    assert all(g.at - t0 >= 0.29 for g in again)
    assert pacer.flood(0.1, again[0]) is True and pacer.stats.pauses == 2  # a 429 after the pause: a new one


async def test_a_cancelled_waiter_leaves_the_queue():
    pacer = Pacer(10)
    await pacer.acquire(1)
    task = asyncio.create_task(pacer.acquire(2))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert pacer.waiting() == (0, 0, 0)
    await asyncio.wait_for(pacer.acquire(3), 1)


def test_the_registry_declares_each_channels_pacing(channels):
    config = Config(telegram_rate=27.0, wechat_rate=33.0)
    tg = channels.pacer("telegram", config)
    assert (tg.rate, tg.group_max, tg.announce_gap) == (27.0, 20, 1.0)
    assert channels.pacer("wechat", config).rate == 33.0
    assert channels.pacer("console", config).rate is None


# -- Telegram: real PTB (ExtBot with our rate limiter) against the fake Bot API ---------------------------------
@pytest.fixture
async def fake():
    api = await FakeBotAPI().start()
    yield api
    await api.stop()


def paced_bot(fake: FakeBotAPI, pacer: Pacer) -> ExtBot:
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # as build_app does: RetryAfter.retry_after as a timedelta
    return ExtBot(fake.token, base_url=fake.base_url, rate_limiter=PacedRequests(pacer),
                  request=HTTPXRequest(connection_pool_size=8, httpx_kwargs={"trust_env": False}))


async def test_telegram_429s_pause_the_channel_once_and_replies_are_retried(fake):
    pacer = Pacer(None)
    for _ in range(5):
        fake.fail["sendMessage"].append((429, "Too Many Requests: retry after 1", 1))
    async with paced_bot(fake, pacer) as bot:
        t0 = time.monotonic()
        await asyncio.gather(*(bot.send_message(100 + i, f"m{i}") for i in range(5)))
    assert sorted(int(s["chat_id"]) for s in fake.sent) == [100, 101, 102, 103, 104]
    assert pacer.stats.pauses == 1 and pacer.stats.floods == 5
    calls = [t for m, _, t in fake.calls if m == "sendMessage"]
    assert len(calls) == 10  # five 429s, five retries after the one pause: no storm
    assert all(t - t0 >= 1.0 for t in calls[5:])


async def test_telegram_reply_overtakes_queued_announcements(fake):
    pacer = Pacer(10)
    async with paced_bot(fake, pacer) as bot:
        anns = [asyncio.create_task(bot.send_message(200 + i, f"ann{i}", rate_limit_args=ANNOUNCE_ARGS))
                for i in range(6)]
        await asyncio.sleep(0.03)
        await bot.send_message(7, "reply")
        await asyncio.gather(*anns)
    texts = [s["text"] for s in fake.sent]
    assert texts.index("reply") <= 1 and len(texts) == 7


# -- WeChat: the same Pacer in front of every customer-service and template send ----------------------------------
async def test_wechat_replies_overtake_announcements_through_the_same_pacer(store):
    from bot.channel_state import ChannelState
    from fake_wechat_api import APP_ID, APP_SECRET, FakeWeChatAPI
    from handlers.wechat_api import CHANNEL, WeChatAPI, user_key

    fake = await FakeWeChatAPI().start()
    state = ChannelState(store)
    try:
        async with WeChatAPI(fake.base_url, APP_ID, APP_SECRET, state, pacer=Pacer(10)) as api:
            for i in range(6):
                state.put(CHANNEL, user_key(f"o{i}"), str(time.time()))
            anns = [asyncio.create_task(api.deliver_announcement(f"wechat:o{i}", f"ann{i}")) for i in range(6)]
            await asyncio.sleep(0.03)
            await api.send_text("reader", "reply")
            await asyncio.gather(*anns)
            assert api.pacer.stats.granted == [1, 0, 6]
        sent = [c["body"]["text"]["content"] for c in fake.calls if c["path"] == "/cgi-bin/message/custom/send"]
        assert sent.index("reply") <= 1 and len(sent) == 7
    finally:
        await fake.stop()


async def test_no_more_than_rate_plus_one_in_flight_or_answered_within_a_second():
    """However late requests leave after their slot, a server counting a sliding second sees ≤ rate + 1."""
    pacer = Pacer(3)  # window_max 4
    grants = [await pacer.acquire(i, tracked=True) for i in range(4)]  # all still in flight
    fifth = asyncio.create_task(pacer.acquire(9, tracked=True))
    await asyncio.sleep(0.6)
    assert not fifth.done()  # spacing alone would have let it go 1/3 s after the fourth
    pacer.done(grants[0])
    g = await asyncio.wait_for(fifth, 2)
    assert g.at - grants[0].at >= 1.0  # the answer of the first came now: the fifth waits for it to age


# -- the inbox worker: a slot is held until the reply is decided, not until it has been sent ----------------------
async def test_a_decided_reply_frees_its_slot_so_first_answers_of_a_burst_are_queued_early(store):
    """300 users at once, each answered in two parts at 30 messages/s: when an update kept its slot until both parts
    were out, the first answers of later users could not be queued before the second parts of earlier ones
    (benchmarks/burst.py: last answer 19.3 s; with the slot freed once the reply is decided, 10.8 s)."""
    from telegram.ext import ApplicationBuilder

    from bot.inbox import Inbox
    from handlers.telegram_inbox import InboxWorker

    app = ApplicationBuilder().token("1:x").build()
    worker = InboxWorker(app, Inbox(store), concurrency=1)
    await worker._sem.acquire()
    worker._held.add("1")
    waiting = asyncio.create_task(worker._sem.acquire())  # the next update
    await asyncio.sleep(0)
    assert not waiting.done()
    app.bot_data["inbox_decided"]("1")  # the reply to update 1 is decided; its parts wait for the pacer
    await asyncio.sleep(0)
    assert waiting.done()
    worker.decided("1")  # when its handling ends: the slot is not given back twice
    assert worker._sem.locked()
