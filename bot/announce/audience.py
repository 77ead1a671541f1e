"""Who an announcement is for, and what a subscriber asked for: regions × topics, kept as data.

One codec serves the shell (`--audience luzhou,topic:贷款`), buttons and the database:
"all", or comma-separated region ids and `topic:<id or name>`. Regions are OR-ed, topics are OR-ed,
and the two groups are AND-ed. An empty group means "any".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from bot.kb import KBError, KnowledgeBase
from bot.kb.loader import _keys, _need, _read, _strs
from bot.kb.texts import TextError
from bot.textnorm import normalise

_ID = re.compile(r"^[a-z][a-z0-9_]{0,15}$")


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    words: tuple[str, ...]


def load_topics(kb: KnowledgeBase) -> dict[str, Topic]:
    """knowledge/topics.yaml, validated: errors name the file and the record."""
    path = Path(kb.root) / "topics.yaml"
    raw = _read(path)
    if not isinstance(raw, list) or not raw:
        raise KBError(path, None, "must be a non-empty list of {id, name, words}")
    topics: dict[str, Topic] = {}
    for i, t in enumerate(raw):
        _keys(path, str(i + 1), t, {"id", "name", "words"})
        tid = _need(path, str(i + 1), t, "id", str)
        if not _ID.match(tid):
            raise KBError(path, tid, "id must be lower-case ascii, at most 16 characters")
        if tid in topics or tid in kb.documents or tid == "all":
            raise KBError(path, tid, "id is used twice (or clashes with a region id or 'all')")
        name = _need(path, tid, t, "name", str)
        words = tuple(normalise(w) for w in (name, *_strs(path, tid, t, "words")))
        topics[tid] = Topic(tid, name, tuple(dict.fromkeys(w for w in words if w)))
    return topics


class AudienceError(TextError):
    """An audience string that names nothing we know (texts audience_*)."""


@dataclass(frozen=True)
class Audience:
    regions: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()

    @property
    def everyone(self) -> bool:
        return not self.regions and not self.topics

    def encode(self) -> str:
        if self.everyone:
            return "all"
        return ",".join(sorted(self.regions) + [f"topic:{t}" for t in sorted(self.topics)])

    def to_json(self) -> str:
        return json.dumps({"regions": sorted(self.regions), "topics": sorted(self.topics)})

    @classmethod
    def from_json(cls, raw: str | None) -> "Audience":
        d = json.loads(raw or "{}")
        return cls(frozenset(d.get("regions", [])), frozenset(d.get("topics", [])))

    def matches(self, region: str | None, topics: list[str] | None) -> bool:
        """Does a subscriber (region None = both, topics None = all) fall in this audience?"""
        if self.regions and region is not None and region not in self.regions:
            return False
        return not (self.topics and topics is not None and not self.topics & set(topics))


class Vocabulary:
    """Region and topic names as people type them, for typed subscriptions and audiences."""

    def __init__(self, kb: KnowledgeBase, topics: dict[str, Topic]):
        self.kb, self.topics = kb, topics
        words: dict[str, tuple[str, str]] = {}
        for region, doc in kb.documents.items():
            for w in (doc.name, doc.short, region, *kb.places.get(region, [])):
                words.setdefault(normalise(w), ("region", region))
        for t in topics.values():
            for w in (t.id, *t.words):
                words.setdefault(normalise(w), ("topic", t.id))
        for w in kb.intents.get("news_all", []):
            words.setdefault(normalise(w), ("all", ""))
        self.all_words = {normalise(w) for w in kb.intents.get("news_all", [])}
        self._words = sorted((w for w in words if w), key=len, reverse=True)
        self._kind = words

    def find(self, text: str) -> tuple[set[str], set[str], bool, str]:
        """(regions, topics, said "all", what is left) from a typed message, longest words first."""
        rest = normalise(text)
        regions, topics, everything = set(), set(), False
        for w in self._words:
            if w in rest:
                kind, value = self._kind[w]
                rest = rest.replace(w, " ")
                if kind == "region":
                    regions.add(value)
                elif kind == "topic":
                    topics.add(value)
                else:
                    everything = True
        return regions, topics, everything, rest

    def parse(self, spec: str) -> Audience:
        """The codec: "all" | "luding,topic:贷款" (names or ids, commas, plus signs or spaces)."""
        parts = [p.strip() for p in re.split(r"[,，+\s]+", spec or "") if p.strip()]
        if not parts:
            raise AudienceError("audience_empty")
        regions, topics = set(), set()
        for p in parts:
            key, _, value = p.partition(":")
            if value and key.lower() in ("topic", "t"):
                tid = self.topic_id(value)
                if tid is None:
                    raise AudienceError("audience_unknown_topic", topic=value,
                                        topics="、".join(f"{t.id}（{t.name}）" for t in self.topics.values()))
                topics.add(tid)
            elif p.lower() == "all":
                continue
            else:
                region = p.lower() if p.lower() in self.kb.documents else self._only("region", p)
                if region is None:
                    raise AudienceError("audience_unknown_region", region=p, regions=self.region_list())
                regions.add(region)
        return Audience(frozenset(regions), frozenset(topics))

    def region_list(self) -> str:
        """The regions one may name, as staff read them: luding（泸定县）、luzhou（泸州市）."""
        return "、".join(f"{r}（{d.name}）" for r, d in self.kb.documents.items())

    def topic_id(self, word: str) -> str | None:
        return word if word in self.topics else self._only("topic", word)

    def _only(self, kind: str, word: str) -> str | None:
        hit = self._kind.get(normalise(word))
        return hit[1] if hit and hit[0] == kind else None

    def describe(self, audience: Audience, texts: dict[str, str]) -> str:
        if audience.everyone:
            return texts["news_everyone"]
        regions = "、".join(self.kb.documents[r].name for r in sorted(audience.regions)) or texts["news_any_region"]
        topics = self._names(audience.topics) or texts["news_any_topic"]
        return texts["news_audience"].format(regions=regions, topics=topics)

    def describe_subscription(self, region: str | None, topics: list[str] | None, texts: dict[str, str]) -> str:
        where = self.kb.documents[region].name if region in self.kb.documents else texts["news_both_regions"]
        what = self._names(topics or []) or texts["news_all_topics"]
        return texts["news_subscription"].format(region=where, topics=what)

    def _names(self, ids) -> str:
        """Topic names in the order of topics.yaml."""
        return "、".join(t.name for t in self.topics.values() if t.id in ids)
