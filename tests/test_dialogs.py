"""Guided checks: the YAML flows, their rules as tables, typed answers, and the step engine."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from bot.dialogs import DialogRunner, load_flows
from bot.dialogs.answers import number, pick_option, yes_no
from bot.dialogs.expr import Expr, ExprError
from bot.dialogs.rules import evaluate
from bot.kb import KBError, load_kb
from conftest import ROOT, TODAY

CASES = yaml.safe_load((ROOT / "tests" / "data" / "dialog_cases.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def flows(kb):
    return load_flows(kb)


@pytest.fixture(scope="module")
def runner(kb, flows):
    return DialogRunner(kb, flows, lambda: TODAY)


# -- rules as tables -------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=[f"{c['flow']}-{i}" for i, c in enumerate(CASES)])
def test_rule_table(flows, case):
    results = evaluate(flows[case["flow"]], case["values"])
    got = [{"rule": r.rule.name, "outcome": r.outcome, "cite": list(r.cite),
            **({"amount": r.amount} if r.amount is not None else {})} for r in results]
    assert got == case["expect"]


def test_every_rule_has_a_case(flows):
    covered = {(c["flow"], e["rule"]) for c in CASES for e in c["expect"]}
    every = {(f.id, r.name) for f in flows.values() for p in f.parts for r in p.rules}
    assert every - covered == set()


def test_every_case_answers_only_questions_the_flow_would_ask(flows, runner):
    """The table's answers are a real path: each slot is one the engine would ask, in that state."""
    for c in CASES:
        flow, values = flows[c["flow"]], c["values"]
        asked: dict = {}
        while (step := runner.next_step(flow, asked)) is not None:
            assert step.slot in values, (c, step.slot)
            asked[step.slot] = values[step.slot]
        assumed = {s.slot for s in flow.steps if s.assume}  # never asked: said in a message (公益性岗位), or taken
        assert asked == {k: v for k, v in values.items() if k not in assumed}, c


def test_results_cite_only_the_chosen_regions_measures(flows, kb):
    for c in CASES:
        for r in evaluate(flows[c["flow"]], c["values"]):
            assert r.cite and all(kb.measures[m].region == c["values"]["region"] for m in r.cite)


# -- what the result says ----------------------------------------------------------------------------
def result_text(runner, flows, flow, values, today=TODAY):
    r = DialogRunner(runner.kb, flows, lambda: today)
    return r.writer.write(flows[flow], values, evaluate(flows[flow], values))


def test_loan_result_gives_local_figure_and_todays_ceiling_apart(runner, flows):
    text = result_text(runner, flows, "loan_person", {"region": "luzhou", "group": "migrant", "other_loans": "no",
                                                      "times": 0})
    amount = next(line for line in text.splitlines() if line.startswith("金额"))
    # the figure in force leads the amount line; the local document's own figure is said apart, as older
    assert amount.index("最高50万元（川财金〔2025〕30号") < amount.index("本地文件写的是30万元")
    assert "【后续文件，不是本地文件的内容】" in text and "最高50万元" in text and "川财金〔2025〕30号" in text
    assert "2023 年 12 月 31 日后，创业担保贷款申请额度按照中央、省最新文件执行" in text
    assert "税费减免" in text and "文件没有写这些的金额" in text
    assert "【国家和省里的规定，不是本地文件的内容】" in text and "财金〔2023〕75号" in text
    assert "出处：《泸州市“泸字号”二十三条措施》第（二十二）条" in text
    assert "市人力资源社会保障局" in text


def test_firm_loan_ceiling_in_force_depends_on_the_date(runner, flows):
    values = {"region": "luding", "small": "yes", "staff": 10, "new_hires": 1, "arrears": "no", "times": 0}
    assert "小微企业贷款最高600万元" in result_text(runner, flows, "loan_firm", values)
    assert "小微企业贷款最高400万元" in result_text(runner, flows, "loan_firm", values, dt.date(2024, 6, 1))
    assert "本地文件写的是300万元" in result_text(runner, flows, "loan_firm", values)


def test_luzhou_fourth_loan_is_refused_with_the_quote(runner, flows):
    text = result_text(runner, flows, "loan_person", {"region": "luzhou", "group": "migrant", "other_loans": "no",
                                                      "times": 3})
    assert "❌" in text and "累计次数不超过 3 次" in text and "后续文件" not in text


def test_transport_subsidy_says_may_not_will(runner, flows):
    text = result_text(runner, flows, "service", {"region": "luzhou", "org": "broker", "whom": "poor", "placed": 4,
                                                  "contract": 4, "insured": 4, "cross": "yes"})
    assert "4人 × 300元 = 1,200元" in text and "可适当安排" in text and "不是一定有" in text
    assert "灾区劳动力" in text  # 泸州 does not name them, and the result says so


def test_where_the_document_names_no_amount_it_says_so(runner, flows):
    text = result_text(runner, flows, "awards", {"region": "luding", "kind": "studio", "done": "yes"})
    assert "没有写补助金额" in text and "万元" not in text.split("【")[1].split("出处")[0].replace("10万元", "")
    text = result_text(runner, flows, "training", {"region": "luding", "cert": "got", "poor": "no"})
    assert "文件没有写培训补贴的具体金额" in text


def test_national_facts_always_name_a_dated_source(flows):
    for f in flows.values():
        lines = list(f.national) + [n for p in f.parts for r in p.rules for n in r.national]
        for ln in lines:
            assert ln.source and "〔20" in ln.source and "年" in ln.source, (f.id, ln.text)


# -- the flow files are checked when loaded ------------------------------------------------------------
def _broken(tmp_path: Path, kb_root: Path, edit) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(kb_root, root)
    p = root / "dialogs" / "training.yaml"
    p.write_text(edit(p.read_text(encoding="utf-8")), encoding="utf-8")
    return root


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.replace('when: cert == "got"', 'when: certificate == "got"'), "unknown slot 'certificate'"),
    (lambda s: s.replace("脱贫人口参加劳务品牌培训等职业技能培训的", "脱贫人口都可以领", 1), "is not in the text of"),
    (lambda s: s.replace('        when: cert == "none"\n', ""), "every rule states its condition"),
    (lambda s: s.replace("type: count", "type: counter", 1), "type must be one of"),
    (lambda s: s.replace("[luding-10]", "[luding-99]", 1), "cites unknown measure 'luding-99'"),
    (lambda s: s.replace("expr: 50 * days", "expr: __import__('os')"), "may be called"),
    (lambda s: s.replace("words: [还在考,", "words: [有证书, 还在考,"), "given for both"),
])
def test_a_broken_flow_names_file_and_record(tmp_path, kb, edit, message):
    root = _broken(tmp_path, kb.root, edit)
    with pytest.raises(KBError) as e:
        load_flows(load_kb(root))
    assert "training.yaml" in str(e.value) and message in str(e.value)


def test_a_national_fact_without_a_dated_source_is_refused(tmp_path, kb):
    def edit(s):
        return s + "national:\n  - text: 某条国家规定\n    source: 某文件\n"
    with pytest.raises(KBError, match="must name its source document with a date"):
        load_flows(load_kb(_broken(tmp_path, kb.root, edit)))


# -- expressions -------------------------------------------------------------------------------------
def test_expressions():
    assert Expr('region == "luzhou" and times >= 3')({"region": "luzhou", "times": 3}) is True
    assert Expr("times >= 3")({}) is False  # unanswered never fires
    assert Expr("50 * days")({"days": 12}) == 600
    assert Expr("new_hires < ceil(staff * 0.1)")({"staff": 21, "new_hires": 2}) is True
    assert Expr('kind in ("studio", "base")')({"kind": "base"}) is True
    for bad in ("open('x')", "a.b", "[x for x in y]", "lambda: 1", "x if y else z"):
        with pytest.raises(ExprError):
            Expr(bad)
    with pytest.raises(ExprError, match="unknown slot"):
        Expr("zzz > 1", {"days"})


# -- typed answers -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def vocab(runner):
    return runner.vocab


@pytest.mark.parametrize("typed, value", [
    ("是", "yes"), ("对", "yes"), ("嗯", "yes"), ("有", "yes"), ("对的", "yes"), ("要得", "yes"), ("贷过", "yes"),
    ("没有", "no"), ("不是", "no"), ("没得", "no"), ("莫得", "no"), ("没", "no"), ("没错", "yes"), ("没问题", "yes"),
    ("不知道", "unsure"), ("不晓得", "unsure"), ("不确定", "unsure"), ("否", "no"), ("不确定", "unsure"),
])
def test_yes_no(flows, vocab, typed, value):
    step = flows["loan_person"].step("other_loans")
    from bot.textnorm import normalise
    assert yes_no(normalise(typed), vocab, step) == value


@pytest.mark.parametrize("typed, value", [("12", 12), ("十二", 12), ("两百", 200), ("二十天", 20), ("15天", 15),
                                          ("没有", 0), ("零", 0), ("一千二", 1200), ("三", 3)])
def test_numbers(vocab, typed, value):
    assert number(typed, vocab, integer=True) == value


@pytest.mark.parametrize("slot, typed, value", [
    ("org", "劳务经纪人", "broker"), ("org", "劳务经济人", "broker"), ("org", "2", "broker"), ("org", "第一个", "agency"),
    ("org", "我开的劳务公司", "agency"), ("org", "laowu gongsi", "agency"), ("org", "其他", "other"),
    ("region", "叙永", "luzhou"), ("region", "泸定", "luding"), ("region", "磨西镇", "luding"), ("region", "泸州市", "luzhou"),
])
def test_options(flows, slot, typed, value):
    from bot.textnorm import normalise
    o = pick_option(flows["service"].step(slot).options, normalise(typed))
    assert o is not None and o.value == value


def test_nonsense_is_not_an_option(flows):
    assert pick_option(flows["service"].step("org").options, "今天天气") is None


# -- the step engine ---------------------------------------------------------------------------------
def test_opening_message_fills_what_it_already_says(runner, flows):
    values = runner.from_facts(flows["training"], runner.facts("我是贫困户培训了15天"))
    assert values == {"poor": "yes", "days": 15}
    state, replies = runner.start(flows["training"], {**values, "region": "luzhou"})
    assert state["asking"] == "cert" and "脱贫人口：是" in replies[0].text and "培训天数：15" in replies[0].text


def test_going_back_drops_answers_that_no_longer_apply(runner, flows):
    flow = flows["loan_person"]
    state, _ = runner.start(flow, {"region": "luding", "group": "migrant", "other_loans": "no"})
    state, _, _ = runner.answer(state, "2", "贷过2次")
    assert state["asking"] == "repaid"
    state, _, _ = runner.answer(state, "是")
    state, _ = runner.back(state)  # back to repaid
    state, _ = runner.back(state)  # back to times
    assert state["asking"] == "times" and "repaid" not in state["values"]
    state, _, _ = runner.answer(state, "没贷过")
    assert state["asking"] == "partners"  # asked only of a borrower who qualifies
    state, replies, _ = runner.answer(state, "1", "就我一个人")
    assert state is None and replies[-1].meta["results"][0]["rule"] == "first_time"


def test_out_of_range_number_is_reasked_with_the_range(runner, flows):
    flow = flows["service"]
    state, _ = runner.start(flow, {"region": "luding", "org": "broker", "whom": "poor", "placed": 5})
    new, replies, parsed = runner.answer(state, "8")
    assert not parsed.ok and new == state and "0到5" in replies[0].text
