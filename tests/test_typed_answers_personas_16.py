"""Rules from blind persona set 16 (tests/data/personas_16.yaml), each failing before its change: a question about
this year is no statement about it; a promise (转正了才买) is no answer about now; an ended benefit is not drawn now;
an event's date is no head count in a typed answer; a calendar month is no contract length; a choice named by its
own words is an answer though it ends like a question; 一个人 picks no person's check; a paid one-off award means
the brand was created, and it is not paid again."""

from __future__ import annotations

import pytest

from bot.understand import count_qualifying, extract_facts, read_yesno, subset_count


@pytest.mark.parametrize("text,said", [
    ("去年她也培训过 领过一回生活补贴 今年还能不能领", None),
    ("今年能领不", None),
    ("今年领过一回了 还能领不", "yes"),
    ("今年一回都没领", "no"),
    ("今年三月份领了一回", "yes"),
])
def test_this_year_is_stated_not_asked(text, said):
    assert extract_facts(text).get("this_year") == said


def test_insurance_promised_later_is_none_now():
    q = "这些人里，参加了社会保险（交了社保）的有几个？"
    assert subset_count("厂里说转正了才买社保 现在还没买", 8, question=q) == 0
    assert subset_count("满三个月才交 现在还没交", 8, question=q) == 0
    assert subset_count("都交了", 8, question=q) == 8


@pytest.mark.parametrize("text,value", [
    ("以前在东莞领过失业金 今年六月份就领完了 培训那阵没有领", "no"),
    ("今年六月份就领完了", "no"),
    ("领完了又续上了 现在在领", "yes"),
])
def test_an_ended_benefit_is_not_drawn_now(text, value):
    assert read_yesno(text, "培训期间您在领失业保险金吗？").value == value


def test_calendar_months_are_no_contract_length():
    assert count_qualifying("都签的半年 先试一下 2026年6月到12月", 12, 4) == 0
    assert count_qualifying("5个签6月 3个签两年", 12, 8) == 3


def test_extract_done_from_a_past_year_or_the_award_paid():
    assert extract_facts("我们的品牌2023年评上川字号 领过20万奖补 今年复核又通过了").get("done") == "yes"
    assert extract_facts("我们想明年评上川字号").get("done") is None
    assert extract_facts("还没评上川字号").get("done") == "no"


async def test_a_split_by_group_with_an_event_date_counts_the_groups(talk):
    await talk("b1", "我是泸定磨西的劳务经纪人 今年带了九个人去雅安的水泥厂 签的整一年的合同 社保也买了 这个300块一个人的补助能拿好多",
               "好的 帮我测一下")
    out = await talk("b1", "四个脱贫户 三个是九五地震受灾户 就是灾区劳动力 两个普通的")  # 雅安: no cross-province question
    assert "2,100元" in out and "2,700元" not in out


async def test_a_certificate_not_yet_issued_answers_the_choice(talk):
    await talk("c1", "合江的 脱贫户 10月27号到11月5号在镇上学了电工 听说培训有生活费 能拿好多", "好的 帮我测一下")
    out = await talk("c1", "证书还没发下来 不晓得考过没得")
    assert "培训后拿到证书了吗" not in out and "什么时候到账" not in out


async def test_a_head_count_in_a_menu_pick_is_no_persons_loan(talk):
    await talk("m1", "帮我测一下")
    out = await talk("m1", "就业创业服务补助 300一个人的")
    assert "组织劳务输出的就业创业服务补助" in out and "个人创业担保贷款" not in out


async def test_a_chuanzihao_award_paid_before_is_not_paid_again(talk):
    first = await talk("a1", "泸州叙永的劳务公司 我们的品牌2023年评上川字号 领过20万奖补 今年三年到期复核又通过了 还能再领20万不")
    assert first.startswith("只给一次") and "领过的不能再领" in first.splitlines()[0]
    out = await talk("a1", "好的 帮我测一下")
    assert "❌" in out and "已经创建成功（被认定）了吗" not in out


# Blind persona set 17 and answer set 21 (tests/data/personas_17.yaml, blind_answers_21.yaml)
async def test_new_hires_split_by_kind_count_only_those_the_rule_counts(talk):
    await talk("f1", "合江的食品厂 四十个工人 想申请小微企业的创业担保贷款 用企业名义", "好的 帮我测一下", "是小微企业")
    await talk("f1", "六个 三个脱贫户签的两年合同 另外三个是一般的年轻娃 不是啥子特殊人员 也签的一年")
    out = await talk("f1", "六个都签了一年以上 脱贫户是两年", "没拖欠", "没贷过")
    assert "❌" in out and "✅" not in out.split("■")[1]


def test_the_rest_of_a_total_split_by_group_is_no_group():
    from bot.understand import count_groups
    assert count_groups("今年带了七个人去成都的厂头上班 三个脱贫户 两个是磨西地震受灾的 还有两个是县城的娃儿") == {
        "poor": 3, "disaster": 2, "other": 2}


def test_a_year_said_as_a_period_is_no_training_length():
    assert extract_facts("脱贫户参加劳务品牌培训 生活费一天补好多 一年能补几回").get("days") is None
    assert extract_facts("培训了一年").get("days") == 365


def test_not_poor_decides_before_the_sum(engine_ask):
    first = engine_ask("我是低保户 不是脱贫户 在纳溪参加了十天的劳务品牌培训 听说一天五十的生活补贴 我能拿五百块不").splitlines()[0]
    assert "领不到" in first and "500元" not in first


def test_a_loan_asked_for_a_year_past_the_ceilings_window(engine_ask):
    first = engine_ask("我打算二零二八年回泸州来开厂 到时候小微企业创业担保贷款还是六百万不").splitlines()[0]
    assert first.startswith("2028年的额度现在还没有定") and "2027年12月31日" in first


def test_a_firm_borrowing_hears_the_firms_ceiling_not_a_group_answer(engine_ask):
    first = engine_ask("我们在泸定磨西开藏家乐 公司有三十个员工 去年新招了四个脱贫户签的两年合同 想申请企业创业担保贷款 最多能贷好多").splitlines()[0]
    assert "小微企业最高600万元" in first and "脱贫人口在创业担保贷款的对象里" not in first


def test_a_brand_asking_the_award_and_its_term_hears_both(engine_ask):
    lines = engine_ask("我们合江的荔枝采摘队想创川字号劳务品牌 评上了奖好多钱 有效期几年").splitlines()
    assert "20万元" in lines[0] and "有效期3年" in lines[1]


def test_a_brokers_count_said_to_qualify_decides_the_sum(engine_ask):
    first = engine_ask("我是泸州的劳务经济人 今年介绍了十二个脱贫户去浙江厂里 签了一年以上合同还买了社保的有八个"
                       " 另外四个干了两个月就跑了 那个服务补助我能拿好多").splitlines()[0]
    assert "8人×300元=2400元" in first
    assert engine_ask("我是劳务经纪人 带了8个脱贫户去厂里 签的半年合同 买了社保的有8个 能拿好多").startswith("不符合")
