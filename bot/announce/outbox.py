"""The outbox, subscriptions, staff and the audit log live in the store (bot/store/outbox.py); this name stays
for the announcement code that imports it."""

from bot.store.outbox import FINAL, MAX_TEXT, Delivery, Outbox, audience_label, audience_where

__all__ = ["FINAL", "MAX_TEXT", "Delivery", "Outbox", "audience_label", "audience_where"]
