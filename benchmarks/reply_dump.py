"""Every reply the bot gives to the repo's question sets, written to one file, so that a change meant to make the
bot faster can be shown to change no reply (diff two dumps; they must be byte-identical).

Two parts, each in a subprocess with PYTHONHASHSEED=0 and a fixed LABOR_BOT_TODAY:
  ask     `labor-bot ask --jsonl` over every question of ../shared/eval/dev_questions.yaml, dev_answers.yaml and
          tests/data/blind_answers*.yaml (the stateless path)
  handle  the engine with its store (engine.handle, as the channels call it): USERS users asking their questions
          of benchmarks/questions.py in turn, as the load benchmarks do (state, follow-ups, checks started by text)

  python benchmarks/reply_dump.py OUT [--users 300] [--questions 10]
  diff before.txt after.txt
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
ASK_SOURCES = [SHARED / "dev_questions.yaml", SHARED / "dev_answers.yaml",
               *sorted((ROOT / "tests" / "data").glob("blind_answers*.yaml"))]

HANDLE = """
import asyncio, json, sys
sys.path[:0] = [{root!r}, {bench!r}]
from bot.app import build_engine
from bot.config import Config
from bot.models import Incoming
from questions import for_user

async def main():
    engine = build_engine(Config(db={db!r}))
    for u in range({users}):
        for q in for_user(u, {questions}):
            replies = await engine.handle(Incoming(f"dump{{u}}", q, channel="telegram"))
            print(json.dumps({{"user": u, "q": q, "replies": [r.to_dict() for r in replies]}}, ensure_ascii=False,
                             default=str))
    engine.store.close()

asyncio.run(main())
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--users", type=int, default=300)
    ap.add_argument("--questions", type=int, default=10)
    a = ap.parse_args()
    qs = [str(item["q"]).strip() for path in ASK_SOURCES
          for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONHASHSEED": "0", "LABOR_BOT_TODAY": "2026-11-23", "LABOR_BOT_LOG_LEVEL": "ERROR",
               "LABOR_BOT_CACHE": str(Path(tmp) / "cache")}
        env.pop("LABOR_BOT_DATABASE_URL", None)
        ask = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--jsonl"], cwd=ROOT, env=env, check=True,
                             input="\n".join(q.replace("\n", " ") for q in qs).encode(), capture_output=True).stdout
        code = HANDLE.format(root=str(ROOT), bench=str(ROOT / "benchmarks"), db=str(Path(tmp) / "dump.sqlite"),
                             users=a.users, questions=a.questions)
        handle = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                                capture_output=True).stdout
    Path(a.out).write_bytes(ask + handle)
    print(json.dumps({"ask": ask.count(b"\n"), "handle": handle.count(b"\n"), "out": a.out}))


if __name__ == "__main__":
    main()
