"""The console channel, the embedded default: no token, no network, state in a local SQLite file.

Interactive: type a question, read the answer; buttons are shown as numbered choices and can be
picked by number or typed. --jsonl: each stdin line is {"text": …} or {"button": …} (a plain line is
text); each gets exactly one stdout line {"replies": [...]}.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.app import build_engine
from bot.boundary import MAX_LINE_BYTES, BadInput, decode_line, dump_line, parse_chat_line, read_lines
from bot.config import Config
from bot.models import Incoming, Reply

log = logging.getLogger(__name__)


def parse_line(line: str) -> tuple[str | None, str | None]:
    """(text, button) from one --jsonl input line; a line that is not a JSON object is text.
    A JSON object of another shape raises BadInput (answered with a one-line {"error": …})."""
    return parse_chat_line(line.rstrip("\r\n"))


def refuse_line(n: int, reason: str) -> bytes:
    """The one-line answer to a refused input line, logged once (no traceback)."""
    log.warning("input line %d refused: %s", n, reason)
    return dump_line({"error": reason, "line": n})


def render(replies: list[Reply]) -> tuple[str, list[str]]:
    """Plain text for a terminal, with buttons as numbered choices; returns the choices' data. A button a number
    must not pick (under a how-many question "1" means one) is shown for typing its words, as on WeChat."""
    lines, choices = [], []
    for r in replies:
        lines.append(r.text)
        for row in r.buttons:
            for b in row:
                if b.numbered:
                    choices.append(b.data)
                    lines.append(f"  [{len(choices)}] {b.text}")
                else:
                    lines.append(f"  · {b.text}")
    return "\n".join(lines), choices


async def run_console(config: Config, user: str = "console", jsonl: bool = False) -> int:
    engine = build_engine(config)
    store = engine.store
    assert store is not None  # build_engine(config) opens config.db
    texts = engine.kb.texts
    if jsonl:
        out = sys.stdout.buffer
        for n, raw in enumerate(read_lines(sys.stdin.buffer), 1):
            if raw is None:
                out.write(refuse_line(n, f"line longer than {MAX_LINE_BYTES} bytes"))
            else:
                try:
                    text, button = parse_line(decode_line(raw))
                except BadInput as e:
                    out.write(refuse_line(n, str(e)))
                else:
                    replies = await engine.handle(Incoming(user_id=user, text=text, button=button))
                    out.write(dump_line({"replies": [r.to_dict() for r in replies]}))
            out.flush()
        return 0
    print(texts["welcome"])
    print(texts["console_intro"])
    choices: list[str] = []
    while True:
        try:
            line = input(texts["console_prompt"])
        except (EOFError, KeyboardInterrupt):
            print()
            break
        in_check = bool(store.user(user).get("dialog"))
        if line.strip() in ("exit", "quit") or (line.strip() == texts["exit_words"] and not in_check):
            break  # mid-check, 退出 leaves the check, not the console
        pick = line.strip()
        if pick.isdigit() and 1 <= int(pick) <= len(choices):
            inc = Incoming(user_id=user, button=choices[int(pick) - 1])
        else:
            inc = Incoming(user_id=user, text=line)
        out, choices = render(await engine.handle(inc))
        print(out)
        print()
    print(texts["console_bye"])
    store.close()
    return 0


def main() -> None:  # pragma: no cover - convenience for python -m handlers.console
    sys.exit(asyncio.run(run_console(Config.from_env())))
