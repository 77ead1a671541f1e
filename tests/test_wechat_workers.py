"""Several `labor-bot wechat` workers on one SQLite file compute replies outside the write lock
(handlers/wechat.py `_read`, then `_commit`): a reply read from a user row another worker changed meanwhile
is computed again under the lock, so no worker's writes are lost; a message that must write before it can
reply is computed under the lock; two real worker processes on one port answer every message once."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from bot.app import build_engine  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.engine import FACTS, LAST_QUESTION  # noqa: E402
from bot.inbox_reply import accept_working, reply_of  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.base import WriteRefused, reading_only  # noqa: E402
from fake_wechat_api import FakeWeChatAPI, WeChatPusher, content_of, text_xml  # noqa: E402
from handlers.wechat import WeChatServer, user_id_of  # noqa: E402
from handlers.wechat_api import CHANNEL  # noqa: E402
from handlers.wechat_crypto import WxMessage  # noqa: E402
from test_wechat import WxBot  # noqa: E402


def worker(db: Path) -> WeChatServer:
    """One worker as `labor-bot wechat` builds it: its own engine, store and connection on the shared file."""
    config = Config(db=str(db), wechat_token="t")
    return WeChatServer(config, build_engine(config), None, None)


def pushed(openid: str, text: str, msg_id: int) -> WxMessage:
    return WxMessage("gh_bot", openid, str(1700000000 + msg_id), "text",
                     {"ToUserName": "gh_bot", "FromUserName": openid, "MsgType": "text", "Content": text,
                      "MsgId": str(msg_id)})


def accepted(server: WeChatServer, msg: WxMessage):
    item = accept_working(server.inbox, CHANNEL, msg.dedupe_key, msg.fields, user_id_of(msg.from_user), server.worker)
    assert item is not None
    return item


def profile(server: WeChatServer, openid: str) -> dict:
    return server.store.user(user_id_of(openid))["profile"]


async def test_a_reply_read_before_another_worker_wrote_the_user_is_computed_again(tmp_path):
    db = tmp_path / "w.sqlite"
    a, b = worker(db), worker(db)
    first, second = pushed("oU1", "我是泸定的脱贫户", 1), pushed("oU1", "培训有生活补贴吗", 2)
    item_a, item_b = accepted(a, first), accepted(b, second)
    read_b = b._read(second, user_id_of("oU1"))  # worker B reads the user as they were …
    assert read_b is not None
    await a._decide(item_a, first)  # … worker A answers the first message and stores what it said …
    assert (profile(a, "oU1").get(FACTS) or {}).get("poor") == "yes"
    item_b = await b._writes.run(lambda: b._commit(item_b, second, read_b))  # … so B's reply is computed again
    assert b.stats["under_lock"] == 1 and a.stats["under_lock"] == 0
    kept = profile(b, "oU1")
    assert (kept.get(FACTS) or {}).get("poor") == "yes", "worker A's facts were overwritten"
    assert kept[LAST_QUESTION] == "培训有生活补贴吗"
    assert "50" in "".join(reply_of(item_b) or [])  # answered for a 脱贫户: the 50元 a day
    questions = [r[0] for r in b.store.db.execute("select text from questions order by id")]
    assert questions == ["我是泸定的脱贫户", "培训有生活补贴吗"]  # each logged once


async def test_a_reply_read_on_an_unchanged_row_is_kept_without_computing_again(tmp_path):
    w = worker(tmp_path / "w.sqlite")
    msg = pushed("oU2", "泸州创业担保贷款最多贷好多", 3)
    item = await w._decide(accepted(w, msg), msg)
    assert w.stats["under_lock"] == 0
    assert "50万" in "".join(reply_of(item) or [])


async def test_a_message_that_writes_before_replying_is_computed_under_the_lock(tmp_path):
    w = worker(tmp_path / "w.sqlite")
    hello = pushed("oU3", "你好", 4)
    await w._decide(accepted(w, hello), hello)
    forget = pushed("oU3", "删除我的信息", 5)
    assert w._read(forget, user_id_of("oU3")) is None  # it deletes: not computed reading only
    item = await w._decide(accepted(w, forget), forget)
    assert w.stats["under_lock"] == 1
    assert reply_of(item)
    assert w.store.db.execute("select count(*) from users where id = ?", [user_id_of("oU3")]).scalar() == 0


def test_reading_only_refuses_writes_and_transactions(tmp_path):
    w = worker(tmp_path / "w.sqlite")
    db = w.store.db
    with reading_only():
        assert db.execute("select count(*) from users").scalar() == 0
        for sql in ("insert into users (id, created, updated) values ('x', 0, 0)", "update users set region = 'a'",
                    "delete from users"):
            with pytest.raises(WriteRefused):
                db.execute(sql)
        with pytest.raises(WriteRefused):
            with db.transaction():
                pass
    db.execute("insert into users (id, created, updated) values ('x', 0, 0)")  # outside: writes as before


async def test_two_worker_processes_on_one_port_answer_every_message_once(cli_env, tmp_path):
    api = FakeWeChatAPI()
    await api.start()
    db = tmp_path / "two.sqlite"
    one = await WxBot(cli_env, api, db).start()
    two = WxBot(cli_env, api, db)
    two.port, two.url = one.port, one.url
    two.env = {**one.env}
    await two.start()  # the second process on the same address (SO_REUSEPORT)
    try:
        push = WeChatPusher(one.url, session=one.session)
        users = [f"oW{u}" for u in range(12)]
        asks = ["泸定脱贫户培训补贴好多钱", "我在泸州开店 创业担保贷款能贷好多", "劳务经纪人介绍工作有补助没得"]
        msg_id = iter(range(100, 1000))
        replies = await asyncio.gather(*(push.post(text_xml(u, q, next(msg_id))) for u in users for q in asks))
        assert all(status == 200 and content_of(body) for status, body in replies), "each answered passively"
    finally:
        for bot in (one, two):
            await bot.close()
        await api.stop()
    for bot in (one, two):
        assert b"Traceback" not in bot.log
    store = Store(db)  # through the store: the PostgreSQL run reads the same rows (the file path is ignored there)
    try:
        assert store.db.execute("select count(*) from questions").scalar() == len(users) * len(asks)
        assert store.db.execute("select count(*) from inbox where status != 'done'").scalar() == 0
    finally:
        store.close()


async def test_workers_option_runs_that_many_servers_and_sigterm_stops_them_all(cli_env, tmp_path):
    """`labor-bot wechat --workers 2`: two worker processes under one supervisor; SIGTERM stops them all, exit 0."""
    import os
    import signal
    import time

    api = FakeWeChatAPI()
    await api.start()
    bot = WxBot(cli_env, api, tmp_path / "sup.sqlite")
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "wechat", "--workers", "2",
                                                env=bot.env, stderr=asyncio.subprocess.PIPE)
    import aiohttp

    try:
        async with aiohttp.ClientSession() as session:
            deadline = time.monotonic() + 60
            while True:
                try:
                    async with session.get(f"http://127.0.0.1:{bot.port}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                assert proc.returncode is None and time.monotonic() < deadline
                await asyncio.sleep(0.1)
            children = children_of(proc.pid)
            assert len(children) == 2
            push = WeChatPusher(bot.url, session=session)
            status, body = await push.post(text_xml("oSup", "泸定脱贫户培训补贴好多钱", 4242))
            assert status == 200 and content_of(body)
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        for pid in children:
            assert not os.path.exists(f"/proc/{pid}") or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
        log = await proc.stderr.read() if proc.stderr else b""
        assert b"Traceback" not in log
    finally:
        if proc.returncode is None:
            proc.kill()
        await api.stop()


def children_of(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d.name))
    return out


def test_workers_must_be_a_small_positive_number(cli):
    r = cli("wechat", "--workers", "0")
    assert r.returncode == 2 and "1 to 64" in r.stderr


async def test_the_48_hour_window_is_written_once_in_ten_minutes(tmp_path):
    from handlers.wechat_api import user_key

    w = worker(tmp_path / "w.sqlite")
    first, second = pushed("oWin", "你好", 7), pushed("oWin", "泸州创业贷款最多贷好多", 8)
    await w._decide(accepted(w, first), first)
    marked = w.state.get(CHANNEL, user_key("oWin"))
    await w._decide(accepted(w, second), second)
    assert w.state.get(CHANNEL, user_key("oWin")) == marked  # not written again within the 10 minutes
    w._window_marked["oWin"] -= 601  # ten minutes later
    third = pushed("oWin", "谢谢", 9)
    await w._decide(accepted(w, third), third)
    assert w.state.get(CHANNEL, user_key("oWin")) > marked


async def test_small_writes_of_one_moment_commit_together_and_fail_alone(tmp_path):
    from bot.store.write_turn import WriteBatch

    store = Store(tmp_path / "b.sqlite")
    store.db.execute("create table t (k text primary key)")
    batch = WriteBatch(store)
    turns: list[int] = []
    real = store.db.transaction

    def counted():  # the transactions taken, counted
        turns.append(1)
        return real()

    def insert(k: str):
        return lambda: store.db.execute("insert into t values (?) on conflict do nothing", [k]).rowcount

    store.db.transaction = counted  # type: ignore[method-assign]
    got = await asyncio.gather(*(batch.run(insert(k)) for k in "abca"))
    assert got == [1, 1, 1, 0]  # the repeated key inserted once, as when each wrote alone
    assert len(turns) == 1  # one transaction for the four
    ok, dup = await asyncio.gather(batch.run(lambda: store.db.execute("insert into t values ('d')").rowcount),
                                   batch.run(lambda: store.db.execute("insert into t values ('a')")),
                                   return_exceptions=True)
    assert ok == 1 and isinstance(dup, Exception) and any(w in str(dup).lower() for w in ("unique", "duplicate"))
    assert store.db.execute("select count(*) from t where k = 'd'").scalar() == 1  # kept: only the failing one undone
    lone = await batch.run(lambda: store.db.execute("insert into t values ('e')").rowcount)
    assert lone == 1 and store.db.execute("select count(*) from t").scalar() == 5
