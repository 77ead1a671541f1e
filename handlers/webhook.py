"""Webhook mode (`labor-bot serve`): a small aiohttp server in front of the PTB application.

POST {TELEGRAM_WEBHOOK_PATH} takes updates only with the right X-Telegram-Bot-Api-Secret-Token
(403 otherwise); GET /healthz answers for load balancers. TLS is the reverse proxy's job (deploy/nginx).

Parse at the boundary: the body must be UTF-8 JSON of at most MAX_BODY bytes nested at most
MAX_JSON_DEPTH deep, an object with an integer update_id that PTB can read, whose user, chat, text and
button data have the types we use; anything else is a 400 with a one-line reason, logged once, no
traceback. Acknowledge only what is committed: an accepted update is stored in the inbox (deduplicated
by update_id) before the 200; the inbox worker takes it from there. The 200 is held until the update is
answered or LABOR_BOT_ACK_WAIT_SECONDS pass, so Telegram sends no faster than we answer; after a crash
the inbox replays whatever was acknowledged but not answered (a reply decided before the crash is sent from the
inbox row, the engine not asked again: handlers/telegram_inbox.py).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import sqlite3

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from telegram import Update
from telegram.ext import Application

from bot.boundary import MAX_JSON_DEPTH, BadInput, loads
from bot.config import Config
from bot.inbox import Inbox
from handlers.telegram import _post_init, start_sender
from handlers.telegram_inbox import CHANNEL, InboxWorker
from handlers.telegram_start import connect

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # Telegram updates are small; refuse anything larger (413)
MAX_UPDATE_ID = 2 ** 53


def parse_update(raw: bytes, bot) -> tuple[int, dict, str | None]:
    """(update_id, the cleaned JSON, user id) of a webhook body, or BadInput saying what is wrong."""
    data = loads(raw, max_bytes=MAX_BODY, max_depth=MAX_JSON_DEPTH)
    if not isinstance(data, dict):
        raise BadInput("an update is a JSON object")
    uid = data.get("update_id")
    if type(uid) is not int or not 0 <= uid < MAX_UPDATE_ID:
        raise BadInput("update_id must be a non-negative integer")
    try:
        update = Update.de_json(data, bot)
    except Exception as e:  # noqa: BLE001 - PTB reading client data: any failure means a bad shape
        raise BadInput(f"not a Telegram update ({type(e).__name__})") from None
    if update is None:
        raise BadInput("not a Telegram update")
    user, chat, msg, query = update.effective_user, update.effective_chat, update.effective_message, \
        update.callback_query
    if user is not None and type(user.id) is not int:
        raise BadInput("from.id must be an integer")
    if chat is not None and type(chat.id) is not int:
        raise BadInput("chat.id must be an integer")
    if msg is not None and msg.text is not None and not isinstance(msg.text, str):
        raise BadInput("message.text must be a string")
    if query is not None and query.data is not None and not isinstance(query.data, str):
        raise BadInput("callback_query.data must be a string")
    return uid, data, str(user.id) if user is not None else None


class _BadHttpOneLine(logging.Filter):
    """aiohttp answers malformed HTTP (a header over 8 KiB, bad bytes) with 400 itself but logs a traceback
    at ERROR: make that one WARNING line."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            record.msg, record.args = "bad HTTP request refused (%s): %s", (exc.code, exc.message)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
        return True


_BAD_HTTP = _BadHttpOneLine()


def make_web_app(app: Application, secret: str, path: str, inbox: Inbox | None = None,
                 worker: InboxWorker | None = None, ack_wait: float = 5.0) -> web.Application:
    secret_bytes = secret.encode("utf-8", "surrogateescape")

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        try:
            ok = hmac.compare_digest(given.encode("utf-8", "surrogateescape"), secret_bytes)
        except (UnicodeError, TypeError):
            ok = False
        if not ok:
            log.warning("webhook request without the right secret from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        raw = await request.read()  # over MAX_BODY: aiohttp answers 413
        try:
            uid, data, user = parse_update(raw, app.bot)
        except BadInput as e:
            log.warning("webhook update refused (400): %s", e)
            return web.Response(status=400, text=f"bad update: {e}")
        if inbox is None:  # tests that drive PTB directly
            await app.update_queue.put(Update.de_json(data, app.bot))
            return web.Response(text="ok")
        try:
            new = inbox.accept(CHANNEL, uid, data, user)
        except sqlite3.Error as e:  # our outage: Telegram will retry a 5xx
            log.error("could not store update %s: %s", uid, e)
            return web.Response(status=503, text="try again")
        if not new:
            log.info("update %s received before; acknowledged again", uid)
        elif worker is not None and ack_wait <= 0:
            worker.wake()
        elif worker is not None:
            done = worker.expect(str(uid))
            try:
                await asyncio.wait_for(done.wait(), ack_wait)
            except TimeoutError:
                pass  # committed: the worker answers it later, or a restart does
        return web.Response(text="ok")

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": app.running})

    server_log = logging.getLogger("aiohttp.server")
    if _BAD_HTTP not in server_log.filters:
        server_log.addFilter(_BAD_HTTP)
    web_app = web.Application(client_max_size=MAX_BODY)
    web_app.router.add_post(path, receive)
    web_app.router.add_get("/healthz", health)
    return web_app


def listen_address(config: Config) -> tuple[str, int]:
    host, _, port = config.listen.rpartition(":")
    try:
        return host or "127.0.0.1", int(port)
    except ValueError:
        raise SystemExit(f"LABOR_BOT_LISTEN must be host:port, got {config.listen!r}") from None


async def run_webhook(app: Application, config: Config, stop: asyncio.Event,
                      started: asyncio.Event | None = None) -> None:
    """Serve until stop is set. Registers TELEGRAM_WEBHOOK_URL with its secret when given."""
    if not config.webhook_secret:
        raise SystemExit("TELEGRAM_WEBHOOK_SECRET must be set for webhook mode")
    host, port = listen_address(config)
    engine = app.bot_data["engine"]
    inbox = Inbox(engine.store) if engine.store is not None else None
    if inbox is not None:
        app.bot_data["inbox"] = inbox
    worker = InboxWorker(app, inbox) if inbox is not None else None
    runner = web.AppRunner(make_web_app(app, config.webhook_secret, config.webhook_path, inbox, worker,
                                        getattr(config, "ack_wait", 5.0)), access_log=None)
    try:
        if not await connect(app, stop, config.telegram_base_url):
            return
        await _post_init(app)
        if config.webhook_url:
            await app.bot.set_webhook(config.webhook_url, secret_token=config.webhook_secret,
                                      allowed_updates=Update.ALL_TYPES)
        await app.start()
        sender = start_sender(app)
        if worker is not None:
            worker.start()
        try:
            await runner.setup()
            await web.TCPSite(runner, host, port).start()
            log.info("webhook server on %s:%s%s", host, port, config.webhook_path)
            if started:
                started.set()
            await stop.wait()
        finally:
            await runner.cleanup()
            if worker is not None:
                await worker.stop()
            await sender.stop()
        await app.stop()
    finally:
        await app.shutdown()
