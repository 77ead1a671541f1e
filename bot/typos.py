"""Homophone typos of the few words a verdict turns on (托贫户 → 脱贫户, 代款 → 贷款, 生活补帖 → 生活补贴), put
right before anything reads the message.

The matcher already finds a measure through a typo by its pinyin, but the readers of facts, facets and cases
look for the documents' own words: 托贫户 was no 脱贫户 to them, so a typed question lost its computed amount.
Only the terms listed in knowledge/lexicon.yaml (typos.terms) are restored, and a stretch is left alone when
it is a word of its own: one the documents or the synonyms use (保鲜 is no 保险 typo), or one listed under
typos.keep (不贴钱). At least one character must be typed as the term writes it, every other one must read
as the term's character reads (its usual reading: 承 is no 政).
"""

from __future__ import annotations

from collections import defaultdict

from bot.pinyin import term_keys


class Typos:
    def __init__(self, terms: list[str], keep: list[str], corpus: str, char_py: dict[str, tuple[str, ...]]):
        keys = term_keys(sorted(set(terms), key=lambda t: (-len(t), t)))
        self.keep = frozenset(keep)
        self.corpus = corpus  # the documents' and synonyms' words: a stretch found there is not a typo
        # each character a term writes → (term, its position, the term's readings), longest terms first
        anchors: dict[str, list[tuple[str, int, tuple[str, ...]]]] = defaultdict(list)
        self.readings = char_py
        for term, key in keys.items():
            for k, c in enumerate(term):
                anchors[c].append((term, k, key))
        self.anchors = dict(anchors)

    def fix(self, text: str) -> str:
        anchors = self.anchors
        if not any(c in anchors for c in text):
            return text
        out, done = list(text), 0  # done: where the last restored term ended
        for i, c in enumerate(text):
            hit = self._term_at(text, i, done) if c in anchors else None
            if hit is not None:
                start, term = hit
                out[start:start + len(term)] = list(term)
                done = start + len(term)
        return "".join(out)

    def _term_at(self, text: str, i: int, done: int) -> tuple[int, str] | None:
        """The term whose character typed at i is part of a typo of it: (where the typo starts, the term)."""
        for term, k, key in self.anchors[text[i]]:
            start = i - k
            stretch = text[start:start + len(term)]
            if start < done or len(stretch) < len(term) or stretch == term:
                continue
            if any(stretch[j] != term[j] and self.readings.get(stretch[j], ("",))[0] != key[j] for j in range(len(term))):
                continue
            if stretch in self.keep or stretch in self.corpus:
                continue
            return start, term
        return None
