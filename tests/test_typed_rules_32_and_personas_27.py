"""Rules from this session's blind sets (tests/data/blind_answers_32.yaml, personas_27.yaml) and the failures the
earlier sets left open, each failing before its change: a 圣洁甘孜 (州级) brand has a choice of its own in the awards
check (it was asked 川字号's questions, where 评上了 read as created), the insured count's own clause decides it (只有四个
交了社宝 王二娃和李幺妹还没给买 is four insured, not none), and a typed correction naming 社保 changes the insured count,
not the people placed."""

from __future__ import annotations

import pytest

from bot.understand.slots import subset_count


async def test_a_prefecture_brand_gets_its_own_choice_in_the_awards_check(talk):
    reply = await talk("g1", "泸定的 我们合作社搞的红城工匠品牌 评上了州上的圣洁甘孜劳务品牌 听说有20万的奖补 我们能领不", "好的 帮我测一下")
    assert "项目：圣洁甘孜（州级）劳务品牌" in reply
    assert "圣洁甘孜品牌不能申请这一笔" in reply and "✅" not in reply


@pytest.mark.parametrize("text,total,want", [
    ("只有四个交了社宝 王二娃和李幺妹厂头还没给买", 6, 4),
    ("说错了 王二娃和李幺妹的社宝厂头还没买 只交了四个人的", 6, 4),
    ("有四个 没交", 6, 2),
    ("有三个还没买", 6, 3),
    ("都交了 只有两个没交", 6, 4),
    ("没交的有3个 其他都交了", 6, 3),
    ("另外两个他们自己不要交 厂里就没交", 6, 4),
    ("六个人 社保都交了", 6, 6),
])
def test_the_insured_count_is_read_from_its_own_clause(text, total, want):
    assert subset_count(text, total) == want


async def test_a_correction_naming_insurance_changes_the_insured_not_the_people_placed(talk):
    start = ("泸定劳务经济人 今年4月份带我们村几个人去成都一个食品厂上班 都是脱平户 一个人300那个补帖有没得", "好的 帮我测一下",
             "六个 王二娃 李幺妹 张大哥 陈三 杨老四 罗二姐 合同都签的两年")
    reply = await talk("s2", *start, "都交了", "说错了 王二娃和李幺妹的社宝厂头还没买 只交了四个人的")
    assert "参加了社会保险的人数：4" in reply and "4人 × 300元 = 1,200元" in reply
    reply = await talk("s3", *start, "都交了", "说错了 有两个没买社保")
    assert "4人 × 300元 = 1,200元" in reply
    reply = await talk("s4", *start, "只有四个交了社宝 王二娃和李幺妹厂头还没给买")
    assert "4人 × 300元 = 1,200元" in reply and "❌" not in reply
