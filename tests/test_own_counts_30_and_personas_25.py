"""Rules from blind answer set 30 and persona set 25 (tests/data/blind_answers_30.yaml, personas_25.yaml), each
failing before its change: a school's sum for its poor trainees, a 泸定 broker's two groups added up (not the first
count alone), names with numeral characters (王二哥, 赵老三) that are no counts, two half-year contracts typed as
2个半年, 泸字号's 20万 presumption, a base's 300万 paid once, a worker from 泸定 in 新疆 asking where a station is,
and the person's loan check for a worker who wants to open a shop of their own."""

from __future__ import annotations

import re

import pytest

from bot.numerals import find_numbers
from bot.understand import read_value
from bot.understand.lexicon import load_lexicon
from bot.understand.slots import _durations, count_groups


def test_a_school_hears_the_sum_for_its_poor_trainees(engine_ask):
    first = engine_ask("你好 我们是泸州龙马潭区的一所职业培训学校 这期家政服务员班一共招了25个学员 其中8个是脱贫户 课程从3月10号上到3月21号"
                       " 想帮学员把培训期间那个生活交通费补贴一起报上去 按文件算一共最多能报好多钱").splitlines()[0]
    assert "8名脱贫学员×12天×50元=最多4800元" in first
    first = engine_ask("我们是泸州一家职业培训学校 报名的有30个脱贫户学员 培训15天 这批学员的生活交通费补贴一共最多好多钱").splitlines()[0]
    assert "22500元" in first
    # one trainee's household counted is no class: the asker's own days
    first = engine_ask("我家3个人都是脱贫户 我去培训了10天 一共能拿好多").splitlines()[0]
    assert "500元" in first and "1500" not in first


@pytest.mark.parametrize("text,want", [
    ("卢定的劳务公司 今年组织了8个脱贫户和5个地震灾区的劳动力去成都的建筑企业上班 那5个不是脱贫户 13个人都签了两年合同买了社保 就业创业服务补助一共能补好多",
     "3900元"),
    ("卢定的劳务公司 今年组织了8个脱贫户和5个地震灾区的劳动力去成都的建筑企业上班 都签了两年合同买了社保 一共能补好多", "3900元"),
    ("泸州的劳务公司 组织了8个脱贫户和5个地震灾区的劳动力去成都上班 都签了两年合同买了社保 一共能补好多", "8人×300元=2400元"),
])
def test_a_broker_hears_the_sum_of_the_groups_its_place_pays_for(engine_ask, text, want):
    first = engine_ask(text).splitlines()[0]
    assert want in first and "2400元" not in first.replace("8人×300元=2400元", "")


def test_people_named_again_are_not_counted_twice():
    lex = load_lexicon()
    assert count_groups("组织了8个脱贫户和5个地震灾区的劳动力 那5个不是脱贫户 13个人都签了两年合同", lex) == {"poor": 8, "disaster": 5}
    assert count_groups("组织了7个人 其中4个是脱贫人口 另外3个不是", lex) == {"poor": 4, "other": 3}
    assert count_groups("一所职业培训学校 一共招了25个学员 其中8个是脱贫户", lex) == {"poor": 8, "other": 17}


@pytest.mark.parametrize("text,values", [
    ("刘大姐 王二哥 陈幺妹 赵老三 周娃儿", []),
    ("三姐妹都是脱贫户", [3]),
    ("我有两个哥哥", [2]),
    ("老三个月", [3]),
    ("六个 王二娃 李幺妹 张大哥 陈三 杨老四 罗二姐 合同都签的两年", [6, 2]),
    ("高三", [3]),
])
def test_numeral_characters_in_what_people_are_called_are_no_counts(text, values):
    assert [n.value for n in find_numbers(text)] == values


@pytest.mark.parametrize("text", ["第一回贷 没贷过", "第一回贷款 以前没贷过", "头一次 没贷过"])
def test_a_first_loan_said_with_its_ordinal_is_none_before(text):
    assert read_value("times", text) == 0


def test_names_with_numerals_are_people_not_counts():
    assert read_value("placed", "刘大姐 王二哥 陈幺妹 赵老三 周娃儿 五个") == 5


def test_two_half_year_contracts_are_no_two_and_a_half_years():
    lex = load_lexicon()
    assert [d[0] for d in _durations("2个半年 1个两年", "contract_months", lex)] == [6.0, 24.0]
    assert [d[0] for d in _durations("两个半月", "contract_months", lex)] == [2.5]
    assert [d[0] for d in _durations("签了两年半", "contract_months", lex)] == [30.0]


def test_luzihao_has_no_twenty_wan_and_a_base_is_paid_once(engine_ask):
    first = engine_ask("泸洲的 我们的家政品牌刚评上泸字号 听说有20万奖金 好久发下来").splitlines()[0]
    assert first.startswith("文件没有写泸字号的奖金") and "川字号" in first
    first = engine_ask("我们是泸州的技工学校 要是评上省级的劳务品牌高技能人才培训基地 那个300万是每年都给还是只给一回").splitlines()[0]
    assert first.startswith("只给一次") and "300万元" in first


def test_a_worker_from_luding_in_xinjiang_is_not_told_he_is_from_xinjiang(engine_ask):
    reply = engine_ask("我是泸定的 在新疆阿克苏打工 听说有农民工服务站 新疆这边有没有我们泸定的站 在哪里")
    assert "您是新疆的" not in reply and "有：" not in reply
    assert "文件没有列出服务站在哪些地方" in reply


def test_a_returning_migrant_opening_a_guesthouse_hears_the_start_up_support(engine_ask):
    first = engine_ask("在浙江打了十几年工 今年回泸定想搞个民宿 返乡创业政府有哪些扶持 一条一条说下").splitlines()[0]
    assert "一次性创业补贴" in first and "创业担保贷款" in first


async def test_a_check_reads_two_half_year_contracts_and_one_of_two_years(talk):
    reply = await talk("g1", "古蔺的农家乐公司 20个员工 今年招了3个脱平户 想申请小微企业但保代款", "好的 帮我测一下", "是 小微企业",
                       "2个半年 1个两年")
    assert "签1年以上劳动合同的1人" in reply and "大概的数" not in reply


async def test_a_worker_who_wants_a_shop_of_his_own_gets_the_persons_check(talk):
    reply = await talk("j1", "泸洲龙马潭的 我在酒厂上班 正式工 想自己开个烧烤店 但保代款能贷好多", "好的 帮我测一下")
    assert "个人创业担保贷款" in reply.splitlines()[0]


async def test_a_longer_telling_of_the_same_facts_after_a_result_shows_it_again(talk):
    reply = await talk("m1", "泸洲合江的 我们屋头是监测户 不是脱贫户 我参加了十天的中式烹调师培训 那个一天50块的生活补帖 我能不能拿",
                       "拿到了", "不是脱贫户 是监测户 边缘易致贫户 2022年纳入的")
    assert "结果不变" in reply and "300元" not in reply


async def test_a_correction_of_the_insured_count_changes_that_count_not_the_people_placed(talk):
    reply = await talk("s1", "泸定劳务经济人 今年4月份带我们村几个人去成都一个食品厂上班 都是脱平户 一个人300那个补帖有没得", "好的 帮我测一下",
                       "六个 王二娃 李幺妹 张大哥 陈三 杨老四 罗二姐 合同都签的两年", "都交了", "说错了 社保只交了四个人的")
    assert "参加了社会保险的人数：4" in reply and "组织到企业就业的人数：4" not in reply
    assert "4人 × 300元 = 1,200元" in reply


# -- blind answer set 31 (tests/data/blind_answers_31.yaml: real traffic's mix) --------------------------------------
def test_a_husband_returning_to_open_a_shop_hears_whether_he_can_borrow(engine_ask):
    first = engine_ask("我老公在浙江打工 明年想回叙永开个修车铺 他能不能办创业担保贷款").splitlines()[0]
    assert first.startswith("可以申请") and "返乡创业农民工" in first and "会影响" not in first
    # the spouse's own loan still is the case that decides
    first = engine_ask("我老公名下有个二十万的经营贷还没还完 我还能申请创业担保贷款不").splitlines()[0]
    assert first.startswith("会影响")


def test_dates_of_a_training_give_the_days(engine_ask):
    first = engine_ask("我妈是脱贫户 在古蔺参加家政培训 11月3号到11月17号 生活补贴最多能拿好多").splitlines()[0]
    assert "15天最多750元" in first


def test_what_the_brand_name_is(engine_ask):
    first = engine_ask("红城工匠是啥子哦").splitlines()[0]
    assert first.startswith("“红城工匠”是泸定县") and "特色劳务品牌" in first


def test_organised_labour_export_for_a_worker(engine_ask):
    first = engine_ask("我老婆想去外省打工 泸定这边有没有组织出去的").splitlines()[0]
    assert first.startswith("有：") and "定向输出" in first


def test_an_age_in_passing_asks_about_an_age_limit(engine_ask):
    first = engine_ask("屋头老汉65了 脱贫户 还能去参加培训领生活补贴不").splitlines()[0]
    assert "没有写年龄限制" in first


def test_a_job_seeker_asking_for_a_job_fair_and_a_worker_asking_for_the_brokers_300(engine_ask):
    first = engine_ask("在吗 泸州最近有没有招聘会 想找个工作").splitlines()[0]
    assert first.startswith("文件没有写最近的招聘会") and "企业自己办" not in first
    first = engine_ask("我在雅安打工 听说介绍工作政府补300一个人 我自己找的工作能领不").splitlines()[0]
    assert "不是发给务工人员本人的" in first


def test_a_labour_firm_asking_about_its_brands_award_hears_the_award(engine_ask):
    first = engine_ask("泸定县的劳务公司 我们那个红城工匠砌筑工的牌子今年评上川子号了 省上有没得奖补 好多钱").splitlines()[0]
    assert "20万元" in first and "300元" not in first
    first = engine_ask("我是泸定的劳务经纪人 介绍了5个脱贫户进厂 都签了两年 社保也买了 能拿好多补助").splitlines()[0]
    assert "1500元" in first  # the organiser's own subsidy still


# -- blind persona set 26 (tests/data/personas_26.yaml) -----------------------------------------------------------
@pytest.mark.parametrize("text,times", [("莫贷过", 0), ("贷过三盘", 3), ("三盘 2017年 2020年 2023年各一盘", 3), ("一盘都没贷过", 0)])
def test_loans_counted_in_sichuanese(text, times):
    assert read_value("times", text) == times


def test_a_workplace_named_a_long_way_before_the_work_word():
    from bot.understand.facts import extract_facts

    text = "合江的 屋头是脱平户 我在重庆江津一个建筑公司的工地上做活路 离屋头近 那个跨省的交通补助我算不算"
    assert extract_facts(text)["cross"] == "yes"


def test_a_prefecture_brand_is_no_chuanzihao(engine_ask):
    first = engine_ask("泸定的 我们合作社搞的红城工匠品牌 评上了州上的圣洁甘孜劳务品牌 听说有20万的奖补 我们能领不").splitlines()[0]
    assert first.startswith("文件没有写“圣洁甘孜”") and "还不是川字号" in first
    assert not re.search(r"圣洁甘孜[^。，,；;]{0,20}20万", first)  # the 20万 is not said of the prefecture brand


async def test_a_corrected_total_takes_its_all_parts_along(talk):
    reply = await talk("c7", "叙永的劳务公司 组织脱贫户去宜宾的企业上班 合同都签的一年多 有签两年的有签三年的 社保都买了 补助咋个算",
                       "好的 帮我测一下", "七个", "不对 我数漏了 是九个")
    assert "9人 × 300元 = 2,700元" in reply  # not 7 of them still, worked out from the old total
