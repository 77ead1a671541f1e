"""The Telegram channel's declaration (imports nothing from PTB until it sends)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.channels import Channel, Deliver


@asynccontextmanager
async def connect(config, store) -> AsyncIterator[Deliver | None]:
    """deliver(chat_id, text) over a Bot of its own (`labor-bot announce --send`); None without a token."""
    if not config.telegram_token:
        yield None
        return
    import os

    os.environ.setdefault("PTB_TIMEDELTA", "1")
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from handlers.telegram_broadcast import deliverer

    bot = Bot(config.telegram_token, base_url=config.telegram_base_url,
              request=HTTPXRequest(connection_pool_size=32, httpx_kwargs={"trust_env": False}))
    async with bot:
        yield deliverer(bot)


# LABOR_BOT_ADMINS are Telegram user ids, so staff commands are open here only; pacing: about 30
# messages/s per bot and one a second per chat, so LABOR_BOT_BROADCAST_RATE (default 25) applies
def split(text: str) -> list[str]:
    """Announcement parts: at most 4096 characters each after HTML escaping, cut at paragraph ends."""
    from handlers.telegram_send import split_paragraphs

    return split_paragraphs(text)


CHANNEL = Channel(name="telegram", label_key="channel_telegram", push=True, staff=True, per_chat=1.0,
                  connect=connect, configured=lambda config: bool(config.telegram_token),
                  needs="TELEGRAM_BOT_TOKEN", split=split)
