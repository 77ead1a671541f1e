"""Telegram throughput in the deployment shape: `labor-bot run` in its own process, a fake Bot API in another
(tests/fake_bot_api.py as a script, on 127.0.0.1), and a bare PTB echo bot (concurrent_updates(64),
benchmarks/echo_bot.py) measured the same way in the same run. This script only pushes updates and reads
what the server received.

LABOR_BOT_TELEGRAM_RATE is set far above both bots' speed, so the pacer never waits and this measures the
cost of processing. Prints, for both bots: updates answered a second, CPU milliseconds per update (the
bot process's user + system time), p50/p99 reply latency (push of the update → its first reply, both on the
server's clock), whether every user's replies came in question order; the ratio (goal ≥ 0.8); and the fake
server's own ceiling, measured alone, so it is shown not to be the bottleneck.

The questions are the repo's own varied question sets (benchmarks/questions.py: about a thousand distinct,
mostly long colloquial texts, in a fixed order); each user asks its own, so no per-text cache can make the
bot look fast. Every user's expected replies are computed first by the same engine in this process.

  python benchmarks/telegram_throughput.py [--users 200] [--questions 10] [--pool N …] [--rounds 1] [--profile]
                                           [--engine-cpu]   (the engine's own CPU ms per call under this load)
                                           [--fixed-reply TEXT]   (diagnosis: the engine left out)
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from deployment import BotProcess, FakeServer, measure_fake_alone, percentile  # noqa: E402
from questions import for_user, pool  # noqa: E402

FAST = "1000000"  # LABOR_BOT_TELEGRAM_RATE far above either bot's speed


async def expected_replies(users: int, per_user: int, folder: Path) -> list[list[list[str]]]:
    """What labor-bot answers each new user asking their questions in turn (the same engine, in this process)."""
    from bot.app import build_engine
    from bot.config import Config
    from bot.models import Incoming

    engine = build_engine(Config(db=str(folder / "expected.sqlite")))
    assert engine.store is not None  # build_engine(config) opens config.db
    out = []
    for u in range(users):
        mine = []
        for q in for_user(u, per_user):
            replies = await engine.handle(Incoming(f"x{u}", q, channel="telegram"))
            mine.append([r.text for r in replies])
        out.append(mine)
    engine.store.close()
    return out


async def drive(server: FakeServer, proc: BotProcess, users: int, expected: list[list[list[str]]] | None,
                per_user: int) -> dict:
    # warm-up: other users and questions from the other end of the pool, not measured
    await server.push([(900_000 + u, pool()[-1 - u]) for u in range(50)])
    await server.wait_sent(50, 60)
    before = -1
    while before != (before := (await server.stats())["sent"]):  # until the warm-up's last reply is in
        await asyncio.sleep(1.0)
    await server.reset()
    asks = [for_user(u, per_user) for u in range(users)]
    counts = [[len(e) for e in mine] for mine in expected] if expected else [[1] * per_user] * users
    cpu0 = proc.cpu()
    messages = [(1000 + u, asks[u][i]) for i in range(per_user) for u in range(users)]
    pushed = await server.push(messages)
    total = sum(map(sum, counts))
    await server.wait_sent(total, 600)
    cpu = proc.cpu() - cpu0
    sent = await server.sent()
    by_user: dict[int, list[dict]] = {}
    for s in sent:
        by_user.setdefault(int(s["chat_id"]), []).append(s)
    t_push = {(uid, n // users): t for n, ((uid, _), (_, t)) in enumerate(zip(messages, pushed))}
    lat: list[float] = []
    mismatches: list[dict] = []
    in_order, wrong = True, 0
    for uid, ss in by_user.items():
        at = 0
        u = uid - 1000
        for i, c in enumerate(counts[u]):
            lat.append(ss[at]["t"] - t_push[(uid, i)])
            texts = [html.unescape(s["text"]) for s in ss[at:at + c]]
            want = expected[u][i] if expected else [asks[u][i]]
            in_order &= texts == want
            wrong += texts != want
            if texts != want and expected and len(mismatches) < 20:
                mismatches.append({"user": uid, "question": asks[u][i], "want": want, "got": texts})
            at += c
    n = users * per_user
    t0, t1 = min(t for _, t in pushed), max(s["t"] for s in sent)
    return {"rate": n / (t1 - t0), "cpu_ms": cpu / n * 1000, "p50": statistics.median(lat) * 1000,
            "p99": percentile(lat, 0.99) * 1000, "order": in_order and len(by_user) == users, "messages": len(sent),
            "wrong": wrong, "mismatches": mismatches}


async def one_bot(kind: str, server: FakeServer, folder: Path, users: int, per_user: int, expected, pool,
                  measure: bool = False, fixed: str | None = None, engine_cpu: bool = False, round_: int = 0) -> dict:
    env = {"LABOR_BOT_TELEGRAM_RATE": FAST, **({"BENCH_POOL": str(pool)} if pool else {}),
           **({"BENCH_FIXED_REPLY": fixed} if fixed and kind == "labor" else {})}
    sub = folder / f"{kind}-{pool}-{round_}"  # a fresh database each round: the fake server counts update ids from 1 again
    sub.mkdir(exist_ok=True)
    if measure and kind == "labor":
        env |= {"BENCH_PROFILE": str(sub / "labor.prof"), "BENCH_SQLITE": str(sub / "sqlite.json")}
    if engine_cpu and kind == "labor" and not fixed:
        env["BENCH_ENGINE_CPU"] = str(sub / "engine_cpu.json")
    proc = BotProcess(kind, server, sub, env)
    try:
        await server.wait_polling(proc)
        result = await drive(server, proc, users, expected if kind == "labor" else None, per_user)
        if result["mismatches"]:
            (sub / "mismatches.json").write_text(json.dumps(result["mismatches"], ensure_ascii=False, indent=1))
            print(f"  (replies not as expected: {sub / 'mismatches.json'})")
        return result
    finally:
        proc.stop()
        await server.reset()
        if (sub / "engine_cpu.json").exists():
            print(f"  (labor-bot's engine under this load: {(sub / 'engine_cpu.json').read_text()})")
        if measure and kind == "labor":
            print(f"  (labor-bot profile: {sub / 'labor.prof'}, SQLite call times: {sub / 'sqlite.json'})")


def line(name: str, r: dict) -> str:
    return (f"{name}: {r['rate']:7.1f} updates/s  {r['cpu_ms']:5.2f} CPU ms/update  p50 {r['p50']:6.0f} ms  "
            f"p99 {r['p99']:6.0f} ms  order kept: {r['order']}" + (f" ({r['wrong']} replies out of order or not as expected)" if r["wrong"] else ""))


async def run(users: int, per_user: int, pools: list[int | None], rounds: int, measure: bool,
              fixed: str | None = None, engine_cpu: bool = False) -> None:
    folder = Path(tempfile.mkdtemp(prefix="labor-bot-throughput-"))
    expected = [[[fixed]] * per_user] * users if fixed else await expected_replies(users, per_user, folder)
    n = users * per_user
    async with FakeServer() as server:
        alone = await measure_fake_alone(server)
        print(f"{users} users × {per_user} questions = {n} updates through getUpdates; every process on 127.0.0.1 "
              f"(LABOR_BOT_TELEGRAM_RATE={FAST}); {len({q for u in range(users) for q in for_user(u, per_user)})} "
              f"distinct texts from benchmarks/questions.py")
        print(f"fake Bot API alone: {alone:7.0f} sendMessage/s from a client process (the ceiling of this setup)")
        for pool in pools:
            ratios: list[float] = []
            for r in range(rounds):
                echo = await one_bot("echo", server, folder, users, per_user, expected, pool, round_=r)
                ours = await one_bot("labor", server, folder, users, per_user, expected, pool, measure, fixed,
                                     engine_cpu, round_=r)
                tag = f"pool {pool or 'default'}" + (f", round {r + 1}" if rounds > 1 else "")
                print(f"[{tag}]")
                print("  " + line("echo bot ", echo))
                print("  " + line("labor-bot", ours))
                print(f"  ratio    : {ours['rate'] / echo['rate']:.2f} of the echo bot's updates/s (goal ≥ 0.8); "
                      f"CPU per update {ours['cpu_ms'] / echo['cpu_ms']:.2f}× the echo bot's")
                ratios.append(ours["rate"] / echo["rate"])
            if rounds > 1:  # one run moves ±15 % on this machine: the rounds alternate the bots, the median decides
                print(f"[pool {pool or 'default'}] ratio over {rounds} rounds: median {statistics.median(ratios):.2f} "
                      f"(min {min(ratios):.2f}, max {max(ratios):.2f}; goal ≥ 0.8)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--questions", type=int, default=10)
    ap.add_argument("--pool", type=int, nargs="*", default=[None],
                    help="connection pool sizes to compare (both bots; default handlers.telegram.POOL_SIZE)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--engine-cpu", action="store_true", help="time each Engine.handle call's CPU in the bot")
    ap.add_argument("--profile", action="store_true",
                    help="run labor-bot under cProfile with every SQLite call timed (benchmarks/instrumented_run.py)")
    ap.add_argument("--fixed-reply", metavar="TEXT",
                    help="diagnosis: labor-bot's engine answers every message with TEXT (the channel's own cost)")
    a = ap.parse_args()
    asyncio.run(run(a.users, a.questions, a.pool or [None], a.rounds, a.profile, a.fixed_reply, a.engine_cpu))


if __name__ == "__main__":
    main()
