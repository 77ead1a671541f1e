"""The deployment shape for Telegram benchmarks: every part in a process of its own on 127.0.0.1.

- FakeServer: tests/fake_bot_api.py run as a script (optionally enforcing N messages in any sliding second),
  driven over its control routes (/_push, /_sent, /_stats, /_reset).
- BotProcess: `labor-bot run` (python -m bot.cli run) or the bare PTB echo bot (benchmarks/echo_bot.py),
  with its CPU time read from /proc.
- measure_fake_alone: the fake server's own ceiling (sendMessage calls a second from a client process),
  so that a benchmark can show the server is not what it measures.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "4242:BENCH"
CLK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


class FakeServer:
    def __init__(self, max_per_second: int | None = None):
        self.port = free_port()
        args = [sys.executable, str(ROOT / "tests" / "fake_bot_api.py"), "--port", str(self.port), "--token", TOKEN]
        if max_per_second:
            args += ["--max-per-second", str(max_per_second)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self.proc.stdout is not None  # a PIPE
        line = self.proc.stdout.readline().decode()
        if not line.startswith("listening"):
            raise RuntimeError(f"fake Bot API did not start: {line!r}")
        self.url = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.url}/bot"
        self.session: aiohttp.ClientSession | None = None

    @property
    def http(self) -> aiohttp.ClientSession:
        assert self.session is not None, "use FakeServer in `async with`"
        return self.session

    async def __aenter__(self) -> "FakeServer":
        self.session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.http.close()
        self.proc.terminate()
        self.proc.wait(10)

    async def push(self, messages: list[tuple[int, str]]) -> list[tuple[int, float]]:
        async with self.http.post(f"{self.url}/_push", json={"messages": messages}) as r:
            return [tuple(p) for p in (await r.json())["pushed"]]

    async def sent(self, since: int = 0) -> list[dict]:
        async with self.http.get(f"{self.url}/_sent", params={"since": since}) as r:
            return (await r.json())["sent"]

    async def stats(self) -> dict:
        async with self.http.get(f"{self.url}/_stats") as r:
            return await r.json()

    async def reset(self) -> None:
        async with self.http.post(f"{self.url}/_reset") as r:
            await r.read()

    async def wait_sent(self, n: int, timeout: float, every: float = 0.05) -> None:
        end = time.monotonic() + timeout
        while (await self.stats())["sent"] < n:
            if time.monotonic() > end:
                raise TimeoutError(f"only {(await self.stats())['sent']} of {n} messages sent in {timeout:.0f} s")
            await asyncio.sleep(every)

    async def wait_polling(self, proc: "BotProcess", timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while (await self.stats())["calls"].get("getUpdates", 0) < 1:
            if proc.proc.poll() is not None or time.monotonic() > end:
                raise RuntimeError("the bot did not start polling:\n" + proc.output())
            await asyncio.sleep(0.05)


class BotProcess:
    """`labor-bot run` (kind="labor") or the bare echo bot (kind="echo") against the fake server."""

    def __init__(self, kind: str, server: FakeServer, folder: Path, env: dict[str, str] | None = None):
        self.log = folder / f"{kind}.log"
        base = {k: v for k, v in os.environ.items() if not k.startswith(("LABOR_BOT_", "TELEGRAM_", "WECHAT_"))}
        base |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": server.base_url,
                 "LABOR_BOT_DB": str(folder / "bench.sqlite"), "LABOR_BOT_CACHE": str(folder / "cache"),
                 "PYTHONPATH": str(ROOT), **(env or {})}
        # labor-bot run itself; with measurements (cProfile, SQLite call times, another pool) through
        # benchmarks/instrumented_run.py, which runs the same CLI
        measured = any(k in (env or {}) for k in ("BENCH_POOL", "BENCH_PROFILE", "BENCH_SQLITE", "BENCH_FIXED_REPLY",
                                                   "BENCH_ENGINE_CPU"))
        labor = ([sys.executable, str(ROOT / "benchmarks" / "instrumented_run.py")] if measured
                 else [sys.executable, "-m", "bot.cli", "run"])
        args = labor if kind == "labor" else [sys.executable, str(ROOT / "benchmarks" / "echo_bot.py")]
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(args, cwd=folder, env=base, stdout=out, stderr=out)

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


async def measure_fake_alone(server: FakeServer, n: int = 4000, concurrency: int = 64) -> float:
    """sendMessage calls a second the fake server answers from a client in another process (the ceiling)."""
    code = f"""
import asyncio, aiohttp, time
async def main():
    url = "{server.base_url}{TOKEN}/sendMessage"
    sem = asyncio.Semaphore({concurrency})
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit={concurrency})) as s:
        async def one(i):
            async with sem:
                async with s.post(url, json={{"chat_id": 900000 + i % 500, "text": "x"}}) as r:
                    await r.read()
        t0 = time.monotonic()
        await asyncio.gather(*(one(i) for i in range({n})))
        print({n} / (time.monotonic() - t0))
asyncio.run(main())
"""
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", code, stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    await server.reset()
    return float(out.decode().strip())


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p * (len(s) - 1))))] if s else float("nan")


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)
