"""`labor-bot run` with measurements, for benchmarks (BENCH_PROFILE=path, BENCH_SQLITE=path):

- BENCH_SQLITE: every SQLite call (execute, executemany, commit) timed on the event loop; at exit the slowest
  calls and a histogram are written as JSON to that path.
- BENCH_PROFILE: a cProfile of the whole run written to that path (read it with pstats).
- BENCH_POOL: the Bot API connection pool instead of handlers.telegram.POOL_SIZE.
- BENCH_ENGINE_CPU: the CPU time of each Engine.handle call (it does not yield) summed; at exit the count and
  the mean CPU ms per call are written as JSON to that path (how much of an update the engine costs under load).
- BENCH_FIXED_REPLY: the engine answers every message with this text without reading it (a diagnosis: what
  the channel's own plumbing costs, the engine left out; never a measurement of the bot).

  python benchmarks/instrumented_run.py [wechat]     (environment as for `labor-bot run`, or `labor-bot wechat`)
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SLOW: list[tuple[float, str]] = []  # (seconds, statement) of the slowest calls
HIST = {"<0.1ms": 0, "<1ms": 0, "<5ms": 0, "<20ms": 0, ">=20ms": 0}
TOTAL = {"calls": 0, "seconds": 0.0}
ENGINE = {"calls": 0, "seconds": 0.0}


def _note(seconds: float, what: str) -> None:
    TOTAL["calls"] += 1
    TOTAL["seconds"] += seconds
    ms = seconds * 1000
    HIST["<0.1ms" if ms < 0.1 else "<1ms" if ms < 1 else "<5ms" if ms < 5 else "<20ms" if ms < 20 else ">=20ms"] += 1
    if len(SLOW) < 20 or seconds > SLOW[-1][0]:
        SLOW.append((seconds, " ".join(what.split())[:160]))
        SLOW.sort(reverse=True)
        del SLOW[20:]


class TimedConnection(sqlite3.Connection):
    def execute(self, sql, *args):
        t = time.perf_counter()
        try:
            return super().execute(sql, *args)
        finally:
            _note(time.perf_counter() - t, sql)

    def executemany(self, sql, *args):
        t = time.perf_counter()
        try:
            return super().executemany(sql, *args)
        finally:
            _note(time.perf_counter() - t, "many: " + sql)

    def commit(self):
        t = time.perf_counter()
        try:
            return super().commit()
        finally:
            _note(time.perf_counter() - t, "COMMIT")

    def cursor(self, *args, **kw):  # sqlite-utils executes through cursors too
        return super().cursor(TimedCursor)


class TimedCursor(sqlite3.Cursor):
    def execute(self, sql, *args):
        t = time.perf_counter()
        try:
            return super().execute(sql, *args)
        finally:
            _note(time.perf_counter() - t, sql)


def main() -> int:
    if os.environ.get("BENCH_POOL"):
        import handlers.telegram as tg

        tg.POOL_SIZE = int(os.environ["BENCH_POOL"])
    if os.environ.get("BENCH_SQLITE"):
        connect = sqlite3.connect
        sqlite3.connect = lambda *a, **kw: connect(*a, **{**kw, "factory": TimedConnection})
    if os.environ.get("BENCH_FIXED_REPLY"):
        from bot.engine import Engine
        from bot.models import Reply

        async def fixed(self, incoming):  # noqa: ARG001 - the engine left out on purpose
            return [Reply(os.environ["BENCH_FIXED_REPLY"])]

        Engine.handle = fixed  # type: ignore[method-assign]
    if os.environ.get("BENCH_ENGINE_CPU"):
        from bot.engine import Engine

        handle = Engine.handle

        async def timed(self, incoming):
            t = time.process_time()
            try:
                return await handle(self, incoming)
            finally:
                ENGINE["calls"] += 1
                ENGINE["seconds"] += time.process_time() - t

        Engine.handle = timed  # type: ignore[method-assign]
    from bot.cli import main as cli

    profile = os.environ.get("BENCH_PROFILE")
    if profile:
        import cProfile

        prof = cProfile.Profile()
        rc = prof.runcall(cli, sys.argv[1:] or ["run"])
        prof.dump_stats(profile)
    else:
        rc = cli(sys.argv[1:] or ["run"])
    if os.environ.get("BENCH_SQLITE"):
        Path(os.environ["BENCH_SQLITE"]).write_text(json.dumps(
            {"total": TOTAL, "histogram": HIST, "slowest_ms": [(round(s * 1000, 2), q) for s, q in SLOW]},
            ensure_ascii=False, indent=1))
    if os.environ.get("BENCH_ENGINE_CPU"):
        Path(os.environ["BENCH_ENGINE_CPU"]).write_text(json.dumps(
            {**ENGINE, "cpu_ms_per_call": round(ENGINE["seconds"] / max(1, ENGINE["calls"]) * 1000, 3)}))
    return rc


if __name__ == "__main__":
    sys.exit(main())
