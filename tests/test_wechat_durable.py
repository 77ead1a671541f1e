"""Acknowledge only what is committed, on WeChat: the real `labor-bot wechat`, N pushes each acknowledged, kill -9
right after the last acknowledgement, restart on the same database. The fake WeChat API's log is the judge.

LABOR_BOT_WECHAT_PASSIVE_SECONDS=0 makes every reply go over the customer-service API after the `success`
(the hard case: at the kill most are acknowledged and not yet answered); with the default the reply is in the
acknowledgement itself, and a restart must send nothing again.
"""

from __future__ import annotations

import asyncio
import signal

from bot.store import Store
from fake_wechat_api import FakeWeChatAPI, content_of, text_xml
from test_wechat import WxBot

N = 60
QUESTION = "泸州创业贷款能贷多少"
MARK = "万元"  # the answer states the loan ceiling


async def push_all(bot: WxBot, users: list[str], first_id: int, parallel: int = 4) -> list[str]:
    """Each user's question, a few at a time as WeChat does; the HTTP answers, in order."""
    push = bot.pusher()
    bodies: list[str] = [""] * len(users)

    async def lane(k: int) -> None:
        for i in range(k, len(users), parallel):
            status, body = await push.post(text_xml(users[i], QUESTION, first_id + i))
            assert status == 200, body
            bodies[i] = body
    await asyncio.gather(*(lane(k) for k in range(parallel)))
    return bodies


def answers(api: FakeWeChatAPI, users: list[str]) -> dict[str, int]:
    """How many times each user got their answer: its first part (a long answer comes in 2048-byte parts)."""
    out = {}
    for u in users:
        parts = api.texts_to(u)
        out[u] = sum(1 for t in parts if t == parts[0]) if parts and MARK in parts[0] else 0
    return out


def repeats(api: FakeWeChatAPI, users: list[str]) -> dict[str, int]:
    """Parts a user got more than once."""
    return {u: len(api.texts_to(u)) - len(set(api.texts_to(u))) for u in users}


def inbox_rows(db) -> tuple:
    """Through the store, so the PostgreSQL run reads the same rows (the file path is ignored there)."""
    store = Store(db)
    try:
        return tuple(store.db.execute("select count(*), sum(case when status = 'done' then 1 else 0 end), "
                                      "count(payload) from inbox where channel = 'wechat'").fetchone() or ())
    finally:
        store.close()


async def test_kill9_after_acknowledging_then_restart_answers_each_message_once(cli_env, tmp_path):
    api = await FakeWeChatAPI(latency=0.3).start()  # a slow API: the sends fall behind the acknowledgements
    db = tmp_path / "wx.sqlite"
    users = [f"oAck{i:03d}" for i in range(N)]
    bot = await WxBot(cli_env, api, db, LABOR_BOT_WECHAT_PASSIVE_SECONDS="0").start()
    try:
        bodies = await push_all(bot, users, 7_000_000)
        assert bot.proc is not None
        bot.proc.send_signal(signal.SIGKILL)  # right after the last acknowledgement
        await bot.proc.wait()
        assert set(bodies) == {"success"}
        before = answers(api, users)
        assert sum(before.values()) < N  # the kill did leave acknowledged messages unanswered
        api.latency = 0.0
        await bot.start()
        await api.wait_for(lambda: all(answers(api, users).values()), timeout=40)
        again = await push_all(bot, users[:8], 7_000_000)  # WeChat retrying some: answered already
        assert set(again) == {"success"}
        await asyncio.sleep(0.5)  # anything answered twice would show up now
        counts, parts_twice = answers(api, users), repeats(api, users)
        assert await bot.close() == 0
    finally:
        await bot.close()
        await api.stop()
    twice = sorted(u for u, n in parts_twice.items() if n)
    # only a part under way at the instant of the kill (it reached WeChat, not yet crossed off) can go out again:
    # one part per message at most, and no more messages than API connections (64)
    assert min(counts.values()) >= 1 and max(parts_twice.values()) <= 1 and len(twice) <= 64, twice
    assert inbox_rows(db) == (N, N, 0)  # every message done, nobody's text kept
    assert b"Traceback" not in bot.log and b"answered now" in bot.log
    print(f"\nWeChat: {N} acknowledged, {N - sum(before.values())} unanswered at kill -9; after restart "
          f"{sum(counts.values())} answers, {len(twice)} twice")


async def test_passive_replies_are_not_sent_again_after_kill9(cli_env, tmp_path):
    api = await FakeWeChatAPI().start()
    db = tmp_path / "wx.sqlite"
    users = [f"oPas{i:03d}" for i in range(20)]
    bot = await WxBot(cli_env, api, db).start()
    try:
        bodies = await push_all(bot, users, 8_000_000)
        assert bot.proc is not None
        bot.proc.send_signal(signal.SIGKILL)
        await bot.proc.wait()
        assert all(MARK in content_of(b) for b in bodies)  # each answered in its acknowledgement
        await bot.start()
        await asyncio.sleep(1.0)
        # a passive answer is crossed off once written: only one written at the instant of the kill (at most the
        # 4 requests in flight) is sent again over the API; the rest never
        again = [u for u, n in answers(api, users).items() if n]
        assert max(repeats(api, users).values()) == 0 and len(again) <= 4, again
    finally:
        await bot.close()
        await api.stop()
    assert inbox_rows(db)[:2] == (20, 20)
    print(f"\nWeChat passive: 20 answered in the acknowledgement, kill -9, restart: {len(again)} sent again")
