"""Versioned migrations: a database made by the code before them is upgraded in place, data kept; several
processes starting at once upgrade a fresh database once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from bot.announce import Audience, Outbox
from bot.store import Store
from bot.store.migrations import LATEST, MIGRATIONS, version
from conftest import present

FIXTURE = Path(__file__).parent / "data" / "schema_v0_sqlite.sql"


@pytest.mark.sqlite_only
def test_a_database_made_before_migrations_is_upgraded_with_its_data(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(FIXTURE.read_text(encoding="utf-8"))
    conn.close()
    store = Store(path)
    assert version(store.db) == LATEST == len(MIGRATIONS)
    user = store.user("u1")
    assert user["region"] == "luding" and user["profile"] == {"poor": True} and user["dialog"]["flow"] == "loan"
    assert [q["text"] for q in store.questions("u1")] == ["创业贷款能贷好多"]
    assert not store.first_time(42)  # the update seen before is still a duplicate
    outbox = Outbox(store)
    assert present(outbox.subscription("u1"))["topics"] == ["loan"] and outbox.is_staff("alice")
    assert outbox.counts(1)["sent"] == 1 and [e["action"] for e in outbox.audit_log()] == ["queued"]
    store.update_user("u1", region="luzhou")  # the upgraded tables take writes
    assert store.user("u1")["region"] == "luzhou"
    assert Outbox(store).count(Audience()) == 1
    assert Store(path).db.execute("select count(*) from schema_version").scalar() == LATEST  # applied once
    store.close()


def test_processes_starting_at_once_upgrade_a_fresh_database_once(tmp_path):
    errors: list[BaseException] = []
    stores: list[Store] = []

    def start() -> None:
        try:
            stores.append(Store(tmp_path / "fresh.sqlite"))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert [r[0] for r in stores[0].db.execute("select version from schema_version order by version")] == \
        list(range(1, LATEST + 1))
    for s in stores:
        s.close()
