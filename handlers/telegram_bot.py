"""The bot's ExtBot, with two calls PTB lacks: sendMessage without building a Message from Telegram's answer, and
getUpdates without building an Update of each (update_dicts).

Why: `Bot.send_message` turns every answer into a Message (its chat, its sender, its keyboard, each a frozen
object set attribute by attribute). Nothing of ours reads it, and under load that parsing was about a tenth of
`labor-bot run`'s CPU per update (benchmarks/telegram_throughput.py). Everything else (defaults, the rate limiter,
errors) is PTB's own: the call goes through Bot._post like every Bot method.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.ext import ExtBot

from handlers.telegram_http import ANSWER_UNREAD


class ReplyBot(ExtBot[dict]):
    async def update_dicts(self, offset: int | None = None, timeout: int = 0,
                           allowed_updates: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """get_updates(offset, timeout, allowed_updates) as Telegram answered it, unparsed: the inbox stores each
        dict as it came (as a webhook stores the request body) and a typed message is answered without an Update
        made of it (handlers/telegram_inbox.py's TextUpdate); the read timeout is the one get_updates sets."""
        data: dict[str, Any] = {"timeout": timeout, "offset": offset, "limit": None,
                                "allowed_updates": allowed_updates}
        read_timeout = (self._request[0].read_timeout or 0) + (timeout or 0)
        return await self._post("getUpdates", data, read_timeout=read_timeout)

    async def send_text(self, chat_id: int, text: str, *, parse_mode: str | None = None,
                        reply_markup: InlineKeyboardMarkup | dict | None = None,
                        rate_limit_args: dict[str, Any] | None = None) -> None:
        """send_message(chat_id, text, parse_mode=…, reply_markup=…, rate_limit_args=…), answer unread."""
        data: dict[str, Any] = {"chat_id": chat_id, "text": text, "parse_mode": parse_mode,
                                "reply_markup": reply_markup}
        unread = ANSWER_UNREAD.set(True)  # the answer is not decoded either (handlers/telegram_http.py)
        try:
            await self._post("sendMessage", data, api_kwargs=self._merge_api_rl_kwargs(None, rate_limit_args))
        finally:
            ANSWER_UNREAD.reset(unread)
