"""Homophone typos of the words a verdict turns on are put right before the fact readers see the message
(bot/typos.py): 托贫户 is a 脱贫户, 生活补帖 a 生活补贴; words of their own that sound alike stay."""

from __future__ import annotations

import pytest

from bot.models import Incoming

FIXED = [
    ("泸定的 我是托贫户 去陪训了10天 生活补帖有好多", "泸定的 我是脱贫户 去培训了10天 生活补贴有好多"),
    ("想贷创业担宝代款 能带好多", "想贷创业担保贷款 能带好多"),
    ("政府全部贴西 还是只贴一半", "政府全部贴息 还是只贴一半"),  # 部贴 is 全部 + 贴, not 补贴
    ("写的川子号劳务品牌", "写的川字号劳务品牌"),
]
KEPT = [
    "农产品保鲜仓储设施",  # 保鲜 is the documents' own word, not a typo of 保险
    "在自家承包地上修",  # 承 usually reads cheng: no 家政
    "我想参加政府补贴的培训",  # 加政 runs across two words
    "我是事业单位的 和同事一起在区上住",  # 失业, 合同 and 灾区 are not restored: their homophones are words
    "他不贴钱",
]


@pytest.mark.parametrize("typed,meant", FIXED)
def test_typos_put_right(matcher, typed, meant):
    assert matcher.fix_typos(typed) == meant


@pytest.mark.parametrize("typed", KEPT)
def test_words_of_their_own_stay(matcher, typed):
    assert matcher.fix_typos(typed) == typed


async def test_a_typed_question_keeps_its_computed_amount(engine):
    """Before, 托贫户 … 生活补帖 was answered with the rule only: the day count needs a 脱贫户 the readers see."""
    right = await engine.handle(Incoming("u1", "泸定的 我是脱贫户 去培训了10天 生活补贴有好多"))
    typed = await engine.handle(Incoming("u2", "泸定的 我是托贫户 去陪训了10天 生活补帖有好多"))
    assert "500元" in typed[0].text.splitlines()[0]
    assert typed[0].text == right[0].text


async def test_the_desk_sees_what_was_typed(engine, store):
    await engine.handle(Incoming("u3", "我是托贫户 生活补帖有好多"))
    logged = [r["text"] for r in store.questions("u3")]
    assert logged == ["我是托贫户 生活补帖有好多"]


def test_typos_section_checked(tmp_path):
    import shutil

    from bot.kb import load_kb
    from bot.kb.loader import KBError, default_knowledge_dir

    root = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), root)
    path = root / "lexicon.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("keep: [不贴", "keep: [不"), encoding="utf-8")
    with pytest.raises(KBError, match=r"lexicon.yaml, record typos.keep"):
        load_kb(root)
