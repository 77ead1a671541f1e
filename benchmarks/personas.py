"""Typed personas through the real chat: each persona opens with free text, then types every answer from its
facts (no buttons, as on WeChat), driving `labor-bot chat --jsonl` in a subprocess with a fresh database.

Usage: python benchmarks/personas.py [PERSONAS.yaml] [-v] [-- CMD ...]
  default personas: tests/data/personas.yaml; default CMD: this checkout's CLI (chat --jsonl)
Prints one line per persona (with the transcript of a failure under -v) and `N passed, M failed`.
Persona format and the driving logic follow the shared persona simulator (eval/persona_sim.py).
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

DENY = re.compile(r"不符合|不能(申请|领取|享受|再)|无法(申请|享受|领取)|不可以|不予|没有资格|不在.{0,8}范围|不满足|暂不符合|不能同时")
class AskedAgain(Exception):
    pass

ELIGIBLE = re.compile(r"✅|可以申请|符合条件|可以领|能领|能申请|可以享受|能享受|可以贷|能贷")
ASKS = [  # (fact key, what in the bot's question points to it)
    ("check", r"想测哪一项|测哪一项|回复序号或名称"),
    ("times", r"几次|次数|贷过|第几次|申请过|享受过.{0,6}贷款"),
    ("received", r"今年.{0,8}(领|享受)|领过|已经领取|享受过.{0,6}补贴"),
    ("unemployment", r"失业(保险)?金|失业保险"),
    ("other_loans", r"其他贷款|配偶|名下.{0,6}贷款"),
    ("repay", r"还款|按时还|逾期|还清"),
    ("arrears", r"拖欠|欠缴|欠薪"),
    ("new_hires", r"新招|招用|新吸纳|新招收"),
    ("staff", r"员工|职工|在职|多少人.{0,6}(工作|上班)|规模"),
    ("people", r"多少人|几个人|人数|几人|多少名"),
    ("days", r"几天|多少天|天数|培训.{0,6}(多久|多长)"),
    ("contract", r"合同"),
    ("insurance", r"社保|社会保险"),
    ("group", r"(哪类|什么|哪些).{0,8}(人员|劳动力|对象|人群)|灾区|脱贫人口.{0,6}(还是|或)"),
    ("poverty", r"脱贫|贫困|监测"),
    ("org", r"机构|经纪人|劳务公司|什么单位|哪类主体|身份.{0,6}(机构|企业)"),
    ("brand", r"川字号|泸字号|品牌.{0,6}(级别|认定|评上)"),
    ("base", r"国家级|省级|级别"),
    ("small", r"小型|微型|小微企业吗"),
    ("applicant", r"个人.{0,12}(企业|公司)|(企业|公司).{0,12}个人|以什么身份|申请主体|小微企业"),
    ("identity", r"身份|属于.{0,6}(哪|什么)|哪一类|类别|返乡|退役|高校毕业生|失业人员"),
    ("training", r"什么培训|哪种培训|培训(类型|项目)"),
    ("certificate", r"证书"),
    ("region", r"地区|哪里|哪个(县|市|区)|所在地|泸定.{0,6}泸州|泸州.{0,6}泸定|户籍|在哪"),
]

def answer(question, facts, used, slip=None, known=()):
    asks = [line for line in question.splitlines() if re.search(r"[？?]|回复序号", line)]
    question = asks[-1] if asks else question  # a person answers the last question asked
    for key, pat in ASKS:
        if key in facts and re.search(pat, question):
            if key in known:  # the person already said this in the opening
                raise AskedAgain(key)
            if slip and slip["key"] == key and not slip.get("done"):
                slip["done"] = "pending"  # answer wrongly now, correct it on the next turn
                return str(slip["first"])
            used.add(key)
            return str(facts[key])
    return "不清楚"

def run(persona, cmd, max_turns=14):
    db = tempfile.mktemp(suffix=".db")
    env = dict(os.environ, LABOR_BOT_DB=db)
    p = subprocess.Popen(cmd + ["--db", db], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env, bufsize=1)
    assert p.stdin is not None and p.stdout is not None and p.stderr is not None  # all three are PIPEs
    stdin, stdout, stderr = p.stdin, p.stdout, p.stderr
    transcript: list[tuple[str, str]] = []
    used: set[str] = set()
    slip = dict(persona["slip"]) if persona.get("slip") else None  # {key, first, then}
    verdict = persona.get("verdict") == "eligible"
    def say(text):
        stdin.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise RuntimeError("no reply line; stderr: " + stderr.read()[-400:])
        replies = json.loads(line)["replies"]
        texts = "\n".join(r.get("text", "") for r in replies)
        transcript.append(("user", text))
        transcript.append(("bot", texts))
        return replies, texts
    try:
        replies, texts = say(persona["opening"])
        for _turn in range(max_turns):
            if persona.get("forbid") and any(re.search(persona["forbid"], t) for who, t in transcript if who == "bot"):
                transcript.append(("forbidden", persona["forbid"]))
                return False, transcript
            if verdict:  # the check itself must conclude: an eligible verdict that carries the expected figure
                if used and re.search(persona["expect"], texts) and ELIGIBLE.search(texts):
                    return True, transcript
            elif "expect" in persona and re.search(persona["expect"], texts) and not re.search(r"[？?]\s*$", texts.strip()):
                return True, transcript
            if persona.get("deny") and DENY.search(texts):
                return True, transcript
            # an offered start of a check: accept it
            buttons = [b.get("text", "") for r in replies for row in (r.get("buttons") or []) for b in (row if isinstance(row, list) else [row])]
            if slip and slip.get("done") == "pending":
                slip["done"] = True
                reply = slip["then"]  # the person notices the slip and corrects it, in words
            elif not re.search(r"[？?]|回复序号", texts) and (verdict or any(re.search(r"测一测|能不能|资格|开始|检查|测算", b) for b in buttons)):
                reply = "好的 帮我测一下"  # accept an offered check; a verdict persona asks for one
            else:
                try:
                    reply = answer(texts[-400:], persona["facts"], used, slip, persona.get("known", ()))
                except AskedAgain as e:
                    transcript.append(("asked again", f"{e} was said in the opening"))
                    return False, transcript
            replies, texts = say(reply)
        if persona.get("forbid") and any(re.search(persona["forbid"], t) for who, t in transcript if who == "bot"):
            return False, transcript
        if "expect" in persona and re.search(persona["expect"], texts) and (not verdict or (used and ELIGIBLE.search(texts))):
            return True, transcript
        return False, transcript
    finally:
        p.kill()
        for f in (db, db + "-wal", db + "-shm"):
            if os.path.exists(f):
                os.remove(f)

def main():
    args = sys.argv[1:]
    cmd = args[args.index("--") + 1:] if "--" in args else [
        sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())", "chat", "--jsonl"]
    args = args[:args.index("--")] if "--" in args else args
    verbose = "-v" in args
    files = [a for a in args if not a.startswith("-")]
    path = files[0] if files else str(Path(__file__).resolve().parent.parent / "tests" / "data" / "personas.yaml")
    personas = yaml.safe_load(open(path, encoding="utf-8"))
    ok = bad = 0
    for persona in personas:
        try:
            passed, transcript = run(persona, cmd)
        except Exception as e:  # noqa: BLE001  # a crash is a failure, reported
            passed, transcript = False, [("error", str(e))]
        ok += passed
        bad += not passed
        print(("PASS " if passed else "FAIL ") + persona["name"])
        if not passed and verbose:
            for who, t in transcript:
                print(f"   {who}: {t[:300]}")
    print(f"{ok} passed, {bad} failed")


if __name__ == "__main__":
    main()
