"""Several `labor-bot serve` workers on one PostgreSQL: updates/s, and one announcement sent by two of them.

    python benchmarks/scale_out.py                      # starts a throw-away cluster with .ci/postgres.sh
    LABOR_BOT_DATABASE_URL=postgresql://… python benchmarks/scale_out.py [--updates 600] [--recipients 10000]

1. For 1, 2 and 4 workers (each a real `labor-bot serve`: webhook server and outbox sender) on a fresh schema,
   a fake Bot API in its own process, the load client spreading updates over the workers: updates/s from the
   first POST until every update is answered, and whether each was answered exactly once.
2. A 10,000-recipient announcement queued with `labor-bot announce … --yes`, sent by two workers at
   LABOR_BOT_BROADCAST_RATE; one worker is killed -9 a third of the way: the other finishes. Prints the
   recipients reached, duplicates, the most messages in any one second (the limit holds across both), time.
Everything listens on 127.0.0.1; the database is reached by its unix socket.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "4242:SCALE"
SECRET = "whsec-scale-out-0123456789"
QUESTION = "泸州创业贷款能贷多少"
NOTICE = "【测试通知】培训班下周一开班"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_schema(base: str) -> str:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as c:
        c.execute(f"create schema {schema}")
    return f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"


async def wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"worker exited: {proc.returncode}")
        try:
            _, w = await asyncio.open_connection("127.0.0.1", port)
            w.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise SystemExit("worker did not listen")


def start_workers(n: int, url: str, api: str, tmp: Path, extra: dict | None = None) -> list[tuple[subprocess.Popen, int]]:
    out = []
    for i in range(n):
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LABOR_BOT_", "TELEGRAM_"))}
        env |= {"LABOR_BOT_DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api,
                "TELEGRAM_WEBHOOK_SECRET": SECRET, "LABOR_BOT_LISTEN": f"127.0.0.1:{port}",
                "LABOR_BOT_CACHE": str(tmp / "cache"), "LABOR_BOT_TODAY": "2026-11-23", **(extra or {})}
        log = (tmp / f"worker-{n}-{i}.log").open("wb")
        p = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], env=env, stdout=log, stderr=log, cwd=tmp)
        out.append((p, port))
    return out


def stop(workers) -> None:
    for p, _ in workers:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p, _ in workers:
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()


async def sent(http: aiohttp.ClientSession, api_root: str) -> list[dict]:
    async with http.get(f"{api_root}/_sent") as r:
        return (await r.json())["sent"]


async def updates_per_second(n: int, base: str, api_root: str, tmp: Path, total: int) -> tuple[float, bool]:
    url = fresh_schema(base)
    workers = start_workers(n, url, f"{api_root}/bot", tmp)
    try:
        await asyncio.gather(*(wait_port(port, p) for p, port in workers))
        async with aiohttp.ClientSession() as http:
            await http.post(f"{api_root}/_reset")
            chats = list(range(900_000 + n * 10_000, 900_000 + n * 10_000 + total))
            queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
            for i, c in enumerate(chats):
                queue.put_nowait((i, c))
            t0 = time.monotonic()

            async def lane(k: int) -> None:
                while not queue.empty():
                    i, c = queue.get_nowait()
                    port = workers[i % n][1]
                    body = {"update_id": n * 100_000 + i + 1, "message": {
                        "message_id": i + 1, "date": int(time.time()), "text": QUESTION,
                        "chat": {"id": c, "type": "private"}, "from": {"id": c, "is_bot": False, "first_name": "U"}}}
                    async with http.post(f"http://127.0.0.1:{port}/telegram", json=body,
                                         headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as r:
                        assert r.status == 200, r.status

            await asyncio.gather(*(lane(k) for k in range(32)))
            want = set(chats)
            while True:
                got = [s for s in await sent(http, api_root) if "万元" in (s.get("text") or "")]
                answered = {int(s["chat_id"]) for s in got} & want
                if len(answered) == len(want):
                    break
                if time.monotonic() - t0 > 600:
                    raise SystemExit(f"only {len(answered)} of {total} answered")
                await asyncio.sleep(0.05)
            elapsed = time.monotonic() - t0
            await asyncio.sleep(1.0)
            got = [s for s in await sent(http, api_root) if "万元" in (s.get("text") or "")]
            counts: dict[int, int] = {}
            for s in got:
                counts[int(s["chat_id"])] = counts.get(int(s["chat_id"]), 0) + 1
            once = all(counts.get(c) == 1 for c in chats)
        return total / elapsed, once
    finally:
        stop(workers)


async def announcement(base: str, api_root: str, tmp: Path, recipients: int, rate: float) -> dict:
    url = fresh_schema(base)
    os.environ["LABOR_BOT_DATABASE_URL"] = url
    from bot.store import Store

    store = Store()
    store.db.executemany("insert into subscriptions (user_id, channel, chat_id, created, updated) values (?, 'telegram', ?, ?, ?)",
                         [(str(1_000_000 + i), str(1_000_000 + i), float(i), float(i)) for i in range(recipients)])
    store.close()
    workers = start_workers(2, url, f"{api_root}/bot", tmp, {"LABOR_BOT_BROADCAST_RATE": str(rate),
                                                             "LABOR_BOT_TELEGRAM_RATE": str(rate * 2)})
    try:
        await asyncio.gather(*(wait_port(port, p) for p, port in workers))
        async with aiohttp.ClientSession() as http:
            await http.post(f"{api_root}/_reset")
            env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
            subprocess.run([sys.executable, "-m", "bot.cli", "announce", "--text", NOTICE, "--audience", "all",
                            "--yes"], env={**env, "LABOR_BOT_DATABASE_URL": url}, check=True, capture_output=True, cwd=tmp)
            t0 = time.monotonic()
            killed = False
            while True:
                notices = [s for s in await sent(http, api_root) if NOTICE in (s.get("text") or "")]
                if not killed and len(notices) >= recipients // 3:
                    workers[0][0].send_signal(signal.SIGKILL)  # kill -9 one worker a third of the way
                    killed = True
                if len({s["chat_id"] for s in notices}) >= recipients:
                    break
                if time.monotonic() - t0 > recipients / rate * 3 + 120:
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(2.0)
            notices = [s for s in await sent(http, api_root) if NOTICE in (s.get("text") or "")]
        times = sorted(s["t"] for s in notices)
        j, peak = 0, 0
        for i, t in enumerate(times):
            while times[j] < t - 1.0:
                j += 1
            peak = max(peak, i - j + 1)
        chats = [s["chat_id"] for s in notices]
        return {"recipients": recipients, "reached": len(set(chats)), "duplicates": len(chats) - len(set(chats)),
                "rate_limit": rate, "peak_per_second": peak, "seconds": round(times[-1] - times[0], 1) if times else 0,
                "mean_per_second": round(len(times) / max(times[-1] - times[0], 1e-9), 1) if times else 0,
                "killed_worker_exit": workers[0][0].poll()}
    finally:
        stop(workers)


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--updates", type=int, default=600)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--recipients", type=int, default=10_000)
    ap.add_argument("--rate", type=float, default=200.0, help="LABOR_BOT_BROADCAST_RATE for the announcement")
    a = ap.parse_args()
    base = os.environ.get("LABOR_BOT_DATABASE_URL")
    cluster = None
    if not base:
        base = subprocess.run([str(ROOT / ".ci" / "postgres.sh")], check=True, capture_output=True,
                              text=True).stdout.strip()
        cluster = base.split("host=")[1].rsplit("/sock", 1)[0]
    tmp = Path(subprocess.run(["mktemp", "-d"], capture_output=True, text=True).stdout.strip())
    port = free_port()
    api = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fake_bot_api.py"), "--port", str(port),
                            "--token", TOKEN], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    api_root = f"http://127.0.0.1:{port}"
    try:
        await wait_port(port, api)
        for n in [int(x) for x in a.workers.split(",")]:
            ups, once = await updates_per_second(n, base, api_root, tmp, a.updates)
            print(f"{n} worker(s): {ups:.0f} updates/s ({a.updates} updates), each answered once: {once}", flush=True)
        result = await announcement(base, api_root, tmp, a.recipients, a.rate)
        print("announcement by 2 workers, one killed -9 a third of the way: " + json.dumps(result), flush=True)
    finally:
        api.kill()
        if cluster:
            subprocess.run([str(ROOT / ".ci" / "postgres.sh"), "stop", cluster], check=False)


if __name__ == "__main__":
    asyncio.run(main())
