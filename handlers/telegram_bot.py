"""The bot's ExtBot, with one call PTB lacks: sendMessage without building a Message from Telegram's answer.

Why: `Bot.send_message` turns every answer into a Message (its chat, its sender, its keyboard, each a frozen
object set attribute by attribute). Nothing of ours reads it, and under load that parsing was about a tenth of
`labor-bot run`'s CPU per update (benchmarks/telegram_throughput.py). Everything else (defaults, the rate limiter,
errors) is PTB's own: the call goes through Bot._post like every Bot method.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.ext import ExtBot


class ReplyBot(ExtBot[dict]):
    # the JSON of the last getUpdates answer, as Telegram sent it: the inbox stores these dicts (as a webhook stores
    # the request body) instead of turning each parsed Update back into one (Update.to_dict, ~5 % of an update's CPU)
    raw_updates: list[dict[str, Any]] | None = None

    async def _post(self, endpoint: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint == "getUpdates":
            object.__setattr__(self, "raw_updates", result)  # a Bot is frozen after __init__ (TelegramObject)
        return result

    async def send_text(self, chat_id: int, text: str, *, parse_mode: str | None = None,
                        reply_markup: InlineKeyboardMarkup | dict | None = None,
                        rate_limit_args: dict[str, Any] | None = None) -> None:
        """send_message(chat_id, text, parse_mode=…, reply_markup=…, rate_limit_args=…), answer unread."""
        data: dict[str, Any] = {"chat_id": chat_id, "text": text, "parse_mode": parse_mode,
                                "reply_markup": reply_markup}
        await self._post("sendMessage", data, api_kwargs=self._merge_api_rl_kwargs(None, rate_limit_args))
