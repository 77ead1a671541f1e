"""The machine interfaces exactly as written in the issue, through the real CLI in a subprocess."""

from __future__ import annotations

import json

from bot.store import Store
from conftest import jsonl

ASK_KEYS = {"question", "intent", "measures", "confidence", "reply"}

LUZHOU, LUDING = "《泸州市“泸字号”二十三条措施》", "《泸定县“红城工匠”二十二条措施》"


def test_ask_jsonl_one_object_per_line(cli):
    qs = ["泸州创业担保贷款个人最多能贷多少", "明天会下雨吗", "", "你好", "勞務品牌商標", '{"text": "x"}']
    out = cli("ask", "--jsonl", input="\n".join(qs) + "\n")
    assert out.returncode == 0, out.stderr
    rows = jsonl(out.stdout)
    assert len(rows) == len(qs)
    assert all(set(r) == ASK_KEYS for r in rows)
    assert [r["question"] for r in rows] == qs
    assert rows[0]["measures"][0] == "luzhou-22" and rows[0]["intent"] == "question"
    assert rows[1]["measures"] == [] and rows[1]["intent"] == "out_of_scope"
    assert rows[2]["intent"] == "empty" and rows[3]["intent"] == "greeting"
    assert isinstance(rows[0]["confidence"], float) and rows[0]["reply"]


def test_ask_json_and_region(cli):
    out = cli("ask", "创业担保贷款能贷多少", "--region", "luding", "--json")
    row = json.loads(out.stdout)
    assert row["measures"][0] == "luding-15" and "20万元" in row["reply"]


def test_ask_plain_and_explain(cli):
    out = cli("ask", "我在泸县 想借点钱开店", "--explain")
    assert out.returncode == 0
    assert LUZHOU in out.stdout and "explain" in out.stdout and "泸县" in out.stdout
    row = json.loads(cli("ask", "培训不贴", "--json", "--explain").stdout)  # 不贴 is a word: not put right, read by pinyin
    assert any(t["via"] == "pinyin" for t in row["explain"]["terms"])


def test_ask_without_question_is_a_clear_error(cli):
    out = cli("ask")
    assert out.returncode == 2 and "--jsonl" in out.stderr and "Traceback" not in out.stderr


def test_chat_jsonl_contract(cli, tmp_path):
    lines = ['{"text": "我是叙永的"}', "创业贷款能贷好多", '{"button": "text:luzhou-22"}', '{"button": "bogus"}',
             "", "not json {", '{"text": 5}']
    out = cli("chat", "--jsonl", "--user", "t1", input="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    rows = jsonl(out.stdout)
    assert len(rows) == len(lines)
    assert rows[-1] == {"error": '"text" must be a string', "line": 7}  # a bad shape: one error line
    for r in rows[:-1]:
        assert set(r) == {"replies"} and r["replies"]
        for rep in r["replies"]:
            assert set(rep) == {"text", "buttons"}
            assert all(set(b) == {"text", "data"} for row in rep["buttons"] for b in row)
    assert LUZHOU in rows[1]["replies"][0]["text"]
    assert rows[1]["replies"][0]["buttons"][0][0]["data"] == "text:luzhou-22"
    assert "（二十二）" in rows[2]["replies"][0]["text"]


def test_chat_state_survives_process_restart(cli, tmp_path):
    db = tmp_path / "restart.sqlite"
    cli("chat", "--jsonl", "--db", str(db), "--user", "r", input="我在磨西镇\n")
    out = cli("chat", "--jsonl", "--db", str(db), "--user", "r", input="创业贷款\n")
    assert LUDING in jsonl(out.stdout)[0]["replies"][0]["text"]
    users = Store(db).db.execute("select id, region from users").fetchall()
    assert users == [("r", "luding")]


def test_chat_db_from_environment(cli, tmp_path):
    db = tmp_path / "env.sqlite"
    cli("chat", "--jsonl", input="泸州培训补贴\n", env={"LABOR_BOT_DB": str(db)})
    assert Store(db).db.execute("select count(*) from questions").fetchone() == (1,)


def test_console_interactive(cli):
    out = cli("chat", input="泸州创业贷款\n1\n退出\n")
    assert out.returncode == 0
    assert LUZHOU in out.stdout and "[1] 原文" in out.stdout
    assert "第（二十二）条原文" in out.stdout


def test_kb_list_show_search_check(cli):
    rows = json.loads(cli("kb", "list", "--json").stdout)
    assert len(rows) == 45 and all("id" in r for r in rows)
    assert [r["id"] for r in json.loads(cli("kb", "list", "--region", "luding", "--json").stdout)] == \
        [f"luding-{i:02d}" for i in range(1, 23)]
    rec = json.loads(cli("kb", "show", "luzhou-22", "--json").stdout)
    assert rec["id"] == "luzhou-22" and "累计次数不超过 3 次" in rec["text"]
    assert rec["units"]["lead"] == ["市人力资源社会保障局", "人民银行泸州市分行"]
    assert "第（二十二）条" in cli("kb", "show", "luzhou-22").stdout
    found = cli("kb", "search", "貸款").stdout
    assert "luding-15" in found and "luzhou-22" in found
    check = cli("kb", "check", timeout=300)  # every answer combination (~230k): ~30 s alone, more on a busy machine
    assert check.returncode == 0 and "45 条措施（泸定县 22 条、泸州市 23 条）" in check.stdout


def test_kb_show_unknown_id(cli):
    out = cli("kb", "show", "luzhou-99")
    assert out.returncode == 1 and "没有措施 luzhou-99" in out.stderr and "Traceback" not in out.stderr
    out = cli("kb", "list", "--region", "mars")
    assert out.returncode == 2 and "没有这个地区：mars" in out.stderr
    out = cli("kb", "search", " ")
    assert out.returncode == 2 and "请写上要查找的词" in out.stderr


def test_broken_knowledge_is_reported_without_traceback(cli, tmp_path, kb):
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(kb.root, bad, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    p = bad / "measures" / "luzhou.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("- id: luzhou-07", "- id: luzhou-7x"), encoding="utf-8")
    out = cli("kb", "check", env={"LABOR_BOT_KNOWLEDGE": str(bad)})
    assert out.returncode == 3 and "知识库文件有误" in out.stderr
    assert "luzhou.yaml" in out.stderr and "luzhou-7x" in out.stderr and "Traceback" not in out.stderr
    out = cli("ask", "贷款", "--knowledge", str(bad))
    assert out.returncode == 3 and "Traceback" not in out.stderr
