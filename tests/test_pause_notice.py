"""A channel's daily quota (WeChat 45009) pauses it and staff are told once: also across a restart of the sender."""

from __future__ import annotations

import asyncio
import time

from bot.announce import ChannelPaused, Outbox, Sender
from bot.announce.audience import Audience

AUTHOR = "900"


class QuotaChannel:
    """Every delivery to a subscriber answers "daily quota used up"; what the author is told is recorded."""

    def __init__(self, until: float):
        self.until, self.tried = until, 0
        self.told: list[str] = []

    async def __call__(self, chat_id: str, text: str) -> None:
        if chat_id == AUTHOR:
            self.told.append(text)
            return
        self.tried += 1
        raise ChannelPaused(self.until, "daily quota (45009)")


async def run_once(outbox: Outbox, kb, channel: QuotaChannel) -> None:
    """One sender's life: until it hit the quota once, then stopped (as SIGTERM or kill -9 would)."""
    stop = asyncio.Event()
    s = Sender(outbox, {"telegram": channel}, kb.texts, poll=0.02, concurrency=1)
    tried = channel.tried
    task = asyncio.create_task(s.run(stop))
    deadline = time.monotonic() + 10
    while channel.tried == tried and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    stop.set()
    await task


async def test_a_restart_does_not_tell_staff_again_about_the_same_pause(store, kb):
    outbox = Outbox(store)
    for uid in ("1001", "1002", "1003"):
        outbox.subscribe(uid, "telegram", None, None)
    aid = outbox.new_draft(AUTHOR, "telegram", "招聘会")["id"]
    outbox.update_draft(aid, audience=Audience().to_json())
    outbox.queue(aid, AUTHOR, time.time(), outbox.count(Audience()))
    channel = QuotaChannel(until=time.time() + 3600)
    await run_once(outbox, kb, channel)
    # restarted: rows that were in flight at a kill -9 (or another worker's) come due and meet the same quota
    store.db.execute("update deliveries set next_at = 0, status = 'pending' where status != 'sent'")
    await run_once(outbox, kb, channel)
    assert channel.tried >= 2  # the quota was met again after the restart
    assert len(channel.told) == 1 and str(aid) in channel.told[0]
    assert [e["action"] for e in outbox.audit_log(50)].count("paused") == 1
