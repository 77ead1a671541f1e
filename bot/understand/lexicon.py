"""knowledge/understand.yaml, loaded once per knowledge folder, plus the text preparation every reader shares."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.kb.loader import default_knowledge_dir
from bot.textnorm import any_in, to_simplified

_SEP = re.compile(r"[\s,，。.!！?？;；:：、~～…/|()（）\[\]【】\"'“”‘’]+")


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
    path = Path(root or default_knowledge_dir()) / "understand.yaml"
    with open(path, encoding="utf-8") as f:
        return Lexicon(yaml.safe_load(f) or {})


@lru_cache(maxsize=64)  # the same message is prepared by the fact, slot and yes/no readers (small: see normalise)
def prep(text: str) -> str:
    """NFKC, simplified, lower case; punctuation becomes a space (a clause boundary); a decimal point stays."""
    t = unicodedata.normalize("NFKC", text or "")
    t = to_simplified(t).lower()
    t = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", t)  # 1,800 → 1800
    t = re.sub(r"(?<=\d)\.(?=\d)", "\x00", t)
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
        out += [p for p in re.split(r"(?=但是|可是|不过|只是)", part) if p]
    return out
