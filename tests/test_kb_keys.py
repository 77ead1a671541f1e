"""Every knowledge file is validated at load: an unknown or missing key is an error naming file and key."""

from __future__ import annotations

import re
import shutil

import pytest

from bot.announce.audience import load_topics
from bot.dialogs.schema import load_flows
from bot.kb import KBError, load_kb
from bot.kb.loader import INTENT_KEYS, source_text, squash
from conftest import ROOT, SEEDS


@pytest.fixture
def kb_copy(tmp_path, kb):
    dst = tmp_path / "knowledge"
    shutil.copytree(kb.root, dst, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return dst


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _load_all(root):
    kb = load_kb(root)
    load_flows(kb)
    load_topics(kb)
    return kb


@pytest.mark.parametrize("file,old,new,expect", [
    # a misspelled word list used to read as [] and silently switch the feature off
    ("intents.yaml", "\nforget:", "\nforgett:", ["intents.yaml", "unknown key 'forgett'"]),
    ("intents.yaml", "\nsubscribe: [", "\n# subscribe: [", ["intents.yaml", "missing key 'subscribe'"]),
    # an unquoted ", " inside a flow mapping splits a quote into a second, nonsense key
    ("measures/luzhou.yaml", "quote: 可再次申请贷款和贴息，累计次数不超过 3 次}",
     "quote: 可再次申请贷款和贴息, 累计次数不超过 3 次}", ["luzhou.yaml", "luzhou-22", "unknown key '累计次数不超过 3 次'"]),
    ("documents.yaml", "  office:", "  offices:", ["documents.yaml", "unknown key 'offices'"]),
    ("updates.yaml", "  topic:", "  topik:", ["updates.yaml", "loan-ceilings", "unknown key 'topik'"]),
    ("lexicon.yaml", "facets:", "facet:", ["lexicon.yaml", "unknown key 'facet'"]),
    ("commands.yaml", "description:", "descr:", ["commands.yaml", "unknown key 'descr'"]),
    ("topics.yaml", "name: 贷款", "nam: 贷款", ["topics.yaml", "unknown key 'nam'"]),
    ("dialogs/training.yaml", "reask:", "re_ask:", ["training.yaml", "unknown key 're_ask'"]),
    ("dialogs/training.yaml", "outcome:", "result:", ["training.yaml", "unknown key 'result'"]),
    ("documents.yaml", "source: luding-22-measures.txt", "source: luding.txt", ["documents.yaml", "luding", "luding.txt"]),
    # texts.yaml: exactly the texts bot/kb/texts.py declares, each with only the placeholders the code fills
    ("texts.yaml", "\nthanks:", "\nthank:", ["texts.yaml", "unknown key 'thank'"]),
    ("texts.yaml", "\nthanks:", "\n# thanks:", ["texts.yaml", "missing key 'thanks'"]),
    ("texts.yaml", "只看了前{limit}个字", "只看了前{limt}个字", ["texts.yaml", "too_long", "{limt}", "{limit}"]),
    ("texts.yaml", "when_passed: '{when} 已经过了'", "when_passed: '{when 已经过了'", ["texts.yaml", "when_passed"]),
])
def test_unknown_or_missing_key_names_file_and_key(kb_copy, file, old, new, expect):
    _edit(kb_copy / file, old, new)
    with pytest.raises(KBError) as e:
        _load_all(kb_copy)
    for word in expect:
        assert word in str(e.value)


def test_the_packaged_knowledge_loads_whole(kb):
    _load_all(kb.root)


def test_every_intent_list_the_code_reads_is_declared():
    code = "\n".join(p.read_text(encoding="utf-8") for d in ("bot", "handlers") for p in (ROOT / d).rglob("*.py"))
    used = set(re.findall(r"""intents(?:\.get\(|\[)["'](\w+)["']""", code))
    used |= {f"dialog_{w}" for w in re.findall(r"""n\(f?["']dialog_(\w+)["']\)""", code) if w != "{name}"}
    assert used and used - INTENT_KEYS == set()


def test_source_documents_ship_inside_the_project(kb):
    for region in kb.documents:
        text = source_text(kb, region)  # the copy next to the loaded knowledge (installed or checkout)
        assert text == (SEEDS / kb.documents[region].source).read_text(encoding="utf-8")
        for m in kb.by_region(region):
            assert squash(m.text) in squash(text), m.id
