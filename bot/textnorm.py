"""Normalise what people type: full/half width, traditional → simplified, case, punctuation, emoji."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

MAX_CHARS = 400  # longer messages are matched on their first MAX_CHARS characters
_KEEP = re.compile(r"[^0-9a-z%+\u3400-\u4dbf\u4e00-\u9fff·.]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SPACES_OUTSIDE_LATIN = re.compile(r"(?<=[^a-z ]) +| +(?=[^a-z ])")
_NON_DECIMAL_POINT = re.compile(r"(?<![0-9])\.|\.(?![0-9])")


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC  # imported lazily: only needed once a message arrives

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _convertible() -> tuple[re.Pattern, re.Pattern]:
    """Runs of characters that occur in some key of OpenCC's t2s dictionaries. No key can match across a
    character outside every key, so converting each run alone gives what converting the whole text gives.
    Two patterns: every such character, and those of the basic plane alone. re tests a class of basic-plane
    characters with one bitmap lookup, but a class holding any character beyond it as a list, item by item
    (thousands here); a text with no character beyond the basic plane has the same runs under both."""
    cc = _t2s()
    cc.convert("")  # loads the dictionaries
    chars = sorted({c for group in cc._dict_chain_data for _, _, table in group for key in table for c in key})
    every = re.compile("[" + "".join(re.escape(c) for c in chars) + "]+")
    basic = re.compile("[" + "".join(re.escape(c) for c in chars if c <= "\uffff") + "]+")
    return every, basic


@lru_cache(maxsize=8192)  # runs are a character or a few (繁體 in 我想問繁體字): a pure function of short pieces
def _run_to_simplified(run: str) -> str:
    return _t2s().convert(run)


def _convert_run(m: re.Match) -> str:
    return _run_to_simplified(m.group())


def to_simplified(text: str) -> str:
    """OpenCC t2s, run by run (same result as converting the whole text; verified in tests/test_textnorm.py)."""
    every, basic = _convertible()
    return (basic if not text or max(text) <= "\uffff" else every).sub(_convert_run, text)


def clean(text: str) -> str:
    """Printable text with control characters removed, for echoing and storing."""
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C").strip()


# one message is normalised by several readers (matcher, checks, facts), one after another: a few entries hold
# it. Kept small on purpose: the same text from another user is normalised again (a big cache made load
# benchmarks that repeat texts look fast; real messages rarely repeat)
@lru_cache(maxsize=64)
def normalise(text: str, limit: int = MAX_CHARS) -> str:
    """Matching form: NFKC, simplified, lower case, only CJK, latin letters, digits and % kept."""
    t = unicodedata.normalize("NFKC", text)[: limit * 2]
    t = to_simplified(t).lower()
    t = t.replace("·", "·")
    t = _KEEP.sub(" ", t)
    # spaces matter only between latin words (typed pinyin); drop them elsewhere
    t = _SPACES_OUTSIDE_LATIN.sub("", t).strip()
    t = _NON_DECIMAL_POINT.sub("", t)
    return t[:limit]


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


@lru_cache(maxsize=512)
def gap_pattern(word: str, most: int) -> re.Pattern:
    """Typed words where "…" stands for up to `most` characters (借…钱: 借点钱; 我是…经纪人: 我是德威的劳务经纪人)."""
    return re.compile(f".{{0,{most}}}".join(re.escape(normalise(p)) for p in word.split("…")))


@lru_cache(maxsize=1024)
def _alternation(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(map(re.escape, words)) if words else r"(?!)")


def any_in(text: str, words: tuple[str, ...]) -> bool:
    """Whether text holds any of the words (the same as any(w in text for w in words)): one compiled search,
    which skips every position no word starts at, instead of a Python test per word."""
    return _alternation(words).search(text) is not None


def occurrences(text: str, word: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each occurrence of word in text, overlapping ones too, left to right: the places a pattern
    tried just before or after a word is tried at (one set of patterns for every place name, none per name)."""
    i = text.find(word)
    while i >= 0:
        yield i, i + len(word)
        i = text.find(word, i + 1)


def longest_first(words: Iterable[str]) -> re.Pattern:
    """A pattern of the words where a match starts at the first position any word starts, and is the longest word
    starting there. Searched position by position (word_starts), it keeps re's skip over characters no word starts
    with. Written as a trie (年龄(?:有没(?:得|有)限制)…) rather than a flat alternation: at a position, re then tries
    the few words that share what was read so far, not every word one by one."""
    words = {w for w in words if w}
    return re.compile(trie_pattern(words) if words else r"(?!)")


def trie_pattern(words: set[str]) -> str:
    """The regex of a set of non-empty words as a trie: at each node the longer words (the next character) are
    tried before ending there, and the next characters are distinct, so the match is the longest word. Where what
    follows fails, re backtracks to the shorter words there, longest first: the same attempts, in the same order,
    as an alternation of the words sorted longest first, without trying each word at every position."""
    trie: dict = {}
    for w in words:
        node = trie
        for c in w:
            node = node.setdefault(c, {})
        node[""] = True  # a word ends here
    return "|".join(_alternatives(trie))  # the top level ungrouped: re skips positions no first character is at


def _alternatives(node: dict) -> list[str]:
    return [re.escape(c) + _node_pattern(child) for c, child in sorted(node.items()) if c]


def _node_pattern(node: dict) -> str:
    alts = _alternatives(node)
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return "(?:" + body + ")?" if "" in node else body


def word_starts(pattern: re.Pattern, text: str, overlap: bool = True) -> Iterator[tuple[int, str]]:
    """(position, longest word there) for each position where a word of longest_first's pattern starts; with
    overlap=False the next search starts after the word found (places: left to right without overlap)."""
    i = 0
    while (m := pattern.search(text, i)) is not None:
        yield m.start(), m.group()
        i = m.start() + 1 if overlap else m.end()


class Words:
    """Which of a fixed set of words a text contains, found in one compiled pass over the text instead of a test
    per word: a message costs its length, not the size of the vocabulary. At each position the pattern finds the
    longest word starting there; the shorter words starting there are its prefixes, listed once per word. The
    same set as testing each word with `in`; with gap=N a word with "…" is found as gap_pattern(word, N) finds it
    (我是…经纪人 in 我是泸定德威的劳务经纪人)."""

    def __init__(self, words: Iterable[str], gap: int | None = None):
        words = set(words)
        # a word with a gap is searched for only where its first piece is in the text (most texts have none)
        self.gapped = tuple((w, normalise(w.split("…")[0]), gap_pattern(w, gap)) for w in sorted(words)
                            if gap is not None and "…" in w)
        plain = {w for w in words if w} - {w for w, _, _ in self.gapped}
        self.words = frozenset(plain)
        self.pattern = longest_first(plain)
        self.with_prefixes = {w: frozenset(w[:n] for n in range(1, len(w) + 1)) & self.words for w in plain}
        self.empty = "" in words  # "" is in every text

    def found(self, text: str) -> set[str]:
        out = {""} if self.empty else set()
        # word_starts written out: called a dozen times a message, its generator and tuples cost more than the search
        search, prefixes = self.pattern.search, self.with_prefixes
        m = search(text)
        while m is not None:
            out |= prefixes[m.group()]
            m = search(text, m.start() + 1)
        out.update(w for w, first, pattern in self.gapped if first in text and pattern.search(text))
        return out
