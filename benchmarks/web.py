"""The staff desk's overview over a database of 1,000,000 logged questions: how long a page takes.

Builds a SQLite file with N questions spread over a year (answered, low confidence, not answered), 20,000
subscriptions and 50,000 check events, serves the real desk on 127.0.0.1, signs in, and times GET / over
HTTP (server-side render included): the first request (which rolls up every question once), then the page
for the last 30 days and for the whole year, each repeated. Also times /questions, and prints the query
plans to show the overview reads indexes and roll-ups, never the question log in full.

    python benchmarks/web.py [--questions 1000000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from bot.cache import load_index  # noqa: E402
from bot.desk import stats  # noqa: E402
from bot.desk.web import Desk, DeskSettings  # noqa: E402
from bot.kb import load_kb  # noqa: E402
from bot.matcher import Matcher  # noqa: E402
from bot.phrasings import Overlay, Taught  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.sqlite import SqliteDatabase  # noqa: E402

WORDS = ["创业贷款", "培训补贴", "生活费", "挖掘机", "电工证", "劳务经纪人", "泸州", "泸定", "怎么申请", "好多钱", "医保", "低保",
         "民宿", "农家乐", "直播", "火锅店", "养老", "工地", "返乡", "技校"]


def populate(store: Store, kb, n: int, now: float) -> None:
    rng = random.Random(7)
    measures = list(kb.measures)
    db = store.db
    assert isinstance(db, SqliteDatabase)  # a file: SQLite, written through its connection in bulk
    conn = db.conn
    year = 365 * 86400

    def rows():
        for i in range(n):
            ts = now - year + year * i / n
            r = rng.random()
            text = "".join(rng.sample(WORDS, 3)) + str(rng.randint(0, 50))
            if r < 0.7:
                ms = json.dumps(rng.sample(measures, 2))
                yield (f"u{rng.randint(1, 50000)}", ts, "telegram", text, "question", ms, 0.5 + rng.random() / 2)
            elif r < 0.8:
                ms = json.dumps(rng.sample(measures, 1))
                yield (f"u{rng.randint(1, 50000)}", ts, "telegram", text, "question", ms, rng.random() / 2)
            elif r < 0.95:
                yield (f"u{rng.randint(1, 50000)}", ts, "telegram", text, "out_of_scope", "[]", 0.0)
            else:
                yield (f"u{rng.randint(1, 50000)}", ts, "telegram", "你好", "greeting", "[]", 0.0)

    with conn:
        conn.executemany("insert into questions (user_id, ts, channel, text, intent, measures, confidence) "
                         "values (?, ?, ?, ?, ?, ?, ?)", rows())
        conn.executemany("insert into subscriptions (user_id, channel, chat_id, region, topics, created, updated) "
                         "values (?, 'telegram', ?, ?, ?, ?, ?)",
                         ((str(i), str(i), rng.choice(["luding", "luzhou", None]),
                           rng.choice([None, '["loan"]', '["training", "jobs"]']), now, now) for i in range(20_000)))
    with conn:  # the tables are the store's (its migrations ran in Store())
        conn.executemany("insert into check_events (ts, flow, region, event, outcomes) values (?, ?, ?, ?, ?)",
                         ((now - year * rng.random(), "training", rng.choice(["luding", "luzhou", None]),
                           e, '["eligible", "ask_office"]' if e == "finished" else None)
                          for e in (rng.choice(["started", "finished"]) for _ in range(50_000))))


def plans(db, first, last) -> list[str]:
    d0, d1 = (first - stats.EPOCH).days, (last - stats.EPOCH).days
    t0, t1 = stats.start_of(first), stats.start_of(last)
    queries = [
        ("select day, answered, low, unanswered from desk_days where day between ? and ?", [d0, d1]),
        ("select measure, sum(n) from desk_day_measures where day between ? and ? group by measure", [d0, d1]),
        ("select region, event, outcome, sum(n) from desk_day_checks where day between ? and ? "
         "group by region, event, outcome", [d0, d1]),
        ("select ts, text from questions where confidence < 0.5 and intent in ('question', 'out_of_scope') "
         "and ts >= ? and ts < ? order by ts desc limit 2000", [t0, t1]),
        ("select coalesce(max(id), 0) from questions", []),
    ]
    out = []
    for sql, args in queries:
        plan = " | ".join(r[3] for r in db.execute("explain query plan " + sql, args).fetchall())
        out.append(f"{sql[:60]}… → {plan}")
    return out


async def timed(client, path: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = await client.get(path)
        body = await r.text()
        out.append((time.perf_counter() - t) * 1000)
        assert r.status == 200, body[:300]
    return out


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"median {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, max {ms[-1]:.0f} ms (n={len(ms)})"


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    kb = load_kb()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite")
        now = time.time()
        t = time.perf_counter()
        populate(store, kb, args.questions, now)
        print(f"database: {args.questions:,} questions, 20,000 subscriptions, 50,000 check events "
              f"(built in {time.perf_counter() - t:.1f} s, {Path(tmp, 'bench.sqlite').stat().st_size / 1e6:.0f} MB)")
        matcher = Taught(Matcher(load_index(kb)), Overlay(kb, store.db))
        desk = Desk(store, kb, matcher, DeskSettings())
        desk.access.add("bench", "bench")
        token = desk.access.issue_link("bench")
        async with TestClient(TestServer(desk.app(), host="127.0.0.1")) as c:
            page = await c.get(f"/login/{token}")
            found = re.search(r'name="nonce" value="([^"]+)"', await page.text())
            assert found, "no sign-in form"
            nonce = found.group(1)
            await c.post(f"/login/{token}", data={"nonce": nonce}, allow_redirects=False)
            first = await timed(c, "/", 1)
            print(f"first overview, cold (rolls up all {args.questions:,} questions once; `labor-bot web` does this "
                  f"at start): {first[0]:.0f} ms")
            today = stats.today_beijing(now)
            year_ago = today.replace(year=today.year - 1)
            month = await timed(c, "/", args.repeat)
            print(f"overview, last 30 days: {summary(month)}")
            year = await timed(c, f"/?from={year_ago.isoformat()}&to={today.isoformat()}", args.repeat)
            print(f"overview, whole year (366 days): {summary(year)}")
            store.log_question("u1", "telegram", "新问题", "out_of_scope", [], 0.0)
            after = await timed(c, "/", 1)
            print(f"overview after a new question (roll-up adds one row): {after[0]:.0f} ms")
            q = await timed(c, "/questions", max(3, args.repeat // 4))
            print(f"/questions, last 30 days (≤ 2,000 newest unanswered read through a partial index, grouped): "
                  f"{summary(q)}")
            verdict = "PASS" if statistics.median(year) <= 300 and statistics.median(month) <= 300 else "FAIL"
            print(f"goal: overview ≤ 300 ms → {verdict}")
        print("query plans:")
        for line in plans(store.db, year_ago, today):
            print("  " + line)
        store.close()


if __name__ == "__main__":
    asyncio.run(main())
