"""Rules from blind answer set 22 (tests/data/blind_answers_22.yaml), each failing before its change: a broker's
count of 灾区劳动力 in 泸定 gives the sum; a firm short of the hiring share hears that before the ceiling; a spread
typed over LPR (LPR加一百个基点) is held against the LPR+50BP cap, never read as a 1 % rate; a brand's term and
who awards it are the brand's, not the document's."""

from __future__ import annotations

import pytest


def test_a_brokers_count_of_disaster_area_workers_gives_the_sum(engine_ask):
    first = engine_ask("我是泸定得妥的劳务经济人 今年组织了七个灾区的劳动力去成都的建筑公司 都签了两年合同买了社保"
                       " 他们都不是脱贫户 这种有没有服务补助 能拿好多").splitlines()[0]
    assert "7人最多2100元" in first


def test_a_firm_short_of_the_hiring_share_hears_it_first(engine_ask):
    first = engine_ask("泸州龙马潭的 我们是做酒瓶包装的小厂 现在一百二十个工人 去年新招了五个 都是返乡农民工和脱贫户"
                       " 签的两年合同 想申请企业的创业担保贷款 最多贷好多 我们这个条件够不够").splitlines()[0]
    assert first.startswith("招人这一条还不够") and "120人即6人" in first and "600万元" in first


def test_a_spread_over_lpr_is_held_against_the_cap(engine_ask):
    first = engine_ask("江阳区的 银行给我批了创业但保贷款二十万 合同上利率写的LPR加一百个基点 我看网上说不能超过加五十"
                       " 银行是不是多收了").splitlines()[0]
    assert first.startswith("超过了上限") and "LPR+100BP" in first and "1%" not in first
    assert engine_ask("创业担保贷款 银行说利率是LPR加30个基点 合理不").startswith("没有超过")


def test_a_brands_term_is_the_brands_not_the_documents(engine_ask):
    first = engine_ask("我们江阳的家政公司去年评上了泸字号 这个牌子是终身的还是管几年 要不要每年重新评").splitlines()[0]
    assert first.startswith("不是终身的") and "有效期3年" in first and "2026年12月16日" not in first


def test_a_false_presumption_about_village_land_is_corrected(engine_ask):
    first = engine_ask("听别个说劳务品牌政策规定每个村都要划百分之五的地给劳务品牌用 我们村有两百亩地 是不是要拿十亩出来"
                       ).splitlines()[0]
    assert first.startswith("不是") and "新增建设用地指标" in first


def test_farm_power_is_for_facilities_in_the_countryside(engine_ask):
    assert engine_ask("我在泸州城头工业园区开了个白酒包装车间 也是劳务品牌企业 电费能不能按农业生产用电算").startswith("按文件不能")
    assert engine_ask("泸县的 我在村头修了个冷库 存枇杷和桂圆的 供电所一直按商业电价收我电费 听说有政策可以按农业用电 是真的不"
                      ).startswith("是真的")


def test_land_compensation_is_out_of_scope_with_its_office(engine_ask):
    first = engine_ask("修高速路要征我们屋头三亩地 补偿款一亩好多 对补偿不满意找哪个").splitlines()[0]
    assert "自然资源" in first and "12333" not in first


def test_skilled_workers_may_seek_titles(engine_ask):
    first = engine_ask("我在泸州一个化工厂 已经是高级技师了 技能人才能不能去评工程师职称 还是说只有搞技术的才评得了").splitlines()[0]
    assert first.startswith("可以") and "职称评聘" in first


def test_tourism_brand_award_and_the_chuanzihao_award(engine_ask):
    assert engine_ask("我们是叙永的川字号劳务品牌 准备去评天府旅游名牌 评上了省上奖好多钱 有没有啥子标准").startswith("文件没有写")
    first = engine_ask("叙永的苗绣合作社 我们的苗绣品牌今年评上川字号特色劳务品牌了 能不能去参加天府旅游名牌评选"
                       " 评上川字号本身有没有奖励").splitlines()[0]
    assert "天府旅游名牌" in first and "20万元" in first



def test_a_spouses_second_loan_is_not_needed_within_the_ceiling(engine_ask):
    first = engine_ask("我在广东东莞电子厂干了八年 今年回古蔺老家想开个竹编加工坊 算了一下要四十万左右 听村头说创业代款一个人"
                       "最多三十万 是不是要我婆娘也去贷一笔凑起 我一个人贷四十万得不得行").splitlines()[0]
    assert first.startswith("40万在额度以内") and "配偶" in first


def test_the_chuanzihao_award_needs_no_county_share(engine_ask):
    reply = engine_ask("川字号那个二十万奖补 是市上财政出还是省上出 是不是要我们区县配套")
    assert "省上出" in reply.splitlines()[0] and "没有写要区县配套" in reply


def test_the_shanghai_slip_decides_who_counts(engine_ask):
    first = engine_ask("文件第七条写的来沪优秀人才可以走绿色通道评职称 沪不是上海吗 是不是只有从上海过来的人才算"
                       " 我从贵州毕节过来的算不算").splitlines()[0]
    assert first.startswith("外地来泸州的也可以，不是只有上海来的") and "笔误" in first and "中初级" in first



def test_a_consumer_dispute_is_out_of_scope_with_its_office(engine_ask):
    first = engine_ask("我在镇上店头买了个电瓶车 骑了一个礼拜就坏了 老板不给换 说是我骑坏的 这个找哪个").splitlines()[0]
    assert "12315" in first and "12333" not in first


def test_a_poverty_microloan_does_not_bar_the_loan(engine_ask):
    first = engine_ask("我屋头是脱平户 前年贷了五万块的脱贫小额信贷还没还完 今年想在合江开个修车铺 听别个说身上有贷款就不能"
                       "再申请创业但保代款了 是不是真的").splitlines()[0]
    assert first.startswith("不影响") and "小额信贷" in first


def test_the_askers_interest_from_an_amount_typed_before_the_loan(engine_ask):
    first = engine_ask("叙永的 我拿了三十万创业但保贷款开农资店 合同上年利率百分之三点一 听说政府贴一半 那我自己一年要出好多利息"
                       ).splitlines()[0]
    assert "4,650元" in first and "1.55%" in first



def test_the_document_running_out_is_answered_first(engine_ask):
    first = engine_ask("我是泸州纳溪的脱贫户 报了明年一月份的培训 泸州那个二十三条是不是要到期了 到时候培训一天五十块的生活补帖还有没有"
                       ).splitlines()[0]
    assert "2026年12月16日" in first


def test_publicity_and_credit_loans_by_their_own_words(engine_ask):
    assert "市人社局牵头" in engine_ask("我是合江拍短视频的 想拍我们村竹编匠人 市上宣传劳务品牌是哪个部门牵头 有没有拍片子这些计划")
    assert "无抵押" in engine_ask("我们是泸定的劳务专业合作社 资信一直好 想找银行贷点款周转 莫得抵押物也莫得人担保 能不能贷"
                               ).splitlines()[0]


# blind answer sets 20 and 21: a firm's conditions and ceiling together
def test_a_firm_asking_the_ceiling_and_conditions_hears_both(engine_ask):
    first = engine_ask("合江的 我们厂子做竹编的 二十几个工人 泸州文件写的小微企业创业担保贷款四百万 现在到底能贷好多"
                       " 要满足啥子条件").splitlines()[0]
    assert first.startswith("小微企业现在最高600万元") and "10%" in first
    first = engine_ask("我们在泸定磨西开藏家乐 公司有三十个员工 去年新招了四个脱贫户签的两年合同 想申请企业创业担保贷款"
                       " 最多能贷好多 我们够不够条件").splitlines()[0]
    assert first.startswith("招人这一条够") and "600万元" in first


def test_a_brokers_qualification_is_not_written(engine_ask):
    first = engine_ask("我想在村头当劳务经纪人 帮老乡找活路 要不要考啥子证 要啥子资格").splitlines()[0]
    assert "文件没有写当劳务经纪人要什么证或资格" in first


def test_a_split_by_group_is_not_paid_for_everyone_placed(engine_ask):
    first = engine_ask("我是泸定的劳务经纪人 今年带了七个人去成都的厂头上班 三个脱贫户 两个是磨西地震受灾的 还有两个是县城的娃儿"
                       " 那个三百块一个的补助能拿好多").splitlines()[0]
    assert "2100元" not in first


# blind answer set 24 (tests/data/blind_answers_24.yaml)
def test_short_contracts_of_disaster_area_workers_are_not_paid(engine_ask):
    first = engine_ask("我是泸定的劳务经济人 今年三月份带了五个地震灾区的老乡去成都工地上 老板只跟他们签了半年的合同 社保倒是买了的"
                       " 我想问下这种能按三百块一个人领补助不").splitlines()[0]
    assert "1500元" not in first and "不" in first


def test_no_minimum_training_days_and_no_ticket_rule_are_written(engine_ask):
    assert engine_ask("脱贫户参加培训要满好多天才有生活补贴 培训三天的算不算").startswith("文件没有写培训最少要几天")
    first = engine_ask("我是合江的脱贫户 今年开春跟到村头几个人一起去浙江宁波的电子厂打工 厂里包吃住 签了三年合同"
                       " 听村上说跨省打工有个一次性的交通补助 我想问能补好多钱 车票要不要留起").splitlines()[0]
    assert first.startswith("文件没有写交通补助的金额") and "车票" in first


def test_a_childs_school_transfer_is_out_of_scope(engine_ask):
    first = engine_ask("我们两口子在浙江打工 想把娃儿转回泸州江阳区读初二 要办啥子手续").splitlines()[0]
    assert "教育局" in first


# blind answer set 25 (tests/data/blind_answers_25.yaml)
def test_asking_whether_a_loan_can_run_five_years_is_the_term(engine_ask):
    first = engine_ask("重庆打工回来 在合江开个农家乐 创业担保贷款能不能贷五年 三年太短了还不起").splitlines()[0]
    assert "最长3年" in first and not first.startswith("能申请")


def test_a_document_running_out_and_a_certificate_rumour(engine_ask):
    assert "2026年12月16日" in engine_ask("泸州的文件12月16号就到期了 明年还有没有脱贫户培训生活补贴 会不会取消").splitlines()[0]
    assert engine_ask("我在泸州龙马潭一个钢构厂上班 去年考了个焊工中级证 听说考证有补帖 是真的不 找哪个领").startswith("是真的")


def test_flexible_workers_insurance_subsidy_is_out_of_scope(engine_ask):
    first = engine_ask("我是就业困难人员 现在灵活就业 自己交社保 听说有社保补贴 找哪个申请").splitlines()[0]
    assert "12333" in first and "经济和信息化" not in first


def test_a_fare_question_about_flights_is_not_the_tickets_line(engine_ask):
    first = engine_ask("我是叙永的脱贫户 今年坐飞机去广州打工的 机票一千多 一次性交通补助飞机票算不算 还是只报火车汽车").splitlines()[0]
    assert not first.startswith("文件没有写交通补助的金额，也没有写要交哪些凭证")


def test_a_certificate_subsidy_paid_short_is_answered_before_how_it_is_paid(engine_ask):
    first = engine_ask("在泸州考了中式烹调师四级 厨师证 人社的人说培训补贴有1000 结果打到卡上只有800 是不是少发了").splitlines()[0]
    assert first.startswith("文件没有写职业培训补贴的具体金额") and "网上说的" not in first


def test_a_worker_told_the_300_is_not_his_hears_of_his_own_fare_subsidy(engine_ask):
    first = engine_ask("我是泸县的脱贫户 劳务经纪人介绍我去安徽安庆的厂里上班 签了一年合同也买了社保 听说有300块一个人"
                       " 这个钱是不是给我的").splitlines()[0]
    assert "不是发给务工人员本人的" in first and "交通补助" in first


# first lines that must open with the answer to what was asked (each failed before its rule)
@pytest.mark.parametrize("question,opening", [
    ('我是泸州的劳务经济人 有个脱贫户小伙子我前年介绍他进厂领过三百 今年他换了个厂 又是我介绍的 签了一年合同买了社保 这回还能再领三百不', '文件没有写'),  # placing_the_same_worker_again_is_not_written
    ('我在乡镇上班是公务员 想跟表哥合伙在古蔺开个火锅店 能不能用我的名字去办创业但保贷款 利息便宜些', '在编的不符合'),  # a_civil_servant_asking_the_interest_hears_first_he_is_not_a_borrower
    ('我是叙永的脱贫户 今年三月份参加了十天的厨师培训 生活补贴领过了 十一月又报了个电焊培训十五天 这回的生活补贴还能领不', '今年不能再领了'),  # the_living_subsidy_drawn_this_year_is_not_paid_again
])
def test_the_first_line_opens_with_the_answer(engine_ask, question, opening):
    assert engine_ask(question).splitlines()[0].startswith(opening)
