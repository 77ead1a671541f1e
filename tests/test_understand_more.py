"""More typed readings (second blind persona set, issue 16), table-driven and written before the code change:
counts split by group (其中4个是脱贫人口 另外3个不是), late repayment (逾期了三个月才还 is no 还款积极), recognition
said with its level (评上国家级的了), a duration inside a long opening, and corrections that carry a number
(说错了 是6个 漏算了一个) during a check and facts restated after a result."""

from __future__ import annotations

import pytest

from bot.dialogs import DialogRunner, load_flows
from bot.models import Incoming
from bot.understand import ASK, count_groups, extract_facts, read_value, read_yesno
from conftest import TODAY

# -- counts split by group: {group: people}, ASK when approximate, None when the text is no split by group ----
GROUPS = [
    ("组织了7个人进厂 其中4个是脱贫人口 另外3个不是", {"poor": 4, "other": 3}),
    ("7个 其中4个是脱贫人口 3个不是", {"poor": 4, "other": 3}),
    ("4个脱贫户 2个是地震灾区的", {"poor": 4, "disaster": 2}),
    ("组织了6个人去工地 4个脱贫户 2个是地震灾区的 都签了一年合同", {"poor": 4, "disaster": 2}),
    ("10个人里有6个是贫困户", {"poor": 6, "other": 4}),
    ("脱贫户5个 普通工人3个", {"poor": 5, "other": 3}),
    ("8个 其中3个是脱贫户 其余的都是一般务工人员", {"poor": 3, "other": 5}),
    ("一共9个 5个建档立卡的 4个是灾区劳动力", {"poor": 5, "disaster": 4}),
    ("送了12个人 其中脱贫人口8个", {"poor": 8, "other": 4}),
    ("3个脱贫户 2个不是脱贫户", {"poor": 3, "other": 2}),
    ("两个脱贫户 三个普通的", {"poor": 2, "other": 3}),
    ("组织了二十几个人 其中十来个脱贫户", ASK),
    ("送了10个脱贫人口", None),
    ("5个签半年 3个签两年", None),
    ("6个月的5个 两年的3个", None),
    ("都是脱贫户", None),
    ("10个", None),
    ("帮我测一下", None),
]


@pytest.mark.parametrize("text,expect", GROUPS)
def test_counts_split_by_group(text, expect):
    assert count_groups(text) == expect


# -- late repayment: no to 还款积极; yes to 有没有逾期 -------------------------------------------------------
REPAID_Q = "之前的贷款有没有按时还、还款积极？"
OVERDUE_Q = "之前的贷款有没有逾期？"
REPAYMENT = [
    (REPAID_Q, "逾期了三个月才还", "no"),
    (REPAID_Q, "逾期了三个月才还上", "no"),
    (REPAID_Q, "拖了半年才还上", "no"),
    (REPAID_Q, "晚还了两个月", "no"),
    (REPAID_Q, "有一次逾期了", "no"),
    (REPAID_Q, "逾期过一次", "no"),
    (REPAID_Q, "晚了一个月才还清", "no"),
    (REPAID_Q, "拖到年底才还", "no"),
    (REPAID_Q, "还是还了 就是晚了点", "no"),
    (REPAID_Q, "按时还的 没逾期过", "yes"),
    (REPAID_Q, "从来没有逾期", "yes"),
    (REPAID_Q, "没有拖过", "yes"),
    (REPAID_Q, "都按时还了", "yes"),
    (REPAID_Q, "每次都按时还清", "yes"),
    (OVERDUE_Q, "逾期了三个月才还", "yes"),
    (OVERDUE_Q, "拖了半年才还上", "yes"),
    (OVERDUE_Q, "按时还了", "no"),
    ("企业之前的贷款有没有按时还、还款积极？", "逾期了两个月才还清", "no"),
]


@pytest.mark.parametrize("q,a,expect", REPAYMENT)
def test_late_repayment(q, a, expect):
    assert read_yesno(a, q).value == expect


# -- facts a message states: repayment, recognition with its level, a duration in a long opening ------------
FACTS = [
    ("泸州江阳的 上回那笔创业担保贷款逾期了三个月才还上 现在想再贷一次", {"repaid": "no"}),
    ("之前那笔拖了半年才还清", {"repaid": "no"}),
    ("晚还了两个月", {"repaid": "no"}),
    ("从没逾期", {"repaid": "yes"}),
    ("没有逾期 都按时还了", {"repaid": "yes"}),
    ("泸州 我们厂的技能大师工作室评上国家级的了 有经费补助没", {"done": "yes"}),
    ("江阳区的职业学校 高技能人才培训基地 去年认定成国家级的了", {"done": "yes"}),
    ("我们被认定为省级劳务品牌高技能人才培训基地了", {"done": "yes"}),
    ("省级的已经批下来了", {"done": "yes"}),
    ("我们的品牌被评为川字号了", {"done": "yes"}),
    ("工作室还没评上", {"done": "no"}),
    ("还没有认定", {"done": "no"}),
    ("泸州的劳务公司 组织了7个人进厂 其中4个是脱贫人口 另外3个不是 都签了两年合同 社保也交了",
     {"groups": {"poor": 4, "other": 3}, "contract_months": 24, "insured": "yes"}),
    ("老师你好 我是古蔺县的 我们家是建档立卡的脱贫户 前段时间镇上组织我们去学了半个月的酿酒技术 证书也考到了 "
     "听人家说培训期间有生活补贴 但是我不晓得咋个算 也不晓得找哪个 麻烦你帮我看一下能拿好多钱",
     {"region": "luzhou", "poor": "yes", "days": 15, "cert": "got"}),
]


@pytest.mark.parametrize("text,expect", FACTS)
def test_facts(text, expect):
    got = extract_facts(text)
    assert {k: got.get(k) for k in expect} == expect


@pytest.mark.parametrize("text", ["想评国家级的技能大师工作室", "正在申报省级培训基地", "准备申报川字号"])
def test_planned_recognition_is_not_recognition(text):
    assert extract_facts(text).get("done") != "yes"


@pytest.mark.parametrize("text,expect", [
    ("不晓得咋个算 学了半个月", 15),
    ("记不清了", None),
    ("不晓得", None),
])
def test_days_with_an_unknown_word_beside_them(text, expect):
    assert read_value("days", text) == expect


# -- corrections that carry a number, inside a check ----------------------------------------------------
@pytest.fixture(scope="module")
def runner(kb):
    return DialogRunner(kb, load_flows(kb), lambda: TODAY)


def _answer(runner, state, text):
    from bot.textnorm import normalise

    flow = runner.flows[state["flow"]]
    norm = normalise(text)
    if runner.is_correction(text):
        changes = runner.changes(flow, state["values"], text, norm, correcting=True, state=state)
        if changes:
            return runner.correct(state, changes)
    st, replies, parsed = runner.answer(state, norm, text)
    assert parsed.ok, (text, replies[0].text)
    return st, replies


CORRECTIONS = [
    # flow, known facts, answers before, the correction, slot, value
    ("service", {"region": "luzhou", "org": "broker", "whom": "poor"}, ["5个"], "说错了 是6个 漏算了一个", "placed", 6),
    ("service", {"region": "luzhou", "org": "broker", "whom": "poor"}, ["5个"], "不对 应该是6个人", "placed", 6),
    ("service", {"region": "luzhou", "org": "broker", "whom": "poor"}, ["8个", "都签了"], "说错了 是10个", "placed",
     10),
    ("loan_person", {"region": "luzhou", "group": "migrant", "other_loans": "no"}, ["两次"], "说错了 是1次 记错了",
     "times", 1),
    ("training", {"region": "luzhou", "poor": "yes"}, ["拿到了", "10天"], "说错了 是15天", "days", 15),
    ("training", {"region": "luzhou", "poor": "yes"}, ["拿到了", "10天", "没有"], "说错了 是15天", "days", 15),
]


@pytest.mark.parametrize("flow,known,before,fix,slot,value", CORRECTIONS, ids=[c[3] for c in CORRECTIONS])
def test_correction_with_a_number_changes_that_count(runner, flow, known, before, fix, slot, value):
    state, _ = runner.start(runner.flows[flow], known)
    for typed in before:
        state, _ = _answer(runner, state, typed)
        assert state is not None
    state, replies = _answer(runner, state, fix)
    values = state["values"] if state else next(r.meta for r in replies if r.meta)["values"]
    assert values[slot] == value


def test_a_number_typed_for_the_head_count_with_groups_counts_the_covered_ones(runner):
    flow = runner.flows["service"]
    for region, expect in (("luzhou", 4), ("luding", 7)):
        state, _ = runner.start(flow, {"region": region, "org": "agency"})
        state, _ = _answer(runner, state, "7个 4个脱贫户 3个灾区的")
        assert state["values"]["placed"] == expect, region


def test_groups_said_first_decide_group_and_head_count(runner):
    flow = runner.flows["service"]
    facts = extract_facts("泸州的劳务公司 组织了7个人进厂 其中4个是脱贫人口 另外3个不是 都签了两年合同 社保也交了")
    state, replies = runner.start(flow, {**facts, "org": "agency"})
    while state is not None:
        state, replies = _answer(runner, state, "没有")
    meta = next(r.meta for r in replies if r.meta)
    assert (meta["values"]["whom"], meta["values"]["placed"], meta["values"]["contract"]) == ("poor", 4, 4)
    assert meta["results"][0]["outcome"] == "eligible" and meta["results"][0]["amount"] == 1200
    # 泸州 names 脱贫人口 only: 灾区劳动力 alongside do not count there
    facts = extract_facts("泸州的劳务公司 组织了6个人 4个脱贫户 2个是地震灾区的 都签了一年合同 社保都交了")
    state, replies = runner.start(flow, {**facts, "org": "agency"})
    while state is not None:
        state, replies = _answer(runner, state, "没有")
    meta = next(r.meta for r in replies if r.meta)
    assert (meta["values"]["whom"], meta["values"]["placed"], meta["results"][0]["amount"]) == ("poor", 4, 1200)
    # only people outside the covered groups: the check says so, not a count of them
    facts = extract_facts("泸州的劳务公司 组织了6个人 3个地震灾区的 3个普通的")
    state, replies = runner.start(flow, {**facts, "org": "agency"})
    while state is not None:
        state, replies = _answer(runner, state, "没有")
    meta = next(r.meta for r in replies if r.meta)
    assert meta["results"][0]["outcome"] == "not_eligible"


# -- after a result: a fact redoes it; the same fact again shows it again, never "记下了" in a loop -----------
async def say(engine, text, user="r1"):
    return await engine.handle(Incoming(user_id=user, text=text))


async def test_late_repayment_after_a_result_redoes_it_as_not_eligible(engine):
    await say(engine, "泸州的，我能贷多少")
    for typed in ("返乡农民工", "没有", "1", "不确定", "不确定", "不确定"):
        replies = await say(engine, typed)
    assert "❓" in replies[-1].text
    replies = await say(engine, "逾期了三个月才还")
    assert "❌" in replies[-1].text and "✗ 还款积极" in replies[-1].text


async def test_a_count_typed_after_a_result_redoes_it(engine):
    await say(engine, "泸州的，我能贷多少")
    for typed in ("返乡农民工", "没有", "不确定"):
        replies = await say(engine, typed)
    assert "❓" in replies[-1].text
    replies = await say(engine, "贷过3次")
    assert "❌" in replies[-1].text and "累计不超过3次" in replies[-1].text


async def test_the_same_fact_again_after_a_result_is_no_loop(engine):
    await say(engine, "泸州的，我能贷多少")
    for typed in ("返乡农民工", "没有", "1", "是", "是", "是"):
        replies = await say(engine, typed)
    first = replies[-1].text
    assert "✅" in first
    texts = []
    for _ in range(3):
        texts.append("\n".join(r.text for r in await say(engine, "贷过1次")))
    assert not any("记下了" in t for t in texts)
    assert all("✅" in t for t in texts)


async def test_facts_restated_with_nothing_new_are_not_noted_again(engine):
    first = "\n".join(r.text for r in await say(engine, "我是脱贫户"))
    assert "记下了" in first
    again = "\n".join(r.text for r in await say(engine, "我是脱贫户"))
    assert "记下了" not in again


async def test_a_bare_count_after_a_result_redoes_it_but_a_restart_word_does_not(engine, store):
    await say(engine, "泸州的，我能贷多少", user="r2")
    for typed in ("返乡农民工", "没有", "不确定"):
        await say(engine, typed, user="r2")
    replies = await say(engine, "3次", user="r2")
    assert "❌" in replies[-1].text
    await say(engine, "泸州的，我能贷多少", user="r3")
    for typed in ("返乡农民工", "没有", "0"):
        await say(engine, typed, user="r3")
    await say(engine, "再测一次", user="r3")
    assert store.user("r3")["dialog"]["values"].get("times") is None


def test_staff_counts_are_no_group_split():
    assert "groups" not in extract_facts("12个员工 今年新招了3个脱贫户")


def test_a_corrected_head_count_carries_a_contract_length_said_for_everyone(runner):
    flow = runner.flows["service"]
    state, _ = runner.start(flow, {"region": "luzhou", "org": "broker", "whom": "poor", "contract_months": 24})
    state, _ = _answer(runner, state, "5个")
    assert state["values"]["contract"] == 5
    state, _ = _answer(runner, state, "说错了 是6个 漏算了一个")
    assert (state["values"]["placed"], state["values"]["contract"]) == (6, 6)
