"""Build the matcher's index once per knowledge version and keep it on disk: cold starts stay fast."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path

from bot import __version__
from bot.kb import KnowledgeBase
from bot.matcher import INDEX_FORMAT, Index

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    env = os.environ.get("LABOR_BOT_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "labor-bot"


def kb_fingerprint(kb: KnowledgeBase) -> str:
    h = hashlib.sha256(f"{__version__}/{INDEX_FORMAT}".encode())
    for f in kb.files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def load_index(kb: KnowledgeBase, use_cache: bool = True) -> Index:
    if not use_cache or os.environ.get("LABOR_BOT_NO_CACHE"):
        return Index(kb)
    path = cache_dir() / f"index-{kb_fingerprint(kb)}.pickle"
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    index = Index(kb)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            pickle.dump(index, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)
    except OSError as e:  # a read-only home is fine: we just rebuild next time
        log.debug("index cache not written: %s", e)
    return index
