"""Rules from blind answer set 22 (tests/data/blind_answers_22.yaml), each failing before its change: a broker's
count of 灾区劳动力 in 泸定 gives the sum; a firm short of the hiring share hears that before the ceiling; a spread
typed over LPR (LPR加一百个基点) is held against the LPR+50BP cap, never read as a 1 % rate; a brand's term and
who awards it are the brand's, not the document's."""

from __future__ import annotations


def test_a_brokers_count_of_disaster_area_workers_gives_the_sum(engine_ask):
    first = engine_ask("我是泸定得妥的劳务经济人 今年组织了七个灾区的劳动力去成都的建筑公司 都签了两年合同买了社保"
                       " 他们都不是脱贫户 这种有没有服务补助 能拿好多").splitlines()[0]
    assert "7人最多2100元" in first


def test_a_firm_short_of_the_hiring_share_hears_it_first(engine_ask):
    first = engine_ask("泸州龙马潭的 我们是做酒瓶包装的小厂 现在一百二十个工人 去年新招了五个 都是返乡农民工和脱贫户"
                       " 签的两年合同 想申请企业的创业担保贷款 最多贷好多 我们这个条件够不够").splitlines()[0]
    assert first.startswith("招人这一条还不够") and "120人即6人" in first and "600万元" in first


def test_a_spread_over_lpr_is_held_against_the_cap(engine_ask):
    first = engine_ask("江阳区的 银行给我批了创业但保贷款二十万 合同上利率写的LPR加一百个基点 我看网上说不能超过加五十"
                       " 银行是不是多收了").splitlines()[0]
    assert first.startswith("超过了上限") and "LPR+100BP" in first and "1%" not in first
    assert engine_ask("创业担保贷款 银行说利率是LPR加30个基点 合理不").startswith("没有超过")


def test_a_brands_term_is_the_brands_not_the_documents(engine_ask):
    first = engine_ask("我们江阳的家政公司去年评上了泸字号 这个牌子是终身的还是管几年 要不要每年重新评").splitlines()[0]
    assert first.startswith("不是终身的") and "有效期3年" in first and "2026年12月16日" not in first
