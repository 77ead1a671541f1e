"""Rules from blind persona set 23 (tests/data/personas_23.yaml: long openings with relatives' facts), each failing
before its change: contracts of different lengths not counted are not the shortest for everyone (a false ❌ for
a broker owed 1,500元); 重庆算不算跨省 asks, it does not say no (a false ❌ for a worker in 重庆江津); the user's
own workplace in 泸州 beside a cousin's 重庆 (a false ✅); four hires by name; a training question beside a
collapsed house is no rebuilding question; a brother's days and 19年脱的贫 are not the user's training days."""

from __future__ import annotations

from bot.textnorm import normalise
from bot.understand import read_value
from bot.understand.facts import extract_facts

BROKER = ("卢定岚安乡的劳务经济人 今年3月份我又带了6个人去雅安一个建材厂上班 3个是脱贫户 2个是磨西那边地震灾区的 还有1个是我侄儿"
          " 侄儿只签了11个月 另外5个都签的一年整 2026年3月1号到2027年2月28号 社保厂里都给买了")


def test_different_contract_lengths_are_not_the_shortest_for_all():
    assert "contract_months" not in extract_facts(BROKER)
    assert extract_facts("组织了5个脱贫户 都签的半年")["contract_months"] == 6


def test_asking_whether_chongqing_counts_is_no_answer(engine):
    text = ("泸州合江县的 我屋是脱贫户 我今年3月就到重庆江津一个摩托车厂上班了 我姐在泸州城头上班"
            " 她说跨省的才有交通补助 重庆算不算跨省嘛 我能不能领")
    assert engine.dialogs.prefill(engine.flows["transport"], normalise(text)).get("cross") != "no"
    assert extract_facts(text)["cross"] == "yes"


def test_the_users_own_workplace_in_a_region_beside_a_cousins():
    text = ("卢定烹坝的脱平户 今年6月我跟到村头的人去泸州一个酒厂打工 签了两年合同 我老表在重庆上班 他说他领了交通补助"
            " 我是不是也能领那个交通补助")
    assert extract_facts(text)["cross"] == "no"
    assert extract_facts("泸州的 以前在泸州上班 现在去广东东莞打工了")["cross"] == "yes"


def test_hires_by_name():
    assert read_value("new_hires", "就是小王 小李 老陈 张嬢嬢") == 4
    assert read_value("new_hires", "是脱贫户 有社保") is None


def test_training_days_are_the_users_own():
    text = ("我是泸定冷碛镇的 2016年评的建档立卡 19年脱的贫 现在还是脱贫户 我兄弟去年在县上学了20天挖掘机 领了1000块生活补帖"
            " 今年9月25号到10月6号我去泸桥镇学了中式面点 请问我这回生活补帖能领好多钱")
    assert extract_facts(text)["days"] == 12
    assert read_value("days", "学了一年") == 365


def test_a_training_question_beside_a_collapsed_house(engine_ask):
    first = engine_ask("我是泸定磨西镇的 2022年地震我屋头房子垮了 但是我屋不是脱贫户 上个月我去县上学了民宿管理 一共10天"
                       " 我这个能不能也有生活费补贴").splitlines()[0]
    assert "灾后重建" not in first


def test_contract_lengths_of_new_hires_and_all_long_ones():
    f = extract_facts("纳溪做竹家具的厂 现在50个工人 去年新招了6个 都是退伍军人 其中3个签的半年合同 3个签的两年 新招人这条够不够")
    assert f["new_hires_qualifying"] == 3
    assert extract_facts("叙永的劳务公司 合同都签的一年多 有签两年的有签三年的 社保都买了")["contract_months"] >= 12
