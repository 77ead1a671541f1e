"""Shared fixtures: the real knowledge base, matcher, a fresh database per test, and the real CLI.

Both backends: by default each test's Store is a SQLite file in its tmp_path. With
LABOR_BOT_TEST_DATABASE_URL=postgresql://… (what .ci/run sets for its second run) every test gets a schema
of its own in that PostgreSQL database, named in LABOR_BOT_DATABASE_URL (search_path) for the test and
every process it starts, and dropped afterwards; `--db` paths are then ignored, as in production.
Tests that only make sense on one backend are marked `sqlite_only` or `postgres_only`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import pytest

from bot.engine import Engine
from bot.kb import load_kb
from bot.matcher import Index, Matcher
from bot.models import Incoming
from bot.points import load_points
from bot.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "knowledge" / "sources"  # the two source documents, shipped with the package
TODAY = dt.date(2026, 11, 23)


T = TypeVar("T")


def present(value: T | None) -> T:
    """value, which the test expects to be there (a row, a subscription): fails here, not with a TypeError later."""
    assert value is not None
    return value


TEST_DATABASE_URL = os.environ.get("LABOR_BOT_TEST_DATABASE_URL", "").strip()
BACKEND = "postgres" if TEST_DATABASE_URL else "sqlite"


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: needs the SQLite backend (files, legacy schemas)")
    config.addinivalue_line("markers", "postgres_only: needs PostgreSQL (several workers on one database)")
    os.environ.pop("LABOR_BOT_DATABASE_URL", None)  # only the fixture below decides


def pytest_report_header(config):
    return f"database backend: {BACKEND}"


# modules that never open the shared database (knowledge, matcher, answers, checks on scratch in-memory stores,
# docs, packaging, the browser): the PostgreSQL run leaves them to the SQLite run
NO_SHARED_DATABASE = {"test_answer.py", "test_checks_property.py", "test_checks_tables.py", "test_desk_browser.py",
                      "test_dialogs.py", "test_docs.py", "test_install.py", "test_kb.py", "test_kb_keys.py",
                      "test_matcher.py", "test_points.py", "test_understand.py"}


def pytest_collection_modifyitems(config, items):
    if BACKEND == "postgres":
        kept = [i for i in items if i.path.name not in NO_SHARED_DATABASE]
        config.hook.pytest_deselected(items=[i for i in items if i.path.name in NO_SHARED_DATABASE])
        items[:] = kept
    skip = pytest.mark.skip(reason=f"not for the {BACKEND} backend")
    for item in items:
        if (BACKEND == "postgres" and "sqlite_only" in item.keywords) or \
                (BACKEND == "sqlite" and "postgres_only" in item.keywords):
            item.add_marker(skip)


def schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(autouse=True)
def database(cli_env, monkeypatch):
    """PostgreSQL runs: a schema of this test's own, for this process and every process it starts."""
    if not TEST_DATABASE_URL:
        yield None
        return
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as conn:
        conn.execute(f"create schema {schema}")
    url = schema_url(TEST_DATABASE_URL, schema)
    monkeypatch.setenv("LABOR_BOT_DATABASE_URL", url)
    monkeypatch.setitem(cli_env, "LABOR_BOT_DATABASE_URL", url)
    yield url
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as conn:
        conn.execute(f"drop schema {schema} cascade")


@pytest.fixture(scope="session", autouse=True)
def channels():
    """The channel registry as the composition root fills it (console, telegram, wechat)."""
    from handlers import register_channels

    return register_channels()


@pytest.fixture(scope="session")
def kb():
    return load_kb()


@pytest.fixture(scope="session")
def matcher(kb):
    return Matcher(Index(kb), load_points(kb))


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "bot.sqlite")
    yield s
    s.close()


@pytest.fixture
def engine(kb, matcher, store):
    return Engine(kb, matcher, store, today=lambda: TODAY)


@pytest.fixture
def talk(engine):
    """One user typing lines in turn (as on WeChat); the engine's reply to the last one."""
    async def run(user: str, *lines: str) -> str:
        out = ""
        for line in lines:
            out = "\n".join(r.text for r in await engine.handle(Incoming(user, line)))
        return out
    return run


@pytest.fixture
def engine_ask(engine):
    """The reply `labor-bot ask` gives: the matcher (typos put right), then the engine's answer."""
    def run(q: str) -> str:
        return "\n".join(r.text for r in engine.reply_for(engine.matcher.match(q)))
    return run


@pytest.fixture(scope="session")
def cli_env(tmp_path_factory):
    env = dict(os.environ)
    env["LABOR_BOT_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    env["LABOR_BOT_TODAY"] = TODAY.isoformat()
    env.pop("LABOR_BOT_DB", None)
    env.pop("LABOR_BOT_DATABASE_URL", None)
    return env


@pytest.fixture
def cli(cli_env, tmp_path):
    """Run the real CLI in a subprocess: cli("ask", "…", input=…) → CompletedProcess."""

    def run(*args: str, input: str | None = None, env: dict | None = None, timeout: float = 60):
        e = {**cli_env, "LABOR_BOT_DB": str(tmp_path / "cli.sqlite"), **(env or {})}
        return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=input, capture_output=True,
                              text=True, env=e, timeout=timeout, cwd=tmp_path)

    return run


def jsonl(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]
