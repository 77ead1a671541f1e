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


def test_blind_answers_20_rules(engine_ask):
    """Set 20: a relative's certificate typed before a question about it is hers (no "证还没拿到"); ordinary
    workers placed hear the 300元 is not for them; veterans, marriage and road conditions have their offices;
    an asker from a county outside both hears that first; a document ending soon says so."""
    first = engine_ask("江阳区的 我婆娘考了个专项职业能力证书 泸州白酒酿造那种 这个证有没得培训补贴嘛").splitlines()[0]
    assert first.startswith("有") and "还没拿到" not in first
    first = engine_ask("我在叙永当劳务经济人 介绍了八个普通农村劳动力去宜宾上班 签了两年合同买了社保 每个人的三百块补助我能拿不").splitlines()[0]
    assert first.startswith("不能") and "脱贫人口" in first
    assert "退役军人事务局" in engine_ask("我是退伍兵 刚回古蔺 退役军人有啥子优待 找哪个").splitlines()[0]
    assert "婚姻登记处" in engine_ask("我跟女朋友想扯结婚证 她是云南的户口 在泸定能办不 要带啥子").splitlines()[0]
    assert "12122" in engine_ask("明天想从泸定开车去成都 二郎山隧道那一截堵不堵 路好不好走").splitlines()[0]
    assert "您是石棉的" in engine_ask("雅安石棉县的 我们县的劳务品牌叫啥子名字 有啥子政策").splitlines()[0]
    assert "退役军人" in engine_ask("我是退伍军人 想创业 能贷好多").splitlines()[0]  # the loan, not the office


def test_validity_names_the_start_date_as_such(engine_ask):
    first = engine_ask("泸州这个二十三条到好久过期哦").splitlines()[0]
    assert "2023年12月17日起实施" in first and "印发" not in first and "2026年12月16日" in first


def test_a_figure_quoted_from_the_document_is_not_the_sum_wanted(engine_ask):
    first = engine_ask("我们厂子二十几个工人 泸州文件写的小微企业创业担保贷款四百万 现在到底能贷好多").splitlines()[0]
    assert "600万元" in first and "在额度以内" not in first
    assert engine_ask("听说个人能贷50万 我想贷60万 行不行").startswith("不能一次贷60万")


def test_where_a_park_is_and_whether_rules_are_out_are_left_open(engine_ask):
    assert "没有写现在有哪些、具体在什么位置" in engine_ask("泸定现在有没得劳务品牌产业园 在哪个位置").splitlines()[0]
    assert "没有写是否已经出台" in engine_ask("泸州文件上说各区县要出实施细则 我们纳溪区出了没有").splitlines()[0]
