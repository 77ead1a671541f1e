"""Announcement sender: 10,000 recipients through the real outbox (SQLite file) and PTB to a fake Bot API
server on loopback.

1. Rate set high, server without limits: the sender's achieved rate next to a bare PTB loop that sends
   the same number of messages with the same concurrency and no outbox. Close to 1.0 means the
   sender is not the bottleneck.
2. Default rate (25/s), server enforcing Telegram's limits (30 messages/s overall, 1/s per chat,
   429 with retry_after beyond): wall time against the floor N / rate, and the number of 429s.

  python benchmarks/broadcast.py [--n 10000] [--rate 25] [--skip-default]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from telegram import Bot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.announce import Audience, Outbox  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.kb import load_kb  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.sqlite import SqliteDatabase  # noqa: E402
from fake_bot_api import FakeBotAPI  # noqa: E402
from handlers import register_channels  # noqa: E402
from handlers.telegram_broadcast import make_sender  # noqa: E402

register_channels()  # the composition root's job: Telegram can be pushed to


def bot_for(api: FakeBotAPI, pool: int) -> Bot:
    return Bot(api.token, base_url=api.base_url,
               request=HTTPXRequest(connection_pool_size=pool, httpx_kwargs={"trust_env": False}))


def outbox_with(n: int, folder: Path, name: str) -> tuple[Store, Outbox, int]:
    store = Store(folder / f"{name}.sqlite")
    outbox = Outbox(store)
    sqlite = store.db
    assert isinstance(sqlite, SqliteDatabase)  # a file: SQLite, written through its connection in bulk
    with sqlite.conn:
        sqlite.conn.executemany(
            "insert into subscriptions (user_id, channel, chat_id, region, topics, created, updated) "
            "values (?, 'telegram', ?, null, null, ?, ?)",
            [(str(10_000 + i), str(10_000 + i), i, i) for i in range(n)])
    draft = outbox.new_draft("shell:bench", "shell", "培训班开班通知")
    outbox.update_draft(draft["id"], audience=Audience().to_json())
    outbox.queue(draft["id"], "shell:bench", time.time(), n)
    return store, outbox, draft["id"]


async def run_sender(api: FakeBotAPI, n: int, rate: float, concurrency: int, folder: Path, name: str) -> dict:
    store, outbox, aid = outbox_with(n, folder, name)
    config = Config(broadcast_rate=rate, broadcast_concurrency=concurrency, progress_seconds=3600)
    kb = load_kb()
    async with bot_for(api, max(concurrency, 8)) as bot:
        sender = make_sender(bot, outbox, kb.texts, config)
        sent_before = len(api.sent)
        t0 = time.monotonic()
        def done() -> bool:
            row = outbox.announcement(aid)
            assert row is not None
            return row["status"] == "done"

        await sender.run(asyncio.Event(), until=done)
        wall = time.monotonic() - t0
    msgs = [s for s in api.sent[sent_before:] if s["method"] == "sendMessage"]
    first, last = msgs[0]["t"], msgs[-1]["t"]
    row = outbox.announcement(aid)
    assert row is not None
    store.close()
    return {"wall": wall, "span": last - first, "sent": row["sent"], "failed": row["failed"],
            "throttled_by_sender": sender.stats.throttled, "rate": row["sent"] / wall}


async def bare_loop(api: FakeBotAPI, n: int, concurrency: int) -> float:
    """The same number of sendMessage calls with the same concurrency and nothing else: the ceiling."""
    sem = asyncio.Semaphore(concurrency)
    async with bot_for(api, max(concurrency, 8)) as bot:
        async def one(i: int) -> None:
            async with sem:
                await bot.send_message(20_000 + i, "培训班开班通知")

        t0 = time.monotonic()
        await asyncio.gather(*(one(i) for i in range(n)))
        return n / (time.monotonic() - t0)


async def main(args) -> None:
    folder = Path(tempfile.mkdtemp(prefix="labor-bot-bench-"))
    api = await FakeBotAPI().start()
    try:
        print(f"1. rate set high (1,000,000/s), no server limits, {args.n} recipients")
        for conc in (8, 32):
            bare = await bare_loop(api, args.n, conc)
            res = await run_sender(api, args.n, 1_000_000, conc, folder, f"high{conc}")
            print(f"   concurrency {conc:>2}: sender {res['rate']:7.0f} msg/s (sent {res['sent']}, failed "
                  f"{res['failed']}), bare PTB loop {bare:7.0f} msg/s, ratio {res['rate'] / bare:.2f}")
    finally:
        await api.stop()
    if args.skip_default:
        return
    limited = await FakeBotAPI(max_per_second=30, chat_interval=1.0).start()
    try:
        floor = args.n / args.rate
        print(f"2. rate {args.rate:g}/s, server enforcing 30/s overall and 1/s per chat, {args.n} recipients")
        res = await run_sender(limited, args.n, args.rate, 8, folder, "default")
        print(f"   wall {res['wall']:.1f} s (first→last message {res['span']:.1f} s) vs floor N/rate {floor:.1f} s: "
              f"{(res['wall'] / floor - 1) * 100:+.2f} %; sent {res['sent']}, failed {res['failed']}; "
              f"429s from the server: {limited.throttled}")
    finally:
        await limited.stop()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=10_000, help="recipients (default 10000)")
    p.add_argument("--rate", type=float, default=25.0, help="the rate for part 2 (default 25, the default setting)")
    p.add_argument("--skip-default", action="store_true", help="only part 1 (part 2 takes N / rate seconds)")
    asyncio.run(main(p.parse_args()))
