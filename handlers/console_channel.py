"""The console channel's declaration: nothing can be pushed to a terminal, and it has no staff."""

from bot.channels import Channel

CHANNEL = Channel(name="console", label_key="channel_console")
