"""Rules from blind persona set 29 and blind answer set 33's successor (tests/data/personas_29.yaml,
blind_answers_34.yaml), each failing before its change: a household's 监测户 said of the father is the asker's
household's, 失业金我莫去办 is a denial and 扣失业保险 is a contribution, an age is no head count, a cousin's role is not
the asker's, a son's workplace and the village's hearsay are not where the asker works, a firm's hires said to be in
no group count for nothing (set 34's first lines are in test_blind_first_lines_33_34.py)."""

from __future__ import annotations

import pytest

from bot.understand import extract_facts


@pytest.mark.parametrize("text, key, want", [
    ("泸定兴隆的 我今年二十二 我们屋头前年我老汉得了病纳入了监测户 不是脱贫户 上个月去江苏昆山电子厂上班了 合同签的两年", "poor", "monitored_only"),
    ("泸定兴隆的 我今年二十二 我们屋头前年我老汉得了病纳入了监测户 不是脱贫户 上个月去江苏昆山电子厂上班了 合同签的两年", "contract", None),
    ("每个月扣二十几块的失业保险 九月份厂子关了 失业金我莫去办 一分都莫领过 十一月十四号到今天在区上学叉车", "jobless_pay", "no"),
    ("失业金还在领 学了十天", "jobless_pay", "yes"),
    ("合江的 我是脱贫户 自己在网上找了个工作 我表哥是劳务经纪人 但是我这个是我自己找的 那这三百块能不能给我", "org", None),
    ("叙永的 屋头是脱贫户 儿子在广东东莞厂头上班 媳妇也在厂头 喊我过去帮他们带孙娃 村头说跨省的有交通补助 我这个能报不", "cross", "not_work"),
    ("合江县白沙的 屋头是脱贫户 下个礼拜去重庆江津一个服装厂 我儿子在成都上班三年了", "cross", "yes"),
    ("泸定县城开宾馆 员工十八个 今年新招了三个 都是跳槽过来的熟手 都签的两年合同 不是脱贫户 也不是退役军人大学生 就是普通打工的",
     "new_hires", 0),
])
def test_persona_29_facts(text, key, want):
    assert extract_facts(text).get(key) == want


def test_a_relatives_role_still_counts_when_asking_for_them():
    assert extract_facts("帮我老婆问一下 她是劳务经纪人 带了5个脱贫户", for_other=True).get("placed") == 5
