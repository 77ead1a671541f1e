"""Start-up against the Bot API: a network blip at boot is waited out, a wrong token is said once.

connect() initialises the PTB application (getMe). Unreachable API: one WARNING line per attempt and
a retry after 1, 2, 4, 8, 15, 30, then every 60 s, until it answers or the process is told to stop.
A token the API rejects (401/404) raises TokenRejected: `labor-bot run|serve` print one line and exit
with EXIT_TOKEN_REJECTED.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from urllib.parse import urlsplit

from telegram.error import InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

log = logging.getLogger(__name__)

STARTUP_BACKOFF = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)  # seconds; the last repeats
EXIT_TOKEN_REJECTED = 4


class TokenRejected(Exception):
    """The Bot API refused TELEGRAM_BOT_TOKEN. str() names no secret."""


def api_host(base_url: str) -> str:
    """Where we connect, for log lines: scheme://host:port only (the token is in the path)."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "the Bot API"


async def connect(app: Application, stop: asyncio.Event | None = None, base_url: str = "") -> bool:
    """Initialise the application, retrying while the API is unreachable. False if stopped meanwhile."""
    attempt = 0
    where = api_host(base_url or getattr(app.bot, "base_url", ""))
    while True:
        try:
            await app.initialize()
            if attempt:
                log.warning("Bot API at %s reachable again after %d failed attempts", where, attempt)
            return True
        except InvalidToken:
            raise TokenRejected(f"the Bot API at {where} rejected TELEGRAM_BOT_TOKEN (check it with @BotFather)") \
                from None
        except RetryAfter as e:
            retry_after = e.retry_after  # a timedelta or seconds, depending on PTB's PTB_TIMEDELTA
            wait = retry_after.total_seconds() if isinstance(retry_after, dt.timedelta) else float(retry_after)
            reason = f"flood control, retry after {wait:.0f} s"
        except (TimedOut, NetworkError) as e:
            wait = STARTUP_BACKOFF[min(attempt, len(STARTUP_BACKOFF) - 1)]
            reason = f"{type(e).__name__}: {e}"
        attempt += 1
        log.warning("Bot API at %s not reachable (attempt %d: %s); retrying in %.0f s", where, attempt, reason, wait)
        if stop is None:
            await asyncio.sleep(wait)
            continue
        try:
            await asyncio.wait_for(stop.wait(), wait)
            return False
        except TimeoutError:
            pass
