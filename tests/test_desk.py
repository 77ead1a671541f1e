"""The staff desk over HTTP (real aiohttp server on 127.0.0.1, real SQLite file): access, every refusal,
escaping, announcements, the questions inbox teaching the running matcher, the overview's numbers."""

from __future__ import annotations

import json
import re
import time

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.announce import Outbox
from bot.announce.audience import Audience
from bot.desk import stats
from bot.desk.web import Desk, DeskSettings
from bot.matcher import Index, Matcher
from bot.phrasings import Overlay, Taught
from bot.store import Store
from conftest import present


def found(pattern: str, page: str) -> str:
    """The first group of pattern in a page the test expects it on."""
    m = re.search(pattern, page)
    assert m, f"{pattern} not in the page"
    return m.group(1)


class Clock:
    def __init__(self):
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def index(kb):
    return Index(kb)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "desk.sqlite"


@pytest.fixture
def store(db_path):
    s = Store(db_path)
    yield s
    s.close()


def make_desk(store, kb, index, clock, url="http://127.0.0.1:8070"):
    matcher = Taught(Matcher(index), Overlay(kb, store.db, every=0))
    return Desk(store, kb, matcher, DeskSettings(url=url), clock=clock)


@pytest.fixture
def desk(store, kb, index, clock):
    return make_desk(store, kb, index, clock)


@pytest.fixture
async def client(desk):
    c = TestClient(TestServer(desk.app(), host="127.0.0.1"))
    await c.start_server()
    yield c
    await c.close()


def link_for(desk, name="王芳", superadmin=False) -> str:
    desk.access.add(name, "test", superadmin=superadmin)
    return desk.access.issue_link(name)


async def sign_in(client, token: str):
    page = await client.get(f"/login/{token}")
    assert page.status == 200, await page.text()
    nonce = found(r'name="nonce" value="([^"]+)"', await page.text())
    return await client.post(f"/login/{token}", data={"nonce": nonce}, allow_redirects=False)


async def signed_in(client, desk, name="王芳", superadmin=False) -> str:
    r = await sign_in(client, link_for(desk, name, superadmin))
    assert r.status == 303 and r.headers["Location"] == "/"
    page = await client.get("/")
    return found(r'name="csrf" value="([^"]+)"', await page.text())


# -- access -------------------------------------------------------------------------------------------------
async def test_healthz_needs_no_session(client):
    r = await client.get("/healthz")
    assert (r.status, await r.json()) == (200, {"ok": True})


@pytest.mark.parametrize("path", ["/", "/announcements", "/questions", "/audit", "/staff",
                                  "/announcements/progress?ids=1", "/announcements/count"])
async def test_every_page_without_a_session_redirects_to_the_how_to_page(client, path):
    r = await client.get(path, allow_redirects=False)
    assert (r.status, r.headers["Location"]) == (303, "/login")


async def test_the_how_to_page_says_how_to_get_a_link(client):
    r = await client.get("/login")
    assert r.status == 200
    assert "labor-bot staff add" in await r.text()


@pytest.mark.parametrize("path", ["/announcements/preview", "/questions/link", "/questions/dismiss", "/logout",
                                  "/staff/add", "/announcements/1/cancel"])
async def test_a_post_without_a_session_changes_nothing(client, store, path):
    r = await client.post(path, data={"text": "通知", "csrf": "x", "measure": "luzhou-22", "name": "x"},
                          allow_redirects=False)
    assert (r.status, r.headers["Location"]) == (303, "/login")
    assert store.db.execute("select count(*) from announcements").scalar() == 0
    assert store.db.execute("select count(*) from phrasings").fetchone()[0] == 0


async def test_a_link_signs_in_once_with_safe_cookie_flags(client, desk, store):
    token = link_for(desk)
    r = await sign_in(client, token)
    assert r.status == 303
    cookie = r.headers.getall("Set-Cookie")
    session = next(c for c in cookie if c.startswith("desk_session="))
    assert "HttpOnly" in session and "SameSite=Strict" in session and "Max-Age=43200" in session
    assert "Secure" not in session  # http URL
    assert (await client.get("/", allow_redirects=False)).status == 200
    # the same link again: refused, on the page and on its form
    again = await client.get(f"/login/{token}")
    assert again.status == 403 and "已经用过" in await again.text()
    post = await client.post(f"/login/{token}", data={"nonce": "x"})
    assert post.status == 403
    assert store.db.execute("select count(*) from desk_sessions").fetchone()[0] == 1
    # only hashes are stored
    assert token not in str(list(store.db.execute("select * from desk_links")))
    assert [a["action"] for a in Outbox(store).audit_log()] == ["signed_in"]


async def test_secure_cookie_when_the_desk_url_is_https(store, kb, index, clock):
    desk = make_desk(store, kb, index, clock, url="https://desk.example.org")
    async with TestClient(TestServer(desk.app(), host="127.0.0.1")) as c:
        token = link_for(desk)
        page = await c.get(f"/login/{token}")
        assert "Secure" in page.headers["Set-Cookie"]
        nonce = found(r'name="nonce" value="([^"]+)"', await page.text())
        # a browser sends a Secure cookie over https only; here it is given by hand
        r = await c.post(f"/login/{token}", data={"nonce": nonce}, headers={"Cookie": f"desk_login={nonce}"},
                         allow_redirects=False)
        assert "Secure" in next(x for x in r.headers.getall("Set-Cookie") if x.startswith("desk_session="))


async def test_an_expired_link_is_refused(client, desk, clock):
    token = link_for(desk)
    clock.now += 24 * 3600 + 1
    r = await client.get(f"/login/{token}")
    assert r.status == 403 and "过期" in await r.text()


async def test_an_unknown_link_is_refused(client):
    r = await client.get("/login/not-a-token")
    assert r.status == 403 and "无效" in await r.text()


async def test_the_sign_in_form_needs_its_nonce_and_then_the_link_still_works(client, desk):
    token = link_for(desk)
    await client.get(f"/login/{token}")
    r = await client.post(f"/login/{token}", data={}, allow_redirects=False)
    assert r.status == 403
    assert desk.access.link_status(token)[0] == "ok"


async def test_a_session_ends_after_its_hours_and_when_staff_is_removed(client, desk, clock):
    await signed_in(client, desk)
    clock.now += 12 * 3600 + 1
    assert (await client.get("/", allow_redirects=False)).status == 303
    await signed_in(client, desk, "李强")
    desk.access.remove("李强")
    assert (await client.get("/", allow_redirects=False)).status == 303


@pytest.mark.parametrize("csrf", [None, "", "wrong"])
async def test_a_post_without_the_right_csrf_token_is_refused_and_changes_nothing(client, desk, store, csrf):
    await signed_in(client, desk)
    data = {"text": "明天招聘会", "when": "now"} | ({"csrf": csrf} if csrf is not None else {})
    r = await client.post("/announcements/preview", data=data, allow_redirects=False)
    assert r.status == 403 and "没有做任何更改" in await r.text()
    assert store.db.execute("select count(*) from announcements").scalar() == 0
    refused = [a for a in Outbox(store).audit_log() if a["action"] == "refused"]
    assert refused[0]["actor"] == "王芳" and refused[0]["problem"] == "csrf"


async def test_what_users_typed_is_shown_escaped_everywhere(client, desk, store):
    csrf = await signed_in(client, desk)
    store.log_question("u1", "telegram", "<script>alert(1)</script>能补多少", "out_of_scope", [], 0.0)
    page = await (await client.get("/questions")).text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;能补多少" in page
    assert "<script>alert" not in page
    r = await client.post("/announcements/preview", data={"csrf": csrf, "text": "<b>x</b><script>y</script>",
                                                          "when": "now"})
    preview = await r.text()
    assert "&lt;b&gt;x&lt;/b&gt;&lt;script&gt;y&lt;/script&gt;" in preview and "<script>y" not in preview
    audit = await (await client.get("/audit")).text()
    assert "<script>" not in audit.replace('<script src="/static/desk.js" defer></script>', "")


async def test_pages_forbid_other_hosts_scripts_and_framing(client, desk):
    await signed_in(client, desk)
    r = await client.get("/")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert (await client.get("/static/desk.css")).status == 200


async def test_malformed_input_is_a_400_not_a_500(client, desk):
    await signed_in(client, desk)
    assert (await client.get("/?from=yesterday")).status == 400


# -- announcements -----------------------------------------------------------------------------------------
def subscribers(store):
    outbox = Outbox(store)
    outbox.subscribe("101", "telegram", "luzhou", None)
    outbox.subscribe("102", "telegram", "luding", ["jobs"])
    outbox.subscribe("console", "console", None, None)
    return outbox


async def test_compose_preview_send_and_the_list(client, desk, store):
    subscribers(store)
    csrf = await signed_in(client, desk)
    count = await (await client.get("/announcements/count?region=luzhou")).json()
    assert count["total"] == 1  # the console subscriber (both regions) cannot be pushed to
    assert {c["channel"]: (c["n"], c["push"]) for c in count["channels"]} == {"telegram": (1, True),
                                                                             "console": (1, False)}
    r = await client.post("/announcements/preview", data={"csrf": csrf, "text": "泸州招聘会 12月1日", "region": "luzhou",
                                                          "when": "now"})
    page = await r.text()
    assert r.status == 200 and "【劳务品牌政策助手·通知】\n泸州招聘会 12月1日" in page and "共 1 人" in page
    aid = int(found(r'/announcements/(\d+)/send', page))
    r = await client.post(f"/announcements/{aid}/send", data={"csrf": csrf}, allow_redirects=False)
    assert r.headers["Location"] == f"/announcements?m=queued&id={aid}"
    row = present(Outbox(store).announcement(aid))
    assert row["status"] == "scheduled" and row["author"] == "王芳"
    queued = [a for a in Outbox(store).audit_log() if a["action"] == "queued"]
    assert queued[0]["actor"] == "王芳" and queued[0]["audience"] == "luzhou"
    # the same draft cannot be sent twice
    r = await client.post(f"/announcements/{aid}/send", data={"csrf": csrf}, allow_redirects=False)
    assert r.headers["Location"] == "/announcements?m=not_draft"
    # progress of a running one, per channel
    Outbox(store, clock=lambda: time.time() + 1).start_due()
    progress = await (await client.get(f"/announcements/progress?ids={aid}")).json()
    assert progress[str(aid)]["status"] == "sending"
    assert progress[str(aid)]["channels"][0]["waiting"] == 1


async def test_a_scheduled_announcement_can_be_cancelled(client, desk, store):
    csrf = await signed_in(client, desk)
    r = await client.post("/announcements/preview", data={"csrf": csrf, "text": "培训班开班", "when": "at",
                                                          "at": "2099-12-01T09:00"})
    aid = int(found(r'/announcements/(\d+)/send', await r.text()))
    await client.post(f"/announcements/{aid}/send", data={"csrf": csrf})
    assert present(Outbox(store).announcement(aid))["status"] == "scheduled"
    page = await (await client.get("/announcements")).text()
    assert f"/announcements/{aid}/cancel" in page and "2099-12-01 09:00" in page
    r = await client.post(f"/announcements/{aid}/cancel", data={"csrf": csrf}, allow_redirects=False)
    assert r.headers["Location"] == f"/announcements?m=cancelled&id={aid}"
    assert present(Outbox(store).announcement(aid))["status"] == "cancelled"


@pytest.mark.parametrize("data, problem", [
    ({"text": ""}, "请填写通知正文"),
    ({"text": "长" * 3501}, "现在有 3501 个字"),
    ({"text": "x", "when": "at", "at": "whenever"}, "发送时间看不懂"),
])
async def test_compose_refuses_bad_input_and_keeps_it(client, desk, store, data, problem):
    csrf = await signed_in(client, desk)
    r = await client.post("/announcements/preview", data={"csrf": csrf, "when": "now"} | data)
    assert r.status == 400 and problem in await r.text()
    assert store.db.execute("select count(*) from announcements").scalar() == 0


# -- questions ---------------------------------------------------------------------------------------------
QUESTION = "开个农家乐有没有啥子扶持"


async def test_linking_a_question_teaches_the_running_matcher(client, desk, store, kb, index):
    engine_matcher = Taught(Matcher(index), Overlay(kb, store.db, every=0))  # a bot sharing the database
    before = engine_matcher.match(QUESTION)
    store.log_question("u1", "telegram", QUESTION, before.intent, before.measures, before.confidence)
    store.log_question("u2", "telegram", QUESTION + "？", before.intent, before.measures, before.confidence)
    store.log_question("u3", "telegram", "开个农家乐有没有啥扶持", before.intent, before.measures, before.confidence)
    csrf = await signed_in(client, desk)
    page = await (await client.get("/questions?sort=frequent")).text()
    assert page.count('class="card question"') == 1 and "3 次" in page  # similar spellings are one group
    target = "luding-12" if "luding-12" in kb.measures else next(iter(kb.measures))
    texts = re.findall(r'name="text" value="([^"]+)"', page)[:2]
    r = await client.post("/questions/link", data={"csrf": csrf, "measure": target, "text": texts},
                          allow_redirects=False)
    assert r.headers["Location"] == "/questions?m=linked"
    after = engine_matcher.match(QUESTION)
    assert after.measures[0] in (target, kb.measures[target].counterpart) and after.confidence == 1.0
    assert engine_matcher.match("我是泸定的" + QUESTION).measures[0] == (
        target if kb.measures[target].region == "luding" else kb.measures[target].counterpart or target)
    assert "没有待处理的问题" in await (await client.get("/questions")).text()
    linked = [a for a in Outbox(store).audit_log() if a["action"] == "phrasing_linked"]
    assert linked[0]["actor"] == "王芳" and linked[0]["measure"] == target


async def test_out_of_scope_and_dismiss(client, desk, store, kb, index):
    bot = Taught(Matcher(index), Overlay(kb, store.db, every=0))
    store.log_question("u1", "telegram", "贷款利息怎么算", "question", ["luzhou-22"], 0.3)
    store.log_question("u1", "telegram", "好好好好好好", "out_of_scope", [], 0.0)
    csrf = await signed_in(client, desk)
    await client.post("/questions/out-of-scope", data={"csrf": csrf, "text": "贷款利息怎么算"})
    assert bot.match("贷款利息怎么算").intent == "out_of_scope"
    await client.post("/questions/dismiss", data={"csrf": csrf, "text": "好好好好好好"})
    page = await (await client.get("/questions")).text()
    assert "没有待处理的问题" in page
    assert [a["action"] for a in Outbox(store).audit_log()][:2] == ["question_dismissed", "question_out_of_scope"]


async def test_a_link_to_an_unknown_measure_is_refused(client, desk, store):
    csrf = await signed_in(client, desk)
    r = await client.post("/questions/link", data={"csrf": csrf, "measure": "nowhere-99", "text": "x问题"},
                          allow_redirects=False)
    assert r.headers["Location"] == "/questions?m=phrasing_unknown_measure"
    assert store.db.execute("select count(*) from phrasings").fetchone()[0] == 0


# -- overview and audit ------------------------------------------------------------------------------------
async def test_overview_counts_questions_checks_and_subscribers(client, desk, store):
    from bot import usage

    subscribers(store)
    for i in range(3):
        store.log_question("u1", "telegram", f"贷款{i}", "question", ["luzhou-22"], 0.9)
    store.log_question("u1", "telegram", "医保", "out_of_scope", [], 0.0)
    store.log_question("u1", "telegram", "培训", "question", ["luding-10"], 0.2)
    store.log_question("u1", "telegram", "你好", "greeting", [], 0.0)
    usage.check_started(store, "training", "luding")
    usage.check_finished(store, {"flow": "training", "values": {"region": "luding"},
                                 "results": [{"outcome": "eligible"}, {"outcome": "ask_office"}]})
    await signed_in(client, desk)
    page = await (await client.get("/")).text()
    assert "有答案 3" in page and "把握不大 1" in page and "答不了 1" in page
    assert "luzhou-22" in page and "<svg" in page
    today = stats.today_beijing()
    days = stats.overview(store.db, desk.kb, desk.topics, today, today)
    assert days.totals == {"answered": 3, "low": 1, "unanswered": 1}
    assert days.measures[0]["id"] == "luzhou-22" and days.measures[0]["n"] == 3
    luding = next(r for r in days.checks if r["region"] == "luding")
    assert (luding["started"], luding["finished"], luding["outcomes"]) == (1, 1, {"eligible": 1, "ask_office": 1})
    assert {r["key"]: r["n"] for r in days.subs_regions} == {"luding": 1, "luzhou": 1, "": 1}
    # incremental: only new questions are added, nothing counted twice
    store.log_question("u1", "telegram", "贷款", "question", ["luzhou-22"], 0.9)
    assert stats.overview(store.db, desk.kb, desk.topics, today, today).totals["answered"] == 4


async def test_audit_is_filterable(client, desk, store):
    outbox = Outbox(store)
    outbox.audit("shell:root", "cancelled", 3)
    await signed_in(client, desk)
    page = await (await client.get("/audit?actor=shell:root")).text()
    assert "shell:root" in page and "登录" not in page.split("<tbody>")[1]
    assert "<td>取消定时通知</td>" in page  # the action named by knowledge/texts.yaml, as Telegram's /admin log says it
    page = await (await client.get("/audit?action=signed_in")).text()
    assert "王芳" in page.split("<tbody>")[1] and "#3" not in page


async def test_superadmins_add_and_remove_staff_on_the_desk(client, desk, store):
    csrf = await signed_in(client, desk, "局长", superadmin=True)
    r = await client.post("/staff/add", data={"csrf": csrf, "name": "小张"})
    link = found(r'<code id="new-link">([^<]+)</code>', await r.text())
    assert link.startswith("http://127.0.0.1:8070/login/")
    assert desk.access.member("小张") is not None
    await client.post("/staff/remove", data={"csrf": csrf, "name": "小张"})
    assert desk.access.member("小张") is None
    assert [a["action"] for a in Outbox(store).audit_log()][:2] == ["staff_remove", "staff_add"]


async def test_plain_staff_cannot_manage_staff(client, desk):
    csrf = await signed_in(client, desk)
    r = await client.post("/staff/add", data={"csrf": csrf, "name": "小张"}, allow_redirects=False)
    assert r.headers["Location"] == "/?m=superadmin_only"
    assert desk.access.member("小张") is None


# -- the shell commands ---------------------------------------------------------------------------------------
def test_staff_commands_and_export_phrasings(cli, tmp_path, kb):
    add = cli("staff", "add", "王芳", "--superadmin", env={"LABOR_BOT_WEB_URL": "https://desk.example.org"})
    assert add.returncode == 0, add.stderr
    assert re.fullmatch(r"https://desk\.example\.org/login/[A-Za-z0-9_-]{40,}\n", add.stdout)
    listed = cli("staff", "list")
    assert "王芳\tsuperadmin" in listed.stdout and "0 web session(s)" in listed.stdout
    assert cli("staff", "add", "bad name").returncode == 2
    store = Store(tmp_path / "cli.sqlite")
    from bot.phrasings import teach

    teach(store.db, kb, Matcher(Index(kb)), QUESTION, "luding-12", "王芳")
    store.close()
    exported = cli("kb", "export-phrasings", "--out", str(tmp_path / "p.yaml"))
    assert exported.returncode == 0, exported.stderr
    import yaml

    assert yaml.safe_load((tmp_path / "p.yaml").read_text(encoding="utf-8"))["luding-12"][0]["text"] == QUESTION
    assert cli("staff", "remove", "王芳").returncode == 0
    assert cli("staff", "remove", "王芳").returncode == 1
    audit = cli("audit", "--json")
    assert [json.loads(line)["action"] for line in audit.stdout.splitlines()] == ["staff_add", "staff_remove"]


@pytest.mark.parametrize("superadmin, outcome", [(False, "cannot_cancel"), (True, "cancelled")])
async def test_only_a_superadmin_cancels_another_staff_members_announcement(client, desk, store, superadmin,
                                                                               outcome):
    outbox = Outbox(store)
    aid = outbox.new_draft("李明", "web", "培训班开班")["id"]
    outbox.update_draft(aid, audience=Audience().to_json())
    outbox.queue(aid, "李明", time.time() + 3600, 0)
    csrf = await signed_in(client, desk, "王芳", superadmin=superadmin)
    r = await client.post(f"/announcements/{aid}/cancel", data={"csrf": csrf}, allow_redirects=False)
    assert r.headers["Location"] == f"/announcements?m={outcome}&id={aid}"
    assert present(Outbox(store).announcement(aid))["status"] == ("cancelled" if superadmin else "scheduled")
