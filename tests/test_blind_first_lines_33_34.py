"""First lines of replies to blind answer sets 33 and 34 (tests/data/blind_answers_33.yaml, _34.yaml): each reply that
answered a nearby question before its change now answers the one asked. One table: the rule behind each row is in
points.yaml or scope.yaml, the row only says what the reader must see first."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("q, first_line", [
    # -- set 33 --
    # a loan is repaid: the tolerance is the banks' assessment, no waiver
    ("我们是涉农小微企业 创业担保贷款逾期了 听说容忍度提高了 是不是可以不用还了", r"^不是，贷款还是要还"),
    # a bank that will not lend: whom to tell, first
    ("纳溪的退役军人 人社说我符合创业担保贷款条件 银行拖了两个月不给办 找哪个反映", r"^可以向市或区县人社局"),
    # a driving licence is none of the four certificates
    ("我在合江考了个A2驾照 能不能领职业培训补贴", r"^驾照不在文件列的证书里"),
    # an association named among those the standard relies on
    ("泸定的行业协会能不能参与制定劳务品牌专项培训标准", r"^能：泸定第（十）条"),
    # insurance: encouraged, no premium subsidy written
    ("泸州的劳务品牌企业 上保险有没有保费补贴", r"没有写保费补贴"),
    # land for a collective's plant: the 5 % quota, not the electricity price
    ("古蔺村集体经济组织培育劳务品牌 想建初加工厂房 用地有没得保障", r"5%的新增建设用地指标"),
    # 泸定 is no county of 泸州
    ("泸定是不是泸州下面的县 泸州的二十三条我能不能享受", r"^不是：泸定县属于甘孜州"),
    # the towns hit hardest are not listed
    ("泸定磨西的 我们算不算地震受灾严重乡镇 有没有名单", r"^文件没有列出哪些乡镇"),
    # released from prison: a borrower group of its own
    ("我表弟从监狱出来了 在泸县想开修车铺 能申请创业担保贷款不", r"刑满释放人员"),
    # tax deductions for a child at school: the tax office, not the school
    ("个人所得税专项附加扣除咋个填 娃儿上学的能扣好多", r"税务|12366"),
    # strict grade of set 33: replies that passed but did not answer
    ("我朋友2024年在江阳区贷的创业担保贷款 只批了30万 现在说能贷50万 为啥子差这么多 他那笔能不能也涨到50万", r"^已经贷的那笔不会跟着涨"),
    ("泸定做居家养老服务的劳务品牌企业 还没评上高新技术企业 企业所得税能按15%交不", r"^现在还不能按15%"),
    ("泸定 考了个专项职业能力证书 录入人才管理库 有啥子用 有没得钱拿", r"^文件没有写录入人才管理库就有钱"),
    # -- set 34 --
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
def test_the_first_line_answers_what_was_asked(engine_ask, q, first_line):
    first = engine_ask(q).splitlines()[0]
    assert re.search(first_line, first), first
