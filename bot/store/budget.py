"""The send budget shared by every process: a rate limit per channel and bot that holds across machines.

Telegram counts messages per bot token, not per process: two senders at 20 a second each send 40. Here every
sender asks the database for its next slot before each message. One row per budget holds the time the next
message may go (a virtual schedule, as in GCRA): `take` moves it on by n/rate in one atomic upsert and says
how long the caller waits for its slot. Slots are evenly spaced over all processes together, so any one
second sees at most `rate` (+1 at a window's edge) messages, however many processes share the budget. On
PostgreSQL the time is the database server's, so machines with skewed clocks still share one schedule.

    wait = budget.take("telegram", rate=28)   # seconds until this message's slot
    await asyncio.sleep(wait); send()
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.store.base import Database

MAX_AHEAD = 60.0  # a slot further ahead than this is not booked (the caller asks again later)


class SendBudget:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time):
        self.db, self.clock = db, clock

    def take(self, name: str, rate: float, n: int = 1) -> float:
        """Book the next n message slots of this budget at `rate` a second; seconds to wait until the first."""
        if rate <= 0:
            return 0.0
        cost = n / rate
        if self.db.dialect == "postgres":
            now = "extract(epoch from statement_timestamp())"  # one value for the whole statement
            row = self.db.execute(
                f"insert into send_budget (name, at) values (?, {now} + ?) on conflict (name) do update set "
                f"at = greatest(send_budget.at, {now}) + ? returning at, {now}", [name, cost, cost]).fetchone()
        else:
            t = self.clock()
            row = self.db.execute(
                "insert into send_budget (name, at) values (?, ?) on conflict (name) do update set "
                "at = max(send_budget.at, ?) + ? returning at, ?", [name, t + cost, t, cost, t]).fetchone()
        assert row is not None
        at, now_db = float(row[0]), float(row[1])
        return max(0.0, at - cost - now_db)

    def reset(self, name: str) -> None:
        self.db.execute("delete from send_budget where name = ?", [name])
