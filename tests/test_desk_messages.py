"""The desk's templates/messages.yaml is checked at load as texts.yaml is; the audit log's actions have one wording."""

from __future__ import annotations

import re
import shutil

import pytest

from bot.announce.actions import ACTION_TEXTS, action_name, audit_line
from bot.desk.messages import MESSAGE_FIELDS, PATH, load_messages
from bot.kb import KBError
from conftest import ROOT


@pytest.fixture
def messages(tmp_path):
    copy = tmp_path / "messages.yaml"
    shutil.copy(PATH, copy)
    return copy


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_packaged_messages_have_every_declared_key():
    loaded = load_messages()
    assert set(loaded) == set(MESSAGE_FIELDS)
    assert all(set(loaded[k]) == set(v) for k, v in MESSAGE_FIELDS.items() if isinstance(v, dict))


@pytest.mark.parametrize("old, new, record, problem", [
    ("  not_draft: 找不到这份草稿（可能已经发送过了）。\n", "", "flash.not_draft", "missing key"),
    ("  dismissed: 已忽略。\n", "  dismissed: 已忽略。\n  dismised: 已忽略。\n", "flash.dismised", "unknown key"),
    ("both_regions: 两地都要\n", "both_regions: 两地都要\nboth: 两地\n", "both", "unknown key"),
    ("现在有 {n} 个字", "现在有 {count} 个字", "errors.too_long", "unknown placeholder {count}"),
    ("时间看不懂：{problem}", "时间看不懂：{problem", "errors.bad_time", "brace"),
    ("  used: 这个登录链接已经用过了。每个链接只能用一次。\n", "  used: [1, 2]\n", "login.used", "must be a string"),
    ("intents:\n  question: 有答案\n  out_of_scope: 答不了\n  overview: 概况\n", "intents: 有答案\n", "intents",
     "must be a mapping"),
])
def test_a_wrong_message_names_the_file_and_the_key(messages, old, new, record, problem):
    edit(messages, old, new)
    with pytest.raises(KBError) as e:
        load_messages(messages)
    assert e.value.path == str(messages) and e.value.record == record and problem in e.value.message
    assert "messages.yaml" in str(e.value) and record in str(e.value)


def test_the_desk_refuses_to_start_with_broken_messages(messages, monkeypatch, store, kb, matcher):
    from bot.desk import web

    edit(messages, "  expired:", "  expird:")
    monkeypatch.setattr(web, "load_messages", lambda: load_messages(messages))
    with pytest.raises(KBError, match=r"messages.yaml, record login.expird: unknown key"):
        web.Desk(store, kb, matcher, web.DeskSettings())


def test_every_action_the_code_audits_has_a_name_for_staff(kb):
    code = "\n".join(p.read_text(encoding="utf-8") for d in ("bot", "handlers") for p in (ROOT / d).rglob("*.py"))
    written = set(re.findall(r"""\.audit\([^,()]+, ["'](\w+)["']""", code))  # audit(actor, "queued", ...)
    assert {"queued", "cancelled", "refused", "finished", "signed_in"} <= written  # the search works
    # chosen by the code (f"staff_{verb}", "staff_add" if … else "link_issued", a variable) or written in SQL (paused)
    chosen = {"staff_add", "staff_remove", "link_issued", "phrasing_linked", "question_out_of_scope", "paused"}
    assert written | chosen == set(ACTION_TEXTS)
    assert all(action_name(kb.texts, a) not in ("", a) for a in ACTION_TEXTS)
    assert action_name(kb.texts, "something_new") == "something_new"  # shown as recorded, not an error


def test_an_audit_line_is_one_line_in_chinese(kb):
    entry = {"ts": 0, "actor": "shell:wang", "action": "finished", "announcement_id": 7, "sent": 5, "failed": 1,
             "blocked": 0, "skipped": 2, "text": "第一行\n第二行"}
    assert audit_line(kb.texts, entry) == "1970-01-01 08:00 shell:wang 通知发完 #7 “第一行 第二行” 送达 5，失败 1，已屏蔽 0，中途退订 2"
