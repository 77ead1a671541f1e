"""/forget leaves nothing of the user in any table; announcements are cancelled only by their author or an admin."""

from __future__ import annotations

import time

from bot.announce import Outbox
from bot.announce.audience import Audience
from bot.engine import Engine
from bot.inbox import Inbox
from bot.models import Incoming
from conftest import TODAY, present

USER = "31415926"
ADMIN = "27182818"


def rows_mentioning(store, needle: str) -> dict[str, list]:
    found = {}
    for table in store.db.table_names():
        hits = [r for r in store.db.execute(f'select * from "{table}"').fetchall()
                if any(needle in str(v) for v in r if v is not None)]
        if hits:
            found[table] = hits
    return found


async def test_forget_removes_every_row_tied_to_the_user(kb, matcher, store):
    engine = Engine(kb, matcher, store, today=lambda: TODAY, admins=frozenset([ADMIN]))

    async def say(uid: str, text: str):
        return await engine.handle(Incoming(user_id=uid, text=text, channel="telegram"))

    await say(USER, "泸州创业贷款能贷多少")
    await say(USER, "/subscribe")
    await say(USER, "/announce 明天开班")  # refused: not staff yet, and audited with their id
    inbox = Inbox(store)
    inbox.accept("telegram", "5001", {"message": {"text": "我的秘密问题"}}, user_id=USER)
    inbox.done(inbox.claim("telegram", "w", 1)[0])  # handled: only the id stays, with the user's id
    await say(ADMIN, f"/admin add {USER}")
    await say(USER, "/announce 我写的草稿通知")  # now staff: a draft under their name
    outbox = Outbox(store)
    aid = outbox.new_draft(USER, "telegram", "已发出的通知")["id"]
    outbox.update_draft(aid, audience=Audience().to_json())
    outbox.queue(aid, USER, time.time() + 3600, 0)
    assert set(rows_mentioning(store, USER)) >= {"users", "questions", "subscriptions", "audit", "staff",
                                                 "announcements", "inbox"}
    await say(USER, "/forget")
    assert rows_mentioning(store, USER) == {}
    assert rows_mentioning(store, "我写的草稿通知") == {}
    assert store.db.execute("select count(*) from inbox").fetchone() == (1,)  # the id, for deduplication
    assert present(outbox.announcement(aid))["text"] == "已发出的通知"  # the recipients' notice stays, without its author


def test_only_the_author_or_an_admin_cancels(store):
    outbox = Outbox(store)
    aid = outbox.new_draft("staff-a", "telegram", "周五招聘会")["id"]
    outbox.update_draft(aid, audience=Audience().to_json())
    outbox.queue(aid, "staff-a", time.time() + 3600, 0)
    assert not outbox.cancel(aid, "staff-b")
    assert present(outbox.announcement(aid))["status"] == "scheduled"
    assert outbox.audit_log(1)[0] | {"ts": 0} == {"ts": 0, "actor": "staff-b", "action": "refused",
                                                  "announcement_id": aid, "command": "cancel"}
    assert outbox.cancel(aid, "super", admin=True)
    assert present(outbox.announcement(aid))["status"] == "cancelled"
    other = outbox.new_draft("staff-a", "telegram", "另一个")["id"]
    outbox.update_draft(other, audience=Audience().to_json())
    outbox.queue(other, "staff-a", time.time() + 3600, 0)
    assert outbox.cancel(other, "staff-a")


async def test_staff_cannot_cancel_another_staff_members_announcement(kb, matcher, store):
    engine = Engine(kb, matcher, store, today=lambda: TODAY, admins=frozenset([ADMIN]))
    outbox = Outbox(store)
    for uid in ("101", "102"):
        outbox.add_staff(uid, ADMIN)
    aid = outbox.new_draft("101", "telegram", "周五招聘会")["id"]
    outbox.update_draft(aid, audience=Audience().to_json())
    outbox.queue(aid, "101", time.time() + 3600, 0)
    await engine.handle(Incoming(user_id="102", text=f"/admin cancel {aid}", channel="telegram"))
    assert present(outbox.announcement(aid))["status"] == "scheduled"
    await engine.handle(Incoming(user_id=ADMIN, text=f"/admin cancel {aid}", channel="telegram"))
    assert present(outbox.announcement(aid))["status"] == "cancelled"


def _scheduled(outbox: Outbox, author: str) -> int:
    aid = outbox.new_draft(author, "shell", "周五招聘会")["id"]
    outbox.update_draft(aid, audience=Audience().to_json())
    outbox.queue(aid, author, time.time() + 3600, 0)
    return aid


def test_the_shell_refuses_another_users_announcement_unless_root(store, monkeypatch, capsys):
    from bot.announce import shell
    from bot.cli import build_parser
    from bot.config import Config

    outbox = Outbox(store)
    aid = _scheduled(outbox, "shell:someone-else")
    config = Config.from_env()
    args = build_parser().parse_args(["announce", "--cancel", str(aid), "--db", str(store.db.path)])
    monkeypatch.setattr(shell, "is_root", lambda: False)  # an ordinary login, not root
    assert shell.cmd_announce(args, config) == 1
    assert "只有发起人或管理员（root）可以取消" in capsys.readouterr().err
    assert present(outbox.announcement(aid))["status"] == "scheduled"
    assert outbox.audit_log(1)[0]["action"] == "refused"
    monkeypatch.setattr(shell, "is_root", lambda: True)
    assert shell.cmd_announce(args, config) == 0
    assert present(outbox.announcement(aid))["status"] == "cancelled"
