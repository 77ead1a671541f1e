"""Evaluate a flow's rules on the answers: one outcome per part, from the one rule whose condition holds.

The rules of a part are a decision table: `labor-bot kb check` proves, for every combination of answers,
that exactly one fires (bot/dialogs/tables.py). Should that ever not hold, the part says 需要确认 (its
fallback rule), never a verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.dialogs.schema import Flow, Part, Rule


@dataclass(frozen=True)
class PartResult:
    part: Part
    rule: Rule
    outcome: str
    amount: float | int | None
    cite: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"part": self.part.title, "rule": self.rule.name, "outcome": self.outcome,
                "amount": self.amount, "cite": list(self.cite)}


def applies(part: Part, values: dict[str, Any]) -> bool:
    return part.when is None or part.when.holds(values)


def part_env(part: Part, values: dict[str, Any]) -> dict[str, Any]:
    """Answers, the part's region values (ceiling: 30万元) and its named conditions, in order."""
    env = {**values, **{k: v.get(values.get("region", ""), "") for k, v in part.values.items()}}
    for name, expr in part.conditions:
        env[name] = expr.holds(env)
    return env


def fired(part: Part, env: dict[str, Any]) -> list[Rule]:
    return [r for r in part.rules if r.when is not None and r.when.holds(env)]


def evaluate(flow: Flow, values: dict[str, Any]) -> list[PartResult]:
    values = {**{s.slot: s.assume for s in flow.steps if s.assume}, **values}  # 到企业就业 unless said otherwise
    out = []
    for part in flow.parts:
        if not applies(part, values):
            continue
        env = part_env(part, values)
        rules = fired(part, env)
        rule = rules[0] if len(rules) == 1 else part.fallback
        assert rule is not None  # load_flow gives every part a fallback rule
        amount = rule.amount(env) if rule.amount else None
        if isinstance(amount, float) and amount == int(amount):
            amount = int(amount)
        cite = (rule.cite if rule.cite is not None else part.cite).get(values.get("region", ""), ())
        out.append(PartResult(part, rule, rule.outcome, amount, cite))
    return out
