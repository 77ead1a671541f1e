"""Rules from blind answer set 27 (tests/data/blind_answers_27.yaml), each failing before its change: a farmer who
says he is not a 贫困户 is not told 脱贫人口 covers him; a 脱贫户 asking which subsidies hears both; a fourth loan is
refused in both places with no interest line after; a bank refusing for a 6万 consumer loan is answered on the
loan, not with the borrower groups; no cap on training days is written; 卢定 is 泸定; disability allowances and
car-loan trouble are out of scope; a knowledge file with a key written twice is an error naming file and line."""

from __future__ import annotations

import pytest

from bot.kb.loader import KBError, read_yaml


def test_a_negated_group_is_not_the_askers(engine_ask):
    first = engine_ask("我就是个普通农民 没出去打过工 也不是贫困户 在村里养了几十箱蜜蜂 我这种能不能申请创业担保贷款").splitlines()[0]
    assert first.startswith("能申请：农村自主创业农民") and "脱贫人口在" not in first


def test_which_subsidies_a_certified_poor_trainee_gets(engine_ask):
    first = engine_ask("纳溪的脱贫户 刚参加完养老护理员培训 考到了五级证 我这种情况一共能领哪几样补贴 各是好多").splitlines()[0]
    assert first.startswith("两样") and "职业培训补贴" in first and "50元" in first and "失业保险金" in first


def test_a_fourth_loan_is_refused_in_both_places(engine_ask):
    reply = engine_ask("我贷过三回创业担保贷款了 每回都按时还清的 今年想扩大规模 第四回还能贷不 还有贴息没得")
    lines = reply.splitlines()
    assert "不能再贷了" in lines[0] and "不能再贷了" in lines[1] and "贴息是一半" not in reply


def test_a_bank_refusing_for_a_large_consumer_loan(engine_ask):
    first = engine_ask("去镇上农商行问创业担保贷款 银行说我老婆在网上借了个消费贷六万块还没还完 所以现在不给我办"
                       " 这是不是银行故意刁难我 我该咋个办").splitlines()[0]
    assert first.startswith("会影响：超过5万元的消费贷算其他贷款")


def test_no_cap_on_training_days_is_written(engine_ask):
    first = engine_ask("脱贫户参加劳务品牌培训 那个一天五十的生活补贴 最多能补几天 我报的那个班要培训两个月 是不是两个月都有"
                       ).splitlines()[0]
    assert first.startswith("文件没有写最多补几天")
    assert "最多1000元" in engine_ask("脱贫户培训了20天 生活补贴都有吗").splitlines()[0]


def test_a_homophone_of_the_county_is_the_county(engine_ask):
    first = engine_ask("卢定的劳务公司 组织灾区劳动力 签了一年半 社保也交了 能拿300块一个人的补助不").splitlines()[0]
    assert first.startswith("泸定按每人300元算")


@pytest.mark.parametrize("question,office", [
    ("我儿子是二级肢体残疾 在泸定 听说有残疾人两项补贴 是好多钱一个月 去哪里申请 劳务品牌文件里面也写了残疾人 是不是就是这个", "民政局"),
    ("前年贷款买了个货车跑运输 车贷每个月六千多还不起了 能不能用创业担保贷款把车贷还了 或者政府有没有贴息", "协商延期"),
])
def test_out_of_scope_by_substance(engine_ask, question, office):
    reply = engine_ask(question)
    assert office in reply.splitlines()[0] and "出处" not in reply


def test_the_guarantee_loans_own_interest_is_no_debt_trouble(engine_ask):
    first = engine_ask("想问哈但保贷款的利息到底是哪个出 是政府全部贴西还是我自己也要出一部分 怕到时候还不起利息").splitlines()[0]
    assert "一半" in first


def test_a_key_written_twice_is_an_error(tmp_path):
    f = tmp_path / "scope.yaml"
    f.write_text("topics:\n  wages:\n    office: a\n  wages:\n    office: b\n", encoding="utf-8")
    with pytest.raises(KBError) as e:
        read_yaml(f)
    assert "scope.yaml" in str(e.value) and "line 4" in str(e.value) and "written twice" in str(e.value)


def test_the_brand_award_goes_to_the_brand_and_once(engine_ask):
    lines = engine_ask("我们合作社在泸州搞了个家政品牌 听说评上川字号能奖二十万 这个钱是奖给合作社还是分给我们每个家政阿姨"
                       " 是一次性给还是每年都给").splitlines()
    assert lines[0].startswith("奖给品牌，不是分给个人") and lines[1].startswith("只给一次")


def test_a_training_base_hears_the_bases_figures_first(engine_ask):
    first = engine_ask("我们是泸州一所民办职业培训学校 想申报劳务品牌高技能人才培训基地 评上国家级的话补好多 省级的呢").splitlines()[0]
    assert first.startswith("劳务品牌高技能人才培训基地") and "500万元" in first and "10万元" not in first
