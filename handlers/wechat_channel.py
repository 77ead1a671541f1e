"""The WeChat 公众号 channel's declaration (imports nothing heavy until it sends).

Pushing works through the customer-service API within 48 hours of the user's last message, else a
template message (WECHAT_TEMPLATE_ID), else the notice is kept unread for their next reply; see
handlers/wechat_api.py. Staff commands are not open here (staff use Telegram or `labor-bot announce`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.channels import Channel, Deliver

NAME = "wechat"
RATE = 20.0  # announcement messages per second over all chats; leaves room for replies and token calls


@asynccontextmanager
async def connect(config, store) -> AsyncIterator[Deliver | None]:
    """deliver(chat_id, text) over the WeChat API; None without WECHAT_APP_ID and WECHAT_APP_SECRET."""
    if not configured(config):
        yield None
        return
    from handlers.wechat_api import WeChatAPI

    async with WeChatAPI.from_config(config, store) as api:
        yield api.deliver_announcement


def configured(config) -> bool:
    return bool(getattr(config, "wechat_app_id", None) and getattr(config, "wechat_app_secret", None))


CHANNEL = Channel(name=NAME, label_key="channel_wechat", push=True, staff=False, rate=RATE, per_chat=1.0,
                  connect=connect, configured=configured, needs="WECHAT_APP_ID and WECHAT_APP_SECRET",
                  send_rate=lambda config: getattr(config, "wechat_rate", None))
