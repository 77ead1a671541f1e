"""Scale: a generated knowledge base as if every county of Sichuan issued its own 22 measures.

Usage: python benchmarks/scale.py [--counties 183]
Builds N synthetic counties (made-up two-character names + 县, checked not to clash with any
vocabulary word), each with a copy of 泸定's 22 measures, loads it through the normal validating
loader, and reports index build time, median match time, and whether the county named in the
question is the one answered. Goal (issue 2): median ≤ 10 ms at ~4,000 measures.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.kb import load_kb  # noqa: E402
from bot.matcher import Index, Matcher  # noqa: E402

POOL = "青石桥松柳梅竹兰溪峰岭枫杉柏桦鹤鸥雁鹿泉潭湾屿坪坝沱堰塘"
QUESTIONS = ["{c}创业担保贷款能贷多少", "我是{c}的 培训补贴", "{c} 劳务经纪人组织脱贫人口就业补助",
             "{c}技能大师工作室", "在{c}开民宿 贷款", "{c}劳务品牌商标保护"]


def names(n: int, vocab: set[str]) -> list[str]:
    out = []
    for a, b in itertools.permutations(POOL, 2):
        name = a + b + "县"
        if not any(name[i:j] in vocab for i in range(3) for j in range(i + 2, 4)):
            out.append(name)
        if len(out) == n:
            return out
    raise SystemExit(f"only {len(out)} names available")


def build(root: Path, counties: list[str]) -> None:
    src = ROOT / "knowledge"
    for f in ("lexicon.yaml", "intents.yaml", "texts.yaml"):
        shutil.copy(src / f, root / f)
    (root / "updates.yaml").write_text("[]\n", encoding="utf-8")
    luding = yaml.safe_load((src / "measures" / "luding.yaml").read_text(encoding="utf-8"))
    base_doc = yaml.safe_load((src / "documents.yaml").read_text(encoding="utf-8"))[0]
    docs, places = [], {}
    (root / "measures").mkdir()
    for i, name in enumerate(counties):
        region = f"c{i:03d}"
        docs.append({**base_doc, "region": region, "name": name, "short": name[:2],
                     "title": f"{name}特色劳务品牌二十二条措施", "cite_title": f"{name}二十二条措施"})
        places[region] = [name, name[:2]]
        ms = [{**m, "id": f"{region}-{m['id'][-2:]}", "counterpart": None, "updates": []} for m in luding]
        (root / "measures" / f"{region}.yaml").write_text(yaml.safe_dump(ms, allow_unicode=True), encoding="utf-8")
    (root / "documents.yaml").write_text(yaml.safe_dump(docs, allow_unicode=True), encoding="utf-8")
    (root / "places.yaml").write_text(yaml.safe_dump(places, allow_unicode=True), encoding="utf-8")


def run(n: int, vocab: set[str]) -> None:
    counties = names(n, vocab)
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        build(root, counties)
        t = time.perf_counter()
        kb = load_kb(root)
        load = time.perf_counter() - t
        t = time.perf_counter()
        m = Matcher(Index(kb))
        idx = time.perf_counter() - t
    rng = random.Random(7)
    qs = [(rng.choice(QUESTIONS).format(c=c), f"c{i:03d}") for i, c in enumerate(counties) for _ in range(2)]
    for q, _ in qs[:20]:
        m.match(q)
    times, right = [], 0
    for q, region in qs:
        t = time.perf_counter_ns()
        r = m.match(q)
        times.append((time.perf_counter_ns() - t) / 1e6)
        right += bool(r.measures) and r.measures[0].startswith(region + "-")
    print(f"{n:4d} counties, {len(kb.measures):5d} measures: load {load:5.2f}s, index {idx:5.2f}s, "
          f"median {statistics.median(times):6.3f} ms, p95 {sorted(times)[int(len(times) * .95)]:6.3f} ms, "
          f"named county answered {right}/{len(qs)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, nargs="*", default=[2, 10, 50, 100, 183])
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    vocab = set(Index(load_kb()).postings)
    for n in args.counties:
        run(n, vocab)


if __name__ == "__main__":
    main()
