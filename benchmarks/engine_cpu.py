"""Engine CPU per message, in one process, over the 1,030 varied real-style questions (benchmarks/questions.py),
and SQL statements per message: what the engine itself costs, apart from any channel.

    python benchmarks/engine_cpu.py            # statements per message, then CPU ms per message, best of REPS (5)
    python benchmarks/engine_cpu.py --profile  # and a cProfile of one more pass
"""

from __future__ import annotations

import asyncio
import collections
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from bot.app import build_engine  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.models import Incoming  # noqa: E402
from questions import for_user  # noqa: E402

USERS, PER_USER = 103, 10


async def run(engine, tag: str) -> int:
    n = 0
    for u in range(USERS):
        for q in for_user(u, PER_USER):
            await engine.handle(Incoming(f"{tag}{u}", q, channel="telegram"))
            n += 1
    return n


def main() -> None:
    reps = int(os.environ.get("REPS", 5))
    with tempfile.TemporaryDirectory() as tmp:
        engine = build_engine(Config(db=os.path.join(tmp, "b.sqlite")))
        assert engine.store is not None
        conn = engine.store.db.conn  # type: ignore[attr-defined]  # SQLite: count its statements
        asyncio.run(run(engine, "warm"))
        stmts: collections.Counter = collections.Counter()
        conn.set_trace_callback(lambda s: stmts.update([s.split()[0].lower()]))
        n = asyncio.run(run(engine, "s"))
        conn.set_trace_callback(None)
        print(f"statements/message: {sum(stmts.values()) / n:.2f} {dict(stmts)}")
        best = []
        for r in range(reps):
            t = time.process_time()
            n = asyncio.run(run(engine, f"r{r}_"))
            best.append((time.process_time() - t) / n * 1000)
        print(f"engine CPU ms/message over {n} messages: " + " ".join(f"{b:.3f}" for b in best)
              + f"  best {min(best):.3f}")
        if "--profile" in sys.argv:
            p = cProfile.Profile()
            p.enable()
            asyncio.run(run(engine, "p"))
            p.disable()
            pstats.Stats(p).sort_stats("tottime").print_stats(40)


if __name__ == "__main__":
    main()
