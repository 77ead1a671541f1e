"""Guided checks through the engine over a real SQLite file: starting, typed answers, side questions,
going back, leaving, expiry, buttons, remembered facts and forgetting."""

from __future__ import annotations

from bot.callback import encode
from bot.engine import Engine
from bot.models import Incoming
from conftest import TODAY


async def say(engine, text, user="c1"):
    return await engine.handle(Incoming(user_id=user, text=text))


async def press(engine, data, user="c1"):
    return await engine.handle(Incoming(user_id=user, button=data))


def result(replies):
    return next(r.meta for r in replies if r.meta)


async def test_free_text_starts_the_loan_check_with_the_place_it_names(engine, store):
    replies = await say(engine, "我在叙永 我能贷多少")
    assert "个人创业担保贷款" in replies[0].text and "地区：泸州市" in replies[0].text
    assert store.user("c1")["dialog"]["asking"] == "group"


async def test_firm_words_pick_the_firm_check(engine, store):
    await say(engine, "帮我测一下我们小公司创业担保贷款能贷多少")
    d = store.user("c1")["dialog"]
    assert d["flow"] == "loan_firm" and d["values"]["small"] == "yes"


async def test_whole_loan_check_typed(engine, store):
    await say(engine, "泸州的，我能贷多少")
    for typed in ("返乡农民工", "没有", "没贷过"):
        replies = await say(engine, typed)
    meta = result(replies)
    assert meta["results"][0]["rule"] == "first_time" and meta["results"][0]["outcome"] == "eligible"
    text = replies[-1].text
    assert "30万元" in text and "50万元" in text and "（二十二）" in text
    assert store.user("c1")["dialog"] is None


async def test_plain_question_is_answered_and_offers_the_check(engine):
    replies = await say(engine, "泸州小微企业创业担保贷款最多多少")
    data = [b.data for row in replies[-1].buttons for b in row]
    assert encode("check", "loan_firm") in data and "《泸州市“泸字号”二十三条措施》" in replies[0].text


async def test_bare_request_shows_the_menu_and_a_typed_pick_starts(engine, store):
    replies = await say(engine, "帮我测一下")
    assert "1." in replies[0].text and len(replies[0].buttons) == 5
    replies = await say(engine, "3")
    assert store.user("c1")["dialog"]["flow"] == "training"


async def test_wrong_answer_is_reasked_not_restarted(engine, store, kb):
    await say(engine, "我是劳务经纪人")
    before = store.user("c1")["dialog"]
    replies = await say(engine, "紫色")
    assert replies[0].text.startswith(kb.texts["dialog_reask"].split("{")[0]) and "泸定" in replies[0].text
    after = store.user("c1")["dialog"]
    assert after["values"] == before["values"] and after["asking"] == before["asking"]


async def test_side_question_is_answered_then_the_check_goes_on(engine, store):
    await say(engine, "泸定 我是劳务经纪人 帮脱贫户找工作")
    assert store.user("c1")["dialog"]["asking"] == "placed"
    replies = await say(engine, "培训补贴是好多钱？")
    assert "《泸定县“红城工匠”二十二条措施》" in replies[0].text and "（十）" in replies[0].text
    assert "测算还没做完" in replies[-1].text and "多少人" in replies[-1].text
    replies = await say(engine, "二十个")
    assert store.user("c1")["dialog"]["values"]["placed"] == 20


async def test_back_restart_and_exit_by_typing(engine, store, kb):
    await say(engine, "泸州 帮我算一下培训补贴")
    await say(engine, "拿到了")
    assert store.user("c1")["dialog"]["asking"] == "poor"
    await say(engine, "上一步")
    assert store.user("c1")["dialog"]["asking"] == "cert"
    await say(engine, "重新开始")
    assert store.user("c1")["dialog"]["values"] == {}
    replies = await say(engine, "退出")
    assert replies[0].text == kb.texts["dialog_exit"] and store.user("c1")["dialog"] is None
    assert (await say(engine, "退出"))[0].text == kb.texts["dialog_none"]


async def test_buttons_answer_and_stale_buttons_are_refused_gently(engine, store, kb):
    await say(engine, "泸州 测一测奖补")
    await press(engine, encode("answer", "kind|studio"))
    assert store.user("c1")["dialog"]["asking"] == "level"
    replies = await press(engine, encode("answer", "kind|base"))  # a button from the question before
    assert replies[0].text == kb.texts["dialog_stale_button"] and "国家级还是省级" in replies[1].text
    await press(engine, encode("answer", "level|provincial"))
    replies = await press(engine, encode("answer", "done|yes"))
    assert result(replies)["results"][0]["amount"] == 300000 and "30万元" in replies[-1].text
    await press(engine, encode("nav", "back"))
    assert (await press(engine, encode("answer", "done|yes")))[0].text == kb.texts["stale_button"]


async def test_deep_link_and_check_command(engine, store):
    await say(engine, "/start loan")
    assert store.user("c1")["dialog"]["flow"] == "loan_person"
    await say(engine, "/check service")
    assert store.user("c1")["dialog"]["flow"] == "service"


async def test_stale_check_expires_with_a_note(kb, matcher, store):
    now = [1_000_000.0]
    engine = Engine(kb, matcher, store, today=lambda: TODAY, check_ttl=600, clock=lambda: now[0])
    await say(engine, "泸定 帮我算一下培训补贴")
    now[0] += 601
    replies = await say(engine, "拿到了")
    assert "太久没有继续" in replies[0].text and store.user("c1")["dialog"] is None


async def test_a_fact_said_earlier_is_not_asked_again(engine, store):
    await say(engine, "我是叙永的贫困户")
    await say(engine, "我家娃学挖掘机有补贴没")
    replies = await say(engine, "帮我测一下培训补贴")
    assert "脱贫人口：是" in replies[0].text and "地区：泸州市" in replies[0].text


async def test_forget_deletes_answers_mid_check(engine, store, kb):
    await say(engine, "我是贫困户 泸州 帮我算一下培训补贴")
    assert store.user("c1")["profile"]["poor"] == "yes"
    assert (await say(engine, "删除我的信息"))[0].text == kb.texts["forgotten"]
    assert store.db.execute("select count(*) from users").fetchone() == (0,)


async def test_damaged_state_is_dropped_not_fatal(engine, store, kb):
    store.update_user("c1", dialog={"flow": "loan_person", "values": {"times": "lots"}, "history": [], "ts": 0})
    replies = await say(engine, "创业贷款")
    assert kb.texts["error"] not in replies[0].text and store.user("c1")["dialog"] is None
