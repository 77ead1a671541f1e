"""`labor-bot wechat --workers N`: N server processes on one address (SO_REUSEPORT) and one database, so a burst
of messages is answered on every CPU (each worker computes replies outside the write lock: handlers/wechat.py).

This process only supervises. SIGTERM and SIGINT go to every worker, which finish the replies in flight; when a
worker stops on its own, the others are stopped too and its exit code is returned, so systemd or compose
restarts the whole set rather than running one short.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Sequence

POLL_SECONDS = 0.2


def run_workers(argv: Sequence[str], n: int) -> int:
    """Run `labor-bot <argv>` n times (argv without --workers) until they stop; the first failure's exit code."""
    procs = [subprocess.Popen([sys.executable, "-m", "bot.cli", *argv]) for _ in range(n)]
    stopping = False

    def stop_all(sig: int = signal.SIGTERM) -> None:
        nonlocal stopping
        stopping = True
        for p in procs:
            if p.poll() is None:
                p.send_signal(sig)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda s, _frame: stop_all(s))
    while any(p.poll() is None for p in procs):
        if not stopping and any(p.poll() is not None for p in procs):
            stop_all()  # one stopped on its own: stop the set, so it is restarted whole
        time.sleep(POLL_SECONDS)
    return next((p.returncode for p in procs if p.returncode not in (0, -signal.SIGTERM, -signal.SIGINT)), 0)
