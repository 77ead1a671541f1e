"""The audit log as staff read it, one wording for Telegram's /admin log, `labor-bot audit` and the web desk.

Each action the code records is named for staff by a text of knowledge/texts.yaml (action_*); an action with no
text shows as recorded.
"""

from __future__ import annotations

from bot.announce.when import show

ACTION_TEXTS: dict[str, str] = {
    "queued": "action_queued", "cancelled": "action_cancelled", "discarded": "action_discarded",
    "finished": "action_finished", "paused": "action_paused", "refused": "action_refused",
    "staff_add": "action_staff_add", "staff_remove": "action_staff_remove", "link_issued": "action_link_issued",
    "signed_in": "action_signed_in", "signed_out": "action_signed_out", "phrasing_linked": "action_phrasing_linked",
    "question_out_of_scope": "action_question_out_of_scope", "question_dismissed": "action_question_dismissed",
}
TEXT_SHOWN = 30  # characters of an announcement's text on an audit line


def action_name(texts: dict[str, str], action: str) -> str:
    key = ACTION_TEXTS.get(action)
    return texts[key] if key else action


def audit_line(texts: dict[str, str], entry: dict) -> str:
    """One entry of Outbox.audit_log on one line: when, who, what, which announcement, to whom, the outcome."""
    if "sent" in entry:
        counts = texts["audit_outcome"].format(**{k: entry.get(k, 0) for k in ("sent", "failed", "blocked", "skipped")})
    elif "recipients" in entry:
        counts = texts["audit_recipients"].format(count=entry["recipients"])
    else:
        counts = ""
    text = " ".join(str(entry.get("text") or "").split())  # one line
    parts = [show(entry["ts"]), str(entry["actor"]), action_name(texts, entry["action"]),
             f"#{entry['announcement_id']}" if entry.get("announcement_id") else "",
             str(entry.get("audience") or entry.get("command") or entry.get("target") or ""),
             f"“{text[:TEXT_SHOWN]}{'…' if len(text) > TEXT_SHOWN else ''}”" if text else "", counts]
    return " ".join(p for p in parts if p)
