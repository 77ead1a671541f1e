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
    from telegram.ext import ExtBot

    from handlers.telegram import POOL_SIZE, http_request
    from handlers.telegram_broadcast import deliverer
    from handlers.telegram_pace import paced

    # paced like the running bot (its own Pacer: another process); a bot running beside it shares the budget,
    # so `labor-bot announce --send` is for when the bot itself is not sending
    bot = ExtBot(config.telegram_token, base_url=config.telegram_base_url, request=http_request(),
                 rate_limiter=paced(config, in_flight=POOL_SIZE))
    async with bot:
        yield deliverer(bot)


# LABOR_BOT_ADMINS are Telegram user ids, so staff commands are open here only; pacing (bot.pacer): everything
# sent at most LABOR_BOT_TELEGRAM_RATE a second (Telegram allows about 30), 20 a minute to a group chat, an
# announcement at most one a second to a chat; announcements alone at most LABOR_BOT_BROADCAST_RATE a second
def split(text: str) -> list[str]:
    """Announcement parts: at most 4096 characters each after HTML escaping, cut at paragraph ends."""
    from handlers.telegram_send import split_paragraphs

    return split_paragraphs(text)


CHANNEL = Channel(name="telegram", label_key="channel_telegram", push=True, staff=True, per_chat=1.0,
                  connect=connect, configured=lambda config: bool(config.telegram_token),
                  needs="TELEGRAM_BOT_TOKEN", split=split,
                  send_rate=lambda config: config.telegram_rate, group_per_minute=20)
