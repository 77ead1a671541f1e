"""`labor-bot kb …`: the knowledge base indexed in SQLite (sqlite-utils) for listing, showing and search."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from bot.kb.loader import KnowledgeBase
from bot.kb.schema import Measure
from bot.textnorm import to_simplified


def measure_record(kb: KnowledgeBase, m: Measure) -> dict:
    d = dataclasses.asdict(m)
    d["units"] = {"lead": list(m.units.lead), "cooperating": list(m.units.cooperating)}
    d["document"] = kb.documents[m.region].title
    return d


def build_sqlite(kb: KnowledgeBase, path: Path | str = ":memory:"):
    """Tables documents, measures, facts, updates: one row per record, lists as JSON."""
    import sqlite_utils

    db = sqlite_utils.Database(path, recreate=path != ":memory:")
    db.table("documents").insert_all(
        [{k: (str(v) if v is not None and not isinstance(v, (int, str)) else v) for k, v in
          dataclasses.asdict(d).items()} for d in kb.documents.values()], pk="region", alter=True)
    rows, facts = [], []
    for m in kb.measures.values():
        r = measure_record(kb, m)
        for f in r.pop("facts"):
            facts.append({"measure_id": m.id, **f})
        rows.append({k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, tuple, dict)) else v)
                     for k, v in r.items()})
    db.table("measures").insert_all(rows, pk="id", alter=True)
    db.table("facts").insert_all(facts, alter=True, foreign_keys=[("measure_id", "measures", "id")])
    db.table("updates").insert_all([{"id": u.id, "topic": u.topic, "applies_to": json.dumps(u.applies_to),
                                     "periods": json.dumps([dataclasses.asdict(p) for p in u.periods], default=str,
                                                           ensure_ascii=False)} for u in kb.updates.values()],
                                   pk="id", alter=True)
    return db


def kb_command(kb: KnowledgeBase, args) -> int:
    out = sys.stdout
    if args.kb_command == "check":
        from bot.announce import load_topics
        from bot.dialogs import load_flows
        from bot.points import load_points

        by = {r: len(kb.by_region(r)) for r in kb.documents}
        facts = sum(len(m.facts) for m in kb.measures.values())
        flows, topics = load_flows(kb), load_topics(kb)  # validated too: errors name file and record
        points = load_points(kb)  # answer points and scope: quotes verbatim, facets and regions known
        from bot.dialogs.tables import check_all

        combos, problems = check_all(flows)  # decision tables: exactly one rule, 不确定 never a verdict
        if problems:
            for line in problems:
                print(f"labor-bot kb check: {line}", file=sys.stderr)
            return 1
        regions = "、".join(kb.texts["kb_region_count"].format(name=kb.documents[r].name, count=n) for r, n in by.items())
        print(kb.texts["kb_check_ok"].format(
            measures=len(kb.measures), regions=regions, facts=facts, updates=len(kb.updates), checks=len(flows),
            topics=len(topics), points=len(points.points), oos=len(points.oos), files=len(kb.files), combos=combos))
        return 0
    db = build_sqlite(kb)
    if args.kb_command == "list":
        where = "region = ?" if args.region else None
        if args.region and args.region not in kb.documents:
            known = "、".join(f"{r}（{d.name}）" for r, d in kb.documents.items())
            print("labor-bot kb list: " + kb.texts["audience_unknown_region"].format(region=args.region, regions=known),
                  file=sys.stderr)
            return 2
        rows = list(db["measures"].rows_where(where, [args.region] if args.region else None,
                                              select="id, region, number, title", order_by="region, \"index\""))
        if args.json:
            out.write(json.dumps(rows, ensure_ascii=False) + "\n")
        else:
            for r in rows:
                out.write(f"{r['id']}\t（{r['number']}）{r['title']}\n")
        return 0
    if args.kb_command == "show":
        m = kb.measures.get(args.id)
        if m is None:
            print("labor-bot kb show: " + kb.texts["kb_no_measure"].format(id=args.id), file=sys.stderr)
            return 1
        rec = measure_record(kb, m)
        if args.json:
            out.write(json.dumps(rec, ensure_ascii=False, indent=1) + "\n")
            return 0
        doc, t = kb.documents[m.region], kb.texts
        lines = [t["kb_show_head"].format(id=m.id, title=doc.title, number=m.number, name=m.title)]
        if m.section:
            lines.append(t["kb_show_section"].format(section=m.section))
        lines += [t["kb_show_text"].format(text=m.text), t["kb_show_summary"].format(summary=m.summary),
                  t["kb_show_lead"].format(units="、".join(m.units.lead)),
                  t["kb_show_cooperating"].format(units="、".join(m.units.cooperating) or "—")]
        lines += [t["kb_show_fact_value"].format(label=f.label, value=f"{f.value:g}", unit=f.unit)
                  if f.value is not None else t["kb_show_fact"].format(label=f.label) for f in m.facts]
        lines += [t["kb_show_targets"].format(targets="、".join(m.targets)),
                  t["kb_show_topics"].format(topics="、".join(m.topics)),
                  t["kb_show_keywords"].format(keywords="、".join(m.keywords)),
                  t["kb_show_counterpart"].format(counterpart=m.counterpart or "—")]
        lines += [t["kb_show_update"].format(update=u) for u in m.updates]
        lines += [t["kb_show_note"].format(note=n) for n in m.notes]
        out.write("\n".join(lines) + "\n")
        return 0
    if args.kb_command == "search":
        term = to_simplified(args.term.strip())
        if not term:
            print("labor-bot kb search: " + kb.texts["kb_search_empty"], file=sys.stderr)
            return 2
        like = f"%{term}%"
        rows = list(db.query(
            "select id, number, title, (length(text) - length(replace(text, :t, ''))) / length(:t) as hits "
            "from measures where text like :l or title like :l or keywords like :l or aliases like :l "
            "order by hits desc, region, \"index\"", {"t": term, "l": like}))
        if args.json:
            out.write(json.dumps(rows, ensure_ascii=False) + "\n")
        elif not rows:
            out.write(kb.texts["kb_search_none"].format(term=term) + "\n")
        else:
            for r in rows:
                out.write(f"{r['id']}\t（{r['number']}）{r['title']}\t{r['hits']}\n")
        return 0
    return 2
