"""Write a check's result: outcome, each condition met or not, the amount, the quoted text, the
ceiling in force today (from a later, named document, kept apart), national rules (named and dated,
kept apart), the measure cited, whom to ask and what to do next."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from bot import loan_math
from bot.answer import Answerer
from bot.dialogs.rules import PartResult, part_env
from bot.dialogs.schema import Flow, Line
from bot.kb import KnowledgeBase
from bot.kb.loader import squash

OUTCOME_TEXT = {"eligible": "dialog_eligible", "not_eligible": "dialog_not_eligible", "ask_office": "dialog_ask_office"}
WHO_TEXT = {"individual": "dialog_update_individual", "enterprise": "dialog_update_enterprise"}


class _Values(dict):
    """Template values: a slot shows as its option's label (泸州市, 是), a number plainly."""

    def __missing__(self, key: str) -> str:
        return ""


class ResultWriter:
    def __init__(self, kb: KnowledgeBase, today: Callable[[], dt.date]):
        self.kb, self.t, self.today = kb, kb.texts, today
        self.answers = Answerer(kb)

    def shown(self, flow: Flow, values: dict[str, Any]) -> _Values:
        return _Values({s.slot: s.show(values[s.slot]) for s in flow.steps if s.slot in values})

    def _lines(self, lines: tuple[Line, ...], env: dict[str, Any], shown: _Values) -> list[str]:
        out = []
        for ln in lines:
            if ln.when is None or ln.when.holds(env):
                text = ln.text.format_map(shown)
                out.append(self.t["dialog_national_line"].format(text=text, source=ln.source) if ln.source else text)
        return out

    def write(self, flow: Flow, values: dict[str, Any], results: list[PartResult],
              shown: dict[str, str] | None = None) -> str:
        """shown: how some answers read instead of their value (an approximate count: 115至125)."""
        region = values.get("region", "")  # "": no region answered, so no document and no region values
        doc = self.kb.documents.get(region)
        shown = _Values({**self.shown(flow, values), **(shown or {})})
        out = [self.t["dialog_result_head"].format(title=flow.title, region=doc.name if doc else "")]
        cited: list[str] = []
        national: list[str] = []
        for r in results:
            env = part_env(r.part, values)
            local = _Values({**shown, **{k: v.get(region, "") for k, v in r.part.values.items()},
                             **self._current(r.part.update, values)})
            out.append(self.t["dialog_part"].format(title=r.part.title, outcome=self.t[OUTCOME_TEXT[r.outcome]]))
            out += self._lines(r.rule.why, env, local)
            if r.rule.amount_text:
                value = "" if r.amount is None else (f"{r.amount:,}" if isinstance(r.amount, int) else f"{r.amount:g}")
                out.append(self.t["dialog_amount"].format(amount=r.rule.amount_text.format_map(
                    _Values({**local, "value": value}))))
            texts = {m: squash(self.kb.measures[m].text) for m in r.cite}
            for q in r.rule.quotes:
                if any(squash(q) in t for t in texts.values()):
                    out.append(self.t["dialog_quote"].format(quote=q))
            out += self._lines(r.rule.notes, env, local)
            if r.part.update and r.outcome != "not_eligible":
                out.append(self._update(*r.part.update))
            out += self._lines(r.part.related, env, local)
            national += self._lines(r.rule.national, env, local)
            units = "、".join(dict.fromkeys(u for m in r.cite for u in self.kb.measures[m].units.lead))
            if r.part.next:
                out.append(self.t["dialog_next"].format(next=r.part.next.format_map(
                    _Values({**local, "units": units}))))
            cited += [m for m in r.cite if m not in cited]
        national += self._lines(flow.national, values, shown)
        if national:
            out.append(self.t["dialog_national_head"])
            out += list(dict.fromkeys(national))
        measures = [self.kb.measures[m] for m in cited]
        for m in measures:
            out.append(self.answers.cite(m) + " " + self.answers.say("contact", units="、".join(m.units.lead)))
        out += self.answers.validity_notes(measures, self.today())
        out.append(self.t["dialog_done"])
        return "\n".join(out)

    def _current(self, update: tuple[str, str] | None, values: dict[str, Any]) -> dict[str, str]:
        """{current}, {current_doc}: the figure in force today from a later document (川财金〔2025〕30号: 50万元),
        so an amount line can lead with it; empty when no later document is in force. With partners answered,
        {partnership}, {share}, {enterprise}, {partnership_doc}: a partnership's ceiling from knowledge/loan_math.yaml."""
        if not update:
            return {}
        p = self.kb.updates[update[0]].in_force(self.today())
        if p is None:
            return {}
        out = {"current": getattr(p, update[1]), "current_doc": p.number}
        n = values.get("partners")
        if update[1] == "individual" and isinstance(n, int) and n >= 2:
            rules = loan_math.load_rules(str(self.kb.root))
            ceiling = loan_math.partnership_ceiling(n, p.individual, p.enterprise, rules)
            if ceiling is not None:
                unit = re.sub(r"[\d.,\s]+", "", p.enterprise)  # the later document's own unit (万元)
                out.update(partnership=f"{ceiling[1]:g}{unit}", share=f"{rules.partner_share * 100:g}%",
                           enterprise=p.enterprise, partnership_doc=rules.partner_document)
        return out

    def _update(self, uid: str, field: str) -> str:
        u = self.kb.updates[uid]
        p = u.in_force(self.today())
        if p is None:
            return self.answers.say("update_none", topic=u.topic)
        return self.t["dialog_update"].format(
            topic=u.topic, who=self.t[WHO_TEXT[field]], amount=getattr(p, field), document=p.document,
            number=p.number, scope=p.scope or self.t["dialog_update_since"].format(start=p.start_text))
