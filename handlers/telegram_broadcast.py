"""Announcements over Telegram: PTB errors → the sender's delivery errors, and the sender's lifecycle
next to the bot (started with polling or the webhook server, stopped gracefully before them)."""

from __future__ import annotations

import asyncio
import logging

from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.announce import Blocked, Outbox, RateLimited, Sender, Transient, Undeliverable
from bot.announce.sender import Report
from bot.config import Config
from bot.engine import Engine
from handlers.telegram_pace import ANNOUNCE_ARGS
from handlers.telegram_send import retry_seconds, split_text

log = logging.getLogger(__name__)


def deliverer(bot):
    """deliver(chat_id, text) for the sender: one attempt, errors translated, no waiting here."""

    # through the bot's pacer (handlers/telegram_pace.py) as an announcement: only what replies leave
    paced = {"rate_limit_args": ANNOUNCE_ARGS} if getattr(bot, "rate_limiter", None) is not None else {}

    async def deliver(chat_id: str, text: str) -> None:
        try:
            for chunk in split_text(text):
                await bot.send_message(int(chat_id), chunk, parse_mode=ParseMode.HTML, **paced)
        except Forbidden as e:
            raise Blocked(e.message) from None
        except RetryAfter as e:
            raise RateLimited(retry_seconds(e)) from None
        except BadRequest as e:  # before NetworkError: PTB derives it from NetworkError
            raise Undeliverable(e.message) from None
        except (TimedOut, NetworkError) as e:
            raise Transient(str(e)) from None

    return deliver


def make_sender(bot, outbox: Outbox, texts: dict[str, str], config: Config, report: Report | None = None) -> Sender:
    return Sender(outbox, {"telegram": deliverer(bot)}, texts, rate=config.broadcast_rate,
                  concurrency=config.broadcast_concurrency, progress_every=config.progress_seconds, report=report)


class SenderTask:
    """The sender running beside the bot; stop() is graceful: in-flight messages are recorded first."""

    def __init__(self, bot, engine: Engine, config: Config):
        self.stop_event = asyncio.Event()
        self.sender = (make_sender(bot, engine.outbox, engine.kb.texts, config)
                       if engine.outbox is not None else None)
        self.task: asyncio.Task | None = None

    def start(self) -> None:
        if self.sender is not None:
            self.task = asyncio.create_task(self.sender.run(self.stop_event))

    async def stop(self) -> None:
        self.stop_event.set()
        if self.task is not None:
            try:
                await self.task
            except Exception:  # noqa: BLE001 - shutting down; the outbox keeps what is left
                log.exception("announcement sender stopped with an error")
