"""Typed readings from blind persona set 8 (tests/data/personas_8.yaml), written before the code change: training
given as dates (十一月三号开始 十六号结业 → 14 days), "not even one day" (一天都没断过), weekends and weekdays
(只有周末上课 上了两个月 is no day count; 周六周日 is no six weeks), an approximate figure put right in the same
answer (六十来个 社保上是六十二个), new hires split into those the rule counts and those it does not, a relative's
household (我老婆娘家是脱贫户) or a relative asked for (帮我老汉问 他是脱贫户), rhetorical no (哪来的失业金),
a consumer loan of exactly 5万, and askers from a place outside both documents (雅安石棉, 炉霍, 贵州赤水)."""

from __future__ import annotations

import pytest

from bot.dialogs import DialogRunner, load_flows
from bot.models import Incoming
from bot.textnorm import normalise
from bot.understand import ASK, extract_facts, read_value, read_yesno
from bot.understand.slots import date_span_days
from conftest import TODAY

DAYS = [
    ("十一月三号开始上课 十六号结业考试 中间一天都没断过 我每天坐班车去的", 14),
    ("九月二十八号到十月七号 一天都没歇", 10),
    ("11月3号到16号", 14),
    ("3月1号到15号", 15),
    ("十二月二十八号到一月三号", 7),  # across the new year
    ("十二月十号到二十五号 十六天", 16),  # a count said beside the dates wins
    ("每个周六周日去 去了八个周末 算起来一共十六天", 16),
    ("只有周末上课 前后上了两个月", ASK),
    ("学了两周", 14),
    ("二十来天 实际十八天", 18),
    ("学了二十来天", ASK),
    ("一天都没去", None),
    ("5号到3号", None),  # backwards: not a span
]


@pytest.mark.parametrize("text,expect", DAYS)
def test_training_days(text, expect):
    assert read_value("days", text) == expect


def test_a_span_needs_the_first_month_when_the_second_is_given():
    assert date_span_days("3号到5月7号") is None


COUNTS = [
    ("staff", "六十来个 社保上是六十二个", 62),
    ("staff", "三十来个", ASK),
    ("placed", "今年送了一批脱贫户去浙江", None),  # 一批 is a batch, not one person
    ("placed", "十来个人 其中3个签了合同", ASK),  # 3 is another figure, not a correction of 十来个
    ("new_hires", "去年总共招了十二个 八个是脱贫户跟退伍军人 另外四个是从别的厂跳槽过来的", 8),
    ("new_hires", "招了十二个 其中四个是跳槽过来的", 8),
    ("new_hires", "新招了5个 都是返乡的", 5),
    # from blind persona set 9: forty-odd put right, "two weeks and a bit", dates with 一直 between them,
    # contracts given by their first and last day (both counted)
    ("staff", "四十好几个 花名册上准确是四十八个", 48),
    ("staff", "四十好几个", ASK),
    ("days", "两个礼拜多点", ASK),
    ("days", "二十天出头", ASK),
    ("days", "两个多礼拜 准确是十六天", 16),
    ("days", "十月二十八号开始上的课 一直上到十一月十五号结业 周六周天都在上 一天都没断", 19),
    ("days", "学了十四天", 14),
    ("contract_months", "合同是2026年3月1号签到2027年2月28号 刚好一年", 12),  # both days counted: a full year
    ("contract_months", "合同从9月1号签到明年6月30号", 10),
    ("contract_months", "九月一号签到明年六月三十号", 10),
    ("contract_months", "签了3月1号到8月31号", 6),
    ("contract_months", "签了一年多", 12),
]


@pytest.mark.parametrize("slot,text,expect", COUNTS)
def test_counts(slot, text, expect):
    assert read_value(slot, text) == expect


def test_a_relative_asked_for_is_the_one_the_facts_are_about():
    assert extract_facts("gulin的 帮我老汉问一哈 他是脱贫户 在镇上学酿酒")["poor"] == "yes"
    assert extract_facts("帮我妈问下 她不是脱贫户")["poor"] == "no"
    assert "poor" not in extract_facts("我老汉是脱贫户 我想问下我自己的")


def test_rhetorical_no():
    q = "培训期间您在领失业保险金吗？"
    assert read_yesno("我老汉是种地的农民 哪来的失业金哦 莫得", q).value == "no"
    assert read_yesno("哪有哦", q).value == "no"


HOMES = [
    ("雅安石棉的 我是脱贫户 听说泸定有每天五十块的生活补贴 石棉跟泸定挨到的 我能领不", None, "石棉"),
    ("炉霍的 我们是脱贫户 红城工匠那个每天五十块的补贴我能领不", None, "炉霍"),
    ("贵州赤水的 跟古蔺就隔一条赤水河 泸州那个跨省交通补助我能领不", None, "赤水"),
    ("甘孜炉霍县 不是泸定", None, "炉霍"),
    ("我是石棉的 现在在泸定上班", "luding", "石棉"),  # in the region now: its document applies
    ("我是泸定的 在成都打工", "luding", None),  # working away is no new home
    ("古蔺的脱贫户 我在隔壁贵州赤水的厂里上班", "luzhou", None),
]


@pytest.mark.parametrize("text,region,home", HOMES)
def test_home_outside_both_documents(text, region, home):
    f = extract_facts(text)
    assert (f.get("region"), f.get("elsewhere")) == (region, home)


@pytest.fixture(scope="module")
def runner(kb):
    return DialogRunner(kb, load_flows(kb), lambda: TODAY)


async def say(engine, user: str, text: str) -> str:
    return "\n".join(r.text for r in await engine.handle(Incoming(user_id=user, text=text)))


async def test_an_asker_from_elsewhere_is_told_first_and_the_check_ends_on_their_place(engine):
    first = await say(engine, "shimian", "雅安石棉的 我是脱贫户 在县上学了十天的挖掘机 听说泸定有每天五十块的生活补贴 "
                                         "石棉跟泸定挨到的 我能领不")
    assert "您是石棉的" in first and "✅" not in first and "地区：泸定" not in first
    end = await say(engine, "shimian", "雅安石棉县 不是泸定的")
    assert end.startswith("测算先结束了") and "石棉" in end and "12333" in end and "✅" not in end


async def test_an_asker_from_elsewhere_who_says_where_they_trained_goes_on(engine):
    await say(engine, "kangding", "我是康定的 脱贫户 学了十天挖掘机 生活补贴能领不 帮我测一下")
    reply = await say(engine, "kangding", "我是在泸定参加的培训")
    assert "测算先结束了" not in reply and "证书" in reply


async def test_a_consumer_loan_of_exactly_five_wan_is_for_the_bank(engine):
    first = (await say(engine, "wu", "古蔺的 我老公名下有个消费贷 刚好五万整 这个影不影响我贷创业担保贷款")).splitlines()[0]
    assert first.startswith("说不准") and "经办银行" in first
    over = (await say(engine, "wu2", "我老公有个消费贷 六万 影不影响我贷创业担保贷款")).splitlines()[0]
    assert over.startswith("会影响")


def test_a_relatives_household_does_not_answer_for_the_user(runner):
    state, _ = runner.start(runner.flows["training"], {"region": "luzhou", "days": 12})
    for typed in ("拿到了", "我们屋不是 是我老婆娘家那边是脱贫户 我户口不在那边 我也不是监测户", "没领过", "莫得"):
        text = normalise(typed)
        state, replies, _ = runner.answer(state, text, typed) if state and state.get("asking") else (state, [], None)
        if state is None:
            break
    meta = next(r.meta for r in replies if r.meta)
    assert meta["values"]["poor"] == "no"


FIRM_POSTS = [
    # a formal 问政 post: 吸纳 is hiring, 无欠薪欠保 is no arrears, the contract's 期限 is no loan term
    ("本企业现有员工160名 上一年度共吸纳高校毕业生及退役军人7名 劳动合同期限均为两年 无欠薪欠保情况",
     {"staff": 160, "new_hires": 7, "contract_months": 24, "arrears": "no"}),
    ("我们厂一百八十号人 去年进了8个大学毕业的娃娃 合同都是三年", {"staff": 180, "new_hires": 8, "contract_months": 36}),
    ("学了十天 签了一年合同", {"days": 10, "contract_months": 12}),  # each length to its own clause
]


@pytest.mark.parametrize("text,expect", FIRM_POSTS)
def test_firm_and_contract_facts(text, expect):
    f = extract_facts(text)
    assert {k: f.get(k) for k in expect} == expect
    assert "contract" not in f or "staff" not in f  # a firm's staff and hires are never summed as people placed


async def test_a_firm_post_gets_the_hiring_verdict_not_the_loan_term(engine):
    first = await say(engine, "firm", "本企业系泸州市江阳区一家塑料制品生产企业 现有员工160名 上一年度共吸纳高校毕业生及退役军人7名 "
                                      "劳动合同期限均为两年 无欠薪欠保情况 请问能否申请小微企业创业担保贷款")
    assert first.startswith("招人这一条还不够") and "160人即8人" in first.splitlines()[0]


@pytest.mark.parametrize("q,want", [
    # the asker says who they are and asks what they can have: the measure that pays them, in their region
    ("泸定岚安的劳务经纪人 今年带了5个托贫户和2个地震受灾户去雅安名山的茶厂 7个人都签了两年合同 我这回能拿好多补助",
     "泸定按每人300元算"),
    ("我是泸州的劳务公司 组织了几个地震灾区的人进厂 有没有300一个的补助", "泸州只算脱贫人口"),
])
async def test_an_organiser_asking_for_their_money_gets_the_measure_that_pays_them(engine, q, want):
    assert (await say(engine, "org", q)).startswith(want)


async def test_this_month_is_no_contract_length_and_still_valid_asks_the_validity(engine):
    first = (await say(engine, "val", "江阳的劳务公司 11月份组织了一批脱贫户进厂 合同社保都办好了 准备12月底再去申请那个300一个人的"
                                      "补助 听说泸州这个23条这个月就到期了 到时候还认不认")).splitlines()[0]
    assert "有效期至2026年12月16日" in first and "不符合" not in first


@pytest.mark.parametrize("q", [
    "您好 我是泸定县泸桥镇人 非脱贫户 今年返乡 计划先参加县里组织的中式烹调师培训 请问 一 我能否享受培训期间每天50元的生活补贴 "
    "二 取证后可享受哪些补贴 三 开店申请个人创业担保贷款最高额度是多少",
    "我不是脱贫户 培训期间每天50元的生活补贴在哪里报名",
])
async def test_not_you_leads_whatever_else_is_asked(engine, q):
    assert (await say(engine, "np", q)).startswith("这个每天不超过50元的生活（交通）费补贴只给脱贫人口")


@pytest.mark.parametrize("opening,typed", [
    # recognised before the 泸州 document took effect (2023-12-17)
    ("泸州纳溪的 我们的技能大师工作室二零二二年就认定成省级的了 那时候泸州这个二十三条还没出来 现在还能补那个三十万不 帮我测一下", []),
    # a course that runs past the day it expires (2026-12-16)
    ("合江的脱贫户 十二月十号到二十五号去学中式面点 生活补贴算好多 帮我测一下", ["拿到了", "今年没领过", "没有"]),
])
async def test_what_happened_outside_the_documents_validity_is_for_the_office(engine, opening, typed):
    text = await say(engine, "valid", opening)
    for answer in typed:
        if "【测算结果】" in text:
            break
        text = await say(engine, "valid", answer)
    assert "【测算结果】" in text and "有效期是" in text and "✅" not in text


def test_event_dates():
    assert extract_facts("二零二二年就认定成省级的了")["event_year"] == 2022
    assert extract_facts("十二月十号到二十五号去学")["event_end"] == "12-25"
    assert "event_end" not in extract_facts("去年十二月十号到二十五号去学的")
    assert "event_year" not in extract_facts("2019年就脱了贫")
