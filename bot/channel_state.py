"""What channel adapters keep in the shared database (an inbox by the channel's own message id, a key-value
table with expiry) lives in the store: bot/store/channel_state.py. This name stays for the channels."""

from bot.store.channel_state import INBOX_KEEP_SECONDS, ChannelState, owner_id

__all__ = ["INBOX_KEEP_SECONDS", "ChannelState", "owner_id"]
