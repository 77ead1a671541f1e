"""Guided checks as a user types them, through `labor-bot chat --jsonl` in a subprocess."""

from __future__ import annotations

from bot.store import Store
from conftest import jsonl


def chat(cli, db, lines, user="t"):
    out = cli("chat", "--jsonl", "--db", str(db), "--user", user, input="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    rows = jsonl(out.stdout)
    assert len(rows) == len(lines)
    return rows


def last_meta(rows):
    return next(r["meta"] for r in rows[-1]["replies"] if "meta" in r)


def test_training_check_typed_with_back_and_a_side_question(cli, tmp_path):
    rows = chat(cli, tmp_path / "a.sqlite", [
        "我屋头是贫困户 在叙永 培训了二十天 帮我算下培训补贴",  # region, 脱贫人口 and days said up front
        "考到了",
        "上一步",            # back to the certificate question
        "还在考",
        "失业金是啥子？",     # a side question, answered; the check waits
        "没领过",
        "没有",
    ])
    first = rows[0]["replies"][0]["text"]
    assert "地区：泸州市" in first and "脱贫人口：是" in first and "培训天数：20" in first
    assert "证书" in rows[2]["replies"][0]["text"]
    assert "测算还没做完" in rows[4]["replies"][-1]["text"]
    meta = last_meta(rows)
    assert [r["rule"] for r in meta["results"]] == ["certificate_pending", "living_allowance"]
    assert meta["results"][1]["amount"] == 1000
    assert "最多1,000元" in rows[-1]["replies"][-1]["text"]


def test_cancel_then_question_answers_normally(cli, tmp_path):
    rows = chat(cli, tmp_path / "b.sqlite", ["我是劳务经纪人", "泸定", "取消", "泸定培训补贴"])
    assert "测算已结束" in rows[2]["replies"][0]["text"]
    assert "《泸定县“红城工匠”二十二条措施》" in rows[3]["replies"][0]["text"]


def test_check_survives_a_restart_of_the_process(cli, tmp_path):
    db = tmp_path / "c.sqlite"
    chat(cli, db, ["我是劳务经纪人", "泸州", "脱贫户", "十二个"])
    rows = chat(cli, db, ["10", "都交了", "有"])  # a new process continues where the last one stopped
    meta = last_meta(rows)
    assert meta["results"][0] == {"part": "就业创业服务补助", "rule": "per_person", "outcome": "eligible",
                                  "amount": 3000, "cite": ["luzhou-15"]}
    assert meta["results"][1]["outcome"] == "ask_office"
    text = rows[-1]["replies"][-1]["text"]
    assert "可适当安排" in text and "（十五）" in text
    assert Store(db).db.execute("select dialog from users").fetchone() == (None,)


def test_restart_from_scratch_and_repeat(cli, tmp_path):
    rows = chat(cli, tmp_path / "d.sqlite", ["/check awards", "泸州", "川字号", "重新开始", "泸州", "2", "是",
                                              "再测一次"])
    assert "从头开始" in rows[3]["replies"][0]["text"]
    assert last_meta(rows[:7])["results"][0]["rule"] == "luzi"
    assert "品牌" in rows[7]["replies"][0]["text"]


def test_luzhou_fourth_loan_refused_typed(cli, tmp_path):
    rows = chat(cli, tmp_path / "e.sqlite", ["我能贷多少", "江阳区", "1", "没得", "贷过", "三次"])
    meta = last_meta(rows)
    assert meta["results"][0]["rule"] == "over_three_times" and meta["results"][0]["outcome"] == "not_eligible"
