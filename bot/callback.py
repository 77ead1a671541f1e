"""Button callback data: one small codec, 'action:argument', at most 64 bytes (Telegram's limit)."""

from __future__ import annotations

import re

MAX_BYTES = 64
ACTIONS = {"text", "show", "region", "check", "answer", "nav", "sub", "ann"}
_ARG = re.compile(r"^[A-Za-z0-9_.\-:|]*$")


class BadCallback(ValueError):
    """Callback data we did not make, or made by an older version."""


def encode(action: str, arg: str = "") -> str:
    if action not in ACTIONS or not _ARG.match(arg):
        raise ValueError(f"cannot encode {action!r}, {arg!r}")
    data = f"{action}:{arg}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str) -> tuple[str, str]:
    if not isinstance(data, str) or len(data.encode()) > MAX_BYTES or ":" not in data:
        raise BadCallback(data)
    action, arg = data.split(":", 1)
    if action not in ACTIONS or not _ARG.match(arg):
        raise BadCallback(data)
    return action, arg
