"""Bad input gets a clear reply, never a crash, and nothing is written wrongly."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.models import Incoming

BAD = ["", " ", "\n\n", "创业贷款" * 2500, "\x00\x01\x02贷款\x1b[31m", "😀🎉👍", "'; DROP TABLE users; --",
       "select * from questions", "<script>alert(1)</script>", "%s%s%n", "\u202e反转", "🇨🇳" * 100, "a" * 10_000]


@pytest.mark.parametrize("text", BAD, ids=range(len(BAD)))
async def test_bad_text_gets_a_clear_reply(engine, store, kb, text):
    tables = set(store.db.table_names())  # the schema's, made by the migrations
    replies = await engine.handle(Incoming(user_id="bad", text=text))
    assert replies and all(r.text.strip() for r in replies)
    assert kb.texts["error"] not in replies[0].text
    assert set(store.db.table_names()) == tables and {"users", "questions", "inbox", "deliveries"} <= tables
    rows = store.questions("bad")
    assert len(rows) == 1 and len(rows[0]["text"]) <= 500 and "\x00" not in rows[0]["text"]


async def test_sql_looking_user_id_is_just_an_id(engine, store):
    uid = "1'; DROP TABLE users; --"
    await engine.handle(Incoming(user_id=uid, text="我是泸县的"))
    assert store.user(uid)["region"] == "luzhou"
    assert store.db.execute("select count(*) from users").scalar() == 1


def test_matcher_never_crashes_on_any_text(matcher):
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.text(max_size=300))
    def check(text):
        m = matcher.match(text)
        assert m.intent
        assert all(mid in matcher.ix.region_of for mid in m.measures)

    check()
