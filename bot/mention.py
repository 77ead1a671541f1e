"""有没有提到X / X在不在里头: whether a measure's own text names the thing asked about, found in its full text (the
summary leaves most listed items out), so the first line says 有提到 with the sentence, or that it is not written.

The cue words and the words that cut the thing from its setting are data (scope.yaml `mention`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.textnorm import normalise

_SENTENCE = re.compile(r"[^。；;]+[。；;]?")


@dataclass(frozen=True)
class Mention:
    after: tuple[str, ...]  # cues the thing follows (有没有提到X)
    before: tuple[str, ...]  # cues the thing precedes (X在不在里头)
    cut: tuple[str, ...]  # words that end the setting before the thing (文件里头, 我们)
    particles: str = ""  # characters trimmed off either end of the thing (的, 吗, 这)
    named: tuple[str, ...] = ()  # cues that ask what the text says of a thing the message names (点了我们村的名)
    texts: tuple[tuple[str, str], ...] = ()  # (measure id, its full text normalised): where a thing is named

    def named_once(self, norm: str) -> tuple[str, str] | None:
        """点了我们村的名 是要把我们村评成啥子 (…化林坪村…): the longest stretch of the message, three characters or more,
        that exactly one measure's full text holds, and that measure; None without a cue or such a stretch."""
        if not self.named or not any(w in norm for w in self.named):
            return None
        best: tuple[str, str] | None = None
        for n in range(min(len(norm), 12), 2, -1):
            for i in range(len(norm) - n + 1):
                part = norm[i:i + n]
                hits = [mid for mid, text in self.texts if part in text]
                if len(hits) == 1 and (best is None or len(part) > len(best[0])):
                    best = (part, hits[0])
            if best is not None:
                return best
        return None

    def thing(self, text: str) -> tuple[str, bool] | None:
        """The thing asked about, as typed (spaces and punctuation end it), and whether it follows its cue;
        None when the message asks no such question."""
        for cue in self.after:
            i = text.find(cue)
            if i >= 0:
                got = self._trim(text[i + len(cue):].strip().split(" ")[0])
                return (got, True) if got else None
        for cue in self.before:
            i = text.find(cue)
            if i >= 0:
                head = text[:i].strip().split(" ")[-1]
                cut = max((head.rfind(w) + len(w) for w in self.cut if w in head), default=0)
                got = self._trim(head[cut:])
                return (got, False) if got else None
        return None

    def _trim(self, s: str) -> str:
        while s and s[-1] in self.particles:
            s = s[:-1]
        while s and s[0] in self.particles:
            s = s[1:]
        return s if len(s) >= 2 else ""


def named_part(text: str, thing: str, follows: bool) -> str | None:
    """The longest start (a thing after its cue) or end (before it) of thing, two characters or more, that the
    text names: 大渡河超级工程景区县上是往哪个方向搞 → 大渡河超级工程景区."""
    body = normalise(text, 10_000)
    t = normalise(thing)
    for n in range(len(t), 1, -1):
        part = t[:n] if follows else t[-n:]
        if part in body:
            return part
    return None


def sentence_naming(text: str, thing: str) -> str | None:
    """The sentence of a measure's text that names the thing (its normalised form), as the text writes it."""
    want = normalise(thing)  # already normalised by named_part
    for s in _SENTENCE.findall(text):
        if want and want in normalise(s, 10_000):
            return s.strip().rstrip("。；;，,")
    return None
