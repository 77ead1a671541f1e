"""Evaluate a flow's rules on the answers: one outcome per part, first matching rule wins."""

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


def evaluate(flow: Flow, values: dict[str, Any]) -> list[PartResult]:
    out = []
    for part in flow.parts:
        if not applies(part, values):
            continue
        env = {**values, **{k: v.get(values.get("region"), "") for k, v in part.values.items()}}
        rule = next(r for r in part.rules if r.when is None or r.when.holds(env))
        amount = rule.amount(env) if rule.amount else None
        if isinstance(amount, float) and amount == int(amount):
            amount = int(amount)
        cite = (rule.cite if rule.cite is not None else part.cite).get(values.get("region"), ())
        out.append(PartResult(part, rule, rule.outcome, amount, cite))
    return out
