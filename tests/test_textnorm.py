"""Text normalisation: the fast paths give exactly what the plain computation gives."""

from __future__ import annotations

import random
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.textnorm import _t2s, to_simplified

DATA = Path(__file__).parent / "data"
KNOWLEDGE = Path(__file__).parent.parent / "knowledge"


def _keys() -> list[str]:
    cc = _t2s()
    cc.convert("")
    return [k for group in cc._dict_chain_data for _, _, table in group for k in table]


def _texts() -> list[str]:
    out = [str(item["q"]) for path in sorted(DATA.glob("blind_answers*.yaml")) + [DATA / "questions.yaml"]
           for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    out += [line for path in sorted(KNOWLEDGE.rglob("*.yaml"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def test_to_simplified_run_by_run_is_opencc_on_the_whole_text():
    """Converting each run of dictionary characters alone gives what OpenCC gives for the whole text: on every
    question and knowledge line, and on random mixes of dictionary keys (traditional phrases) and those texts."""
    whole = _t2s().convert
    texts, keys = _texts(), _keys()
    rnd = random.Random(7)
    mixes = ["".join(rnd.choice(keys) if rnd.random() < 0.5 else rnd.choice(texts)[: rnd.randint(0, 6)]
                     for _ in range(rnd.randint(1, 8))) for _ in range(5000)]
    assert [to_simplified(t) for t in texts + mixes] == [whole(t) for t in texts + mixes]
    assert to_simplified("勞務品牌 創業擔保貸款") == "劳务品牌 创业担保贷款"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_keys()) | st.text(alphabet="劳務品牌創業擔保貸款了的 ab1，。乾干後后髮发", max_size=4),
                max_size=8))
def test_to_simplified_on_any_mix(parts):
    text = "".join(parts)
    assert to_simplified(text) == _t2s().convert(text)


_ALPHABET = "脱贫户贷款补贴培训我不没有在成都a1"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(_ALPHABET, min_size=0, max_size=4), max_size=12), st.text(_ALPHABET, max_size=30))
def test_words_found_is_every_word_the_text_holds(words, text):
    """Words.found (one compiled pass, prefixes listed per word) is the set that testing each word with `in` gives,
    overlapping words and words inside other words included."""
    from bot.textnorm import Words

    assert Words(words).found(text) == {w for w in words if w in text}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(_ALPHABET, min_size=0, max_size=4), max_size=12), st.text(_ALPHABET, max_size=30))
def test_any_in_is_any_word_in_text(words, text):
    from bot.textnorm import any_in

    assert any_in(text, tuple(words)) == any(w in text for w in words)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(_ALPHABET, min_size=0, max_size=4), max_size=12), st.text(_ALPHABET, max_size=30),
       st.booleans())
def test_longest_first_finds_the_longest_word_at_each_start(words, text, overlap):
    """The trie pattern of longest_first, searched by word_starts, gives at each position where a word starts the
    longest word starting there (without overlap: left to right, each search after the word found)."""
    from bot.textnorm import longest_first, word_starts

    plain = {w for w in words if w}
    expected, i = [], 0
    while i < len(text):
        here = max((w for w in plain if text.startswith(w, i)), key=len, default=None)
        if here is None:
            i += 1
            continue
        expected.append((i, here))
        i += 1 if overlap else len(here)
    assert list(word_starts(longest_first(words), text, overlap)) == expected
