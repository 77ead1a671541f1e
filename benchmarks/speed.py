"""Matcher speed on one core, cold `labor-bot ask` wall time, and peak memory of that process.

Usage: python benchmarks/speed.py
Goals (issue 2): median ≤ 1 ms per question; cold ask ≤ 1.0 s; RSS ≤ 150 MB.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.kb import load_kb  # noqa: E402
from bot.matcher import Index, Matcher  # noqa: E402


def questions() -> list[str]:
    paths = [ROOT.parent / "shared" / "eval" / "dev_questions.yaml", ROOT / "tests" / "data" / "questions.yaml"]
    return [str(q["q"]) for p in paths if p.is_file() for q in yaml.safe_load(p.read_text(encoding="utf-8"))]


_CHILD = (
    "import resource, runpy, sys\n"
    "sys.argv = ['labor-bot', 'ask', '泸州创业担保贷款个人最多能贷多少']\n"
    "try:\n    runpy.run_module('bot.cli', run_name='__main__')\n"
    "finally:\n    print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


def cold_ask(env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `labor-bot ask` process, as it reports itself."""
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    rss = int(out.stderr.rsplit("RSS", 1)[1].split()[0])
    return wall, rss / 1024


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core
    kb = load_kb()
    t = time.perf_counter()
    index = Index(kb)
    build = time.perf_counter() - t
    m = Matcher(index)
    qs = questions()
    for q in qs:  # warm up (lazy OpenCC load)
        m.match(q)
    times = []
    for _ in range(20):
        for q in qs:
            t = time.perf_counter_ns()
            m.match(q)
            times.append((time.perf_counter_ns() - t) / 1e6)
    times.sort()
    print(f"index build: {build:.2f}s for {len(kb.measures)} measures")
    print(f"matcher: {len(qs)} questions x 20, one core: median {statistics.median(times):.3f} ms, "
          f"p95 {times[int(len(times) * 0.95)]:.3f} ms, max {times[-1]:.3f} ms")
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "LABOR_BOT_CACHE": cache}
        first, rss1 = cold_ask(env)
        runs = [cold_ask(env) for _ in range(5)]
    print(f"cold ask, empty cache (builds the index): {first:.2f}s, peak RSS {rss1:.0f} MB")
    print(f"cold ask, cached index: median {statistics.median(r[0] for r in runs):.2f}s over 5 runs, "
          f"peak RSS {max(r[1] for r in runs):.0f} MB")


if __name__ == "__main__":
    main()
