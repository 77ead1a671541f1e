"""The subscriber's side: /subscribe (then narrow by region and topic), /unsubscribe, /news, one offer.

Buttons are an offer; the same choices can be typed (泸州 贷款 培训), as WeChat and the console have none.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.announce.audience import Audience, Vocabulary
from bot.announce.outbox import Outbox
from bot.announce.when import show
from bot.callback import encode
from bot.models import Button, Incoming, Reply
from bot.store import Store
from bot.textnorm import normalise

NEWS_LIMIT = 5
TYPED_LEFTOVER = 4  # characters a typed narrowing may carry besides region and topic words (只要, 和)
PENDING = "subscribe"


class SubscriptionDesk:
    def __init__(self, store: Store, outbox: Outbox, vocab: Vocabulary, texts: dict[str, str],
                 clock: Callable[[], float]):
        self.store, self.outbox, self.vocab, self.t, self.clock = store, outbox, vocab, texts, clock

    # -- commands -------------------------------------------------------------------------------------
    def subscribe(self, inc: Incoming, user: dict, arg: str = "") -> list[Reply]:
        """Bare: everything for the user's region (both if unknown), then an offer to narrow it.
        With words (/subscribe 泸州 贷款): exactly that."""
        if arg:
            regions, topics, _, _ = self.vocab.find(arg)
            if not regions and not topics and normalise(arg) not in self.vocab.all_words:
                return [Reply(self.t["news_sub_unknown"])]
            region = next(iter(regions)) if len(regions) == 1 else None
            self.outbox.subscribe(inc.user_id, inc.channel, region, sorted(topics) or None)
            return [Reply(self._saved(inc))]
        existed = self.outbox.subscription(inc.user_id)
        region = user.get("region") if user.get("region") in self.vocab.kb.documents else None
        if existed is None:
            self.outbox.subscribe(inc.user_id, inc.channel, region, None)
        self.store.update_user(inc.user_id, pending={"kind": PENDING, "ts": self.clock()}, offered=self.clock())
        head = self.t["news_subscribed" if existed is None else "news_already"]
        return [Reply(head.format(what=self._what(inc.user_id)) + self._channel_note(inc)), self.panel(inc.user_id)]

    def unsubscribe(self, inc: Incoming) -> list[Reply]:
        self.store.update_user(inc.user_id, pending=None)
        return [Reply(self.t["news_unsubscribed" if self.outbox.unsubscribe(inc.user_id) else "news_not_subscribed"])]

    def news(self, inc: Incoming, user: dict) -> list[Reply]:
        """Recent announcements for the user's region and topics (all of them to someone not subscribed)."""
        sub = self.outbox.subscription(inc.user_id)
        region = sub["region"] if sub else user.get("region")
        topics = sub["topics"] if sub else None
        items = [a for a in self.outbox.recent() if Audience.from_json(a["audience"]).matches(region, topics)][:NEWS_LIMIT]
        if not items:
            return [Reply(self.t["news_none"])]
        lines = [self.t["news_head"]]
        for a in items:
            lines.append(self.t["news_item"].format(date=show(a["started"])[:10],
                                                    audience=self.vocab.describe(Audience.from_json(a["audience"]), self.t),
                                                    text=a["text"]))
        return [Reply("\n\n".join(lines))]

    def offer(self, inc: Incoming, user: dict) -> list[Reply]:
        """Once per user, on a channel we can push to: would you like notices?"""
        if (not self.outbox.channels.can_push(inc.channel) or user.get("offered")
                or self.outbox.subscription(inc.user_id)):
            return []
        self.store.update_user(inc.user_id, offered=self.clock())
        return [Reply(self.t["news_offer"], [[Button(self.t["news_offer_yes"], encode("sub", "yes")),
                                              Button(self.t["news_offer_no"], encode("sub", "no"))]])]

    # -- narrowing ----------------------------------------------------------------------------------------
    def panel(self, user_id: str, replace: bool = False) -> Reply:
        sub = self.outbox.subscription(user_id) or {"region": None, "topics": None}
        docs = self.vocab.kb.documents
        tick = self.t["news_tick"]
        regions = [Button((tick if sub["region"] == r else "") + d.name, encode("sub", f"r|{r}")) for r, d in docs.items()]
        regions.append(Button((tick if sub["region"] is None else "") + self.t["news_both_regions"], encode("sub", "r|all")))
        chosen = set(sub["topics"] or self.vocab.topics)
        topics = [Button((tick if t in chosen else "") + topic.name, encode("sub", f"t|{t}"))
                  for t, topic in self.vocab.topics.items()]
        rows = [regions] + [topics[i:i + 3] for i in range(0, len(topics), 3)]
        rows.append([Button(self.t["news_done_button"], encode("sub", "done"))])
        return Reply(self.t["news_narrow"].format(what=self._what(user_id)), rows, replace=replace)

    def press(self, inc: Incoming, user: dict, arg: str) -> list[Reply]:
        if arg == "yes":
            return self.subscribe(inc, user)
        if arg == "no":
            return [Reply(self.t["news_offer_declined"])]
        sub = self.outbox.subscription(inc.user_id)
        if sub is None:  # unsubscribed since the panel was sent
            return [Reply(self.t["news_not_subscribed"])]
        if arg == "done":
            self.store.update_user(inc.user_id, pending=None)
            return [Reply(self._saved(inc), replace=True)]
        kind, _, value = arg.partition("|")
        region, topics = sub["region"], sub["topics"]
        if kind == "r" and (value in self.vocab.kb.documents or value == "all"):
            region = None if value == "all" else value
        elif kind == "t" and value in self.vocab.topics:
            topics = self._toggle(topics, value)
        else:
            return [Reply(self.t["stale_button"])]
        self.outbox.subscribe(inc.user_id, sub["channel"], region, topics)
        return [self.panel(inc.user_id, replace=True)]

    def _toggle(self, topics: list[str] | None, tid: str) -> list[str] | None:
        """From "all", a topic pressed means "only this"; then presses add and remove. None = all."""
        if topics is None:
            return [tid]
        chosen = set(topics) ^ {tid}
        return None if not chosen or chosen == set(self.vocab.topics) else sorted(chosen)

    def typed(self, inc: Incoming, text: str) -> list[Reply] | None:
        """A typed answer to the narrowing offer (泸州 贷款 培训); None if the message is about something else."""
        sub = self.outbox.subscription(inc.user_id)
        if sub is None:
            return None
        regions, topics, everything, rest = self.vocab.find(text)
        if not (regions or topics or everything) or len(rest.replace(" ", "")) > TYPED_LEFTOVER:
            return None
        region = next(iter(regions)) if len(regions) == 1 else (None if regions or everything else sub["region"])
        chosen = sorted(topics) if topics else (None if everything or not regions else sub["topics"])
        self.outbox.subscribe(inc.user_id, sub["channel"], region, chosen)
        return [Reply(self._saved(inc))]

    # -- words ----------------------------------------------------------------------------------------
    def _what(self, user_id: str) -> str:
        sub = self.outbox.subscription(user_id) or {"region": None, "topics": None}
        return self.vocab.describe_subscription(sub["region"], sub["topics"], self.t)

    def _saved(self, inc: Incoming) -> str:
        return self.t["news_saved"].format(what=self._what(inc.user_id)) + self._channel_note(inc)

    def _channel_note(self, inc: Incoming) -> str:
        return "" if self.outbox.channels.can_push(inc.channel) else self.t["news_no_push"]

