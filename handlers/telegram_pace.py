"""Telegram's outgoing pipeline: every Bot API call of the bot (replies, edits, answers to button presses,
announcements) passes PTB's rate-limiter hook, which takes a slot from the channel's one Pacer (bot.pacer)
right before the HTTP request. getUpdates is never paced (PTB skips the hook for it).

- Messages (calls with a chat_id) take a message slot: LABOR_BOT_TELEGRAM_RATE a second overall, 20 a
  minute per group chat (negative chat ids), announcements 1 s apart per chat; calls without a chat
  (answerCallbackQuery, getMe, setMyCommands) take no slot but wait out a pause.
- Priority: announcements pass `rate_limit_args=ANNOUNCE_ARGS` and get only what replies leave.
- A 429 that still arrives pauses the whole channel once for retry_after (Pacer.flood); a reply is then
  tried again (up to REPLY_RETRIES times) after the pause; an announcement raises at once, so the
  sender records it and retries it later itself.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.pacer import ANNOUNCE, REPLY, Pacer
from handlers.telegram_send import retry_seconds

log = logging.getLogger(__name__)

ANNOUNCE_ARGS = {"priority": ANNOUNCE}
REPLY_RETRIES = 3


class PacedRequests(BaseRateLimiter[dict]):
    """PTB's rate-limiter interface over our Pacer: one per bot process, shared by the bot and its sender."""

    def __init__(self, pacer: Pacer, retries: int = REPLY_RETRIES):
        self.pacer, self.retries = pacer, retries

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(self, callback, args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: dict | None):
        priority = (rate_limit_args or {}).get("priority", REPLY)
        chat = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat = int(chat)
        group = isinstance(chat, str) or (isinstance(chat, int) and chat < 0)
        attempt = 0
        while True:
            grant = await self.pacer.acquire(chat, priority, group=group, counts=chat is not None)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as e:
                wait = retry_seconds(e)
                if self.pacer.flood(wait, grant):
                    log.warning("flood control on %s: the channel pauses %.1f s", endpoint, wait)
                if priority != REPLY or attempt >= self.retries:
                    raise
                attempt += 1


def paced(config) -> PacedRequests:
    """The rate limiter for a Bot of this process, from the channel registry's Telegram pacing."""
    from bot.channels import registry

    return PacedRequests(registry.pacer("telegram", config))
