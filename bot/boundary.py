"""Parse at the boundary: what a client sends becomes our own values, or is refused here with a reason.

Limits (stated in README, tested in tests/test_hostile_input.py):
- a JSON document (webhook body, --jsonl line) nests at most MAX_JSON_DEPTH arrays/objects;
- a --jsonl input line is at most MAX_LINE_BYTES bytes (a longer one is skipped to its end, then refused);
- text is valid Unicode afterwards: invalid UTF-8 bytes and lone surrogates become U+FFFD;
- what we write is always valid UTF-8 (dump_line).
Nothing here raises anything but BadInput for any input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import accumulate
from typing import IO, Any

MAX_JSON_DEPTH = 32
MAX_LINE_BYTES = 64 * 1024
CHAT_KEYS = ("text", "button")  # a --jsonl chat line: {"text": …} or {"button": …}

_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


class BadInput(ValueError):
    """Input refused at the boundary; str() is a short reason safe to show the client."""


def clean_text(s: str) -> str:
    """Lone surrogates (from \\udXXX escapes in JSON, or undecodable argv bytes) → U+FFFD."""
    return _SURROGATE.sub("\ufffd", s)


def clean_json(obj: Any) -> Any:
    """Every string in a parsed JSON value (keys too) made valid Unicode. Depth is bounded by loads()."""
    if isinstance(obj, str):
        return clean_text(obj)
    if isinstance(obj, dict):
        return {clean_text(k): clean_json(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [clean_json(v) for v in obj]
    return obj


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest, without parsing (brackets inside strings do not count)."""
    brackets = _BRACKETS.findall(_JSON_STRING.sub('""', text))
    if not brackets:
        return 0
    return max(0, max(accumulate(1 if b in "[{" else -1 for b in brackets)))


def loads(data: bytes | str, *, max_bytes: int, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """JSON within the limits, strings cleaned; anything else is BadInput."""
    if len(data) > max_bytes:
        raise BadInput(f"larger than {max_bytes} bytes")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput("not UTF-8") from None
    else:
        text = data
    if json_depth(text) > max_depth:
        raise BadInput(f"JSON nested deeper than {max_depth}")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise BadInput("not valid JSON") from None
    return clean_json(value)


def read_lines(stream: IO[bytes], max_bytes: int = MAX_LINE_BYTES) -> Iterator[bytes | None]:
    """Lines of a binary stream without their ending; None for a line longer than max_bytes, which is read
    to its end in bounded pieces (memory stays bounded whatever the client sends)."""
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 16)
            yield None
            continue
        yield line.rstrip(b"\r\n")


def decode_line(raw: bytes) -> str:
    """Invalid UTF-8 bytes become U+FFFD (the message is still answered)."""
    return raw.decode("utf-8", "replace")


def parse_chat_line(line: str) -> tuple[str | None, str | None]:
    """(text, button) from one `chat --jsonl` line. A line that does not start with { is text (as typed);
    one that does must be exactly {"text": str} or {"button": str}, else BadInput."""
    s = clean_text(line)
    if not s.lstrip().startswith("{"):
        return s, None
    try:
        obj = loads(s, max_bytes=MAX_LINE_BYTES * 4)
    except BadInput as e:
        if str(e) == "not valid JSON":
            return s, None  # someone typed a brace
        raise
    if not isinstance(obj, dict):
        raise BadInput("expected an object")
    unknown = sorted(set(obj) - set(CHAT_KEYS))
    if unknown:
        raise BadInput(f"unknown key {unknown[0]!r}; expected {{\"text\": …}} or {{\"button\": …}}")
    given = [k for k in CHAT_KEYS if k in obj]
    if len(given) != 1:
        raise BadInput('expected exactly one of "text" or "button"')
    key = given[0]
    if not isinstance(obj[key], str):
        raise BadInput(f'"{key}" must be a string')
    return (obj[key], None) if key == "text" else (None, obj[key])


def dump_line(obj: Any) -> bytes:
    """One JSON line, valid UTF-8 whatever the strings held."""
    return clean_text(json.dumps(obj, ensure_ascii=False)).encode("utf-8", "replace") + b"\n"
