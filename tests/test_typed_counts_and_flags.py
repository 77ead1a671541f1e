"""Typed readings from blind persona set 9 (tests/data/personas_9.yaml), written before the code change: forty-odd
(四十好几个) put right by an exact figure (花名册上准确是四十八个), "two weeks and a bit" (两个礼拜多点) as approximate,
dates with 一直 between them, a group split typed after a total (二十个人 … 十四个脱贫户 六个普通的), loans the rule does
not count (房贷, a 花呗 of 两万多), and negated yes-phrases (没拖欠工资, 莫得拖欠)."""

from __future__ import annotations

import pytest

from bot.models import Incoming
from bot.understand import ASK, extract_facts, read_value

VALUES = [
    ("staff", "四十好几个 花名册上准确是四十八个", 48),
    ("staff", "四十好几个", ASK),
    ("days", "两个礼拜多点", ASK),
    ("days", "二十天出头", ASK),
    ("days", "两个多礼拜 准确是十六天", 16),
    ("days", "十月二十八号开始上的课 一直上到十一月十五号结业 周六周天都在上 一天都没断", 19),
    ("days", "学了十四天", 14),
]


@pytest.mark.parametrize("slot,text,expect", VALUES)
def test_typed_values(slot, text, expect):
    assert read_value(slot, text) == expect


FLAGS = [
    ("没有拖欠工资", "arrears", "no"),
    ("没拖欠工资 也没欠社保", "arrears", "no"),
    ("莫得拖欠 工资社保都按时的", "arrears", "no"),
    ("我们从来不拖欠工资", "arrears", "no"),
    ("有拖欠工资", "arrears", "yes"),
    ("没有逾期", "repaid", "yes"),
    ("有过逾期", "repaid", "no"),
    ("我名下有个房贷 我老婆有个花呗欠了两万多 别的莫得", "other_loans", "no"),
]


@pytest.mark.parametrize("text,key,expect", FLAGS)
def test_flags(text, key, expect):
    assert extract_facts(text).get(key) == expect


def test_unknown_is_no_fact():
    assert "jobless_pay" not in extract_facts("失业金不晓得")
    assert "insured" not in extract_facts("没欠社保")  # arrears, not whether they are insured


async def _talk(engine, user: str, *lines: str) -> str:
    out = ""
    for line in lines:
        out = "\n".join(r.text for r in await engine.handle(Incoming(user, line)))
    return out


async def test_a_split_typed_after_a_total_decides_the_count(engine):
    """Before, the 20 said in the opening stayed: 6,000元 for an agency whose 6 workers were not 脱贫人口."""
    first = await _talk(engine, "a", "纳溪大渡口的人力资源公司 今年组织了二十个人进宜宾的电池厂 合同都是一年 社保都交了 补助能拿好多")
    assert "300元" in first.splitlines()[0]  # the agency's own money, not the workers' fare
    result = await _talk(engine, "a", "好的 帮我测一下", "十四个脱贫户 六个普通的", "不清楚")
    assert "14人 × 300元 = 4,200元" in result
    assert "6,000" not in result


async def test_exempt_loans_do_not_fail_a_borrower(engine):
    """Before: ❌ for a borrower whose only loans are a 房贷 and the wife's 花呗 of 两万多, both not counted."""
    result = await _talk(engine, "b", "泸县的 登记失业人员 想申请个人创业担保贷款", "好的 帮我测一下",
                         "我名下有个房贷 我老婆有个花呗欠了两万多 别的莫得", "从来没贷过")
    assert "✅" in result and "❌" not in result
