"""Announcements end to end: the real PTB stack and sender against the fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.engine import Engine
from bot.models import Incoming
from conftest import TODAY, present
from fake_bot_api import FakeBotAPI
from handlers.telegram import build_app, run_polling
from test_telegram import button, config_for

ADMIN = 1


@pytest.fixture
async def fake():
    api = await FakeBotAPI().start()
    yield api
    await api.stop()


class Bot:
    """A running bot (polling + sender) that can be stopped and started again on the same database."""

    def __init__(self, fake, kb, matcher, store, **config):
        self.fake, self.kb, self.matcher, self.store = fake, kb, matcher, store
        self.config = {"admins": frozenset({str(ADMIN)}), "broadcast_rate": 50.0, "progress_seconds": 0.3, **config}
        self.task: asyncio.Task | None = None

    async def start(self) -> "Bot":
        self.engine = Engine(self.kb, self.matcher, self.store, today=lambda: TODAY,
                             admins=self.config["admins"], broadcast_rate=self.config["broadcast_rate"])
        app = build_app(config_for(self.fake, **self.config), self.engine)
        self.stop_event = asyncio.Event()
        polls = len(self.fake.methods("getUpdates"))
        self.task = asyncio.create_task(run_polling(app, self.stop_event, poll_timeout=1))
        await self.fake.wait_for(lambda: len(self.fake.methods("getUpdates")) > polls)
        return self

    async def stop(self) -> None:
        assert self.task is not None, "start() first"
        self.stop_event.set()
        await asyncio.wait_for(self.task, 15)


@pytest.fixture
async def bot(fake, kb, matcher, store):
    b = await Bot(fake, kb, matcher, store).start()
    yield b
    await b.stop()


async def say(fake, uid: int, text: str, replies: int = 1) -> dict:
    before = len(fake.to(uid))
    fake.message(uid, text)
    await fake.wait_for(lambda: len(fake.to(uid)) >= before + replies)
    return fake.to(uid)[-1]


async def press(fake, uid: int, sent: dict, label: str, replies: int = 1) -> dict:
    before = len(fake.to(uid))
    fake.press(uid, button(sent, label), message_id=sent["message_id"] if "message_id" in sent else 1)
    await fake.wait_for(lambda: len(fake.to(uid)) >= before + replies)
    return fake.to(uid)[-1]


def pushes(fake, text: str) -> dict[int, int]:
    out: dict[int, int] = {}
    for s in fake.sent:
        if s["method"] == "sendMessage" and text in s["text"] and "预览" not in s["text"]:
            out[int(s["chat_id"])] = out.get(int(s["chat_id"]), 0) + 1
    return out


async def subscribers(fake, groups: dict[str, list[int]]) -> None:
    """Real users subscribing through Telegram: /subscribe <words>."""
    for words, uids in groups.items():
        for uid in uids:
            # without words the answer has a second part (narrow it down), sent after other people's answers
            await say(fake, uid, f"/subscribe {words}", replies=1 if words else 2)


async def test_targeted_announcement_with_buttons_reaches_each_subscriber_once_and_reports(bot):
    fake = bot.fake
    await subscribers(fake, {"泸州 培训": [101, 102], "泸州 贷款": [103], "泸定": [104], "": [105]})
    await say(fake, ADMIN, "/announce 泸州市技能培训班12月1日开班")
    panel = fake.to(ADMIN)[-1]
    assert "全部订阅者（5）" in [b["text"] for row in panel["reply_markup"]["inline_keyboard"] for b in row]
    topics = await press(fake, ADMIN, panel, "按主题")
    preview = await press(fake, ADMIN, topics, "培训")
    assert "现有 4 人" in preview["text"]  # not 103 (泸州, only 贷款); 104 and 105 take every topic
    confirmed = await press(fake, ADMIN, preview, "确认发送")
    assert "4 人" in confirmed["text"]
    await fake.wait_for(lambda: "发完了" in fake.to(ADMIN)[-1]["text"], timeout=15)
    assert pushes(fake, "技能培训班") == {101: 1, 102: 1, 104: 1, 105: 1}
    assert "送达 4" in fake.to(ADMIN)[-1]["text"]
    entry = bot.engine.outbox.audit_log()[0]
    assert (entry["action"], entry["actor"], entry["sent"]) == ("finished", str(ADMIN), 4)
    news = await say(fake, 101, "/news")
    assert "技能培训班" in news["text"]


async def test_cancel_sends_nothing_and_non_admins_are_refused(bot):
    fake = bot.fake
    await subscribers(fake, {"": [201, 202]})
    await say(fake, ADMIN, "/announce 不该发出的通知")
    preview = await press(fake, ADMIN, fake.to(ADMIN)[-1], "全部订阅者")
    cancelled = await press(fake, ADMIN, preview, "取消")
    assert "没有发出" in cancelled["text"]
    refused = await say(fake, 202, "/announce 我也想发")
    assert "202" in refused["text"] and "工作人员" in refused["text"]
    await asyncio.sleep(1.0)
    assert pushes(fake, "不该发出") == {} and pushes(fake, "我也想发") == {}
    assert bot.engine.outbox.audit_log()[0]["action"] == "refused"


async def test_429_is_waited_out_and_403_unsubscribes(bot, store):
    fake = bot.fake
    uids = list(range(301, 311))
    await subscribers(fake, {"": uids})
    fake.blocked.add(305)
    for _ in range(2):
        fake.fail["sendMessage"].append((429, "Too Many Requests: retry after 1", 1))
    await say(fake, ADMIN, "/announce 招聘会通知")
    preview = await press(fake, ADMIN, fake.to(ADMIN)[-1], "全部订阅者")
    await press(fake, ADMIN, preview, "确认发送")
    await fake.wait_for(lambda: "发完了" in fake.to(ADMIN)[-1]["text"], timeout=20)
    got = pushes(fake, "招聘会通知")
    assert got == {u: 1 for u in uids if u != 305}
    assert "已屏蔽机器人 1" in fake.to(ADMIN)[-1]["text"]
    assert bot.engine.outbox.subscription("305") is None and store.user("305")["active"] == 0


async def test_replies_stay_responsive_during_a_broadcast(fake, kb, matcher, store):
    b = await Bot(fake, kb, matcher, store, broadcast_rate=20.0).start()
    try:
        outbox = present(b.engine.outbox)
        for uid in range(1000, 1060):
            outbox.subscribe(str(uid), "telegram", None, None)
        await say(fake, ADMIN, "/announce 大广播")
        preview = await press(fake, ADMIN, fake.to(ADMIN)[-1], "全部订阅者")
        await press(fake, ADMIN, preview, "确认发送")
        await fake.wait_for(lambda: len(pushes(fake, "大广播")) >= 10)
        answer = await say(fake, 77, "泸州创业贷款能贷多少", replies=2)
        assert "30万元" in fake.to(77)[0]["text"] and answer
        assert len(pushes(fake, "大广播")) < 60  # answered while the broadcast was still going
        await fake.wait_for(lambda: len(pushes(fake, "大广播")) == 60, timeout=20)
    finally:
        await b.stop()


async def test_a_scheduled_announcement_survives_a_restart_and_goes_out_on_time(fake, kb, matcher, store, cli):
    b = await Bot(fake, kb, matcher, store).start()
    for uid in (401, 402):
        present(b.engine.outbox).subscribe(str(uid), "telegram", "luding", None)
    at = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)).isoformat(timespec="seconds")
    done = cli("announce", "--text", "定时通知", "--audience", "luding", "--at", at, "--yes",
               env={"LABOR_BOT_DB": str(store_path(store))})
    assert done.returncode == 0, done.stderr
    await b.stop()  # the bot goes down before the time comes
    await asyncio.sleep(0.5)
    assert pushes(fake, "定时通知") == {}
    b = await Bot(fake, kb, matcher, store).start()
    try:
        await fake.wait_for(lambda: len(pushes(fake, "定时通知")) == 2, timeout=15)
        first = min(s["wall"] for s in fake.sent if "定时通知" in s.get("text", ""))
        assert first >= dt.datetime.fromisoformat(at).timestamp()  # not before its time
    finally:
        await b.stop()


def store_path(store) -> str:
    return str(store.db.path)  # on PostgreSQL the processes find the database by LABOR_BOT_DATABASE_URL


async def test_engine_refuses_announce_from_the_console_channel(kb, matcher, store):
    engine = Engine(kb, matcher, store, today=lambda: TODAY, admins=frozenset({"console"}))
    replies = await engine.handle(Incoming("console", text="/announce 测试", channel="console"))
    assert "工作人员" in replies[0].text
