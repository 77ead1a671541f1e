"""handlers/telegram_http.py: the aiohttp client behind every Bot API call sends what PTB's own client sends and
fails the way PTB expects (a timeout is TimedOut, anything else NetworkError), against servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import NetworkError, TimedOut

from fake_bot_api import FakeBotAPI
from handlers.telegram_http import AiohttpRequest


@pytest.fixture
async def fake():
    api = await FakeBotAPI().start()
    yield api
    await api.stop()


async def test_send_with_keyboard_and_unicode_round_trips(fake):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("原文", callback_data="text:luding-01")]])
    async with Bot(fake.token, base_url=fake.base_url, request=AiohttpRequest()) as b:
        msg = await b.send_message(41, "培训补贴 <b>&</b>", reply_markup=markup)
    assert msg.text == "培训补贴 <b>&</b>" and msg.reply_markup == markup
    sent = fake.to(41)
    assert sent[0]["text"] == "培训补贴 <b>&</b>"
    assert "text:luding-01" in str(sent[0]["reply_markup"])


@contextlib.asynccontextmanager
async def one_route(path: str, handler):
    """A server on 127.0.0.1 answering POST path; yields its base URL."""
    app = web.Application()
    app.router.add_post(path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    finally:
        await runner.cleanup()


async def test_parameters_go_as_one_json_body():
    seen: dict = {}

    async def handler(request: web.Request) -> web.Response:
        seen["type"], seen["body"] = request.content_type, await request.json()
        return web.json_response({"ok": True, "result": True})

    from telegram.request import RequestData
    from telegram.request._requestparameter import RequestParameter

    markup = InlineKeyboardMarkup([[InlineKeyboardButton("原文", callback_data="text:luding-01")]])
    req = AiohttpRequest()
    async with one_route("/bot1:x/sendMessage", handler) as url:
        try:
            await req.initialize()
            data = RequestData([RequestParameter.from_input(k, v) for k, v in
                                {"chat_id": 41, "text": "补贴 &", "reply_markup": markup}.items()])
            await req.do_request(f"{url}/bot1:x/sendMessage", "POST", data)
        finally:
            await req.shutdown()
    assert seen == {"type": "application/json", "body": {
        "chat_id": 41, "text": "补贴 &",
        "reply_markup": {"inline_keyboard": [[{"text": "原文", "callback_data": "text:luding-01"}]]}}}


async def test_files_go_as_multipart():
    seen: dict = {}

    async def handler(request: web.Request) -> web.Response:
        seen["type"] = request.content_type
        form = await request.post()
        seen["chat"] = form["chat_id"]
        seen["file"] = form["document"].file.read()  # type: ignore[union-attr]
        return web.json_response({"ok": True, "result": True})

    from telegram.request import RequestData
    from telegram.request._requestparameter import RequestParameter

    req = AiohttpRequest()
    async with one_route("/bot1:x/sendDocument", handler) as url:
        try:
            await req.initialize()
            data = RequestData([RequestParameter.from_input("chat_id", 5),
                                RequestParameter.from_input("document", InputFile(b"abc", filename="a.txt"))])
            code, body = await req.do_request(f"{url}/bot1:x/sendDocument", "POST", data)
        finally:
            await req.shutdown()
    assert code == 200 and b'"ok": true' in body.replace(b'"ok":true', b'"ok": true')
    assert seen == {"type": "multipart/form-data", "chat": "5", "file": b"abc"}


async def test_refused_connection_is_a_network_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    req = AiohttpRequest(connect_timeout=2)
    try:
        with pytest.raises(NetworkError) as e:
            await req.do_request(f"http://127.0.0.1:{port}/bot1:x/getMe", "POST")
        assert not isinstance(e.value, TimedOut)
    finally:
        await req.shutdown()


async def test_slow_answer_is_timed_out():
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    req = AiohttpRequest(read_timeout=0.2, write_timeout=0.1)
    async with one_route("/bot1:x/getMe", slow) as url:
        try:
            with pytest.raises(TimedOut):
                await req.do_request(f"{url}/bot1:x/getMe", "POST")
            # a call's own timeout wins over the default
            with pytest.raises(TimedOut):
                await req.do_request(f"{url}/bot1:x/getMe", "POST", read_timeout=0.1, write_timeout=0.0)
        finally:
            await req.shutdown()


def test_servers_run_on_uvloop_where_it_is_installed():
    """bot/cli.py serve_forever: labor-bot run/serve/wechat on libuv's loop (a dependency except on Windows)."""
    import sys

    from bot.cli import serve_forever

    async def kind() -> str:
        return type(asyncio.get_running_loop()).__module__

    got = serve_forever(kind())
    assert got.startswith("uvloop") or sys.platform == "win32"
