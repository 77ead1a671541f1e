"""Every command, option and setting is documented (README, deploy/.env.example)."""

from __future__ import annotations

import argparse

from bot.cli import build_parser
from bot.config import SETTINGS
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
ENV_EXAMPLE = (ROOT / "deploy" / ".env.example").read_text(encoding="utf-8")


def _walk(parser: argparse.ArgumentParser, prefix: list[str]):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield prefix + [name], None
                yield from _walk(sub, prefix + [name])
        elif action.option_strings and action.dest != "help":
            yield prefix, max(action.option_strings, key=len)


def test_every_command_and_option_is_in_readme():
    missing = []
    for path, option in _walk(build_parser(), []):
        if option is None and f"labor-bot {' '.join(path)}" not in README:
            missing.append(" ".join(path))
        if option and option not in README:
            missing.append(f"{' '.join(path)} {option}")
    assert missing == []


def test_every_setting_is_documented():
    for name in SETTINGS:
        assert f"`{name}`" in README, name
        assert name in ENV_EXAMPLE, name


def test_readme_first_screen_has_the_two_commands():
    first = README[:2500]
    assert "pip install . && labor-bot chat" in first
    assert "pip install '.[test]' && python -m pytest" in first


def test_ci_installs_the_package_as_users_do_and_tests_that_copy():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install '.[test]'" in ci and "python3 -P -m pytest" in ci  # -P: the checkout is not on sys.path
    assert "LABOR_BOT_TEST_DATABASE_URL" in ci  # and the suite again on PostgreSQL


def test_every_user_text_is_used_and_every_used_text_exists(kb):
    """texts.yaml holds all user-facing sentences: none missing, none dead."""
    import re

    code = "\n".join(p.read_text(encoding="utf-8") for d in ("bot", "handlers") for p in (ROOT / d).rglob("*.py")
                     if p != ROOT / "bot" / "kb" / "texts.py")  # the declaration names every key, used or not
    looked_up = {a or b for a, b in re.findall(r"""(?:texts|\bt)\[["'](\w+)["']\]|say\(["'](\w+)["']""", code)}
    literals = set(re.findall(r"""["'](\w+)["']""", code))
    assert looked_up - set(kb.texts) == set()
    assert set(kb.texts) - literals == set()
