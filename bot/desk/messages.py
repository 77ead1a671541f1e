"""templates/messages.yaml, the desk's texts that the code chooses, checked at load as knowledge/texts.yaml is.

MESSAGE_FIELDS declares every key (a section is a mapping of its own keys) and the placeholders the code fills
(space-separated). A missing, unknown or misspelled key, or a {placeholder} the code does not fill, is a KBError
naming the file and the key (flash.queued), when the desk is built, not a KeyError or a blank on a page.
The names of the audit log's actions are not here: Telegram's /admin log says them too, so they are
knowledge/texts.yaml's action_* (bot/announce/actions.py).
"""

from __future__ import annotations

from pathlib import Path

from bot.kb.loader import KBError, _load_mapping
from bot.kb.texts import check_placeholders

PATH = Path(__file__).resolve().parent / "templates" / "messages.yaml"

MESSAGE_FIELDS: dict[str, str | dict[str, str]] = {
    "both_regions": "",
    "channels": {"telegram": "", "wechat": "", "console": "", "shell": "", "web": ""},
    "status": {"draft": "", "scheduled": "", "sending": "", "done": "", "cancelled": ""},
    "outcomes": {"eligible": "", "not_eligible": "", "ask_office": ""},
    "intents": {"question": "", "out_of_scope": "", "overview": ""},
    "flash": {k: "" for k in ("queued", "scheduled", "cancelled", "cannot_cancel", "not_draft", "linked",
                              "out_of_scope", "dismissed", "phrasing_unknown_measure", "phrasing_bad_length",
                              "phrasing_too_short", "superadmin_only", "staff_removed", "not_yourself")},
    "errors": {"empty_text": "", "too_long": "limit n", "bad_time": "problem", "time_passed": "", "bad_name": ""},
    "refused": {"csrf": "", "bad_request": ""},
    "login": {"used": "", "expired": "", "unknown": ""},
}


def load_messages(path: Path = PATH) -> dict:
    """messages.yaml: exactly the keys of MESSAGE_FIELDS, each text using only its own placeholders."""
    messages = _load_mapping(path, (str, dict))
    _check(path, messages, MESSAGE_FIELDS, "")
    return messages


def _check(path: Path, data: dict, fields: dict, where: str) -> None:
    unknown = sorted(str(k) for k in data if k not in fields)
    if unknown:
        raise KBError(path, where + unknown[0], "unknown key (no code looks it up; a new message is declared in "
                                                "bot/desk/messages.py)")
    missing = [k for k in fields if k not in data]
    if missing:
        raise KBError(path, where + missing[0], "missing key")
    for k, spec in fields.items():
        key, value = where + k, data[k]
        if isinstance(spec, dict):
            if not isinstance(value, dict):
                raise KBError(path, key, "must be a mapping")
            _check(path, value, spec, key + ".")
        elif not isinstance(value, str):
            raise KBError(path, key, "must be a string")
        else:
            check_placeholders(path, key, value, spec)
