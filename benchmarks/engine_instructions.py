"""Machine instructions the engine spends per message, counted by valgrind (callgrind): unlike CPU time on a
shared machine, the count does not move with other load, so two versions compare exactly.

    python benchmarks/engine_instructions.py [N]   # needs valgrind (apt-get install valgrind); N messages (300)

It runs this file under callgrind twice, with 0 and with N measured messages after the same warm-up (100
messages of other users), and prints (instructions with N − instructions with 0) / N. String hashing is fixed
(PYTHONHASHSEED=0): with it random, the order of sets changes the work done by about ±3 %.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]


def _messages(n: int) -> None:
    from bot.app import build_engine
    from bot.config import Config
    from bot.models import Incoming
    from questions import for_user

    engine = build_engine(Config(db=os.path.join(tempfile.mkdtemp(), "b.sqlite")))

    async def go() -> None:
        for u in range(20):  # warm-up: caches, lazy imports, the database file
            for q in for_user(u, 5):
                await engine.handle(Incoming(f"w{u}", q, channel="telegram"))
        done = 0
        for u in range(20, 10_000):
            for q in for_user(u, 10):
                if done >= n:
                    return
                await engine.handle(Incoming(f"m{u}", q, channel="telegram"))
                done += 1

    asyncio.run(go())


def _count(n: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run(["valgrind", "--tool=callgrind", "--cache-sim=no", f"--callgrind-out-file={tmp}/out",
                              sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, check=True,
                             # set order, hence the paths taken, fixed; the index built in memory: a shared cache
                             # file (rebuilt by another run meanwhile) moved start-up by 0.5 G, ±1.5 M a message
                             env={**os.environ, "PYTHONHASHSEED": "0", "LABOR_BOT_NO_CACHE": "1"})
    return int(re.search(r"Collected : (\d+)", run.stderr).group(1))  # type: ignore[union-attr]


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        _messages(int(sys.argv[2]))
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    base, measured = _count(0), _count(n)
    print(f"engine: {(measured - base) / n / 1e6:.2f} M instructions per message over {n} messages "
          f"(callgrind; {base / 1e9:.2f} G for start-up and warm-up)")


if __name__ == "__main__":
    main()
