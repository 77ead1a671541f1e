"""Code says nothing in Chinese: every sentence, label and button a person reads is in knowledge/ (texts.yaml).

Chinese in bot/ and handlers/ is allowed only where the code reads what people type (word lists, patterns) and
where English operator help names a thing of WeChat's own console; each such place is listed below by name, so a
new Chinese reply written into code fails here. Docstrings are not looked at; comments are not in the tree.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")  # Chinese characters; ，。（） glue is not text

# file (or folder/) -> names whose string literals may hold Chinese: module-level constants, functions,
# Class.method; "*" is the whole file. Each entry must still be needed (an unused one fails too).
ALLOWED: dict[str, set[str]] = {
    # understanding what people type
    "bot/understand/": {"*"},
    "bot/numerals.py": {"*"},  # Chinese numerals
    "bot/loan_math.py": {"*"},  # a loan's amount, rate and partners as people type them
    "bot/matcher.py": {"*"},  # amounts, 第N条, the overview cue
    "bot/dialogs/answers.py": {"*"},  # typed answers to a check's questions: ordinals, numbers
    "bot/dialogs/runner.py": {"DialogRunner._after_marker", "_names", "_HEAD_COUNT", "_HIRED", "DialogRunner._own",
                              "DialogRunner.__init__"},  # 听说… up to where 我 speaks of themselves again  # 刚才是…, 个人 in 6个人, 新招了…
    "bot/answer.py": {"OPEN_SAID", "_SUM_TYPED", "_from_elsewhere", "_mine", "_QUESTION", "Answerer._own_region", "_WANTED", "_AT_WORK",
                      "_THEIRS", "_BEFORE_HOME", "_BEFORE_MINE", "_BEFORE_WORK", "_AFTER_OF",
                      "_AFTER_STARTS", "_AFTER_THERE", "_HERE_BEFORE", "_ASKS_SLIP", "_FIGURE", "_QUOTED_FIGURE", "_FIRM", "_PERSON_BORROWS", "_OWED_BEFORE", "_FARE_AFTER", "_there"},  # a point's own words; 我是雅安的, 深圳那边有没得, 想贷六十万…
    "bot/points.py": {"_asks"},  # 是不是: the A-not-A question is no denial
    "bot/announce/when.py": {"_N", "_DATE", "_DAY", "_TIME", "_DAY_OFFSET", "_AFTERNOON", "_NOON"},  # 明天上午9点
    "bot/kb/units.py": {"*"},  # （责任单位：…） in the documents' text
    # English operator help that names WeChat's console (公众号, 安全模式) and shows what staff may type
    "bot/cli.py": {"build_parser", "cmd_wechat"},
    "bot/config.py": {"SETTINGS"},
}


def _chinese_literals(path: Path) -> list[tuple[str, int, str]]:
    """(name of the enclosing definition, line, literal) for each string constant with Chinese, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    found: list[tuple[str, int, str]] = []

    def visit(node: ast.AST, scope: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = scope + [child.name]
            elif not scope and isinstance(child, (ast.Assign, ast.AnnAssign)):
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                inner = [t.id for t in targets if isinstance(t, ast.Name)][:1] or scope
            if (isinstance(child, ast.Constant) and isinstance(child.value, str) and id(child) not in docstrings
                    and HAN.search(child.value)):
                found.append((".".join(scope) or "<module>", child.lineno, child.value))
            visit(child, inner)

    visit(tree, [])
    return found


def _allowance(rel: str, name: str) -> tuple[str, str] | None:
    """The entry of ALLOWED that lets this literal be: (file or folder, name), or None."""
    where = next((w for w in ALLOWED if rel == w or (w.endswith("/") and rel.startswith(w))), None)
    if where is None:
        return None
    names = ALLOWED.get(where, set())
    parts = name.split(".")
    allowing = ["*"] + [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
    return next(((where, n) for n in allowing if n in names), None)


def test_no_chinese_text_in_code():
    offending, used = [], set()
    for folder in ("bot", "handlers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            for name, line, text in _chinese_literals(path):
                entry = _allowance(rel, name)
                if entry:
                    used.add(entry)
                else:
                    offending.append(f"{rel}:{line} ({name}): {text[:60]!r}")
    assert offending == [], ("Chinese a person reads belongs in knowledge/texts.yaml (declared in bot/kb/texts.py), "
                             "not in code:\n" + "\n".join(offending))
    unused = sorted(f"{w} {n}" for w, names in ALLOWED.items() for n in names if (w, n) not in used)
    assert unused == [], f"allowed but no longer needed: {unused}"


def test_the_check_finds_chinese_in_code_but_not_in_docstrings(tmp_path):
    src = tmp_path / "m.py"
    src.write_text('"""模块说明"""\nX = "知道了"\n\ndef f():\n    """函数说明"""\n    return f"共{1}人"  # 注释\n',
                   encoding="utf-8")
    assert [(n, line) for n, line, _ in _chinese_literals(src)] == [("X", 2), ("f", 6), ("f", 6)]
