"""The staff desk web application (aiohttp, server-rendered Jinja2 with autoescape, own static files).

Every page but /login, /login/<token>, /healthz and /static/ needs a session, else 303 to /login, which
says how to get a link. Every POST needs the session's CSRF token, else 403 and nothing changes (the
attempt is audited). A sign-in link opens a confirmation page first and is used by its POST, so a
messenger that fetches links for previews cannot burn it. Every action is audited with the staff name.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot import phrasings
from bot.announce.actions import action_name
from bot.announce.audience import Audience, Vocabulary, load_topics
from bot.announce.outbox import MAX_TEXT, Outbox
from bot.announce.when import WhenError, now_in_beijing, parse_when, show
from bot.desk import inbox, stats
from bot.desk.access import Access, Session, StaffError, same
from bot.desk.messages import load_messages
from bot.store import desk as queries
from bot.textnorm import clean

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
COOKIE = "desk_session"
LOGIN_COOKIE = "desk_login"  # double-submit token of the sign-in confirmation form
MAX_BODY = 64 * 1024
DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
PAGE_GROUPS = 50
AUDIT_LIMIT = 200
PUBLIC = ("/healthz", "/login")
_KEY = getattr(web, "RequestKey", None)  # typed request storage in newer aiohttp; plain strings before
SESSION: Any = _KEY("desk_session", object) if _KEY else "desk_session"
FORM: Any = _KEY("desk_form", object) if _KEY else "desk_form"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


@dataclass
class DeskSettings:
    listen: str = "127.0.0.1:8070"
    url: str = "http://127.0.0.1:8070"
    session_hours: float = 12.0

    @classmethod
    def from_env(cls) -> "DeskSettings":
        raw = os.environ.get("LABOR_BOT_WEB_SESSION_HOURS") or "12"
        try:
            hours = float(raw)
            if hours <= 0:
                raise ValueError
        except ValueError:
            raise SystemExit(f"LABOR_BOT_WEB_SESSION_HOURS must be a positive number, got {raw!r}") from None
        listen = os.environ.get("LABOR_BOT_WEB_LISTEN") or "127.0.0.1:8070"
        url = (os.environ.get("LABOR_BOT_WEB_URL") or f"http://{listen}").rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise SystemExit(f"LABOR_BOT_WEB_URL must start with http:// or https://, got {url!r}")
        return cls(listen=listen, url=url, session_hours=hours)

    @property
    def secure(self) -> bool:
        return self.url.startswith("https://")

    def address(self) -> tuple[str, int]:
        host, _, port = self.listen.rpartition(":")
        try:
            return host or "127.0.0.1", int(port)
        except ValueError:
            raise SystemExit(f"LABOR_BOT_WEB_LISTEN must be host:port, got {self.listen!r}") from None


def push_channels(outbox: Outbox) -> tuple[str, ...]:
    """Channels an announcement reaches (the channel registry when there is one)."""
    reg = getattr(outbox, "channels", None)
    if reg is not None and hasattr(reg, "push_names"):
        return tuple(reg.push_names())
    from bot.announce import outbox as module

    return tuple(getattr(module, "PUSH_CHANNELS", ("telegram",)))


class Desk:
    def __init__(self, store: Any, kb: Any, matcher: Any, settings: DeskSettings,
                 clock: Callable[[], float] = time.time):
        self.store, self.kb, self.matcher, self.settings, self.clock = store, kb, matcher, settings, clock
        self.db = store.db
        self.access = Access(store, clock)
        self.outbox = Outbox(store, clock)
        self.topics = load_topics(kb)
        self.vocab = Vocabulary(kb, self.topics)
        self.msg = load_messages()
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                                      autoescape=jinja2.select_autoescape(["html"], default=True),
                                      undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.filters["when"] = lambda ts: show(ts) if ts else ""
        self.env.globals.update(msg=self.msg, documents=kb.documents, topics=self.topics, max_text=MAX_TEXT,
                                action_name=functools.partial(action_name, kb.texts))

    # -- plumbing ------------------------------------------------------------------------------------------
    def page(self, request: web.Request, template: str, status: int = 200, **ctx: Any) -> web.Response:
        session: Session | None = request.get(SESSION)
        flash = self.msg["flash"].get(request.query.get("m", ""), "")
        html = self.env.get_template(template).render(session=session, path=request.path, flash=flash,
                                                  flash_id=request.query.get("id", ""), **ctx)
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")

    def audit(self, session: Session, action: str, aid: int | None = None, **detail: Any) -> None:
        self.outbox.audit(session.staff, action, aid, via="web", **detail)

    def refuse(self, request: web.Request, why: str, status: int = 403) -> web.Response:
        return self.page(request, "refused.html", status=status, reason=why)

    @web.middleware
    async def guard(self, request: web.Request, handler) -> web.StreamResponse:
        path = request.path
        public = path in PUBLIC or path.startswith(("/login/", "/static/"))
        session = self.access.session(request.cookies.get(COOKIE))
        request[SESSION] = session
        if not public and session is None:
            raise web.HTTPSeeOther("/login")
        if request.method == "POST" and not path.startswith("/login/"):
            form = await request.post()
            request[FORM] = form
            if session is None or not same(form.get("csrf"), session.csrf):
                if session is not None:
                    self.outbox.audit(session.staff, "refused", via="web", command=f"POST {path}", problem="csrf")
                log.warning("desk POST %s refused: CSRF token missing or wrong", path)
                return self.refuse(request, "csrf")
        try:
            return await handler(request)
        except web.HTTPException:
            raise
        except (ValueError, KeyError, UnicodeError) as e:  # what a client sent does not parse
            log.info("desk %s %s: bad request: %r", request.method, path, e, exc_info=True)
            return self.refuse(request, "bad_request", status=400)

    @staticmethod
    async def headers(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")  # sign-in tokens never leave in a Referer
        response.headers.setdefault("X-Frame-Options", "DENY")
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[self.guard])
        app.on_response_prepare.append(self.headers)
        r = app.router
        r.add_get("/healthz", self.healthz)
        r.add_get("/login", self.login_help)
        r.add_get("/login/{token}", self.login_page)
        r.add_post("/login/{token}", self.login)
        r.add_post("/logout", self.logout)
        r.add_get("/", self.overview)
        r.add_get("/announcements", self.announcements)
        r.add_get("/announcements/count", self.audience_count)
        r.add_get("/announcements/progress", self.progress)
        r.add_post("/announcements/preview", self.preview)
        r.add_post("/announcements/{aid:\\d+}/send", self.send)
        r.add_post("/announcements/{aid:\\d+}/cancel", self.cancel)
        r.add_get("/questions", self.questions)
        r.add_post("/questions/link", self.link)
        r.add_post("/questions/out-of-scope", self.out_of_scope)
        r.add_post("/questions/dismiss", self.dismiss)
        r.add_get("/audit", self.audit_page)
        r.add_get("/staff", self.staff_page)
        r.add_post("/staff/add", self.staff_add)
        r.add_post("/staff/remove", self.staff_remove)
        r.add_static("/static/", HERE / "static", show_index=False, append_version=False)
        return app

    # -- access ------------------------------------------------------------------------------------------
    async def healthz(self, request: web.Request) -> web.Response:
        queries.alive(self.db)
        return web.json_response({"ok": True})

    async def login_help(self, request: web.Request) -> web.Response:
        if request[SESSION] is not None:
            raise web.HTTPSeeOther("/")
        return self.page(request, "login_help.html")

    async def login_page(self, request: web.Request) -> web.Response:
        status, name = self.access.link_status(request.match_info["token"])
        if status != "ok":
            return self.page(request, "login_refused.html", status=403, reason=status)
        nonce = secrets.token_urlsafe(24)
        resp = self.page(request, "login.html", name=name, token=request.match_info["token"], nonce=nonce)
        resp.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="Strict", secure=self.settings.secure,
                        max_age=900, path="/login/")
        return resp

    async def login(self, request: web.Request) -> web.Response:
        form = await request.post()
        if not same(form.get("nonce"), request.cookies.get(LOGIN_COOKIE)):
            return self.refuse(request, "csrf")
        opened = self.access.use_link(request.match_info["token"], self.settings.session_hours)
        if opened is None:
            return self.page(request, "login_refused.html", status=403,
                             reason=self.access.link_status(request.match_info["token"])[0])
        cookie, session = opened
        self.audit(session, "signed_in")
        resp = web.HTTPSeeOther("/")
        resp.set_cookie(COOKIE, cookie, httponly=True, samesite="Strict", secure=self.settings.secure,
                        max_age=int(self.settings.session_hours * 3600), path="/")
        resp.del_cookie(LOGIN_COOKIE, path="/login/")
        raise resp

    async def logout(self, request: web.Request) -> web.Response:
        self.access.end(request.cookies.get(COOKIE, ""))
        self.audit(request[SESSION], "signed_out")
        resp = web.HTTPSeeOther("/login")
        resp.del_cookie(COOKIE, path="/")
        raise resp

    # -- overview ------------------------------------------------------------------------------------------
    def _range(self, request: web.Request) -> tuple[dt.date, dt.date]:
        last = stats.today_beijing(self.clock())
        first = last - dt.timedelta(days=DEFAULT_DAYS - 1)
        try:
            if request.query.get("to"):
                last = dt.date.fromisoformat(request.query["to"])
            if request.query.get("from"):
                first = dt.date.fromisoformat(request.query["from"])
            elif request.query.get("to"):
                first = last - dt.timedelta(days=DEFAULT_DAYS - 1)
        except ValueError:
            raise ValueError("bad date") from None
        if first > last:
            first, last = last, first
        if (last - first).days >= MAX_DAYS:
            first = last - dt.timedelta(days=MAX_DAYS - 1)
        return first, last

    async def overview(self, request: web.Request) -> web.Response:
        first, last = self._range(request)
        ov = stats.overview(self.db, self.kb, self.topics, first, last)
        regions = [{**r, "label": self._region_label(r["key"])} for r in ov.subs_regions]
        channels = [{**c, "label": self._channel_label(c["key"])} for c in ov.subs_channels]
        return self.page(request, "overview.html", ov=ov, chart=stats.day_bars(ov.days),
                         measures=stats.hbars(ov.measures), subs_regions=stats.hbars(regions),
                         subs_topics=stats.hbars(ov.subs_topics), subs_channels=stats.hbars(channels),
                         outcomes=stats.outcome_counts(ov.checks), region_label=self._region_label)

    def _region_label(self, key: str | None) -> str:
        return self.kb.documents[key].name if key in self.kb.documents else self.msg["both_regions"]

    def _channel_label(self, key: str) -> str:
        return self.msg["channels"].get(key, key)

    # -- announcements ---------------------------------------------------------------------------------------
    def _counts_by_channel(self, audience: Audience) -> list[dict]:
        push = push_channels(self.outbox)
        rows = self.outbox.count_by_channel(audience)
        return [{"channel": c, "label": self._channel_label(c), "n": n, "push": c in push} for c, n in rows]

    def _list(self) -> list[dict]:
        out = []
        for a in self.outbox.listed(30):
            a["audience_text"] = self.vocab.describe(Audience.from_json(a["audience"]), self.kb.texts)
            a["progress"] = self._progress(a["id"])
            out.append(a)
        return out

    def _progress(self, aid: int) -> list[dict]:
        per: dict[str, dict] = {}
        for channel, status, n in queries.progress(self.db, aid):
            row = per.setdefault(channel, {"channel": channel, "label": self._channel_label(channel), "total": 0,
                                           "sent": 0, "failed": 0, "blocked": 0, "unread": 0, "waiting": 0})
            key = {"pending": "waiting", "sending": "waiting", "skipped": "failed", "read": "sent"}.get(status, status)
            row[key] = row.get(key, 0) + n
            row["total"] += n
        return list(per.values())

    def _compose(self, request: web.Request, status: int = 200, error: str = "", **values: Any) -> web.Response:
        values.setdefault("text", "")
        values.setdefault("regions", [])
        values.setdefault("topic_ids", [])
        values.setdefault("when", "now")
        values.setdefault("at", "")
        return self.page(request, "announcements.html", status=status, error=error, values=values,
                         items=self._list(), everyone=self._counts_by_channel(Audience()))

    async def announcements(self, request: web.Request) -> web.Response:
        draft_id = request.query.get("draft", "")
        if draft_id.isdigit():
            d = self.outbox.announcement(int(draft_id))
            if d and d["status"] == "draft" and d["author"] == request[SESSION].staff:
                aud = Audience.from_json(d.get("audience"))
                at = dt.datetime.fromtimestamp(d["send_at"], stats.BEIJING).strftime("%Y-%m-%dT%H:%M") \
                    if d.get("send_at") else ""
                return self._compose(request, text=d.get("text") or "", regions=sorted(aud.regions),
                                     topic_ids=sorted(aud.topics), when="at" if at else "now", at=at)
        return self._compose(request)

    def _audience(self, form) -> Audience:
        regions = [r for r in form.getall("region", []) if r in self.kb.documents]
        topic_ids = [t for t in form.getall("topic", []) if t in self.topics]
        return Audience(frozenset(regions), frozenset(topic_ids))

    async def audience_count(self, request: web.Request) -> web.Response:
        counts = self._counts_by_channel(self._audience(request.query))
        return web.json_response({"channels": counts, "total": sum(c["n"] for c in counts if c["push"])})

    async def preview(self, request: web.Request) -> web.Response:
        form = request[FORM]
        session: Session = request[SESSION]
        text = clean(str(form.get("text", "")).replace("\r\n", "\n"))
        audience = self._audience(form)
        values = {"text": text, "regions": sorted(audience.regions), "topic_ids": sorted(audience.topics),
                  "when": form.get("when", "now"), "at": str(form.get("at", ""))}
        if not text:
            return self._compose(request, 400, self.msg["errors"]["empty_text"], **values)
        if len(text) > MAX_TEXT:
            return self._compose(request, 400, self.msg["errors"]["too_long"].format(limit=MAX_TEXT, n=len(text)),
                                 **values)
        send_at = None
        if values["when"] == "at":
            try:
                send_at = parse_when(values["at"], now_in_beijing(self.clock())).timestamp()
            except WhenError as e:
                return self._compose(request, 400, self.msg["errors"]["bad_time"].format(problem=e), **values)
        draft = self.outbox.new_draft(session.staff, "web", text)
        draft = self.outbox.update_draft(draft["id"], audience=audience.to_json(), send_at=send_at, step="confirm")
        return self._preview_page(request, draft)

    def _preview_page(self, request: web.Request, draft: dict, error: str = "", status: int = 200) -> web.Response:
        audience = Audience.from_json(draft["audience"])
        counts = self._counts_by_channel(audience)
        return self.page(request, "preview.html", status=status, draft=draft, error=error,
                         body=self.kb.texts["news_push"].format(text=draft["text"]),
                         audience_text=self.vocab.describe(audience, self.kb.texts), counts=counts,
                         total=self.outbox.count(audience))

    async def send(self, request: web.Request) -> web.Response:
        session: Session = request[SESSION]
        aid = int(request.match_info["aid"])
        draft = self.outbox.announcement(aid)
        if not draft or draft["status"] != "draft" or draft["author"] != session.staff:
            raise web.HTTPSeeOther("/announcements?m=not_draft")
        send_at = draft.get("send_at") or self.clock()
        if send_at < self.clock() - 60:
            draft = self.outbox.update_draft(aid, send_at=None)
            return self._preview_page(request, draft, self.msg["errors"]["time_passed"], status=400)
        count = self.outbox.count(Audience.from_json(draft["audience"]))
        self.outbox.queue(aid, session.staff, send_at, count)
        raise web.HTTPSeeOther(f"/announcements?m={'scheduled' if draft.get('send_at') else 'queued'}&id={aid}")

    async def cancel(self, request: web.Request) -> web.Response:
        aid = int(request.match_info["aid"])
        session: Session = request[SESSION]  # a superadmin may cancel anyone's; other staff only their own
        ok = self.outbox.cancel(aid, session.staff, admin=session.superadmin)
        raise web.HTTPSeeOther(f"/announcements?m={'cancelled' if ok else 'cannot_cancel'}&id={aid}")

    async def progress(self, request: web.Request) -> web.Response:
        ids = [int(i) for i in request.query.get("ids", "").split(",") if i.strip().isdigit()][:50]
        out = {}
        for aid in ids:
            a = self.outbox.announcement(aid)
            if a:
                out[str(aid)] = {"status": a["status"], "status_label": self.msg["status"].get(a["status"], ""),
                                 "channels": self._progress(aid)}
        return web.json_response(out)

    # -- questions -------------------------------------------------------------------------------------------
    async def questions(self, request: web.Request) -> web.Response:
        first, last = self._range(request)
        sort = "frequent" if request.query.get("sort") == "frequent" else "recent"
        gs = inbox.groups(self.db, stats.start_of(first), stats.start_of(last + dt.timedelta(days=1)), sort)
        shown = gs[:PAGE_GROUPS]
        for g in shown:
            g.pick = inbox.current_pick(self.matcher, self.kb, g.text)
        return self.page(request, "questions.html", groups=shown, total=len(gs), sort=sort, first=first, last=last,
                         measures=self.kb.measures)

    def _texts(self, form) -> list[str]:
        texts = [clean(str(t)) for t in form.getall("text", [])]
        return [t for t in texts if t][:inbox.MAX_TEXTS]

    async def _teach(self, request: web.Request, measure: str, action: str, flash: str) -> web.Response:
        texts = self._texts(request[FORM])
        try:
            inbox.teach(self.db, self.kb, self.matcher, texts, measure, request[SESSION].staff)
        except phrasings.PhrasingError as e:
            raise web.HTTPSeeOther(f"/questions?m=phrasing_{e.code}") from None
        self.audit(request[SESSION], action, measure=measure, questions=texts)
        raise web.HTTPSeeOther(f"/questions?m={flash}")

    async def link(self, request: web.Request) -> web.Response:
        measure = str(request[FORM].get("measure", ""))
        if measure not in self.kb.measures:
            raise web.HTTPSeeOther("/questions?m=phrasing_unknown_measure")
        return await self._teach(request, measure, "phrasing_linked", "linked")

    async def out_of_scope(self, request: web.Request) -> web.Response:
        return await self._teach(request, phrasings.OUT_OF_SCOPE, "question_out_of_scope", "out_of_scope")

    async def dismiss(self, request: web.Request) -> web.Response:
        texts = self._texts(request[FORM])
        if texts:
            inbox.review(self.db, texts, "dismissed", None, request[SESSION].staff)
            self.audit(request[SESSION], "question_dismissed", questions=texts)
        raise web.HTTPSeeOther("/questions?m=dismissed")

    # -- audit -------------------------------------------------------------------------------------------------
    async def audit_page(self, request: web.Request) -> web.Response:
        q = request.query
        since = until = None
        if q.get("from") or q.get("to"):
            first, last = self._range(request)
            since, until = stats.start_of(first), stats.start_of(last + dt.timedelta(days=1))
        rows = self.outbox.audit_entries(q.get("actor"), q.get("action"), q.get("text"), since, until, AUDIT_LIMIT)
        entries = []
        for ts, actor, action, aid, detail in rows:
            try:
                d = json.loads(detail or "{}")
            except ValueError:
                d = {"detail": detail}
            entries.append({"ts": ts, "actor": actor, "action": action, "aid": aid,
                            "detail": [(k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
                                       for k, v in d.items()]})
        actors, actions = self.outbox.audit_actors()
        return self.page(request, "audit.html", entries=entries, actors=actors, actions=actions, q=q,
                         limit=AUDIT_LIMIT)

    # -- staff (superadmins) -------------------------------------------------------------------------------------
    def _super(self, request: web.Request) -> Session:
        session: Session = request[SESSION]
        if not session.superadmin:
            raise web.HTTPSeeOther("/?m=superadmin_only")
        return session

    async def staff_page(self, request: web.Request, link: str = "", error: str = "") -> web.Response:
        self._super(request)
        members = [{**s, "sessions": self.access.active_sessions(s["user_id"])} for s in self.access.staff()]
        return self.page(request, "staff.html", members=members, link=link, error=error)

    async def staff_add(self, request: web.Request) -> web.Response:
        session = self._super(request)
        name = str(request[FORM].get("name", ""))
        try:
            added = self.access.add(name, session.staff, superadmin=request[FORM].get("superadmin") == "1")
            token = self.access.issue_link(name.strip())
        except StaffError:
            return await self.staff_page(request, error=self.msg["errors"]["bad_name"])
        self.audit(session, "staff_add" if added else "link_issued", target=name.strip())
        return await self.staff_page(request, link=f"{self.settings.url}/login/{token}")

    async def staff_remove(self, request: web.Request) -> web.Response:
        session = self._super(request)
        name = str(request[FORM].get("name", ""))
        if name == session.staff:
            raise web.HTTPSeeOther("/staff?m=not_yourself")
        if self.access.remove(name):
            self.audit(session, "staff_remove", target=name)
        raise web.HTTPSeeOther("/staff?m=staff_removed")


async def serve(desk: Desk, stop, started=None) -> None:
    """Run until stop (an asyncio.Event) is set."""
    host, port = desk.settings.address()
    t = time.perf_counter()
    rolled = stats.catch_up(desk.db)  # once at start, so the first overview after an upgrade is fast too
    log.info("rolled up %d logged rows in %.1f s", rolled, time.perf_counter() - t)
    runner = web.AppRunner(desk.app(), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        log.warning("staff desk on http://%s:%s (links: %s/login/…)", host, port, desk.settings.url)
        if started is not None:
            started.set()
        await stop.wait()
    finally:
        await runner.cleanup()
