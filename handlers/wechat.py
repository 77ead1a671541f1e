"""WeChat 公众号 channel (`labor-bot wechat`): an aiohttp server for WeChat's message pushes, on the same engine.

Usage:
  WECHAT_TOKEN=… [WECHAT_APP_ID=… WECHAT_APP_SECRET=…] [WECHAT_ENCODING_AES_KEY=…] labor-bot wechat
  labor-bot wechat --set-menu        create the 公众号 menu from knowledge/wechat_menu.yaml, then exit

GET  $WECHAT_PATH   URL verification: echostr when the signature verifies, 403 otherwise.
POST $WECHAT_PATH   a message or event. Order: size (413 over 64 KB, before the body is read whole), signature
                    (403), XML with defusedxml (400), msg_signature and AES in 安全模式/兼容模式 (403/400), then
                    the message is committed to the inbox (bot/inbox.py; deduped on MsgId, events on
                    FromUserName+CreateTime; a retry answers `success`) and the engine answers.
                    The reply is passive when ready within PASSIVE_SECONDS (its first 2048 bytes; the rest
                    follows in order over the customer-service API), else `success` and everything over the API.

Acknowledge only what is committed: the engine's writes and the reply it decided are one transaction with the
inbox row; each part is crossed off as it goes out (the passive one once its HTTP answer is written). A crash
(kill -9) leaves the row for the next start, which sends what is left over the customer-service API (or a
WeChat retry takes it and answers passively); the engine never handles one message twice.
GET  /healthz       for load balancers.

Buttons become numbered lines with tappable `weixin://bizmsgmenu` links; the number, the text and the link
all work (the choices last shown are kept per user in the database). The announcement sender for WeChat
runs beside the server; SIGTERM stops the server, finishes replies in flight, then stops the sender.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
import unicodedata
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.announce import Outbox, Sender
from bot.callback import BadCallback, decode
from bot.channel_state import ChannelState
from bot.config import Config
from bot.engine import Engine
from bot.inbox import Inbox, InboxItem, worker_id
from bot.inbox_reply import accept_working, answer, reply_of, sent, take
from bot.models import Incoming, Reply
from bot.store.base import WriteRefused, reading_only
from bot.store.write_turn import WriteBatch
from handlers.wechat_api import CHANNEL, WeChatAPI, WeChatError, WeChatNetworkError, split_bytes, user_key
from handlers.wechat_crypto import (
    BadSignature,
    MessageCrypto,
    ProtocolError,
    WxMessage,
    message_from,
    parse_xml,
    text_reply,
    verify,
)

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
PASSIVE_SECONDS = 4.0  # WeChat waits 5 s; what is not ready by then goes over the customer-service API
PASSIVE_ENV = "LABOR_BOT_WECHAT_PASSIVE_SECONDS"  # 0: every reply over the API (tests of the replay use it)
WINDOW_MARK_SECONDS = 600  # the 48 h window's start kept to within 10 minutes: not every message writes it
WORKING = 16  # messages between their reply and its commit at once (a batch); the rest wait in arrival order
REPLAY_EVERY = 5.0  # seconds between looks for messages a stopped worker acknowledged but did not answer
MAX_ATTEMPTS = 3  # a message whose handling killed the process this often is given up (logged)
NAV_ONLY = {("nav", "back"), ("nav", "exit"), ("nav", "restart")}  # typed words anyway: links, not numbers
MENU_ID_BASE = 100  # msgmenuid = generation * 100 + number, so a stale link is told apart


def user_id_of(openid: str) -> str:
    return f"{CHANNEL}:{openid}"


# -- buttons as typed choices --------------------------------------------------------------------------------
def _menu_arg(text: str) -> str:
    """msgmenucontent: the text the tap sends; characters that would end the attribute or the query escaped."""
    return "".join(f"%{ord(c):02X}" if c in '%&"<>#= ?\'' else c for c in text)


def _is_nav(data: str) -> bool:
    try:
        return decode(data) in NAV_ONLY
    except BadCallback:
        return False


def render(replies: list[Reply], generation: int) -> tuple[str, list[dict]]:
    """Text for WeChat and the choices it offers: each button a numbered line with a tappable link
    (navigation buttons a link only: typing 2 in a number question must mean 2)."""
    blocks: list[str] = []
    choices: list[dict] = []
    number = 0
    for r in replies:
        lines = [r.text] if r.text else []
        links = []
        for row in r.buttons:
            for b in row:
                nav_only = not b.numbered or _is_nav(b.data)
                menu_id = generation * MENU_ID_BASE + len(choices) + 1
                link = (f'<a href="weixin://bizmsgmenu?msgmenucontent={_menu_arg(b.text)}&msgmenuid={menu_id}">'
                        f"{b.text}</a>")
                entry = {"text": b.text, "data": b.data, "id": menu_id, "n": None}
                if nav_only:
                    links.append(link)
                else:
                    number += 1
                    entry["n"] = number
                    lines.append(f"{number}. {link}")
                choices.append(entry)
        if links:
            lines.append("　".join(links))
        blocks.append("\n".join(lines))
    return "\n\n".join(b for b in blocks if b), choices


def pick(choices: list[dict], text: str, menu_id: str | None) -> str | None:
    """The button a message means: a tapped link (its msgmenuid), a typed number, or the button's text."""
    if menu_id:
        for c in choices:
            if str(c["id"]) == menu_id.strip():
                return c["data"]
    typed = unicodedata.normalize("NFKC", text).strip().rstrip(".。、")
    if typed.isdigit():
        for c in choices:
            if c["n"] == int(typed):
                return c["data"]
        return None
    for c in choices:
        if c["text"].strip() == typed:
            return c["data"]
    return None


# -- the server --------------------------------------------------------------------------------------------------
class WeChatServer:
    def __init__(self, config: Config, engine: Engine, api: WeChatAPI | None, crypto: MessageCrypto | None,
                 passive: float = PASSIVE_SECONDS):
        if engine.store is None or engine.outbox is None:
            raise ValueError("the WeChat channel needs an engine with a store")
        self.config, self.engine, self.api, self.crypto = config, engine, api, crypto
        self.token = config.wechat_token or ""
        self.passive = passive
        self.texts = engine.kb.texts
        self.state = ChannelState(engine.store)
        self.inbox = Inbox(engine.store)
        self.worker = worker_id()
        self.outbox: Outbox = engine.outbox
        self.store = engine.store
        self._background: set[asyncio.Task] = set()
        # the engine's work is CPU-bound: without a bound, a burst of pushes would all be answered only after
        # the last one was handled; with it, each is answered when ready and the late ones go over the API
        self._working = asyncio.Semaphore(WORKING)
        self._users: dict[str, asyncio.Lock] = {}  # one user's messages one at a time, in arrival order
        self._window_marked: dict[str, float] = {}  # OpenID → when this worker last wrote their window's start
        self._writes = WriteBatch(self.store)  # inbox rows, replies and the engine's writes, committed in batches
        self.stats = {"passive": 0, "api": 0, "duplicates": 0, "replayed": 0, "under_lock": 0}

    # -- HTTP ----------------------------------------------------------------------------------------------------
    def web_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_get(self.config.wechat_path, self.verify_url)
        app.router.add_post(self.config.wechat_path, self.receive)
        app.router.add_get("/healthz", self.health)
        return app

    async def health(self, _: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    def _signed(self, request: web.Request) -> bool:
        q = request.query
        return verify((self.token, q.get("timestamp", ""), q.get("nonce", "")), q.get("signature"))

    async def verify_url(self, request: web.Request) -> web.Response:
        """WeChat's URL check when the server address is saved in the 公众号 console."""
        if not self._signed(request):
            log.warning("WeChat URL verification with a wrong signature from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        return web.Response(text=request.query.get("echostr", ""))

    async def receive(self, request: web.Request) -> web.StreamResponse:
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _refuse(413, "body too large")
        if not self._signed(request):
            log.warning("WeChat push with a wrong signature from %s", request.remote)
            return _refuse(403, "bad signature")
        body = bytearray()
        async for chunk in request.content.iter_chunked(16384):
            body += chunk
            if len(body) > MAX_BODY:
                return _refuse(413, "body too large")
        aes = request.query.get("encrypt_type", "raw").lower() == "aes"
        try:
            msg = self._message(bytes(body), request, aes)
        except BadSignature:
            log.warning("WeChat push with a wrong msg_signature from %s", request.remote)
            return _refuse(403, "bad signature")
        except ProtocolError as e:
            log.info("refused a WeChat push: %s", e)
            return _refuse(400, str(e))
        return await self._answer(request, msg, aes)

    def _message(self, body: bytes, request: web.Request, aes: bool) -> WxMessage:
        root = parse_xml(body)
        if not aes:
            return message_from(root)
        if self.crypto is None:
            raise ProtocolError("encrypted push, but WECHAT_ENCODING_AES_KEY is not set")
        encrypted = next((c.text or "" for c in root if c.tag == "Encrypt"), "")
        if not encrypted:
            raise ProtocolError("no Encrypt")
        q = request.query
        if not verify((self.token, q.get("timestamp", ""), q.get("nonce", ""), encrypted), q.get("msg_signature")):
            raise BadSignature("msg_signature")
        return message_from(parse_xml(self.crypto.decrypt(encrypted)))

    async def _answer(self, request: web.Request, msg: WxMessage, aes: bool) -> web.StreamResponse:
        key, uid = msg.dedupe_key, user_id_of(msg.from_user)
        # committed (with the other pushes of this moment): ours to answer
        item = await self._writes.run(lambda: accept_working(self.inbox, CHANNEL, key, msg.fields, uid, self.worker))
        if item is None:  # a retry: answered by the first request, unless a crash left it (then it is ours now)
            item = take(self.inbox, CHANNEL, key, self.worker)
            if item is None:
                self.stats["duplicates"] += 1
                return web.Response(text="success")
        task = asyncio.create_task(self._decide(item, msg))
        try:
            item = await asyncio.wait_for(asyncio.shield(task), self.passive)
        except TimeoutError:
            if self.passive:
                log.warning("reply to %s not ready in %.0f s; it goes over the customer-service API", key,
                            self.passive)
            self._later(self._send_when_ready(msg, task))
            return web.Response(text="success")
        except Exception:  # noqa: BLE001 - never a 5xx: WeChat would retry a message that broke us
            log.exception("WeChat message %s failed", key)
            self.inbox.done(item)
            return web.Response(text="success")
        chunks = reply_of(item) or []
        if not chunks:
            self.inbox.done(item)
            return web.Response(text="success")
        xml = text_reply(msg.from_user, msg.to_user, chunks[0])
        if aes and self.crypto is not None:
            xml = self.crypto.wrap(self.token, xml)
        response = web.Response(text=xml, content_type="application/xml")
        await response.prepare(request)
        await response.write_eof()  # written: only now is the passive part crossed off
        self.stats["passive"] += 1
        if len(chunks) > 1:  # the rest after the passive reply has gone out, in order
            self._later(self._send_rest(msg.from_user, sent(self.inbox, item)))
        else:
            await self._writes.run(lambda: self.inbox.done(item))
        return response

    def _later(self, coro) -> None:
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _send_when_ready(self, msg: WxMessage, task: asyncio.Task) -> None:
        try:
            item = await task
        except Exception:  # noqa: BLE001
            log.exception("WeChat message %s failed", msg.dedupe_key)
            return
        await self._send_rest(msg.from_user, item)

    async def _send_rest(self, openid: str, item: InboxItem) -> None:
        """The reply's parts not sent yet, over the customer-service API, each crossed off as it goes."""
        try:
            left = reply_of(item)
            if not left:
                return
            if self.api is None:
                log.warning("%d reply part(s) for %s dropped: WECHAT_APP_ID/WECHAT_APP_SECRET not set",
                            len(left), item.external_id)
                return
            self.stats["api"] += 1
            while parts := reply_of(item):
                await self.api.send_text(openid, parts[0])
                if len(parts) == 1:
                    break  # the last: done below
                item = sent(self.inbox, item)
        except (WeChatError, WeChatNetworkError) as e:
            log.warning("customer-service reply for %s failed: %s", item.external_id, e)
        finally:
            self.inbox.done(item)

    async def drain(self) -> None:
        """Replies still going out (at shutdown)."""
        if self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    # -- after a crash: what was acknowledged and not answered -------------------------------------------------
    async def replay(self, stop: asyncio.Event) -> None:
        """Messages a stopped worker (kill -9, power loss) committed but did not finish answering: answered now
        over the customer-service API, the engine asked only for those it had not answered yet."""
        while not stop.is_set():
            n = self.inbox.recover(self.worker)
            if n:
                log.warning("%d acknowledged WeChat messages not answered before a stop are answered now", n)
            while items := self.inbox.claim(CHANNEL, self.worker, WORKING):
                await asyncio.gather(*(self._replay_one(item) for item in items))
            try:
                await asyncio.wait_for(stop.wait(), REPLAY_EVERY)
            except TimeoutError:
                pass

    def inbox_user(self, item: InboxItem) -> str | None:
        """The OpenID of an inbox row whose payload is its reply (the message itself is no longer kept)."""
        row = self.store.db.execute("select user_id from inbox where channel = ? and external_id = ?",
                                    [item.channel, item.external_id]).fetchone()
        uid = row[0] if row else None
        return uid.split(":", 1)[1] if uid and uid.startswith(CHANNEL + ":") else None

    async def _replay_one(self, item: InboxItem) -> None:
        fields = item.payload if isinstance(item.payload, dict) else {}
        openid = fields.get("FromUserName") or self.inbox_user(item)
        if reply_of(item) is not None and openid:  # decided before the stop: only sending is left
            self.stats["replayed"] += 1
            await self._send_rest(openid, item)
            return
        if not fields.get("FromUserName") or item.attempts > MAX_ATTEMPTS:
            log.error("WeChat message %s given up after %d attempts", item.external_id, item.attempts - 1)
            self.inbox.done(item)
            return
        msg = WxMessage(to_user=fields.get("ToUserName", ""), from_user=fields["FromUserName"],
                        create_time=fields.get("CreateTime", ""), msg_type=fields.get("MsgType", ""), fields=fields)
        try:
            item = await self._decide(item, msg)
        except Exception:  # noqa: BLE001
            log.exception("WeChat message %s failed", item.external_id)
            self.inbox.done(item)
            return
        self.stats["replayed"] += 1
        await self._send_rest(msg.from_user, item)

    # -- one message --------------------------------------------------------------------------------------------
    async def _decide(self, item: InboxItem, msg: WxMessage) -> InboxItem:
        """The item with its reply decided: the engine's writes and the reply committed in one transaction.
        An item answered before (a replay) keeps its reply: the engine is not asked twice.

        The reply is computed first outside the write lock, reading only, so workers compute in parallel; then,
        in the write transaction, it is kept only if the user's row and shown choices are still what it read
        (else another worker answered this user meanwhile). A message that must write before it can reply (a
        command, 删除我的信息, unfollowing), or one that lost that race, is computed again under the lock."""
        if reply_of(item) is not None:
            return item
        uid = user_id_of(msg.from_user)
        lock = self._users.setdefault(uid, asyncio.Lock())
        try:
            async with self._working, lock:
                read = self._read(msg, uid)
                # committed with the other messages of this moment (one transaction, each in a savepoint of its own)
                item = await self._writes.run(lambda: self._commit(item, msg, read))
                await asyncio.sleep(0)  # let the answer go out before the next message takes the CPU
                return item
        finally:
            if not lock.locked() and self._users.get(uid) is lock:
                del self._users[uid]

    def _commit(self, item: InboxItem, msg: WxMessage, read: tuple | None) -> InboxItem:
        """Inside the write transaction: the reply read before kept if the user's row and shown choices are as it
        read them, else computed again; the engine's and the channel's writes and the reply on the inbox row."""
        if read is not None and self.store.unchanged(read[0]) and self._choices(msg.from_user) == read[1]:
            self.store.save_unit(read[0])
            parts = self._finish(msg.from_user, user_id_of(msg.from_user), read[1], read[2], forgotten=False)
        else:
            self.stats["under_lock"] += 1
            parts = self._process(msg)
        return answer(self.inbox, item, parts)

    def _read(self, msg: WxMessage, uid: str) -> tuple[Any, dict, list[Reply] | None] | None:
        """(the user's unit of work, the choices shown, the replies) computed reading only; None when the message
        must write before it can reply."""
        try:
            with reading_only(), self.store.unit_saved_later(uid) as unit:
                old = self._choices(msg.from_user)
                return unit, old, self._replies(self._incoming(msg, uid, old.get("items") or []))
        except WriteRefused:
            return None

    def _process(self, msg: WxMessage) -> list[str]:
        """The reply as chunks of at most 2048 bytes (first one passive); [] for nothing to say. Under the lock."""
        openid, uid = msg.from_user, user_id_of(msg.from_user)
        old = self._choices(openid)
        inc = self._incoming(msg, uid, old.get("items") or [])
        if inc is None:
            return []
        known_before = self._known(uid)
        replies = self._replies(inc)  # a user who wrote again is active again (the engine)
        return self._finish(openid, uid, old, replies, forgotten=known_before and not self._known(uid))

    def _replies(self, inc: Incoming | str | None) -> list[Reply] | None:
        """The engine's replies; this channel keeps each user's messages in order itself (the per-user lock)."""
        if inc is None:
            return None
        if isinstance(inc, str):  # a fixed answer (please type)
            return [Reply(inc)]
        return self.engine.handle_now(inc).replies

    def _choices(self, openid: str) -> dict:
        return self.state.get(CHANNEL, f"choices:{openid}") or {}

    def _finish(self, openid: str, uid: str, old: dict, replies: list[Reply] | None, forgotten: bool) -> list[str]:
        """The channel's own writes for a reply (the 48 h window, unread announcements, the choices shown) and the
        reply as chunks."""
        if replies is None:
            return []
        now = time.time()
        if forgotten:  # 删除我的信息: what this channel keeps goes too
            self.state.forget_user(uid)
            self._window_marked.pop(openid, None)
        elif now - self._window_marked.get(openid, 0.0) >= WINDOW_MARK_SECONDS:
            self.state.put(CHANNEL, user_key(openid), now, user_id=uid)  # the 48 h window starts again
            if len(self._window_marked) >= 100_000:
                self._window_marked.clear()
            self._window_marked[openid] = now
        unread = self.outbox.take_unread(uid)
        generation = (int(old.get("gen", 0)) + 1) % 1_000_000 or 1
        text, choices = render(replies, generation)
        if not forgotten and (choices or old):
            self.state.put(CHANNEL, f"choices:{openid}", {"gen": generation, "items": choices}, user_id=uid)
        if unread:
            head = self.texts["wechat_unread_head"].format(n=len(unread))
            text = "\n".join([head] + [self.texts["wechat_unread_item"].format(text=t) for t in unread]) + "\n\n" + text
        return split_bytes(text.strip())

    def _known(self, uid: str) -> bool:
        """The user has a stored record (after 删除我的信息 they have none)."""
        return self.store.db.execute("select 1 from users where id = ?", [uid]).fetchone() is not None

    def _incoming(self, msg: WxMessage, uid: str, choices: list[dict]) -> Incoming | str | None:
        t = msg.msg_type.lower()
        if t == "text":
            return self._typed(uid, choices, msg.get("Content"), msg.get("bizmsgmenuid") or None)
        if t == "voice":
            said = msg.get("Recognition").strip()
            return self._typed(uid, choices, said, None) if said else self.texts["wechat_please_type"]
        if t == "event":
            event = msg.get("Event").lower()
            if event == "subscribe":
                return Incoming(uid, text="/start", channel=CHANNEL)
            if event == "unsubscribe":
                self.outbox.unsubscribe(uid)
                self.store.set_active(uid, False)
                log.info("WeChat user unfollowed; subscription ended")
                return None
            if event == "click":
                command = msg.get("EventKey").strip().lstrip("/")
                return Incoming(uid, text="/" + command, channel=CHANNEL) if re.fullmatch(r"\w+", command) else None
            return None  # VIEW, LOCATION, TEMPLATESENDJOBFINISH …: nothing to say
        return self.texts["wechat_please_type"]

    def _typed(self, uid: str, choices: list[dict], text: str, menu_id: str | None) -> Incoming:
        data = pick(choices, text, menu_id) if choices else None
        if data is not None:
            return Incoming(uid, button=data, channel=CHANNEL)
        return Incoming(uid, text=text, channel=CHANNEL)


def _refuse(status: int, why: str) -> web.Response:
    return web.json_response({"error": why}, status=status)


# -- the menu --------------------------------------------------------------------------------------------------
def load_menu(kb) -> dict:
    """The 公众号 menu from knowledge/wechat_menu.yaml: 1–3 buttons, each a command (CLICK key) or 1–5 sub-buttons."""
    import yaml

    from bot.kb import KBError

    path = Path(kb.root) / "wechat_menu.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        raise KBError(path, None, "file is missing") from None
    except yaml.YAMLError as e:
        raise KBError(path, None, f"not YAML: {e}") from None
    commands = {name for name, _ in kb.commands}

    def button(item, where: str, top: bool) -> dict:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
            raise KBError(path, where, "needs a name")
        limit = 16 if top else 60  # bytes, WeChat's limits
        if len(item["name"].encode()) > limit:
            raise KBError(path, where, f"name {item['name']!r} is over {limit} bytes")
        if "sub" in item:
            if not top or not isinstance(item["sub"], list) or not 1 <= len(item["sub"]) <= 5:
                raise KBError(path, where, "sub must be a list of 1 to 5 buttons, on a top button only")
            return {"name": item["name"], "sub_button": [button(s, f"{where}.sub[{i}]", False)
                                                         for i, s in enumerate(item["sub"])]}
        if item.get("key") not in commands:
            raise KBError(path, where, f"key {item.get('key')!r} is not a command in commands.yaml")
        return {"type": "click", "name": item["name"], "key": item["key"]}

    if not isinstance(data, list) or not 1 <= len(data) <= 3:
        raise KBError(path, None, "must be a list of 1 to 3 buttons")
    return {"button": [button(b, f"button[{i}]", True) for i, b in enumerate(data)]}


# -- the command ---------------------------------------------------------------------------------------------------
async def run_wechat(config: Config, stop: asyncio.Event, set_menu: bool = False) -> int:
    """`labor-bot wechat`: serve until stop is set (or create the menu and return)."""
    from bot.app import build_engine, settle_heap
    from handlers.webhook import listen_address

    crypto = None
    if config.wechat_aes_key:
        if not config.wechat_app_id:
            raise SystemExit("WECHAT_ENCODING_AES_KEY needs WECHAT_APP_ID (the AppId is checked in every message)")
        try:
            crypto = MessageCrypto(config.wechat_aes_key, config.wechat_app_id)
        except ValueError as e:
            raise SystemExit(str(e)) from None
    engine = build_engine(config)
    store, outbox = engine.store, engine.outbox
    assert store is not None and outbox is not None  # build_engine(config) opens config.db
    api = WeChatAPI.from_config(config, store) if config.wechat_app_id and config.wechat_app_secret else None
    try:
        if set_menu:
            if api is None:
                raise SystemExit("--set-menu needs WECHAT_APP_ID and WECHAT_APP_SECRET")
            menu = load_menu(engine.kb)
            async with api:
                await api.create_menu(menu)
            print(f"menu created: {', '.join(b['name'] for b in menu['button'])}")
            return 0
        if api is None:
            log.warning("WECHAT_APP_ID/WECHAT_APP_SECRET not set: passive replies only, no announcements")
        server = WeChatServer(config, engine, api, crypto, passive_seconds())
        settle_heap(engine)
        host, port = _listen(config, listen_address)
        runner = web.AppRunner(server.web_app(), access_log=None, shutdown_timeout=5)
        await runner.setup()
        sender_stop = asyncio.Event()
        sender_task = None
        if api is not None:
            await api.__aenter__()
            sender = Sender(outbox, {CHANNEL: api.deliver_announcement}, engine.kb.texts,
                            rate=config.broadcast_rate, concurrency=config.broadcast_concurrency,
                            progress_every=config.progress_seconds)
            sender_task = asyncio.create_task(sender.run(sender_stop))
        replay_task = asyncio.create_task(server.replay(sender_stop))
        try:
            # reuse_port: several `labor-bot wechat` processes may listen on one address (more CPUs); they share
            # the database, so MsgId dedupe, the access token and the outbox hold across them
            await web.TCPSite(runner, host, port, reuse_port=True, backlog=1024).start()
            log.warning("WeChat server on %s:%s%s", host, port, config.wechat_path)
            await stop.wait()
        finally:
            await runner.cleanup()  # stop taking messages; handlers in flight finish
            await server.drain()
            sender_stop.set()  # the sender records what is in flight and puts back what is claimed
            await replay_task
            if sender_task is not None:
                try:
                    await sender_task
                except Exception:  # noqa: BLE001 - shutting down; the outbox keeps what is left
                    log.exception("announcement sender stopped with an error")
            if api is not None:
                await api.__aexit__(None, None, None)
        return 0
    finally:
        store.close()


def passive_seconds() -> float:
    """LABOR_BOT_WECHAT_PASSIVE_SECONDS: how long a push waits for its passive reply (0 to 4.5; default 4)."""
    raw = os.environ.get(PASSIVE_ENV) or str(PASSIVE_SECONDS)
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 4.5:
        raise SystemExit(f"{PASSIVE_ENV} must be a number of seconds from 0 to 4.5 (WeChat waits 5), got {raw!r}")
    return value


def _listen(config: Config, listen_address) -> tuple[str, int]:
    from dataclasses import replace

    return listen_address(replace(config, listen=config.wechat_listen))
