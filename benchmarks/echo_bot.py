"""A bare python-telegram-bot echo bot (concurrent_updates(64), long polling), the ceiling for any PTB bot on
this machine; benchmarks/telegram_throughput.py runs it in its own process, like `labor-bot run`.

  TELEGRAM_BOT_TOKEN=… TELEGRAM_API_BASE_URL=http://127.0.0.1:PORT/bot python benchmarks/echo_bot.py

BENCH_POOL sets its connection pool (default: the same as labor-bot's, so both pay the same for HTTP).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update  # noqa: E402
from telegram.ext import Application, MessageHandler, filters  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from handlers.telegram import POOL_SIZE  # noqa: E402


async def echo(update: Update, context) -> None:
    # filters.TEXT: only updates with a text message in a chat reach here
    assert update.effective_chat is not None and update.effective_message is not None
    await context.bot.send_message(update.effective_chat.id, update.effective_message.text)


async def main() -> None:
    pool = int(os.environ.get("BENCH_POOL") or POOL_SIZE)
    app = (Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"])
           .base_url(os.environ["TELEGRAM_API_BASE_URL"]).concurrent_updates(64)
           .request(HTTPXRequest(connection_pool_size=pool, httpx_kwargs={"trust_env": False}))
           .get_updates_request(HTTPXRequest(read_timeout=40, httpx_kwargs={"trust_env": False})).build())
    app.add_handler(MessageHandler(filters.TEXT, echo))
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    assert app.updater is not None  # the builder's default Updater
    async with app:
        await app.updater.start_polling(timeout=30, poll_interval=0.0)
        await app.start()
        await stop.wait()
        await app.updater.stop()
        await app.stop()


if __name__ == "__main__":
    asyncio.run(main())
