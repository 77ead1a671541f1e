"""The real `labor-bot wechat` in a subprocess, pushed to as WeChat does, against a fake WeChat API on 127.0.0.1:
verification, plaintext and 安全模式 round trips (against an encryptor written in the test), typed checks, long
answers, retries, hostile bodies, events, announcements with WeChat's errcodes, SIGTERM and restart."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
import time

import aiohttp
import pytest

from bot.announce import Outbox
from bot.channel_state import ChannelState
from bot.store import Store
from fake_wechat_api import (
    AES_KEY,
    APP_ID,
    APP_SECRET,
    TOKEN,
    FakeWeChatAPI,
    WeChatPusher,
    content_of,
    event_xml,
    independent_decrypt,
    independent_encrypt,
    sha1_sorted,
    text_xml,
    voice_xml,
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WxBot:
    """`labor-bot wechat` in a subprocess, and pushers to talk to it."""

    def __init__(self, cli_env: dict, api: FakeWeChatAPI, db, **env):
        self.port = free_port()
        self.env = {**cli_env, "LABOR_BOT_DB": str(db), "WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID,
                    "WECHAT_APP_SECRET": APP_SECRET, "WECHAT_ENCODING_AES_KEY": AES_KEY,
                    "WECHAT_API_BASE_URL": api.base_url, "LABOR_BOT_WECHAT_LISTEN": f"127.0.0.1:{self.port}",
                    "LABOR_BOT_LOG_LEVEL": "WARNING", **env}
        self.url = f"http://127.0.0.1:{self.port}/wechat"
        self.proc: asyncio.subprocess.Process | None = None
        self.session: aiohttp.ClientSession | None = None
        self.log = b""

    async def start(self) -> "WxBot":
        proc = self.proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "wechat", env=self.env,
                                                                stdout=asyncio.subprocess.DEVNULL,
                                                                stderr=asyncio.subprocess.PIPE)
        assert proc.stderr is not None  # a PIPE
        session = self.session = self.session or aiohttp.ClientSession()
        deadline = time.monotonic() + 30
        while True:
            try:
                async with session.get(f"http://127.0.0.1:{self.port}/healthz") as r:
                    if r.status == 200:
                        return self
            except aiohttp.ClientError:
                pass
            if proc.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError((await proc.stderr.read()).decode())
            await asyncio.sleep(0.05)

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc is None:
            return 0
        if self.proc.returncode is None:
            assert self.proc.stderr is not None  # a PIPE
            self.proc.send_signal(sig)
            self.log += await asyncio.wait_for(self.proc.stderr.read(), 30)
            return await asyncio.wait_for(self.proc.wait(), 30)
        return self.proc.returncode

    async def close(self) -> int:
        code = await self.stop()
        if self.session:
            await self.session.close()
            self.session = None
        return code

    def pusher(self, aes: bool = False) -> WeChatPusher:
        return WeChatPusher(self.url, aes=aes, session=self.session)

    async def healthy(self) -> bool:
        assert self.session is not None, "start() first"
        async with self.session.get(f"http://127.0.0.1:{self.port}/healthz") as r:
            return r.status == 200


MSG = iter(range(10_000_000, 99_999_999))


async def say(push: WeChatPusher, openid: str, text: str) -> str:
    status, body = await push.post(text_xml(openid, text, next(MSG)))
    assert status == 200, body
    return content_of(push.unwrap(body))


@pytest.fixture
async def api():
    fake = await FakeWeChatAPI().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def bot(cli_env, api, tmp_path):
    b = await WxBot(cli_env, api, tmp_path / "wx.sqlite").start()
    yield b
    await b.close()
    assert b"Traceback" not in b.log, b.log.decode()
    assert APP_SECRET.encode() not in b.log and (not api.current_token or api.current_token.encode() not in b.log)


# -- protocol --------------------------------------------------------------------------------------------------
async def test_url_verification_echoes_echostr_only_with_the_right_signature(bot):
    ts, nonce = str(int(time.time())), "n0nce"
    good = {"signature": sha1_sorted(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce, "echostr": "e-123"}
    async with bot.session.get(bot.url, params=good) as r:
        assert (r.status, await r.text()) == (200, "e-123")
    for bad in ({**good, "signature": "0" * 40}, {**good, "nonce": "other"}, {"echostr": "x"}):
        async with bot.session.get(bot.url, params=bad) as r:
            assert r.status == 403 and "e-123" not in await r.text()


async def test_plaintext_round_trip_with_buttons_as_numbers_text_and_links(bot):
    push = bot.pusher()
    first = await say(push, "oPlain", "泸州创业贷款最多贷好多")
    assert "出处" in first and '1. <a href="weixin://bizmsgmenu?msgmenucontent=原文&msgmenuid=' in first
    menu_id = first.split("msgmenuid=")[1].split('"')[0]
    by_number = await say(push, "oPlain", "1")
    assert "原文：" in by_number
    await say(push, "oPlain", "泸州创业贷款最多贷好多")
    by_text = await say(push, "oPlain", "原文")
    assert by_text.split("\n")[0] == by_number.split("\n")[0]
    again = await say(push, "oPlain", "泸州创业贷款最多贷好多")
    menu_id = again.split("msgmenuid=")[1].split('"')[0]
    status, body = await push.post(text_xml("oPlain", "原文", next(MSG), menu_id=menu_id))  # a tapped link
    assert content_of(body).split("\n")[0] == by_number.split("\n")[0]
    assert "text:" not in first + by_number  # callback data is never shown


async def test_aes_round_trip_against_an_independent_encryptor(bot):
    push = bot.pusher(aes=True)
    status, body = await push.post(text_xml("oSecret", "贫困户学技术有补贴吗", next(MSG)))
    assert status == 200 and "<Encrypt>" in body and "<Content>" not in body  # the reply is encrypted too
    xml = push.unwrap(body)  # checks MsgSignature and the AppId, decrypts with the test's own code
    assert "<ToUserName><![CDATA[oSecret]]></ToUserName>" in xml and "补贴" in content_of(xml)
    # 兼容模式: plaintext fields beside Encrypt; the encrypted one counts and the reply is encrypted
    inner = text_xml("oSecret", "你好", next(MSG))
    enc = independent_encrypt(inner)
    both = inner.replace("</xml>", f"<Encrypt><![CDATA[{enc}]]></Encrypt></xml>")
    async with bot.session.post(bot.url, params=push.query(enc), data=both.encode()) as r:
        assert r.status == 200 and content_of(push.unwrap(await r.text()))
    # a message for another AppId, or with a msg_signature over other text, is refused
    foreign = independent_encrypt(text_xml("oSecret", "你好", next(MSG)), app_id="wxSOMEONEELSE0000")
    wrapped = f"<xml><Encrypt><![CDATA[{foreign}]]></Encrypt></xml>"
    async with bot.session.post(bot.url, params=push.query(foreign), data=wrapped.encode()) as r:
        assert r.status == 400
    async with bot.session.post(bot.url, params=push.query(enc + "x"), data=wrapped.encode()) as r:
        assert r.status == 403


async def test_a_check_completed_by_typing_only(bot):
    push = bot.pusher(aes=True)
    first = await say(push, "oCheck", "我是泸定的贫困户 学了15天电工 帮我算一下补贴")
    assert "培训天数：15" in first
    replies = [await say(push, "oCheck", t) for t in ("拿到了", "没有")]
    result = replies[-1]
    assert "【测算结果】" in result and "750元" in result


async def test_a_long_answer_is_split_and_the_rest_sent_in_order(bot, api, tmp_path):
    store = Store(tmp_path / "wx.sqlite")
    outbox = Outbox(store)
    outbox.subscribe("wechat:oLong", "wechat", None, None)  # never wrote: notices wait unread
    for i in range(2):
        d = outbox.new_draft("shell:test", "shell", f"第{i + 1}条通知。" + "培训班报名开始了。" * 160 + f"完{i + 1}")
        outbox.update_draft(d["id"], audience='{"regions": [], "topics": []}')
        outbox.queue(d["id"], "shell:test", time.time(), 1)
    store.close()
    check = Store(tmp_path / "wx.sqlite")
    deadline = time.monotonic() + 15
    while Outbox(check).counts(2)["unread"] != 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    check.close()
    passive = await say(bot.pusher(), "oLong", "你好")
    assert passive.startswith("您有2条新通知：") and len(passive.encode()) <= 2048
    await api.wait_for(lambda: any("完2" in t for t in api.texts_to("oLong")), timeout=10)
    rest = api.texts_to("oLong")
    assert all(len(t.encode()) <= 2048 for t in rest) and len(rest) >= 3
    whole = "\n".join([passive] + rest)
    assert whole.index("第1条") < whole.index("完1") < whole.index("第2条") < whole.index("完2") < whole.index("您好")
    assert "您有" not in await say(bot.pusher(), "oLong", "谢谢")  # shown once


async def test_the_same_msgid_three_times_at_once_is_answered_once(bot, api):
    push = bot.pusher()
    xml = text_xml("oRetry", "创业贷款能贷好多", 424242)
    answers = await asyncio.gather(*(push.post(xml) for _ in range(3)))
    assert [s for s, _ in answers] == [200, 200, 200]
    replies = [content_of(b) for _, b in answers if b != "success"]
    assert len(replies) == 1 and "万元" in replies[0]
    later = await push.post(xml)  # a retry after the answer
    assert later == (200, "success")
    assert api.texts_to("oRetry") == []  # and nothing went over the customer-service API instead


async def test_wrong_signatures_are_refused_before_parsing(bot):
    push = bot.pusher()
    xml = text_xml("oBad", "你好", next(MSG)).encode()
    q: dict[str, str]
    for q in (push.query(signature="f" * 40), push.query(timestamp="1"), {}):
        async with bot.session.post(bot.url, params=q, data=xml) as r:
            assert r.status == 403
    async with bot.session.post(bot.url, params=push.query(signature="f" * 40), data=b"<<<garbage") as r:
        assert r.status == 403  # the signature is checked before anything is parsed


@pytest.mark.parametrize("body", [
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><ToUserName>a</ToUserName><FromUserName>b'
    b'</FromUserName><MsgType>text</MsgType><Content>&lol3;</Content><MsgId>1</MsgId></xml>',
    b"<xml>" + b"A" * (3 * 1024 * 1024) + b"</xml>",
    b"\x00\xff garbage <xml",
    b"<notxml/>",
    b"<xml><ToUserName>a</ToUserName></xml>",
], ids=["entity-expansion", "3MB", "garbage", "wrong-root", "missing-fields"])
async def raw_post(port: int, path: str, body: bytes) -> tuple[int, float]:
    """POST over a bare socket: (status, seconds from the first byte sent to the status line)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    writer.write(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n".encode())

    async def send_body() -> None:
        try:
            for i in range(0, len(body), 65536):
                writer.write(body[i:i + 65536])
                await writer.drain()
        except (ConnectionError, OSError):
            pass  # refused mid-body: as it should be

    sending = asyncio.create_task(send_body())
    line = await asyncio.wait_for(reader.readline(), 10)
    elapsed = time.monotonic() - started
    sending.cancel()
    writer.close()
    try:
        await writer.wait_closed()
    except (ConnectionError, OSError):
        pass
    return int(line.split()[1]), elapsed


@pytest.mark.parametrize("body", [
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><ToUserName>a</ToUserName><FromUserName>b'
    b'</FromUserName><MsgType>text</MsgType><Content>&lol3;</Content><MsgId>1</MsgId></xml>',
    b"<xml>" + b"A" * (3 * 1024 * 1024) + b"</xml>",
    b"\x00\xff garbage <xml",
    b"<notxml/>",
    b"<xml><ToUserName>a</ToUserName></xml>",
], ids=["entity-expansion", "3MB", "garbage", "wrong-root", "missing-fields"])
async def test_hostile_bodies_get_a_4xx_fast_and_the_server_stays_healthy(bot, body):
    push = bot.pusher()
    query = "&".join(f"{k}={v}" for k, v in push.query().items())
    status, elapsed = await raw_post(bot.port, f"/wechat?{query}", body)
    assert status == (413 if len(body) > 65536 else 400) and elapsed < 0.1, (status, elapsed)
    assert await bot.healthy()
    assert "万元" in await say(push, "oAfter", "创业贷款能贷好多")


async def test_subscribe_and_unsubscribe_events_and_menu_clicks_and_voice(bot, tmp_path):
    push = bot.pusher()
    status, body = await push.post(event_xml("oFollow", "subscribe"))
    welcome = content_of(body)
    assert "劳务品牌政策助手" in welcome and "订阅通知" in welcome  # welcome, and the offer to subscribe
    assert "已订阅" in await say(push, "oFollow", "1")  # the offer's first button, by number
    voice = await push.post(voice_xml("oFollow", "泸州创业贷款最多贷好多", next(MSG)))
    assert "万元" in content_of(voice[1])  # voice with Recognition: as if typed
    status, body = await push.post(event_xml("oFollow", "CLICK", "check"))
    assert "想测哪一项" in content_of(body)  # a menu tap: the command it names
    image = (f"<xml><ToUserName>gh</ToUserName><FromUserName>oFollow</FromUserName><CreateTime>1</CreateTime>"
             f"<MsgType>image</MsgType><PicUrl>http://x</PicUrl><MsgId>{next(MSG)}</MsgId></xml>")
    assert "打字" in content_of((await push.post(image))[1])
    status, body = await push.post(event_xml("oFollow", "unsubscribe"))
    assert (status, body) == (200, "success")
    store = Store(tmp_path / "wx.sqlite")
    assert Outbox(store).subscription("wechat:oFollow") is None and store.user("wechat:oFollow")["active"] == 0
    store.close()


async def test_cdata_cannot_be_broken_out_of(bot, tmp_path):
    push = bot.pusher()
    typed = "]]><MsgType>image</MsgType> 贷款".replace("]]>", "]]]]><![CDATA[>")  # as WeChat writes it
    assert (await push.post(text_xml("oCdata", typed, next(MSG))))[0] == 200
    store = Store(tmp_path / "wx.sqlite")  # a notice that says ]]> comes back whole in the passive reply
    outbox = Outbox(store)
    outbox.subscribe("wechat:oCdataNew", "wechat", None, None)
    d = outbox.new_draft("shell:test", "shell", "注意]]><MsgType>image</MsgType>结束")
    outbox.update_draft(d["id"], audience='{"regions": [], "topics": []}')
    outbox.queue(d["id"], "shell:test", time.time(), 1)
    deadline = time.monotonic() + 10
    while outbox.counts(d["id"])["unread"] != 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    store.close()
    reply = await say(push, "oCdataNew", "你好")
    assert "注意]]><MsgType>image</MsgType>结束" in reply


# -- announcements --------------------------------------------------------------------------------------------
def seed(db, users: list[str], wrote: bool = True) -> None:
    store = Store(db)
    outbox, state = Outbox(store), ChannelState(store)
    for u in users:
        outbox.subscribe(f"wechat:{u}", "wechat", "luzhou", None)
        if wrote:
            state.put("wechat", f"last_in:{u}", time.time(), user_id=f"wechat:{u}")
    store.close()


async def announce(env: dict, text: str) -> None:
    p = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "announce", "--text", text,
                                             "--audience", "all", "--yes", env=env, stdout=asyncio.subprocess.PIPE,
                                             stderr=asyncio.subprocess.PIPE)
    out, err = await p.communicate()
    assert p.returncode == 0, err.decode()


def audit(db) -> list[dict]:
    store = Store(db)
    try:
        return list(reversed(Outbox(store).audit_log(50)))
    finally:
        store.close()


async def test_announcement_to_wechat_subscribers_with_one_45015_user(cli_env, api, tmp_path):
    db = tmp_path / "wx.sqlite"
    users = [f"oSub{i}" for i in range(6)]
    seed(db, users)
    api.fail_user["oSub3"] = 45015  # outside the 48 h window after all, and no template: kept unread
    api.fail_user["oSub4"] = 43004  # unfollowed: unsubscribed
    b = await WxBot(cli_env, api, db).start()
    try:
        await announce(b.env, "泸州招聘会12月5日")
        await api.wait_for(lambda: len([u for u in users if api.texts_to(u)]) == 4, timeout=15)
        deadline = time.monotonic() + 10
        while not any(e["action"] == "finished" for e in audit(db)) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        finished = [e for e in audit(db) if e["action"] == "finished"][0]
        assert finished["sent"] == 4 and finished["blocked"] == 1
        assert finished["channels"]["wechat"]["unread"] == 1 and finished["channels"]["wechat"]["sent"] == 4
        assert Outbox(Store(db)).subscription("wechat:oSub4") is None
        nxt = await say(b.pusher(), "oSub3", "你好")
        assert nxt.startswith("您有1条新通知：") and "泸州招聘会12月5日" in nxt
    finally:
        await b.close()


async def test_template_message_for_users_outside_the_window_and_token_refresh_and_quota(cli_env, api, tmp_path):
    db = tmp_path / "wx.sqlite"
    seed(db, ["oOld"], wrote=False)
    seed(db, ["oNew"], wrote=True)
    b = await WxBot(cli_env, api, db, WECHAT_TEMPLATE_ID="TPL-1").start()
    try:
        await say(b.pusher(), "oWarm", "你好")
        api.current_token = "rotated-elsewhere"  # the cached token no longer works: 40001, refresh once
        await announce(b.env, "贷款窗口开放")
        await api.wait_for(lambda: api.texts_to("oOld", "/cgi-bin/message/template/send") == ["贷款窗口开放"]
                           or api.texts_to("oOld", "/cgi-bin/message/template/send") != [], timeout=15)
        await api.wait_for(lambda: api.texts_to("oNew") != [], timeout=15)
        assert "贷款窗口开放" in api.texts_to("oOld", "/cgi-bin/message/template/send")[0]
        assert api.tokens_issued >= 1
        api.fail_next["/cgi-bin/message/custom/send"].append(45009)  # daily quota used up: the channel pauses
        await announce(b.env, "第二条")
        deadline = time.monotonic() + 10
        while not any(e["action"] == "paused" for e in audit(db)) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        paused = [e for e in audit(db) if e["action"] == "paused"][0]
        assert paused["channel"] == "wechat" and paused["until"] > time.time()
    finally:
        await b.close()


async def test_sigterm_mid_broadcast_then_restart_reaches_everyone_once(cli_env, tmp_path):
    api = await FakeWeChatAPI(latency=0.05).start()
    db = tmp_path / "wx.sqlite"
    users = [f"oMany{i}" for i in range(50)]
    seed(db, users)
    api.fail_user["oMany7"] = 45015
    env = {"LABOR_BOT_BROADCAST_CONCURRENCY": "2", "WECHAT_TEMPLATE_ID": "TPL-1"}
    try:
        b = await WxBot(cli_env, api, db, **env).start()
        await announce(b.env, "停机测试")

        def got() -> dict[str, int]:
            n = {u: 0 for u in users}
            for path in ("/cgi-bin/message/custom/send", "/cgi-bin/message/template/send"):
                for u in users:
                    n[u] += sum(1 for t in api.texts_to(u, path) if "停机测试" in t)
            return n

        await api.wait_for(lambda: sum(got().values()) >= 10, timeout=20)
        assert await b.close() == 0
        before = got()
        assert 10 <= sum(before.values()) < len(users) and max(before.values()) == 1
        assert Outbox(Store(db)).counts(1)["sending"] == 0
        b2 = await WxBot(cli_env, api, db, **env).start()
        try:
            await api.wait_for(lambda: min(got().values()) == 1, timeout=30)
            await asyncio.sleep(0.5)
            assert set(got().values()) == {1}
            assert "停机测试" in api.texts_to("oMany7", "/cgi-bin/message/template/send")[0]
        finally:
            await b2.close()
    finally:
        await api.stop()


# -- the command ----------------------------------------------------------------------------------------------
async def test_set_menu_creates_the_menu_from_knowledge(cli_env, api, tmp_path):
    env = {**WxBot(cli_env, api, tmp_path / "m.sqlite").env}
    p = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "wechat", "--set-menu", env=env,
                                             stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(p.communicate(), 30)
    assert p.returncode == 0, err.decode()
    menu = [c for c in api.calls if c["path"] == "/cgi-bin/menu/create"][0]["body"]
    assert len(menu["button"]) <= 3 and {"type": "click", "name": "资格测算", "key": "check"} in menu["button"]


def test_without_a_token_it_says_so_and_points_to_chat(cli):
    r = cli("wechat", env={"WECHAT_TOKEN": ""})
    assert r.returncode == 2 and "WECHAT_TOKEN" in r.stderr and "labor-bot chat" in r.stderr


# -- the protocol pieces, against the test's own implementation ------------------------------------------------------
def test_crypto_matches_the_documented_layout_both_ways():
    from handlers.wechat_crypto import MessageCrypto, ProtocolError, cdata

    mine = MessageCrypto(AES_KEY, APP_ID)
    for size in (0, 1, 11, 12, 13, 44, 1000):  # 12 bytes of XML + 18 of AppId + 20 = 64: a whole pad block of 32
        xml = "x" * size
        assert independent_decrypt(mine.encrypt(xml)) == (xml, APP_ID)
        assert mine.decrypt(independent_encrypt(xml)) == xml
    with pytest.raises(ProtocolError):
        mine.decrypt(independent_encrypt("<xml/>", app_id="wxOTHER"))
    with pytest.raises(ProtocolError):
        mine.decrypt("not base64!")
    assert cdata("a]]>b") == "<![CDATA[a]]]]><![CDATA[>b]]>"
    import xml.etree.ElementTree as ET

    assert ET.fromstring(f"<x>{cdata('a]]>b<c>')}</x>").text == "a]]>b<c>"


def test_split_on_line_ends_within_2048_bytes():
    from handlers.wechat_api import split_bytes

    text = "\n".join(f"第{i}行" + "字" * 50 for i in range(200))
    parts = split_bytes(text)
    assert all(len(p.encode()) <= 2048 for p in parts) and "\n".join(parts) == text
    assert all(p.startswith("第") for p in parts)
    one_line = "长" * 3000
    assert "".join(split_bytes(one_line)) == one_line


def test_json_lines_never_echo_secrets(cli_env):
    assert json.dumps(cli_env).count(APP_SECRET) == 0
