"""Webhook mode (`labor-bot serve`): a small aiohttp server in front of the PTB application.

POST {TELEGRAM_WEBHOOK_PATH} takes updates only with the right X-Telegram-Bot-Api-Secret-Token
(403 otherwise); GET /healthz answers for load balancers. TLS is the reverse proxy's job (deploy/nginx).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.config import Config
from handlers.telegram import _post_init, start_sender

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # Telegram updates are small; refuse anything larger


def make_web_app(app: Application, secret: str, path: str) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook request without the right secret from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, app.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not an update")
        if update is None:
            return web.Response(status=400, text="not an update")
        await app.update_queue.put(update)
        return web.Response(text="ok")

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": app.running})

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
    runner = web.AppRunner(make_web_app(app, config.webhook_secret, config.webhook_path), access_log=None)
    await app.initialize()
    try:
        await _post_init(app)
        if config.webhook_url:
            await app.bot.set_webhook(config.webhook_url, secret_token=config.webhook_secret,
                                      allowed_updates=Update.ALL_TYPES)
        await app.start()
        sender = start_sender(app)
        try:
            await runner.setup()
            await web.TCPSite(runner, host, port).start()
            log.info("webhook server on %s:%s%s", host, port, config.webhook_path)
            if started:
                started.set()
            await stop.wait()
        finally:
            await runner.cleanup()
            await sender.stop()
        await app.stop()
    finally:
        await app.shutdown()
