"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and benchmarks.

Speaks the HTTP API PTB uses (getMe, deleteWebhook, setWebhook, getUpdates with long poll,
sendMessage, answerCallbackQuery, editMessageText, setMyCommands), records every call, and can be
told to fail: a 429 with retry_after, a 403 for a blocked chat, any status for the next call of a method.
Like Telegram, it can enforce flood limits on sendMessage (max_per_second overall, chat_interval per chat),
answering 429 with retry_after when they are exceeded; `throttled` counts those answers.

Run alone (`python tests/fake_bot_api.py --port P [--max-per-second 30]`) it serves until killed, for
benchmarks that run the bot in a process of its own: control routes outside /bot… push updates
(POST /_push {"messages": [[user_id, text], …]} → {"pushed": [[update_id, t], …]}), read what was sent
(GET /_sent?since=N) and counters (GET /_stats), and start afresh (POST /_reset). Times are
time.monotonic() of this process (the same clock as every process on the machine).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict, deque
from typing import Any

from aiohttp import web

BOT = {"id": 4242, "is_bot": True, "first_name": "劳务品牌政策助手", "username": "labor_test_bot",
       "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}


class FakeBotAPI:
    def __init__(self, token: str = "4242:TEST", max_per_second: int | None = None,
                 chat_interval: float | None = None, latency: float = 0.0):
        self.token = token
        self.updates: list[dict] = []
        self.next_id = 1
        self.message_id = 1
        self.calls: list[tuple[str, dict, float]] = []
        self.sent: list[dict] = []  # sendMessage and editMessageText, in order
        self.fail: defaultdict[str, deque] = defaultdict(deque)  # method → (status, description, retry_after)
        self.blocked: set[int] = set()
        self.max_per_second, self.chat_interval, self.latency = max_per_second, chat_interval, latency
        self.throttled = 0
        self._closing = False
        self._window: deque[float] = deque()
        self._last_to: dict[int, float] = {}
        self._new = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- server ------------------------------------------------------------------------------------
    async def start(self, port: int = 0) -> "FakeBotAPI":
        """Listen on 127.0.0.1 (port 0: any free port)."""
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        app.router.add_post("/_push", self._c_push)
        app.router.add_get("/_sent", self._c_sent)
        app.router.add_get("/_stats", self._c_stats)
        app.router.add_post("/_reset", self._c_reset)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        self._closing = True  # long polls of clients that are gone (killed processes) return now
        self._new.set()
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        out = {}
        for k, v in form.items():
            try:
                out[k] = json.loads(v) if isinstance(v, (str, bytes, bytearray)) else v  # a file upload as it is
            except (ValueError, TypeError):
                out[k] = v
        return out

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params, time.monotonic()))
        if self.fail[method]:
            status, desc, retry = self.fail[method].popleft()
            return self._error(status, desc, retry)
        if method in ("sendMessage", "editMessageText") and int(params.get("chat_id", 0)) in self.blocked:
            return self._error(403, "Forbidden: bot was blocked by the user")
        if method == "sendMessage" and (limited := self._flood(int(params.get("chat_id", 0)))):
            return limited
        if self.latency:
            await asyncio.sleep(self.latency)
        handler = getattr(self, f"_m_{method}", None)
        result = await handler(params) if handler else True
        return web.json_response({"ok": True, "result": result})

    def _flood(self, chat_id: int) -> web.Response | None:
        now = time.monotonic()
        if self.max_per_second:
            while self._window and self._window[0] <= now - 1.0:
                self._window.popleft()
            if len(self._window) >= self.max_per_second:
                self.throttled += 1
                return self._error(429, "Too Many Requests: retry after 1", 1)
        if self.chat_interval and now - self._last_to.get(chat_id, -1e9) < self.chat_interval:
            self.throttled += 1
            return self._error(429, "Too Many Requests: retry after 1", 1)
        self._window.append(now)
        self._last_to[chat_id] = now
        return None

    @staticmethod
    def _error(status: int, desc: str, retry_after: int | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": desc}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    # -- methods -----------------------------------------------------------------------------------
    async def _m_getMe(self, p: dict) -> dict:
        return BOT

    async def _m_getUpdates(self, p: dict) -> list[dict]:
        offset = int(p.get("offset") or 0)
        limit = int(p.get("limit") or 100)
        deadline = time.monotonic() + float(p.get("timeout") or 0)
        while True:
            self.updates = [u for u in self.updates if u["update_id"] >= offset or u.get("_again")]
            if self.updates:
                out = self.updates[:limit]
                for u in out:
                    u.pop("_again", None)
                return out
            left = deadline - time.monotonic()
            if left <= 0 or self._closing:
                return []
            self._new.clear()
            try:
                await asyncio.wait_for(self._new.wait(), left)
            except TimeoutError:
                return []

    def _message(self, p: dict) -> dict:
        self.message_id += 1
        chat_id = int(p["chat_id"])
        msg = {"message_id": int(p.get("message_id") or self.message_id), "date": int(time.time()),
               "chat": {"id": chat_id, "type": "private", "first_name": "U"}, "from": BOT, "text": p.get("text", "")}
        if p.get("reply_markup"):
            msg["reply_markup"] = p["reply_markup"]
        return msg

    async def _m_sendMessage(self, p: dict) -> dict:
        msg = self._message(p)
        self.sent.append({"method": "sendMessage", **p, "message_id": msg["message_id"], "t": time.monotonic(),
                          "wall": time.time()})
        return msg

    async def _m_editMessageText(self, p: dict) -> dict:
        msg = self._message(p)
        self.sent.append({"method": "editMessageText", **p, "t": time.monotonic()})
        return msg

    # -- control routes (when run as a separate process) -------------------------------------------------------
    async def _c_push(self, request: web.Request) -> web.Response:
        body = await request.json()
        pushed = []
        for uid, text in body.get("messages", []):
            u = self.message(int(uid), str(text))
            pushed.append([u["update_id"], time.monotonic()])
        return web.json_response({"pushed": pushed})

    async def _c_sent(self, request: web.Request) -> web.Response:
        since = int(request.query.get("since", 0))
        keep = ("method", "chat_id", "text", "t")
        return web.json_response({"sent": [{k: s.get(k) for k in keep} for s in self.sent[since:]]})

    async def _c_stats(self, _: web.Request) -> web.Response:
        methods: dict[str, int] = defaultdict(int)
        for m, _p, _t in self.calls:
            methods[m] += 1
        return web.json_response({"sent": len(self.sent), "throttled": self.throttled, "calls": dict(methods)})

    async def _c_reset(self, _: web.Request) -> web.Response:
        self.sent.clear()
        self.calls.clear()
        self.throttled = 0
        self._window.clear()
        self._last_to.clear()
        return web.json_response({"ok": True})

    # -- test helpers ------------------------------------------------------------------------------
    def _user(self, uid: int) -> dict:
        return {"id": uid, "is_bot": False, "first_name": f"U{uid}"}

    def push(self, update: dict, again: bool = False) -> dict:
        """Queue an update; again=True redelivers an id already confirmed (as a retrying Telegram would)."""
        self.updates.append({**update, **({"_again": True} if again else {})})
        self._new.set()
        return update

    def message(self, uid: int, text: str) -> dict:
        uid_ = self.next_id
        self.next_id += 1
        msg = {"message_id": 10_000 + uid_, "date": int(time.time()), "text": text, "from": self._user(uid),
               "chat": {"id": uid, "type": "private", "first_name": f"U{uid}"}}
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.push({"update_id": uid_, "message": msg})

    def press(self, uid: int, data: str, message_id: int = 1) -> dict:
        uid_ = self.next_id
        self.next_id += 1
        msg = {"message_id": message_id, "date": int(time.time()), "text": "…", "from": BOT,
               "chat": {"id": uid, "type": "private", "first_name": f"U{uid}"}}
        return self.push({"update_id": uid_, "callback_query": {"id": f"cb{uid_}", "from": self._user(uid),
                                                                "chat_instance": "ci", "data": data, "message": msg}})

    def to(self, chat_id: int) -> list[dict]:
        return [s for s in self.sent if int(s["chat_id"]) == chat_id]

    def per_chat(self, chats) -> dict[int, int]:
        """How many messages each of these chats received (the server's log)."""
        counts = {int(c): 0 for c in chats}
        for s in self.sent:
            if s["method"] == "sendMessage" and int(s["chat_id"]) in counts:
                counts[int(s["chat_id"])] += 1
        return counts

    def methods(self, name: str) -> list[dict]:
        return [p for m, p, _ in self.calls if m == name]

    async def wait_for(self, predicate, timeout: float = 10.0) -> None:
        end = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > end:
                raise AssertionError(f"timed out; sent so far: {[s.get('text', '')[:40] for s in self.sent]}")
            await asyncio.sleep(0.01)


async def _serve(port: int, max_per_second: int | None, token: str) -> None:  # pragma: no cover - benchmarks
    api = await FakeBotAPI(token=token, max_per_second=max_per_second).start(port)
    print(f"listening {api.port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":  # pragma: no cover
    import argparse

    ap = argparse.ArgumentParser(description="fake Bot API on 127.0.0.1 until killed")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--max-per-second", type=int, default=None, help="429 beyond this many sendMessage in any second")
    ap.add_argument("--token", default="4242:TEST")
    a = ap.parse_args()
    asyncio.run(_serve(a.port, a.max_per_second, a.token))
