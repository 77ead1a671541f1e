"""The engine over a real SQLite file: memory of region and last answer, buttons, forgetting."""

from __future__ import annotations

import asyncio

from bot.callback import encode
from bot.engine import Engine
from bot.models import Incoming
from bot.store import Store
from conftest import TODAY

LUZHOU, LUDING = "《泸州市“泸字号”二十三条措施》", "《泸定县“红城工匠”二十二条措施》"


async def say(engine, text, user="u1"):
    return await engine.handle(Incoming(user_id=user, text=text))


async def test_region_given_once_is_remembered(engine):
    await say(engine, "我是叙永的")
    reply = (await say(engine, "创业贷款能贷多少"))[0].text
    assert LUZHOU in reply and LUDING not in reply


async def test_region_in_a_question_is_remembered(engine):
    await say(engine, "磨西镇 培训补贴")
    assert LUDING in (await say(engine, "创业担保贷款"))[0].text


async def test_full_text_follow_up(engine, kb):
    await say(engine, "泸州 技能大师工作室")
    reply = (await say(engine, "原文"))[0].text
    assert kb.measures["luzhou-05"].text in reply


async def test_full_text_without_a_question_first(engine, kb):
    assert (await say(engine, "原文"))[0].text == kb.texts["full_text_none"]


async def test_switching_region_after_an_answer_shows_the_other_version(engine):
    await say(engine, "泸州 创业贷款")
    replies = await say(engine, "泸定")
    assert "泸定县" in replies[0].text and "第（十五）条" in replies[-1].text


async def test_buttons_full_text_and_other_region(engine, kb):
    reply = (await say(engine, "泸州创业贷款"))[0]
    data = [b.data for row in reply.buttons for b in row]
    assert data == [encode("text", "luzhou-22"), encode("show", "luding-15"), encode("check", "loan_person")]
    full = await engine.handle(Incoming(user_id="u1", button=data[0]))
    assert kb.measures["luzhou-22"].text in full[0].text
    other = await engine.handle(Incoming(user_id="u1", button=data[1]))
    assert "第（十五）条" in other[0].text


async def test_stale_or_foreign_button(engine, kb):
    for data in ("text:luding-99", "garbage", "x" * 100, "show:", "region:mars"):
        assert (await engine.handle(Incoming(user_id="u1", button=data)))[0].text == kb.texts["stale_button"]


async def test_state_survives_a_restart(kb, matcher, tmp_path):
    path = tmp_path / "s.sqlite"
    s1 = Store(path)
    await Engine(kb, matcher, s1, today=lambda: TODAY).handle(Incoming("u", "我在古蔺"))
    s1.close()
    s2 = Store(path)
    reply = await Engine(kb, matcher, s2, today=lambda: TODAY).handle(Incoming("u", "培训补贴"))
    assert LUZHOU in reply[0].text
    s2.close()


async def test_forget_deletes_user_data(engine, store, kb):
    await say(engine, "我是泸县的")
    await say(engine, "创业贷款")
    assert store.questions("u1") and store.user("u1")["region"] == "luzhou"
    assert (await say(engine, "删除我的信息"))[0].text == kb.texts["forgotten"]
    assert store.questions("u1") == [] and store.user("u1")["region"] is None
    await say(engine, "谢谢")
    await say(engine, "/forget")
    assert store.questions("u1") == []


async def test_questions_are_logged_for_staff(engine, store):
    await say(engine, "培训补贴", user="a")
    await say(engine, "明天会下雨吗", user="b")
    rows = store.questions()
    assert [(r["user_id"], r["intent"]) for r in rows] == [("a", "question"), ("b", "out_of_scope")]


async def test_users_are_independent_and_concurrent(engine):
    async def user(uid, place):
        await say(engine, place, uid)
        return (await say(engine, "创业担保贷款", uid))[0].text

    texts = await asyncio.gather(*(user(f"u{i}", "泸县" if i % 2 else "泸定") for i in range(20)))
    for i, t in enumerate(texts):
        assert (LUZHOU if i % 2 else LUDING) in t


async def test_start_and_help(engine, kb):
    assert (await say(engine, "/start"))[0].text == kb.texts["welcome"]
    assert (await say(engine, "/help"))[0].text == kb.texts["help"]


async def test_region_command_with_and_without_a_place(engine, store, kb):
    replies = await say(engine, "/region")
    assert replies[0].text == kb.texts["pick_region"]
    assert [b.data for b in replies[0].buttons[0]] == [encode("region", "luding"), encode("region", "luzhou")]
    await say(engine, "/region 叙永")
    assert store.user("u1")["region"] == "luzhou"


async def test_measures_browsing_pages(engine):
    docs = (await say(engine, "/measures"))[0]
    page = (await engine.handle(Incoming(user_id="u1", button=docs.buttons[0][0].data)))[0]
    assert page.replace and "开头部分" in page.buttons[0][0].text
    first = (await engine.handle(Incoming(user_id="u1", button=page.buttons[0][0].data)))[0]
    labels = [b.text for row in first.buttons for b in row]
    assert "（一）" in labels[0] and any("下一页" in t for t in labels)
    nxt = next(b.data for row in first.buttons for b in row if "下一页" in b.text)
    second = (await engine.handle(Incoming(user_id="u1", button=nxt)))[0]
    assert "（七）" in second.buttons[0][0].text and "第2/2页" in second.text


async def test_a_facet_alone_follows_up_the_last_answer(engine):
    await say(engine, "泸州 创业担保贷款能贷多少")
    reply = (await say(engine, "去哪里办"))[0].text
    assert "人力资源社会保障局" in reply.splitlines()[0] and LUZHOU in reply


async def test_out_of_scope_by_substance_names_the_office(engine):
    reply = (await say(engine, "包工头跑了 工钱三万多一分没拿到 找哪个"))[0].text
    assert "劳动保障监察" in reply.splitlines()[0] and "12333" in reply


async def test_facts_told_alone_are_kept_and_applied_to_the_last_answer(engine):
    await say(engine, "泸定 培训期间生活费补贴一天好多")
    reply = (await say(engine, "我不是脱贫户"))[0].text
    lines = reply.splitlines()
    assert lines[0].startswith("好的，记下了：不是脱贫户") and "领不到" in lines[1]


async def test_a_fact_said_earlier_decides_a_later_answer_and_is_named(engine):
    await say(engine, "你好 我是泸州的 在领失业金")
    reply = (await say(engine, "脱贫户培训期间的生活补贴能领不"))[0].text
    assert reply.startswith("您说在领失业保险金：") and "不能和失业保险金同时领取" in reply.splitlines()[0]


async def test_greeting_with_facts_keeps_them(engine, store):
    reply = (await say(engine, "你好 我是泸定的 今年60岁了", user="g"))[0].text
    assert "泸定县" in reply and "60岁" in reply and "不能乱答" not in reply
    assert store.user("g")["region"] == "luding"


async def test_other_region_follow_up_asks_the_same_question_there(engine):
    await say(engine, "泸州创业贷款利息贴好多")
    replies = await say(engine, "那泸定呢")
    assert "泸定县" in replies[0].text and "贴息是一半" in replies[1].text and LUDING in replies[1].text


async def test_a_check_named_by_its_measure_starts_that_check(engine):
    """个人 is also an answer of the service check; the message names the personal loan, so that check starts."""
    reply = (await say(engine, "我想测一下个人创业担保贷款"))[0].text
    assert "个人创业担保贷款" in reply.splitlines()[0] and "就业创业服务补助" not in reply


async def test_a_question_of_its_own_mid_check_is_answered_not_taken_as_no(engine):
    """等哈 这个贷款要利息不 ends in 不 but asks about interest: answered, then the same question again."""
    for text in ("我想测一下个人创业担保贷款", "泸州", "返乡农民工"):
        await say(engine, text)
    side = "\n".join(r.text for r in await say(engine, "等哈 这个贷款要利息不"))
    assert "贴息" in side and "别的贷款" in side  # the answer, then the question it was asked again
    after = (await say(engine, "没有"))[0].text
    assert "贷过几次" in after  # 没有 answered the other-loans question; nothing was taken from the side question
