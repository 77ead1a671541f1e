"""Staff announcements: subscriptions, composing and confirming, the outbox and its sender worker."""

from bot.announce.audience import Audience, AudienceError, Topic, Vocabulary, load_topics
from bot.announce.outbox import PUSH_CHANNELS, Outbox
from bot.announce.sender import Blocked, RateLimited, Sender, Transient, Undeliverable

__all__ = ["Audience", "AudienceError", "Blocked", "Outbox", "PUSH_CHANNELS", "RateLimited", "Sender", "Topic",
           "Transient", "Undeliverable", "Vocabulary", "load_topics"]
