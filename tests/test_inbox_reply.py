"""The reply an inbox message got, committed with the engine's writes and crossed off part by part."""

from __future__ import annotations

import pytest

from bot.inbox import Inbox
from bot.inbox_reply import accept_working, answer, reply_of, sent, take, transaction
from conftest import present


def test_engine_writes_and_the_reply_commit_together_or_not_at_all(store):
    inbox = Inbox(store)
    item = accept_working(inbox, "wechat", "msg:1", {"Content": "你好"}, "wechat:o1", "w1")
    assert item is not None and reply_of(item) is None
    assert accept_working(inbox, "wechat", "msg:1", {"Content": "你好"}, "wechat:o1", "w1") is None  # a retry
    with pytest.raises(RuntimeError), transaction(store):  # the process fails half-way through a message
        store.update_user("wechat:o1", region="luzhou")
        answer(inbox, item, ["答"])
        raise RuntimeError
    assert store.user("wechat:o1")["region"] is None and reply_of((inbox.claim("wechat", "w2") or [item])[0]) is None
    with transaction(store):
        store.update_user("wechat:o1", region="luzhou")
        with transaction(store):  # nested blocks join the outer one
            item = answer(inbox, item, ["第一段", "第二段"])
    assert store.user("wechat:o1")["region"] == "luzhou"
    item = sent(inbox, item)
    assert reply_of(item) == ["第二段"]
    inbox.recover("w3", lease=0)  # its worker died: the replay sees only what is left to send
    again = take(inbox, "wechat", "msg:1", "w3")
    assert again is not None and reply_of(again) == ["第二段"] and again.attempts == 2
    assert take(inbox, "wechat", "msg:1", "w4") is None  # taken: nobody else gets it
    inbox.done(again)
    assert inbox.status("wechat", "msg:1") == "done"
    assert store.db.execute("select payload from inbox").fetchone() == (None,)


def test_the_last_part_crossed_off_is_the_row_done(store):
    inbox = Inbox(store)
    item = answer(inbox, present(accept_working(inbox, "wechat", "msg:2", {}, None, "w1")), ["一段"])
    item = sent(inbox, item)
    assert item.done and reply_of(item) == []
    assert inbox.status("wechat", "msg:2") == "done"
    assert store.db.execute("select payload from inbox").fetchone() == (None,)
    inbox.done(item)  # the worker's own done after sending: nothing left to write
