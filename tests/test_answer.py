"""Answers: the fact first, citation, contact, dated update and validity notes, honest about scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.answer import Answerer

LUZHOU, LUDING = "《泸州市“泸字号”二十三条措施》", "《泸定县“红城工匠”二十二条措施》"


@pytest.fixture
def answer(kb, matcher):
    a = Answerer(kb)

    def run(q: str, today=dt.date(2026, 11, 23), region=None) -> str:
        return a.measures_reply(matcher.match(q, region=region), today)[0].text

    return run


def test_luzhou_loan_gives_current_figure_first_then_the_local_one_with_source(answer):
    text = answer("泸州创业担保贷款个人最多能贷多少")
    first = text.splitlines()[0]
    assert "50万元" in first and "600万元" in first and "30万元" not in first
    assert text.index("50万元") < text.index("30万元")
    assert "《泸州市“泸字号”二十三条措施》第（二十二）条" in text
    assert "川财金〔2025〕30号" in text and "2025年4月1日至2027年12月31日" in text and "600万元" in text
    assert "2023年12月31日后" in text
    assert "确认" in text and "市人力资源社会保障局" in text


def test_luding_loan_before_the_update_shows_no_later_figure(answer):
    text = answer("泸定创业担保贷款", today=dt.date(2023, 7, 1))
    assert "20万元" in text and "50万元" not in text and "财金〔2020〕21号" in text


def test_both_regions_side_by_side_when_no_place(answer):
    text = answer("创业担保贷款个人最多贷多少")
    assert "【泸定县】" in text and "【泸州市】" in text
    assert "20万元" in text and "30万元" in text
    assert text.count("川财金〔2025〕30号") == 1


def test_validity_before_and_after_expiry(answer):
    before = answer("泸州培训补贴", today=dt.date(2026, 12, 16))
    after = answer("泸州培训补贴", today=dt.date(2026, 12, 17))
    assert "有效期至2026年12月16日" in before and "已于" not in before
    assert "已于2026年12月16日到期" in after and "泸州市人力资源和社会保障局" in after


def test_luding_has_no_expiry_note(answer):
    assert "有效期" not in answer("泸定培训补贴")


def test_training_answer_names_daily_cap_and_once_a_year(answer):
    text = answer("脱贫户培训生活费补贴一天多少 泸州")
    assert "50元" in text and re.search("每年只(能)?享受一次", text) and "失业保险金" in text


def test_measure_only_in_one_document_says_so(answer):
    text = answer("东西部劳务协作")
    assert LUZHOU in text and LUDING not in text


def test_region_asked_but_only_other_region_has_it(answer):
    text = answer("泸定 东西部劳务协作")
    assert "泸定县的文件没有相同内容" in text


def test_slip_is_annotated_in_the_answer(answer):
    assert "笔误" in answer("泸州 来泸优秀人才 中初级职称")


def test_reply_is_short(answer):
    """About 300 characters before the next-steps line for a one-region answer."""
    for q in ("泸州创业贷款", "泸定培训补贴", "泸州劳务经纪人补助", "泸定 技能大师工作室"):
        body = answer(q).split("回复“原文”")[0]
        assert len(body) <= 420, (q, len(body))


def test_full_text_is_verbatim(kb):
    a = Answerer(kb)
    m = kb.measures["luzhou-22"]
    text = a.full_text(m).text
    assert m.text in text and "第（二十二）条" in text and "川办规〔2025〕6号" in text
