"""Shared fixtures: the real knowledge base, matcher, a fresh SQLite file per test, and the real CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.kb import load_kb
from bot.matcher import Index, Matcher
from bot.points import load_points
from bot.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "knowledge" / "sources"  # the two source documents, shipped with the package
TODAY = dt.date(2026, 11, 23)


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


@pytest.fixture(scope="session")
def cli_env(tmp_path_factory):
    env = dict(os.environ)
    env["LABOR_BOT_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    env["LABOR_BOT_TODAY"] = TODAY.isoformat()
    env.pop("LABOR_BOT_DB", None)
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
