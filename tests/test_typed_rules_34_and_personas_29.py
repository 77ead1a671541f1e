"""Rules from blind persona set 29 and blind answer set 33's successor (tests/data/personas_29.yaml,
blind_answers_34.yaml), each failing before its change: a household's 监测户 said of the father is the asker's
household's, 失业金我莫去办 is a denial and 扣失业保险 is a contribution, an age is no head count, a cousin's role is not
the asker's, a son's workplace and the village's hearsay are not where the asker works, a firm's hires said to be in
no group count for nothing, and the replies that answered a nearby question (泸字号's 20万, 至少一次, 刚好一年,
生活费加交通费, 扣身份证)."""

from __future__ import annotations

import re

import pytest

from bot.understand import extract_facts


@pytest.mark.parametrize("text, key, want", [
    ("泸定兴隆的 我今年二十二 我们屋头前年我老汉得了病纳入了监测户 不是脱贫户 上个月去江苏昆山电子厂上班了 合同签的两年", "poor", "monitored"),
    ("泸定兴隆的 我今年二十二 我们屋头前年我老汉得了病纳入了监测户 不是脱贫户 上个月去江苏昆山电子厂上班了 合同签的两年", "contract", None),
    ("每个月扣二十几块的失业保险 九月份厂子关了 失业金我莫去办 一分都莫领过 十一月十四号到今天在区上学叉车", "jobless_pay", "no"),
    ("失业金还在领 学了十天", "jobless_pay", "yes"),
    ("合江的 我是脱贫户 自己在网上找了个工作 我表哥是劳务经纪人 但是我这个是我自己找的 那这三百块能不能给我", "org", None),
    ("叙永的 屋头是脱贫户 儿子在广东东莞厂头上班 媳妇也在厂头 喊我过去帮他们带孙娃 村头说跨省的有交通补助 我这个能报不", "cross", None),
    ("合江县白沙的 屋头是脱贫户 下个礼拜去重庆江津一个服装厂 我儿子在成都上班三年了", "cross", "yes"),
    ("泸定县城开宾馆 员工十八个 今年新招了三个 都是跳槽过来的熟手 都签的两年合同 不是脱贫户 也不是退役军人大学生 就是普通打工的",
     "new_hires", 0),
])
def test_persona_29_facts(text, key, want):
    assert extract_facts(text).get(key) == want


def test_a_relatives_role_still_counts_when_asking_for_them():
    assert extract_facts("帮我老婆问一下 她是劳务经纪人 带了5个脱贫户", for_other=True).get("placed") == 5


@pytest.mark.parametrize("q, first_line", [
    ("泸洲的 我们公司去年评上了泸字号特色劳务品牌 听说有20万奖励 还没到账 找哪个问", r"^文件没有写泸字号的奖金"),
    ("泸州的劳务品牌企业 听说政府要保证每个工人都至少免费培训一次 是真的不", r"^不完全是"),
    ("泸州的劳务公司 组织脱贫户去企业上班 合同签的刚好12个月 一年整 1年以上 刚好一年算不算", r"^算：“1年以上”一般包括刚好1年"),
    ("泸定的脱贫户 培训的生活交通费补帖 是生活费一天50 交通费另外再给50 还是加起来50", r"^加起来最多50元"),
    ("劳务公司扣了我的身份证 还收了500押金 合法不 找哪个", r"劳动合同法.*劳动保障监察"),
    ("我有个车贷还差七万 想贷创业担保贷款 能贷好多", r"^(?!7万)"),
    ("泸定 我们两个退伍的想搞个电商项目 能不能进县上的双创基地孵化 场地要不要钱", r"房租减免"),
    ("泸定县里的国有劳务公司叫啥子名字 电话多少 我想报名出去打工", r"^文件没有写县级国有劳务公司的名字和电话"),
    # a son's workplace named is not where the asker works: no 算跨省 for him
    ("叙永的 屋头是脱贫户 儿子在广东东莞厂头上班 喊我过去帮他们带孙娃 村头说跨省的有交通补助 我这个能报不", r"^(?!算跨省)"),
])
def test_set_34_first_lines(engine_ask, q, first_line):
    first = engine_ask(q).splitlines()[0]
    assert re.search(first_line, first), first

