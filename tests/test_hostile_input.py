"""Hostile input at every boundary, through the real CLI and the real webhook server: no 5xx, no traceback,
no crash, a one-line refusal, and the next genuine message answered."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Bot

from bot.boundary import MAX_JSON_DEPTH, MAX_LINE_BYTES, BadInput, json_depth, loads, parse_chat_line
from fake_bot_api import FakeBotAPI
from handlers.webhook import MAX_BODY, parse_update
from serve_proc import SECRET_HEADER, WEBHOOK_SECRET, BotProcess, update

GENUINE = "泸州创业贷款能贷多少"
BOT = Bot("1:x")  # only reads updates here; never contacted
NESTED = b"[" * 100_000 + b"]" * 100_000

CHAT_LINES: list[tuple[bytes, str | None]] = [  # (line, expected error substring; None: answered)
    (b'{"text":"hi","x":' + b"[" * 5000 + b"]" * 5000 + b"}", "nested deeper"),
    (b'{"text": "hi", "x": 1}', "unknown key"),
    (b'{"button": "\\ud800\\udfff\\ud800"}', None),  # lone surrogates in a button payload
    (b'{"text": "\\udc00\xe8\xb4\xb7\xe6\xac\xbe"}', None),
    (b"\xff\xfe\xc3( \xe5\x88\x9b\xe4\xb8\x9a\xe8\xb4\xb7\xe6\xac\xbe", None),  # invalid UTF-8: replaced, answered
    (b"a" * (MAX_LINE_BYTES + 1), "longer than"),
    (b"{" * 300_000, "longer than"),
    (NESTED[:60_000], None),  # not an object: typed text
    (b'{"text": 5}', "must be a string"),
    (b'{"text": "a", "button": "b"}', "exactly one"),
    (b"{}", "exactly one"),
    (b'{"text": null}', "must be a string"),
    (b'{"text": "1e999999"}', None),
    (b'{"button": "' + b"x" * 60_000 + b'"}', None),
    (b"\x00\x00\x00", None),
    (b"", None),
    (GENUINE.encode(), None),
]


def run_cli(args, stdin: bytes, tmp_path, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "LABOR_BOT_DB": str(tmp_path / "h.sqlite"),
           "LABOR_BOT_TODAY": "2026-11-23", "LABOR_BOT_CACHE": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True, env=env,
                          timeout=timeout, cwd=tmp_path)


def test_chat_jsonl_refuses_bad_lines_and_answers_the_rest(tmp_path):
    out = run_cli(["chat", "--jsonl"], b"\n".join(line for line, _ in CHAT_LINES) + b"\n", tmp_path)
    assert out.returncode == 0, out.stderr.decode()
    stdout = out.stdout.decode("utf-8")  # strict: output is valid UTF-8
    rows = [json.loads(line) for line in stdout.splitlines()]
    assert len(rows) == len(CHAT_LINES)
    for n, ((line, error), row) in enumerate(zip(CHAT_LINES, rows), 1):
        if error:
            assert set(row) == {"error", "line"} and error in row["error"] and row["line"] == n, (line[:40], row)
        else:
            assert set(row) == {"replies"} and row["replies"], (line[:40], row)
    assert "万元" in rows[-1]["replies"][0]["text"]  # the loan ceiling
    stderr = out.stderr.decode("utf-8")
    assert "Traceback" not in stderr
    refused = [line for line in stderr.splitlines() if "refused" in line]
    assert len(refused) == sum(1 for _, e in CHAT_LINES if e)  # each refusal logged once


def test_ask_jsonl_and_argv_survive_any_bytes(tmp_path):
    lines = [b"\xff\xfe\xfd", b"x" * (MAX_LINE_BYTES + 10), b'{"text":' + NESTED[:50_000], b"\\ud800", GENUINE.encode()]
    out = run_cli(["ask", "--jsonl"], b"\n".join(lines) + b"\n", tmp_path)
    assert out.returncode == 0 and b"Traceback" not in out.stderr
    rows = [json.loads(line) for line in out.stdout.decode("utf-8").splitlines()]
    assert len(rows) == len(lines) and "error" in rows[1] and rows[0]["question"] == "\ufffd" * 3
    assert rows[-1]["measures"][0] == "luzhou-22"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "LABOR_BOT_CACHE": str(tmp_path / "cache")}
    one = subprocess.run([sys.executable, "-m", "bot.cli", "ask", b"\xff\xfe\xe5\x88\x9b\xe4\xb8\x9a", "--json"],
                         capture_output=True, env=env, timeout=60, cwd=tmp_path)
    assert one.returncode == 0 and b"Traceback" not in one.stderr
    assert json.loads(one.stdout.decode("utf-8"))["question"].endswith("创业")


# -- the shapes, in process: nothing but BadInput, whatever the JSON ----------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["update_id", "message", "text", "from", "chat", "id", "date", "callback_query", "data",
                         "button", "x", "type", "message_id", "entities", "reply_markup"]) | st.text(max_size=5),
        children, max_size=5),
    max_leaves=25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values)
def test_any_json_shape_is_an_update_or_a_400(value):
    raw = json.dumps(value).encode()
    try:
        uid, data, user = parse_update(raw, BOT)
    except BadInput as e:
        assert str(e) and "\n" not in str(e)
        return
    assert isinstance(uid, int) and isinstance(data, dict) and (user is None or user.isdigit() or user[0] == "-")


@settings(max_examples=150, deadline=None)
@given(value=json_values | st.text(), prefix=st.sampled_from(["", "{", '{"text": ', '{"button": ']))
def test_any_chat_line_is_text_a_button_or_an_error(value, prefix):
    line = prefix + (json.dumps(value) if not isinstance(value, str) or prefix else value)
    try:
        text, button = parse_chat_line(line)
    except BadInput:
        return
    assert (text is None) != (button is None)
    got = text if text is not None else button
    assert isinstance(got, str)
    got.encode("utf-8")  # no lone surrogate survives


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_are_json_or_bad_input(raw):
    try:
        loads(raw, max_bytes=100)
    except BadInput:
        pass


def test_depth_is_counted_outside_strings():
    assert json_depth('{"a": "[[[[[[[[[[", "b": [1, [2]]}') == 3
    assert json_depth('"\\"[[[["') == 0
    with pytest.raises(BadInput, match="nested deeper"):
        loads("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), max_bytes=1000)
    assert loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH, max_bytes=1000)


# -- the real webhook server ----------------------------------------------------------------------------------
@pytest.fixture
async def fake():
    api = await FakeBotAPI(token="424242:hostile-input-test-token").start()
    yield api
    await api.stop()


async def raw_post(port: int, path: str, body: bytes, secret: bytes) -> int:
    """A hand-written HTTP request: headers may hold any bytes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n").encode() + \
        SECRET_HEADER.encode() + b": " + secret + b"\r\n\r\n"
    writer.write(head + body)
    await writer.drain()
    status = await reader.readline()
    writer.close()
    return int(status.split()[1])


async def test_webhook_refuses_every_bad_update_with_a_4xx_and_answers_the_next(tmp_path, fake):
    bot = BotProcess(tmp_path, "serve", fake.base_url, fake.token, tmp_path / "w.sqlite")
    await bot.start()
    good = update(100, 71, "泸州培训补贴")
    huge_date = update(101, 72, "x")
    huge_date["message"]["date"] = 10 ** 30
    bad_bodies = [
        b"[]", b'{"message": "x"}', json.dumps(huge_date).encode(), b'{"update_id": 1, "x": ' + NESTED + b"}",
        NESTED, b'{"update_id": null, "message": {}}', b'{"update_id": "7"}', b'{"update_id": -1}',
        b'{"update_id": 1e400}', b'{"update_id": 99999999999999999999999}', b"\xff\xfe", b"", b"null",
        json.dumps(update(102, "abc", "x")).encode(),
        json.dumps({**update(103, 73, "x"), "message": {**update(103, 73, "x")["message"], "text": 5}}).encode(),
        json.dumps({"update_id": 104, "callback_query": {"id": "q", "from": {"id": 74, "is_bot": False,
                                                                             "first_name": "U"}, "chat_instance": "c",
                                                         "data": {"x": 1}}}).encode(),
    ]
    async with aiohttp.ClientSession() as http:
        for body in bad_bodies:
            async with http.post(bot.url, data=body, headers={SECRET_HEADER: WEBHOOK_SECRET}) as r:
                assert 400 <= r.status < 500, (body[:60], r.status, await r.text())
        async with http.post(bot.url, data=io.BytesIO(b"x" * (2 << 20)), headers={SECRET_HEADER: WEBHOOK_SECRET}) as r:
            assert r.status == 413
        assert await raw_post(bot.port, "/telegram", json.dumps(good).encode(), b"\xff\xfe") == 403
        assert await raw_post(bot.port, "/telegram", json.dumps(good).encode(), b"x" * 10_000) in (400, 403, 431)
        # the next genuine update (the id right after one that was refused) is answered
        nxt = update(2, 71, GENUINE)
        async with http.post(bot.url, json=nxt, headers={SECRET_HEADER: WEBHOOK_SECRET}) as r:
            assert r.status == 200
        async with http.post(bot.url, json=good, headers={SECRET_HEADER: WEBHOOK_SECRET}) as r:
            assert r.status == 200
        async with http.get(f"http://127.0.0.1:{bot.port}/healthz") as r:
            assert r.status == 200
    await fake.wait_for(lambda: len([s for s in fake.to(71) if "万元" in s["text"] or "培训" in s["text"]]) >= 2)
    assert await bot.stop() == 0
    out = bot.output()
    assert "Traceback" not in out and " 500 " not in out
    assert out.count("webhook update refused (400)") == len(bad_bodies)
    assert fake.to(72) == [] and fake.to(73) == []
    assert MAX_BODY == 1 << 20
