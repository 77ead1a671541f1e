"""Factories: build the knowledge base, matcher and engine from a Config. Nothing happens at import."""

from __future__ import annotations

import datetime as dt

from bot.cache import load_index
from bot.config import Config
from bot.engine import Engine
from bot.kb import KnowledgeBase, load_kb
from bot.matcher import Matcher
from bot.store import Store


def build_matcher(config: Config) -> tuple[KnowledgeBase, Matcher]:
    kb = load_kb(config.knowledge)
    return kb, Matcher(load_index(kb))


def build_engine(config: Config, store: Store | None = None, stateless: bool = False) -> Engine:
    """stateless: no database at all (one-shot `ask`); otherwise the given store or config.db."""
    kb, matcher = build_matcher(config)
    today = (lambda: config.today) if config.today else dt.date.today
    if store is None and not stateless:
        store = Store(config.db)
    return Engine(kb, matcher, store, today=today, check_ttl=config.check_ttl_minutes * 60, admins=config.admins,
                  broadcast_rate=config.broadcast_rate)
