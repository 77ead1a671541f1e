"""What is said around a place name is read without a pattern per place (bot/answer.py, bot/understand/facts.py):
the same answers as the patterns naming the place, searched over the whole message, on any text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import answer
from bot.textnorm import occurrences
from bot.understand import facts

_AT_WORK = answer._AT_WORK
# the place names, the words around them and the characters the patterns stop at, mixed at random
_PIECES = ["安庆", "宜宾", "宜", "我是", "我们", "我们是", "我在", "我家", "我屋", "老家", "户口在", "在", "去", "到", "来", "回",
           "回到", "过来", "来了", "住", "打工", "上班", "进厂", "那边", "当地", "有没有", "能不能", "也有", "的", "开", "创业",
           "县", "镇", "人", "，", "。", " ", "修路", "有吗", "一样", "是不是也", "的路费"]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=14).map("".join)
_PLACES = st.sampled_from(["安庆", "宜宾", "宜", "安庆安庆"])


def _old_mine(norm: str, place: str, work: bool = True) -> bool:
    p = re.escape(place)
    if not work and not re.search(f"(我是|我家|我们是|我屋)[^，。]{{0,4}}{p}", norm) and re.search(
            f"在{p}[^，。]{{0,3}}{_AT_WORK}", norm):
        return False
    return bool(re.search(f"(我是|我们|我在|我家|我们是|我屋)[^，。]{{0,4}}{p}|^[^，。]{{0,3}}{p}[^，。]{{0,4}}的"
                          f"|^[^，。]{{0,2}}在{p}(开|做|办|创业|搞|干)", norm))


def _old_there(norm: str, place: str) -> int | None:
    p = re.escape(place)
    gap = f"(?:(?!{_AT_WORK}).){{0,6}}"
    # 去安庆的路费有没得: the fare to the place, not what the place offers
    fare = f"(?<=[去到回]){p}(?=的?(路费|车费|车票|机票|火车票|交通费|交通补))"
    m = re.search(f"(?!{fare}){p}{gap}(有没有|有没得|有莫得|有吗|能不能|能享受|能用|也是|一样|是不是也|也有)|"
                  f"(?!{fare}){p}(那边|那里|这边|当地)", norm)
    return m.start() if m else None


def _old_works_there(norm: str, place: str) -> bool:
    return bool(re.search(f"(在|去|到)[^，。]{{0,4}}{re.escape(place)}[^，。]{{0,5}}{_AT_WORK}", norm))


def _old_home(t: str, place: str) -> bool:
    q = re.escape(place)
    return bool(re.search(rf"(我是|我们是|我家|我屋|我们|老家|户口在|户籍在|家在)[^ ]{{0,4}}{q}|^[^ ]{{0,4}}{q}[^ ]{{0,4}}的|"
                          rf"^[^ ]{{0,4}}{q}(?:[县市区州镇乡村]|[^ ]{{1,4}}?[县市区州镇乡村])*的?( |$)|{q}人", t))


@settings(max_examples=3000, deadline=None)
@given(_TEXTS, _PLACES, st.booleans())
def test_place_context_is_what_the_patterns_naming_the_place_find(text, place, work):
    assert answer._mine(text, place, work) == _old_mine(text, place, work)
    assert answer._there(text, place) == _old_there(text, place)
    assert answer._works_there(text, place) == _old_works_there(text, place)
    assert facts._said_home(text, place) == _old_home(text, place)
    assert facts._here(text, place) == bool(re.search(rf"(在|来|到|回|住|过来)[^ ]{{0,2}}{re.escape(place)}", text))
    here = bool(re.search(f"(在|来|到|过来|回|回到|来了|住){re.escape(place)}", text))  # _from_elsewhere's test
    assert any(text.endswith(answer._HERE_BEFORE, 0, i) for i, _ in occurrences(text, place)) == here
