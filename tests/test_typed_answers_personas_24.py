"""Rules from blind persona set 24 (tests/data/personas_24.yaml), each failing before its change: loans said as the
years they were taken (2017年 2020年 2023年各贷过一回: a fourth loan let through as the second), hires said month
by month without a hiring word, two hires by name joined with 和, and a count put right with 打反了 … 不是21个."""

from __future__ import annotations

import pytest

from bot.understand import read_value


@pytest.mark.parametrize("slot,text,value", [
    ("times", "我2017年 2020年 2023年各贷过一回 每回10w 都还清了 这回想再贷20w 还能贷不", 3),
    ("times", "2019年和2022年", 2),
    ("times", "2019年贷过一次", 1),
    ("times", "贷过两回 一九年一回 二二年一回", 2),
    ("new_hires", "3月1个 7月2个 9月1个", 4),
    ("new_hires", "张小兵和李二娃 都是今年退伍回来的", 2),
    ("new_hires", "脱贫户和退伍军人 都是今年的", None),
    ("placed", "打反了 是12个 不是21个", 12),
])
def test_counts_as_people_type_them(slot, text, value):
    assert read_value(slot, text) == value
