"""Telegram channel on python-telegram-bot 22: a thin adapter over the engine.

Usage:
  TELEGRAM_BOT_TOKEN=… labor-bot run        long polling
  TELEGRAM_BOT_TOKEN=… TELEGRAM_WEBHOOK_URL=https://… TELEGRAM_WEBHOOK_SECRET=… labor-bot serve

Text and button presses go to Engine.handle; replies come back as messages with inline keyboards.
Conversation state is the engine's (SQLite), not PTB's ConversationHandler, so it survives restarts
and is shared by workers. Updates run concurrently across users and in order for each user.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections import defaultdict
from typing import Any

from telegram import BotCommand, Update
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.config import Config
from bot.engine import Engine
from bot.inbox import Inbox
from bot.inbox_reply import transaction
from bot.logsafe import install_redaction
from bot.models import Incoming
from handlers.telegram_bot import ReplyBot
from handlers.telegram_broadcast import SenderTask
from handlers.telegram_http import AiohttpRequest
from handlers.telegram_inbox import (
    InboxWorker,
    TextUpdate,
    decided,
    holder_of,
    part,
    poll_into_inbox,
    send_parts,
)
from handlers.telegram_pace import paced
from handlers.telegram_send import with_retries
from handlers.telegram_start import connect

log = logging.getLogger(__name__)

# updates in hand at once (most wait for their user's turn or for the pacer): more than a burst's users, since an
# update holds its place until its last reply part is out, and under a burst further parts wait behind everyone's
# first answers; too few and the last users' answers wait behind further parts (benchmarks/burst.py)
MAX_CONCURRENT_UPDATES = 1024
# connections to the Bot API; measured with benchmarks/telegram_throughput.py --pool (README "Measured"):
# sends are paced to ~30/s, so a few connections carry them; more only cost pool scans per request
POOL_SIZE = 8


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across users, strictly in arrival order for each user (a FIFO lock per user)."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES):
        super().__init__(max_concurrent_updates)
        self._locks: defaultdict[Any, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def do_process_update(self, update: object, coroutine) -> None:
        await self.in_turn(_user_key(update), coroutine)

    async def in_turn(self, key: Any, coroutine) -> None:
        """Run coroutine in this user's (chat's) turn; key None: at once."""
        if key is None:
            await coroutine
            return
        lock = self._locks[key]
        try:
            async with lock:
                await coroutine
        finally:
            if not lock.locked() and not getattr(lock, "_waiters", None):
                self._locks.pop(key, None)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def _user_key(update: object) -> int | None:
    if isinstance(update, TextUpdate):  # its effective_user
        return update.user_id
    if isinstance(update, Update):
        if update.effective_user:
            return update.effective_user.id
        if update.effective_chat:
            return update.effective_chat.id
    return None


def _engine(context: ContextTypes.DEFAULT_TYPE) -> Engine:
    return context.application.bot_data["engine"]


def _engine_turn(app: Application) -> asyncio.Semaphore:
    """One engine call at a time, each in a loop iteration of its own: the engine's work is synchronous, so a
    batch of 100 updates would otherwise run back to back in one iteration (~0.5 s) and hold up every send
    granted meanwhile (late sends arrive bunched and a server counting 30 in a second answers 429)."""
    turn = app.bot_data.get("engine_turn")
    if turn is None:
        turn = app.bot_data["engine_turn"] = asyncio.Semaphore(1)
    return turn


async def drop_duplicates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Telegram retries a webhook it thinks failed: the same update id is handled once.
    (With a store, both modes dedupe in the inbox before acknowledging, so updates taken from it are not
    checked again.)"""
    store = _engine(context).store
    if "inbox" in context.application.bot_data:
        return
    if store is not None and not store.first_time(update.update_id):
        log.info("update %s seen before, skipped", update.update_id)
        raise ApplicationHandlerStop


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed message (commands included) → the engine → replies."""
    msg, user = update.effective_message, update.effective_user
    if msg is None or user is None or msg.text is None:
        return
    await _answer(update, context.application, Incoming(user_id=str(user.id), text=msg.text, channel="telegram"),
                  msg.chat_id)


async def on_typed(app: Application, update: TextUpdate) -> None:
    """on_text for a typed message taken from the inbox without an Update made of it (the InboxWorker calls this
    in the user's turn instead of PTB's dispatch, which would reach on_text: drop_duplicates passes every update
    taken from the inbox). An error goes to the error handler with the Update, as PTB would pass it."""
    try:
        await _answer(update, app, Incoming(user_id=str(update.user_id), text=update.text, channel="telegram"),
                      update.chat_id)
    except Exception as exc:  # noqa: BLE001 - PTB's dispatch hands it to on_error the same way
        await app.process_error(update=Update.de_json(update.raw, app.bot), error=exc)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An inline button → the engine; browsing pages replace the message the button was on."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    try:
        await query.answer()
    except BadRequest:  # the query is too old to answer; the press still counts
        pass
    chat_id = query.message.chat.id if query.message else user.id
    await _answer(update, context.application, Incoming(user_id=str(user.id), button=query.data or "",
                                                         channel="telegram"),
                  chat_id, query.message.message_id if query.message is not None else None)


async def _answer(update: Update | TextUpdate, app: Application, incoming: Incoming, chat_id: int,
                  pressed: int | None = None) -> None:
    """The engine's reply, sent. From the inbox, the engine's writes and the reply it decided are one
    transaction, and each reply is crossed off as it goes out: a replay after a crash sends what is left and
    never asks the engine again (bot/inbox_reply.py)."""
    engine: Engine = app.bot_data["engine"]
    holder = holder_of(app, update)
    async with _engine_turn(app):
        # no await inside the transaction but the engine's, which does not yield: no other task writes in it
        with transaction(engine.store) if holder is not None else contextlib.nullcontext():
            replies = await engine.handle(incoming)  # a user who wrote again is active again (the engine)
            parts = [part(incoming.user_id, chat_id, r, pressed if i == 0 and r.replace else None)
                     for i, r in enumerate(replies)]
            decided(app, holder, parts)
    await send_parts(app, holder, parts)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with context; tell the user something went wrong rather than staying silent."""
    uid = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", uid, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        chat_id = update.effective_chat.id
        try:
            await with_retries(lambda: context.bot.send_message(chat_id, _engine(context).kb.texts["error"]))
        except Exception:  # noqa: BLE001 - the error handler must not raise
            log.warning("could not tell user about the error", exc_info=True)


def commands(engine: Engine) -> list[BotCommand]:
    """The command menu, from knowledge/commands.yaml."""
    return [BotCommand(name, desc) for name, desc in engine.kb.commands]


def http_request(pool: int | None = None) -> AiohttpRequest:
    """The HTTP client for Bot API calls (getUpdates has its own): a pool of `pool` (POOL_SIZE) connections."""
    return AiohttpRequest(connection_pool_size=pool or POOL_SIZE)


def build_app(config: Config, engine: Engine, *, request: BaseRequest | None = None,
              get_updates_request: BaseRequest | None = None) -> Application:
    """The PTB Application for this engine; nothing is contacted until it is started."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # RetryAfter.retry_after as timedelta, no deprecation
    if not config.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    install_redaction([config.telegram_token, config.webhook_secret])  # also when built outside the CLI
    bot = ReplyBot(config.telegram_token, base_url=config.telegram_base_url, request=request or http_request(),
                   get_updates_request=get_updates_request or AiohttpRequest(connection_pool_size=1, read_timeout=40),
                   # every call but getUpdates through the channel's pacer, at most POOL_SIZE in the HTTP client
                   rate_limiter=paced(config, in_flight=None if request else POOL_SIZE))
    builder: ApplicationBuilder = (Application.builder().bot(bot)
                                   .concurrent_updates(PerUserUpdateProcessor())
                                   .post_init(_post_init))
    app = builder.build()
    app.bot_data["engine"] = engine
    app.bot_data["config"] = config
    app.add_handler(TypeHandler(Update, drop_duplicates), group=-1)
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    app.add_error_handler(on_error)
    app.bot_data["on_typed"] = on_typed  # typed messages from the inbox skip PTB's parsing and dispatch
    return app


def start_sender(app: Application) -> SenderTask:
    """The announcement sender beside the bot, sharing its Bot and database."""
    sender = SenderTask(app.bot, app.bot_data["engine"], app.bot_data["config"])
    sender.start()
    return sender


async def _post_init(app: Application) -> None:
    engine: Engine = app.bot_data["engine"]
    await with_retries(lambda: app.bot.set_my_commands(commands(engine)))


async def run_polling(app: Application, stop: asyncio.Event, poll_timeout: int = 30) -> None:
    """Long polling until stop is set: the one lifecycle used by `labor-bot run` and the tests. With a store,
    each fetched batch is committed to the inbox before the offset moves past it and answered from there
    (handlers/telegram_inbox.py), so a crash loses no update."""
    engine: Engine = app.bot_data["engine"]
    inbox = Inbox(engine.store) if engine.store is not None else None
    if inbox is not None:
        app.bot_data["inbox"] = inbox
    try:
        if not await connect(app, stop):
            return
        await _post_init(app)
        await app.bot.delete_webhook()
        if inbox is None:
            assert app.updater is not None  # build_app keeps PTB's default Updater
            await app.updater.start_polling(timeout=poll_timeout, poll_interval=0.0,
                                            allowed_updates=Update.ALL_TYPES)
        await app.start()
        sender = start_sender(app)
        worker = InboxWorker(app, inbox) if inbox is not None else None
        try:
            if worker is not None:
                assert inbox is not None  # a worker is made only with an inbox
                worker.start()
                await poll_into_inbox(app, inbox, worker, stop, poll_timeout)
            else:
                await stop.wait()
        finally:
            if worker is not None:
                await worker.stop()
            await sender.stop()  # in-flight announcements are recorded while the Bot still works
        if inbox is None:
            assert app.updater is not None
            await app.updater.stop()
        await app.stop()
    finally:
        await app.shutdown()
