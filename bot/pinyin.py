"""Pinyin keys for homophone typos (担宝 → 担保) and pinyin typed instead of characters.

Keys are toneless and folded the way Sichuanese speakers mix sounds: zh/z, ch/c, sh/s, n/l,
in/ing, en/eng. Tables are built once from pypinyin and then kept in the matcher's cache.
"""

from __future__ import annotations

import unicodedata


def fold(syllable: str) -> str:
    s = syllable
    for a, b in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if s.startswith(a):
            s = b + s[2:]
    if s.startswith("n") and not s.startswith("ng"):
        s = "l" + s[1:]
    if s.endswith("ing"):
        s = s[:-1]
    elif s.endswith("eng"):
        s = s[:-1]
    return s


def _toneless(p: str) -> str:
    d = unicodedata.normalize("NFD", p).replace("u\u0308", "v")
    return "".join(c for c in d if not unicodedata.combining(c))


def build_char_table() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """Every CJK character → its folded readings, most common first; and the plain syllables."""
    from pypinyin.pinyin_dict import pinyin_dict

    table: dict[str, tuple[str, ...]] = {}
    syllables: set[str] = set()
    for code, readings in pinyin_dict.items():
        if not (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF):
            continue
        plain = [_toneless(r) for r in readings.split(",")]
        syllables.update(plain)
        table[chr(code)] = tuple(dict.fromkeys(fold(p) for p in plain))
    syllables.discard("")
    return table, frozenset(s for s in syllables if s.isascii() and s.isalpha())


def term_keys(terms: list[str]) -> dict[str, tuple[str, ...]]:
    """Each term's folded reading, phrase-aware (重点 → zong dian, not cong)."""
    from pypinyin import Style, lazy_pinyin

    out = {}
    for t in terms:
        ps = lazy_pinyin(t, style=Style.NORMAL, errors="ignore", v_to_u=False)
        if len(ps) == len(t):
            out[t] = tuple(fold(p.replace("ü", "v")) for p in ps)
    return out


def segment(latin: str, syllables: frozenset[str]) -> list[str] | None:
    """Split typed pinyin (chuangyedaikuan) into syllables, longest first; None if it is not pinyin."""
    out, i = [], 0
    while i < len(latin):
        for n in range(min(6, len(latin) - i), 0, -1):
            if latin[i : i + n] in syllables:
                # prefer a split that lets the rest continue (xian → xi an only if xian fails)
                out.append(latin[i : i + n])
                i += n
                break
        else:
            return None
    return out
