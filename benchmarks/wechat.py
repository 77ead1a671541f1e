"""WeChat passive replies under load: 200 users × 5 questions pushed to the real `labor-bot wechat`, with the
fake WeChat API in a process of its own (tests/fake_wechat_api.py) and the load client in this one.

Two shapes of load, each on a fresh database:
  burst  every message of every user posted at the same instant (200 × 5 = 1000 requests in flight)
  users  200 users at once, each sending their 5 questions one after another (WeChat delivers one user's
         messages in order)

Each shape runs first against the anchor (benchmarks/wechat_anchor.py: a bare aiohttp server answering a fixed
passive reply), measured the same way, so the load client's own ceiling on this machine is shown.
The questions are the repo's own varied question sets (benchmarks/questions.py: about a thousand distinct,
mostly long colloquial texts, in a fixed order); each user asks its own, so no per-text cache helps.
Prints p50/p99/max time to the HTTP answer, the share answered passively (the rest answered `success`
within ~4 s and sent over the customer-service API), and how many customer-service sends the fake server saw.

  python benchmarks/wechat.py [--users 200] [--questions 5] [--aes] [--workers N] [--profile PATH]
                              [--fixed-reply TEXT]   (diagnosis: the engine left out)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from fake_wechat_api import AES_KEY, APP_ID, APP_SECRET, TOKEN, WeChatPusher, content_of, text_xml  # noqa: E402
from questions import for_user  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_up(url: str, proc: asyncio.subprocess.Process) -> None:
    async with aiohttp.ClientSession() as s:
        for _ in range(600):
            if proc.returncode is not None:
                raise SystemExit(f"{url}: process exited {proc.returncode}")
            try:
                async with s.get(url) as r:
                    if r.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise SystemExit(f"{url} did not come up")


async def one_run(shape: str, users: int, questions: int, aes: bool, folder: Path, workers: int = 1,
                  fixed: str | None = None, anchor: bool = False) -> dict:
    api_port, bot_port = free_port(), free_port()
    api = await asyncio.create_subprocess_exec(sys.executable, str(ROOT / "tests" / "fake_wechat_api.py"),
                                               str(api_port), stdout=asyncio.subprocess.DEVNULL)
    await wait_up(f"http://127.0.0.1:{api_port}/calls", api)
    env = {**os.environ, "LABOR_BOT_DB": str(folder / f"{shape}.sqlite"), "WECHAT_TOKEN": TOKEN,
           "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": APP_SECRET, "WECHAT_ENCODING_AES_KEY": AES_KEY,
           "WECHAT_API_BASE_URL": f"http://127.0.0.1:{api_port}", "LABOR_BOT_WECHAT_LISTEN": f"127.0.0.1:{bot_port}",
           "LABOR_BOT_LOG_LEVEL": "ERROR", "LABOR_BOT_TODAY": "2026-11-23"}
    if fixed:  # diagnosis: the engine left out, what the channel's own plumbing costs
        env["BENCH_FIXED_REPLY"] = fixed
    measured = any(k in env for k in ("BENCH_FIXED_REPLY", "BENCH_PROFILE", "BENCH_SQLITE"))
    command = [sys.executable, str(ROOT / "benchmarks" / "instrumented_run.py"), "wechat"] if measured else \
        [sys.executable, "-m", "bot.cli", "wechat"]
    if anchor:
        command = [sys.executable, str(ROOT / "benchmarks" / "wechat_anchor.py")]
    bots = []  # several processes on one port (SO_REUSEPORT), one database
    try:
        if workers > 1 and not measured and not anchor:  # as deployed: `labor-bot wechat --workers N`
            bots.append(await asyncio.create_subprocess_exec(*command, "--workers", str(workers), env=env, cwd=ROOT))
            await wait_up(f"http://127.0.0.1:{bot_port}/healthz", bots[-1])
            await asyncio.sleep(2.0)  # healthz answered from one worker: the others are up by now
        else:  # instrumented workers, started one after another
            for _ in range(workers):
                bots.append(await asyncio.create_subprocess_exec(*command, env=env, cwd=ROOT))
                await asyncio.sleep(1.5 * (len(bots) > 1))  # healthz may answer from the first one
                await wait_up(f"http://127.0.0.1:{bot_port}/healthz", bots[-1])
        times: list[float] = []
        msg = iter(range(1, 10**9))
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                         timeout=aiohttp.ClientTimeout(total=30)) as session:
            push = WeChatPusher(f"http://127.0.0.1:{bot_port}/wechat", aes=aes, session=session)
            await push.post(text_xml("warmup", "你好", next(msg)))

            # every push built (and encrypted) before the clock starts: the client should cost little while timing
            asks = [for_user(u, questions) for u in range(users)]
            built = {(u, q): push.wrap(text_xml(f"oBench{u:04d}", asks[u][q], next(msg)))
                     for u in range(users) for q in range(questions)}
            replies: list[str] = []

            async def ask(user: int, q: int) -> None:
                body, query = built[(user, q)]
                started = time.perf_counter()
                async with session.post(push.url, params=query, data=body.encode()) as r:
                    text = await r.text()
                times.append(time.perf_counter() - started)
                replies.append(text if r.status == 200 else "")

            async def user_in_order(user: int) -> None:
                for q in range(questions):
                    await ask(user, q)

            started = time.perf_counter()
            if shape == "burst":
                await asyncio.gather(*(ask(u, q) for u in range(users) for q in range(questions)))
            else:
                await asyncio.gather(*(user_in_order(u) for u in range(users)))
            wall = time.perf_counter() - started
            passive = sum(1 for t in replies if t not in ("", "success") and content_of(push.unwrap(t)))
            await asyncio.sleep(1.0)  # customer-service sends of late answers
            async with session.get(f"http://127.0.0.1:{api_port}/calls") as r:
                calls = await r.json()
    finally:
        for p in (*bots, api):
            if p.returncode is None:
                p.send_signal(signal.SIGTERM)
        await asyncio.gather(*(b.wait() for b in bots), api.wait())
    times.sort()
    n = len(times)
    return {"shape": shape, "workers": workers, "messages": n, "min_ms": round(times[0] * 1000, 1), "wall_s": round(wall, 2), "msgs_per_s": round(n / wall, 1),
            "p50_ms": round(statistics.median(times) * 1000, 1), "p99_ms": round(times[int(n * 0.99) - 1] * 1000, 1),
            "max_ms": round(times[-1] * 1000, 1), "passive_share": round(passive / n, 4),
            "custom_send_calls": sum(1 for c in calls if c["path"].endswith("custom/send"))}


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--questions", type=int, default=5)
    ap.add_argument("--aes", action="store_true", help="安全模式: every push and reply encrypted")
    ap.add_argument("--workers", type=int, default=1,
                    help="labor-bot wechat processes on the one port (`labor-bot wechat --workers N`)")
    ap.add_argument("--fixed-reply", metavar="TEXT",
                    help="diagnosis: the engine answers every message with TEXT (the channel's own cost)")
    ap.add_argument("--profile", metavar="PATH", help="cProfile the (first) bot process into PATH")
    args = ap.parse_args()
    cmd = "python benchmarks/wechat.py" + (f" --users {args.users}" if args.users != 200 else "") + \
        (f" --questions {args.questions}" if args.questions != 5 else "") + (" --aes" if args.aes else "") + \
        (f" --workers {args.workers}" if args.workers != 1 else "")
    print(f"# {cmd}  ({os.cpu_count()} CPUs, {'安全模式 AES' if args.aes else 'plaintext'})")
    with tempfile.TemporaryDirectory() as folder:
        for shape in ("burst", "users"):
            if not args.aes:  # the anchor, measured the same way first (it speaks plaintext only)
                anchor = await one_run(shape, args.users, args.questions, False, Path(folder), 1, anchor=True)
                print(json.dumps({"bot": "anchor (bare aiohttp)", **anchor}, ensure_ascii=False), flush=True)
            if args.profile:
                os.environ["BENCH_PROFILE"] = f"{args.profile}.{shape}"
            ours = await one_run(shape, args.users, args.questions, args.aes, Path(folder), args.workers,
                                 args.fixed_reply)
            print(json.dumps({"bot": "labor-bot wechat", **ours}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    try:  # the load client on the loop the bot runs on: less of the shared CPUs goes to the client
        import uvloop
    except ImportError:
        asyncio.run(main())
    else:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(main())
