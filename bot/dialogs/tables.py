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


_SIDES: dict[tuple[int, str], list[tuple[ast.AST, tuple[int, ...]]]] = {}
# x < T and x >= T change at T: T-1 and T stand for every x; x <= T and x > T change after T: T and T+1;
# x == T / x != T: T-1, T, T+1 (the operator as seen from x, i.e. with x on the left)
_AROUND: dict[type, tuple[int, ...]] = {ast.Lt: (-1, 0), ast.GtE: (-1, 0), ast.LtE: (0, 1), ast.Gt: (0, 1)}
_FLIP: dict[type, type] = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE}


def _sides(flow: Flow, slot: str) -> list[tuple[ast.AST, tuple[int, ...]]]:
    """The expressions the conditions compare slot with, each with the offsets around it that decide the
    comparison (computed once per flow and slot)."""
    key = (id(flow), slot)
    if key not in _SIDES:
        out: list[tuple[ast.AST, tuple[int, ...]]] = []
        for e in _exprs(flow):
            for node in ast.walk(e.tree):
                if isinstance(node, ast.Compare):
                    sides = [node.left, *node.comparators]
                    for i, side in enumerate(sides):
                        if not (isinstance(side, ast.Name) and side.id == slot):
                            continue
                        # the comparisons next to this side: ops[i - 1] (other < x) and ops[i] (x < other)
                        if i > 0:
                            op = type(node.ops[i - 1])
                            out.append((sides[i - 1], _AROUND.get(_FLIP.get(op, op), (-1, 0, 1))))
                        if i < len(node.ops):
                            out.append((sides[i + 1], _AROUND.get(type(node.ops[i]), (-1, 0, 1))))
        _SIDES[key] = out
    return _SIDES[key]


def _thresholds(flow: Flow, slot: str, values: dict[str, Any]) -> set[int]:
    """Numbers the conditions compare slot with, evaluated with the answers so far (ceil(staff * 0.1)), and the
    neighbours that fall on either side of each comparison."""
    out: set[int] = set()
    for other, around in _sides(flow, slot):
        v = _eval(other, values)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out |= {int(v) + d for d in around}
            if not float(v).is_integer():
                out |= {int(v) + 1}  # 2.5: 2 and 3 lie on either side
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


_HOLDS: dict[tuple, bool] = {}
_NAMES: dict[int, tuple[str, ...]] = {}


def _holds(e: Expr, values: dict[str, Any]) -> bool:
    """e.holds(values), remembered by the answers it names (a step's condition is met again and again)."""
    names = _NAMES.get(id(e))
    if names is None:
        names = _NAMES[id(e)] = tuple(sorted(e.names))
    key = (id(e), *(values.get(n) for n in names))
    if key not in _HOLDS:
        _HOLDS[key] = e.holds(values)
    return _HOLDS[key]


def completions(flow: Flow, values: dict[str, Any], fixed: dict[str, Any], concrete: bool = False,
                i: int = 0) -> Iterator[dict[str, Any]]:
    """Every way to answer the steps in order (a step is asked only when its condition holds)."""
    if i == len(flow.steps):
        yield values
        return
    s = flow.steps[i]
    if s.when is not None and not _holds(s.when, values):
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


_ENVS: dict[tuple, dict[str, Any]] = {}


def _env(flow: Flow, part: Any, values: dict[str, Any]) -> dict[str, Any]:
    """part_env, once per part and combination (the outcome and the ✗-line check both read it)."""
    key = (id(part), tuple(sorted(values.items())))
    if key not in _ENVS:
        if len(_ENVS) > 4096:
            _ENVS.clear()
        _ENVS[key] = part_env(part, values)
    return _ENVS[key]


def _outcomes_now(flow: Flow, values: dict[str, Any]) -> dict[str, tuple[int, str, str]]:
    out = {}
    for part in flow.parts:
        if applies(part, values):
            rules = fired(part, _env(flow, part, values))
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
        env = _env(flow, part, values)
        for rule in fired(part, env):
            for line in rule.why:
                if not line.text.lstrip().startswith("✗") or (line.when is not None and not line.when.holds(env)):
                    continue
                named = (line.when.names if line.when is not None else set()) | set(_PLACEHOLDER.findall(line.text))
                if named & set(unsure):
                    return line.text
    return None


def _reads(flow: Flow, title: str, rule_name: str) -> set[str]:
    """The answers a rule's condition reads, through the part's named conditions, and the part's own condition."""
    part = next(p for p in flow.parts if p.title == title)
    rule = next(r for r in part.rules if r.name == rule_name)
    conditions = dict(part.conditions)
    out: set[str] = set(part.when.names) if part.when is not None else set()
    todo = list(rule.when.names) if rule.when is not None else []
    while todo:
        n = todo.pop()
        if n in out:
            continue
        out.add(n)
        if n in conditions:
            todo += list(conditions[n].names)
    return out


def _may_turn(flow: Flow, title: str, rule_name: str, values: dict[str, Any], unsure: list[str]) -> bool:
    """Whether real answers in place of the unsure ones could change what the fired rule reads: the unsure
    answers themselves and the steps they would open (a count of 3 opens its contract question). When they
    cannot, the rule fires for every real answer as well, and those combinations are checked in their own turn
    (exactly one rule each), so its outcome holds for them."""
    changing = set(unsure)
    for s in flow.steps:
        if s.slot not in values and s.when is not None and s.when.names & changing:
            changing.add(s.slot)
    return bool(_reads(flow, title, rule_name) & changing)


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
            if not _may_turn(flow, title, names, values, unsure):
                continue  # the rule reads none of what a real answer could change: it fires for each of them too
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
    _HOLDS.clear()
    _ENVS.clear()
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
