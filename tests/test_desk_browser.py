"""The staff desk in a real browser: Debian's Chromium driven by Playwright (executable_path, no downloaded
browser), the real `labor-bot web` and `labor-bot run` processes sharing one SQLite file, and the fake Bot
API on 127.0.0.1. Sign in with a link, send an announcement the fake Bot API receives and watch it reach
done, link an unanswered question to a measure and see the running bot and `labor-bot ask` answer it.
Screenshots of every page go to $LABOR_BOT_ARTIFACTS/desk (default tests/artifacts/desk, ignored by git)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.announce import Outbox
from bot.store import Store
from conftest import ROOT
from fake_bot_api import FakeBotAPI

playwright_api = pytest.importorskip("playwright.async_api", reason="pip install -e '.[test]' brings playwright")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install -y chromium)")

ARTIFACTS = Path(os.environ.get("LABOR_BOT_ARTIFACTS") or ROOT / "tests" / "artifacts") / "desk"
QUESTION = "屋头老汉想学开挖机"  # out of scope for the bot as shipped
TARGET = "luding-10"  # 加强劳务品牌技能人才培训
SUBSCRIBERS = [7001, 7002, 7003]
NOTICE = "泸定县挖掘机培训班12月1日开班，报名请到县人社局。"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_until(predicate, timeout: float = 20.0, what: str = "") -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not await predicate():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def cli(env: dict, *args: str) -> tuple[int, str, str]:
    p = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", *args, env=env,
                                             stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await p.communicate()
    assert p.returncode is not None  # communicate() waited for the exit
    return p.returncode, out.decode(), err.decode()


@pytest.fixture
async def fake():
    api = await FakeBotAPI().start()
    yield api
    await api.stop()


@pytest.fixture
def env(cli_env, tmp_path, fake):
    db = tmp_path / "bot.sqlite"
    store = Store(db)
    outbox = Outbox(store)
    for uid in SUBSCRIBERS:
        outbox.subscribe(str(uid), "telegram", "luding", None)
    store.close()
    port = free_port()
    return {**cli_env, "LABOR_BOT_DB": str(db), "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": fake.base_url, "LABOR_BOT_BROADCAST_RATE": "20",
            "LABOR_BOT_PHRASINGS_SECONDS": "1", "LABOR_BOT_WEB_LISTEN": f"127.0.0.1:{port}",
            "LABOR_BOT_WEB_URL": f"http://127.0.0.1:{port}"}


@pytest.fixture
async def running(env):
    """`labor-bot run` and `labor-bot web`, stopped with SIGTERM afterwards."""
    procs = [await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", cmd, env=env,
                                                  stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
             for cmd in ("run", "web")]
    base = env["LABOR_BOT_WEB_URL"]

    async def healthy() -> bool:
        try:
            async with aiohttp.ClientSession() as s, s.get(base + "/healthz") as r:
                return r.status == 200
        except aiohttp.ClientError:
            return False

    await wait_until(healthy, 90, "labor-bot web")
    yield base
    for p in procs:
        if p.returncode is None:
            p.terminate()
    for p in procs:
        await asyncio.wait_for(p.wait(), 30)


@pytest.fixture
async def browser():
    async with playwright_api.async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        await b.close()


async def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def test_staff_desk_in_a_browser(env, fake, running, browser):
    base = running
    # someone asks what the bot cannot answer, on Telegram, through the running bot
    fake.message(SUBSCRIBERS[0], QUESTION)
    await fake.wait_for(lambda: len(fake.to(SUBSCRIBERS[0])) >= 1, 30)
    first_reply = fake.to(SUBSCRIBERS[0])[0]["text"]

    code, link, err = await cli(env, "staff", "add", "王芳")
    assert code == 0, err
    link = link.strip()
    assert link.startswith(base + "/login/")

    context = await browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN")
    page = await context.new_page()
    await page.goto(base + "/")  # no session yet: sent to the page that says how to get a link
    assert page.url == base + "/login"
    await shot(page, "00-login-help")
    await page.goto(link)
    await shot(page, "01-login-confirm")
    await page.click("#signin")
    await page.wait_for_url(base + "/")
    await shot(page, "02-overview")
    assert "每天的提问" in await page.inner_text("main")

    # compose, preview, confirm; the list updates until done
    await page.click("nav >> text=通知")
    await page.fill("#text", NOTICE)
    assert await page.inner_text("#count") == str(len(NOTICE))
    await page.check("input[name=region][value=luding]")
    await page.wait_for_function("document.getElementById('audience-count').textContent.includes('会收到：3')")
    await shot(page, "03-compose")
    await page.click("#preview-button")
    assert NOTICE in await page.inner_text("#preview-body")
    assert "共 3 人" in await page.inner_text("#recipients")
    await shot(page, "04-preview")
    await page.click("#confirm")
    await page.wait_for_selector("li[data-status=done]", timeout=30_000)
    await shot(page, "05-announcements-done")
    cells = await page.locator("li[data-status=done] [data-role=progress] tbody tr").first.locator("td").all_inner_texts()
    assert cells == ["Telegram", "3", "0", "0", "0", "0", "3"]  # sent, failed, blocked, unread, waiting, total
    assert all(sum(NOTICE in s.get("text", "") for s in fake.to(uid)) == 1 for uid in SUBSCRIBERS)

    # the unanswered question, linked to a measure
    await page.click("nav >> text=问题")
    card = page.locator("li.question", has_text=QUESTION)
    await card.wait_for()
    await shot(page, "06-questions")
    await card.locator("select[name=measure]").select_option(TARGET)
    await card.locator("button", has_text="关联").click()
    await page.wait_for_selector(".flash")
    await shot(page, "07-questions-linked")

    code, out, err = await cli(env, "ask", QUESTION, "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["measures"][0] == TARGET and answer["intent"] == "question"

    # the running bot uses it too, without a restart
    fake.message(SUBSCRIBERS[1], QUESTION)
    await fake.wait_for(lambda: any(s.get("text") and s["text"] != first_reply and "泸定" in s["text"]
                                    for s in fake.to(SUBSCRIBERS[1]) if NOTICE not in s.get("text", "")), 30)

    await page.click("nav >> text=审计")
    await shot(page, "08-audit")
    text = await page.inner_text("main")
    assert "王芳" in text and "问题关联到措施" in text and "排队发送通知" in text
    await page.goto(base + "/?from=2020-01-01")
    await shot(page, "09-overview-range")

    # on a phone
    phone = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                      storage_state=await context.storage_state())
    mobile = await phone.new_page()
    for path, name in (("/", "10-phone-overview"), ("/announcements", "11-phone-announcements"),
                       ("/questions", "12-phone-questions"), ("/audit", "13-phone-audit")):
        await mobile.goto(base + path)
        width = await mobile.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"{path} scrolls sideways on a phone ({width}px)"
        await shot(mobile, name)
    await phone.close()
    await context.close()
