"""Secrets never reach a log: one redacting filter on the root logger, installed by the composition root.

RedactingFilter replaces every secret (as given, URL-encoded, and a bot token's part after the colon)
with [REDACTED] in the message, its arguments, the formatted traceback and stack. A logger's filter
does not see records propagated from child loggers, so install_redaction() puts the one filter on the
root logger and on each of its handlers; uncaught exceptions (sys.excepthook) go through it too.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from collections.abc import Iterable
from urllib.parse import quote

# environment variables that hold secrets; their values are redacted wherever they appear
SECRET_SETTINGS = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "WECHAT_TOKEN", "WECHAT_APP_SECRET",
                   "WECHAT_ENCODING_AES_KEY")
MASK = "[REDACTED]"
MIN_SECRET = 6  # shorter values would mangle every log line (and are no secret worth the name)


def secret_forms(secrets: Iterable[str | None]) -> list[str]:
    """Every form a secret can take in a log line, longest first."""
    forms: set[str] = set()
    for s in secrets:
        if not s or len(s) < MIN_SECRET:
            continue
        forms |= {s, quote(s, safe=""), quote(s)}
        head, colon, tail = s.partition(":")
        if colon and head.isdigit() and len(tail) >= MIN_SECRET:  # a bot token: the part after the id
            forms |= {tail, quote(tail, safe="")}
    return sorted(forms, key=len, reverse=True)


class RedactingFilter(logging.Filter):
    """Rewrites each record so that no secret is in its message, traceback or stack."""

    def __init__(self, secrets: Iterable[str | None] = ()):
        super().__init__()
        self.set_secrets(secrets)

    def set_secrets(self, secrets: Iterable[str | None]) -> None:
        forms = secret_forms(secrets)
        self._pattern = re.compile("|".join(map(re.escape, forms))) if forms else None

    def redact(self, text: str) -> str:
        return self._pattern.sub(MASK, text) if self._pattern is not None and text else text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not hide the line
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def secrets_from_env(extra: Iterable[str | None] = ()) -> list[str]:
    return [os.environ.get(name) or "" for name in SECRET_SETTINGS] + [s or "" for s in extra]


def install_redaction(extra: Iterable[str | None] = ()) -> RedactingFilter:
    """The composition root calls this once logging is configured: the secret settings from the
    environment and any extra secrets (the Config's) are redacted from every log line and traceback."""
    _FILTER.set_secrets(secrets_from_env(extra))
    root = logging.getLogger()
    for target in (root, *root.handlers, logging.lastResort):
        if target is not None and _FILTER not in target.filters:
            target.addFilter(_FILTER)

    def excepthook(kind, value, tb):
        sys.stderr.write(_FILTER.redact("".join(traceback.format_exception(kind, value, tb))))

    sys.excepthook = excepthook
    return _FILTER
