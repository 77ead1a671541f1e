"""Load and validate knowledge/*.yaml. Every problem is reported as a KBError naming file and record."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.kb.schema import Document, Fact, Measure, Period, Update
from bot.kb.units import CLAUSE, parse_units
from bot.numerals import cn_to_int

try:  # libyaml is several times faster; the pure loader is the fallback
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


class _Loader(_Base):
    """A key written twice in one mapping is an error: YAML would keep the second silently (two out-of-scope
    topics of one name, and the first one's words never work)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"{key!r} is written twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)

FACT_KINDS = {"amount", "rate", "limit", "condition"}
# The keys each kind of record may have: anything else is an error naming the file and the key, so a
# misspelled key cannot silently switch a feature off.
DOCUMENT_KEYS = {"region", "name", "short", "parent", "title", "cite_title", "brand", "issuer", "number", "issued",
                 "effective", "expires", "validity_note", "amounts_until", "source", "measure_count", "office",
                 "closing", "notes"}
MEASURE_KEYS = {"id", "number", "title", "section", "text", "summary", "facts", "targets", "topics", "keywords",
                "aliases", "counterpart", "updates", "notes"}
FACT_KEYS = {"kind", "label", "quote", "value", "unit"}
UPDATE_KEYS = {"id", "topic", "applies_to", "periods", "extra"}
PERIOD_KEYS = {"from", "until", "individual", "enterprise", "document", "number", "scope"}
LEXICON_KEYS = {"needs", "synonyms", "facets", "typos", "no_measure"}
TYPO_KEYS = {"terms", "keep"}
COMMAND_KEYS = {"command", "description"}
# intents.yaml: every word list the code reads; each must be present (a missing one is an error, not [])
INTENT_KEYS = {"greeting", "thanks", "help", "full_text", "overview", "out_of_scope", "filler", "forget",
               "dialog_yes", "dialog_no", "dialog_unsure", "dialog_zero", "dialog_accept", "dialog_back", "dialog_restart",
               "dialog_exit", "check_cues", "question_marks", "subscribe", "unsubscribe", "news_all",
               "news_confirm", "news_now"}
SOURCES_DIR = "sources"  # the source documents' text, shipped in the package: knowledge/sources/<source>
_ID = re.compile(r"^(?P<region>[a-z][a-z0-9_]*)-(?P<n>\d{2,3})$")
_WS = re.compile(r"\s+")


class KBError(Exception):
    """A knowledge file is wrong. str() names the file and the record."""

    def __init__(self, path: Path | str, record: str | None, message: str):
        self.path, self.record, self.message = str(path), record, message
        where = f"{self.path}" + (f", record {record}" if record else "")
        super().__init__(f"{where}: {message}")


def default_knowledge_dir() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "knowledge"


def squash(text: str) -> str:
    """Whitespace removed: how quotes are compared with sources split by PDF page breaks."""
    return _WS.sub("", text)


@dataclass
class KnowledgeBase:
    root: Path
    documents: dict[str, Document]
    measures: dict[str, Measure]
    updates: dict[str, Update]
    lexicon: dict[str, Any]
    places: dict[str, list[str]]
    intents: dict[str, list[str]]
    texts: dict[str, str]
    files: list[Path] = field(default_factory=list)
    commands: tuple[tuple[str, str], ...] = ()  # Telegram menu: (command, description)

    def by_region(self, region: str) -> list[Measure]:
        return [m for m in self.measures.values() if m.region == region]

    def find(self, region: str, index: int) -> Measure | None:
        return self.measures.get(f"{region}-{index:02d}")


def _read(path: Path) -> Any:
    """A knowledge file, with the YAML errors (and keys written twice) named by file and line."""
    try:
        with path.open(encoding="utf-8") as f:
            return yaml.load(f, Loader=_Loader)
    except FileNotFoundError:
        raise KBError(path, None, "file is missing") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise KBError(path, None, f"not valid YAML{where}: {getattr(e, 'problem', e)}") from None


read_yaml = _read  # the name other modules use (points, lexicon, tests)


def _keys(path: Path, rec: str | None, d: Any, allowed: AbstractSet[str], required: AbstractSet[str] = frozenset()) -> None:
    """Unknown keys (a typo, or YAML that split a value at ': ') and missing required keys are errors."""
    if not isinstance(d, dict):
        raise KBError(path, rec, "must be a mapping")
    unknown = sorted(str(k) for k in d if k not in allowed)
    if unknown:
        raise KBError(path, rec, f"unknown key '{unknown[0]}' (allowed: {', '.join(sorted(allowed))})")
    missing = sorted(required - set(d))
    if missing:
        raise KBError(path, rec, f"missing key '{missing[0]}'")


def _need(path: Path, rec: str | None, d: Any, key: str, typ: type | tuple, optional: bool = False) -> Any:
    if not isinstance(d, dict):
        raise KBError(path, rec, "must be a mapping")
    if key not in d or d[key] is None:
        if optional:
            return None
        raise KBError(path, rec, f"missing field '{key}'")
    v = d[key]
    if not isinstance(v, typ):
        names = typ.__name__ if isinstance(typ, type) else "/".join(t.__name__ for t in typ)
        raise KBError(path, rec, f"field '{key}' must be {names}, got {type(v).__name__}")
    return v


def _strs(path: Path, rec: str, d: dict, key: str, optional: bool = True) -> tuple[str, ...]:
    v = _need(path, rec, d, key, list, optional=optional) or []
    if not all(isinstance(x, str) and x.strip() for x in v):
        raise KBError(path, rec, f"field '{key}' must be a list of non-empty strings")
    return tuple(v)


def _date(path: Path, rec: str, d: dict, key: str) -> dt.date | None:
    v = d.get(key)
    if v is None or isinstance(v, dt.date):
        return v
    raise KBError(path, rec, f"field '{key}' must be a date YYYY-MM-DD, got {v!r}")


def _month_or_date(path: Path, rec: str, v: Any) -> tuple[dt.date, str]:
    if isinstance(v, dt.date):
        return v, v.isoformat()
    if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}", v):
        y, m = map(int, v.split("-"))
        return dt.date(y, m, 1), v
    raise KBError(path, rec, f"'from' must be YYYY-MM or YYYY-MM-DD, got {v!r}")


def _load_documents(path: Path) -> dict[str, Document]:
    raw = _read(path)
    if not isinstance(raw, list) or not raw:
        raise KBError(path, None, "must be a non-empty list of documents")
    docs: dict[str, Document] = {}
    for i, d in enumerate(raw):
        rec = str(d.get("region", f"#{i + 1}")) if isinstance(d, dict) else f"#{i + 1}"
        _keys(path, rec, d, DOCUMENT_KEYS)
        region = _need(path, rec, d, "region", str)
        if region in docs:
            raise KBError(path, rec, "duplicate region")
        docs[region] = Document(
            region=region,
            name=_need(path, rec, d, "name", str),
            short=_need(path, rec, d, "short", str),
            parent=_need(path, rec, d, "parent", str),
            title=_need(path, rec, d, "title", str),
            cite_title=_need(path, rec, d, "cite_title", str),
            brand=_need(path, rec, d, "brand", str),
            issuer=_need(path, rec, d, "issuer", str),
            number=_need(path, rec, d, "number", str, optional=True),
            issued=_date(path, rec, d, "issued"),
            effective=_date(path, rec, d, "effective"),
            expires=_date(path, rec, d, "expires"),
            validity_note=_need(path, rec, d, "validity_note", str),
            amounts_until=_date(path, rec, d, "amounts_until"),
            source=_need(path, rec, d, "source", str),
            measure_count=_need(path, rec, d, "measure_count", int),
            office=_need(path, rec, d, "office", str),
            closing=_need(path, rec, d, "closing", str, optional=True),
            notes=_strs(path, rec, d, "notes"),
        )
    return docs


def _load_fact(path: Path, rec: str, f: Any, text: str) -> Fact:
    _keys(path, rec, f, FACT_KEYS)
    kind = _need(path, rec, f, "kind", str)
    if kind not in FACT_KINDS:
        raise KBError(path, rec, f"fact kind '{kind}' is not one of {sorted(FACT_KINDS)}")
    quote = _need(path, rec, f, "quote", str)
    if squash(quote) not in squash(text):
        raise KBError(path, rec, f"fact quote is not in the measure's text: {quote!r}")
    value = _need(path, rec, f, "value", (int, float), optional=True)
    unit = _need(path, rec, f, "unit", str, optional=True)
    if kind in ("amount", "rate") and (value is None or unit is None):
        raise KBError(path, rec, f"an {kind} fact needs 'value' and 'unit': {quote!r}")
    if value is not None and not re.search(rf"(?<![\d.]){value:g}\s*", squash(quote)):
        raise KBError(path, rec, f"fact value {value:g} does not appear in its quote {quote!r}")
    return Fact(kind=kind, label=_need(path, rec, f, "label", str), quote=quote, value=value, unit=unit)


def _load_measures(path: Path, docs: dict[str, Document]) -> list[Measure]:
    raw = _read(path)
    if not isinstance(raw, list):
        raise KBError(path, None, "must be a list of measures")
    out = []
    for i, d in enumerate(raw):
        rec = str(d.get("id", f"#{i + 1}")) if isinstance(d, dict) else f"#{i + 1}"
        _keys(path, rec, d, MEASURE_KEYS)
        mid = _need(path, rec, d, "id", str)
        m = _ID.match(mid)
        if not m:
            raise KBError(path, rec, "id must look like region-NN (luding-01)")
        region = m.group("region")
        if region not in docs:
            raise KBError(path, rec, f"region '{region}' has no document in documents.yaml")
        number = _need(path, rec, d, "number", str)
        try:
            index = cn_to_int(number)
        except ValueError:
            raise KBError(path, rec, f"number '{number}' is not a Chinese numeral") from None
        if index != int(m.group("n")):
            raise KBError(path, rec, f"number '{number}' ({index}) does not match the id")
        text = _need(path, rec, d, "text", str)
        units = parse_units(text)
        if units is None or not units.lead:
            raise KBError(path, rec, f"text has no {CLAUSE} to parse")
        summary = _need(path, rec, d, "summary", str)
        keywords = _strs(path, rec, d, "keywords", optional=False)
        out.append(
            Measure(
                id=mid,
                region=region,
                number=number,
                index=index,
                title=_need(path, rec, d, "title", str),
                section=_need(path, rec, d, "section", str, optional=True),
                text=text,
                summary=summary,
                facts=tuple(_load_fact(path, rec, f, text) for f in (_need(path, rec, d, "facts", list, True) or [])),
                targets=_strs(path, rec, d, "targets"),
                topics=_strs(path, rec, d, "topics", optional=False),
                keywords=keywords,
                aliases=_strs(path, rec, d, "aliases"),
                counterpart=_need(path, rec, d, "counterpart", str, optional=True),
                units=units,
                updates=_strs(path, rec, d, "updates"),
                notes=_strs(path, rec, d, "notes"),
            )
        )
    return out


def _load_updates(path: Path) -> dict[str, Update]:
    raw = _read(path) or []
    if not isinstance(raw, list):
        raise KBError(path, None, "must be a list of updates")
    out: dict[str, Update] = {}
    for i, d in enumerate(raw):
        rec = str(d.get("id", f"#{i + 1}")) if isinstance(d, dict) else f"#{i + 1}"
        _keys(path, rec, d, UPDATE_KEYS)
        uid = _need(path, rec, d, "id", str)
        periods = []
        for p in _need(path, rec, d, "periods", list):
            _keys(path, rec, p, PERIOD_KEYS)
            start, start_text = _month_or_date(path, rec, _need(path, rec, p, "from", (str, dt.date)))
            periods.append(
                Period(
                    start=start,
                    start_text=start_text,
                    end=_date(path, rec, p, "until"),
                    individual=_need(path, rec, p, "individual", str),
                    enterprise=_need(path, rec, p, "enterprise", str),
                    document=_need(path, rec, p, "document", str),
                    number=_need(path, rec, p, "number", str),
                    scope=_need(path, rec, p, "scope", str, optional=True),
                )
            )
        out[uid] = Update(uid, _need(path, rec, d, "topic", str), _strs(path, rec, d, "applies_to", False),
                          tuple(periods), _strs(path, rec, d, "extra"))
    return out


def _load_mapping(path: Path, value_type: type | tuple = list) -> dict:
    raw = _read(path)
    if not isinstance(raw, dict):
        raise KBError(path, None, "must be a mapping")
    for k, v in raw.items():
        if not isinstance(v, value_type):
            names = value_type.__name__ if isinstance(value_type, type) else "/".join(t.__name__ for t in value_type)
            raise KBError(path, str(k), f"must be a {names}")
        if value_type is list and isinstance(v, list) and not all(isinstance(x, str) and x for x in v):
            raise KBError(path, str(k), "must be a list of non-empty strings")
    return raw


def load_kb(root: Path | str | None = None) -> KnowledgeBase:
    """Load every knowledge file and check the whole: ids, counts, cross references."""
    root = Path(root) if root else default_knowledge_dir()
    files = [root / "documents.yaml", root / "updates.yaml", root / "lexicon.yaml", root / "places.yaml",
             root / "intents.yaml", root / "texts.yaml"]
    docs = _load_documents(files[0])
    measures: dict[str, Measure] = {}
    measure_files = sorted((root / "measures").glob("*.yaml"))
    if not measure_files:
        raise KBError(root / "measures", None, "no measure files (*.yaml)")
    where: dict[str, Path] = {}
    for path in measure_files:
        for m in _load_measures(path, docs):
            if m.id in measures:
                raise KBError(path, m.id, f"duplicate id (also in {where[m.id].name})")
            measures[m.id] = m
            where[m.id] = path
    for region, doc in docs.items():
        have = sorted(m.index for m in measures.values() if m.region == region)
        if have != list(range(1, doc.measure_count + 1)):
            missing = sorted(set(range(1, doc.measure_count + 1)) - set(have))
            raise KBError(files[0], region, f"expects measures 1..{doc.measure_count}; missing {missing[:10]}")
    updates = _load_updates(files[1])
    for m in measures.values():
        if m.counterpart is not None:
            other = measures.get(m.counterpart)
            if other is None:
                raise KBError(where[m.id], m.id, f"counterpart '{m.counterpart}' does not exist")
            if other.counterpart != m.id:
                raise KBError(where[m.id], m.id, f"counterpart '{m.counterpart}' does not point back")
        for u in m.updates:
            if u not in updates:
                raise KBError(where[m.id], m.id, f"update '{u}' is not in updates.yaml")
    for upd in updates.values():
        for mid in upd.applies_to:
            if mid not in measures:
                raise KBError(files[1], upd.id, f"applies_to names unknown measure '{mid}'")
    lexicon = _load_mapping(files[2], (dict, list))
    _keys(files[2], None, lexicon, LEXICON_KEYS, LEXICON_KEYS - {"typos", "no_measure"})
    if not all(isinstance(x, str) and x in lexicon["synonyms"] for x in lexicon.get("no_measure", [])):
        raise KBError(files[2], "no_measure", "must list canonical terms of synonyms")
    if not all(isinstance(x, str) and x for x in lexicon.get("needs", [])):
        raise KBError(files[2], "needs", "must be a list of non-empty strings")
    typos = lexicon.get("typos") or {}
    if not isinstance(typos, dict):
        raise KBError(files[2], "typos", "must be a mapping with terms and keep")
    _keys(files[2], "typos", typos, TYPO_KEYS)
    for key in TYPO_KEYS:
        if not all(isinstance(x, str) and len(x) >= 2 for x in typos.get(key) or []):
            raise KBError(files[2], f"typos.{key}", "must be a list of words of two or more characters")
    for section in ("synonyms", "facets"):
        if not isinstance(lexicon.get(section), dict):
            raise KBError(files[2], section, "missing section")
        for k, v in lexicon[section].items():
            if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
                raise KBError(files[2], f"{section}.{k}", "must be a list of non-empty strings")
    places = _load_mapping(files[3])
    for region in places:
        if region not in docs:
            raise KBError(files[3], region, "is not a region of documents.yaml")
    intents = _load_mapping(files[4])
    _keys(files[4], None, intents, INTENT_KEYS, INTENT_KEYS)
    for region, doc in docs.items():
        if not (root / SOURCES_DIR / doc.source).is_file():
            raise KBError(files[0], region, f"source '{doc.source}' is not in {root / SOURCES_DIR}")
    from bot.kb.texts import load_texts  # texts.py imports this module

    texts = load_texts(files[5])
    commands = _load_commands(root / "commands.yaml")
    return KnowledgeBase(root, docs, measures, updates, lexicon, places, intents, texts,
                         files + measure_files + [root / "commands.yaml"], commands)


def _load_commands(path: Path) -> tuple[tuple[str, str], ...]:
    raw = _read(path)
    if not isinstance(raw, list):
        raise KBError(path, None, "must be a list of {command, description}")
    out = []
    for i, c in enumerate(raw):
        _keys(path, str(i + 1), c, COMMAND_KEYS)
        name = _need(path, str(i + 1), c, "command", str)
        if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
            raise KBError(path, name, "command must be 1-32 of a-z, 0-9, _")
        out.append((name, _need(path, name, c, "description", str)))
    return tuple(out)


def source_text(kb: KnowledgeBase, region: str) -> str:
    """The verbatim text of a region's source document (knowledge/sources/)."""
    return (kb.root / SOURCES_DIR / kb.documents[region].source).read_text(encoding="utf-8")
