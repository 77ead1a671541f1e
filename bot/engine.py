"""The one conversation engine every channel shares: handle(Incoming) -> list[Reply].

State lives in the Store, read and written per message, so it survives restarts and can be shared
by several worker processes. One user's messages are handled in order; different users concurrently.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import usage
from bot.announce import Outbox, Vocabulary, load_topics
from bot.announce.sender import DEFAULT_RATE
from bot.announce.staff import StaffDesk
from bot.announce.subscribe import SubscriptionDesk
from bot.answer import Answerer
from bot.browse import Browser
from bot.callback import BadCallback, decode, encode
from bot.dialogs import DialogRunner, Flow, load_flows
from bot.kb import KnowledgeBase
from bot.matcher import Match, Matcher
from bot.models import Button, Incoming, Reply
from bot.numerals import find_numbers
from bot.store.base import WriteRefused

if TYPE_CHECKING:
    from bot.phrasings import Taught
    from bot.store import Store
from bot.textnorm import clean, normalise

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What the engine decided, for logs and machine interfaces."""

    replies: list[Reply]
    match: Match | None = None


# what a side question mid-check may be answered with; anything else gets the question again
SIDE_INTENTS = ("question", "out_of_scope", "overview", "help", "full_text")
DEFAULT_CHECK_TTL = 120 * 60
LAST_CHECK = "last_check"  # profile key: the check 再测一次 repeats
FACTS = "facts"  # profile key: what the user said about themselves (bot.understand.extract_facts)
FOR_OTHER = "for_other"  # profile facts key: the user asks for a relative (帮我妈问一哈)
LAST_RESULT = "last_result"  # profile key: the last check's answers, so a correction can redo its result
OFFERED = "offered"  # profile key: the check offered under the last answer
SAID_AGAIN = "said_again"  # profile key: the last question whose answer a restatement has shown again
LAST_QUESTION = "last_question"  # profile key: the question the last answer answered (那泸定呢 asks it again)
MAX_LAST_QUESTION = 200
NOTED_MAX = 14  # characters: a longer message with facts tells a case to answer (送了5个脱贫户 签了两年 …)
FOLLOW_UP_MAX = 12  # characters: a longer message without a topic is a new question, not a follow-up


class Engine:
    def __init__(self, kb: KnowledgeBase, matcher: Matcher | Taught, store: Store | None,
                 today: Callable[[], dt.date] = dt.date.today, flows: dict[str, Flow] | None = None,
                 check_ttl: float = DEFAULT_CHECK_TTL, clock: Callable[[], float] = time.time,
                 admins: frozenset[str] = frozenset(), broadcast_rate: float = DEFAULT_RATE):
        self.kb, self.matcher, self.store, self.today = kb, matcher, store, today
        self.answers = Answerer(kb)
        self.browser = Browser(kb)
        self.flows = load_flows(kb) if flows is None else flows
        self.dialogs = DialogRunner(kb, self.flows, today, clock)
        self.check_ttl, self.clock = check_ttl, clock
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._forget_words = {normalise(w) for w in kb.intents.get("forget", [])}
        self._question_marks = tuple(normalise(w) for w in kb.intents.get("question_marks", []))
        self._sub_words = {normalise(w) for w in kb.intents.get("subscribe", [])}
        self._unsub_words = {normalise(w) for w in kb.intents.get("unsubscribe", [])}
        self.outbox = Outbox(store, clock) if store is not None else None
        if store is not None and self.outbox is not None:  # a stateless engine (`ask`) has no announcements to load
            vocab = Vocabulary(kb, load_topics(kb))
            self.subs = SubscriptionDesk(store, self.outbox, vocab, kb.texts, clock)
            self.staff = StaffDesk(store, self.outbox, vocab, kb.texts, kb.intents, admins, broadcast_rate, clock)

    def warm(self) -> None:
        """Everything built on first use (place names, pinyin tables, answer points) built now, by answering each
        measure's title without a user: a server's first message would otherwise wait for it (about 0.2 s)."""
        for m in self.kb.measures.values():
            self.reply_for(self.matcher.match(m.title))

    @property
    def _store(self) -> Store:
        """The store every message is handled with; a stateless engine (`ask`) only answers through reply_for."""
        assert self.store is not None, "a stateless engine has no conversations"
        return self.store

    async def handle(self, inc: Incoming) -> list[Reply]:
        return (await self.handle_full(inc)).replies

    async def handle_full(self, inc: Incoming) -> Outcome:
        async with self._locks[inc.user_id]:
            return self.handle_now(inc)

    def handle_now(self, inc: Incoming) -> Outcome:
        """handle_full for a caller that already keeps the user's messages in order (the WeChat channel, which
        computes within its own per-user turn and commits in batches)."""
        try:
            # one unit of work: the user's state read once, changes and logged questions saved at the end in
            # one transaction (bot/store/core.py); nothing is saved when the message fails
            with self.store.unit(inc.user_id) if self.store is not None else nullcontext():
                if inc.button is not None:
                    return Outcome(self._button(inc))
                if self.store is not None and not self._store.user(inc.user_id)["active"]:
                    self._store.set_active(inc.user_id, True)  # wrote again after blocking or unfollowing
                return self._text(inc)
        except WriteRefused:  # computed outside the write lock: the caller does it again under the lock
            raise
        except Exception:  # one bad message must never take the conversation down
            log.exception("engine failed on a message from user %s", inc.user_id)
            return Outcome([Reply(self.kb.texts["error"])])

    # -- buttons --------------------------------------------------------------------------------
    def _button(self, inc: Incoming) -> list[Reply]:
        try:
            action, arg = decode(inc.button or "")
        except BadCallback:
            return [Reply(self.kb.texts["stale_button"])]
        user = self._store.user(inc.user_id)
        if action == "text" and arg in self.kb.measures:
            return [self.answers.full_text(self.kb.measures[arg])]
        if action == "show" and arg in self.kb.measures:
            m = self.kb.measures[arg]
            self._store.update_user(inc.user_id, last_measure=m.id, region=user["region"])
            return self._measure(m.id)
        if action == "region" and arg in self.kb.documents:
            return self._set_region(inc.user_id, arg, user)
        if action == "check" and arg in self.flows:
            return self._start(inc.user_id, user, self.flows[arg], "")
        if action == "nav" and (page := self.browser.press(arg)) is not None:
            return [page]
        if action == "sub":
            return self.subs.press(inc, user, arg)
        if action == "ann":
            return self.staff.press(inc, arg)
        state = self._live_state(inc.user_id, user)[0]
        if action == "nav" and state and not state.get("menu"):
            return self._move(inc.user_id, state, arg) or [Reply(self.kb.texts["stale_button"])]
        if action == "answer" and state and not state.get("menu") and "|" in arg:
            slot, value = arg.split("|", 1)
            done = self.dialogs.press(state, slot, value)
            if done is not None:
                return self._save(inc.user_id, user, *done)
            return [Reply(self.kb.texts["dialog_stale_button"])] + self._current(state)
        return [Reply(self.kb.texts["stale_button"])]

    # -- text -----------------------------------------------------------------------------------
    def _text(self, inc: Incoming) -> Outcome:
        text = clean(inc.text or "")
        user = self._store.user(inc.user_id)
        command = text.split()[0].lstrip("/").split("@")[0].lower() if text.startswith("/") else None
        words = text.split(maxsplit=1) if command else []
        arg = words[1].strip() if len(words) > 1 else ""
        if command == "start":
            flow = self.dialogs.by_link.get(arg)
            if flow:  # deep link: t.me/bot?start=loan opens the loan check
                return Outcome(self._start(inc.user_id, user, flow, ""))
            return Outcome([Reply(self.kb.texts["welcome"])] + self.subs.offer(inc, user))
        if command == "help":
            return Outcome([Reply(self.kb.texts["help"])])
        if command == "measures":
            return Outcome([self.browser.documents()])
        if command == "region":
            region = self.dialogs.by_region_word(normalise(arg)) if arg else None
            if region:
                return Outcome(self._set_region(inc.user_id, region, user))
            buttons = [[Button(d.name, encode("region", r)) for r, d in self.kb.documents.items()]]
            return Outcome([Reply(self.kb.texts["pick_region"], buttons)])
        said = text  # as typed: what the staff desk shows
        if command is None:  # 托贫户 → 脱贫户: every reader below sees the words the documents use
            text = self.matcher.fix_typos(text)
        norm = normalise(text)
        if command == "forget" or norm in self._forget_words:
            self._store.forget(inc.user_id)
            return Outcome([Reply(self.kb.texts["forgotten"])])
        news = self._news_command(inc, user, command, arg, norm)
        if news is not None:
            return Outcome(news)
        # a command is never an answer, and a check in progress answers its own questions first
        pending = self._pending(inc, user, text) if command is None and not user.get("dialog") else None
        if pending is not None:
            return Outcome(pending)
        if command == "check":
            flow = self.dialogs.by_link.get(arg) or (self.dialogs.pick_from_menu(normalise(arg)) if arg else None)
            return Outcome(self._start(inc.user_id, user, flow, "") if flow else self._menu(inc.user_id))
        state, note = self._live_state(inc.user_id, user)
        head = [Reply(note)] if note else []
        if state and state.get("menu"):
            flow = self.dialogs.pick_from_menu(norm)
            if flow:
                return Outcome(head + self._start(inc.user_id, user, flow, ""))
            self._store.update_user(inc.user_id, dialog=None)
            if self.dialogs.control(norm) == "exit":
                return Outcome([Reply(self.kb.texts["dialog_exit"])])
        elif state:
            return self._in_check(inc, user, state, text, norm)
        redo = self._redo(inc.user_id, user, text, norm) if command is None else None
        if redo is not None:  # 说错了 我是脱贫户 / 每次都按时还清 right after a result: the result again
            return Outcome(head + redo)
        move = self.dialogs.control(norm)
        if move and not state:
            last = self.flows.get((user.get("profile") or {}).get(LAST_CHECK) or "")
            if move == "restart" and last:
                return Outcome(head + self._start(inc.user_id, user, last, ""))
            return Outcome(head + [Reply(self.kb.texts["dialog_none"])])
        match = self._follow_up(self.matcher.match(text, region=user["region"]), user)
        self._store.log_question(inc.user_id, inc.channel, said, match.intent, match.measures, match.confidence)
        told = dict((user.get("profile") or {}).get(FACTS) or {})  # before this message: is anything new?
        facts = self._remember_facts(inc.user_id, user, norm, text)
        if facts.get("place") and not match.places and match.intent in ("question", "out_of_scope"):
            # a place the matcher does not spell (我是luding的 … 在广东打工): the user's region, for this answer too
            match = self._follow_up(self.matcher.match(text, region=facts["region"]), user)
            match.places, match.regions = [facts["place"]], [facts["region"]]
        top = match.measures[0] if match.intent == "question" and match.measures else None
        flow = self.dialogs.choose(norm, top, facts) or self._accepted_offer(user, norm)
        if flow:
            user = self._store.user(inc.user_id)
            return Outcome(head + self._start(inc.user_id, user, flow, norm, match), match)
        if match.intent != "question" and self.dialogs.wants_menu(norm):
            return Outcome(head + self._menu(inc.user_id), match)
        noted = self._noted(text, norm, facts, match, user, inc.user_id, told)
        if noted is not None:  # 我是泸定的 不是脱贫户: facts, not a question — keep them, apply them
            return Outcome(head + noted, match)
        same = self._restated(text, norm, user, told, inc.user_id)
        if same is not None:  # 不是脱贫户 我们是监测户 2023年纳入监测的: what was said already, the answer again
            return Outcome(head + same, match)
        replies = self.reply_for(match, user, inc.user_id)
        offer = self.dialogs.offer(norm, top, facts)
        if offer and replies and replies[-1].buttons:
            replies[-1].buttons[-1].append(Button(offer.button, encode("check", offer.id)))
        self._offered(inc.user_id, offer.id if offer and replies and replies[-1].buttons else None)
        if match.intent == "question" and match.measures:
            replies += self.subs.offer(inc, user)
        return Outcome(head + replies, match)

    # -- announcements --------------------------------------------------------------------------------
    def _news_command(self, inc: Incoming, user: dict, command: str | None, arg: str, norm: str) -> list[Reply] | None:
        if command == "subscribe" or (command is None and norm in self._sub_words):
            return self.subs.subscribe(inc, user, arg)
        if command == "unsubscribe" or (command is None and norm in self._unsub_words):
            return self.subs.unsubscribe(inc)
        if command == "news":
            return self.subs.news(inc, user)
        if command == "admin":
            return self.staff.admin(inc, arg)
        if command == "announce":
            return self.staff.announce(inc, arg)
        return None

    def _pending(self, inc: Incoming, user: dict, text: str) -> list[Reply] | None:
        """A typed answer to what the bot just offered (narrowing a subscription, composing a notice).
        Only the next message counts for a subscription; a draft waits until confirmed or cancelled."""
        pending = user.get("pending") or {}
        kind = pending.get("kind") if isinstance(pending, dict) else None
        if not kind:
            return None
        fresh = self.clock() - float(pending.get("ts") or 0) <= self.check_ttl
        replies = None
        if fresh and kind == "announce":
            replies = self.staff.typed(inc, text)
        elif fresh and kind == "subscribe" and not self._looks_like_question(text, normalise(text)):
            replies = self.subs.typed(inc, text)
        if replies is None or kind == "subscribe":
            self._store.update_user(inc.user_id, pending=None)
        elif self.outbox is not None and self.outbox.draft(inc.user_id):  # still composing: the draft waits for the next answer
            self._store.update_user(inc.user_id, pending={"kind": kind, "ts": self.clock()})
        return replies

    # -- guided checks ----------------------------------------------------------------------------
    def _live_state(self, user_id: str, user: dict) -> tuple[dict | None, str]:
        """The user's check in progress, or None; a stale or unreadable one is ended here, with a note."""
        state = user.get("dialog")
        if not state:
            return None, ""
        if not self.dialogs.valid_state(state):
            self._store.update_user(user_id, dialog=None)
            return None, ""
        age = self.clock() - float(state.get("ts") or 0)
        if age > self.check_ttl:
            self._store.update_user(user_id, dialog=None)
            return None, self.kb.texts["dialog_expired"].format(minutes=int(age // 60))
        return state, ""

    def _known(self, user: dict, flow: Flow, norm: str, match: Match | None) -> dict:
        """What the user said before (profile facts) and in this message, as the check's answers."""
        profile = user.get("profile") or {}
        known = {k: v for k, v in profile.items() if k not in (FACTS, LAST_RESULT, OFFERED)}
        known.update(profile.get(FACTS) or {})
        away = known.get("elsewhere")  # from 雅安石棉: a region named in passing (听说泸定有) is not theirs
        if user.get("region") and not away:
            known["region"] = user["region"]
        if match is not None and match.places and len(match.regions) == 1 and not away:
            known["region"] = match.regions[0]
        if norm:
            known.update(self.dialogs.prefill(flow, norm))
        return known

    def _start(self, user_id: str, user: dict, flow: Flow, norm: str, match: Match | None = None) -> list[Reply]:
        known = self._known(user, flow, norm, match)
        state, replies = self.dialogs.start(flow, known)
        usage.check_started(self.store, flow.id, known.get("region"))  # for the staff desk's overview
        return self._save(user_id, user, state, replies)

    def _menu(self, user_id: str) -> list[Reply]:
        state, replies = self.dialogs.menu()
        self._store.update_user(user_id, dialog=state)
        return replies

    def _save(self, user_id: str, user: dict, state: dict | None, replies: list[Reply]) -> list[Reply]:
        """Keep the check's state (None when it finished) and the answers worth remembering."""
        if state is None and replies:
            usage.check_finished(self.store, replies[-1].meta)  # for the staff desk's overview
        fields: dict = {"dialog": state}
        source = state or (replies[-1].meta if replies else None) or {}
        values = source.get("values") or {}
        flow = self.flows.get(source.get("flow") or "")
        if flow:
            profile = {**(self._store.user(user_id).get("profile") or {}), LAST_CHECK: flow.id}
            profile.pop(OFFERED, None)
            if state is None:  # finished: a follow-up or a correction redoes this result
                profile[LAST_RESULT] = {"flow": flow.id, "values": values, "ts": self.clock()}
            for step in flow.steps:
                if step.remember and step.slot in values:
                    if step.slot == "region":
                        fields["region"] = values["region"]
                    else:
                        profile[step.slot] = values[step.slot]
            fields["profile"] = profile
        self._store.update_user(user_id, **fields)
        return replies

    def _remember_facts(self, user_id: str, user: dict, norm: str, text: str = "") -> dict:
        """Facts said in passing (我是脱贫户, 8个员工, 签了半年) that a later check would otherwise ask again;
        kept per user under profile["facts"]. Returns this message's facts."""
        prefilled = self.dialogs.prefills(norm)  # once: both the facts and the remembered answers read it
        facts = self.dialogs.facts(text or norm, norm, prefilled)
        profile = dict(user.get("profile") or {})
        profile.pop(LAST_RESULT, None)  # a new subject: a later fact no longer redoes the last result
        for flow in self.flows.values():
            # 我们不是脱贫户 … 隔壁张大爷是脱贫户: the facts' reading (the user's own clause) over an option word
            said = self.dialogs.from_facts(flow, facts) if prefilled[flow.id] else {}
            for slot, value in prefilled[flow.id].items():
                step = flow.step(slot)
                if step and step.remember and slot != "region":
                    profile[slot] = said.get(slot, value)
        told = {**facts, FOR_OTHER: "yes"} if self.dialogs.asks_for_other(text or norm) else facts
        if told:  # for_other is kept, not returned: what is said later of the relative is the subject's
            kept = {**(profile.get(FACTS) or {}), **{k: v for k, v in told.items() if k != "region"}}
            if facts.get("region") and "elsewhere" not in facts:
                kept.pop("elsewhere", None)  # 我是石棉的 … 现在在泸定上班: the region said last is theirs
            profile[FACTS] = kept
        if facts.get("region") and facts["region"] != user.get("region"):  # also typed in pinyin: luding, xuyong
            self._store.update_user(user_id, region=facts["region"])
            user["region"] = facts["region"]
        if profile != (user.get("profile") or {}):
            self._store.update_user(user_id, profile=profile)
            user["profile"] = profile
        return facts

    def _offered(self, user_id: str, flow_id: str | None) -> None:
        """Remember the check offered under the last answer: 好的 / 可以 / 测一下 then starts it."""
        profile = dict(self._store.user(user_id).get("profile") or {})
        if profile.get(OFFERED) != flow_id:
            if flow_id:
                profile[OFFERED] = {"flow": flow_id, "ts": self.clock()}
            else:
                profile.pop(OFFERED, None)
            self._store.update_user(user_id, profile=profile)

    def _accepted_offer(self, user: dict, norm: str) -> Flow | None:
        """好的 帮我测一下 / 可以 / 要得 / 继续 right after an answer that offered a check starts that check."""
        offered = (user.get("profile") or {}).get(OFFERED)
        if not isinstance(offered, dict) or self.clock() - float(offered.get("ts") or 0) > self.check_ttl:
            return None
        flow = self.flows.get(offered.get("flow") or "")
        return flow if flow and self.dialogs.accepts(norm) else None

    def _redo(self, user_id: str, user: dict, text: str, norm: str) -> list[Reply] | None:
        """Right after a result, a message that changes one of its answers (说错了 我是脱贫户, 不对 我是泸州的,
        每次都按时还清, 贷过2次) redoes the result with it; one that only says its answers again shows it again."""
        last = (user.get("profile") or {}).get(LAST_RESULT)
        if not isinstance(last, dict) or last.get("flow") not in self.flows:
            return None
        if self.clock() - float(last.get("ts") or 0) > self.check_ttl:
            return None
        flow = self.flows[last["flow"]]
        values = dict(last.get("values") or {})
        # what the user said before (两周 → 14 days) answers a question the change brings back (说错了 我是脱贫户)
        known = self._known(user, flow, "", None)
        said = self.dialogs.from_facts(flow, known)
        state = {"flow": flow.id, "values": values, "history": [s.slot for s in flow.steps if s.slot in values],
                 "asking": None, "ts": self.clock(), "misses": 0, "known": {**said, **values},
                 "facts": self.dialogs.carried_facts(flow, known)}  # a corrected total's parts worked out again
        correcting = self.dialogs.is_correction(text)
        for_other = ((user.get("profile") or {}).get(FACTS) or {}).get(FOR_OTHER) == "yes"
        changes = self.dialogs.changes(flow, values, text, norm, correcting=correcting,
                                       state=state if correcting else None, for_other=for_other)
        if not changes:
            # the same facts again (贷过1次 once more): the result again, never "记下了" in a loop
            # (不是脱贫户 是监测户 边缘易致贫户 2022年纳入的 脱贫户是我哥屋头: a longer telling of the same, still no
            # question, of any length; not with a count, which may change what was worked out from the one it
            # replaces: 九个 … 社保都买了)
            longer = all(n.value >= 1900 for n in find_numbers(norm))
            if (len(norm) <= NOTED_MAX or longer) and not self._looks_like_question(text, norm) \
                    and self.dialogs.restates(flow, values, text, norm):
                if last.get("same"):  # shown unchanged once already: move on, never the same result in a loop
                    self._remember_facts(user_id, user, norm, text)  # kept as said (and no longer redoing)
                    menu = self._menu(user_id)
                    menu[0].text = self.kb.texts["dialog_same_menu"] + "\n" + menu[0].text
                    return menu
                replies = self._save(user_id, user, *self.dialogs.again(state))
                profile = dict(self._store.user(user_id).get("profile") or {})
                if isinstance(profile.get(LAST_RESULT), dict):
                    profile[LAST_RESULT] = {**profile[LAST_RESULT], "same": True}
                    self._store.update_user(user_id, profile=profile)
                return replies
            return None
        return self._save(user_id, user, *self.dialogs.correct(state, changes))

    def _current(self, state: dict) -> list[Reply]:
        q = self.dialogs.question(self.flows[state["flow"]], state)
        return [q] if q else []

    def _move(self, user_id: str, state: dict, move: str) -> list[Reply] | None:
        user = self._store.user(user_id)
        if move == "exit":
            self._store.update_user(user_id, dialog=None)
            return [Reply(self.kb.texts["dialog_exit"])]
        if move == "back":
            return self._save(user_id, user, *self.dialogs.back(state))
        if move == "restart":
            st, replies = self.dialogs.restart(state)
            return self._save(user_id, user, st, [Reply(self.kb.texts["dialog_restart"])] + replies)
        return None

    def _noted(self, text: str, norm: str, facts: dict, match: Match, user: dict, user_id: str,
               told: dict | None = None) -> list[Reply] | None:
        """A message that only tells facts about the asker (a greeting may come with it) is no question:
        say what was kept and, after an answer, give that answer again with the facts applied. Facts told
        before with nothing new are not noted again (no "记下了" loop): the message is answered as it is."""
        about = {k: v for k, v in facts.items() if k not in ("region", "place")}
        if told is not None and about and all(told.get(k) == v for k, v in about.items()):
            return None
        if not about or len(norm) > NOTED_MAX or self._looks_like_question(text, norm) or match.intent == "out_of_scope" and not match.topic \
                and any(h.kind == "oos" for h in match.hits):
            return None
        pts = self.answers.points
        if pts.strongest(match.said)[1] or any(w in match.said for w in self.matcher.ix.needs):
            return None  # 我是脱贫户 生活补贴: asks for something
        said = pts.say_facts(about)
        if not said:  # only facts no answer turns on (技能大师工作室 names a topic): a question after all
            return None
        region = facts.get("region") or user.get("region")
        if facts.get("region"):
            said.insert(0, self.kb.documents[facts["region"]].name)
        head = self.answers.say("facts_noted", what="、".join(said))
        last = user.get("last_measure")
        if last in self.kb.measures:
            target = self.kb.measures[last]
            if region and target.region != region and target.counterpart:
                target = self.kb.measures[target.counterpart]
            again = Match(question=text, norm=norm, intent="question", measures=[target.id], regions=[target.region])
            replies = self.reply_for(again, user, user_id)
            replies[0].text = head + "\n" + replies[0].text
            return replies
        return [Reply(head + self.kb.texts["facts_noted_ask"])]

    def _restated(self, text: str, norm: str, user: dict, told: dict, user_id: str) -> list[Reply] | None:
        """Right after an answer, a message with no question that only says again facts the answer already had
        (of any length: 不是脱贫户 我们是监测户 2023年纳入监测的 脱贫户是我哥屋头): that answer once more, said to be
        unchanged, never a measure its words happen to share; said once, then only that it stands (no loop). Not
        with a count, which may be a new case."""
        profile = user.get("profile") or {}
        asked = profile.get(LAST_QUESTION)
        if not asked or self._looks_like_question(text, norm) or any(n.value < 1900 for n in find_numbers(norm)):
            return None
        sayable = self.answers.points.said_facts
        said = {k: v for k, v in self.dialogs.facts(text, norm).items() if k in sayable}
        if not said or any(told.get(k) != v for k, v in said.items()):
            return None
        again = self.matcher.match(asked, region=user.get("region"))
        if again.intent != "question" or not again.measures:
            return None
        if profile.get(SAID_AGAIN) == asked:
            return [Reply(self.kb.texts["answer_same_again"])]
        self._store.update_user(user_id, profile={**profile, SAID_AGAIN: asked})
        replies = self.answers.measures_reply(again, self.today(), told)
        replies[0].text = self.kb.texts["answer_same"] + "\n" + replies[0].text
        return replies

    def _asks_own_facet(self, norm: str) -> bool:
        pts = self.answers.points
        facets = [pts.facet(f) for f in pts.asked(norm)]
        return any(f is not None and not f.generic for f in facets) and norm.endswith(pts.question_end)

    def _looks_like_question(self, text: str, norm: str) -> bool:
        return "?" in text or "？" in text or (len(norm) >= 4 and any(w in norm for w in self._question_marks))

    def _in_check(self, inc: Incoming, user: dict, state: dict, text: str, norm: str) -> Outcome:
        move = self.dialogs.control(norm)
        if move:
            return Outcome(self._move(inc.user_id, state, move) or [])
        flow = self.flows[state["flow"]]
        other = self.dialogs.switch(norm, flow)
        if other is not None:  # 算了 贷款不测了 我想测培训补贴: this check ends, that one starts
            self._store.update_user(inc.user_id, dialog=None)
            self._remember_facts(inc.user_id, user, norm, text)
            user = self._store.user(inc.user_id)
            user["dialog"] = None
            return Outcome(self._start(inc.user_id, user, other, norm))
        if self._asks_own_facet(norm) and not self.dialogs.names_option(state, norm):
            # 等哈 这个贷款要利息不: a question of its own, not 不 to the question asked
            side = self._side_question(inc, user, state, text)
            if side:
                return side
        if self._looks_like_question(text, norm):
            # an answer that reads as one (不晓得 是不是在领) is an answer, unless it ends in a question mark
            answered = self.dialogs.answer(state, norm, text)
            if answered[2].ok and not text.rstrip().endswith(("?", "？")):
                return Outcome(self._save(inc.user_id, user, answered[0], answered[1]))
            side = self._side_question(inc, user, state, text)
            if side:
                return side
        if self.dialogs.is_correction(text) and not self.dialogs.corrects_itself(state, text):
            # 不对 刚才说错了 是两次 / 说错了 我是脱贫户 (一百 哦不对 一百零一个 answers the question asked)
            changes = self.dialogs.changes(flow, state["values"], text, norm, correcting=True, state=state)
            if changes:
                return Outcome(self._save(inc.user_id, user, *self.dialogs.correct(state, changes)))
        new_state, replies, parsed = self.dialogs.answer(state, norm, text)
        if parsed.ok:
            return Outcome(self._save(inc.user_id, user, new_state, replies))
        if parsed.problem == "no_match" and len(norm) >= 2 and state.get("side") != norm:
            # the same words again after their side answer are an answer not understood, not the question again
            side = self._side_question(inc, user, state, text, intents=("question", "full_text"))
            if side:
                return side
        if parsed.problem in ("too_small", "too_large", "approx") and not state.get("misses"):
            # said once how the answer falls short; the same again goes the way of any answer not understood (the
            # choices and how to say 不确定, then 不确定): a check never asks the same thing for ever
            self._store.update_user(inc.user_id, dialog={**state, "ts": self.clock(), "misses": 1})
            return Outcome(replies)
        return Outcome(self._save(inc.user_id, user, *self.dialogs.missed(state)))

    def _side_question(self, inc: Incoming, user: dict, state: dict, text: str,
                       intents: tuple[str, ...] = SIDE_INTENTS) -> Outcome | None:
        """A question asked mid-check is answered; then the check asks its question again. A message
        that is not phrased as a question counts only if it clearly names a measure."""
        match = self.matcher.match(text, region=user["region"])
        if match.intent not in intents or (match.intent == "question" and not match.measures):
            return None
        if match.intent == "out_of_scope" and not match.topic and not text.rstrip().endswith(("?", "？")):
            return None  # mid-check, an answer not understood is asked again; a question (…？) is still answered
        self._store.log_question(inc.user_id, inc.channel, clean(inc.text or ""), match.intent, match.measures,
                                 match.confidence)  # as typed, before typos were put right
        replies = self.reply_for(match, user, None)
        q = self._current(state)
        if q:
            q[0].text = self.kb.texts["dialog_resume"].format(question=q[0].text)
        self._store.update_user(inc.user_id, dialog={**state, "ts": self.clock(), "side": normalise(text)})
        return Outcome(replies + q, match)

    def _follow_up(self, match: Match, user: dict) -> Match:
        """去哪里办 / 要带什么 / 好多钱 alone, after an answer, ask that facet of the last measure."""
        last = user.get("last_measure")
        if (match.intent == "out_of_scope" and not match.topic and last in self.kb.measures
                and self.answers.points.asked(match.norm) and len(match.norm) <= FOLLOW_UP_MAX):
            match.intent, match.measures, match.confidence = "question", [last], 0.5
            match.regions = match.regions or [self.kb.measures[last].region]
        return match

    def reply_for(self, match: Match, user: dict | None = None, user_id: str | None = None) -> list[Reply]:
        """Replies for a match; with a user, also remember region and last measure."""
        t = self.kb.texts
        if match.intent == "out_of_scope" and match.topic:
            return [Reply(self.answers.say("out_of_scope_topic", office=self.answers.points.oos_office(match.topic)))]
        if match.intent == "overview":  # 成都金堂那边有没得: their own place first, then what these two have
            return [Reply(self.answers.overview(match))]
        if match.intent in ("empty", "greeting", "thanks", "help", "out_of_scope"):
            return [Reply(t[match.intent])]
        if match.intent == "set_region":
            region = match.regions[0] if len(match.regions) == 1 else None
            if region is None:
                return [Reply(t["pick_region"])]
            return self._set_region(user_id, region, user) if user_id else [Reply(
                self.answers.say("region_set", name=self.kb.documents[region].name))]
        if match.intent == "full_text":
            last = user and user.get("last_measure")
            if last in self.kb.measures:
                return [self.answers.full_text(self.kb.measures[last])]
            return [Reply(t["full_text_none"])]
        said = ((user or {}).get("profile") or {}).get(FACTS) if user else self.dialogs.facts(match.question)
        replies = self.answers.measures_reply(match, self.today(), said or {})
        if user_id is not None:
            named = match.regions if len(match.regions) == 1 and match.places else None
            profile = {**((user or {}).get("profile") or {}), LAST_QUESTION: match.question[:MAX_LAST_QUESTION]}
            self._store.update_user(user_id, last_measure=match.measures[0], profile=profile,
                                   **({"region": named[0]} if named else {}))
            if user is not None:
                user["profile"] = profile
        return replies

    def _set_region(self, user_id: str | None, region: str, user: dict | None) -> list[Reply]:
        doc = self.kb.documents[region]
        last = (user or {}).get("last_measure")
        if user_id:
            self._store.update_user(user_id, region=region)
        if last in self.kb.measures:
            m = self.kb.measures[last]
            target = m.id if m.region == region else m.counterpart
            if target:
                if user_id:
                    self._store.update_user(user_id, last_measure=target)
                head = Reply(self.answers.say("region_switch", name=doc.name))
                return [head] + self._measure(target, ((user or {}).get("profile") or {}))
        return [Reply(self.answers.say("region_set", name=doc.name))]

    def _measure(self, mid: str, profile: dict | None = None) -> list[Reply]:
        """A measure shown again (那泸定呢, a region button): the last question asked of it, if there was one."""
        m = self.kb.measures[mid]
        match = Match(question="", norm="", intent="question", measures=[mid], regions=[m.region])
        asked = (profile or {}).get(LAST_QUESTION)
        if asked:
            again = self.matcher.match(asked, region=m.region)
            if again.intent == "question" and {mid, m.counterpart} & set(again.measures):
                again.measures, again.regions, again.side_by_side = [mid], [m.region], False
                match = again
        return self.answers.measures_reply(match, self.today(), (profile or {}).get(FACTS) or {})
