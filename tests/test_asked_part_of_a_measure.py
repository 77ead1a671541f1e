"""Rules from answer sets 18 and 19 (tests/data/blind_answers_18.yaml, blind_answers_19.yaml), each failing before
its change: the part of a measure asked (who runs the training, a level the award does not pay, whether a loan is
only for brand members) answers the first line; a setting (修房子) is no topic when the question is about another
(公积金 取出来)."""

from __future__ import annotations


def test_who_runs_the_training_is_answered_by_the_providers(engine_ask):
    first = engine_ask("泸定这边劳务品牌培训是哪些地方在搞 我想学藏餐 去哪里报名").splitlines()[0]
    assert "职业院校" in first and "培训机构" in first and "人社局" in first
    first = engine_ask("泸州的劳务品牌培训是哪些学校在搞").splitlines()[0]
    assert "培训机构" in first and "职业院校" in first


def test_a_county_level_studio_hears_the_documents_pay_only_higher_levels(engine_ask):
    reply = engine_ask("县级技能大师工作室有没有补助 好多钱")
    first = reply.splitlines()[0]
    assert "没有写县级" in first and "国家级、省级" in first
    assert "泸定文件没有写" in reply
    # a national one still hears the amounts
    assert "10万元" in engine_ask("泸州的技能大师工作室评上国家级的补好多").splitlines()[0]


def test_the_loan_is_not_only_for_brand_members(engine_ask):
    first = engine_ask("我就是个开面馆的 不是啥子劳务品牌的人 创业担保贷款是不是就莫得资格了").splitlines()[0]
    assert first.startswith("不是") and "50万元" in first


def test_a_house_being_built_is_no_building_question_when_asking_about_the_housing_fund(engine_ask):
    first = engine_ask("公司给我交了五年住房公积金 我在泸定农村修房子 能不能取出来用 咋个取").splitlines()[0]
    assert "公积金管理中心" in first
    first = engine_ask("我在泸定农村想在自家宅基地上重新修房子 要办啥子审批 找哪个").splitlines()[0]
    assert "乡镇人民政府" in first


def test_two_regions_stating_the_same_figure_say_so_first(engine_ask):
    reply = engine_ask("泸州那边和我们泸定 给村集体经济搞劳务品牌安排的新增建设用地指标是不是一样的 各是百分之几")
    assert reply.splitlines()[0].startswith("两地写的比例一样，都是5%")
    first = engine_ask("泸州和泸定的劳务经纪人补助是不是一样的").splitlines()[0]
    assert "金额一样" in first and "300元" in first
    # different sums are never called the same
    assert "一样" not in engine_ask("泸定和泸州的技能大师工作室补助一样不").splitlines()[0]
