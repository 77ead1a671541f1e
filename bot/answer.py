"""Turn a Match into reply text: the fact asked for first, then source, contact, dated notes, next steps."""

from __future__ import annotations

import datetime as dt
import re

from bot.callback import encode
from bot.kb import KnowledgeBase
from bot.kb.schema import Measure
from bot.matcher import Match
from bot.models import Button, Reply

SIDE_BY_SIDE_LEAD = 90  # characters of each region's summary when two are shown together


class Answerer:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.t = kb.texts

    def say(self, key: str, **kw) -> str:
        return self.t[key].format(**kw)

    # -- pieces -------------------------------------------------------------------------------
    def cite(self, m: Measure) -> str:
        return self.say("cite", title=self.kb.documents[m.region].cite_title, number=m.number)

    def key_facts(self, m: Measure, facets: list[str]) -> str:
        """The facts of the kind asked for, in one line: figures for 多少, with the limits that bound
        them (每年只享受一次, 不可同时领取失业保险金); limits alone for 几次."""
        if "amount" in facets:
            key = [f for f in m.facts if f.kind in ("amount", "rate")] + [f for f in m.facts if f.kind == "limit"]
        elif "often" in facets:
            key = [f for f in m.facts if f.kind == "limit"]
        else:
            return ""
        if not any(f.value is not None for f in key) and "often" not in facets:
            return ""
        return "；".join(f"{f.label}{f.value:g}{f.unit}" if f.kind in ("amount", "rate") else f.label for f in key)

    def lead(self, m: Measure, match: Match, short: bool) -> str:
        facts = self.key_facts(m, match.facets)
        words = {h.term for h in match.hits} | {match.norm[h.start:h.end] for h in match.hits}
        summary = _relevant_sentences(m.summary, words, SIDE_BY_SIDE_LEAD) if short else m.summary
        if facts and short:
            return facts + "。"
        if not facts:
            return summary
        # the summary's sentences that repeat the figures just given are left out
        figures = [f"{f.value:g}{f.unit[:1]}" for f in m.facts if f.value is not None and f.label in facts]
        rest = "".join(x for x in re.findall(r"[^。；]+[。；]?", summary) if not any(g in x for g in figures))
        return f"{facts}。{rest}"

    def update_notes(self, measures: list[Measure], today: dt.date) -> list[str]:
        out, seen = [], set()
        for m in measures:
            for uid in m.updates:
                if uid in seen:
                    continue
                seen.add(uid)
                u = self.kb.updates[uid]
                p = u.in_force(today)
                out.append(self.say("update_now", topic=u.topic, individual=p.individual, enterprise=p.enterprise,
                                    number=p.number, scope=p.scope or "") if p else self.say("update_none",
                                                                                            topic=u.topic))
                docs = {self.kb.documents[x.region] for x in measures}
                if any(d.amounts_until and today > d.amounts_until for d in docs):
                    out.append(self.say("amounts_after"))
                out.append(self.say("update_confirm"))
        return out

    def validity_notes(self, measures: list[Measure], today: dt.date) -> list[str]:
        out = []
        for region in dict.fromkeys(m.region for m in measures):
            doc = self.kb.documents[region]
            if doc.expires:
                key = "validity_expired" if today > doc.expires else "validity_left"
                out.append(self.say(key, name=doc.short, expires=_cn_date(doc.expires), office=doc.office))
        return out

    # -- whole replies ------------------------------------------------------------------------
    def measures_reply(self, match: Match, today: dt.date) -> list[Reply]:
        ms = [self.kb.measures[i] for i in match.measures]
        shown = ms[:2] if match.side_by_side else ms[:1]
        both = len(shown) > 1
        lines: list[str] = [self.say("both_regions")] if both else []
        for m in shown:
            label = self.say("region_label", name=self.kb.documents[m.region].name)
            lines.append(label + self.lead(m, match, short=both))
            lines.append(self.cite(m))
            lines.append(self.say("contact", units="、".join(m.units.lead)))
            lines += [self.say("slip", note=n) for n in m.notes]
        lines += self.update_notes(shown, today)
        lines += self.validity_notes(shown, today)
        top = shown[0]
        if not both and len(self.kb.documents) > 1 and (match.outside_region or top.counterpart is None):
            other = next(d for r, d in self.kb.documents.items() if r != top.region)
            lines.append(self.say("only_region", name=self.kb.documents[top.region].name, other=other.name))
        buttons = [Button(self.t["full_text_button"], encode("text", top.id))]
        other_hint = ""
        if not both and top.counterpart:
            other = self.kb.documents[self.kb.measures[top.counterpart].region]
            other_hint = self.say("next_other", other=other.short)
            buttons.append(Button(other.short, encode("show", top.counterpart)))
        lines.append(self.say("next_steps", other_hint=other_hint))
        text = "\n".join(lines)
        if match.truncated:
            text = self.say("too_long", limit=400) + "\n" + text
        return [Reply(text, [buttons])]

    def full_text(self, m: Measure) -> Reply:
        doc = self.kb.documents[m.region]
        head = self.say("full_text_head", title=doc.title, number=m.number)
        parts = [head] + ([m.section] if m.section else []) + [f"（{m.number}）{m.text}"]
        parts += [self.say("slip", note=n) for n in m.notes]
        for uid in m.updates:
            parts += self.kb.updates[uid].extra
        return Reply("\n".join(parts))


def _relevant_sentences(text: str, words: set[str], limit: int) -> str:
    """The summary's sentences that mention what was asked, in order, within about limit characters."""
    sentences = re.findall(r"[^。；]+[。；]?", text)
    ranked = sorted(range(len(sentences)), key=lambda i: (-sum(w in sentences[i] for w in words if w), i))
    keep: list[int] = []
    for i in ranked:
        if keep and sum(len(sentences[k]) for k in keep) + len(sentences[i]) > limit:
            break
        keep.append(i)
    out = "".join(sentences[i] for i in sorted(keep))
    return out[:-1] + "。" if out.endswith("；") else out


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
