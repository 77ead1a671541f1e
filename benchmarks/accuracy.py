"""Top-1 accuracy and out-of-scope rejection through the real `labor-bot ask --jsonl`.

Usage: python benchmarks/accuracy.py [QUESTIONS.yaml ...]
Default: the shared dev set (../shared/eval/dev_questions.yaml) and our own tests/data/questions.yaml.
VERBOSE=1 lists the misses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [ROOT.parent / "shared" / "eval" / "dev_questions.yaml", ROOT / "tests" / "data" / "questions.yaml"]


def score(path: Path) -> str:
    qs = yaml.safe_load(path.read_text(encoding="utf-8"))
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--jsonl"], capture_output=True, text=True,
                         input="".join(str(q["q"]).replace("\n", " ") + "\n" for q in qs), check=True, cwd=ROOT)
    wall = time.perf_counter() - t
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    ins = [(q, r) for q, r in zip(qs, rows) if q["expect"]]
    oos = [(q, r) for q, r in zip(qs, rows) if not q["expect"]]
    top1 = sum(bool(r["measures"]) and r["measures"][0] in q["expect"] for q, r in ins)
    top3 = sum(any(m in q["expect"] for m in r["measures"][:3]) for q, r in ins)
    rej = sum(not r["measures"] for _, r in oos)
    if os.environ.get("VERBOSE"):
        for q, r in ins:
            if not (r["measures"] and r["measures"][0] in q["expect"]):
                print("  MISS", q["q"], q["expect"], r["measures"][:3])
        for q, r in oos:
            if r["measures"]:
                print("  OOS-ANSWERED", q["q"], r["measures"][:3])
    return (f"{path.name}: {len(qs)} questions in {wall:.2f}s: top1={top1 / len(ins):.3f} ({top1}/{len(ins)}) "
            f"top3={top3 / len(ins):.3f} oos_rejected={rej / max(1, len(oos)):.3f} ({rej}/{len(oos)})")


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or [p for p in DEFAULT if p.is_file()]
    for p in paths:
        print(score(p))


if __name__ == "__main__":
    main()
