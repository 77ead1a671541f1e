"""No sequence of inputs crashes a check or leaves its stored state corrupt."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.callback import encode
from bot.dialogs.rules import evaluate
from bot.engine import Engine
from bot.models import Incoming
from bot.store import Store
from conftest import TODAY

WORDS = ["我能贷多少", "帮我测一下", "我是劳务经纪人", "帮我算一下培训补贴", "泸定", "泸州", "叙永", "是", "不是", "没有",
         "不知道", "嗯", "1", "2", "3", "十二", "两百", "0", "99999999", "-5", "1.5", "上一步", "返回", "重新开始", "退出",
         "取消", "再测一次", "培训补贴是好多？", "原文", "你好", "/check", "/check loan", "/start loan", "/start", "/forget",
         "删除我的信息", "", "😀", "天气怎么样", "劳务经济人", "川字号", "国家级", "拿到了"]


def _inputs(flows):
    buttons = [encode("check", f) for f in flows] + [encode("nav", m) for m in ("back", "exit", "restart", "x")]
    for f in flows.values():
        for s in f.steps:
            buttons += [encode("answer", f"{s.slot}|{o.value}") for o in s.options]
    return st.one_of(st.sampled_from(WORDS).map(lambda t: ("text", t)), st.text(max_size=30).map(lambda t: ("text", t)),
                     st.sampled_from(buttons).map(lambda b: ("button", b)))


def test_no_sequence_crashes_or_corrupts_state(kb, matcher):
    from bot.dialogs import load_flows

    flows = load_flows(kb)

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(_inputs(flows), min_size=1, max_size=25))
    def run(inputs):
        store = Store(":memory:")
        engine = Engine(kb, matcher, store, today=lambda: TODAY, flows=flows)

        async def go():
            for kind, value in inputs:
                inc = Incoming(user_id="p", text=value) if kind == "text" else Incoming(user_id="p", button=value)
                replies = await engine.handle(inc)
                assert replies and all(r.text.strip() for r in replies)
                assert all(kb.texts["error"] != r.text for r in replies), (kind, value)
                state = store.user("p")["dialog"]
                if state is None or state.get("menu"):
                    continue
                assert engine.dialogs.valid_state(state)
                flow = flows[state["flow"]]
                step = flow.step(state["asking"])
                assert step is not None and step.slot not in state["values"]
                assert step.when is None or step.when.holds(state["values"])
                for slot, v in state["values"].items():
                    s = flow.step(slot)
                    assert s is not None, slot
                    assert s.when is None or s.when.holds(state["values"]), slot
                    if s.type in ("number", "count") and v != "unsure":  # 不确定 after three misses
                        assert s.min is None or v >= s.min(state["values"])
                        assert s.max is None or v <= s.max(state["values"])
                evaluate(flow, state["values"])  # partial answers never break the rules either

        asyncio.run(go())
        store.close()

    run()
