"""Machine instructions per Telegram update of `labor-bot run` and of the bare PTB echo bot, counted by valgrind
(callgrind) in the deployment shape of benchmarks/telegram_throughput.py: unlike CPU time on a shared machine the
count does not move with other load, so two versions of the channel compare exactly.

    python benchmarks/telegram_instructions.py [--users 30] [--questions 5] [--only labor|echo]   # needs valgrind

Each bot runs under callgrind against the fake Bot API; after a warm-up (other users) the counters are zeroed
(callgrind_control), every user's questions are pushed at once, and once every reply is in the counters are
dumped: instructions / updates. String hashing is fixed (PYTHONHASHSEED=0). The ratio of the two counts is what the
throughput goal (≥ 0.8 of the echo bot's updates/s) needs when both are CPU-bound: at most 1.25.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from deployment import BotProcess, FakeServer  # noqa: E402
from questions import for_user, pool  # noqa: E402


class Callgrind(BotProcess):
    """The bot's command under callgrind, its output files in the bot's folder."""

    def __init__(self, kind: str, server: FakeServer, folder: Path):
        real = subprocess.Popen

        def under_valgrind(args, **kw):
            kw["env"] = {**kw["env"], "PYTHONHASHSEED": "0", "LABOR_BOT_TELEGRAM_RATE": "1000000"}
            return real(["valgrind", "--tool=callgrind", "--cache-sim=no",
                         f"--callgrind-out-file={folder}/cg.%p", *args], **kw)

        subprocess.Popen = under_valgrind  # type: ignore[assignment, misc]
        try:
            super().__init__(kind, server, folder)
        finally:
            subprocess.Popen = real  # type: ignore[misc]


def _control(pid: int, *args: str) -> None:
    subprocess.run(["callgrind_control", *args, str(pid)], check=True, capture_output=True)


def _dumped(folder: Path) -> int:
    dumps = sorted(folder.glob("cg.*.*"), key=lambda p: p.stat().st_mtime)
    text = dumps[-1].read_text(errors="replace")
    return int(re.search(r"^(?:summary|totals): (\d+)", text, re.M).group(1))  # type: ignore[union-attr]


async def count(kind: str, users: int, per_user: int) -> float:
    folder = Path(tempfile.mkdtemp(prefix=f"labor-bot-instr-{kind}-"))
    async with FakeServer() as server:
        proc = Callgrind(kind, server, folder)
        try:
            await server.wait_polling(proc, timeout=900)
            await server.push([(900_000 + u, pool()[-1 - u]) for u in range(20)])  # warm-up
            await server.wait_sent(20, 900)
            await asyncio.sleep(3)
            await server.reset()
            _control(proc.proc.pid, "--zero")
            messages = [(1000 + u, q) for u in range(users) for q in for_user(u, per_user)]
            await server.push(messages)
            await server.wait_sent(len(messages), 1800)  # at least one reply per update; then until no more come
            before = -1
            while before != (before := (await server.stats())["sent"]):
                await asyncio.sleep(5)
            _control(proc.proc.pid, "--dump")
            await asyncio.sleep(1)
            return _dumped(folder) / len(messages)
        finally:
            proc.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=30)
    ap.add_argument("--questions", type=int, default=5)
    ap.add_argument("--only", choices=["labor", "echo"])
    a = ap.parse_args()
    got = {}
    for kind in [a.only] if a.only else ["echo", "labor"]:
        got[kind] = asyncio.run(count(kind, a.users, a.questions))
        print(f"{kind}: {got[kind] / 1e6:.2f} M instructions per update ({a.users} users × {a.questions} questions)")
    if len(got) == 2:
        print(f"labor-bot / echo bot: {got['labor'] / got['echo']:.2f} (the throughput goal needs ≤ 1.25)")


if __name__ == "__main__":
    main()
