"""Telegram throughput: 200 users × 10 questions through getUpdates to the running bot (real PTB,
fake Bot API server on loopback), next to a bare PTB echo bot measured the same way in the same run.

Prints updates answered per second, p50/p99 reply latency, the ratio to the echo bot, and whether
every user's replies came back in the order of their questions.

  python benchmarks/telegram_throughput.py [--users 200] [--questions 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from telegram import Update  # noqa: E402
from telegram.ext import Application, MessageHandler, filters  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.config import Config  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.kb import load_kb  # noqa: E402
from bot.matcher import Index, Matcher  # noqa: E402
from bot.models import Incoming  # noqa: E402
from bot.store import Store  # noqa: E402
from fake_bot_api import FakeBotAPI  # noqa: E402
from handlers.telegram import build_app, run_polling  # noqa: E402

QUESTIONS = ["泸州创业贷款能贷多少", "泸定培训补贴", "泸州 劳务经纪人补助", "泸定 技能大师工作室", "泸州 川字号奖补",
             "泸定 贫困户培训生活费", "泸州 高新技术企业税", "泸定 返乡创业", "泸州 用地", "泸定 商标"]


def echo_app(api: FakeBotAPI) -> Application:
    async def echo(update: Update, context) -> None:
        await context.bot.send_message(update.effective_chat.id, update.effective_message.text)

    app = (Application.builder().token(api.token).base_url(api.base_url).concurrent_updates(True)
           .request(HTTPXRequest(connection_pool_size=64, httpx_kwargs={"trust_env": False}))
           .get_updates_request(HTTPXRequest(read_timeout=40, httpx_kwargs={"trust_env": False})).build())
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


async def drive(api: FakeBotAPI, users: int, per_user: int) -> dict:
    pushed: dict[tuple[int, int], float] = {}
    t0 = time.monotonic()
    for i in range(per_user):
        for u in range(users):
            uid = 1000 + u
            api.message(uid, QUESTIONS[i % len(QUESTIONS)])
            pushed[(uid, i)] = time.monotonic()
    total = users * per_user
    await api.wait_for(lambda: len(api.sent) >= total, timeout=600)
    t1 = max(s["t"] for s in api.sent)
    by_user: dict[int, list[dict]] = {}
    for s in api.sent:
        by_user.setdefault(int(s["chat_id"]), []).append(s)
    lat = sorted(s["t"] - pushed[(uid, i)] for uid, ss in by_user.items() for i, s in enumerate(ss))
    return {"rate": total / (t1 - t0), "p50": statistics.median(lat) * 1000,
            "p99": lat[int(0.99 * (len(lat) - 1))] * 1000, "by_user": by_user}


async def run(users: int, per_user: int) -> None:
    # the bare echo bot: the ceiling for any PTB bot on this machine
    api = await FakeBotAPI().start()
    app = echo_app(api)
    stop = asyncio.Event()
    await app.initialize()
    await app.updater.start_polling(timeout=1, poll_interval=0.0)
    await app.start()
    echo = await drive(api, users, per_user)
    echo_order = all([s["text"] for s in ss] == [QUESTIONS[i % len(QUESTIONS)] for i in range(per_user)]
                     for ss in echo["by_user"].values())
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    await api.stop()

    # our bot, same way
    kb = load_kb()
    matcher = Matcher(Index(kb))
    with tempfile.TemporaryDirectory() as tmp:
        expected_engine = Engine(kb, matcher, Store(":memory:"))
        expected = [(await expected_engine.handle(Incoming("x", QUESTIONS[i % len(QUESTIONS)])))[0].text
                    for i in range(per_user)]
        api = await FakeBotAPI().start()
        store = Store(Path(tmp) / "bench.sqlite")
        app = build_app(Config(telegram_token=api.token, telegram_base_url=api.base_url),
                        Engine(kb, matcher, store))
        task = asyncio.create_task(run_polling(app, stop, poll_timeout=1))
        await api.wait_for(lambda: api.methods("getUpdates"))
        ours = await drive(api, users, per_user)
        import html
        ours_order = all([html.unescape(s["text"]) for s in ss] == expected for ss in ours["by_user"].values())
        stop.set()
        await task
        await api.stop()
        store.close()

    n = users * per_user
    print(f"{users} users × {per_user} questions = {n} updates through getUpdates (fake Bot API on loopback)")
    print(f"echo bot : {echo['rate']:7.1f} updates/s  p50 {echo['p50']:7.0f} ms  p99 {echo['p99']:7.0f} ms  "
          f"order kept: {echo_order}")
    print(f"labor-bot: {ours['rate']:7.1f} updates/s  p50 {ours['p50']:7.0f} ms  p99 {ours['p99']:7.0f} ms  "
          f"order kept: {ours_order}")
    print(f"ratio    : {ours['rate'] / echo['rate']:.2f} of the echo bot's rate (goal ≥ 0.8)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--questions", type=int, default=10)
    a = ap.parse_args()
    asyncio.run(run(a.users, a.questions))


if __name__ == "__main__":
    main()
