"""The staff side: /admin (who is staff, the audit log) and /announce (compose → audience → preview → confirm).

Admins are Telegram user ids from LABOR_BOT_ADMINS (superadmins, who may add and remove staff) plus
staff stored in the database. Anyone else is refused, and the attempt goes into the audit log.
The draft lives in the announcements table, so a half-composed notice survives a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.announce.actions import audit_line
from bot.announce.audience import Audience, Vocabulary
from bot.announce.outbox import MAX_TEXT, Outbox
from bot.announce.when import WhenError, now_in_beijing, parse_when, show
from bot.callback import encode
from bot.models import Button, Incoming, Reply
from bot.store import Store
from bot.textnorm import clean, normalise

log = logging.getLogger(__name__)

PENDING = "announce"
LOG_LINES = 10


class StaffDesk:
    def __init__(self, store: Store, outbox: Outbox, vocab: Vocabulary, texts: dict[str, str],
                 intents: dict[str, list[str]], superadmins: frozenset[str], rate: float,
                 clock: Callable[[], float]):
        self.store, self.outbox, self.vocab, self.t = store, outbox, vocab, texts
        self.superadmins, self.rate, self.clock = superadmins, rate, clock
        self._yes = {normalise(w) for w in intents.get("dialog_yes", []) + intents.get("news_confirm", [])}
        self._cancel = {normalise(w) for w in intents.get("dialog_exit", [])}
        self._now = {normalise(w) for w in intents.get("news_now", [])}

    # -- who may ------------------------------------------------------------------------------------------
    def role(self, inc: Incoming) -> str | None:
        if not self.outbox.channels.has_staff(inc.channel):  # the registry says where staff commands are open
            return None
        if inc.user_id in self.superadmins:
            return "super"
        return "staff" if self.outbox.is_staff(inc.user_id) else None

    def refuse(self, inc: Incoming, what: str) -> list[Reply]:
        log.warning("refused %s for user %s on %s", what, inc.user_id, inc.channel)
        self.outbox.audit(inc.user_id, "refused", command=what, channel=inc.channel)
        if not self.outbox.channels.has_staff(inc.channel):
            return [Reply(self.t["staff_refused_channel"])]
        return [Reply(self.t["staff_refused"].format(id=inc.user_id))]

    # -- /admin ---------------------------------------------------------------------------------------------
    def admin(self, inc: Incoming, arg: str) -> list[Reply]:
        role = self.role(inc)
        if role is None:
            return self.refuse(inc, f"/admin {arg}".strip())
        words = arg.split()
        verb = words[0].lower() if words else ""
        if verb in ("add", "remove"):
            if role != "super":
                return self.refuse(inc, f"/admin {arg}")
            if len(words) != 2 or not words[1].isdigit():
                return [Reply(self.t["staff_bad_id"])]
            target = words[1]
            done = self.outbox.add_staff(target, inc.user_id) if verb == "add" else self.outbox.remove_staff(target)
            if done:
                self.outbox.audit(inc.user_id, f"staff_{verb}", target=target)
            key = {("add", True): "staff_added", ("add", False): "staff_exists",
                   ("remove", True): "staff_removed", ("remove", False): "staff_unknown"}[(verb, done)]
            return [Reply(self.t[key].format(id=target))]
        if verb == "log":
            return [Reply(self._log())]
        if verb == "cancel" and len(words) == 2 and words[1].isdigit():
            return self._cancel_scheduled(inc, int(words[1]))
        staff = sorted(self.superadmins) + [s["user_id"] for s in self.outbox.staff() if s["user_id"] not in self.superadmins]
        waiting = "\n".join(self.t["staff_scheduled_item"].format(id=a["id"], when=show(a["send_at"]),
                                                                   text=a["text"][:30]) for a in self.outbox.scheduled())
        return [Reply(self.t["staff_help"].format(staff="、".join(staff) or "-", scheduled=waiting or "-"))]

    def _log(self) -> str:
        lines = [audit_line(self.t, e) for e in self.outbox.audit_log(LOG_LINES)]
        return self.t["staff_log"].format(lines="\n".join(lines) or "-")

    # -- /announce --------------------------------------------------------------------------------------------
    def announce(self, inc: Incoming, arg: str) -> list[Reply]:
        if self.role(inc) is None:
            return self.refuse(inc, "/announce")
        text = clean(arg)
        if text and len(text) > MAX_TEXT:
            return [Reply(self.t["staff_too_long"].format(limit=MAX_TEXT, length=len(text)))]
        self.outbox.new_draft(inc.user_id, inc.channel, text or None)
        self.store.update_user(inc.user_id, pending={"kind": PENDING, "ts": self.clock()})
        return [self._audience_panel()] if text else [Reply(self.t["staff_ask_text"])]

    def typed(self, inc: Incoming, text: str) -> list[Reply] | None:
        """The next typed message of a staff member composing a notice; None if there is no draft."""
        draft = self.outbox.draft(inc.user_id)
        if draft is None or self.role(inc) is None:
            return None
        norm = normalise(text)
        if norm in self._cancel:
            return self._drop(inc, draft)
        step = draft["step"]
        if step == "text":
            body = clean(text)
            if not body:
                return [Reply(self.t["staff_ask_text"])]
            if len(body) > MAX_TEXT:
                return [Reply(self.t["staff_too_long"].format(limit=MAX_TEXT, length=len(body)))]
            self.outbox.update_draft(draft["id"], text=body, step="audience")
            return [self._audience_panel()]
        if step == "audience":
            regions, topics, everything, _ = self.vocab.find(text)
            if not (regions or topics or everything):
                return [Reply(self.t["staff_audience_unknown"]), self._audience_panel()]
            return self._set_audience(draft, Audience(frozenset(regions), frozenset(topics)))
        if step == "time" or step == "confirm":
            if step == "confirm" and norm in self._yes:
                return self._confirm(inc, draft)
            if norm in self._now:
                return [self._preview(self.outbox.update_draft(draft["id"], send_at=None, step="confirm"))]
            try:
                when = parse_when(text, now_in_beijing(self.clock()))
            except WhenError as e:
                return [Reply(self.t["staff_bad_time"].format(problem=e.say(self.t))), self._preview(draft)]
            return [self._preview(self.outbox.update_draft(draft["id"], send_at=when.timestamp(), step="confirm"))]
        return None

    def press(self, inc: Incoming, arg: str) -> list[Reply]:
        if self.role(inc) is None:
            return self.refuse(inc, f"button {arg}")
        kind, _, value = arg.partition("|")
        if kind == "x" and value.isdigit():
            return self._cancel_scheduled(inc, int(value))
        draft = self.outbox.draft(inc.user_id)
        if draft is None:
            return [Reply(self.t["staff_no_draft"])]
        if kind == "a" and value == "topics":
            return [self._audience_panel(topics=True)]
        if kind == "a" and (value == "all" or value in self.vocab.kb.documents):
            return self._set_audience(draft, Audience(frozenset() if value == "all" else frozenset([value])))
        if kind == "t" and value in self.vocab.topics:
            return self._set_audience(draft, Audience(topics=frozenset([value])))
        if draft["step"] not in ("confirm", "time"):
            return [Reply(self.t["stale_button"])]
        if kind == "ok":
            return self._confirm(inc, draft)
        if kind == "at":
            self.outbox.update_draft(draft["id"], step="time")
            return [Reply(self.t["staff_ask_time"])]
        if kind == "now":
            return [self._preview(self.outbox.update_draft(draft["id"], send_at=None, step="confirm"))]
        if kind == "no":
            return self._drop(inc, draft)
        return [Reply(self.t["stale_button"])]

    # -- steps ------------------------------------------------------------------------------------------------
    def _audience_panel(self, topics: bool = False) -> Reply:
        if topics:
            rows = [[Button(f"{t.name}（{self.outbox.count(Audience(topics=frozenset([t.id])))}）",
                            encode("ann", f"t|{t.id}")) for t in list(self.vocab.topics.values())[i:i + 3]]
                    for i in range(0, len(self.vocab.topics), 3)]
            return Reply(self.t["staff_pick_topic"], rows)
        row = [Button(f"{self.t['news_everyone']}（{self.outbox.count(Audience())}）", encode("ann", "a|all"))]
        row += [Button(f"{d.name}（{self.outbox.count(Audience(frozenset([r])))}）", encode("ann", f"a|{r}"))
                for r, d in self.vocab.kb.documents.items()]
        return Reply(self.t["staff_pick_audience"], [row, [Button(self.t["staff_by_topic"], encode("ann", "a|topics"))]])

    def _set_audience(self, draft: dict, audience: Audience) -> list[Reply]:
        draft = self.outbox.update_draft(draft["id"], audience=audience.to_json(), step="confirm")
        return [self._preview(draft)]

    def _preview(self, draft: dict) -> Reply:
        audience = Audience.from_json(draft["audience"])
        count = self.outbox.count(audience)
        when = show(draft["send_at"]) if draft.get("send_at") else self.t["staff_now"]
        text = self.t["staff_preview"].format(body=self.t["news_push"].format(text=draft["text"]),
                                              audience=self.vocab.describe(audience, self.t), count=count, when=when)
        timing = (Button(self.t["staff_now_button"], encode("ann", "now")) if draft.get("send_at")
                  else Button(self.t["staff_at_button"], encode("ann", "at")))
        return Reply(text, [[Button(self.t["news_confirm_button"], encode("ann", "ok")), timing,
                             Button(self.t["staff_cancel_button"], encode("ann", "no"))]])

    def _confirm(self, inc: Incoming, draft: dict) -> list[Reply]:
        audience = Audience.from_json(draft["audience"])
        count = self.outbox.count(audience)
        send_at = draft.get("send_at") or self.clock()
        if send_at < self.clock() - 60:  # scheduled for a time that passed while the draft waited
            self.outbox.update_draft(draft["id"], send_at=None)
            return [Reply(self.t["staff_time_passed"]), self._preview(self.outbox.announcement(draft["id"]) or draft)]
        self.outbox.queue(draft["id"], inc.user_id, send_at, count)
        self.store.update_user(inc.user_id, pending=None)
        if draft.get("send_at"):
            return [Reply(self.t["staff_scheduled"].format(id=draft["id"], when=show(send_at), count=count),
                          [[Button(self.t["staff_unschedule_button"], encode("ann", f"x|{draft['id']}"))]])]
        minutes = max(1, round(count / self.rate / 60)) if count else 0
        return [Reply(self.t["staff_queued"].format(id=draft["id"], count=count, rate=f"{self.rate:g}",
                                                    minutes=minutes))]

    def _drop(self, inc: Incoming, draft: dict) -> list[Reply]:
        self.outbox.drop_draft(draft["id"])
        self.store.update_user(inc.user_id, pending=None)
        if draft.get("text"):
            self.outbox.audit(inc.user_id, "discarded", text=draft["text"])
        return [Reply(self.t["staff_cancelled"])]

    def _cancel_scheduled(self, inc: Incoming, aid: int) -> list[Reply]:
        ok = self.outbox.cancel(aid, inc.user_id, admin=self.role(inc) == "super")
        return [Reply(self.t["staff_unscheduled" if ok else "staff_cannot_unschedule"].format(id=aid))]

