"""Verdicts cannot be wrong by construction: for every check, every combination of answers (each option,
yes / no / 不确定, numbers at and around every threshold) fires exactly one rule per part, and 不确定 never
yields ✅/❌ unless every real answer would give the same verdict. Also: one source of figures."""

from __future__ import annotations

import dataclasses
import re

from bot.dialogs import load_flows
from bot.dialogs.expr import Expr
from bot.dialogs.tables import check_all, check_flow


def test_every_combination_fires_exactly_one_rule(kb):
    combos, problems = check_all(load_flows(kb))
    assert problems == []
    assert combos > 50_000  # every answer of every question asked, numbers around each threshold (83,248 now)


def _with_rule(flow, part_i, rule_name, when):
    part = flow.parts[part_i]
    names = {s.slot for s in flow.steps} | set(part.values) | {n for n, _ in part.conditions}
    rules = tuple(dataclasses.replace(r, when=Expr(when, names)) if r.name == rule_name else r for r in part.rules)
    parts = list(flow.parts)
    parts[part_i] = dataclasses.replace(part, rules=rules)
    return dataclasses.replace(flow, parts=tuple(parts))


def test_enumeration_finds_a_fall_through_and_an_unknown_verdict(kb):
    flow = load_flows(kb)["loan_person"]
    # the old bug: an unknown count of earlier loans treated as a first application
    broken = _with_rule(flow, 0, "first_time", 'times in (0, "unsure") and group_ok and other_loans == "no"')
    problems = check_flow(broken).problems
    assert problems and all(p.startswith("loan_person / 个人创业担保贷款") for p in problems)
    assert any("2 rules fire" in p for p in problems)
    gap = _with_rule(flow, 0, "over_three_times", 'times >= 4')
    assert any("0 rules fire" in p for p in check_flow(gap).problems)
    training = load_flows(kb)["training"]
    lenient = _with_rule(training, 1, "not_poor", 'poor in ("no", "unsure")')
    lenient = _with_rule(lenient, 1, "poor_unsure", 'poor == "never"')
    assert any("is unsure" in p for p in check_flow(lenient).problems)  # a verdict while 不确定


_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|元|次|%)")


def _scale(value, unit):
    return value * (10000 if unit.startswith("万") else 1)


def test_every_figure_in_a_check_is_the_measures_figure_and_in_its_text(kb):
    """Every amount, limit and count a check states (outside the national lines, which name their own
    source) equals a fact of a cited measure and appears in that measure's verbatim text, or is a figure of one
    of the rule's own national lines (a provincial document, named and dated there: 川办发〔2022〕72号's 20万元)."""
    from bot.kb.loader import squash

    for flow in load_flows(kb).values():
        for part in flow.parts:
            for rule in part.rules:
                cited = {m for ids in (rule.cite or part.cite).values() for m in ids}
                facts = [(f.value, f.unit or "") for m in cited for f in kb.measures[m].facts if f.value is not None]
                national = [(float(n), u) for ln in rule.national for n, u in _FIGURE.findall(ln.text)]
                assert all(ln.source for ln in rule.national)
                facts += national
                texts = squash("".join(kb.measures[m].text for m in cited) + "".join(ln.text for ln in rule.national))
                lines = [ln.text for ln in rule.why if "国家" not in ln.text] + [rule.amount_text or ""]
                lines += [v.get(r, "") for v in part.values.values() for r in v]
                for line in lines:
                    for num, unit in _FIGURE.findall(line):
                        v = float(num)
                        ok = any(abs(_scale(v, unit) - _scale(fv, fu)) < 1e-6 for fv, fu in facts) or unit == "%"
                        assert ok, (flow.id, rule.name, line, num + unit)
                        assert f"{num}{unit}" in texts or f"{num}{unit[0]}" in texts or num in texts, \
                            (flow.id, rule.name, num + unit)
                if rule.amount is not None:
                    for node in __import__("ast").walk(rule.amount.tree):
                        if isinstance(node, __import__("ast").Constant) and isinstance(node.value, (int, float)):
                            assert any(abs(node.value - _scale(fv, fu)) < 1e-6 for fv, fu in facts), \
                                (flow.id, rule.name, node.value)
