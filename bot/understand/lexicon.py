"""knowledge/understand.yaml, loaded once per knowledge folder, plus the text preparation every reader shares."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.kb.loader import default_knowledge_dir
from bot.textnorm import any_in, to_simplified

_SEP = re.compile(r"[\s,，。.!！?？;；:：、~～…/|()（）\[\]【】\"'“”‘’]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # 1,800 → 1800
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
_CONTRAST = re.compile(r"(?=但是|可是|不过|只是)")  # where clauses() cuts before a contrast
A_NOT_A = re.compile(r"(?<![但可只])(.)(不|没)\1")  # 是不是, 有没有, 算不算: a question form, not a negation
# (但是不是脱贫户 is 但是 + 不是: a denial)


@dataclass(frozen=True)
class Lexicon:
    raw: dict[str, Any]
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # sorted lists, made once per key

    def words(self, key: str) -> tuple[str, ...]:
        """A word list, longest first (so 没有 is tried before 没)."""
        k = ("words", key)
        if k not in self.memo:
            self.memo[k] = tuple(sorted((str(w).lower() for w in self.raw.get(key) or ()), key=len, reverse=True))
        return self.memo[k]

    def fact_words(self, key: str) -> tuple[str, ...]:
        k = ("facts", key)
        if k not in self.memo:
            self.memo[k] = tuple(sorted((str(w) for w in (self.raw.get("facts") or {}).get(key) or ()), key=len,
                                        reverse=True))
        return self.memo[k]

    def fact_patterns(self, key: str) -> tuple[re.Pattern, ...]:
        """A fact list whose entries are regular expressions (打.{0,4}工), compiled once, in the file's order:
        re's own cache is shared with every other pattern, and looking one up costs about as much as a search."""
        k = ("patterns", key)
        if k not in self.memo:
            self.memo[k] = tuple(re.compile(str(x)) for x in (self.raw.get("facts") or {}).get(key) or ())
        return self.memo[k]

    def identities(self) -> tuple[tuple[str, tuple[re.Pattern, ...]], ...]:
        """facts.identity (veteran: 退伍, 当了.{0,3}兵 …): each group's patterns compiled once, in the file's order."""
        k = ("identities",)
        if k not in self.memo:
            raw = (self.raw.get("facts") or {}).get("identity") or {}
            self.memo[k] = tuple((str(g), tuple(re.compile(str(x)) for x in xs)) for g, xs in raw.items())
        return self.memo[k]

    def units(self, kind: str) -> dict[str, float]:
        k = ("units", kind)
        if k not in self.memo:
            u = (self.raw.get("units") or {}).get(kind) or {}
            self.memo[k] = dict(sorted(((str(k2), float(v)) for k2, v in u.items()), key=lambda kv: -len(kv[0])))
        return dict(self.memo[k])

    @property
    def antonyms(self) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        return [(tuple(p.get("good") or ()), tuple(p.get("bad") or ())) for p in self.raw.get("antonyms") or ()]


@lru_cache(maxsize=8)
def load_lexicon(root: str | Path | None = None) -> Lexicon:
    return _read(Path(root or default_knowledge_dir()).resolve() / "understand.yaml")


@lru_cache(maxsize=8)  # load_lexicon() and load_lexicon(kb.root) are one file: read (and memoised) once, not twice
def _read(path: Path) -> Lexicon:
    from bot.kb.loader import read_yaml  # here: the knowledge loader needs nothing from this module

    return Lexicon(read_yaml(path) or {})


@lru_cache(maxsize=64)  # the same message is prepared by the fact, slot and yes/no readers (small: see normalise)
def prep(text: str) -> str:
    """NFKC, simplified, lower case; punctuation becomes a space (a clause boundary); a decimal point stays."""
    t = unicodedata.normalize("NFKC", text or "")
    t = to_simplified(t).lower()
    t = _THOUSANDS.sub("", t)  # 1,800 → 1800
    t = _DECIMAL_POINT.sub("\x00", t)
    t = _SEP.sub(" ", t).replace("\x00", ".")
    return t.strip()


def names_other(clause: str, lex: Lexicon) -> bool:
    """The clause names someone other than the user (我哥, 老婆); 其他贷款 names nobody (其他 holds 他)."""
    who = clause.replace("其他", "").replace("其它", "")
    return any_in(who, lex.words("others"))


def names_spouse(clause: str, lex: Lexicon) -> bool:
    return any_in(clause, lex.words("spouse"))


def clauses(text: str) -> list[str]:
    """A prepared text cut at spaces and before a contrast (但是, 不过, 是我哥…)."""
    out = []
    for part in text.split():
        out += [p for p in _CONTRAST.split(part) if p]
    return out
