"""Telegram updates through the inbox, in both modes: stored (deduplicated by update_id) before they are
acknowledged, answered by InboxWorker from the store, so a crash after the acknowledgement loses nothing.

Webhook (handlers/webhook.py): the 200 is the acknowledgement. Long polling (`poll_into_inbox`): the offset of
the next getUpdates is; it moves past an update only once the batch holding it is committed, so updates fetched
by a process killed before that are fetched again at restart (and any already stored are recognised), and updates
committed but not answered are taken from the inbox at restart.

The engine's writes for an update and the reply it decided are one transaction with its inbox row (the handlers
in handlers/telegram.py call `decided` inside bot/inbox_reply.transaction), and `send_parts` crosses each reply
off as it goes out: a replay sends what is left, in the user's turn, and never asks the engine again. Only a reply
whose send was under way at the instant of a hard kill goes out twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot.inbox import Inbox, InboxItem, worker_id
from bot.inbox_reply import answer, reply_of, sent
from bot.models import Button, Reply
from handlers.telegram_send import edit_reply, send_reply

log = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_ATTEMPTS = 3  # an update whose handling killed the process this often is given up (logged)
PARSED_KEPT = 10_000  # fetched updates kept parsed for this process's worker, at most
MAX_BACKOFF = 30.0  # seconds between getUpdates retries after errors, at most (as PTB's Updater)


@dataclass(frozen=True, slots=True)
class TextUpdate:
    """A typed message (an update holding only a message with text, from a user, in a chat), read straight from its
    JSON: all handlers/telegram.py's on_text reads of the Update PTB would build (a frozen Message with its chat,
    sender and entities, set attribute by attribute, then dispatched through every handler's check), at a fraction
    of the cost. Any other update is parsed and dispatched by PTB as before."""

    update_id: int
    user_id: int
    chat_id: int
    text: str
    raw: dict


def plain_text(data: Any) -> TextUpdate | None:
    """The TextUpdate of an update's JSON, or None when it is anything else (then PTB parses it)."""
    if not isinstance(data, dict) or len(data) != 2 or not isinstance(data.get("update_id"), int):
        return None
    msg = data.get("message")
    if not isinstance(msg, dict):
        return None
    text, sender, chat = msg.get("text"), msg.get("from"), msg.get("chat")
    if not (text and isinstance(text, str) and isinstance(sender, dict) and isinstance(chat, dict)):
        return None  # filters.TEXT takes a message with a (non-empty) text; on_text needs its sender
    user_id, chat_id = sender.get("id"), chat.get("id")
    if type(user_id) is not int or type(chat_id) is not int:
        return None
    return TextUpdate(data["update_id"], user_id, chat_id, text, data)


class InboxWorker:
    """Takes committed updates from the inbox, in arrival order, through PTB's per-user processor."""

    def __init__(self, app: Application, inbox: Inbox, concurrency: int = 64):
        self.app, self.inbox = app, inbox
        self.worker = worker_id()
        self._sem = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._done: dict[str, asyncio.Event] = {}
        self.items: dict[str, list[InboxItem]] = {}
        app.bot_data["inbox_items"] = self.items
        self._held: set[str] = set()  # updates holding a slot of _sem: until their reply is decided
        app.bot_data["inbox_decided"] = self.decided
        self._tasks: set[asyncio.Task] = set()
        # updates this process just fetched and stored, already parsed: taken from here instead of parsed again
        # from their stored payload (what a restart or another worker does)
        self.parsed: dict[str, Update | TextUpdate] = {}
        self._stop = asyncio.Event()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        n = self.inbox.recover(self.worker)
        if n:
            log.warning("%d acknowledged updates not answered before a stop are handled now", n)
        self._task = asyncio.create_task(self._run())

    def wake(self) -> None:
        """Something was stored: look now rather than at the next poll."""
        self._wake.set()

    def expect(self, external_id: str) -> asyncio.Event:
        """An event set when this update has been handled."""
        self.wake()
        return self._done.setdefault(external_id, asyncio.Event())

    async def stop(self) -> None:
        """Claim nothing new; wait for updates being handled (a restart takes the rest from the inbox)."""
        self._stop.set()
        self._wake.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        pruned_at = 0.0
        loop = asyncio.get_running_loop()
        try:
            while not self._stop.is_set():
                if loop.time() - pruned_at > 3600:
                    self.inbox.prune()
                    pruned_at = loop.time()
                items = self.inbox.claim(CHANNEL, self.worker, 32)
                if not items:
                    self._wake.clear()
                    try:
                        await asyncio.wait_for(self._wake.wait(), 0.5)
                    except TimeoutError:
                        pass
                    continue
                for item in items:  # started in arrival order: the per-user lock keeps that order
                    await self._sem.acquire()
                    self._held.add(item.external_id)
                    task = asyncio.create_task(self._one(item))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
        finally:
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)

    def decided(self, external_id: str) -> None:
        """Its reply is decided: the slot goes to the next update while the reply waits for the pacer, so first
        answers to a burst are queued early and overtake the further parts of earlier replies."""
        if external_id in self._held:
            self._held.discard(external_id)
            self._sem.release()

    async def _one(self, item: InboxItem) -> None:
        holder = self.items[item.external_id] = [item]  # the handler records the reply it decided on it
        try:
            left = reply_of(item)
            if left is not None:  # decided before a stop: only sending is left, the engine is not asked
                self.decided(item.external_id)
                log.info("update %s: sending the %d part(s) of its reply not sent before a stop",
                         item.external_id, len(left))
                await in_turn(self.app, left, send_parts(self.app, holder))
                return
            if item.attempts > MAX_ATTEMPTS:
                log.error("update %s given up after %d attempts", item.external_id, item.attempts - 1)
                return
            update = self.parsed.pop(item.external_id, None) or plain_text(item.payload) \
                or Update.de_json(item.payload, self.app.bot)
            # a typed message goes straight to handlers/telegram.py's on_typed, the handler PTB's dispatch would
            # reach (drop_duplicates passes everything once the inbox is registered), in the user's turn as before
            typed = self.app.bot_data.get("on_typed") if isinstance(update, TextUpdate) \
                and "inbox" in self.app.bot_data else None
            if isinstance(update, TextUpdate) and typed is None:  # an app without handlers/telegram.py's handlers
                update = Update.de_json(update.raw, self.app.bot)
            await self.app.update_processor.process_update(
                update, typed(self.app, update) if typed is not None else self.app.process_update(update))
        except Exception:  # noqa: BLE001 - PTB's error handler has answered the user; keep going
            log.exception("update %s could not be handled", item.external_id)
        finally:
            self.items.pop(item.external_id, None)
            self.inbox.done(holder[0])
            event = self._done.pop(item.external_id, None)
            if event is not None:
                event.set()
            self.decided(item.external_id)


# -- the reply decided for an update, kept on its inbox row until sent (bot/inbox_reply.py) -----------------------
def holder_of(app: Application, update: Update | TextUpdate) -> list[InboxItem] | None:
    """[the inbox item] of an update being answered from the inbox, else None (tests driving PTB directly)."""
    items = app.bot_data.get("inbox_items")
    return items.get(str(update.update_id)) if items is not None else None


def part(user_id: str, chat_id: int, reply: Reply, edit: int | None = None) -> dict:
    """One reply as stored on the inbox row (edit: the message a browsing page replaces)."""
    out: dict[str, Any] = {"user": user_id, "chat": chat_id, "reply": reply.to_dict()}
    if edit is not None:
        out["edit"] = edit
    return out


def reply_from(data: dict) -> Reply:
    rows = [[Button(b["text"], b["data"]) for b in row] for row in data.get("buttons") or []]
    return Reply(data["text"], rows, data.get("meta"), bool(data.get("replace")))


def decided(app: Application, holder: list[InboxItem] | None, parts: list[dict]) -> None:
    """Record the reply on the inbox row: call inside transaction(store) with the engine's writes."""
    if holder is not None:
        holder[0] = answer(app.bot_data["inbox"], holder[0], parts)
        notify = app.bot_data.get("inbox_decided")
        if notify is not None:
            notify(holder[0].external_id)


async def send_parts(app: Application, holder: list[InboxItem] | None, parts: list[dict] | None = None) -> None:
    """Send the parts still to send, in order, each crossed off on the inbox row as it went out."""
    inbox: Inbox | None = app.bot_data.get("inbox")
    if holder is not None:
        parts = reply_of(holder[0]) or []
    first = True  # the first message that goes out is the answer (the pacer sends those before further parts)
    try:
        for p in list(parts or []):
            reply = reply_from(p["reply"])
            edited = False
            if p.get("edit") is not None:
                try:
                    await edit_reply(app.bot, p["chat"], p["edit"], reply)
                    edited = True
                except BadRequest as e:  # message too old to edit, or unchanged: send it instead
                    log.info("could not edit message: %s", e)
            if not edited:
                await send_reply(app.bot, p["chat"], reply, first=first)
                first = False
            if holder is not None and inbox is not None:
                holder[0] = sent(inbox, holder[0])
    except Forbidden:
        user = (parts or [{}])[0].get("user")
        log.info("user %s blocked the bot; marked inactive", user)
        store = app.bot_data["engine"].store
        if store is not None and user:
            store.set_active(user, False)


async def in_turn(app: Application, parts: list[dict], coro) -> None:
    """Run coro in the turn of the user the parts go to (after their updates begun before, before later ones)."""
    turn = getattr(app.update_processor, "in_turn", None)  # handlers/telegram.py's processor has one
    key = parts[0].get("chat") if parts else None
    if key is not None and callable(turn):
        await turn(key, coro)
    else:
        await coro


def user_of(update: Update | TextUpdate) -> str | None:
    """The user id an inbox row is filed under (/forget finds it by this)."""
    if isinstance(update, TextUpdate):
        return str(update.user_id)
    user = update.effective_user
    return str(user.id) if user is not None else None


def store_batch(inbox: Inbox, updates: Sequence[Update | TextUpdate], raw: list[dict] | None = None) -> int:
    """Every update of a getUpdates batch, in one transaction; how many were new (the rest were stored before
    a crash kept the offset from moving past them). Stored as received (raw: the batch's JSON, or a TextUpdate's
    own), as the webhook stores the request body; an Update without its JSON is turned back into JSON."""
    got = {d.get("update_id"): d for d in raw if isinstance(d, dict)} if raw else {}
    own = getattr(inbox.db, "transaction", None)
    with own() if callable(own) else contextlib.nullcontext():
        return sum(inbox.accept(CHANNEL, u.update_id, u.raw if isinstance(u, TextUpdate) else
                                got.get(u.update_id) or u.to_dict(), user_of(u)) for u in updates)


def parse_batch(bot: Any, raw: list[dict]) -> list[Update | TextUpdate]:
    """A getUpdates answer: typed messages as TextUpdates, any other update parsed by PTB (as get_updates does)."""
    out: list[Update | TextUpdate] = []
    for d in raw:
        typed = plain_text(d)
        if typed is not None:
            out.append(typed)
            continue
        update = Update.de_json(d, bot)
        bot.insert_callback_data(update)
        out.append(update)
    return out


async def _until(stop: asyncio.Event, coro):
    """(True, result) of the call, or (False, None) when stop is set first (the call is cancelled)."""
    call = asyncio.ensure_future(coro)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait((call, stopping), return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if call.done():
        return True, call.result()
    call.cancel()
    try:
        await call
    except (asyncio.CancelledError, TelegramError):
        pass
    return False, None


async def poll_into_inbox(app: Application, inbox: Inbox, worker: InboxWorker, stop: asyncio.Event,
                          timeout: int = 30) -> None:
    """Long polling until stop is set: each batch committed to the inbox before the offset moves past it."""
    offset: int | None = None  # none yet: Telegram gives whatever was not confirmed before (a crash's too)
    backoff = 0.0
    while not stop.is_set():
        if backoff:
            await _until(stop, asyncio.sleep(backoff))
            if stop.is_set():
                break
        try:
            fetch = getattr(app.bot, "update_dicts", None)  # handlers/telegram_bot.py's ReplyBot: unparsed
            ok, got = await _until(stop, (fetch or app.bot.get_updates)(offset=offset, timeout=timeout,
                                                                         allowed_updates=Update.ALL_TYPES))
            raw = got if ok and fetch is not None else None
            updates = parse_batch(app.bot, raw) if raw is not None else got
        except InvalidToken:
            raise
        except RetryAfter as e:
            wait = e.retry_after
            backoff = 0.5 + (wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait))
            log.warning("getUpdates: %s", e)
            continue
        except TimedOut:
            backoff = 0.0
            continue
        except TelegramError as e:
            backoff = min(MAX_BACKOFF, max(1.0, 1.5 * backoff))
            log.warning("getUpdates failed (%s); again in %.0f s", e, backoff)
            continue
        if not ok:
            break
        backoff = 0.0
        if not updates:
            continue
        try:
            new = store_batch(inbox, updates, raw)
        except Exception as e:  # noqa: BLE001 - our outage (SQLite or PostgreSQL): keep the offset, fetch again
            backoff = min(MAX_BACKOFF, max(1.0, 1.5 * backoff))
            log.error("could not store %d updates (%s); fetched again in %.0f s", len(updates), e, backoff)
            continue
        if new < len(updates):
            log.info("%d updates received before; acknowledged again", len(updates) - new)
        offset = updates[-1].update_id + 1  # committed: the next getUpdates confirms them
        if len(worker.parsed) > PARSED_KEPT:  # claimed by another worker (PostgreSQL): they parse their own
            worker.parsed.clear()
        worker.parsed.update((str(u.update_id), u) for u in updates)
        worker.wake()
    if offset is not None:  # confirm the last batch now rather than at the next start (where it would be deduped)
        try:
            await app.bot.get_updates(offset=offset, timeout=0, limit=1, allowed_updates=Update.ALL_TYPES)
        except TelegramError as e:
            log.info("could not confirm the last updates (%s); the next start recognises them", e)
