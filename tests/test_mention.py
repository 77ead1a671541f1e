"""有没有提到X / X在不在里头 is answered from the measure's full text (bot/mention.py): the summary leaves most listed
items out, so before, 有没有提到红色研学 got the summary without it, and 送外卖的算不算在里头 got the list of sectors."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answer import Answerer
from bot.mention import named_part


@pytest.fixture
def first_line(kb, matcher):
    a = Answerer(kb)

    def run(q: str) -> str:
        m = matcher.match(q)
        assert m.intent == "question" and m.measures, q
        return a.measures_reply(m, dt.date(2026, 12, 1))[0].text.splitlines()[0]

    return run


@pytest.mark.parametrize("question,says", [
    ("我们在泸定搞研学旅行的 红城工匠文件里头有没有提到大渡河超级工程景区 县上是往哪个方向搞", "有提到大渡河超级工程景区：第（五）条写了“以牛背山景区"),
    ("泸定的红城工匠文件里头有没有提到红色研学 这块归县上哪个部门", "有提到红色研学"),
    ("泸定县城跑外卖的 文件上写的快递物流 我们送外卖的算不算在里头", "文件没有写到外卖"),
])
def test_mentioned_or_not(first_line, question, says):
    assert says in first_line(question)


def test_the_longest_named_start():
    assert named_part("以牛背山景区、大渡河超级工程景区为重点", "大渡河超级工程景区县上是往哪个方向搞", True) == "大渡河超级工程景区"
    assert named_part("重点在制造业、建筑业、快递物流和家政服务", "外卖", False) is None
