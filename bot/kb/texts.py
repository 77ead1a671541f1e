"""The texts the code looks up in knowledge/texts.yaml, each with the placeholders the code fills.

Every key here must be in texts.yaml and every key of texts.yaml here; a text may use only its own placeholders
(space-separated below). load_texts checks both at load, so a missing or misspelled text, or a {placeholder} the code
does not fill, is a KBError naming the file and the key, not a KeyError in the middle of a conversation.
Code without a knowledge base at hand (the database, the command line's --help) says packaged_text(key, ...).
"""

from __future__ import annotations

import functools
import string
from pathlib import Path

from bot.kb.loader import KBError, _load_mapping, default_knowledge_dir

TEXT_FIELDS: dict[str, str] = {
    "welcome": "", "help": "", "greeting": "", "thanks": "", "empty": "", "too_long": "limit", "out_of_scope": "",
    "overview": "", "region_label": "name", "compare_same_sum": "figures", "compare_same_share": "figures", "quote": "quote", "facts_noted": "what", "facts_noted_ask": "", "answer_same": "", "both_separate": "one other", "answer_same_again": "",
    "said_prefix": "what", "point_open": "name units", "mention_yes": "thing number sentence", "mention_no": "thing units", "point_open_both": "name units", "units_or": "", "point_said": "what", "elsewhere_asker": "place", "elsewhere_asked": "place",
    "elsewhere": "place", "loan_interest_within": "amount rate who cap own_rate own interest subsidy document", "loan_interest_over": "amount rate who cap subsidy over interest own document", "loan_spread_over": "cap document bp diff diff_percent", "loan_spread_within": "cap document bp subsidy_document", "loan_subsidy_within": "amount who cap document", "loan_subsidy_over": "who cap amount over document", "loan_partners": "n total each firm document ceiling_doc sum capped", "loan_partners_want_over": "wanted n total each document ceiling_doc sum capped firm", "loan_partners_want_within": "wanted n total each document ceiling_doc firm sum capped", "loan_partners_capped": "firm", "loan_partners_within": "firm", "loan_who_individual": "", "loan_who_enterprise": "", "dialog_elsewhere_start": "place", "dialog_elsewhere_end": "place", "out_of_scope_topic": "office", "aside_topic": "office", "only_region": "name other", "cite": "title number",
    "other_document": "brand name place other other_title",
    "validity_answer": "title number since valid", "validity_issued": "date", "validity_effective": "date", "validity_until": "expires left", "validity_days_left": "days", "validity_unwritten": "",
    "contact_answer": "lead others", "complain_answer": "lead", "apply_answer": "topic lead",
    "cite_pair": "title number other_title other_number", "contact": "units", "contact_none": "",
    "date": "year month day", "update_now": "topic individual enterprise number scope", "update_none": "topic",
    "update_confirm": "", "validity_left": "name expires", "validity_expired": "name expires office",
    "amounts_after": "", "slip": "note", "next_steps": "other_hint", "next_other": "other", "full_text_button": "",
    "full_text_head": "title number", "full_text_none": "", "region_set": "name", "region_switch": "name",
    "pick_region": "", "console_prompt": "", "console_bye": "", "console_intro": "", "exit_words": "", "error": "",
    "stale_button": "", "forgotten": "", "dialog_menu": "", "dialog_known": "known", "dialog_reask": "reask question",
    "dialog_range": "min max", "dialog_min": "min", "dialog_back": "", "dialog_at_start": "", "dialog_restart": "",
    "dialog_exit": "", "dialog_resume": "question", "dialog_expired": "minutes", "dialog_stale_button": "",
    "dialog_yes": "", "dialog_no": "", "dialog_unsure": "", "dialog_back_button": "", "dialog_exit_button": "",
    "dialog_subset_all": "", "dialog_subset_none": "",
    "dialog_again_button": "", "dialog_result_head": "title region", "dialog_part": "title outcome",
    "dialog_eligible": "", "dialog_not_eligible": "", "dialog_ask_office": "", "dialog_amount": "amount",
    "dialog_quote": "quote", "dialog_next": "next", "dialog_national_head": "", "dialog_national_line": "text source",
    "dialog_update": "topic who amount document number scope", "dialog_update_individual": "",
    "dialog_update_enterprise": "", "dialog_update_since": "start", "dialog_done": "", "dialog_no_rule": "",
    "dialog_understood": "what", "dialog_choices": "question", "dialog_choices_tail": "", "dialog_gave_up": "",
    "dialog_gave_up_region": "", "dialog_outside_validity": "name valid what office", "dialog_validity_year": "year", "dialog_validity_end": "month day", "dialog_validity_from": "y m d", "dialog_validity_to": "y m d", "dialog_ask_exact": "question", "dialog_span": "lo hi", "dialog_span_decides": "lo hi question", "dialog_changed": "what", "dialog_redo": "what",
    "dialog_same": "", "dialog_same_menu": "", "dialog_split": "groups covered count", "dialog_split_none": "groups",
    "dialog_split_group": "label count", "dialog_none": "", "browse_documents": "", "browse_document": "title",
    "browse_section": "section page pages", "browse_no_section": "", "browse_section_button": "name count",
    "browse_up": "", "browse_prev": "", "browse_next": "", "news_push": "text", "news_offer": "",
    "news_offer_yes": "", "news_offer_no": "", "news_offer_declined": "", "news_subscribed": "what",
    "news_already": "what", "news_narrow": "what", "news_saved": "what", "news_no_push": "", "news_sub_unknown": "",
    "news_unsubscribed": "", "news_not_subscribed": "", "news_none": "", "news_head": "",
    "news_item": "date audience text", "news_tick": "", "news_done_button": "", "news_both_regions": "",
    "news_all_topics": "", "news_subscription": "region topics", "news_everyone": "", "news_any_region": "",
    "news_any_topic": "", "news_audience": "regions topics", "news_confirm_button": "",
    "news_progress": "id sent failed blocked total eta", "news_done": "id sent failed blocked skipped total",
    "staff_refused": "id", "staff_refused_channel": "", "staff_help": "staff scheduled",
    "staff_scheduled_item": "id when text", "staff_bad_id": "", "staff_added": "id", "staff_exists": "id",
    "staff_removed": "id", "staff_unknown": "id", "staff_log": "lines", "staff_ask_text": "",
    "staff_too_long": "length limit", "staff_pick_audience": "", "staff_by_topic": "", "staff_pick_topic": "",
    "staff_audience_unknown": "", "staff_preview": "body audience count when", "staff_now": "",
    "staff_now_button": "", "staff_at_button": "", "staff_cancel_button": "", "staff_ask_time": "",
    "staff_bad_time": "problem", "staff_time_passed": "", "staff_no_draft": "",
    "staff_queued": "id count rate minutes", "staff_scheduled": "when id count", "staff_unschedule_button": "",
    "staff_unscheduled": "id", "staff_cannot_unschedule": "id", "staff_cancelled": "", "when_invalid": "text",
    "when_no_date": "date", "when_no_time_of_day": "", "when_no_time": "time", "when_passed": "when",
    "channel_console": "", "channel_telegram": "", "channel_wechat": "",
    "news_channel_line": "channel sent unread failed blocked skipped", "news_paused": "id channel until",
    "wechat_please_type": "", "wechat_unread_head": "n", "wechat_unread_item": "text",
    "kb_show_head": "id title number name", "kb_show_section": "section", "kb_show_text": "text",
    "kb_show_summary": "summary", "kb_show_lead": "units", "kb_show_cooperating": "units", "kb_show_fact": "label",
    "kb_show_fact_value": "label value unit", "kb_show_targets": "targets", "kb_show_topics": "topics",
    "kb_show_keywords": "keywords", "kb_show_counterpart": "counterpart", "kb_show_update": "update",
    "kb_show_note": "note", "kb_search_none": "term", "cli_description": "", "store_url_scheme": "setting scheme",
    "store_cannot_connect": "url error", "store_sqlite_too_old": "version",
    # staff on the command line: labor-bot announce / audit / kb
    "audience_empty": "", "audience_unknown_topic": "topic topics", "audience_unknown_region": "region regions",
    "cli_announce_usage": "", "cli_text_empty": "", "cli_bad_audience": "problem", "cli_bad_at": "problem",
    "cli_send_needs": "needs", "cli_preview": "audience code count when", "cli_at": "when", "cli_need_yes": "",
    "cli_confirm": "", "cli_not_queued": "", "cli_queued": "id", "cli_cancel_not_yours": "id author",
    "cli_sent_elsewhere": "channels left", "cli_left_item": "channel n", "cli_stopped": "id",
    "cli_bad_today": "value", "cli_knowledge_error": "error",
    "kb_check_ok": "measures regions facts updates checks topics points oos files combos",
    "kb_region_count": "name count", "kb_no_measure": "id", "kb_search_empty": "",
    # the audit log as staff read it (bot/announce/actions.py)
    "action_queued": "", "action_cancelled": "", "action_discarded": "", "action_finished": "", "action_paused": "",
    "action_refused": "", "action_staff_add": "", "action_staff_remove": "", "action_link_issued": "",
    "action_signed_in": "", "action_signed_out": "", "action_phrasing_linked": "",
    "action_question_out_of_scope": "", "action_question_dismissed": "",
    "audit_recipients": "count", "audit_outcome": "sent failed blocked skipped",
}


def load_texts(path: Path) -> dict[str, str]:
    """texts.yaml: exactly the keys of TEXT_FIELDS, each a string using only its own placeholders."""
    texts = _load_mapping(path, str)
    unknown = sorted(str(k) for k in texts if k not in TEXT_FIELDS)
    if unknown:
        raise KBError(path, None, f"unknown key '{unknown[0]}' (no code looks it up; a new text is declared in "
                                  "bot/kb/texts.py)")
    missing = [k for k in TEXT_FIELDS if k not in texts]
    if missing:
        raise KBError(path, None, f"missing key '{missing[0]}'")
    for key, text in texts.items():
        check_placeholders(path, key, text, TEXT_FIELDS[key])
    return texts


def check_placeholders(path: Path, key: str, text: str, fields: str) -> None:
    """A KBError naming file and key when text uses a {placeholder} not among fields (space-separated)."""
    try:
        used = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as e:
        raise KBError(path, key, f"{e} (a literal brace is written {{ or }})") from None
    allowed = fields.split()
    wrong = [f for f in used if f not in allowed]
    if wrong:
        fills = ", ".join("{" + f + "}" for f in allowed) or "nothing"
        raise KBError(path, key, f"unknown placeholder {{{wrong[0]}}} (the code fills {fills})")


@functools.cache
def packaged_texts() -> dict[str, str]:
    return load_texts(default_knowledge_dir() / "texts.yaml")


def packaged_text(key: str, **fields: object) -> str:
    """One text of the knowledge shipped with the package, for code that has no knowledge base at hand."""
    return packaged_texts()[key].format(**fields)


class TextError(ValueError):
    """An error a person reads: key names its text (knowledge/texts.yaml), fields fill it; say() with a
    knowledge base's texts, str() with the packaged ones (no knowledge base at hand)."""

    def __init__(self, key: str, **fields: object):
        self.key, self.fields = key, fields
        super().__init__(key)

    def say(self, texts: dict[str, str]) -> str:
        return texts[self.key].format(**self.fields)

    def __str__(self) -> str:
        return packaged_text(self.key, **self.fields)
