"""Rules from blind persona set 14 and answer set 18 (tests/data/personas_14.yaml, blind_answers_18.yaml), each
failing before its change: who a benefit is said of (the user, a relative they ask for, a spouse); a date naming an
event is no count; the topic typed last is the one asked; a hukou requirement is a facet the documents leave open;
a one-off award already paid is not offered again; the firm's hiring share as a head count."""

from __future__ import annotations

import pytest

from bot.understand import EXEMPT_ONLY, extract_facts


@pytest.mark.parametrize("text,for_other,said", [
    # the user's own clause, a relative's clause that answers it without naming it (and the other way round)
    ("我屋头那个在领失业金 我莫得领", False, "no"),
    ("我老公在领失业金 我没领", False, "no"),
    ("我在领失业金", False, "yes"),
    ("说错了 我看成我自己的了 是我在领失业金 我妈没领过", True, "no"),
    ("说错了 我看成我自己的了 是我在领失业金 我妈没领过", False, "yes"),
    ("帮我妈问一哈 她在领失业金 我没领", False, "yes"),
    ("帮我妈问一哈 在领失业金", False, "yes"),
])
def test_whose_unemployment_benefit_a_message_states(text, for_other, said):
    assert extract_facts(text, for_other=for_other).get("jobless_pay") == said


@pytest.mark.parametrize("text,placed", [
    ("从得妥镇带了六个九五地震受灾的老乡去成都的建筑公司上班", 6),
    ("5.12地震那年 我带了3个人出去打工", 3),
])
def test_a_date_naming_an_event_is_no_count(text, placed):
    facts = extract_facts(text)
    assert facts.get("placed") == placed and facts.get("contract") in (None, placed)


async def test_a_correction_after_a_result_about_the_relative_asked_for(talk):
    """Before: 是我在领失业金 我妈没领过 went to the out-of-scope reply and the mother kept a false ❌ (15 days: 750元)."""
    await talk("m1", "帮我妈问一哈 她是叙永水尾镇的脱贫户 今年八月二十七号到九月十号在县上学的家政 去年学养殖的时候领过一回生活补贴"
               " 今年还能领不", "好的 帮我测一下", "家政服务的专项职业能力证书拿到了", "去年领过一回 今年还没领过")
    first = await talk("m1", "在领")
    assert "❌" in first
    redo = await talk("m1", "说错了 我看成我自己的了 是我在领失业金 我妈没领过 她一直在屋头种地")
    assert "750" in redo and "失业保险金的标准和申领" not in redo


async def test_a_one_off_award_already_paid_is_not_offered_again(talk):
    result = await talk("a1", "古蔺的 我们的酱酒酿造工品牌二四年就评上川字号了 当时领了二十万 今年还能再领一次不",
                        "好的 帮我测一下")
    assert "❌" in result and "不能再领" in result and "✅" not in result
    result = await talk("a2", "古蔺的 我们的品牌评上川字号了", "好的 帮我测一下")
    assert "20万元一次性奖补以前领过吗" in result or "以前领过吗" in result
    assert "✅" in await talk("a2", "还没领过")


async def test_a_luzihao_brand_hears_the_20wan_is_not_for_it(talk):
    result = await talk("a3", "泸县的 我们的劳务品牌评上泸字号了 市上授了牌 听说评上一次性奖二十万 我们咋个申请",
                        "好的 帮我测一下")
    assert "“泸字号”品牌不能申请这一笔" in result


@pytest.mark.parametrize("question,office", [
    ("娃儿在泸州江阳区读初中 户口还在古蔺乡下 想把户口迁到江阳区 要啥子手续", "派出所"),
    ("户口在古蔺 娃儿想转学到江阳区读初中 要啥手续", "教育局"),
])
def test_the_topic_typed_last_is_the_one_asked(engine_ask, question, office):
    assert office in engine_ask(question).splitlines()[0]


def test_where_one_is_registered_is_no_hukou_question(engine_ask):
    assert "派出所" not in engine_ask("康定市姑咱镇 户口在康定 不是泸定的 培训也是在康定")


def test_a_hukou_requirement_is_left_open_with_the_measure(engine_ask):
    """Before: 户口 made the whole question out of scope (the catch-all refusal), and 外省户口 read as 跨省."""
    reply = engine_ask("我是贵州毕节的 户口不在四川 在泸州龙马潭的厂里上班三年了 想参加泸州的劳务品牌补贴陪训 外省户口的能不能参加")
    first = reply.splitlines()[0]
    assert "没有写户籍" in first and "交通补助" not in reply and "不能乱答" not in reply


@pytest.mark.parametrize("question,needed,share", [
    ("我在江阳区开了个小加工厂 现在有四十个工人 想用厂子的名义申请创业担保贷款 听说要新招人 要招够好多个才行", "4人", "10%"),
    ("我们厂在龙马潭 一百二十个工人 算小微企业 想申请企业的创业担保贷款 招用符合条件的人要达到好多比例", "6人", "5%"),
])
def test_the_firms_hiring_share_as_a_head_count(engine_ask, question, needed, share):
    first = engine_ask(question).splitlines()[0]
    assert needed in first and share in first


def test_how_many_times_and_the_interest_both_answered(engine_ask):
    """Before: 最多能代几回 read 最多 as an amount, and the interest asked after it was dropped."""
    reply = engine_ask("我老公前年在泸州代了十万块创业担保贷款 按时还清了 现在想再代一回 最多能代几回 利息政府补好多")
    lines = reply.splitlines()
    assert "3次" in lines[0] and "50%" in lines[1]


def test_a_relatives_share_of_the_brokers_300_is_not_theirs(engine_ask):
    reply = engine_ask("我妈是合江的脱贫户 通过村头的劳务经济人去福建厦门做保洁 签了一年多的合同 村上有人说政府有个三百块一个人的补助 我妈能领不")
    assert "不是发给务工人员本人" in reply.splitlines()[0] and "交通补助" in reply


def test_an_online_shop_is_named_among_the_borrowers(engine_ask):
    first = engine_ask("我在抖音快手上卖屋头做的腊肉香肠 莫得门面 就是网上开店 这种能申请创业担保贷款不").splitlines()[0]
    assert first.startswith("能申请") and "网络商户" in first


def test_where_to_complain_is_answered_not_where_to_apply(engine_ask):
    reply = engine_ask("我去县人社局问劳务品牌陪训补贴 窗口的人说莫得这个钱 到底有没得嘛 我考了个育婴员证 不给办找哪个投诉")
    lines = reply.splitlines()
    assert lines[0].startswith("有") and "12345" in reply and "反映" in reply


def test_a_village_broker_hears_the_tiers_and_the_300(engine_ask):
    first = engine_ask("我们泸定冷碛镇的村想成立个劳务专业合作分社 我来当劳务经纪人 县上有没得政策支持 我能得到啥子").splitlines()[0]
    assert "三级" in first and "300元" in first


def test_a_worker_asking_to_live_in_rental_housing_hears_what_is_not_written(engine_ask):
    first = engine_ask("我在泸州一个建筑劳务公司当钢筋工 听说劳务品牌企业可以建保障性租赁住房 我们工人能不能申请住 租金一个月好多"
                       ).splitlines()[0]
    assert "没有写工人怎么申请入住、租金多少" in first and "实训基地" not in first


def test_applying_for_the_county_brand_is_the_brand_measure(engine_ask):
    reply = engine_ask("我们泸定几个做川菜的厨师想一起申报红城工匠劳务品牌 要满足啥子条件 要好多人 去哪里报")
    assert "条件" in reply.splitlines()[0] and "20万" not in reply and "贷款" not in reply


def test_a_slip_is_explained_after_the_answer_when_more_is_asked(engine_ask):
    lines = engine_ask("我从重庆永川过来泸州一家电子厂做技术员 想评个初级职称 看到文件说来沪优秀人才有绿色通道 沪不是上海吗 我这种能走不"
                       ).splitlines()
    assert "绿色通道" in lines[0] and "笔误" in lines[0] and "\n".join(lines).count("笔误") == 1  # explained once
    assert "笔误" in engine_ask("沪字号是不是上海的").splitlines()[0]  # asked about the slip itself: the slip first


def test_the_award_and_how_long_the_brand_lasts(engine_ask):
    lines = engine_ask("我们公司在叙永培育了个苗绣劳务品牌 要是评上川字号 奖好多钱 这个牌子管好多年").splitlines()
    assert "20万元" in lines[0] and "有效期3年" in lines[1]


# -- blind personas 15 and blind questions 2 -------------------------------------------------------------------
QUESTION = "这些人里，参加了社会保险（交了社保）的有几个？都参加了就回复“都参加了”，都没有就回复“没有”。"


@pytest.mark.parametrize("typed,count", [
    ("社保？老板说试用期过了才交 现在还没交", 0),  # before: 4 (过了才交 read as insured)
    ("有的交了 现在都交了", 4),
])
def test_what_is_said_of_now_outweighs_what_is_to_come(typed, count):
    from bot.understand.slots import subset_count
    assert subset_count(typed, 4, question=QUESTION) == count


@pytest.mark.parametrize("typed,value", [
    ("失业金？她都没上过班 哪来的失业金嘛", "no"),  # before: yes (失业金？ asked back read as the answer)
    ("没有？", "no"),
    ("有啊？ 在领", "yes"),
])
def test_a_word_asked_back_is_no_answer(typed, value):
    from bot.understand import read_yesno
    assert read_yesno(typed, "培训期间您在领失业保险金吗？").value == value


@pytest.mark.parametrize("text,other", [
    ("我有个车贷 还有个装修贷", "unsure"),  # before: no (the 车贷 decided, the 装修贷 of any size was let through)
    ("有个车贷 装修贷借了八万多", "yes"),
    ("装修贷 三万", EXEMPT_ONLY),  # one small loan, said of itself: it does not count (a no as an answer), but
    ("有个花呗 两万", EXEMPT_ONLY),  # whether there are others is not said, so a check still asks
])
def test_a_consumer_loan_without_its_amount_is_not_known_to_be_small(text, other):
    assert extract_facts(text).get("other_loans") == other


def test_a_business_in_the_region_with_a_home_elsewhere_is_the_regions(talk):
    facts = extract_facts("户口在雅安石棉 民宿在泸定磨西镇 营业执照是泸定县市场监管局发的")
    assert facts.get("region") == "luding" and facts.get("elsewhere") == "石棉"


def test_a_course_given_by_its_first_and_last_day_with_went_and_came_back():
    from bot.understand.slots import read_value
    assert read_value("days", "九月二十九号去的 十月八号回来") == 10


@pytest.mark.parametrize("question,expect", [
    ("泸定桥门票好多钱", []),
    ("古蔺一家劳务公司 手头有两个专利 能拿去质押借钱不", ["luzhou-21"]),
    ("劳务品牌能买保险不 有莫得保险公司承保", ["luding-14", "luzhou-21"]),
    ("我是高级技师 想评工程师 技能人才跟专业技术人才能互通不", ["luding-08", "luzhou-03", "luzhou-02"]),
])
def test_blind_questions_2_misses(matcher, question, expect):
    got = matcher.match(question).measures
    assert (got[:1] == [] if not expect else got[:1] and got[0] in expect), got


async def test_contracts_of_people_outside_the_group_counted_are_not_counted(talk):
    """Before: 2个不是脱贫户的签的两年 added 2 to the 7 脱贫户 with long contracts (9 × 300 instead of 7 × 300)."""
    await talk("g1", "我们是江阳区的一家劳务公司 今年送了12个人去龙马潭的电子厂 想算下就业创业服务补助能拿好多", "好的 帮我测一下",
               "12个里头10个是脱贫人口 2个不是")
    said = await talk("g1", "7个脱贫户签的两年 3个脱贫户签的3个半月 2个不是脱贫户的签的两年")
    assert "签1年以上劳动合同的7人" in said


def test_still_not_made_good_is_still_owed():
    """还没补 says the arrears stand: only what is to come (过了才交) is set aside, not every clause but the present."""
    from bot.understand import read_yesno
    assert read_yesno("有 去年欠缴了半年社保 现在还没补", "企业有没有拖欠工资、欠缴社会保险的严重失信记录？").value == "yes"


@pytest.mark.parametrize("typed,count", [
    ("有的签的3个半月 有的签的半年", 0),  # before: asked again (two lengths, no counts), though neither reaches a year
    ("有的签两年 有的签三年", 5),
    ("有的签半年 有的签两年", "ask"),
])
def test_lengths_without_counts_decide_when_they_all_agree(typed, count):
    from bot.understand.slots import count_qualifying
    assert count_qualifying(typed, 12, 5) == count


async def test_a_correction_naming_a_count_corrects_it_beside_the_facts(talk):
    """Before: 刚才说错了 是三回 … 都还清了 changed only 还款积极 and kept 2 loans (a fourth loan was not refused)."""
    await talk("n1", "纳溪的 开了个养鸡场 创业担保贷款贷过几回了 还想再贷", "好的 帮我测一下", "返乡创业农民工", "没得其他贷款 老婆也没得")
    await talk("n1", "贷过两回")
    fixed = await talk("n1", "刚才说错了 是三回 2019年 2021年 2024年各贷了一回 都还清了 这回是第四回")
    assert "❌" in fixed and "3次" in fixed


def test_signing_up_told_as_a_story_asks_nothing_about_where(engine_ask):
    """Blind answers 19: 报名学电焊 is what the asker did, not a question of where to sign up (the apply template
    answered instead of 15 days × 50元)."""
    first = engine_ask("我是泸定的脱平户 报名学电焊 培训十五天 生活补贴一天好多 总共能拿好多").splitlines()[0]
    assert "750元" in first
    assert "人力资源和社会保障局" in engine_ask("泸定的电焊培训在哪里报名").splitlines()[0]


def test_drawing_unemployment_pay_is_answered_before_how_often(engine_ask):
    first = engine_ask("泸定的脱贫户 我正在领失业金 又去参加培训 那个生活补贴还能领不").splitlines()[0]
    assert "失业保险金" in first and "没有写" in first
