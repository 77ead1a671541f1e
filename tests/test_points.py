"""Answer points: the first line answers the facet asked, for this asker; knowledge errors name file and record."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml

from bot.answer import Answerer
from bot.kb import load_kb
from bot.kb.loader import KBError
from bot.points import load_points
from bot.understand import extract_facts

DATA = Path(__file__).parent / "data"


@pytest.fixture
def ask(kb, matcher):
    a = Answerer(kb)

    def run(q: str, region=None) -> str:
        m = matcher.match(q, region=region)
        if m.intent == "out_of_scope" and m.topic:
            return a.points.oos_office(m.topic)
        assert m.intent == "question" and m.measures, (q, m.intent)
        return a.measures_reply(m, dt.date(2026, 12, 1), extract_facts(q))[0].text

    return run


def first(text: str) -> str:
    return text.splitlines()[0]


@pytest.mark.parametrize("q, want, never", [
    ("泸州创业贷款利息政府贴好多", r"50%|一半", r"全额贴息"),
    ("创业担保贷款最长贷几年", r"3年", r"文件没有写期限"),
    ("脱贫户培训的生活补贴今年领过了 下半年还能再领一回不", r"每年只能享受一次", r"可以再领"),
    ("泸定的 不是贫困户 培训那个一天50的生活补贴有没得", r"只给脱贫人口", r"^有"),
    ("劳务公司组织的人只签了半年合同 300一个人的补助能拿不", r"不符合|不满1年", r"^可以"),
    ("我是脱贫户 老乡介绍去厂里上班 那300块是不是该给我", r"不是发给务工人员", r"^是"),
    ("培训补贴的钱是打到卡上还是发现金", r"文件没有写", r"现金发放"),
    ("叙永的脱贫户去成都打工 跨省交通补助有没得", r"不算", r"^算"),
    ("我屋头是监测户 娃儿去浙江打工 跨省路费补助算不算", r"^算", r"不算"),
    ("信用卡欠了八万 还能申请创业担保贷款不", r"^会影响：超过5万元", r"^不影响"),
])
def test_first_line_answers_the_facet_for_this_asker(ask, q, want, never):
    line = first(ask(q))
    assert re.search(want, line), (q, line)
    assert not re.search(never, line), (q, line)


def test_regions_said_once_when_they_agree_and_apart_when_they_differ(ask):
    same = ask("泸州跟泸定的脱贫户培训生活补贴标准一样不")
    assert first(same).startswith("两地标准一样") and "【" not in first(same)
    differ = ask("劳务公司组织地震灾区的劳动力上班 两边都有300一个人的补助吗")
    assert "两地不一样" in first(differ) and "泸州文件只写脱贫人口" in first(differ)


def test_loan_ceiling_now_first_and_the_old_one_marked_old(ask):
    text = ask("泸定 创业担保贷款个人最多贷好多")
    assert "50万元" in first(text) and "川财金〔2025〕30号" in first(text)
    assert "20万元" in text.splitlines()[1] and "当时" in text.splitlines()[1]


@pytest.mark.parametrize("q, office", [
    ("包工头跑了 工钱三万多一分没拿到", "劳动保障监察"),
    ("我妈满60了 城乡居民养老保险每个月能领好多", "社保经办"),
    ("厂里裁员了 失业金一个月能领好多", "社保经办"),
    ("我老婆想把户口迁到泸定来", "派出所"),
])
def test_out_of_scope_by_substance_names_the_office(ask, q, office):
    assert office in ask(q)


def test_other_place_gets_the_rule_and_a_pointer_home(ask):
    text = ask("我在深圳打工 考了个电工证 有培训补贴没得")
    assert "深圳" in text and "有自己的规定" in text


def test_an_asker_from_elsewhere_is_told_first_that_their_place_decides(ask):
    text = ask("宜宾屏山的脱贫户 听说泸州脱贫户参加培训一天补50块生活费 我们宜宾有没得")
    assert first(text).startswith("这两份文件只管泸定县、泸州市") and re.search("宜宾|屏山", first(text))
    working_here = ask("我是从贵州遵义过来泸州白酒厂的技术员 来泸优秀人才评中级职称能走绿色通道不")
    assert "绿色通道" in first(working_here)


def test_a_migrant_working_elsewhere_is_still_from_home(ask):
    """在浙江打工 is where the asker works, not where they are from: a returning migrant's loan question
    gets the loan, and a question about that place's own rules still gets the pointer to it."""
    text = ask("我在江苏打工 过年回来想开个店 能贷好多")
    assert re.search(r"50万元", first(text)) and "您说是江苏的" not in text, text
    there = ask("我在东莞打工 老家是泸州合江的 脱贫户 回来学电焊有没得生活补贴 东莞那边有没得")
    assert "50元" in first(there) and "东莞不在这两份文件的范围内" in there, there


@pytest.mark.parametrize("q, office", [
    ("我兄弟在砖厂干活 腿被砸到了 老板不管 咋个办", "工伤认定"),
    ("有没有人工客服", "没有人工客服"),
    ("在纳溪报了个厨师培训班 交了两千 学了三天不想学了 学校不退钱 找哪个", "12315"),
    ("我们村的劳务合作社开不下去了 想注销 去哪里办", "市场监管"),
    ("老公给亲戚当了担保人 亲戚跑了 银行喊我们还 咋个办", "12348"),
    ("网贷逾期了征信不好 有人说花钱能帮我消掉记录 靠谱不", "征信中心"),
    ("我开三轮车被拍了违章 在哪里交罚款", "12123"),
    ("厂里交了几年失业保险 那个稳岗返还好久到账", "稳岗返还找"),
    ("娃儿明年要转学到泸州城里读书 去哪里报名", "教育局"),
])
def test_stories_and_requests_outside_the_documents_get_the_office(ask, q, office):
    assert office in first(ask(q))


@pytest.mark.parametrize("q, want", [
    ("想在纳溪开个面馆 算下来要贷七十万 个人能贷到不", r"^不能一次贷70万.*50万元"),
    ("想贷三十万开个修车铺 个人创业担保贷款够不够", r"^30万在额度以内.*50万元"),
])
def test_a_loan_asked_in_figures_is_compared_with_the_ceiling_in_force(ask, q, want):
    assert re.search(want, first(ask(q))), first(ask(q))


def test_words_of_the_story_do_not_decide_what_is_asked(ask):
    """残疾证 or 失业登记 told as background, 好多人 (many people): the clause that asks decides."""
    assert re.search(r"^能申请.*残疾", first(ask("我有残疾证 在村里养了几年鸡 残疾人能申请创业担保贷款不")))
    assert "金额" not in first(ask("我是叙永一个搬迁安置点的社区干部 好多人闲在屋头 想搞劳务品牌 政府支持哪些行业"))


def test_a_document_named_by_its_brand(ask, kb, matcher):
    """红城工匠 names 泸定's document: an asker from 泸州 is pointed to their own, its validity is 泸定's."""
    a = Answerer(kb)
    m = matcher.match("我是古蔺的 红城工匠那个政策我们古蔺能不能用")
    assert "泸州市“泸字号”二十三条措施" in a.overview(m)
    text = ask("泸定的红城工匠22条 有效期到好久")
    assert first(text).startswith("《泸定县"), text


def test_each_part_and_each_role_gets_its_own_answer(ask):
    """A later part naming another point is answered too; a broker's head count is summed; a worker or an
    employer hiring directly is told the 300 is not theirs; 牌子管几年 is the brand's 3 years."""
    two = ask("泸州的 我们品牌的名字被别人拿去乱用 找哪个管 另外我们的专利能不能拿去银行押钱")
    assert "市场监管" in first(two) and "质押" in two, two
    assert re.search(r"^按每人300元算，8人最多2400元", first(ask(
        "我是泸州纳溪的劳务经纪人 帮8个脱贫户找到厂里上班 都签了两年合同买了社保 我能拿好多")))
    assert first(ask("我在泸州开火锅店 自己招了3个脱贫户 签了一年合同 那300一个人我们店能领不")).startswith("不是给用工企业的")
    assert first(ask("我是合江的脱贫户 老乡介绍我去浙江进厂 听说一个人有300 我啥时候能拿到")).startswith("务工人员本人不能领：这300元不是发给")
    award = ask("我们做腊肉的品牌在争取川字号 评上了奖好多 牌子管几年")
    assert "20万元" in first(award) and "有效期3年" in award, award


@pytest.mark.parametrize("q, want", [
    ("叙永的脱贫户 在云南昭通的工地上干活 这种算不算跨省 有交通补助没得", r"^算跨省，可以申请：(云南|昭通)在四川省外"),
    ("我是泸州的脱贫户 打算坐轮船去武汉打工 船票能不能算交通补助", r"^算：.*水运"),
    ("我们劳务公司想带泸州的工人去国外干活 泸州政策支持不", r"^支持：.*外派劳务"),
    ("我们品牌只评上了泸字号 能参加天府旅游名牌评选不", r"^文件没有写"),
    ("泸定的 我和劳务公司一起送的人 那300是各领一份吗", r"^文件没有写能不能同时享受"),
])
def test_where_the_asker_works_and_what_the_text_leaves_open(ask, q, want):
    assert re.search(want, first(ask(q))), first(ask(q))


def test_a_case_on_facts_alone_keeps_quiet_for_its_unless_words(ask):
    """A broker sending workers to 江苏 asks about his own money, not the workers' cross-province fare; an
    agency asking for the workers' fare is told whose it is."""
    assert "300元" in first(ask("我是合江的劳务经纪人 准备带十几个脱贫户去江苏苏州的厂里 政府给我补好多"))
    agency = first(ask("我们劳务公司包车送脱贫户去广东进厂 那个跨省交通补助能不能补给我们公司"))
    assert agency.startswith("不是给公司的"), agency


def test_childrens_schooling_in_a_story_does_not_refuse_the_question(ask):
    text = ask("我是叙永的脱贫户 屋头三个娃儿读书 开销大 准备去浙江打工 交通补助能补好多 找哪个")
    assert "教育局" not in first(text) and "交通补助" in first(text), text
    assert first(ask("两口子都是脱贫户 一起去学厨师 生活补贴是按人给还是按户给")).startswith("按人算")


def test_the_documents_validity_for_each_named(ask, kb, matcher):
    text = ask("泸定县的红城工匠那个文件 有效期管到好久")
    assert first(text).startswith("《泸定县"), text
    alone = Answerer(kb).overview(matcher.match("泸定的22条和泸州的23条 现在都还有效不"))
    assert alone.startswith("《泸定县") and "《泸州市" in alone, alone


def test_a_question_about_a_slip_in_the_source_gets_the_note_first(ask):
    assert "笔误" in first(ask("泸州文件最后那段写的沪字号 跟泸字号是不是两个不同的品牌"))


@pytest.mark.parametrize("q, want, never", [
    ("我今年45岁 在泸定搞养殖 听说四川有免息免担保的创业贷款 我这个年纪能贷不", r"不符合|超过", r"^有"),
    ("在泸州银行问的创业担保贷款 利率说是LPR加100个基点 合不合规", r"LPR\+50BP", r"^贴息"),
    ("合江的脱贫户 在领失业金 培训期间那个生活补贴和失业金能一起拿不", r"不能一起拿|不能同时", r"^是两项"),
    ("我们的品牌要是评上泸字号 市里奖好多钱 跟川字号一样是20万不", r"没有写泸字号的奖金", r"^【"),
    ("听人说创业担宝贷款个人能带30万 现在还是30万不 还有利息咋个算", r"50万元", r"^贴息"),
    ("我是泸定的退伍军人 老婆有房贷 想申请创业担保贷款 在哪里办", r"人社局", r"会影响"),
])
def test_the_first_question_and_the_askers_own_facts_decide(ask, q, want, never):
    line = first(ask(q))
    assert re.search(want, line) and not re.search(never, line), line


@pytest.mark.parametrize("q, want", [
    ("泸州技能大师工作室评上省级的 有好多补助", r"30万元"),  # a figure in the point's own line
    ("看到泸定文件写个人创业担保贷款最高20万 现在还是20万吗 我前几年在浙江打工", r"50万元"),  # 前几年 is no term
    ("有人打电话说是人社局的 叫我先交500块手续费才能领补贴", r"诈骗"),
    ("增值税减免 劳务品牌企业", r"减免"),
])
def test_facet_words_do_not_misfire(ask, q, want):
    assert re.search(want, first(ask(q))), first(ask(q))


def test_a_quote_not_in_the_measure_text_is_an_error_naming_file_and_record(tmp_path):
    src = Path(load_kb().root)
    dst = tmp_path / "knowledge"
    shutil.copytree(src, dst)
    p = dst / "points.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("'按规定落实税费减免'", "'按规定免征全部税费'", 1),
                 encoding="utf-8")
    with pytest.raises(KBError) as e:
        load_points(load_kb(dst))
    assert "points.yaml" in str(e.value) and "tax-relief" in str(e.value)


def test_every_quote_is_verbatim_and_every_later_figure_is_dated(kb):
    pts = load_points(kb)
    for p in pts.points:
        answers = list(p.facets.values()) + [c.answer for c in p.cases] + ([p.group_answer] if p.group_answer else [])
        for a in answers:
            for line in list(a.text.values()) + list(a.then.values()):
                if "{individual}" in line or "{number}" in line:
                    assert a.later, (p.id, line)


@pytest.mark.parametrize("q, want_first, want_in_reply", [
    # two questions in one message: both answered, the first asked first
    ("创业贷款最多能贷好多 利息要自己全部出不", r"50万元", r"贴息是一半|50%"),
    ("泸定创业担保贷款要准备些啥 先去哪里", r"文件没有写要带哪些材料", r"县人社局（就业服务中心）申请"),
    # 两边一样不 about a facet other than the amount: that facet, for each region
    ("泸州和泸定创业担保贷款还完了能再贷几次 两边一样不", r"3次", r"3次"),
    # a question out of scope beside one in scope: both, the one in scope first
    ("脱贫户去培训一天有好多生活费 另外社保卡丢了咋个补办", r"50元", r"社保卡"),
    # yes or no first, then the office asked for
    ("泸州的劳务品牌企业能不能贷无抵押的信用贷款 找哪个银行", r"鼓励", r"银行"),
    # a local rule for local people, asked by someone from elsewhere who works here
    ("我是贵州毕节的脱贫户 在泸定打工 跨省交通补助能领不", r"毕节", r"户籍地"),
    # a measure with no point of ours: what it says about what was asked, and the office
    ("泸州搞家政的劳务品牌企业 政府有没有支持 找哪个部门", r"^文件写的是", r"找市"),
    # a case the words decide moves the answer to its point (冒用 → 商标保护, not 创建品牌)
    ("我们泸定的劳务品牌名字被别人冒用了咋办", r"市场监管局", r"侵犯"),
    # an age said as 今年45了 decides the youth loan
    ("我今年四十八了 那个年轻人创业免息贷款我能申请不", r"不符合|超过", r"创业担保贷款"),
    # a certificate earned elsewhere: the documents do not say
    ("我在浙江宁波考的电工证 现在回泸定了 能领培训补贴不", r"文件没有写在外地考的", r"人社局"),
    # an employer hiring 脱贫户 is not paid the 300
    ("我在泸定开了个厂 招了几个脱贫户 企业自己有没有补助", r"文件没有写给(?:用工|招用脱贫人口的)企业", r"经纪人"),
])
def test_the_whole_message_is_answered(ask, q, want_first, want_in_reply):
    text = ask(q)
    assert re.search(want_first, first(text)), first(text)
    assert re.search(want_in_reply, text), text


def test_a_story_beside_an_out_of_scope_question_is_not_answered_as_a_measure(matcher):
    m = matcher.match("我在工地干活 还有老板欠我工资不给咋办")
    assert m.intent == "out_of_scope" and m.topic == "wages" and m.aside is None


def test_an_overview_for_an_asker_from_elsewhere_says_their_place_decides(kb, matcher):
    from bot.app import build_engine
    from bot.config import Config

    engine = build_engine(Config(), stateless=True)
    reply = engine.reply_for(engine.matcher.match("我是成都大邑的 我们那边有没有劳务品牌扶持政策"))[0].text
    assert first(reply).startswith("这两份文件只管泸定县、泸州市") and "大邑" in first(reply)


@pytest.mark.parametrize("name, bar", [("blind_answers.yaml", 0.8), ("blind_answers_2.yaml", 0.85),
                                       ("blind_answers_3.yaml", 0.85), ("blind_answers_4.yaml", 0.9),
                                       ("blind_answers_5.yaml", 0.9)])
def test_blind_answer_keys_mostly_pass(monkeypatch, name, bar):
    """Sets written from the documents only (tests/data/blind_answers*.yaml; first runs on the issue): the share
    that passes stays above the bar once their misses are fixed by general rules."""
    items = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    from bot.app import build_engine
    from bot.config import Config

    monkeypatch.setenv("LABOR_BOT_TODAY", "2026-12-01")
    engine = build_engine(Config.from_env(), stateless=True)
    passed = 0
    for it in items:
        reply = unicodedata.normalize("NFKC", "\n".join(r.text for r in engine.reply_for(engine.matcher.match(it["q"]))))
        line = next((x.strip() for x in reply.splitlines() if x.strip()), "")
        ok = re.search(it["first"], line) and all(re.search(r, reply) for r in it.get("must") or [])
        ok = ok and not any(re.search(r, reply) for r in it.get("forbid") or [])
        passed += bool(ok)
    assert passed / len(items) >= bar, f"{name}: {passed}/{len(items)}"


def test_word_lookups_made_once_find_what_testing_every_word_found(kb):
    """textnorm.Words (strongest, asked, out_of_scope) finds the same words as testing each one did (`in`, or a gap
    for …), and the topic and point chosen are the same, on every question we have."""
    from bot.points import CASE_WEIGHT, SAID_GAP, _contains
    from bot.textnorm import Words, normalise

    pts = load_points(kb)
    texts = [normalise(str(item["q"])) for path in sorted(DATA.glob("*.yaml"))
             for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or [])
             if isinstance(item, dict) and isinstance(item.get("q"), str)]
    texts += ["我是泸定德威的劳务经纪人", "", "…"]
    assert len(texts) > 1000
    vocab = {w for f in pts.facets for w in f.words} | {w for o in pts.oos for w in o.said.words()} | {
        w for p in pts.points for w in p.words}
    literal, gapped = Words(vocab), Words(vocab, gap=SAID_GAP)
    for t in texts:
        assert literal.found(t) == {w for w in vocab if w in t}, t
        assert gapped.found(t) == {w for w in vocab if _contains(t, w)}, t
        assert pts.out_of_scope(t) is pts.out_of_scope(t, {w for w in vocab if _contains(t, w)}), t
        best, score = None, 0
        for p in pts.points:
            n = sum(len(w) for w in p.words if len(w) >= 2 and w in t)
            if n and any(c.said is not None and not c.known and not c.also and c.said.holds(t) for c in p.cases):
                n += CASE_WEIGHT
            if n > score:
                best, score = p, n
        assert pts.strongest(t) == (best, score), t


# -- blind set 10: what no measure's line says (the use of the money, a refund, a fee, early repayment) ---------
@pytest.mark.parametrize("q, name", [
    ("创业担保贷款贷下来了 能不能拿一部分去买辆小车跑业务 用途有没有规定", "钱能用在哪些地方"),
    ("泸州的 技能大师工作室评上省级了 那30万经费能不能拿来给师傅发工资", "钱能用在哪些地方"),
    ("古蔺的脱贫户 领了跨省交通补助去江苏 干了一个月就跑回来了 那个补助要退回去不", "要不要退回"),
    ("创业担保贷款说是政府担保 那担保公司要不要收我担保费", "要不要交钱"),
    ("申报泸字号特色劳务品牌要不要交评审费", "要不要交钱"),
    ("创业担保贷款想提前还款 要不要给银行违约金", "提前还"),
    ("我是古蔺的脱贫户 在手机上报了个网课学电商直播 这种网上培训有没有那个一天50的生活补贴", "网上（线上）培训"),
    ("我26岁 在叙永想做直播 还没办营业执照 年轻人免息创业贷款是不是要先办执照才能申请", "营业执照"),
    ("我25年在泸州贷的创业担保贷款 当时个人最高30万 我贷满了 现在涨到50万了 我能不能再补贷20万凑满50万", "再补贷"),
])
def test_a_facet_no_measure_settles_is_said_to_be_unwritten_first(ask, q, name):
    first = ask(q).split("\n")[0]
    assert "没有写" in first and name in first and "人力资源" in first, first
    assert not re.search(r"\d+万元", first)  # not the amounts of a nearby line


def test_a_facet_both_documents_leave_open_is_said_once_with_both_offices(ask):
    first = ask("我是脱贫户 去年参加劳务品牌培训 说好的生活交通费补贴 半年了还没发下来 找哪个反映").split("\n")[0]
    assert first.startswith("这两份文件没有写") and "泸定县" in first and "泸州市" in first


# -- blind set 10: the asker's own figures decide (consumer loan under 5万, age over 40, new hires against staff) ---
@pytest.mark.parametrize("q, yes, no", [
    ("我想贷创业担保贷款开个理发店 我老婆办了个三万块的消费分期还没还完 这个会不会卡我", "不影响", "会影响"),
    ("我信用卡欠了六万多 还没还完 想申请创业担保贷款 行不行", "会影响", "不影响"),
    ("借了个消费贷 现在还有12万没还完 想申请创业担保贷款 能批不", "会影响", "不影响"),
    ("我今年41 那个年轻人创业的免息贷款我还能贷不 差一岁都不得行迈", "不符合", "有："),
    ("泸县做鞋子的厂 现在120个工人 去年新招了8个高校毕业生 都签了两年合同 用厂里名义申请创业担保贷款 招人这一条够不够",
     "够：超过100人的企业要新招到5%，120人即6人", "还不够"),
    ("江阳做卤菜的小厂 30个工人 去年新招了2个退役军人 签了一年半合同 想用厂里名义申请创业担保贷款 招人这条够不够",
     "还不够", "够了"),
    ("江阳区的机械加工厂 三十个工人 去年新招了五个 两个是脱贫户 三个是从隔壁厂跳槽过来的 签了一年合同 申请创业担保贷款 招人这条够不够",
     "10%", "够了"),
    ("叙永做苗绣文创的公司 三十几个人 想用公司名义贷450万的创业担保贷款 是不是450就贷不到了", "在额度以内", "不能"),
    ("我25岁 想申请那个年轻人的免息创业贷款 我想一口气贷15万 能批不", "贷不到15万", "有："),
    ("我属虎的 今年满44了 网上说四川有那种不要利息不要担保的创业贷款 我这个岁数能申请不", "不符合", "有："),
    ("叙永的劳务经纪人 今年带了10个人去浙江 里头6个是脱贫户 4个是普通农户 都签了两年合同买了社保 我总共能申请好多补助",
     "300元", "3000"),
])
def test_the_askers_own_figures_decide_the_first_line(ask, q, yes, no):
    first = ask(q).split("\n")[0]
    assert yes in first and no not in first, first


@pytest.mark.parametrize("q, office", [
    ("我在厂里被冲床压了手 评了十级伤残 一次性伤残补助金应该拿好多", "工伤"),
    ("在泸州买的房 房贷还有四十万 房贷有没有像创业担保贷款那样的贴息", "放贷的银行"),
    ("泸定的脱贫户 想找个村上的公益性岗位 一个月好多钱 找哪个报名", "公益性岗位"),
    ("残疾证咋个办 去哪里评残", "残联"),
])
def test_out_of_scope_by_substance_even_with_a_measure_word(ask, q, office):
    assert office in ask(q).split("\n")[0]
