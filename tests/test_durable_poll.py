"""Long polling loses no update: the real `labor-bot run` against the fake Bot API, 100 updates, kill -9 while
they are being answered (after the offset has moved past all of them), restart on the same database.

The offset moves past a batch only once it is in the inbox, so the restart takes what was not answered from the
inbox (Telegram will not give it again); a reply decided before the kill is sent from its row, the engine not asked
again. Each update comes from its own user; the fake Bot API's log is the judge.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.store import Store
from fake_bot_api import FakeBotAPI
from handlers.telegram import POOL_SIZE
from serve_proc import BotProcess
from test_durable_ack import QUESTION, answers

N = 100


@pytest.fixture
async def fake():
    api = await FakeBotAPI(token="777002:durable-poll-test-token").start()
    yield api
    await api.stop()


def offsets(fake: FakeBotAPI) -> list[int]:
    return [int(p.get("offset") or 0) for p in fake.methods("getUpdates")]


async def test_kill9_while_polled_updates_are_answered_then_restart_answers_each(tmp_path, fake):
    chats = list(range(60_001, 60_001 + N))
    fake.latency = 0.2  # a slow Bot API: answers are still going out when the kill comes
    bot = BotProcess(tmp_path, "run", fake.base_url, fake.token, tmp_path / "poll.sqlite")
    await bot.start()
    await fake.wait_for(lambda: fake.methods("getUpdates"), timeout=30)
    for chat in chats:
        fake.message(chat, QUESTION)
    # the batch is confirmed (the next getUpdates asks past it) and part of it answered
    await fake.wait_for(lambda: max(offsets(fake)) > N and sum(answers(fake, chats).values()) >= N // 5, timeout=30)
    bot.kill9()
    assert bot.proc is not None
    await bot.proc.wait()
    await asyncio.sleep(2 * fake.latency)  # sends the fake received before the kill are logged by now
    before = answers(fake, chats)
    answered_before = sum(1 for n in before.values() if n)
    assert answered_before < N, "the kill came too late to test anything"
    assert not fake.updates, "Telegram would not give the updates again: only the inbox has them"

    fake.latency = 0.0
    await bot.start()
    await fake.wait_for(lambda: all(answers(fake, chats).values()), timeout=30)
    await asyncio.sleep(0.5)  # anything answered twice would show up now
    counts = answers(fake, chats)
    assert await bot.stop() == 0
    twice = sorted(c for c, n in counts.items() if n > 1)
    # answered twice: only answers whose send was in flight at the kill (out, not yet crossed off on the inbox
    # row); the engine is not asked again for an update whose reply was decided
    assert max(counts.values()) <= 2 and all(before[c] == 1 for c in twice)
    assert len(twice) <= POOL_SIZE  # sends in the HTTP client at once
    store = Store(tmp_path / "poll.sqlite")
    try:
        asked = dict(store.db.execute("select user_id, count(*) from questions group by user_id").fetchall())
    finally:
        store.close()
    assert asked == {str(c): 1 for c in chats}
    assert "handled now" in bot.output(2), bot.output()
    assert "Traceback" not in bot.output()
    store = Store(tmp_path / "poll.sqlite")
    try:
        assert store.db.execute("select count(*), sum(case when status = 'done' then 1 else 0 end), count(payload) "
                                "from inbox where channel = 'telegram'").fetchone() == (N, N, 0)
    finally:
        store.close()
    print(f"\npolling: {answered_before} of {N} answered at kill -9, restart: all answered, {len(twice)} twice")


async def test_updates_fetched_but_not_yet_confirmed_are_fetched_again_and_stored_once(tmp_path, fake):
    """The same update given again (a crash kept the offset from moving, or Telegram retrying) is answered once."""
    bot = BotProcess(tmp_path, "run", fake.base_url, fake.token, tmp_path / "again.sqlite")
    await bot.start()
    await fake.wait_for(lambda: fake.methods("getUpdates"), timeout=30)
    first = fake.message(60_500, QUESTION)
    await fake.wait_for(lambda: answers(fake, [60_500])[60_500] == 1, timeout=15)
    fake.push(first, again=True)
    second = fake.message(60_501, QUESTION)
    await fake.wait_for(lambda: answers(fake, [60_501])[60_501] == 1, timeout=15)
    await asyncio.sleep(0.3)
    assert answers(fake, [60_500]) == {60_500: 1}
    assert await bot.stop() == 0
    assert second["update_id"] + 1 in offsets(fake)  # confirmed at the stop
    store = Store(tmp_path / "again.sqlite")
    try:
        assert store.db.execute("select count(*) from inbox where channel = 'telegram'").fetchone() == (2,)
    finally:
        store.close()
