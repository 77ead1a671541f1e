"""Stop and kill the real `labor-bot run` mid-broadcast, restart it, and count deliveries per recipient from
the fake Bot API server's log. Also `labor-bot announce --send` from the shell."""

from __future__ import annotations

import asyncio
import json
import signal
import sys

import pytest

from bot.announce import Outbox
from bot.store import Store
from conftest import present
from fake_bot_api import FakeBotAPI

N = 60
CONCURRENCY = 4


@pytest.fixture
async def fake():
    api = await FakeBotAPI(latency=0.05).start()
    yield api
    await api.stop()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "bot.sqlite"
    store = Store(path)
    outbox = Outbox(store)
    for uid in range(5000, 5000 + N):
        outbox.subscribe(str(uid), "telegram", "luzhou" if uid % 2 else "luding", None)
    store.close()
    return path


def env_for(cli_env, fake, db, **extra) -> dict:
    return {**cli_env, "LABOR_BOT_DB": str(db), "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": fake.base_url, "LABOR_BOT_BROADCAST_RATE": "20",
            "LABOR_BOT_BROADCAST_CONCURRENCY": str(CONCURRENCY), **extra}


async def labor_bot(env: dict, *args: str) -> asyncio.subprocess.Process:
    """The real CLI; a long-running `run` writes nowhere, so an unread pipe can never block it."""
    out = asyncio.subprocess.DEVNULL if args[0] == "run" else asyncio.subprocess.PIPE
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", *args, env=env, stdout=out,
                                                stderr=out)


async def queue(env: dict, text: str, audience: str = "all") -> None:
    p = await labor_bot(env, "announce", "--text", text, "--audience", audience, "--yes")
    out, err = await p.communicate()
    assert p.returncode == 0, err.decode()


def delivered(fake: FakeBotAPI, text: str) -> dict[int, int]:
    counts = {uid: 0 for uid in range(5000, 5000 + N)}
    for s in fake.sent:
        if s["method"] == "sendMessage" and text in s["text"] and int(s["chat_id"]) in counts:
            counts[int(s["chat_id"])] += 1
    return counts


async def interrupt_mid_broadcast(fake, env, text: str, sig: int) -> dict[int, int]:
    await queue(env, text)
    bot = await labor_bot(env, "run")
    await fake.wait_for(lambda: sum(delivered(fake, text).values()) >= 15, timeout=30)
    bot.send_signal(sig)
    await asyncio.wait_for(bot.wait(), 30)
    return delivered(fake, text)


async def finish(fake, env, text: str) -> None:
    bot = await labor_bot(env, "run")
    try:
        await fake.wait_for(lambda: all(delivered(fake, text).values()), timeout=30)
        await asyncio.sleep(0.5)  # anything sent twice would show up by now
    finally:
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.wait(), 30)


async def test_sigterm_mid_broadcast_then_restart_delivers_to_everyone_exactly_once(fake, db, cli_env):
    env = env_for(cli_env, fake, db)
    before = await interrupt_mid_broadcast(fake, env, "优雅停止测试", signal.SIGTERM)
    assert 15 <= sum(before.values()) < N and max(before.values()) == 1
    outbox = Outbox(Store(db))
    assert outbox.counts(1)["sending"] == 0  # a graceful stop leaves nothing claimed
    await finish(fake, env, "优雅停止测试")
    assert set(delivered(fake, "优雅停止测试").values()) == {1}


async def test_sigkill_mid_broadcast_then_restart_skips_nobody_and_repeats_only_in_flight(fake, db, cli_env):
    env = env_for(cli_env, fake, db)
    before = await interrupt_mid_broadcast(fake, env, "强行终止测试", signal.SIGKILL)
    assert sum(before.values()) < N
    await finish(fake, env, "强行终止测试")
    after = delivered(fake, "强行终止测试")
    assert min(after.values()) == 1  # nobody skipped
    assert sum(after.values()) - N <= CONCURRENCY  # only what was in flight can repeat
    row = present(Outbox(Store(db)).announcement(1))
    assert row["status"] == "done" and row["sent"] == N


async def test_shell_announce_with_send_delivers_without_a_running_bot(fake, db, cli_env):
    env = env_for(cli_env, fake, db, LABOR_BOT_BROADCAST_RATE="200")
    p = await labor_bot(env, "announce", "--text", "泸州招聘会", "--audience", "luzhou", "--yes", "--send")
    out, err = await asyncio.wait_for(p.communicate(), 60)
    assert p.returncode == 0, err.decode()
    summary = json.loads(out.decode().strip().splitlines()[-1])
    assert summary["sent"] == summary["recipients"] == N // 2
    got = delivered(fake, "泸州招聘会")
    assert {u for u, n in got.items() if n} == {u for u in got if u % 2} and max(got.values()) == 1
    assert f"通知 #1 发完了：送达 {N // 2}" in err.decode()  # as a Telegram author is told
    audit = await labor_bot(env, "audit", "--json")
    lines = [json.loads(x) for x in (await audit.communicate())[0].decode().splitlines()]
    assert [x["action"] for x in lines] == ["queued", "finished"] and lines[1]["sent"] == N // 2


async def test_send_without_a_token_is_refused_before_queuing(db, cli_env):
    env = {**cli_env, "LABOR_BOT_DB": str(db)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    p = await labor_bot(env, "announce", "--text", "x", "--audience", "all", "--yes", "--send")
    _, err = await p.communicate()
    assert p.returncode == 2 and "TELEGRAM_BOT_TOKEN" in err.decode()
    assert Outbox(Store(db)).audit_log() == []

