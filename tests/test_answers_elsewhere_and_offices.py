"""Replies whose first line turns on where something happens or which office handles it (blind answers 14):
another province's own rule, a business started outside 四川, a district of 重庆 that shares a name with a county of
四川, labour-law questions that share words with a measure, and how-many questions typed with a bare number."""

from __future__ import annotations

import pytest

from bot.models import Button, Reply
from bot.understand.facts import extract_facts
from bot.understand.slots import read_value


@pytest.fixture
def ask(engine):
    """The reply `labor-bot ask` gives (stateless: the matcher, then the engine's answer)."""
    def run(q: str) -> str:
        return "\n".join(r.text for r in engine.reply_for(engine.matcher.match(q)))
    return run


def first(text: str) -> str:
    return text.splitlines()[0]


def test_a_question_about_another_provinces_rule_says_so_first(ask):
    """Before: 贵州那边最高能贷好多 → "50万在额度以内", Sichuan's figure given as 贵州's."""
    line = first(ask("我老家贵州毕节的 在泸州打工听说四川创业担保贷款能贷五十万 我想回毕节开店 贵州那边最高能贷好多"))
    assert line.startswith("文件没有写贵州的规定") and "12333" in line
    line = first(ask("我是重庆綦江的 听说你们泸州有泸字号 我们重庆是不是也有啥子渝字号劳务品牌 政策有好多钱"))
    assert "重庆" in line and "当地人社局" in line


def test_the_youth_loan_is_for_a_business_in_sichuan(ask):
    line = first(ask("我是泸州人 今年二十八 在重庆读的大学 想留在重庆渝北开个工作室 四川那个给年轻人的免息创业贷款我能贷不"))
    assert line.startswith("在重庆开办的不能贷")
    assert first(ask("我25岁 想回泸州开个火锅店 免息的创业贷款能贷不")).startswith(("有", "算：您25岁"))
    assert extract_facts("想留在重庆渝北开个工作室").get("start_outside") == "重庆"
    assert "start_outside" not in extract_facts("想回泸州开个火锅店")


def test_a_chongqing_district_is_not_a_sichuan_county(ask):
    """重庆九龙坡 is no 九龙 (甘孜): before, "不算跨省" for a son going to work in 重庆."""
    line = first(ask("泸定的 我们家是脱贫户 儿子下个月要去重庆九龙坡的工地上干活 重庆跟四川挨到的 这算不算跨省 那个一次性交通补住能不能报"))
    assert line.startswith("算跨省")
    assert first(ask("泸州叙永的脱贫户 在成都打工 跨省交通补助能领不")).startswith("不算跨省")


@pytest.mark.parametrize("question,office", [
    ("我进了江阳一个厂 说试用期六个月 试用期不买社保 要转正了才买 这样合法不 找哪个", "社会保险法"),
    ("想问下泸定县今年事业单位招聘啥时候考 报名在哪里看 我大专文凭能报哪些", "人事考试网"),
])
def test_labour_questions_get_their_office_first(ask, question, office):
    line = first(ask(question))
    assert office in line and "不能乱答" not in line


def test_an_agency_with_some_workers_uninsured_hears_what_it_can_have(ask):
    line = first(ask("今年送了九个脱贫户去宜宾的电子厂 合同都是两年 不过有三个还在试用期 厂里还没给买社保 补助咋个算 我是劳务经纪人"))
    assert "6人×300元=1800元" in line and not line.startswith("不符合")
    line = first(ask("我是劳务经纪人 带了5个脱贫户进厂 合同签的两年 社保都没买 补助有没得"))
    assert line.startswith("不符合")


def test_a_daily_rate_is_no_training_length(ask):
    assert read_value("days", "一天补五十 学了二十天") == 20
    assert read_value("days", "学了一天") == 1
    line = first(ask("我是泸州合江的脱贫户 在县上参加劳务品牌的中式烹调培训 一共二十天 听说一天补五十 那我是不是稳稳的拿一千块生活补帖"))
    assert "最多1000元" in line


def test_a_number_typed_under_a_how_many_question_is_the_number():
    """WeChat and the console number only the buttons a number may pick: under a how-many question "1" is one
    person, never 上一步 or 都是."""
    from handlers.console import render as console_render
    from handlers.wechat import render as wechat_render

    reply = Reply("有几个？", [[Button("都是", "a", numbered=False)], [Button("上一步", "b", numbered=False)]])
    text, choices = console_render([reply])
    assert choices == [] and "[1]" not in text and "都是" in text
    text, items = wechat_render([reply], 1)
    assert all(c["n"] is None for c in items) and "1." not in text
    text, choices = console_render([Reply("是吗？", [[Button("是", "y"), Button("否", "n")]])])
    assert choices == ["y", "n"] and "[1] 是" in text


@pytest.mark.parametrize("text,placed", [
    ("今年带了八个脱贫户去宜宾的电池厂上班 这种也能拿那个三百块一个人的补助不", 8),  # 一个人 is the rate
    ("每人三百 带了十个", 10), ("一个人300 带了5个", 5), ("带了一个人去", 1), ("送了5个 300块一个人", 5),
    ("组织了一批脱贫户进厂 准备去申请那个300一个人的补助", None),  # 300 is the rate, no count said
])
def test_a_rate_per_person_is_no_head_count(text, placed):
    assert extract_facts(text).get("placed") == placed


def test_a_broker_typed_with_a_homophone_hears_the_total(ask):
    """劳务经济人 is 劳务经纪人; 当…经纪人 names the asker: before, the measure's summary without 8 × 300."""
    line = first(ask("我在泸州叙永当劳务经济人 今年带了八个脱贫户去宜宾的电池厂上班 都签了一年以上的合同 也买了社保 "
                     "宜宾是省内的 这种也能拿那个三百块一个人的补助不 总共好多"))
    assert "8人最多2400元" in line


def test_a_loan_from_before_the_new_ceiling_does_not_grow_with_it(ask):
    """Before: 二零二四年贷了三十万 … 能不能再追加二十万 got the list of who may borrow."""
    assert extract_facts("我前年也就是二零二四年在泸州贷了三十万创业担保贷款").get("loan_year") == 2024
    line = first(ask("我前年也就是二零二四年在泸州贷了三十万创业担保贷款 现在听说涨到五十万了 我能不能找银行再追加二十万"))
    assert line.startswith("已经贷的那笔不会跟着涨") and "新发放" in line and "2024年" in line


def test_a_state_owned_agency_is_named_in_the_clause(ask):
    line = first(ask("我们是泸定县的国有劳务公司 不是私人开的那种经营性机构 组织脱贫户和灾区的人出去务工 "
                     "那个三百元一个人的就业创业服务补助我们国企能不能领"))
    assert line.startswith("能") and "含国有劳务公司" in line
    line = first(ask("我们是泸定县的国有劳务公司 今年组织了20个脱贫户到企业上班 都签了两年合同买了社保 就业创业服务补助一共能拿好多"))
    assert "6000元" in line  # how much: the count, not the yes


def test_three_hundred_a_person_is_the_rate(ask):
    """三百一个人 read as 310 people: a broker owed 9 × 300 was told 不符合 (blind answers 15)."""
    facts = extract_facts("今年带了十二个脱贫户去浙江嘉兴的厂 有九个签了一年的合同买了社保 另外三个只签了半年的临时工 三百一个人的补助我能拿好多")
    assert facts.get("placed") == 12 and facts.get("contract") == 9
    assert extract_facts("十一个人的补助").get("placed") != 310
    line = first(ask("古蔺的 我是劳务经济人 今年带了十二个脱贫户去浙江嘉兴的厂 有九个签了一年的合同买了社保 另外三个只签了半年的临时工 "
                     "三百一个人的补助我能拿好多"))
    assert "9人×300元=2700元" in line


def test_a_health_certificate_is_not_one_of_the_four_kinds(ask):
    """Before: 健康证 … 能不能领取得证书的培训补贴 → 有 (blind answers 15)."""
    line = first(ask("在泸州餐馆当帮厨 老板喊我办了个健康证 这也是个证噻 拿这个能不能领那个取得证书的培训补贴"))
    assert line.startswith("不算") and "健康证" in line
    assert first(ask("我考了个焊工证 四级的 有没有补贴")).startswith("有")


@pytest.mark.parametrize("q,want", [
    ("泸州这个泸字号二十三条措施 好久到期哦 我明年开春才准备申请补贴 到时候还作不作数", "有效期至2026年12月16日"),
    ("泸定那个红城工匠二十二条是2023年出的 现在都2026年底了 还有没有效 好久到期", "文件没有写有效期"),
])
def test_when_a_document_ends_is_answered_from_its_record(ask, q, want):
    """Before: the 泸州 organisation measure, also for a 泸定 asker (blind answers 15)."""
    assert want in first(ask(q))
