"""The one conversation engine every channel shares: handle(Incoming) -> list[Reply].

State lives in the Store, read and written per message, so it survives restarts and can be shared
by several worker processes. One user's messages are handled in order; different users concurrently.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.answer import Answerer
from bot.callback import BadCallback, decode
from bot.kb import KnowledgeBase
from bot.matcher import Match, Matcher
from bot.models import Incoming, Reply

if TYPE_CHECKING:
    from bot.store import Store
from bot.textnorm import clean, normalise

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What the engine decided, for logs and machine interfaces."""

    replies: list[Reply]
    match: Match | None = None


class Engine:
    def __init__(self, kb: KnowledgeBase, matcher: Matcher, store: Store | None,
                 today: Callable[[], dt.date] = dt.date.today):
        self.kb, self.matcher, self.store, self.today = kb, matcher, store, today
        self.answers = Answerer(kb)
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._forget_words = {normalise(w) for w in kb.intents.get("forget", [])}

    async def handle(self, inc: Incoming) -> list[Reply]:
        return (await self.handle_full(inc)).replies

    async def handle_full(self, inc: Incoming) -> Outcome:
        async with self._locks[inc.user_id]:
            try:
                if inc.button is not None:
                    return Outcome(self._button(inc))
                return self._text(inc)
            except Exception:  # one bad message must never take the conversation down
                log.exception("engine failed on a message from user %s", inc.user_id)
                return Outcome([Reply(self.kb.texts["error"])])

    # -- buttons --------------------------------------------------------------------------------
    def _button(self, inc: Incoming) -> list[Reply]:
        try:
            action, arg = decode(inc.button or "")
        except BadCallback:
            return [Reply(self.kb.texts["stale_button"])]
        user = self.store.user(inc.user_id)
        if action == "text" and arg in self.kb.measures:
            return [self.answers.full_text(self.kb.measures[arg])]
        if action == "show" and arg in self.kb.measures:
            m = self.kb.measures[arg]
            self.store.update_user(inc.user_id, last_measure=m.id, region=user["region"])
            return self._measure(m.id)
        if action == "region" and arg in self.kb.documents:
            return self._set_region(inc.user_id, arg, user)
        return [Reply(self.kb.texts["stale_button"])]

    # -- text -----------------------------------------------------------------------------------
    def _text(self, inc: Incoming) -> Outcome:
        text = clean(inc.text or "")
        user = self.store.user(inc.user_id)
        command = text.split()[0].lstrip("/").split("@")[0].lower() if text.startswith("/") else None
        if command in ("start", "help"):
            return Outcome([Reply(self.kb.texts["welcome" if command == "start" else "help"])])
        if command == "forget" or normalise(text) in self._forget_words:
            self.store.forget(inc.user_id)
            return Outcome([Reply(self.kb.texts["forgotten"])])
        match = self.matcher.match(text, region=user["region"])
        self.store.log_question(inc.user_id, inc.channel, text, match.intent, match.measures, match.confidence)
        replies = self.reply_for(match, user, inc.user_id)
        return Outcome(replies, match)

    def reply_for(self, match: Match, user: dict | None = None, user_id: str | None = None) -> list[Reply]:
        """Replies for a match; with a user, also remember region and last measure."""
        t = self.kb.texts
        if match.intent in ("empty", "greeting", "thanks", "help", "overview", "out_of_scope"):
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
        replies = self.answers.measures_reply(match, self.today())
        if user_id is not None:
            named = match.regions if len(match.regions) == 1 and match.places else None
            self.store.update_user(user_id, last_measure=match.measures[0],
                                   **({"region": named[0]} if named else {}))
        return replies

    def _set_region(self, user_id: str | None, region: str, user: dict | None) -> list[Reply]:
        doc = self.kb.documents[region]
        last = (user or {}).get("last_measure")
        if user_id:
            self.store.update_user(user_id, region=region)
        if last in self.kb.measures:
            m = self.kb.measures[last]
            target = m.id if m.region == region else m.counterpart
            if target:
                if user_id:
                    self.store.update_user(user_id, last_measure=target)
                head = Reply(self.answers.say("region_switch", name=doc.name))
                return [head] + self._measure(target)
        return [Reply(self.answers.say("region_set", name=doc.name))]

    def _measure(self, mid: str) -> list[Reply]:
        m = self.kb.measures[mid]
        match = Match(question="", norm="", intent="question", measures=[mid], regions=[m.region])
        return self.answers.measures_reply(match, self.today())
