"""Start-up against an unreachable or refusing Bot API, and secrets never in any log line at DEBUG.

The real `labor-bot run|serve` in a subprocess at LABOR_BOT_LOG_LEVEL=DEBUG with every secret setting
set; all it prints (stdout and stderr, tracebacks included) is searched for each secret.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote

import aiohttp
import pytest

from bot.logsafe import MASK, RedactingFilter
from fake_bot_api import FakeBotAPI
from handlers.telegram_start import EXIT_TOKEN_REJECTED
from serve_proc import SECRET_HEADER, WEBHOOK_SECRET, BotProcess, free_port, update

TOKEN = "987654321:AAHsecretTokenPart-xyz_0123456789"
SECRETS = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
           "WECHAT_TOKEN": "wxtoken-secret-4711", "WECHAT_APP_SECRET": "wxappsecret-0f0f0f0f",
           "WECHAT_ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}
DEBUG = {"LABOR_BOT_LOG_LEVEL": "DEBUG", **{k: v for k, v in SECRETS.items() if k.startswith("WECHAT")}}


def assert_no_secret(text: str) -> None:
    for name, value in SECRETS.items():
        for form in {value, quote(value, safe=""), value.partition(":")[2] or value}:
            assert form not in text, f"{name} appears in the output"


def test_the_filter_redacts_message_args_and_traceback():
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Keep(level=logging.DEBUG)
    handler.addFilter(RedactingFilter(SECRETS.values()))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        logger.debug("Set Bot API URL: https://api.telegram.org/bot%s", TOKEN)
        logger.info("setWebhook %s", {"secret_token": WEBHOOK_SECRET, "url": "https://x"})
        logger.debug("encoded: %s", quote(TOKEN, safe=""))
        try:
            raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
        except RuntimeError:
            logger.exception("start-up failed")
    finally:
        logger.removeHandler(handler)
    text = "\n".join(records)
    assert_no_secret(text)
    assert text.count(MASK) >= 4 and "Traceback" in text and "rejected by the server" in text


@pytest.fixture
async def fake():
    api = await FakeBotAPI(token=TOKEN).start()
    yield api
    await api.stop()


async def test_serve_at_debug_never_logs_a_secret(tmp_path, fake):
    bot = BotProcess(tmp_path, "serve", fake.base_url, TOKEN, tmp_path / "s.sqlite",
                     env={**DEBUG, "TELEGRAM_WEBHOOK_URL": "https://bot.example/telegram"})
    await bot.start()
    async with aiohttp.ClientSession() as http:
        async with http.post(bot.url, json=update(1, 61, "泸州培训补贴"), headers={SECRET_HEADER: WEBHOOK_SECRET}) as r:
            assert r.status == 200
        async with http.post(bot.url, json=update(2, 61, "x"), headers={SECRET_HEADER: "wrong"}) as r:
            assert r.status == 403
    await fake.wait_for(lambda: fake.to(61))
    assert fake.methods("setWebhook")[0]["secret_token"] == WEBHOOK_SECRET  # it was used, just never logged
    assert await bot.stop() == 0
    out = bot.output()
    assert "DEBUG" in out and "setWebhook" in out  # DEBUG really was on
    assert_no_secret(out)


async def test_wrong_token_is_one_clear_line_and_exit_code_4(tmp_path, fake):
    wrong = "987654321:AAHwrongTokenPart-abc_9876543210"
    bot = BotProcess(tmp_path, "run", fake.base_url, wrong, tmp_path / "w.sqlite", env=DEBUG)
    bot.env["TELEGRAM_BOT_TOKEN"] = wrong
    await bot.start()
    assert bot.proc is not None
    assert await asyncio.wait_for(bot.proc.wait(), 30) == EXIT_TOKEN_REJECTED
    out = bot.output()
    assert "rejected TELEGRAM_BOT_TOKEN" in out and "Traceback" not in out
    assert wrong not in out and wrong.partition(":")[2] not in out
    assert [line for line in out.splitlines() if "rejected" in line and "DEBUG" not in line] == [
        f"labor-bot run: the Bot API at {fake.base_url.removesuffix('/bot')} rejected TELEGRAM_BOT_TOKEN "
        "(check it with @BotFather)"]


async def test_unreachable_api_at_start_is_retried_with_one_line_per_attempt(tmp_path):
    port = free_port()
    bot = BotProcess(tmp_path, "run", f"http://127.0.0.1:{port}/bot", TOKEN, tmp_path / "u.sqlite")
    await bot.start()
    for _ in range(600):  # attempts 1 and 2 fail (1 s, then 2 s of backoff); a loaded machine starts slowly
        if "attempt 2" in bot.output():
            break
        await asyncio.sleep(0.05)
    api = await FakeBotAPI(token=TOKEN).start(port=port)  # the network is back
    try:
        await api.wait_for(lambda: api.methods("getUpdates"), timeout=15)
        api.message(62, "泸州创业贷款能贷多少")
        await api.wait_for(lambda: api.to(62), timeout=15)
        assert await bot.stop() == 0
    finally:
        await api.stop()
    out = bot.output()
    attempts = [line for line in out.splitlines() if "not reachable" in line]
    assert len(attempts) >= 2 and all(f"attempt {i + 1}:" in a for i, a in enumerate(attempts))
    assert "retrying in 1 s" in attempts[0] and "retrying in 2 s" in attempts[1]
    assert "Traceback" not in out
    assert_no_secret(out)
