"""The knowledge base: measures, documents and dated updates, loaded from knowledge/*.yaml."""

from bot.kb.loader import KBError, KnowledgeBase, default_knowledge_dir, load_kb

__all__ = ["KBError", "KnowledgeBase", "load_kb", "default_knowledge_dir"]
