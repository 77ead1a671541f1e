"""The channel registry: what the core knows about channels, without importing any of them.

Each channel in handlers/ declares itself with a `Channel` (its name, whether it can push, whether staff
commands are open on it, its pacing, and how it sends); the composition root (bot/app.py, bot/cli.py)
registers the declarations with `handlers.register_channels()`. The engine, announcements and the store
ask this registry (`registry.can_push(name)`, `registry.push_names()`, …) and never name a channel.

"How it sends" is `connect(config, store)`: an async context manager that yields deliver(chat_id, text)
for the announcement sender, or None when the channel is not configured (no token). A channel that runs
its own client (the Telegram bot, the WeChat server) hands its deliverer to the sender itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.pacer import Pacer

Deliver = Callable[[str, str], Awaitable[None]]
Connect = Callable[[Any, Any], AbstractAsyncContextManager["Deliver | None"]]


@dataclass(frozen=True)
class Channel:
    name: str  # the value of Incoming.channel and of subscriptions.channel
    label_key: str  # texts.yaml key of its name as staff see it in progress reports
    push: bool = False  # announcements can be sent to its users unasked
    staff: bool = False  # staff commands (/announce, /admin) are open here (LABOR_BOT_ADMINS are its ids)
    rate: float | None = None  # announcement messages per second over all its chats; None: LABOR_BOT_BROADCAST_RATE
    per_chat: float = 1.0  # least seconds between two announcement messages to one chat
    connect: Connect | None = None  # how it sends (see the module docstring)
    configured: Callable[[Any], bool] | None = None  # config → whether `connect` has what it needs
    needs: str = ""  # the settings `connect` needs, for "not configured" messages
    # how an announcement is cut into messages the channel can take (Telegram: ≤ 4096 characters after HTML
    # escaping, at paragraph ends); each part is delivered and recorded on its own. None: one message
    split: Callable[[str], list[str]] | None = None
    # the pacing of everything it sends (bot.pacer: one Pacer per channel and process): config → messages a
    # second over all its chats (None: not limited), and at most this many messages a minute to one group chat
    send_rate: Callable[[Any], float | None] | None = None
    group_per_minute: float = 0.0


class Channels:
    """Registered channels by name; registering the same declaration twice is harmless."""

    def __init__(self, channels: tuple[Channel, ...] = ()):
        self._by_name: dict[str, Channel] = {}
        for c in channels:
            self.register(c)

    def register(self, channel: Channel) -> Channel:
        self._by_name[channel.name] = channel
        return channel

    def get(self, name: str | None) -> Channel | None:
        return self._by_name.get(name or "")

    def __iter__(self) -> Iterator[Channel]:
        return iter(self._by_name.values())

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def can_push(self, name: str | None) -> bool:
        c = self.get(name)
        return bool(c and c.push)

    def has_staff(self, name: str | None) -> bool:
        c = self.get(name)
        return bool(c and c.staff)

    def senders(self, config: Any) -> tuple[Channel, ...]:
        """Push channels that can send from any process with this config (`labor-bot announce --send`)."""
        return tuple(c for c in self if c.push and c.connect is not None and c.configured is not None
                     and c.configured(config))

    def push_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self if c.push)

    def rate(self, name: str, default: float) -> float:
        c = self.get(name)
        return c.rate if c and c.rate else default

    def split(self, name: str, text: str) -> list[str]:
        c = self.get(name)
        return (c.split(text) if c and c.split else [text]) or [text]

    def per_chat(self, name: str, default: float) -> float:  # also the Pacer's gap between announcements
        c = self.get(name)
        return c.per_chat if c else default

    def pacer(self, name: str, config: Any) -> "Pacer":
        """A new Pacer for everything this channel sends, from its declaration: build one per process and hand
        it to every sender of the channel (replies and announcements share it)."""
        from bot.pacer import Pacer

        c = self.get(name)
        rate = c.send_rate(config) if c and c.send_rate else None
        return Pacer(rate, group_per_minute=c.group_per_minute if c else 0.0,
                     announce_gap=c.per_chat if c else 1.0)

    def label(self, name: str, texts: dict[str, str]) -> str:
        c = self.get(name)
        return texts.get(c.label_key, name) if c else name


# the process's registry, filled by the composition root; tests fill it in conftest
registry = Channels()
