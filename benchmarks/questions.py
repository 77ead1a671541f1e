"""Varied question texts for the load benchmarks: every `q:` of the repo's own question sets
(tests/data/blind_answers.yaml … blind_answers_7.yaml, tests/data/questions.yaml), deduplicated, in one fixed shuffled order.

A load benchmark that cycles a handful of short texts measures a cache, not the bot: any per-text cache would
answer it for free. With these (about a thousand distinct, mostly long colloquial questions) each user asks
its own questions, and the order is the same from run to run.

  from questions import pool, for_user
  for_user(u, n)   the n questions user u asks, in order (user u starts at u * n in the pool)
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# a fixed list, so that a new question set does not change what an earlier measurement asked
SOURCES = [ROOT / "tests" / "data" / name for name in (
    "blind_answers.yaml", *(f"blind_answers_{n}.yaml" for n in range(2, 8)), "questions.yaml")]


@cache
def pool() -> tuple[str, ...]:
    """Every distinct question text, shuffled with a fixed seed (so neighbours come from different sets)."""
    seen: dict[str, None] = {}
    for path in SOURCES:
        for item in yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            q = str(item["q"]).strip()
            if q and "\n" not in q:
                seen.setdefault(q, None)
    texts = list(seen)
    random.Random(13).shuffle(texts)
    return tuple(texts)


def for_user(user: int, n: int) -> list[str]:
    """The n questions user number `user` (0, 1, …) asks, in order: distinct users ask different ones."""
    p = pool()
    return [p[(user * n + i) % len(p)] for i in range(n)]


if __name__ == "__main__":
    texts = pool()
    print(f"{len(texts)} distinct questions, median {sorted(map(len, texts))[len(texts) // 2]} characters")
