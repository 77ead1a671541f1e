"""Factories (the composition root with bot/cli.py): build the knowledge base, matcher and engine from a
Config, and register the channels in handlers/ with the channel registry. Nothing happens at import."""

from __future__ import annotations

import datetime as dt
import gc

from bot.cache import load_index
from bot.config import Config
from bot.engine import Engine
from bot.kb import KnowledgeBase, load_kb
from bot.matcher import Matcher
from bot.phrasings import Overlay, Taught, reload_seconds
from bot.points import load_points
from bot.store import Store, open_readonly


def register_channels():
    """Every channel in handlers/ declares itself to bot.channels.registry (idempotent)."""
    from handlers import register_channels as register

    return register()


def build_matcher(config: Config, store: Store | None = None) -> tuple[KnowledgeBase, Taught]:
    """The matcher, wrapped with the phrasings staff taught on the desk (bot/phrasings.py): read from the
    store, or read-only from the configured database when there is no store (`ask`), reloaded when they change."""
    kb = load_kb(config.knowledge)
    source = store.db if store is not None else (lambda: open_readonly(config.db))
    return kb, Taught(Matcher(load_index(kb), load_points(kb)), Overlay(kb, source, every=reload_seconds()))


def build_engine(config: Config, store: Store | None = None, stateless: bool = False) -> Engine:
    """stateless: no database of its own (one-shot `ask`; it only reads taught phrasings); else store or config.db."""
    register_channels()
    if store is None and not stateless:
        store = Store(config.db)
    kb, matcher = build_matcher(config, store)
    fixed = config.today  # LABOR_BOT_TODAY / --today
    today = (lambda: fixed) if fixed else dt.date.today
    return Engine(kb, matcher, store, today=today, check_ttl=config.check_ttl_minutes * 60, admins=config.admins,
                  broadcast_rate=config.broadcast_rate)


def settle_heap(engine: Engine) -> None:
    """For a long-running server, once everything it keeps for its whole life is built (knowledge base, matcher,
    channel objects, and what the engine builds on first use: Engine.warm): moved out of the garbage collector's
    reach (gc.freeze), so the full collections a message's short-lived objects trigger no longer walk it. Its share
    of the CPU per update was too small to separate from the benchmark's noise. Not for tests or one-shot commands,
    which build many engines."""
    engine.warm()
    gc.collect()
    gc.freeze()
