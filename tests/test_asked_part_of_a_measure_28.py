"""Rules from blind answer set 28 (tests/data/blind_answers_28.yaml: the asker and the facet), each failing before
its change: whom the 50元/天 is paid to (the trainee, not the school), whom the training subsidy is paid to (the
documents do not say), and a care-home place for a father is out of scope."""

from __future__ import annotations


def test_the_living_subsidy_is_the_trainees(engine_ask):
    first = engine_ask("我们是泸定县的一家职业培训学校 这期学员里头有几个脱贫户 那个每人每天50块的生活交通费补贴是补给学员个人还是补给我们学校"
                       ).splitlines()[0]
    assert first.startswith("是给脱贫学员本人的") and "不是给培训学校的" in first


def test_whom_the_training_subsidy_is_paid_to_is_not_written(engine_ask):
    first = engine_ask("我们是泸州的白酒企业 组织员工考了酿酒师的职业技能等级证 这个职业培训补贴是发给企业还是发给员工个人").splitlines()[0]
    assert "没有写这笔钱是拨给培训机构还是发给学员本人" in first


def test_a_care_home_place_is_out_of_scope(engine_ask):
    reply = engine_ask("我爸八十多了 一个人在家 想把他送到泸定的敬老院 要好多钱一个月 找哪个办")
    assert "民政局" in reply.splitlines()[0] and "出处" not in reply


def test_a_broker_hears_the_sum_for_the_groups_the_clause_pays(engine_ask):
    luzhou = engine_ask("我们是泸州江阳区的劳务公司 这次组织了12个人进厂 都签了两年合同买了社保 其中7个是脱贫户 另外5个是普通农民"
                        " 按300一个人的服务补助我们能拿好多").splitlines()[0]
    assert "7人×300元=2100元" in luzhou
    luding = engine_ask("我是泸定的劳务经纪人 组织了8个人 其中3个是脱贫户 2个是灾区的 另外3个是普通农民 都签了两年 社保也买了 能拿好多"
                        ).splitlines()[0]
    assert "5人×300元=1500元" in luding
