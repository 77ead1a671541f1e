"""The knowledge base against the source documents: verbatim texts, counts, units, facts, dates."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from bot.kb import KBError, load_kb
from bot.kb.loader import squash
from bot.kb.units import parse_units
from conftest import SEEDS


def source(kb, region):
    return squash((SEEDS / kb.documents[region].source).read_text(encoding="utf-8"))


def test_all_45_measures_numbered_as_printed(kb):
    assert sorted(kb.measures) == [f"luding-{i:02d}" for i in range(1, 23)] + [f"luzhou-{i:02d}" for i in range(1, 24)]
    assert kb.measures["luding-15"].number == "十五" and kb.measures["luzhou-22"].number == "二十二"


def test_every_text_is_verbatim_in_its_source(kb):
    for m in kb.measures.values():
        assert squash(m.text) in source(kb, m.region), m.id


def test_text_starts_with_title_and_printed_number_precedes_it(kb):
    for m in kb.measures.values():
        assert m.text.startswith(m.title + "。"), m.id
        src = source(kb, m.region)
        assert re.search(rf"[（(]{m.number}[)）]" + re.escape(squash(m.title)), src), m.id


def test_sections_as_printed(kb):
    assert all(kb.measures[f"luding-{i:02d}"].section is None for i in range(1, 8))
    assert kb.measures["luding-08"].section == "二、加强劳务品牌从业人员技能提升"
    assert kb.measures["luding-22"].section == "三、加强劳务品牌发展要素保障"
    assert kb.measures["luzhou-05"].section == "一、分环节夯实劳务品牌“基础”"
    assert kb.measures["luzhou-23"].section == "四、分类别保障劳务品牌“要素”"
    for m in kb.measures.values():
        if m.section:
            assert squash(m.section) in source(kb, m.region)


def test_fact_quotes_and_values_come_from_the_text(kb):
    for m in kb.measures.values():
        for f in m.facts:
            assert squash(f.quote) in squash(m.text), (m.id, f.quote)


@pytest.mark.parametrize("mid,label,value,unit", [
    ("luding-15", "个人创业担保贷款最高额度", 20, "万元"),
    ("luding-15", "小微企业创业担保贷款最高额度", 300, "万元"),
    ("luzhou-22", "个人创业担保贷款最高额度", 30, "万元"),
    ("luzhou-22", "小微企业创业担保贷款最高额度", 400, "万元"),
    ("luzhou-22", "再次申请贷款和贴息累计不超过3次", 3, "次"),
    ("luding-10", "脱贫人口培训期间生活（交通）费补贴上限", 50, "元/人·天"),
    ("luzhou-04", "脱贫人口培训期间生活（交通）费补贴上限", 50, "元/人·天"),
    ("luding-19", "组织脱贫人口、灾区劳动力就业的就业创业服务补助", 300, "元/人"),
    ("luzhou-15", "组织脱贫人口就业的就业创业服务补助", 300, "元/人"),
    ("luzhou-16", "成功创建川字号特色劳务品牌一次性奖补", 20, "万元"),
    ("luzhou-05", "国家级高技能人才培训基地一次性经费补助", 500, "万元"),
    ("luzhou-05", "省级技能大师工作室一次性经费补助", 30, "万元"),
    ("luding-06", "高新技术企业企业所得税税率", 15, "%"),
    ("luzhou-10", "高新技术企业企业所得税税率", 15, "%"),
])
def test_structured_amounts(kb, mid, label, value, unit):
    facts = {f.label: f for f in kb.measures[mid].facts}
    assert (facts[label].value, facts[label].unit) == (value, unit)


def test_limits_carried_as_facts(kb):
    labels = lambda mid: " ".join(f.label for f in kb.measures[mid].facts)  # noqa: E731
    assert "每年只享受一次" in labels("luding-10") and "每年只享受一次" in labels("luzhou-04")
    assert "不可同时领取失业保险金" in labels("luzhou-04")
    assert "不可同时领取失业保险金" not in labels("luding-10")
    assert "1年以上劳动合同" in labels("luding-19")


@pytest.mark.parametrize("mid,lead,coop", [
    ("luding-01", ("县人力资源社会保障局",), ("县财政局", "各相关单位及乡镇")),
    ("luding-15", ("县人力资源社会保障局", "县财政局", "甘孜农村商业银行股份有限公司泸定支行", "农业银行泸定支行"), ()),
    ("luzhou-22", ("市人力资源社会保障局", "人民银行泸州市分行"),
     ("市财政局", "市金融工作局", "国家金融监督管理总局泸州监管分局")),
    ("luzhou-13", ("市人力资源社会保障局",), ("市自然资源和规划局", "市金融工作局", "国家金融监督管理总局泸州监管分局")),
    ("luding-04", ("县住建局",), ("县财政局", "县人力资源社会保障厅")),
])
def test_responsible_units_parsed(kb, mid, lead, coop):
    assert kb.measures[mid].units.lead == lead
    assert kb.measures[mid].units.cooperating == coop


def test_units_parser_rejects_text_without_units():
    assert parse_units("没有责任单位的句子。") is None


def test_slips_kept_verbatim_and_annotated(kb):
    assert "县人力资源社会保障厅" in kb.measures["luding-04"].text
    assert any("局" in n for n in kb.measures["luding-04"].notes)
    assert "来沪优秀人才" in kb.measures["luzhou-07"].text and kb.measures["luzhou-07"].notes
    assert "沪字号" in kb.measures["luzhou-23"].text and kb.measures["luzhou-23"].notes


def test_documents(kb):
    ld, lz = kb.documents["luding"], kb.documents["luzhou"]
    assert ld.number == "泸府办发〔2023〕50号" and ld.issued == dt.date(2023, 6, 21)
    assert lz.effective == dt.date(2023, 12, 17) and lz.expires == dt.date(2026, 12, 16)
    assert lz.amounts_until == dt.date(2023, 12, 31)
    assert squash(lz.closing) in source(kb, "luzhou")
    assert squash(lz.closing) not in squash(kb.measures["luzhou-23"].text)


def test_counterparts_are_symmetric(kb):
    for m in kb.measures.values():
        if m.counterpart:
            assert kb.measures[m.counterpart].counterpart == m.id
    assert kb.measures["luding-15"].counterpart == "luzhou-22"


@pytest.mark.parametrize("day,individual,number", [
    (dt.date(2023, 6, 21), "20万元", "财金〔2020〕21号"),
    (dt.date(2023, 10, 1), "30万元", "财金〔2023〕75号"),
    (dt.date(2025, 3, 31), "30万元", "财金〔2023〕75号"),
    (dt.date(2025, 4, 1), "50万元", "川财金〔2025〕30号"),
    (dt.date(2026, 11, 23), "50万元", "川财金〔2025〕30号"),
    (dt.date(2027, 12, 31), "50万元", "川财金〔2025〕30号"),
])
def test_loan_ceiling_in_force_by_date(kb, day, individual, number):
    p = kb.updates["loan-ceilings"].in_force(day)
    assert (p.individual, p.number) == (individual, number)


def test_after_the_last_known_period_we_claim_no_ceiling(kb):
    # 川财金〔2025〕30号 covers loans issued to 2027-12-31; after that the earlier national rule has
    # no end date in our data, so the 2023 figure is what we still know to be in force
    p = kb.updates["loan-ceilings"].in_force(dt.date(2028, 1, 1))
    assert p.number == "财金〔2023〕75号"


# -- validation names the file and the record ---------------------------------------------------
@pytest.fixture
def kb_copy(tmp_path, kb):
    dst = tmp_path / "knowledge"
    shutil.copytree(kb.root, dst, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return dst


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("file,old,new,expect", [
    ("measures/luzhou.yaml", "个人最高可申请额度为 30 万元的创业担保贷款}", "个人最高可申请额度为 35 万元的创业担保贷款}",
     ["luzhou.yaml", "luzhou-22", "quote"]),
    ("measures/luding.yaml", "- id: luding-05", "- id: luding-04", ["luding.yaml", "luding-04", "number"]),
    ("measures/luding.yaml", "counterpart: luzhou-01", "counterpart: luzhou-99", ["luding-01", "luzhou-99"]),
    ("measures/luding.yaml", "  summary: 县里通过", "  summery: 县里通过", ["luding-01", "summary"]),
    ("documents.yaml", "measure_count: 22", "measure_count: 23", ["documents.yaml", "luding", "missing"]),
    ("updates.yaml", "applies_to: [luding-15, luzhou-22]", "applies_to: [luding-15, luzhou-99]",
     ["updates.yaml", "loan-ceilings", "luzhou-99"]),
    ("lexicon.yaml", "synonyms:", "synonyms: [", ["lexicon.yaml", "YAML"]),
])
def test_bad_file_names_file_and_record(kb_copy, file, old, new, expect):
    _edit(kb_copy / file, old, new)
    with pytest.raises(KBError) as e:
        load_kb(kb_copy)
    for word in expect:
        assert word in str(e.value)


def test_missing_file_is_named(kb_copy):
    (kb_copy / "places.yaml").unlink()
    with pytest.raises(KBError, match="places.yaml.*missing"):
        load_kb(kb_copy)


def test_duplicate_id_across_files(kb_copy):
    extra = (kb_copy / "measures" / "luding.yaml").read_text(encoding="utf-8")
    (kb_copy / "measures" / "zz-copy.yaml").write_text(extra, encoding="utf-8")
    with pytest.raises(KBError, match="duplicate id"):
        load_kb(kb_copy)


def test_every_lexicon_term_reaches_a_measure(kb, matcher):
    """A synonym whose canonical word is in no measure would be a dead entry (unless declared a span only)."""
    dead = [c for c in kb.lexicon["synonyms"] if c not in matcher.ix.postings and c not in kb.lexicon.get("no_measure", [])]
    assert dead == []
