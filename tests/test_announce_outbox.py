"""The outbox on a real SQLite file: fan-out once, atomic claims across connections, crash recovery."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from bot.announce import Audience, Outbox
from bot.announce.sender import _dead_here
from bot.store import Store
from conftest import present


@pytest.fixture
def outbox(store):
    return Outbox(store)


def subscribe_many(outbox: Outbox, n: int, region: str | None = None, topics=None, start: int = 1000) -> list[str]:
    ids = [str(start + i) for i in range(n)]
    for uid in ids:
        outbox.subscribe(uid, "telegram", region, topics)
    return ids


def queue(outbox: Outbox, audience: Audience = Audience(), text: str = "通知", at: float | None = None) -> int:
    draft = outbox.new_draft("shell:staff", "shell", text)
    outbox.update_draft(draft["id"], audience=audience.to_json())
    assert outbox.queue(draft["id"], "shell:staff", at or time.time(), outbox.count(audience))
    return draft["id"]


def test_audience_counts_follow_region_and_topics(outbox):
    subscribe_many(outbox, 3, "luding", None, start=100)
    subscribe_many(outbox, 2, "luzhou", ["loan"], start=200)
    subscribe_many(outbox, 4, None, ["training", "jobs"], start=300)
    outbox.subscribe("400", "console", "luzhou", None)  # cannot be pushed to: never counted
    assert outbox.count(Audience()) == 9
    assert outbox.count(Audience(frozenset({"luding"}))) == 7
    assert outbox.count(Audience(frozenset({"luzhou"}))) == 6
    assert outbox.count(Audience(topics=frozenset({"loan"}))) == 5
    assert outbox.count(Audience(frozenset({"luzhou"}), frozenset({"loan"}))) == 2
    assert outbox.count(Audience(frozenset({"luding"}), frozenset({"jobs"}))) == 7


def test_fan_out_happens_once_even_with_two_processes_sharing_the_file(tmp_path):
    a, b = Store(tmp_path / "x.sqlite"), Store(tmp_path / "x.sqlite")
    oa, ob = Outbox(a), Outbox(b)
    subscribe_many(oa, 50)
    aid = queue(oa)
    assert oa.start_due() == [aid]
    assert ob.start_due() == []
    assert oa.counts(aid)["pending"] == 50
    assert present(oa.announcement(aid))["recipients"] == 50
    a.close()
    b.close()


def test_a_scheduled_announcement_waits_for_its_time_and_can_be_cancelled(outbox):
    subscribe_many(outbox, 3)
    later = queue(outbox, at=time.time() + 3600)
    assert outbox.start_due() == []
    assert outbox.cancel(later, "shell:staff")
    assert not outbox.cancel(later, "shell:staff")
    assert [e["action"] for e in outbox.audit_log()] == ["cancelled", "queued"]


def test_claims_are_exclusive_across_connections(tmp_path):
    a, b = Store(tmp_path / "x.sqlite"), Store(tmp_path / "x.sqlite")
    oa, ob = Outbox(a), Outbox(b)
    subscribe_many(oa, 30)
    aid = queue(oa)
    oa.start_due()
    got_a = oa.claim("A", ("telegram",), 20)
    got_b = ob.claim("B", ("telegram",), 20)
    assert len(got_a) == 20 and len(got_b) == 10
    assert {d.user_id for d in got_a}.isdisjoint({d.user_id for d in got_b})
    assert oa.counts(aid)["sending"] == 30
    a.close()
    b.close()


def test_claims_of_a_dead_sender_are_recovered_and_live_ones_kept(outbox):
    subscribe_many(outbox, 10)
    aid = queue(outbox)
    outbox.start_due()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    import socket

    dead_worker = f"{socket.gethostname()}:{dead.stdout.strip()}:abc"
    live_worker = f"{socket.gethostname()}:1:abc"  # pid 1 exists
    outbox.claim(dead_worker, ("telegram",), 4)
    outbox.claim(live_worker, ("telegram",), 4)
    assert _dead_here(dead_worker) and not _dead_here(live_worker) and not _dead_here("otherhost:1:x")
    assert outbox.recover(lease=3600, dead=[dead_worker]) == 4
    assert outbox.counts(aid)["sending"] == 4
    assert outbox.recover(lease=-1) == 4  # a lease that ran out: the rest come back too
    assert outbox.counts(aid)["pending"] == 10


def test_blocked_unsubscribes_and_marks_inactive_and_complete_counts_once(outbox, store):
    ids = subscribe_many(outbox, 3)
    store.update_user(ids[0], region="luzhou")
    aid = queue(outbox)
    outbox.start_due()
    d1, d2, d3 = outbox.claim("w", ("telegram",), 3)
    outbox.finish(d1, "blocked", "Forbidden")
    outbox.finish(d2, "sent")
    assert outbox.complete(aid) is None  # d3 still in flight
    outbox.finish(d3, "failed", "bad request")
    assert outbox.subscription(ids[0]) is None and store.user(ids[0])["active"] == 0
    counts = outbox.complete(aid)
    assert counts["sent"] == 1 and counts["blocked"] == 1 and counts["failed"] == 1
    assert outbox.complete(aid) is None
    row = outbox.announcement(aid)
    assert (row["status"], row["sent"], row["blocked"], row["failed"]) == ("done", 1, 1, 1)


def test_forget_deletes_subscription_and_outbox_rows(outbox, store):
    ids = subscribe_many(outbox, 2)
    queue(outbox)
    outbox.start_due()
    store.forget(ids[0])
    assert outbox.subscription(ids[0]) is None
    assert store.db.execute("select count(*) from deliveries where user_id = ?", [ids[0]]).fetchone()[0] == 0


@pytest.mark.sqlite_only
def test_old_database_gains_the_new_columns(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("create table users (id text primary key, region text, last_measure text, dialog text, "
                 "active integer default 1, created float, updated float)")
    conn.execute("insert into users (id, region) values ('9', 'luding')")
    conn.commit()
    conn.close()
    s = Store(path)
    assert s.user("9")["pending"] is None and s.user("9")["region"] == "luding"
    assert Outbox(s).count(Audience()) == 0
    s.close()
