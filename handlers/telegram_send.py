"""Sending to Telegram: long replies split on line boundaries, HTML escaped, keyboards attached,
RetryAfter honoured, network errors retried a bounded number of times."""

from __future__ import annotations

import asyncio
import functools
import html
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.models import Reply
from bot.pacer import MORE
from handlers.telegram_bot import ReplyBot

log = logging.getLogger(__name__)

MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096, counted after HTML escaping
NETWORK_TRIES = 4
BACKOFF = (0.5, 1.0, 2.0)
MAX_RETRY_AFTER = 60.0  # never sleep longer than this on one RetryAfter
MORE_ARGS = {"priority": MORE}  # rate_limit_args of the further parts of an answer (see bot.pacer)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Escaped chunks of at most limit characters, cut at line ends (a line that alone is too long is cut
    at the limit, never inside an HTML entity)."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        esc = html.escape(line, quote=False)
        while len(esc) > limit:
            cut = limit
            amp = esc.rfind("&", 0, cut)
            if amp != -1 and esc.find(";", amp) >= cut:
                cut = amp
            if current:
                chunks.append(current)
                current = ""
            chunks.append(esc[:cut])
            esc = esc[cut:]
        candidate = f"{current}\n{esc}" if current else esc
        if len(candidate) > limit:
            chunks.append(current)
            current = esc
        else:
            current = candidate
    if current or not chunks:
        chunks.append(current)
    return [c for c in chunks if c.strip()] or [html.escape(text[:limit], quote=False) or "…"]


def _escaped_len(s: str) -> int:
    return len(html.escape(s, quote=False))


def split_paragraphs(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Raw (unescaped) parts whose HTML-escaped length is at most limit: whole paragraphs (blank-line
    separated) packed together, a paragraph too long alone cut at line ends, a line too long alone cut
    between characters. Counted after escaping, so '<' and '&' cannot push a part over Telegram's limit."""
    def pieces(block: str, sep: str, finer) -> list[str]:
        out, current = [], ""
        for unit in block.split(sep):
            candidate = f"{current}{sep}{unit}" if current else unit
            if _escaped_len(candidate) <= limit:
                current = candidate
                continue
            if current:
                out.append(current)
            if _escaped_len(unit) <= limit:
                current = unit
            else:
                *whole, current = finer(unit)
                out.extend(whole)
        if current or not out:
            out.append(current)
        return out

    def chars(line: str) -> list[str]:
        out: list[str] = []
        current: list[str] = []
        size = 0
        for ch in line:
            n = _escaped_len(ch)
            if size + n > limit:
                out.append("".join(current))
                current, size = [], 0
            current.append(ch)
            size += n
        out.append("".join(current))
        return out

    parts = pieces(text, "\n\n", lambda para: pieces(para, "\n", chars))
    return [p for p in parts if p.strip()] or [text[:limit]]


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.text, callback_data=b.data) for b in row]
                                 for row in reply.buttons])


def keyboard_json(reply: Reply) -> dict | None:
    """keyboard(reply).to_dict(), built directly: the same JSON goes out without a frozen PTB object per button made
    and read back attribute by attribute for every reply sent."""
    if not reply.buttons:
        return None
    return {"inline_keyboard": [[{"callback_data": b.data, "text": b.text} for b in row] for row in reply.buttons]}


def retry_seconds(e: RetryAfter) -> float:
    """RetryAfter.retry_after is a timedelta under PTB_TIMEDELTA=1, else a number of seconds."""
    ra = e.retry_after
    return ra.total_seconds() if hasattr(ra, "total_seconds") else float(ra)


async def with_retries(call: Callable[[], Awaitable[Any]]) -> Any:
    """Run a Bot API call; wait out RetryAfter; retry network errors with backoff, then give up."""
    attempt = 0
    while True:
        try:
            return await call()
        except RetryAfter as e:
            wait = min(retry_seconds(e), MAX_RETRY_AFTER)
            log.warning("flood control: waiting %.1f s", wait)
            await asyncio.sleep(wait)
        except BadRequest:  # PTB makes it a NetworkError, but retrying a bad request cannot help
            raise
        except (TimedOut, NetworkError) as e:
            if attempt >= NETWORK_TRIES - 1:
                raise
            log.warning("network error (%s), retry %d", e, attempt + 1)
            await asyncio.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])
            attempt += 1


async def send_reply(bot: ReplyBot, chat_id: int, reply: Reply, first: bool = True) -> None:
    """bot: handlers/telegram_bot.py's (build_app makes one). first: this reply's first message is the first answer to the user's message (the pacer sends those
    before further parts, handlers/telegram_pace.py); a bot without our rate limiter takes no priority."""
    chunks = split_text(reply.text)
    paced = getattr(bot, "rate_limiter", None) is not None
    for i, chunk in enumerate(chunks):
        markup = keyboard_json(reply) if i == len(chunks) - 1 else None
        more = {"rate_limit_args": MORE_ARGS} if paced and (i or not first) else {}
        await with_retries(functools.partial(bot.send_text, chat_id, chunk, parse_mode=ParseMode.HTML,
                                             reply_markup=markup, **more))


async def edit_reply(bot, chat_id: int, message_id: int, reply: Reply) -> None:
    """Browsing: replace the pressed message's text and buttons (falls back to a new message if long)."""
    chunks = split_text(reply.text)
    if len(chunks) > 1:
        await send_reply(bot, chat_id, reply)
        return
    await with_retries(lambda: bot.edit_message_text(chunks[0], chat_id=chat_id, message_id=message_id,
                                                     parse_mode=ParseMode.HTML, reply_markup=keyboard(reply)))
