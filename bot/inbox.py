"""The inbox (durable acknowledgement of what channels receive) lives in the store: bot/store/inbox.py.
This name stays for the channels that import it (Inbox.accept / claim / done / recover)."""

from bot.store.inbox import KEEP_SECONDS, LEASE_SECONDS, Inbox, InboxItem, worker_id

__all__ = ["KEEP_SECONDS", "LEASE_SECONDS", "Inbox", "InboxItem", "worker_id"]
