"""The decision tables behind `labor-bot kb check`: every combination of answers to a check (each option,
yes / no / 不确定, numbers at and around every threshold its conditions name), and for each one:

- exactly one rule of every part that applies fires (no gap, no overlap, nothing falls through);
- a verdict (✅ or ❌) given while some answer is 不确定 holds for every real answer that 不确定 could stand
  for; otherwise the rule must be ❓ 需要确认.

A failure names the check, the part and the combination.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.dialogs.expr import Expr, _eval
from bot.dialogs.rules import applies, fired, part_env
from bot.dialogs.schema import UNSURE, Flow, Step


@dataclass
class Report:
    combinations: int = 0
    problems: list[str] = field(default_factory=list)


def _exprs(flow: Flow) -> list[Expr]:
    out = [e for s in flow.steps for e in (s.when, s.min, s.max) if e is not None]
    for p in flow.parts:
        out += [e for e in (p.when,) if e is not None] + [e for _, e in p.conditions]
        out += [r.when for r in p.rules if r.when is not None]
    return out


_SIDES: dict[tuple[int, str], list[ast.AST]] = {}


def _sides(flow: Flow, slot: str) -> list[ast.AST]:
    """The expressions the conditions compare slot with (computed once per flow and slot)."""
    key = (id(flow), slot)
    if key not in _SIDES:
        out: list[ast.AST] = []
        for e in _exprs(flow):
            for node in ast.walk(e.tree):
                if isinstance(node, ast.Compare):
                    sides = [node.left, *node.comparators]
                    for i, side in enumerate(sides):
                        if isinstance(side, ast.Name) and side.id == slot:
                            out += [o for j, o in enumerate(sides) if j != i]
        _SIDES[key] = out
    return _SIDES[key]


def _thresholds(flow: Flow, slot: str, values: dict[str, Any]) -> set[int]:
    """Numbers the conditions compare slot with, evaluated with the answers so far (ceil(staff * 0.1))."""
    out: set[int] = set()
    for other in _sides(flow, slot):
        v = _eval(other, values)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out |= {int(v) - 1, int(v), int(v) + 1}
    return out


def domain(flow: Flow, step: Step, values: dict[str, Any], concrete: bool = False) -> list[Any]:
    if step.options:
        out: list[Any] = [o.value for o in step.options]
    else:
        lo = step.min(values) if step.min else 0
        hi = step.max(values) if step.max else None
        lo = lo if isinstance(lo, (int, float)) else 0
        nums = {int(lo), int(lo) + 1} | _thresholds(flow, step.slot, values)
        if isinstance(hi, (int, float)):
            nums |= {int(hi), int(hi) - 1}
        out = sorted(n for n in nums if n >= lo and (not isinstance(hi, (int, float)) or n <= hi))
    if step.takes_unsure and not concrete:
        out.append(UNSURE)
    return out


def completions(flow: Flow, values: dict[str, Any], fixed: dict[str, Any], concrete: bool = False,
                i: int = 0) -> Iterator[dict[str, Any]]:
    """Every way to answer the steps in order (a step is asked only when its condition holds)."""
    if i == len(flow.steps):
        yield values
        return
    s = flow.steps[i]
    if s.when is not None and not s.when.holds(values):
        yield from completions(flow, values, fixed, concrete, i + 1)
        return
    choices = [fixed[s.slot]] if s.slot in fixed else domain(flow, s, values, concrete)
    for v in choices:
        yield from completions(flow, {**values, s.slot: v}, fixed, concrete, i + 1)


_MEMO: dict[tuple, dict[str, tuple[int, str, str]]] = {}


def _outcomes(flow: Flow, values: dict[str, Any]) -> dict[str, tuple[int, str, str]]:
    key = (id(flow), tuple(sorted(values.items())))
    if key not in _MEMO:
        _MEMO[key] = _outcomes_now(flow, values)
    return _MEMO[key]


def _outcomes_now(flow: Flow, values: dict[str, Any]) -> dict[str, tuple[int, str, str]]:
    out = {}
    for part in flow.parts:
        if applies(part, values):
            rules = fired(part, part_env(part, values))
            out[part.title] = (len(rules), rules[0].outcome if rules else "", ",".join(r.name for r in rules))
    return out


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _crossed_unsure(flow: Flow, title: str, values: dict[str, Any], unsure: list[str]) -> str | None:
    """A ✗ line of the fired rule that its own condition or text ties to an answer that is 不确定."""
    if not unsure:
        return None
    for part in flow.parts:
        if part.title != title or not applies(part, values):
            continue
        env = part_env(part, values)
        for rule in fired(part, env):
            for line in rule.why:
                if not line.text.lstrip().startswith("✗") or (line.when is not None and not line.when.holds(env)):
                    continue
                named = (line.when.names if line.when is not None else set()) | set(_PLACEHOLDER.findall(line.text))
                if named & set(unsure):
                    return line.text
    return None


def check_flow(flow: Flow, limit: int = 20) -> Report:
    report = Report()
    for values in completions(flow, {}, {}):
        report.combinations += 1
        outs = _outcomes(flow, values)
        for title, (n, outcome, names) in outs.items():
            if n != 1:
                report.problems.append(f"{flow.id} / {title}: {n} rules fire ({names or 'none'}) for {values}")
                continue
            unsure = [k for k, v in values.items() if v == UNSURE]
            crossed = _crossed_unsure(flow, title, values, unsure)
            if crossed:
                report.problems.append(f"{flow.id} / {title}: {crossed!r} shows ✗ for an answer that is unsure "
                                       f"({values}); an unknown answer is ❓, never ✗")
            if not unsure or outcome == "ask_office":
                continue
            fixed = {k: v for k, v in values.items() if k not in unsure}
            for real in completions(flow, {}, fixed, concrete=True):
                if any(real.get(k) == UNSURE for k in unsure):
                    continue
                other = _outcomes(flow, real).get(title)
                if other is None or other[0] != 1 or other[1] != outcome:
                    report.problems.append(
                        f"{flow.id} / {title}: {outcome} although {', '.join(unsure)} is unsure ({values}); "
                        f"with {dict((k, real.get(k)) for k in unsure)} it would be {other and other[1]}")
                    break
        if len(report.problems) >= limit:
            break
    _MEMO.clear()
    return report


def check_all(flows: dict[str, Flow]) -> tuple[int, list[str]]:
    total = 0
    problems: list[str] = []
    _MEMO.clear()
    for flow in flows.values():
        r = check_flow(flow)
        total += r.combinations
        problems += r.problems
    return total, problems
