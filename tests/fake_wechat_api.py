"""A fake WeChat API server on 127.0.0.1, and a client that pushes messages the way WeChat does.

FakeWeChatAPI speaks /cgi-bin/stable_token, /cgi-bin/token, /cgi-bin/message/custom/send,
/cgi-bin/message/template/send and /cgi-bin/menu/create; it records every call (never more than it needs)
and can be told to fail: `fail_next[path]` errcodes for the next calls to a path, `fail_user[openid]` an
errcode for every custom/send to that user. Tokens expire as told; a call with a token that is not the
current one answers 40001.

WeChatPusher builds pushes exactly as WeChat documents them (signature, 安全模式 with AES done here with
`cryptography` directly, independent of handlers/wechat_crypto.py) and posts them to the bot.
Run alone (`python tests/fake_wechat_api.py PORT`) it serves until killed: the benchmark uses it so.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import struct
import sys
import time
from collections import defaultdict, deque
from typing import Any

import aiohttp
from aiohttp import web
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

APP_ID = "wx0123456789abcdef"
APP_SECRET = "fake-app-secret-0123456789"
TOKEN = "fake-wechat-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters
BOT_ACCOUNT = "gh_labor_bot"


class FakeWeChatAPI:
    def __init__(self, token_ttl: int = 7200, latency: float = 0.0):
        self.calls: list[dict[str, Any]] = []  # {"path", "body", "ts"} in arrival order
        self.tokens_issued = 0
        self.current_token = ""
        self.token_ttl, self.latency = token_ttl, latency
        self.fail_next: defaultdict[str, deque[int]] = defaultdict(deque)
        self.fail_user: dict[str, int] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._changed = asyncio.Event()

    async def start(self, port: int = 0) -> "FakeWeChatAPI":
        app = web.Application()
        app.router.add_post("/cgi-bin/stable_token", self._stable_token)
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_post("/cgi-bin/message/custom/send", self._custom)
        app.router.add_post("/cgi-bin/message/template/send", self._template)
        app.router.add_post("/cgi-bin/menu/create", self._menu)
        app.router.add_get("/calls", self._calls)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- recorded calls ------------------------------------------------------------------------------------
    def texts_to(self, openid: str, path: str = "/cgi-bin/message/custom/send") -> list[str]:
        out = []
        for c in self.calls:
            if c["path"] == path and c["body"].get("touser") == openid and c.get("ok"):
                body = c["body"]
                out.append(body["text"]["content"] if "text" in body else body["data"]["content"]["value"])
        return out

    def count(self, path: str) -> int:
        return sum(1 for c in self.calls if c["path"] == path)

    async def wait_for(self, predicate, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("fake WeChat API: condition not met in time")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), 0.05)
            except TimeoutError:
                pass

    # -- handlers -----------------------------------------------------------------------------------------------
    def _issue(self) -> web.Response:
        self.tokens_issued += 1
        self.current_token = f"ACCESS_TOKEN_{self.tokens_issued}_{os.urandom(4).hex()}"
        return web.json_response({"access_token": self.current_token, "expires_in": self.token_ttl})

    async def _stable_token(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append({"path": request.path, "body": {k: v for k, v in body.items() if k != "secret"},
                           "ts": time.time()})
        if body.get("appid") != APP_ID or body.get("secret") != APP_SECRET:
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        if self.current_token and not body.get("force_refresh") and self.tokens_issued:
            return web.json_response({"access_token": self.current_token, "expires_in": self.token_ttl})
        return self._issue()

    async def _token(self, request: web.Request) -> web.Response:
        self.calls.append({"path": request.path, "body": {}, "ts": time.time()})
        if request.query.get("appid") != APP_ID or request.query.get("secret") != APP_SECRET:
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        return self._issue()

    async def _api(self, request: web.Request, extra_check=None) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = {}
        call = {"path": request.path, "body": body, "ts": time.time(), "ok": False}
        self.calls.append(call)
        self._changed.set()
        if self.latency:
            await asyncio.sleep(self.latency)
        if request.query.get("access_token") != self.current_token or not self.current_token:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        if self.fail_next[request.path]:
            code = self.fail_next[request.path].popleft()
            return web.json_response({"errcode": code, "errmsg": f"injected {code}"})
        if extra_check is not None:
            code = extra_check(body)
            if code:
                return web.json_response({"errcode": code, "errmsg": f"injected {code}"})
        call["ok"] = True
        self._changed.set()
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _custom(self, request: web.Request) -> web.Response:
        def check(body: dict) -> int:
            content = (body.get("text") or {}).get("content", "")
            if len(content.encode()) > 2048:
                return 45002  # content size out of limit
            return self.fail_user.get(body.get("touser", ""), 0)

        return await self._api(request, check)

    async def _template(self, request: web.Request) -> web.Response:
        return await self._api(request)

    async def _menu(self, request: web.Request) -> web.Response:
        return await self._api(request)

    async def _calls(self, _: web.Request) -> web.Response:
        return web.json_response(self.calls)


# -- the pushing side: WeChat's servers ---------------------------------------------------------------------------
def sha1_sorted(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def independent_encrypt(xml: str, aes_key: str = AES_KEY, app_id: str = APP_ID) -> str:
    """Encrypt as WeChat documents it, written here apart from the bot's code."""
    key = base64.b64decode(aes_key + "=")
    body = xml.encode()
    plain = os.urandom(16) + struct.pack(">I", len(body)) + body + app_id.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


def independent_decrypt(encrypted: str, aes_key: str = AES_KEY) -> tuple[str, str]:
    """(xml, app_id) of an encrypted reply."""
    key = base64.b64decode(aes_key + "=")
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = dec.update(base64.b64decode(encrypted)) + dec.finalize()
    plain = plain[:-plain[-1]]
    (n,) = struct.unpack(">I", plain[16:20])
    return plain[20:20 + n].decode(), plain[20 + n:].decode()


def text_xml(openid: str, content: str, msg_id: int | str, create_time: int | None = None,
             menu_id: str | None = None) -> str:
    extra = f"<bizmsgmenuid>{menu_id}</bizmsgmenuid>" if menu_id else ""
    return (f"<xml><ToUserName><![CDATA[{BOT_ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[text]]>"
            f"</MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId>{extra}</xml>")


def event_xml(openid: str, event: str, key: str = "", create_time: int | None = None) -> str:
    return (f"<xml><ToUserName><![CDATA[{BOT_ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[event]]>"
            f"</MsgType><Event><![CDATA[{event}]]></Event><EventKey><![CDATA[{key}]]></EventKey></xml>")


def voice_xml(openid: str, recognition: str, msg_id: int) -> str:
    return (f"<xml><ToUserName><![CDATA[{BOT_ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[voice]]></MsgType>"
            f"<MediaId><![CDATA[m1]]></MediaId><Format><![CDATA[amr]]></Format>"
            f"<Recognition><![CDATA[{recognition}]]></Recognition><MsgId>{msg_id}</MsgId></xml>")


class WeChatPusher:
    """Posts to the bot as WeChat does; `aes` switches to 安全模式."""

    def __init__(self, url: str, token: str = TOKEN, aes: bool = False, session: aiohttp.ClientSession | None = None):
        self.url, self.token, self.aes = url, token, aes
        self.session = session

    def query(self, body_encrypt: str | None = None, **override) -> dict[str, str]:
        ts, nonce = str(int(time.time())), os.urandom(5).hex()
        q = {"signature": sha1_sorted(self.token, ts, nonce), "timestamp": ts, "nonce": nonce, "openid": "x"}
        if body_encrypt is not None:
            q.update(encrypt_type="aes", msg_signature=sha1_sorted(self.token, ts, nonce, body_encrypt))
        q.update(override)
        return q

    def wrap(self, xml: str) -> tuple[str, dict[str, str]]:
        if not self.aes:
            return xml, self.query()
        enc = independent_encrypt(xml)
        return f"<xml><ToUserName><![CDATA[{BOT_ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt></xml>", \
            self.query(enc)

    async def post(self, xml: str, **override) -> tuple[int, str]:
        body, q = self.wrap(xml)
        q.update(override)
        assert self.session is not None, "post() needs the session given to WeChatPusher"
        async with self.session.post(self.url, params=q, data=body.encode(),
                                     headers={"Content-Type": "text/xml"}) as r:
            return r.status, await r.text()

    def unwrap(self, reply: str) -> str:
        """The reply's XML, decrypted and its MsgSignature checked in 安全模式."""
        if not self.aes or reply == "success":
            return reply
        import xml.etree.ElementTree as ET

        root = ET.fromstring(reply)
        f = {c.tag: c.text or "" for c in root}
        assert f["MsgSignature"] == sha1_sorted(self.token, f["TimeStamp"], f["Nonce"], f["Encrypt"])
        xml, app_id = independent_decrypt(f["Encrypt"])
        assert app_id == APP_ID
        return xml


def content_of(reply_xml: str) -> str:
    import xml.etree.ElementTree as ET

    if reply_xml in ("", "success"):
        return ""
    return ET.fromstring(reply_xml).findtext("Content") or ""


async def _serve(port: int) -> None:  # pragma: no cover - the benchmark's separate process
    api = await FakeWeChatAPI().start(port)
    print(f"fake WeChat API on {api.base_url}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":  # pragma: no cover
    asyncio.run(_serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
