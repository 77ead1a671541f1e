"""Subscribing and composing announcements through the engine, typed and with buttons, on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from bot.announce import Audience
from bot.announce.when import BEIJING
from bot.engine import Engine
from bot.models import Incoming
from conftest import TODAY, present

ADMIN = "1"


@pytest.fixture
def eng(kb, matcher, store):
    return Engine(kb, matcher, store, today=lambda: TODAY, admins=frozenset({ADMIN}))


class Talk:
    def __init__(self, engine: Engine, user: str, channel: str = "telegram"):
        self.e, self.user, self.channel = engine, user, channel

    async def __call__(self, text: str | None = None, button: str | None = None):
        return await self.e.handle(Incoming(self.user, text=text, button=button, channel=self.channel))

    async def press(self, replies, label: str):
        data = next(b.data for r in replies for row in r.buttons for b in row if label in b.text)
        return await self(button=data)


def sub(eng: Engine, user: str) -> dict | None:
    return present(eng.outbox).subscription(user)


async def test_bare_subscribe_takes_everything_for_the_known_region_then_offers_to_narrow(eng, kb):
    u = Talk(eng, "5")
    await u("我是泸州的")
    replies = await u("/subscribe")
    assert present(sub(eng, "5"))["region"] == "luzhou" and present(sub(eng, "5"))["topics"] is None
    assert "泸州市 · 全部主题" in replies[0].text and replies[1].buttons
    replies = await u("只要贷款和培训")
    assert present(sub(eng, "5"))["topics"] == ["loan", "training"] and present(sub(eng, "5"))["region"] == "luzhou"
    assert "贷款、培训" in replies[0].text


async def test_unknown_region_means_both_and_buttons_narrow_in_place(eng):
    u = Talk(eng, "6")
    replies = await u("订阅")  # typed form
    assert present(sub(eng, "6"))["region"] is None
    replies = await u.press(replies, "培训")  # from "all", a topic means only that topic
    assert replies[0].replace and present(sub(eng, "6"))["topics"] == ["training"]
    replies = await u.press(replies, "补贴")
    assert present(sub(eng, "6"))["topics"] == ["subsidy", "training"]
    replies = await u.press(replies, "泸定县")
    assert present(sub(eng, "6"))["region"] == "luding"
    replies = await u.press(replies, "完成")
    assert "泸定县 · 培训、补贴" in replies[0].text


async def test_subscribe_with_words_and_unsubscribe_typed(eng):
    u = Talk(eng, "7")
    await u("/subscribe 泸定 招聘")
    assert (present(sub(eng, "7"))["region"], present(sub(eng, "7"))["topics"]) == ("luding", ["jobs"])
    assert "没认出" in (await u("/subscribe 火星"))[0].text
    assert "已退订" in (await u("退订"))[0].text and sub(eng, "7") is None
    assert "没有订阅" in (await u("/unsubscribe"))[0].text


async def test_a_question_after_the_offer_to_narrow_is_still_answered(eng):
    u = Talk(eng, "8")
    await u("/subscribe")
    replies = await u("泸州创业贷款能贷多少")
    assert "30万元" in replies[0].text and present(sub(eng, "8"))["topics"] is None


async def test_new_users_are_offered_a_subscription_once_and_only_where_we_can_push(eng):
    u = Talk(eng, "9")
    first = await u("泸州创业贷款能贷多少")
    assert "通知" in first[-1].text and first[-1].buttons
    second = await u("培训补贴有多少")
    assert all("想收到" not in r.text for r in second)
    replies = await u.press(first, "订阅通知")
    assert sub(eng, "9") is not None and replies[-1].buttons
    console = Talk(eng, "console", channel="console")
    assert all("想收到" not in r.text for r in await console("泸州创业贷款能贷多少"))
    assert "收不到推送" in (await console("/subscribe"))[0].text


async def test_news_lists_what_was_sent_to_the_users_region_and_topics(eng):
    u = Talk(eng, "10")
    await u("/subscribe 泸州 培训")
    for text, audience in (("泸定培训通知", Audience(frozenset({"luding"}))),
                           ("泸州贷款通知", Audience(frozenset({"luzhou"}), frozenset({"loan"}))),
                           ("泸州培训通知", Audience(frozenset({"luzhou"}), frozenset({"training"}))),
                           ("全体通知", Audience())):
        draft = eng.outbox.new_draft("shell:x", "shell", text)
        eng.outbox.update_draft(draft["id"], audience=audience.to_json())
        eng.outbox.queue(draft["id"], "shell:x", time.time(), 1)
    eng.outbox.start_due()
    text = (await u("/news"))[0].text
    assert "泸州培训通知" in text and "全体通知" in text
    assert "泸定培训通知" not in text and "泸州贷款通知" not in text


async def test_non_admins_are_refused_and_the_attempt_is_audited(eng):
    u = Talk(eng, "11")
    for command in ("/announce 测试", "/admin add 11"):
        assert "编号 11" in (await u(command))[0].text
    assert "编号 11" in (await u(button="ann:ok"))[0].text
    log = eng.outbox.audit_log()
    assert [e["action"] for e in log] == ["refused"] * 3 and log[-1]["actor"] == "11"
    # the same id on a channel without staff is not an admin either
    assert "labor-bot announce" in (await Talk(eng, ADMIN, channel="console")("/announce 测试"))[0].text


async def test_superadmin_adds_and_removes_staff_who_may_then_announce(eng):
    boss, staff = Talk(eng, ADMIN), Talk(eng, "12")
    assert "数字" in (await boss("/admin add 张三"))[0].text
    assert "已把 12" in (await boss("/admin add 12"))[0].text
    assert "已经是" in (await boss("/admin add 12"))[0].text
    assert "发给谁" in (await staff("/announce 招聘会通知"))[0].text
    assert "编号 12" in (await staff("/admin add 13"))[0].text  # staff cannot add staff
    assert "12" in (await staff("/admin"))[0].text
    await boss("/admin remove 12")
    assert "编号 12" in (await staff("/announce 再来"))[0].text
    actions = [e["action"] for e in eng.outbox.audit_log()]
    assert "staff_add" in actions and "staff_remove" in actions
    log = (await boss("/admin log"))[0].text  # the actions named as the desk names them (texts.yaml action_*)
    assert f"{ADMIN} 添加工作人员 12" in log and f"{ADMIN} 移除工作人员 12" in log and "12 被拒绝的操作" in log
    assert "staff_add" not in log and "refused" not in log


async def test_compose_typed_choose_audience_preview_count_and_confirm(eng):
    for uid, words in (("20", "泸州 培训"), ("21", "泸州 贷款"), ("22", "泸定")):
        await Talk(eng, uid)(f"/subscribe {words}")
    boss = Talk(eng, ADMIN)
    assert "正文" in (await boss("/announce"))[0].text
    panel = (await boss("12月1日泸州技能培训班开班"))[0]
    assert "全部订阅者（3）" in [b.text for row in panel.buttons for b in row]
    preview = (await boss("泸州 培训"))[0]
    assert "现有 1 人" in preview.text and "泸州技能培训班" in preview.text and "立即" in preview.text
    done = (await boss("确认"))[0]
    assert "1 人" in done.text
    row = eng.outbox.announcement(eng.outbox.audit_log()[0]["announcement_id"])
    assert row["status"] == "scheduled" and Audience.from_json(row["audience"]).encode() == "luzhou,topic:training"
    assert eng.outbox.audit_log()[0]["action"] == "queued"


async def test_compose_with_buttons_schedule_then_cancel_the_schedule(eng):
    await Talk(eng, "30")("/subscribe")
    boss = Talk(eng, ADMIN)
    replies = await boss("/announce 贷款窗口开放")
    replies = await boss.press(replies, "按主题")
    replies = await boss.press(replies, "贷款")
    replies = await boss.press(replies, "定时发送")
    assert "什么时候" in replies[0].text
    assert "没看懂" in (await boss("随便"))[0].text
    replies = await boss("明天上午9点")
    tomorrow = (dt.datetime.now(BEIJING) + dt.timedelta(days=1)).strftime("%Y-%m-%d")
    assert f"{tomorrow} 09:00" in replies[0].text
    replies = await boss.press(replies, "确认发送")
    assert "已安排" in replies[0].text
    aid = eng.outbox.audit_log()[0]["announcement_id"]
    replies = await boss.press(replies, "取消这条")
    assert "已取消定时通知" in replies[0].text and eng.outbox.announcement(aid)["status"] == "cancelled"


async def test_cancel_a_draft_and_too_long_text(eng):
    boss = Talk(eng, ADMIN)
    assert "太长" in (await boss("/announce " + "字" * 4000))[0].text
    await boss("/announce")
    assert "太长" in (await boss("字" * 4000))[0].text
    await boss("真正的通知")
    replies = await boss("取消")
    assert "没有发出" in replies[0].text and eng.outbox.draft(ADMIN) is None
    assert "没有正在编辑" in (await boss(button="ann:ok"))[0].text
    # the draft is gone, so the next message is a question again
    assert "30万元" in (await boss("泸州创业贷款能贷多少"))[0].text


async def test_a_command_while_drafting_is_a_command_not_the_text(eng):
    boss = Talk(eng, ADMIN)
    await boss("/announce")
    assert "想测哪一项" in (await boss("/check"))[0].text
    await boss("退出")  # leaves the check menu; the draft still waits for its text
    assert "发给谁" in (await boss("真正的正文"))[0].text


async def test_a_draft_survives_a_restart(kb, matcher, store):
    first = Engine(kb, matcher, store, today=lambda: TODAY, admins=frozenset({ADMIN}))
    await Talk(first, ADMIN)("/announce")
    second = Engine(kb, matcher, store, today=lambda: TODAY, admins=frozenset({ADMIN}))
    assert "发给谁" in (await Talk(second, ADMIN)("重启后的通知"))[0].text


async def test_forget_deletes_the_subscription(eng):
    u = Talk(eng, "40")
    await u("/subscribe")
    await u("/forget")
    assert sub(eng, "40") is None
