"""Rules from blind answer set 26 and persona set 21 (tests/data/), each failing before its change: loans counted
year by year add up (a fourth loan was let through as the second); a hire said after a split to be no group is
not counted (a firm one short was told 600万); a figure denied in a typed correction is not the answer (it kept
5 days, 250元 instead of 600元); the 川字号 award is Sichuan's, so an asker from 宜宾 hears yes first; what a
question asks of a measure (a proportion, recognition criteria, fees the text names, the workers' transport
amount asked by a broker) is what the first line answers; unpaid wages without the word 工资 and 公积金 typed
as 公基金 are out of scope."""

from __future__ import annotations

import pytest

from bot.understand import read_value
from bot.understand.slots import qualifying_hires


@pytest.mark.parametrize("text,times", [
    ("2018年贷了一回 2021年一回 2024年又贷了一回 都还清了", 3),
    ("去年贷了一次 前年也贷了一次", 2),
    ("贷过两回 一九年一回 二二年一回", 2),  # the total first, then each: not four
    ("2020年贷过一次", 1),
])
def test_loans_said_year_by_year_add_up(text, times):
    assert read_value("times", text) == times


def test_a_hire_said_afterwards_to_be_no_group_is_not_counted():
    text = "今年招了3个 2个是脱贫户 还有一个是我侄儿 他一直在县城上班 从别的厂跳过来的 啥子都不是"
    assert qualifying_hires(text) == 2 and read_value("new_hires", text) == 2
    assert read_value("new_hires", "招了5个 3个脱贫户 2个退伍军人") == 5


@pytest.mark.parametrize("slot,text,value", [
    ("days", "不是五天 是9月28号到10月9号 国庆都没放假", 12),
    ("times", "不是两次 是三次", 3),
    ("people", "不是3个 是2个", 2),
])
def test_a_denied_figure_is_not_the_answer(slot, text, value):
    assert read_value(slot, text) == value


async def test_a_typed_correction_of_the_days_on_a_later_question(talk):
    reply = await talk("u", "古蔺的脱贫户 在县上学了电工 生活费补贴一天50块那个 我能领好多", "拿到了", "五天",
                       "打错了 不是五天 是9月28号到10月9号 国庆都没放假", "今年没领过", "没领")
    assert "600元" in reply and "250元" not in reply


def test_the_chuanzihao_award_is_sichuans(engine_ask):
    reply = engine_ask("我们是宜宾屏山的一个劳务合作社 听说泸州那边评上川字号有20万 我们宜宾评上了有没有 是不是只有泸州才有")
    first = reply.splitlines()[0]
    assert first.startswith("有，不只泸州") and "川办发〔2022〕72号" in first and "屏山" in first
    assert "有自己的规定" not in reply
    away = engine_ask("我是安庆的 评上川字号有没有奖")  # outside 四川: their own place first
    assert away.splitlines()[0].startswith("这两份文件只管")


def test_agricultural_firms_levels_in_both_places(engine_ask):
    reply = engine_ask("我们公司是农业产业化龙头企业 在泸定和泸州都有种植基地 想申报特色劳务品牌企业 两边分别是从啥子级别起报")
    assert "州级及以上" in reply and "市级及以上" in reply and "没有相同内容" not in reply
    first = engine_ask("合江做荔枝的企业 跟周边小农户一起打造了个劳务品牌 能不能进省级农业品牌目录 咋个进").splitlines()[0]
    assert "区域性" in first and "推荐" in first and "到账" not in first


@pytest.mark.parametrize("question,first_has", [
    ("泸定县劳务品牌产业园区 用地指标安排好多比例 有没有具体数", "没有写具体比例"),
    ("我在泸州泸县办了一个家政服务公司 想申请认定区域性特色劳务品牌 认定需要达到什么标准 由哪个部门认定",
     "没有写认定（评选）的具体标准和条件"),
    ("泸州的养老院等级平定 评出来的等级有啥子用 跟收费有关系没得", "收费标准的重要依据"),
    ("我是泸定的劳务经纪人 带了几个脱贫户去浙江宁波的厂里 他们问那个跨省交通补助一个人能补好多",
     "文件没有写一次性交通补助的金额"),
])
def test_the_first_line_answers_the_part_asked(engine_ask, question, first_has):
    assert first_has in engine_ask(question).splitlines()[0]


def test_a_broker_asking_for_the_company_still_hears_who_gets_it(engine_ask):
    assert engine_ask("我是劳务经纪人 跨省交通补助能不能给我们公司").startswith("不是给公司的")


@pytest.mark.parametrize("question,office", [
    ("泸州古蔺的 在成都天府新区工地干了四个月 老板拖到现在一分钱没给 差我两万八 找哪个要", "劳动保障监察"),
    ("在泸州买房 住房公基金能贷好多 要交满几年才能贷", "12329"),
    ("我是泸定的 在浙江宁波一个厂里打工 手被机器压了 厂里不给报工伤 是回泸定办还是在宁波办", "用人单位所在地"),
])
def test_out_of_scope_by_substance(engine_ask, question, office):
    reply = engine_ask(question)
    assert office in reply.splitlines()[0] and "出处" not in reply


def test_the_slip_is_not_explained_twice(engine_ask):
    reply = engine_ask("我是宜宾人 今年跳槽到泸州一个电子厂 符合初级职称申报条件 绿色通道我能走不 文件上写的来沪优秀人才 是不是只有上海来的才行")
    assert reply.splitlines()[0].startswith("外地来泸州的也可以") and reply.count("笔误") == 1


@pytest.mark.parametrize("question,first_starts", [
    ("我们是泸州江阳的建筑劳务公司 有个劳务品牌 工人住宿困难得很 政府支不支持我们企业自己建保障性租赁住房", "支持：泸州文件写明支持劳务品牌企业建设保障性租赁住房"),
    ("我们是泸州高新区的电子厂 政府搞不搞劳务品牌专场招聘会 我们企业能不能自己办", "可以：泸州文件写的是"),
    ("我是从宜宾过来泸州打工的 租房太贵了 听说有保障性租赁住房 我个人咋个申请", "文件只写了支持劳务品牌企业建设保障性租赁住房"),
])
def test_the_clause_asked_of_a_long_measure(engine_ask, question, first_starts):
    assert engine_ask(question).startswith(first_starts)
