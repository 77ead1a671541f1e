"""`labor-bot announce` and `labor-bot audit` through the real CLI in a subprocess: clear refusals, nothing lost."""

from __future__ import annotations

import json


def test_without_yes_a_pipe_queues_nothing(cli):
    r = cli("announce", "--text", "测试", "--audience", "all", input="")
    assert r.returncode == 1 and "--yes" in r.stderr and "测试" in r.stdout
    assert cli("audit", "--json").stdout == ""


def test_bad_audience_time_and_text_are_explained(cli):
    r = cli("announce", "--text", "x", "--audience", "topic:天气", "--yes")
    assert r.returncode == 2 and "unknown topic" in r.stderr and "loan (贷款)" in r.stderr
    r = cli("announce", "--text", "x", "--audience", "all", "--at", "2020-01-01 09:00", "--yes")
    assert r.returncode == 2 and "2020-01-01 09:00 已经过了" in r.stderr  # in Chinese, from texts.yaml
    r = cli("announce", "--text", "字" * 3501, "--audience", "all", "--yes")
    assert r.returncode == 2 and "3500" in r.stderr
    r = cli("announce", "--audience", "all", "--yes")
    assert r.returncode == 2 and "--text" in r.stderr
    assert "Traceback" not in r.stderr


def test_queue_from_stdin_schedule_and_cancel_all_audited(cli):
    r = cli("announce", "--text", "-", "--audience", "luzhou,topic:培训", "--at", "2099-01-01 09:00", "--yes",
            input="泸州培训班\n12月开班")
    assert r.returncode == 0 and "queued announcement #1" in r.stdout and "2099-01-01 09:00" in r.stdout
    assert cli("announce", "--cancel", "1").returncode == 0
    again = cli("announce", "--cancel", "1")
    assert again.returncode == 1 and "not a scheduled" in again.stderr
    log = [json.loads(x) for x in cli("audit", "--json").stdout.splitlines()]
    assert [e["action"] for e in log] == ["queued", "cancelled"]
    assert log[0]["audience"] == "luzhou,topic:training" and log[0]["text"] == "泸州培训班\n12月开班"
    assert log[0]["actor"].startswith("shell:")
    assert "queued #1" in cli("audit").stdout
