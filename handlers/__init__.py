"""Channel adapters: transport in, Reply out. They translate; the engine decides.

Each channel declares itself (bot.channels.Channel) in a small module that imports nothing heavy;
`register_channels()` is called by the composition root (bot/app.py, bot/cli.py) and by the tests.
A new channel is a new adapter here plus one line below.
"""

from __future__ import annotations


def register_channels(channels=None):
    """Register every channel's declaration (idempotent); returns the registry."""
    from bot.channels import registry
    from handlers.console_channel import CHANNEL as console
    from handlers.telegram_channel import CHANNEL as telegram
    from handlers.wechat_channel import CHANNEL as wechat

    target = registry if channels is None else channels
    for c in (console, telegram, wechat):
        target.register(c)
    return target
