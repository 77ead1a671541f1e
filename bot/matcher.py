"""Free text → intent, ranked measures, confidence, or no answer.

Scoring is a weighted term match over an inverted index (so time grows with the hits, not with the
number of measures), plus character-bigram BM25 over the verbatim texts for words we never listed.
Terms come from the measures' keywords, aliases, titles and the lexicon; colloquial variants map to
the documents' words; homophone typos and typed pinyin are caught by pinyin keys; out-of-scope words
take their span out of the question; a place name selects a region.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from bot.kb import KnowledgeBase
from bot.numerals import cn_to_int
from bot.pinyin import build_char_table, fold, segment, term_keys
from bot.points import OutOfScope, Points
from bot.textnorm import MAX_CHARS, gap_pattern, longest_first, normalise, occurrences, word_starts
from bot.typos import Typos

INDEX_FORMAT = 5  # bump when the index layout changes; invalidates caches

FIELD_WEIGHTS = {"keyword": 3.0, "alias": 2.2, "title": 2.5, "text": 1.2, "summary": 0.6}
HIT_WEIGHTS = {"exact": 1.0, "variant": 0.9, "pinyin": 0.8, "number": 1.0}
BM25_WEIGHT = 0.35
MIN_TERM_SCORE = 2.2  # below this a question gets no measure
MIN_BM25 = 9.0  # ... unless the bigram overlap alone is this strong
OOS_FACTOR = 2.5  # with an out-of-scope word present, what is left must be this much stronger
AMOUNT_BOOST = 1.3  # a "how much" question prefers measures that state an amount
NEED_BOOST = 1.8  # hits on lexicon "needs" terms: what the user asks for outweighs their setting
POINT_SWITCH_MIN = 4  # characters of a point's own words that make its measure the answer
POINT_SWITCH_MARGIN = 2  # ... when they beat the top measure's own points by this much
POINT_SWITCH_ALONE = 6  # ... and without the matcher ranking that measure at all, only this many
COUNTERPART_SHARE = 0.35  # the other region's version is shown side by side above this share
_NUM = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|万块|万|元|块钱|块|%)")
_CN_NUM = re.compile(r"([零〇一二两三四五六七八九十百千]+)\s*(万元|万块|万|元|块钱|块)")
_NOT_CJK = re.compile(r"[^\u3400-\u9fff]")
ASKING_DECIDES_BELOW = 0.5  # the whole message's confidence under which the asking clause picks among its measures
_CLAUSE_CUT = re.compile(r"[\s，,。.!！?？;；、]+")  # where a typed message's clauses end
_MEASURE_REF = re.compile(r"第\s*([0-9]+|[一二三四五六七八九十]+)\s*条")


def number_terms(text: str) -> list[tuple[str, int, int]]:
    """Amounts as comparable terms: 20万元 / 二十万 → '20万', 300元 / 三百块 → '300元', 15% → '15%'."""
    out = []
    for m in _NUM.finditer(text):
        out.append((_unit_term(m.group(1), m.group(2)), m.start(), m.end()))
    for m in _CN_NUM.finditer(text):
        try:
            out.append((_unit_term(str(cn_to_int(m.group(1))), m.group(2)), m.start(), m.end()))
        except ValueError:
            continue
    return out


def _unit_term(value: str, unit: str) -> str:
    unit = "万" if unit.startswith("万") else ("%" if unit == "%" else "元")
    return f"{float(value):g}{unit}"


_TOWN_LEFT = re.compile(r"(?:[\u4e00-\u9fff]{1,4}?(?:镇|乡|街道|社区|村))+的?")


def _without(s: str, words: list[str]) -> str:
    for w in words:
        s = s.replace(w, "")
    return s


@dataclass(frozen=True)
class Hit:
    term: str  # the index term it counts for
    start: int
    end: int
    kind: str  # exact | variant | pinyin | number | oos


@dataclass
class Match:
    question: str
    norm: str
    intent: str  # question | greeting | thanks | help | full_text | overview | set_region | out_of_scope | empty
    measures: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    confidence: float = 0.0
    regions: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    facets: list[str] = field(default_factory=list)
    side_by_side: bool = False
    outside_region: bool = False
    truncated: bool = False
    topic: str | None = None  # an out-of-scope topic (knowledge/scope.yaml) the question is about
    aside: str | None = None  # ... or one asked alongside a question in scope (还有工钱找哪个要)

    @property
    def said(self) -> str:
        """The question with the documents' words it was found to mean (担宝 → 创业担保贷款), for point words."""
        return self.norm + "|" + "|".join(h.term for h in self.hits if h.kind != "oos")

    def explain(self) -> dict:
        return {
            "normalised": self.norm,
            "places": self.places,
            "regions": self.regions,
            "terms": [{"term": h.term, "as": self.norm[h.start:h.end], "via": h.kind} for h in self.hits],
            "facets": self.facets,
            "scores": {k: round(v, 2) for k, v in list(self.scores.items())[:6]},
            "side_by_side": self.side_by_side,
            "topic": self.topic,
        }


class Index:
    """Everything the matcher needs, precomputed from a KnowledgeBase; picklable for the cache."""

    def __init__(self, kb: KnowledgeBase):
        self.region_of = {m.id: m.region for m in kb.measures.values()}
        self.counterpart = {m.id: m.counterpart for m in kb.measures.values()}
        self.index_of = {(m.region, m.index): m.id for m in kb.measures.values()}
        self.has_amount = {m.id for m in kb.measures.values() if any(f.kind == "amount" for f in m.facts)}
        self.regions = list(kb.documents)
        syn = kb.lexicon["synonyms"]
        # variants → canonical terms; a "…" in a variant is a short gap
        self.variants: dict[str, set[str]] = defaultdict(set)
        self.gaps: list[tuple[re.Pattern, str]] = []
        for canon, vs in syn.items():
            for v in vs:
                if "…" in v:
                    self.gaps.append((gap_pattern(v, 4), canon))
                    continue
                v = normalise(v)
                if v and v != canon:
                    self.variants[v].add(canon)
        vocab: set[str] = set(syn)
        for m in kb.measures.values():
            vocab.update(normalise(k) for k in m.keywords + m.aliases)
        vocab.discard("")
        # postings: term → {measure: field weight}
        post: dict[str, dict[str, float]] = defaultdict(dict)
        for m in kb.measures.values():
            fields = {"keyword": {normalise(k) for k in m.keywords}, "alias": {normalise(a) for a in m.aliases}}
            texts = {"title": normalise(m.title, 10_000), "text": normalise(m.text, 10_000),
                     "summary": normalise(m.summary, 10_000)}
            for t in vocab:
                w = 0.0
                for f in ("keyword", "alias"):
                    if t in fields[f]:
                        w = max(w, FIELD_WEIGHTS[f])
                for f, body in texts.items():
                    if t in body:
                        w = max(w, FIELD_WEIGHTS[f])
                if w:
                    post[t][m.id] = w
            for term, _, _ in number_terms(normalise(m.text, 10_000)):
                post[term][m.id] = FIELD_WEIGHTS["keyword"]
        n = len(kb.measures)
        self.postings = {t: {mid: w * math.log(1 + n / len(ms)) * _length_factor(t) for mid, w in ms.items()}
                         for t, ms in post.items()}
        self.max_len = max(map(len, list(self.postings) + list(self.variants)))
        # bigram BM25 over title + text
        self.bigrams: dict[str, dict[str, int]] = defaultdict(dict)
        self.doclen: dict[str, int] = {}
        for m in kb.measures.values():
            body = normalise(m.title + m.text, 10_000)
            grams = _bigrams(body)
            self.doclen[m.id] = len(grams)
            for g in grams:
                self.bigrams[g][m.id] = self.bigrams[g].get(m.id, 0) + 1
        self.avgdl = sum(self.doclen.values()) / max(1, n)
        self.n = n
        # places → region
        self.places = {normalise(p): r for r, names in kb.places.items() for p in names}
        self.place_len = max(map(len, self.places)) if self.places else 0
        # out-of-scope words and chat intents
        self.oos = {normalise(w) for w in kb.intents.get("out_of_scope", [])}
        self.chat = {k: sorted({normalise(w) for w in kb.intents.get(k, [])}, key=len, reverse=True)
                     for k in ("greeting", "thanks", "help", "full_text", "overview", "filler")}
        self.needs = {normalise(w) for w in kb.lexicon.get("needs", [])}
        self.facets = {k: [normalise(w) for w in ws] for k, ws in kb.lexicon["facets"].items()}
        # pinyin keys of every term with two or more characters
        self.char_py, self.syllables = build_char_table()
        typos = kb.lexicon.get("typos") or {}
        corpus = "|".join([m.title + "|" + m.text + "|" + m.summary for m in kb.measures.values()]
                          + [w for canon, vs in syn.items() for w in [canon, *vs]])
        self.typos = Typos(typos.get("terms") or [], typos.get("keep") or [], corpus, self.char_py)
        keys = term_keys([t for t in set(self.postings) | set(self.variants) if len(t) >= 2 and not t.isascii()])
        self.py_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for term, key in keys.items():
            self.py_first[key[0]].append((key, term))


def _sounds_like(readings, typed: str | None, want: str, key: str, term_len: int) -> bool:
    """A typed character stands for a term's character: the same one, or one that reads the same.
    In two-character terms only a character's usual reading counts (工的 is not 工地)."""
    if typed == want:
        return True
    if typed is None or term_len > 2:
        return key in readings
    return bool(readings) and readings[0] == key


def _length_factor(term: str) -> float:
    return 1.0 + 0.12 * max(0, min(len(term), 8) - 2)


def _bigrams(s: str) -> list[str]:
    cjk = _NOT_CJK.sub("|", s)
    return [cjk[i : i + 2] for i in range(len(cjk) - 1) if "|" not in cjk[i : i + 2]]


class Matcher:
    def __init__(self, index: Index, scope: Points | None = None):
        self.ix = index
        self.scope = scope  # out-of-scope topics by substance; without it, only the index's oos words
        # Lookups derived from the index once, so that a message costs what it contains, not the vocabulary:
        # every prefix of a word the exact scan looks up (a stretch that starts no word ends the scan early)
        # the exact scan: at each position the pattern finds the longest word starting there (up to max_len, as
        # the scan looked), and the shorter words starting there are that word's prefixes, listed once per word
        words = {w for w in set(index.postings) | index.oos | set(index.variants) if 0 < len(w) <= index.max_len}
        self._word_at = longest_first(words)
        self._word_prefixes = {w: tuple(w[:n] for n in range(1, len(w) + 1) if w[:n] in words) for w in words}
        # the pinyin candidates under each first reading, by their second reading and by their second
        # character (positions in ix.py_first[r], so that candidates are still tried in the index's order)
        self._py_next: dict[str, tuple[dict[str, list[int]], dict[str, list[int]]]] = {}
        for r, cands in index.py_first.items():
            by_key: dict[str, list[int]] = defaultdict(list)
            by_char: dict[str, list[int]] = defaultdict(list)
            for n, (key, term) in enumerate(cands):
                by_key[key[1]].append(n)
                by_char[term[1]].append(n)
            self._py_next[r] = (dict(by_key), dict(by_char))
        self._py_candidates = lru_cache(maxsize=1 << 15)(self._candidates)
        # one message is put right by the engine (for the fact readers) and again here: a few entries hold it
        self.fix_typos = lru_cache(maxsize=64)(index.typos.fix)
        self._place_at = longest_first({p for p in index.places if 2 <= len(p) <= index.place_len})
        # each bigram's BM25 share per measure, worked out with the same expression _bm25 used per message
        self._bm25_terms: dict[str, tuple[tuple[str, float], ...]] = {}
        for g, post in index.bigrams.items():
            idf = math.log(1 + (index.n - len(post) + 0.5) / (len(post) + 0.5))
            self._bm25_terms[g] = tuple(
                (mid, idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * index.doclen[mid] / index.avgdl)))
                for mid, tf in post.items())

    # -- pieces ---------------------------------------------------------------------------------
    def _places(self, s: str) -> list[tuple[str, int, int]]:
        """Place names, the longest at each position, left to right without overlap."""
        return [(name, i, i + len(name)) for i, name in word_starts(self._place_at, s, overlap=False)]

    def _exact_hits(self, s: str) -> list[Hit]:
        hits = []
        ix = self.ix
        for i, word in word_starts(self._word_at, s):
            for sub in self._word_prefixes[word]:
                n = len(sub)
                if sub in ix.postings and n >= 2:
                    hits.append(Hit(sub, i, i + n, "exact"))
                if sub in ix.oos:
                    hits.append(Hit(sub, i, i + n, "oos"))
                for canon in ix.variants.get(sub, ()):
                    hits.append(Hit(canon, i, i + n, "variant"))
        for pat, canon in ix.gaps:
            for m in pat.finditer(s):
                hits.append(Hit(canon, m.start(), m.end(), "variant"))
        for term, a, b in number_terms(s):
            if term in ix.postings:
                hits.append(Hit(term, a, b, "number"))
        return hits

    def _units(self, s: str) -> list[tuple[frozenset[str] | tuple[str, ...], int, int, str | None]]:
        """The message as reading units: each character with its readings, typed pinyin cut into syllables."""
        ix = self.ix
        units: list[tuple[frozenset[str] | tuple[str, ...], int, int, str | None]] = []
        i = 0
        while i < len(s):
            c = s[i]
            if "a" <= c <= "z":
                j = i
                while j < len(s) and "a" <= s[j] <= "z":
                    j += 1
                syls = segment(s[i:j], ix.syllables) or []
                k = i
                for syl in syls:
                    units.append(((fold(syl),), k, k + len(syl), None))
                    k += len(syl)
                i = j
                continue
            if c != " ":  # spaces only separate typed pinyin words
                units.append((ix.char_py.get(c, ()), i, i + 1, c))
            i += 1
        return units

    def _pinyin_hits(self, s: str) -> list[Hit]:
        """Terms whose reading matches a stretch of the message that does not spell them."""
        units = self._units(s)
        hits = []
        candidates = self._py_candidates
        n = len(units)
        for u in range(n - 1):  # every term has two or more characters
            readings, start = units[u][0], units[u][1]
            for key, term in candidates(readings, units[u + 1][0], units[u + 1][3]):
                size = len(key)
                if u + size > n:
                    continue
                # one pass over the term's units (most candidates fail at once): each must sound like the term's
                # character; count those typed as the term writes them, and whether all were typed in pinyin
                same, latin = 0, True
                for k in range(size):
                    readings_k, _, _, typed = units[u + k]
                    if typed == term[k]:
                        same += 1
                        latin = False
                    elif _sounds_like(readings_k, typed, term[k], key[k], size):
                        latin = latin and typed is None
                    else:
                        break
                else:
                    if same == len(term):
                        continue  # spelled right: an exact hit already
                    if latin or same >= 1:
                        hits.append(Hit(term, start, units[u + size - 1][2], "pinyin"))
        return hits

    def _candidates(self, readings: tuple[str, ...] | frozenset[str], after: tuple[str, ...] | frozenset[str],
                    after_char: str | None) -> tuple[tuple[tuple[str, ...], str], ...]:
        """The (key, term) pairs worth checking at a unit with these readings followed by a unit with `after`
        (typed as after_char): under each reading in turn, in the index's order, only those whose second
        character can stand at the next unit: its reading is one of that unit's, or the unit is that character
        (what _sounds_like requires of position 1). A pure function of two characters (cached, bounded)."""
        out: list[tuple[tuple[str, ...], str]] = []
        for r in readings:
            cands = self.ix.py_first.get(r)
            if not cands:
                continue
            by_key, by_char = self._py_next[r]
            tried: list[int] = []
            for r1 in after:
                tried += by_key.get(r1, ())
            if after_char is not None:
                tried += by_char.get(after_char, ())
            out += (cands[n] for n in sorted(set(tried)))
        return tuple(out)

    @staticmethod
    def _drop_subsumed(hits: list[Hit]) -> list[Hit]:
        """A hit inside a longer hit's span is dropped: 创业担保贷款 hides 贷款, 助学贷款 hides 贷款."""
        keep = []
        for h in hits:
            inside = any(
                (o.start <= h.start and h.end <= o.end) and (o.end - o.start) > (h.end - h.start) for o in hits
            )
            if not inside:
                keep.append(h)
        return keep

    def _chat_intent(self, s: str) -> str | None:
        rest = s
        found = None
        for kind in ("full_text", "help", "greeting", "thanks"):
            for w in self.ix.chat[kind]:
                if w in rest:
                    rest = rest.replace(w, "")
                    found = found or kind
        for w in self.ix.chat["filler"]:
            rest = rest.replace(w, "")
        return found if found and len(rest) <= 1 else None

    def _residual(self, s: str, remove: list[str]) -> str:
        for w in sorted(remove, key=len, reverse=True) + self.ix.chat["filler"]:
            s = s.replace(w, "")
        return s

    # -- the whole ------------------------------------------------------------------------------
    def match(self, question: str, region: str | None = None) -> Match:
        question = self.fix_typos(question)
        m = self._match(question, region)
        if self.scope is not None and m.intent in ("question", "out_of_scope", "overview"):
            two = self._with_aside(question, region)
            if two is not None:
                return two
            named = self.scope.mention.named_once(m.norm) if self.scope.mention else None
            if named is not None:  # 点了我们村的名 (…化林坪村…): the one measure whose text names it
                m.intent, m.measures, m.side_by_side, m.confidence = "question", [named[1]], False, 0.5
                m.regions = [self.ix.region_of[named[1]]]
                return m
            topic = self.scope.out_of_scope(m.norm)
            if topic is not None and m.intent == "question" and m.measures and self._story_only(question, topic):
                topic = None  # 拿的残疾证 … 残疾人能不能申请创业担保贷款: the topic is the asker's story
            if topic is not None:  # a pension or wage question is out of scope even if it shares a word
                m.intent, m.measures, m.side_by_side, m.topic = "out_of_scope", [], False, topic.id
                m.confidence = 0.0
            elif m.intent == "question" and m.measures:
                self._prefer_asking(m, question)
                self._prefer_point(m)
                self._prefer_payee(m)
            elif m.intent == "out_of_scope":
                self._rescue_point(m, region)
            elif m.intent == "overview":  # 劳务品牌名字被人拿去用了: a point's own words typed, not a menu
                self._rescue_point(m, region, alone=True)
        return m

    def _story_only(self, question: str, topic: OutOfScope) -> bool:
        """The out-of-scope words are only in the asker's story: the clause that asks (the last, when it is a
        question) does not say them and names a measure by its own words (创业担保贷款, not 补助 alone)."""
        assert self.scope is not None
        clauses = [c for c in _CLAUSE_CUT.split(question) if c]
        n = 1  # 残疾人能不能申请创业担保代款 能贷好多: the questions asked one after another at the end, together,
        while n < len(clauses) - 1 and self._asks_a_measure(normalise(clauses[-n - 1])):  # each naming a measure
            n += 1
        asking = normalise("".join(clauses[-n:])) if len(clauses) > 1 else ""
        if not asking or not self.scope.is_question(asking) or topic.said.holds(asking):
            return False
        # 有营业执照和人力资源服务许可证 … 帮脱贫户找工作政府一个人补三百 我们能拿好多: a thing the asker has, said
        # in the story, while the question asks what they get and the story names who pays them
        norm = normalise(question)
        owned = any(norm[max(0, i - 1):i] == "有" and norm[max(0, i - 3):i] not in ("有没有", "没得有")
                    for w in topic.said.all_of[0] for i, _ in occurrences(norm, w))
        if owned and any(p.paid(norm) for p in self.scope.payees):
            return True
        if any(self.scope.is_question(normalise(c)) for c in clauses[:-n]):
            return False  # 听说有高龄补贴 一个月好多钱 去哪里申请 … 跟养老那个有没有关系: the topic is asked too
        q = self._match(asking)
        return q.intent == "question" and bool(q.measures) and any(
            h.kind in ("exact", "variant") and len(h.term) >= 3 for h in q.hits)

    def _asks_a_measure(self, clause: str) -> bool:
        """A clause that asks about a measure named in its own words (残疾人能不能申请创业担保代款), not how a
        measure relates to something else (跟那个培训生活补贴是一回事不)."""
        assert self.scope is not None
        if not self.scope.is_question(clause) or any(w in clause for w in self.scope.relates):
            return False
        q = self._match(clause)  # its own words: 外地来打工 (外出务工) is no measure's name
        return q.intent == "question" and bool(q.measures) and any(h.kind == "exact" and len(h.term) >= 4 for h in q.hits)

    def _prefer_asking(self, m: Match, question: str) -> None:
        """When the whole message matches weakly, the clause that asks (the last, when it is a question and names a
        measure in its own words) decides over the story told before it: 之前在东莞打工 回来学了开叉车 培训那阵一天
        五十的补贴还能拿不 asks about the living subsidy, not the fare the story's 东莞 points to."""
        assert self.scope is not None
        if m.confidence >= ASKING_DECIDES_BELOW or len(self.scope.parts(question)) > 1:
            return  # a clear match, or several questions (the first asked leads)
        clauses = [c for c in _CLAUSE_CUT.split(question) if c]
        asking = normalise(clauses[-1]) if len(clauses) > 1 else ""
        if len(asking) < 4 or not self.scope.is_question(asking):
            return
        q = self._match(asking)
        if q.intent != "question" or not q.measures or q.measures[0] in m.measures[:1] or not any(
                h.kind in ("exact", "variant") and len(h.term) >= 3 for h in q.hits):
            return
        region = self.ix.region_of[m.measures[0]]
        top = q.measures[0]
        target = top if self.ix.region_of[top] == region else self.ix.counterpart.get(top)
        if target is None or target not in m.measures:
            return  # only among what the whole message was found about: the clause picks, it does not add
        cp = self.ix.counterpart.get(target)
        rest = [x for x in m.measures if x not in (target, cp)]
        m.measures = [target] + ([cp] if m.side_by_side and cp else []) + rest

    def _with_aside(self, question: str, region: str | None) -> Match | None:
        """Two questions in one message, one of them out of scope: the one in scope is answered and the other
        gets its office (Match.aside). None when the message is not cut so."""
        assert self.scope is not None
        parts = self.scope.parts(question)
        if len(parts) < 2:
            return None
        topics = [self.scope.out_of_scope(normalise(p)) for p in parts]
        if all(topics) or not any(topics):
            return None
        rest = "，".join(p for p, t in zip(parts, topics) if t is None)
        m = self._match(rest, region)
        if m.intent != "question" or not m.measures or not self.scope.is_question(m.norm):
            return None  # what is left is only the asker's story (我在工地干活), not a question
        self._prefer_point(m)
        m.aside = next(t for t in topics if t is not None).id
        return m

    def _rescue_point(self, m: Match, region: str | None, alone: bool = False) -> None:
        """焊工五级证 补贴有莫得: no measure scored, but a point's own words and what it pays are typed."""
        assert self.scope is not None  # match() asks only with a scope
        point, score = self.scope.strongest(m.said)
        if point is None or score < (POINT_SWITCH_ALONE if alone else POINT_SWITCH_MIN):
            return
        if score < POINT_SWITCH_ALONE and not (point.needs and any(w in m.said for w in point.needs)):
            return  # a few shared words rescue only a point whose payment is asked for
        want = m.regions[0] if len(m.regions) == 1 else (region or self.ix.region_of[point.measures[0]])
        target = next((x for x in point.measures if self.ix.region_of[x] == want), point.measures[0])
        cp = self.ix.counterpart.get(target)
        m.intent, m.confidence = "question", 0.4
        m.side_by_side = len(m.regions) != 1 and cp in point.measures
        m.measures = [target] + ([cp] if m.side_by_side and cp else [])

    def _prefer_payee(self, m: Match) -> None:
        """泸定岚安的劳务经纪人 带了5个托贫户和2个地震受灾户 … 我能拿好多补助: the asker names who they are and asks
        what they can have, so the measure that pays them answers, not one the story's setting is about."""
        assert self.scope is not None
        top = m.measures[0]
        payee = next((p for p in self.scope.payees if p.paid(m.norm)), None)
        if payee is None or top in payee.measures:
            return
        region = self.ix.region_of[top]
        target = next((x for x in payee.measures if self.ix.region_of[x] == region), None)
        if target is None or self.scope.point_score(top, m.said) >= POINT_SWITCH_ALONE:
            return  # a point of the top measure typed in its own words (交通补助 for the workers) stays
        m.measures = [target] + [x for x in m.measures if x != target]

    def _prefer_point(self, m: Match) -> None:
        """A question that types a point's own words (川字号, 商标, 创业培训) is about that point's measure,
        even when a setting word (合作社, 20万) ranked another measure first."""
        assert self.scope is not None  # match() asks only with a scope
        point, score = self.scope.strongest(m.said)
        top = m.measures[0]
        if point is None or top in point.measures or score < POINT_SWITCH_MIN:
            return
        needed = any(w in m.said for w in point.needs)
        if top in point.also_for and not needed:
            return
        if (score < POINT_SWITCH_ALONE and not needed and not any(x in m.measures for x in point.measures)
                and self.scope.distinct_words(point, m.said) < 2):
            return  # the matcher saw nothing of that measure: one shared word alone does not move it
        if score < self.scope.point_score(top, m.said) + POINT_SWITCH_MARGIN:
            return
        region = self.ix.region_of[top]
        target = next((x for x in point.measures if self.ix.region_of[x] == region), None)
        if target is None:
            other = next((x for x in m.measures[:2] if x in point.measures), None)
            if m.side_by_side and m.confidence >= 1.0 and other is not None:
                # 第七条 … 来沪优秀人才 绿色通道: a number both documents have; the one whose point is typed
                m.measures = [other] + [x for x in m.measures if x not in (other, top)]
                m.side_by_side, m.regions = False, [self.ix.region_of[other]]
            return
        rest = [x for x in m.measures if x not in (target, self.ix.counterpart.get(target))]
        cp = self.ix.counterpart.get(target)
        m.measures = [target] + ([cp] if m.side_by_side and cp else []) + rest

    def _match(self, question: str, region: str | None = None) -> Match:
        s = normalise(question)
        m = Match(question=question, norm=s, intent="question", truncated=len(question) > MAX_CHARS * 2)
        if not s:
            m.intent = "empty"
            return m
        places = self._places(s)
        m.places = [p for p, _, _ in places]
        named = sorted({self.ix.places[p] for p in m.places}, key=self.ix.regions.index)
        m.regions = named if named else ([region] if region else [])
        if places and (self._residual(s, m.places) == "" or _TOWN_LEFT.fullmatch(_without(s, m.places))):
            # 泸州纳溪护国镇: a town no list names, after the places it is in
            m.intent = "set_region"
            return m
        chat = self._chat_intent(s)
        if chat:
            m.intent = chat
            return m
        m.facets = [k for k, ws in self.ix.facets.items() if any(w in s for w in ws)]
        ref = _MEASURE_REF.search(s)
        if ref:
            idx = int(ref.group(1)) if ref.group(1).isdigit() else cn_to_int(ref.group(1))
            ids = [self.ix.index_of[(r, idx)] for r in (m.regions or self.ix.regions) if (r, idx) in self.ix.index_of]
            if ids:
                m.measures, m.confidence = ids, 1.0
                m.side_by_side = len(ids) > 1
                return m
        rest = s
        for _, a, b in places:
            rest = rest[:a] + "\0" * (b - a) + rest[b:]
        # a term that only repeats a place name is not a topic (泸定桥 in 我在泸定桥); one that
        # reaches beyond it is (圣洁甘孜)
        hits = [h for h in self._drop_subsumed(self._exact_hits(s) + self._pinyin_hits(s))
                if not any(a <= h.start and h.end <= b for _, a, b in places)]
        m.hits = hits
        scores: dict[str, float] = defaultdict(float)
        strong: dict[str, float] = defaultdict(float)  # specific words typed as the documents write them
        seen: set[str] = set()
        for h in hits:
            if h.kind == "oos" or h.term in seen:
                continue
            seen.add(h.term)
            for mid, w in self.ix.postings.get(h.term, {}).items():
                v = w * HIT_WEIGHTS[h.kind] * (NEED_BOOST if h.term in self.ix.needs else 1.0)
                scores[mid] += v
                if h.kind == "exact" and len(h.term) >= 3:
                    strong[mid] += v
        if "amount" in m.facets:
            for mid in scores:
                if mid in self.ix.has_amount:
                    scores[mid] *= AMOUNT_BOOST
        bm = self._bm25(rest, hits)
        total = {k: scores.get(k, 0) + BM25_WEIGHT * bm.get(k, 0) for k in set(scores) | set(bm)}

        def rank(k: str) -> tuple[float, str]:
            return -total[k], k  # ties (a measure and its counterpart) by id, not hash order

        oos = any(h.kind == "oos" for h in hits)

        def passes(k: str) -> bool:
            if oos:  # 身份证过期了: the subject is out of scope; a stray generic word must not answer it
                return strong.get(k, 0) >= MIN_TERM_SCORE * OOS_FACTOR
            return scores.get(k, 0) >= MIN_TERM_SCORE or bm.get(k, 0) >= MIN_BM25

        # the few measures that pass, ranked (most of those a bigram touches score too little to be ranked at all)
        passing = sorted(filter(passes, total), key=rank)
        chosen = [k for k in passing if not m.regions or self.ix.region_of[k] in m.regions]
        if not chosen and m.regions:
            chosen = passing
            m.outside_region = bool(chosen)
        if not chosen:
            overview = any(w in s for w in self.ix.chat["overview"]) or "劳务品牌" in s
            m.intent = "overview" if overview and not oos else "out_of_scope"
            m.scores = {k: total[k] for k in heapq.nsmallest(6, total, key=rank)}
            return m
        top = chosen[0]
        order = [top]
        cp = self.ix.counterpart.get(top)
        if cp and len(m.regions) != 1 and total.get(cp, 0) >= COUNTERPART_SHARE * total[top]:
            order.append(cp)
            m.side_by_side = True
        order += [k for k in chosen[1:] if k not in order]
        m.measures = order
        m.scores = {k: total[k] for k in order}
        second = next((total[k] for k in order[1:] if k != cp), 0.0)
        m.confidence = round(min(1.0, (1 - math.exp(-total[top] / 6)) * (1 - 0.5 * second / total[top])), 3)
        return m

    def _bm25(self, s: str, hits: list[Hit]) -> dict[str, float]:
        masked = s
        for h in hits:
            if h.kind == "oos":
                masked = masked[: h.start] + "\0" * (h.end - h.start) + masked[h.end :]
        out: dict[str, float] = defaultdict(float)
        terms = self._bm25_terms
        for g in set(_bigrams(masked)):
            for mid, v in terms.get(g, ()):
                out[mid] += v
        return out
