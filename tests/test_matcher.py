"""Matcher: our question set, the shared dev set, and the hard cases by kind."""

from __future__ import annotations

import pytest
import yaml

from bot.matcher import number_terms
from conftest import ROOT

OWN = yaml.safe_load((ROOT / "tests" / "data" / "questions.yaml").read_text(encoding="utf-8"))
DEV_PATH = ROOT.parent / "shared" / "eval" / "dev_questions.yaml"


def score(matcher, questions):
    ins = [q for q in questions if q["expect"]]
    oos = [q for q in questions if not q["expect"]]
    top1 = sum(bool(m.measures) and m.measures[0] in q["expect"] for q in ins
               for m in [matcher.match(str(q["q"]))])
    rejected = sum(not matcher.match(str(q["q"])).measures for q in oos)
    return top1 / len(ins), rejected / len(oos)


@pytest.mark.parametrize("q", OWN, ids=[str(q["q"])[:30] for q in OWN])
def test_own_question(matcher, q):
    m = matcher.match(str(q["q"]))
    if q["expect"]:
        assert m.measures and m.measures[0] in q["expect"], (m.measures[:3], m.explain())
    else:
        assert m.measures == [], m.explain()


@pytest.mark.skipif(not DEV_PATH.is_file(), reason="needs ../shared/eval")
def test_dev_set_meets_the_goal(matcher):
    top1, rejected = score(matcher, yaml.safe_load(DEV_PATH.read_text(encoding="utf-8")))
    assert top1 >= 0.95 and rejected >= 0.95, (top1, rejected)


@pytest.mark.parametrize("q,region", [
    ("我是叙永的 培训补贴", "luzhou"), ("磨西镇 贷款", "luding"), ("泸县 创业贷款", "luzhou"),
    ("泸定县 创业贷款", "luding"), ("江阳区劳务经纪人", "luzhou"), ("甘孜州 培训补贴", "luding"),
    ("瀘州 創業貸款", "luzhou"), ("纳溪 技能大师工作室", "luzhou"), ("海螺沟 开民宿 贷款", "luding"),
])
def test_place_selects_region(matcher, q, region):
    m = matcher.match(q)
    assert m.regions == [region]
    assert m.measures and all(mid.startswith(region) for mid in m.measures[:1])


def test_lu_county_is_not_luding(matcher):
    assert matcher.match("泸县").regions == ["luzhou"]
    assert matcher.match("泸定县").regions == ["luding"]
    assert matcher.match("泸定").regions == ["luding"]


def test_no_place_both_regions_side_by_side(matcher):
    m = matcher.match("创业担保贷款个人能贷多少")
    assert m.side_by_side and set(m.measures[:2]) == {"luding-15", "luzhou-22"}


def test_remembered_region_is_used(matcher):
    m = matcher.match("创业担保贷款能贷多少", region="luding")
    assert m.measures[0] == "luding-15" and not m.side_by_side


def test_named_place_beats_remembered_region(matcher):
    assert matcher.match("叙永的创业贷款", region="luding").measures[0] == "luzhou-22"


@pytest.mark.parametrize("q,expect", [
    ("创业担宝贷款", "贷款"), ("培训补帖", "培训"), ("创业担保代款", "贷款"),
    ("chuang ye dai kuan", "贷款"), ("peixunbutie", "培训"), ("jineng dashi gongzuoshi", "工作室"),
])
def test_typos_and_pinyin(matcher, kb, q, expect):
    m = matcher.match(q)
    assert m.measures, m.explain()
    assert expect in kb.measures[m.measures[0]].text or expect in kb.measures[m.measures[0]].title


@pytest.mark.parametrize("q", ["勞務品牌商標", "培訓補貼", "創業擔保貸款", "ＡＢＣ創業貸款！！！", "创业　贷款。。。"])
def test_traditional_fullwidth_punctuation(matcher, q):
    assert matcher.match(q).measures


@pytest.mark.parametrize("q,intent", [
    ("你好", "greeting"), ("在吗", "greeting"), ("谢谢", "thanks"), ("多谢了哈", "thanks"),
    ("帮助", "help"), ("你能做什么", "help"), ("原文", "full_text"), ("", "empty"), ("   ", "empty"),
    ("我是叙永的", "set_region"), ("泸定", "set_region"), ("劳务品牌是什么", "overview"),
    ("明天会下雨吗", "out_of_scope"), ("低保怎么申请", "out_of_scope"),
])
def test_intents(matcher, q, intent):
    m = matcher.match(q)
    assert m.intent == intent and m.measures == []


def test_greeting_with_a_question_is_a_question(matcher):
    assert matcher.match("你好 我想问下创业贷款").measures


@pytest.mark.parametrize("q,ids", [("第十五条", {"luding-15", "luzhou-15"}), ("泸州第22条", {"luzhou-22"})])
def test_measure_number_reference(matcher, q, ids):
    assert set(matcher.match(q).measures) == ids


def test_out_of_scope_word_does_not_block_a_real_question(matcher):
    assert matcher.match("领失业金的时候能拿培训补贴吗").measures[0] == "luzhou-04"


def test_number_terms():
    assert [t for t, _, _ in number_terms("最高20万元 300元/人 15% 二十万 三百块")] == \
        ["20万", "300元", "15%", "20万", "300元"]


def test_explain_names_terms_and_place(matcher):
    e = matcher.match("我在泸县 想借点钱开店").explain()
    assert e["places"] == ["泸县"] and e["regions"] == ["luzhou"]
    assert {"创业担保贷款", "创业"} <= {t["term"] for t in e["terms"]}
    assert all(t["via"] in {"exact", "variant", "pinyin", "number", "oos"} for t in e["terms"])


def test_long_message_is_cut_and_still_answered(matcher):
    m = matcher.match("创业担保贷款能贷多少" + "啊" * 10_000)
    assert m.truncated and m.measures


def _reference_pinyin_hits(m, s):
    """Matcher._pinyin_hits as first written: every term under a reading tried at every position."""
    from bot.matcher import Hit, _sounds_like

    ix, units = m.ix, m._units(s)
    hits = []
    for u, (readings, start, _, _) in enumerate(units):
        for r in readings:
            for key, term in ix.py_first.get(r, ()):
                if u + len(key) > len(units):
                    continue
                span = units[u : u + len(key)]
                if all(_sounds_like(span[k][0], span[k][3], term[k], key[k], len(key)) for k in range(len(key))):
                    typed = [sp[3] for sp in span]
                    same = sum(1 for k, ch in enumerate(typed) if ch == term[k])
                    if same != len(term) and (all(ch is None for ch in typed) or same >= 1):
                        hits.append(Hit(term, start, span[-1][2], "pinyin"))
    return hits


def _reference_places(m, s):
    out, i = [], 0
    while i < len(s):
        for n in range(min(m.ix.place_len, len(s) - i), 1, -1):
            if s[i : i + n] in m.ix.places:
                out.append((s[i : i + n], i, i + n))
                i += n
                break
        else:
            i += 1
    return out


def test_lookups_made_once_find_what_the_full_scans_found(matcher):
    """The pinyin candidates by character pair, the prefix stops and the place scan give the same hits, in the
    same order, as scanning everything did, on every question we have, typed pinyin and homophone typos."""
    from bot.textnorm import normalise

    inner = matcher.inner if hasattr(matcher, "inner") else matcher
    texts = [str(item["q"]) for path in sorted((ROOT / "tests" / "data").glob("*.yaml"))
             for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or [])
             if isinstance(item, dict) and isinstance(item.get("q"), str)]
    texts += ["chuangye daikuan", "chuang ye dai kuan luding", "创业担宝贷款", "泸定培训不贴", "xuyong de peixun butie"]
    assert len(texts) > 1000
    for t in texts:
        s = normalise(t)
        assert inner._pinyin_hits(s) == _reference_pinyin_hits(inner, s), t
        assert inner._places(s) == _reference_places(inner, s), t


def test_word_and_place_scans_are_the_plain_scans(matcher):
    """The compiled scans find what trying every stretch at every position finds: each word at each position
    (hits in position then length order), and places longest-first without overlap."""
    import random

    ix = matcher.ix
    vocab = sorted(set(ix.postings) | ix.oos | set(ix.variants) | set(ix.places))
    rng = random.Random(7)
    for _ in range(300):
        s = "".join(rng.choice(vocab) + rng.choice(["", "我", "的", " ", "a"]) for _ in range(rng.randint(1, 6)))
        plain = []
        for i in range(len(s)):
            for n in range(1, min(ix.max_len, len(s) - i) + 1):
                sub = s[i:i + n]
                if sub in ix.postings and n >= 2:
                    plain.append((sub, i, i + n, "exact"))
                if sub in ix.oos:
                    plain.append((sub, i, i + n, "oos"))
                plain += [(c, i, i + n, "variant") for c in ix.variants.get(sub, ())]
        got = [(h.term, h.start, h.end, h.kind) for h in matcher._exact_hits(s)]
        assert got[:len(plain)] == plain  # then the gapped variants and the numbers
        places, i = [], 0
        while i < len(s):
            n = max((n for n in range(2, min(ix.place_len, len(s) - i) + 1) if s[i:i + n] in ix.places), default=0)
            places += [(s[i:i + n], i, i + n)] if n else []
            i += n or 1
        assert matcher._places(s) == places
