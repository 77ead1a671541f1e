"""Staff announcements: subscriptions, composing and confirming, the outbox and its sender worker."""

from bot.announce.audience import Audience, AudienceError, Topic, Vocabulary, load_topics
from bot.announce.outbox import Outbox
from bot.announce.sender import Blocked, ChannelPaused, KeptUnread, RateLimited, Sender, Transient, Undeliverable

__all__ = ["Audience", "AudienceError", "Blocked", "ChannelPaused", "KeptUnread", "Outbox", "RateLimited", "Sender",
           "Topic", "Transient", "Undeliverable", "Vocabulary", "load_topics"]
