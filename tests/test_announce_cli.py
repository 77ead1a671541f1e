"""`labor-bot announce` and `labor-bot audit` through the real CLI in a subprocess: clear refusals, nothing lost."""

from __future__ import annotations

import json

from bot.announce import Outbox


def test_without_yes_a_pipe_queues_nothing(cli):
    r = cli("announce", "--text", "测试", "--audience", "all", input="")
    assert r.returncode == 1 and "没有排队：确认发送请加上 --yes" in r.stderr and "测试" in r.stdout
    assert "发给：全部订阅者（all），现有 0 人" in r.stdout and "发送时间：立即" in r.stdout
    assert cli("audit", "--json").stdout == ""


def test_bad_audience_time_and_text_are_explained(cli):
    r = cli("announce", "--text", "x", "--audience", "topic:天气", "--yes")
    assert r.returncode == 2 and "--audience 不对：没有这个主题：天气" in r.stderr and "loan（贷款）" in r.stderr
    r = cli("announce", "--text", "x", "--audience", "all", "--at", "2020-01-01 09:00", "--yes")
    assert r.returncode == 2 and "2020-01-01 09:00 已经过了" in r.stderr  # in Chinese, from texts.yaml
    r = cli("announce", "--text", "字" * 3501, "--audience", "all", "--yes")
    assert r.returncode == 2 and "通知太长了（3501字），请控制在3500字以内" in r.stderr
    r = cli("announce", "--text", " ", "--audience", "all", "--yes")
    assert r.returncode == 2 and "通知正文是空的" in r.stderr
    r = cli("announce", "--audience", "all", "--yes")
    assert r.returncode == 2 and "请写上 --text 通知正文" in r.stderr
    assert "Traceback" not in r.stderr


def test_queue_from_stdin_schedule_and_cancel_all_audited(cli):
    r = cli("announce", "--text", "-", "--audience", "luzhou,topic:培训", "--at", "2099-01-01 09:00", "--yes",
            input="泸州培训班\n12月开班")
    assert r.returncode == 0 and "已排队，通知编号 #1。" in r.stdout
    assert "发给：泸州市 · 培训（luzhou,topic:training）" in r.stdout and "发送时间：2099-01-01 09:00（北京时间）" in r.stdout
    cancelled = cli("announce", "--cancel", "1")
    assert cancelled.returncode == 0 and "已取消定时通知 #1" in cancelled.stdout
    again = cli("announce", "--cancel", "1")
    assert again.returncode == 1 and "通知 #1 不是待发的定时通知" in again.stderr
    log = [json.loads(x) for x in cli("audit", "--json").stdout.splitlines()]
    assert [e["action"] for e in log] == ["queued", "cancelled"]
    assert log[0]["audience"] == "luzhou,topic:training" and log[0]["text"] == "泸州培训班\n12月开班"
    assert log[0]["actor"].startswith("shell:")
    lines = cli("audit").stdout.splitlines()  # worded for staff, as Telegram's /admin log is
    assert lines[0].endswith("排队发送通知 #1 luzhou,topic:training “泸州培训班 12月开班” 共 0 人")
    assert lines[1].endswith("取消定时通知 #1")


def test_the_terminal_asks_in_chinese_and_no_means_nothing_queued(store, monkeypatch, capsys):
    from bot.announce import shell
    from bot.cli import build_parser
    from bot.config import Config

    asked: list[str] = []

    def answer(prompt: str) -> str:
        asked.append(prompt)
        return "n"

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", answer)
    args = build_parser().parse_args(["announce", "--text", "招聘会", "--audience", "luding", "--db", str(store.db.path)])
    assert shell.cmd_announce(args, Config.from_env()) == 1
    assert asked == ["确认排队发送吗？输入 y 确认 [y/N] "]
    assert "没有排队，这条通知不会发出。" in capsys.readouterr().out
    assert Outbox(store).audit_log() == []
