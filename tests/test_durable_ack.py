"""Acknowledge only what is committed: the real `labor-bot serve`, 200 webhook updates, kill -9, restart.

Each update comes from its own user, so each must get exactly one answer (plus the one-time offer of
notices). The fake Bot API's log is the judge.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from bot.inbox import Inbox
from bot.store import Store
from fake_bot_api import FakeBotAPI
from handlers.telegram import POOL_SIZE
from serve_proc import SECRET_HEADER, WEBHOOK_SECRET, BotProcess, answers, update

N = 200
QUESTION = "泸州创业贷款能贷多少"


@pytest.fixture
async def fake():
    api = await FakeBotAPI(token="777001:durable-ack-test-token").start()
    yield api
    await api.stop()


async def post_all(url: str, updates: list[dict], parallel: int = 4) -> list[int]:
    """POST every update (a few at a time, as Telegram does), in order within each lane."""
    statuses: list[int] = [0] * len(updates)
    async with aiohttp.ClientSession() as http:
        async def lane(k: int) -> None:
            for i in range(k, len(updates), parallel):
                async with http.post(url, json=updates[i], headers={SECRET_HEADER: WEBHOOK_SECRET}) as r:
                    statuses[i] = r.status
        await asyncio.gather(*(lane(k) for k in range(parallel)))
    return statuses


async def run_kill_restart(tmp_path, fake, env: dict) -> tuple[dict[int, int], BotProcess, float]:
    chats = list(range(50_001, 50_001 + N))
    bot = BotProcess(tmp_path, "serve", fake.base_url, fake.token, tmp_path / "ack.sqlite", env=env)
    await bot.start()
    t0 = time.monotonic()
    statuses = await post_all(bot.url, [update(i + 1, chat, QUESTION) for i, chat in enumerate(chats)])
    bot.kill9()  # right after the last 200
    elapsed = time.monotonic() - t0
    assert bot.proc is not None
    await bot.proc.wait()
    assert statuses == [200] * N
    await bot.start()
    await fake.wait_for(lambda: all(answers(fake, chats).values()), timeout=60)
    await asyncio.sleep(0.5)  # anything answered twice would show up now
    counts = answers(fake, chats)
    assert await bot.stop() == 0
    return counts, bot, elapsed


async def test_kill9_after_200_acknowledged_updates_then_restart_answers_each_once(tmp_path, fake):
    counts, bot, elapsed = await run_kill_restart(tmp_path, fake, {})
    assert sorted(set(counts.values())) == [1], {c: n for c, n in counts.items() if n != 1}
    assert "Traceback" not in bot.output()
    db = Store(tmp_path / "ack.sqlite").db
    assert db.execute("select count(*), sum(case when status = 'done' then 1 else 0 end), count(payload) "
                      "from inbox").fetchone() == (N, N, 0)
    print(f"\n{N} updates acknowledged in {elapsed:.2f} s, kill -9, restart: {sum(counts.values())} answers")


async def test_updates_acknowledged_before_being_answered_are_replayed_after_kill9(tmp_path, fake):
    """LABOR_BOT_ACK_WAIT_SECONDS=0: the 200 goes out as soon as the update is stored, so at the kill most
    are unanswered; the restart answers them from the inbox. The engine's writes and the reply it decided are
    one transaction, each reply crossed off as it goes out: a replay never asks the engine again, and only a
    reply whose send was in flight at the instant of the kill (at most POOL_SIZE) is sent twice."""
    fake.latency = 0.5  # a slow Bot API: the worker falls behind the acknowledgements
    counts, bot, _ = await run_kill_restart(tmp_path, fake, {"LABOR_BOT_ACK_WAIT_SECONDS": "0"})
    assert min(counts.values()) == 1
    twice = sum(1 for n in counts.values() if n > 1)
    assert twice <= POOL_SIZE and max(counts.values()) <= 2
    store = Store(tmp_path / "ack.sqlite")
    try:  # the engine ran once per update: each user's question is logged once
        asked = dict(store.db.execute("select user_id, count(*) from questions group by user_id").fetchall())
    finally:
        store.close()
    assert asked == {str(c): 1 for c in counts}
    assert "handled now" in bot.output(2), bot.output()  # the restart said it replays acknowledged updates
    print(f"\nack before answer: {N} answered after kill -9 and restart, {twice} twice")


def test_inbox_contract_for_any_channel(tmp_path):
    """The API the WeChat channel uses for MsgId: accept (dedupe, committed), claim, done, recover."""
    store = Store(tmp_path / "inbox.sqlite")
    inbox = Inbox(store)
    assert inbox.accept("wechat", "6054768590064713728", {"Content": "你好"}, user_id="oABC")
    assert not inbox.accept("wechat", "6054768590064713728", {"Content": "你好"})  # WeChat retrying
    assert inbox.accept("telegram", "6054768590064713728", {"x": 1})  # ids are per channel
    [item] = inbox.claim("wechat", "host:999999999:w", 10)
    assert item.payload == {"Content": "你好"} and item.attempts == 1
    assert inbox.claim("wechat", "other", 10) == []
    assert inbox.recover("me", lease=0) == 1  # a claim older than the lease is pending again
    [again] = inbox.claim("wechat", "w2", 10)
    inbox.done(again)
    assert inbox.status("wechat", again.external_id) == "done" and inbox.pending("wechat") == 0
    row = store.db.execute("select payload from inbox where channel = 'wechat'").fetchone()
    assert row == (None,)  # the user's text is not kept once answered
    store.close()
