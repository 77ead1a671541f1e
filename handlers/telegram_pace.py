"""Telegram's outgoing pipeline: every Bot API call of the bot (replies, edits, answers to button presses,
announcements) passes PTB's rate-limiter hook, which takes a slot from the channel's one Pacer (bot.pacer)
right before the HTTP request. getUpdates is never paced (PTB skips the hook for it).

- Messages (calls with a chat_id) take a message slot: LABOR_BOT_TELEGRAM_RATE a second overall, 20 a
  minute per group chat (negative chat ids), announcements 1 s apart per chat; calls without a chat
  (answerCallbackQuery, getMe, setMyCommands) take no slot but wait out a pause.
- Priority: a call is a first answer (REPLY) unless it passes `rate_limit_args=MORE_ARGS` (the further parts
  of an answer) or `ANNOUNCE_ARGS` (announcements get only what replies leave).
- A 429 that still arrives pauses the whole channel once for retry_after (Pacer.flood); a reply is then
  tried again (up to REPLY_RETRIES times) after the pause; an announcement raises at once, so the
  sender records it and retries it later itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.pacer import ANNOUNCE, REPLY, Pacer
from handlers.telegram_send import MORE_ARGS, retry_seconds  # noqa: F401 - MORE_ARGS re-exported

log = logging.getLogger(__name__)

ANNOUNCE_ARGS = {"priority": ANNOUNCE}
REPLY_RETRIES = 3


class PacedRequests(BaseRateLimiter[dict]):
    """PTB's rate-limiter interface over our Pacer: one per bot process, shared by the bot and its sender."""

    def __init__(self, pacer: Pacer, retries: int = REPLY_RETRIES, in_flight: int | None = None):
        """in_flight: at most this many requests handed to the HTTP client at once (its pool size), so that
        requests queue here, by priority and at no cost, not in httpcore's pool (scanned on every request)."""
        self.pacer, self.retries = pacer, retries
        self._in_flight = asyncio.Semaphore(in_flight) if in_flight else None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(self, callback, args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: dict | None):
        priority = (rate_limit_args or {}).get("priority", REPLY)
        chat: Any = data.get("chat_id")  # an int, a numeric string or an @channel name
        with contextlib.suppress(ValueError, TypeError):
            chat = int(chat)
        group = isinstance(chat, str) or (isinstance(chat, int) and chat < 0)
        attempt = 0
        while True:
            grant = await self.pacer.acquire(chat, priority, group=group, counts=chat is not None, tracked=True)
            try:
                if self._in_flight is None:
                    return await callback(*args, **kwargs)
                async with self._in_flight:
                    return await callback(*args, **kwargs)
            except RetryAfter as e:
                wait = retry_seconds(e)
                if self.pacer.flood(wait, grant):
                    log.warning("flood control on %s: the channel pauses %.1f s", endpoint, wait)
                if priority == ANNOUNCE or attempt >= self.retries:
                    raise
                attempt += 1
            finally:
                self.pacer.done(grant)


def paced(config, in_flight: int | None = None) -> PacedRequests:
    """The rate limiter for a Bot of this process, from the channel registry's Telegram pacing."""
    from bot.channels import registry

    return PacedRequests(registry.pacer("telegram", config), in_flight=in_flight)
