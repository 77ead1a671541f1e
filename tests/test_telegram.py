"""The real PTB stack end to end against a fake Bot API server on 127.0.0.1: polling and webhook."""

from __future__ import annotations

import asyncio
import json
import socket

import aiohttp
import pytest

from bot.callback import encode
from bot.config import Config
from bot.engine import Engine
from bot.models import Button, Reply
from conftest import TODAY
from fake_bot_api import FakeBotAPI
from handlers.telegram import build_app, run_polling
from handlers.telegram_send import MAX_TEXT, split_text
from handlers.webhook import SECRET_HEADER, run_webhook


@pytest.fixture
async def fake():
    api = await FakeBotAPI().start()
    yield api
    await api.stop()


def config_for(api: FakeBotAPI, **kw) -> Config:
    return Config(telegram_token=api.token, telegram_base_url=api.base_url, **kw)


@pytest.fixture
async def polling(fake, kb, matcher, store):
    engine = Engine(kb, matcher, store, today=lambda: TODAY)
    app = build_app(config_for(fake), engine)
    stop = asyncio.Event()
    task = asyncio.create_task(run_polling(app, stop, poll_timeout=1))
    await fake.wait_for(lambda: fake.methods("getUpdates"))
    yield fake
    stop.set()
    await asyncio.wait_for(task, 15)


def buttons(sent: dict) -> list[dict]:
    markup = sent.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def button(sent: dict, label: str) -> str:
    return next(b["callback_data"] for b in buttons(sent) if label in b["text"])


async def test_a_question_is_answered_with_buttons_and_commands_registered(polling):
    fake = polling
    fake.message(7, "泸州创业贷款能贷多少")
    await fake.wait_for(lambda: fake.to(7))
    reply = fake.to(7)[0]
    assert "30万元" in reply["text"] and reply["parse_mode"] == "HTML"
    assert encode("text", "luzhou-22") in [b["callback_data"] for b in buttons(reply)]
    names = [c["command"] for c in fake.methods("setMyCommands")[0]["commands"]]
    assert names == ["start", "help", "check", "measures", "region", "subscribe", "unsubscribe", "news", "forget"]
    await fake.wait_for(lambda: len(fake.to(7)) == 2)
    assert "订阅" in fake.to(7)[1]["text"]  # a new user is offered notices, once
    assert fake.methods("deleteWebhook")


async def test_a_whole_check_with_button_presses(polling, store):
    fake = polling
    fake.message(8, "/check service")
    await fake.wait_for(lambda: len(fake.to(8)) == 1)
    fake.press(8, button(fake.to(8)[-1], "泸州"))
    await fake.wait_for(lambda: len(fake.to(8)) == 2)
    fake.press(8, button(fake.to(8)[-1], "劳务经纪人"))
    await fake.wait_for(lambda: len(fake.to(8)) == 3)
    fake.press(8, button(fake.to(8)[-1], "脱贫人口"))
    await fake.wait_for(lambda: len(fake.to(8)) == 4)
    fake.message(8, "十二")
    await fake.wait_for(lambda: len(fake.to(8)) == 5)
    fake.message(8, "10")
    await fake.wait_for(lambda: len(fake.to(8)) == 6)
    fake.press(8, button(fake.to(8)[-1], "都是"))  # all ten insured
    await fake.wait_for(lambda: len(fake.to(8)) == 7)
    fake.press(8, button(fake.to(8)[-1], "否"))
    await fake.wait_for(lambda: len(fake.to(8)) == 8)
    result = fake.to(8)[-1]["text"]
    assert "10人 × 300元 = 3,000元" in result and "（十五）" in result
    assert len(fake.methods("answerCallbackQuery")) == 5
    assert store.user("8")["dialog"] is None


async def test_measures_browsing_edits_the_message(polling):
    fake = polling
    fake.message(9, "/measures")
    await fake.wait_for(lambda: fake.to(9))
    fake.press(9, button(fake.to(9)[0], "泸州市"), message_id=fake.to(9)[0]["message_id"])
    await fake.wait_for(lambda: len(fake.to(9)) == 2)
    page = fake.to(9)[1]
    assert page["method"] == "editMessageText" and "分环节夯实" in json.dumps(page, ensure_ascii=False)
    fake.press(9, button(page, "一、分环节"))
    await fake.wait_for(lambda: len(fake.to(9)) == 3)
    fake.press(9, button(fake.to(9)[2], "（五）"))
    await fake.wait_for(lambda: len(fake.to(9)) == 4)
    shown = fake.to(9)[3]
    assert shown["method"] == "sendMessage" and "（五）" in shown["text"]


async def test_the_same_update_twice_is_handled_once(polling):
    fake = polling
    update = fake.message(10, "泸定培训补贴")
    await fake.wait_for(lambda: len(fake.to(10)) == 2)  # the answer, and the one-time offer of notices
    fake.push(update, again=True)
    fake.message(10, "谢谢")
    await fake.wait_for(lambda: len(fake.to(10)) >= 3)
    await asyncio.sleep(0.2)
    assert len(fake.to(10)) == 3 and "不客气" in fake.to(10)[2]["text"]


async def test_flood_control_429_is_waited_out(polling):
    fake = polling
    fake.fail["sendMessage"].append((429, "Too Many Requests: retry after 1", 1))
    fake.message(11, "泸州培训补贴")
    await fake.wait_for(lambda: len(fake.to(11)) == 2, timeout=15)  # the answer and the offer of notices
    attempts = [t for m, p, t in fake.calls if m == "sendMessage" and int(p["chat_id"]) == 11]
    assert len(attempts) == 3 and attempts[1] - attempts[0] >= 0.9 and "培训" in fake.to(11)[0]["text"]


async def test_a_user_who_blocked_the_bot_is_marked_inactive(polling, store):
    fake = polling
    fake.blocked.add(12)
    fake.message(12, "泸州培训补贴")
    await fake.wait_for(lambda: store.user("12")["active"] == 0)
    fake.blocked.discard(12)
    fake.message(12, "你好")
    await fake.wait_for(lambda: fake.to(12))
    assert store.user("12")["active"] == 1


async def test_a_failed_send_gets_the_user_a_friendly_message(polling, kb):
    fake = polling
    fake.fail["sendMessage"].append((400, "Bad Request: something odd", None))
    fake.message(13, "泸州培训补贴")
    await fake.wait_for(lambda: fake.to(13))
    assert fake.to(13)[0]["text"] == kb.texts["error"]


async def test_stale_and_foreign_buttons_are_answered_gently(polling, kb):
    fake = polling
    fake.press(14, "answer:group|poor")
    fake.press(14, "something-else")
    await fake.wait_for(lambda: len(fake.to(14)) == 2)
    assert {s["text"] for s in fake.to(14)} == {kb.texts["stale_button"]}


async def test_deep_link_opens_the_loan_check(polling, store):
    fake = polling
    fake.message(15, "/start loan")
    await fake.wait_for(lambda: fake.to(15))
    assert store.user("15")["dialog"]["flow"] == "loan_person"


# -- webhook mode ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_checks_the_secret_and_drops_retries(fake, kb, matcher, store):
    port = free_port()
    config = config_for(fake, webhook_secret="s3cret-token", webhook_url="https://bot.example/telegram",
                        listen=f"127.0.0.1:{port}")
    app = build_app(config, Engine(kb, matcher, store, today=lambda: TODAY))
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_webhook(app, config, stop, started))
    await asyncio.wait_for(started.wait(), 10)
    hook = fake.methods("setWebhook")[0]
    assert hook["url"] == "https://bot.example/telegram" and hook["secret_token"] == "s3cret-token"
    update = {"update_id": 500, "message": {"message_id": 1, "date": 0, "text": "泸州创业贷款",
                                            "chat": {"id": 21, "type": "private"},
                                            "from": {"id": 21, "is_bot": False, "first_name": "A"}}}
    url = f"http://127.0.0.1:{port}/telegram"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=update) as r:
            assert r.status == 403
        async with http.post(url, json=update, headers={SECRET_HEADER: "wrong"}) as r:
            assert r.status == 403
        async with http.post(url, data=b"not json", headers={SECRET_HEADER: "s3cret-token"}) as r:
            assert r.status == 400
        for _ in range(2):  # Telegram retrying the same update
            async with http.post(url, json=update, headers={SECRET_HEADER: "s3cret-token"}) as r:
                assert r.status == 200
        async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
            assert r.status == 200 and (await r.json()) == {"ok": True}
    await fake.wait_for(lambda: fake.to(21))
    await asyncio.sleep(0.3)
    assert [("50万元" in s["text"]) for s in fake.to(21)] == [True, False]  # once; then the offer of notices
    stop.set()
    await asyncio.wait_for(task, 15)


# -- sending -----------------------------------------------------------------------------------------
def test_long_text_splits_on_lines_and_escapes_html():
    text = "\n".join(f"第{i}行 <b>&</b> " + "字" * 90 for i in range(200))
    chunks = split_text(text)
    assert len(chunks) > 1 and all(len(c) <= MAX_TEXT for c in chunks)
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in chunks[0] and "<b>" not in "".join(chunks)
    assert all(c.startswith("第") for c in chunks)  # every chunk begins at a line start
    one_line = "<" * 5000
    assert all(len(c) <= MAX_TEXT and not c.endswith("&lt") for c in split_text(one_line))


async def test_long_reply_sends_buttons_only_with_the_last_part(fake):
    from telegram.request import HTTPXRequest

    from handlers.telegram_bot import ReplyBot
    from handlers.telegram_send import send_reply

    async with ReplyBot(fake.token, base_url=fake.base_url, request=HTTPXRequest(httpx_kwargs={"trust_env": False})) as b:
        await send_reply(b, 30, Reply("\n".join("行" * 100 for _ in range(100)), [[Button("原文", "text:luding-01")]]))
    parts = fake.to(30)
    assert len(parts) == 3 and not parts[0].get("reply_markup") and buttons(parts[-1])
