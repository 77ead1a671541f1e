"""The real `labor-bot run|serve` in a subprocess, against a FakeBotAPI in the test's event loop."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

from conftest import TODAY

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_SECRET = "whsec-0123456789-abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def update(update_id, uid: int | str, text: str) -> dict:  # a str uid: a malformed update on purpose
    return {"update_id": update_id, "message": {
        "message_id": 1000 + (update_id if isinstance(update_id, int) else 0), "date": int(time.time()),
        "text": text, "chat": {"id": uid, "type": "private"}, "from": {"id": uid, "is_bot": False, "first_name": "U"}}}


class BotProcess:
    """labor-bot <mode> with its output captured to files (read them any time, even after kill -9)."""

    def __init__(self, tmp: Path, mode: str, api_base: str, token: str, db: Path, env: dict | None = None,
                 cache: Path | None = None):
        self.tmp, self.mode = tmp, mode
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("LABOR_BOT_", "TELEGRAM_", "WECHAT_"))}
        if os.environ.get("LABOR_BOT_DATABASE_URL"):  # PostgreSQL runs (tests/conftest.py)
            self.env["LABOR_BOT_DATABASE_URL"] = os.environ["LABOR_BOT_DATABASE_URL"]
        self.env |= {"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": api_base, "LABOR_BOT_DB": str(db),
                     "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET, "LABOR_BOT_LISTEN": f"127.0.0.1:{self.port}",
                     "LABOR_BOT_TODAY": TODAY.isoformat(), "LABOR_BOT_CACHE": str(cache or tmp / "cache"),
                     "PYTHONIOENCODING": "utf-8:strict", **(env or {})}
        self.proc: asyncio.subprocess.Process | None = None
        self.runs = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    def log_path(self, i: int | None = None) -> Path:
        return self.tmp / f"{self.mode}-{self.runs if i is None else i}.log"

    async def start(self, wait_ready: bool = True) -> "BotProcess":
        self.runs += 1
        out = self.log_path().open("wb")
        self.proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", self.mode, cwd=self.tmp,
                                                         env=self.env, stdout=out, stderr=out)
        out.close()
        if wait_ready and self.mode == "serve":
            await self.wait_listening()
        return self

    async def wait_listening(self, timeout: float = 120) -> None:
        """Until serve listens (a loaded 2-core machine took over 30 s to start two); fails at once if it exits."""
        assert self.proc is not None, "start() first"
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert self.proc.returncode is None, self.output()
            try:
                _, w = await asyncio.open_connection("127.0.0.1", self.port)
                w.close()
                return
            except OSError:
                await asyncio.sleep(0.05)
        raise AssertionError("serve did not listen: " + self.output())

    def output(self, i: int | None = None) -> str:
        paths = [self.log_path(i)] if i else [self.log_path(n) for n in range(1, self.runs + 1)]
        return "".join(p.read_bytes().decode("utf-8") for p in paths if p.exists())

    def kill9(self) -> None:
        assert self.proc is not None, "start() first"
        self.proc.send_signal(signal.SIGKILL)

    async def stop(self, timeout: float = 20) -> int:
        assert self.proc is not None, "start() first"
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), timeout)


ANSWER_MARK = "万元"  # the loan answer states the ceiling; the offer of notices that follows does not


def answers(fake, chats) -> dict[int, int]:
    """How many answers to the loan question each chat got from the fake Bot API."""
    counts = {c: 0 for c in chats}
    for s in fake.sent:
        if int(s["chat_id"]) in counts and ANSWER_MARK in s.get("text", "") and "订阅" not in s.get("text", ""):
            counts[int(s["chat_id"])] += 1
    return counts
