"""Rules from blind persona set 31 (tests/data/personas_31.yaml), each failing before its change: a cousin's place is
not the asker's region (and 泸订 is 泸定); a friend's role is not the asker's, 一个人补三百 is money, not 300 people;
a wage range and a fee per head are no head counts, the split 七个是脱贫户 三个不是 is read and 泸州 pays for the
seven; the staff said before the hires and a father repeating them are no hires; a clause that only tells (我们收了
企业两百的服务费) asks nothing; a clause of lengths with no count pairs nothing."""

from __future__ import annotations

from bot.understand import count_qualifying, extract_facts, read_value

AGENCY = ("我们是江阳区的一家人力资源公司 有营业执照和人力资源服务许可证 今年帮叙永古蔺那边的人介绍到龙马潭一个酒厂和一个电子厂上班 "
          "一共介绍了十个 七个是脱平户 三个不是 一个月工资四千二到五千 厂里给十个都买了社报 我们收了企业一个人两百的服务费 "
          "听说帮脱贫户找工作政府一个人补三百 我们能拿好多")


def test_a_cousins_place_is_not_the_askers_region():
    f = extract_facts("新兴乡的劳务经纪人 带了六个人去成都 我表弟在泸州也当经济人 他说只有脱贫户才有三百 我这种到底有莫得")
    assert f.get("region") is None
    assert extract_facts("泸订县新兴乡的 劳务经纪人")["region"] == "luding"


async def test_a_hotel_that_hired_itself_is_no_broker_and_no_300_people(talk):
    out = await talk("h1", "海螺沟磨西这边我开了个四十二间房的酒店 今年旺季自己在网上和村上招了五个脱平户来做客房和厨房 都签了三年的合通 "
                           "社报也都给他们买了 我听我一个当劳务经济人的朋友说帮脱贫户找工作签一年以上合同买了社保一个人补三百 "
                           "我们酒店自己招的脱贫户也签了合同买了社保 是不是也能按一个人三百补 五个就是一千五")
    assert out.startswith("不是给用工企业的")
    out = await talk("h1", "好的 帮我测一下")
    assert "劳务经纪人" not in out.split("。")[1] and "300人" not in out


def test_an_agencys_story_is_told_and_its_question_answered(engine_ask):
    out = engine_ask(AGENCY)
    assert out.startswith("按脱贫人口算，最多7人×300元=2100元")


def test_the_staff_and_a_father_repeating_are_no_hires():
    text = ("江阳区开了个做广告印刷的小公司 在职十二个人 去年营业额一百六十来万 今年想贷八十万买台大的喷绘机 这一年新招了两个 "
            "一个退伍军人签的三年 一个是从别的广告公司跳槽过来的签的两年 我老汉说新招的有两个 十二个人的百分之十才一点二 两个肯定够了 能不能贷")
    assert read_value("new_hires", text) == 1
    assert read_value("new_hires", "今年招了3个 2个是脱贫户 还有一个是我侄儿 从别的厂跳过来的 啥子都不是") == 2


def test_lengths_said_without_a_count_pair_nothing():
    assert count_qualifying("十二个签的一年以上 有两年的也有一年的 另外三个签的半年", 12, 15) == 12


def test_set_36_answers_the_point_asked(engine_ask):
    assert "人才管理库" in engine_ask("泸定的 我前年考了个中式烹调师四级证 听说有证的可以录到县上的人才库头 录进去有啥子用 要自己去报不").splitlines()[0]
    assert engine_ask("泸州纳溪的 我前几年信用卡逾期过几次 征信有污点 现在还能申请创业代款不").startswith("文件没有写征信方面的要求")
    assert engine_ask("叙永的 我想把屋头十几亩地流转给合作社 租金一年一亩好多合适 合同咋个签 找哪个").startswith("土地流转找乡镇")
    # (a 2024 loan is not lifted: the 50万 is for loans newly issued from 2025-04-01)
    assert engine_ask("龙马潭的 我2024年6月贷了30万创业担保贷款 还没到期 现在听说上限提到50万了 我这笔能不能直接加到50万").startswith(
        ("文件没有写已经贷了的能不能再补贷", "已经贷的那笔不会跟着涨"))


async def test_everyone_insured_and_signed_is_all_seven_after_a_correction(talk):
    await talk("c1", AGENCY)
    await talk("c1", "好的 帮我测一下")
    await talk("c1", "签的半年")
    out = await talk("c1", "说错了 半年那个是上一批 这回十个都签的一年整 今年十月一号签到明年九月三十号")
    assert "7人 × 300元 = 2,100元" in out and "3,000元" not in out


async def test_all_of_everyone_typed_to_the_contract_question_is_all_seven(talk):
    await talk("c2", AGENCY)
    await talk("c2", "好的 帮我测一下")
    out = await talk("c2", "十个都签的两年")
    assert "0到7之间" not in out and "7人 × 300元 = 2,100元" in out


def test_last_years_batch_is_not_this_years_count():
    f = extract_facts("我是泸定县国有劳务公司的 今年8月我们组织了12个脱贫户去广东东莞的电子厂 厂里跟他们签的合同是2026年8月1号到2027年6月30号 "
                      "社保也交了 去年那批20个人签的两年 已经领过6000的补助")
    assert f["placed"] == 12 and f.get("contract") != 20
