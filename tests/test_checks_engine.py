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
    for typed in ("返乡农民工", "没有", "没贷过", "就我一个人"):
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
    assert "1." in replies[0].text and len(replies[0].buttons) == len(engine.dialogs.flows)
    replies = await say(engine, "3")
    assert store.user("c1")["dialog"]["flow"] == "training"


async def test_a_typed_menu_name_sharing_only_a_generic_word_with_a_check_starts_none(engine, store):
    # 跨省交通补助 shares only 补助 with 就业创业服务补助: the worker's own check, never the agency's
    await say(engine, "帮我测一下")
    await say(engine, "跨省交通补助")
    assert store.user("c1")["dialog"]["flow"] == "transport"
    await say(engine, "退出")
    await say(engine, "帮我测一下")
    await say(engine, "外地的补助")
    assert (store.user("c1")["dialog"] or {}).get("flow") != "service"


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
    assert replies[0].text == kb.texts["dialog_stale_button"] and "认定的是国家级、省级" in replies[1].text
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


# -- the firm's loan: only new hires with a contract of a year or more count (财金〔2023〕75号) ----------------------
async def test_firm_loan_asks_the_contract_of_new_hires_and_counts_only_long_ones(engine, store):
    await say(engine, "我们合江的小微企业 18个员工 企业能贷多少")
    assert store.user("c1")["dialog"]["asking"] == "new_hires"
    await say(engine, "两个大学生")
    assert store.user("c1")["dialog"]["asking"] == "hires_contract"  # the kind of hire says nothing of the contract
    for typed in ("都是签的三个月", "没有", "没有贷过"):
        replies = await say(engine, typed)
    meta = result(replies)
    assert meta["values"]["hires_contract"] == 0
    assert (meta["results"][0]["rule"], meta["results"][0]["outcome"]) == ("few_new_hires", "not_eligible")
    assert "✅" not in replies[-1].text


async def test_firm_loan_uses_a_contract_length_said_up_front_and_never_asks_it(engine, store):
    asked = []
    replies = await say(engine, "泸定的小微企业 员工15个 去年新招了2个退伍军人 签的都是两年合同 企业能贷多少")
    asked.append(store.user("c1")["dialog"]["asking"])
    for typed in ("没有", "0"):
        replies = await say(engine, typed)
        d = store.user("c1")["dialog"]
        asked.append(d and d["asking"])
    assert "hires_contract" not in asked
    meta = result(replies)
    assert meta["values"]["hires_contract"] == 2
    assert (meta["results"][0]["rule"], meta["results"][0]["outcome"]) == ("first_time", "eligible")


async def test_firm_loan_half_year_contracts_said_up_front_count_for_nothing(engine, store):
    await say(engine, "江阳的小型企业 22个员工 近一年招了3个返乡的 合同都只签半年 企业可以贷多少")
    d = store.user("c1")["dialog"]
    assert d["values"].get("hires_contract") == 0 and d["asking"] == "arrears"


async def test_firm_loan_contract_not_known_is_asked_and_unsure_is_no_verdict(engine, store):
    await say(engine, "我们纳溪的小微企业 企业能贷多少")
    for typed in ("20", "3个"):
        await say(engine, typed)
    assert store.user("c1")["dialog"]["asking"] == "hires_contract"
    for typed in ("这个我不晓得", "没有", "没贷过"):
        replies = await say(engine, typed)
    meta = result(replies)
    assert (meta["results"][0]["rule"], meta["results"][0]["outcome"]) == ("hires_unsure", "ask_office")
    assert "✅" not in replies[-1].text and "❓" in replies[-1].text


async def test_firm_loan_count_typed_with_contract_lengths_answers_both(engine, store):
    await say(engine, "我们古蔺的小微企业 30个员工 企业能贷多少")
    replies = await say(engine, "三个 两个签了一年 一个签了半年")
    d = store.user("c1")["dialog"]
    assert d["values"]["new_hires"] == 3 and d["values"]["hires_contract"] == 2 and d["asking"] == "arrears"
    assert "签1年以上劳动合同的2人" in replies[0].text


# -- the organisers' 300元/人: an employer hiring for itself is told no at once ------------------------------------
async def test_employer_hiring_itself_is_not_the_organiser_paid(engine, store):
    await press(engine, encode("check", "service"))
    await say(engine, "叙永")
    replies = await say(engine, "我们是用工企业 人是自己直接招的")
    meta = result(replies)
    assert (meta["results"][0]["rule"], meta["results"][0]["outcome"]) == ("employer_itself", "not_eligible")
    assert "不符合" in replies[-1].text


async def test_summary_leaves_out_answers_the_role_rules_out(engine, store):
    replies = await say(engine, "我们厂是用人单位 自己招了6个脱贫户 都签了两年 帮我测一下组织就业补助")
    text = "\n".join(r.text for r in replies)
    assert "用工企业" in text and "签1年以上劳动合同的人数" not in text and "组织就业的人员" not in text


async def test_a_worker_asking_about_the_transport_subsidy_is_not_put_through_the_training_check(engine, store):
    await say(engine, "我屋里是防返贫监测对象 过完年去福建打工 一次性交通补助我可以享受不")
    d = store.user("c1")["dialog"]
    assert d is None or d["flow"] not in ("training", "service")


async def test_a_workers_transport_check_reads_the_opening_and_says_cross_province(engine, store):
    replies = await say(engine, "古蔺的监测户 在广东东莞做工 帮我测一下跨省交通补助")
    text = "\n".join(r.text for r in replies)
    assert "跨省就业一次性交通补助：✅" in text and "算跨省" in text and "文件没有写交通补助的金额" in text
    # picked from the menu by a new user: region, household, then ❌ for a household that is neither
    await say(engine, "帮我测一下", user="c2")
    assert "泸定" in (await say(engine, "6", user="c2"))[-1].text
    assert "监测户" in (await say(engine, "泸州", user="c2"))[-1].text
    text = "\n".join(r.text for r in await say(engine, "都不是 就是普通农户", user="c2"))
    assert "跨省就业一次性交通补助：❌" in text and "300" not in text


async def test_an_approximate_then_exact_count_is_taken_and_a_reask_ends_with_the_question(engine, store):
    await say(engine, "泸定的 脱贫户 学了砌筑 证拿到了 帮我测一下培训补贴")
    replies = await say(engine, "二十来天吧")
    assert replies[-1].text.rstrip().endswith("）") and "几天？" in replies[-1].text
    replies = await say(engine, "二十来天 准确说是21天")
    assert "21" in "\n".join(r.text for r in replies)
