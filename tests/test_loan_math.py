"""bot/loan_math.py: the arithmetic a loan question calls for, from the asker's own numbers, with the later documents
named (knowledge/loan_math.yaml); enumerated over amounts and partner counts, not only examples."""

from __future__ import annotations

import pytest

from bot.loan_math import interest_line, load_rules, partners, partnership_line
from bot.models import Incoming
from bot.textnorm import normalise


@pytest.fixture(scope="module")
def rules(kb):
    return load_rules(str(kb.root))


@pytest.mark.parametrize("wan", [5, 10, 20, 29, 30, 31, 50])
def test_individual_subsidy_is_half_the_rate_on_the_part_up_to_30_wan(kb, rules, wan):
    line = interest_line(normalise(f"贷了{wan}万创业担保贷款 利率3.45 一年贴息好多"), kb.texts, rules)
    assert line is not None
    subsidy = min(wan, 30) * 10000 * 3.45 / 100 * 0.5
    assert f"约贴{subsidy:,.0f}元" in line or f"贴息约{subsidy:,.0f}元" in line
    assert ("超出的" in line) == (wan > 30) and "川财金〔2025〕30号" in line


def test_an_lpr_rate_with_basis_points_and_the_own_rate(kb, rules):
    line = interest_line(normalise("贷了20万 利率是LPR3.0加40个基点 我自己实际负担的利率是好多"), kb.texts, rules)
    assert line is not None and "年利率3.4%" in line and "约1.7%" in line


def test_a_firm_asking_whether_all_of_it_is_subsidised(kb, rules):
    assert str(interest_line(normalise("小微企业 贷了300万 是全部都有贴息还是只贴一部分"), kb.texts, rules)).startswith(
        "300万元整笔都有贴息")
    assert str(interest_line(normalise("公司贷了500万 是全部都有贴息不"), kb.texts, rules)).startswith("只贴一部分")
    # no rate and no question about the whole: nothing worked out (the rule's own line answers)
    assert interest_line(normalise("银行最高能收好多利息 政府给我贴多少 我准备贷20万"), kb.texts, rules) is None
    assert interest_line(normalise("我老公有个消费贷六万 影响不"), kb.texts, rules) is None


@pytest.mark.parametrize("text,n", [("我们三个老表合伙开农家乐", 3), ("我跟三个战友 四个人开了个合伙企业", 4),
                                    ("我跟两个朋友合伙", 3), ("两兄弟合伙开店", 2), ("我想一个人开店", None)])
def test_partners(text, n):
    assert partners(normalise(text)) == n


@pytest.mark.parametrize("n", range(2, 13))
def test_partnership_ceiling_is_110_percent_of_the_sum_within_the_firms(kb, rules, n):
    line = partnership_line(normalise(f"我们{n}个人合伙 能贷好多"), kb.texts, rules, "50万元", "600万元", "川财金〔2025〕30号")
    want = min(n * 50 * 1.1, 600)
    assert line is not None and f"最多约{want:g}万元" in line
    # the sum as worked out, then the cap: 12 × 50万 × 110% is 660万, not "=600万"
    assert f"{n}×50万×110%={round(n * 55, 2):g}万元" in line
    assert ("按600万元封顶" in line) == (n * 55 > 600)


def test_a_partnership_asking_for_more_than_it_can_have_is_told_no(kb, rules):
    line = partnership_line(normalise("我跟三个战友 四个人合伙 要250万 能不能贷250万"), kb.texts, rules, "50万元", "600万元",
                            "川财金〔2025〕30号")
    assert line is not None and line.startswith("贷不到250万") and "220万元" in line


async def test_the_figure_leads_the_reply(engine):
    replies = await engine.handle(Incoming(user_id="m", text="龙马潭开烧烤店的 去年贷了50万创业担保代款 银行利率是3.45 "
                                                              "我算的政府贴西一年就是50万乘3.45再除2 八千多块 对不对哦"))
    first = replies[0].text.splitlines()[0]
    assert "5,175元" in first and "30万元以内" in first


@pytest.mark.parametrize("text,rate", [("利率三点四五", 3.45), ("利率百分之三点五", 3.5), ("利率是百分之三", 3.0),
                                       ("利率3.45", 3.45), ("利率高不高", None)])
def test_a_rate_typed_in_chinese_numerals(text, rate):
    """Before: 银行说利率三点四五 got the rate rules instead of the 4,312元 a year it works out to."""
    from bot.loan_math import _rate

    assert _rate(text) == rate
