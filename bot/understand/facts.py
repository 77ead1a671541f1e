"""extract_facts(text) -> dict: what a message says about the user, whatever it asks.

Keys (each present only when the message says it):
  region: "luding" | "luzhou"   (place names in characters or pinyin: 叙永, xuyong, luding)
  place: the place name as found
  poor: "yes" | "monitored" | "monitored_only" | "no"   (脱贫户 / 监测户 / 监测户 不是脱贫户; 不是贫困户 → no)
  whom: "poor" | "disaster"     (the group people belong to: 脱贫人口, 灾区劳动力)
  disaster: "yes"               (灾区劳动力 / 受灾)
  days: int                     (培训天数: 学了15天, 两个星期 → 14)
  times: int                    (创业担保贷款 already borrowed: 贷过三次, 没贷过 → 0)
  staff: int, new_hires: int    (12个员工 今年新招了3个)
  new_hires_qualifying: int     (new hires with a contract of a year or more, when the contract was said)
  placed: int                   (people placed: 送了10个脱贫人口)
  groups: {group: int}          (counts split by group: 其中4个是脱贫人口 另外3个不是 → {"poor": 4, "other": 3})
  poor_count, disaster_count: int (of people counted by group: 其中7个是脱贫户 另外5个是普通农民 → 7, 0)
  contract_groups: {group: int} (of each group, those with a year's contract or more, said after its count),
                                with poor_signed, disaster_signed: int for an answer's sum
  to_firm: "no"                 (people placed on 公益性岗位 / in 机关事业单位, not with a firm)
  contract_months: int          (签了半年 → 6) and contract: int (how many have ≥ 12 months, when computable)
  jobless_pay, this_year, repaid, arrears, insured, cross, small, other_loans, jobs, project: "yes" | "no"
                                (cross also "not_work": going to another province, not to work: 带孙娃, 探亲)
  done: "yes" | "no"            (recognised: 评上国家级的了, 被认定为省级…; 还没评上 → no)
  cert: "got" | "pending" | "none"
  age: int
  youth: "yes" | "no"           (the 18–40 youth start-up loan asked about, with an age: within 18–40, business
                                 within 3 years and in 四川, or not)
  insured_count / insured_missing: int (六个交了社保 / 有三个还没买社保: how many of the people placed are, are not)
  start_outside: str            (where a business is started outside 四川: 想留在重庆渝北开个工作室 → 重庆)
  event_year / loan_year: int   (二零二二年就认定了 / 二零二四年贷了三十万), event_end: "MM-DD"
  year_named: int               (the latest year a message names: 打算二零二八年回来开厂)
Values that are approximate (十来天) are left out: the check asks for them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.kb.loader import default_knowledge_dir
from bot.numerals import CN_NUMBER, find_numbers
from bot.textnorm import Words, any_in, longest_first, occurrences, trie_pattern
from bot.understand.lexicon import A_NOT_A, Lexicon, clauses, load_lexicon, names_other, names_spouse, prep
from bot.understand.slots import (
    ASK,
    CATEGORY,
    _durations,
    _pairs,
    contracts_by_group,
    count_groups,
    count_qualifying,
    date_span,
    read_value,
)
from bot.understand.yesno import _about_other, _negations

CONTRACT_MONTHS = 12  # both documents: 签订1年以上劳动合同
_NOT_HERE = ("不是", "不在", "没在", "非")  # 不是泸定的: a place said so is not the user's
_SPACES = re.compile(r"\s+")
# extract_facts reads every message with these: compiled once
_DRAWS = re.compile(r"领|拿|享受")
_ASKING = re.compile(r"有没得|有没有|有莫得|能不能|可不可以|能否|[吗嘛]$|不嘛$")
_DRAWN = re.compile(r"(领|拿|享受)(过|了|到)|(没|未|不曾)有?(领|拿|享受)|已经?(领|拿|享受)")  # said, not asked (今年还能不能领)
_TRAINING = re.compile(r"培训|学|课|上了|参加")
_DAYS_WORD = re.compile(r"天|星期|周|个月")
_INSURE_VERB = re.compile(r"买|交|缴|参")
_INSURANCE_REQUIRED = re.compile(r"(非要|要求|还要|要我|让我|叫我|喊我|必须)[^\s]{0,8}(买|交|缴|上|参加)(社保|社会保险)")
_INSURED_STEADY = re.compile(r"(没|莫|冇|从没|从来没|从来莫|不曾)(有)?(断|停)(过|了)?")
_INSURANCE_STOPPED = re.compile(r"(?<![没莫冇不])(断了|停了|停缴|断缴|断交|停交)")
_OTHER_TIMES = re.compile(r"催缴|通知|培训|学了|考了|考试|检查|来过|跑了|去了")  # times of something other than a loan


def _short_anyway(hires: int, staff: Any) -> bool:
    """Even if every hire fitted a borrower group, too few for the firm rule (10 %, 5 % above 100 staff)."""
    return isinstance(staff, int) and staff > 0 and hires < math.ceil(staff * (5 if staff > 100 else 10) / 100)


# who a hire is, said anywhere (the check's count is of hires who fit a borrower group)
_QUALIFYING_SAID = re.compile(rf"{CATEGORY.pattern}|符合|复员|转业|大学|毕业|回乡|下岗|出狱|就业困难|网店|网络商户|"
                              r"这类|那几类|这几类|条件的")
_NOT_YET_INSURED = re.compile(r"(满|过了?|转正|试用期)[^\s]{0,8}(再|才)(买|交|缴|上|参)|(以后|之后|明年|下个月|年底)(再|才)(买|交|缴|上)")
_LENGTH_OF_OTHER = re.compile(r"合同|签了|签的|期限|贷")  # 合同都是三年 / 贷款期限三年: not days of training
_WORKED = re.compile(r"做了|干了|打工|打了|上班|务工|出去|在外|跑了|开了")  # the length of a job, a shop
_DREW = re.compile(r"领|失业金|失业保险|低保")  # 领了6个月失业金: how long a benefit was paid
_TRAINING_WORD = re.compile(r"培训|学|课")
_PLACING = re.compile(r"组织|送了|带了|介绍|输出|安排|帮.{0,8}找|推荐")
_CONTRACT = re.compile(r"合同|签")
_AGE_THIS_YEAR = re.compile(r"我?今年满?(\d{2}|[二三四五六七八九]十[一二三四五六七八九]?)(?=\s|$|岁|了)")  # 我今年41 在古蔺
_AGE = re.compile(r"(?<![差超过大小满])(\d+|[一二三四五六七八九十]+)岁")  # 差一岁 is no age
_AGE_OVER = re.compile(r"(?:今年|我都|都|已经|快)(\d{2}|[二三四五六七八九]十[一二三四五六七八九]?)多?了")  # 都五十多了


@lru_cache(maxsize=8)
def _places(root: str) -> tuple[tuple[str, str], ...]:
    """(name, region) for every place, and its typed pinyin (luding, xuyong), longest first."""
    from pypinyin import lazy_pinyin

    with open(Path(root) / "places.yaml", encoding="utf-8") as f:
        raw = yaml.safe_load(f) or {}
    out: dict[str, str] = {}
    for region, names in raw.items():
        for name in names or ():
            n = unicodedata.normalize("NFKC", str(name)).lower()
            out.setdefault(n, region)
            py = "".join(lazy_pinyin(n))
            if len(py) >= 5 and py.isascii():
                out.setdefault(py, region)
    return tuple(sorted(out.items(), key=lambda kv: -len(kv[0])))


@lru_cache(maxsize=8)
def _place_words(root: str) -> tuple[Words, Words]:
    """The place names in characters and in typed pinyin, each found in its own text at once."""
    names = [name for name, _ in _places(root)]
    return Words(n for n in names if not n.isascii()), Words(n for n in names if n.isascii())


_PLACE_NUMERALS = "零一二两三四五六七八九十"  # a numeral said right after a place name (合江九支)


@lru_cache(maxsize=8)
def _numbered_places(root: str) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """Numerals that are part of a place name: a name with one (二郎镇, 九龙), or a town said right after its county
    (合江九支, 古蔺二郎: a numeral after a place and before no unit), or the date naming an event (九五地震, 5·12地震),
    so that they are counted as nothing. Before it, two quick tests that a text may hold one (a name and a numeral; a
    name with one, or an event's word): the full pattern starts with groups, so re tries it at every position, while
    the tests skip every position no name starts at."""
    names = sorted({n for n, _ in _places(root) if not n.isascii()} | set(_elsewhere(root)), key=len, reverse=True)
    with_numeral = [n for n in names if CN_NUMBER.search(n)]
    events = list(load_lexicon(root).words("dated_events"))
    dated = rf"[\d{_PLACE_NUMERALS}]+(?:[·.、][\d{_PLACE_NUMERALS}]+)*(?=大?(?:{'|'.join(map(re.escape, events)) or '(?!)'}))"
    numbered = "|".join([*map(re.escape, with_numeral), dated])
    after = trie_pattern(set(names)) if names else "(?!)"  # as the names longest first, without trying each
    full = re.compile(rf"(?P<whole>{numbered})|(?P<place>{after})(?P<num>[{_PLACE_NUMERALS}]+)"
                      rf"(?![\d零一二两三四五六七八九十百千万个人名位天年月周岁元块次号日])")
    return re.compile(f"(?:{after})[{_PLACE_NUMERALS}]"), longest_first([*with_numeral, *events]), full


def mask_numbered_places(t: str, root: str) -> str:
    """Numerals of place names and dated events (合江九支, 九五地震) as @: no count is read from them."""
    def mask(m: re.Match) -> str:
        if m.group("whole"):
            return "@" * len(m.group())
        return m.group("place") + "@" * len(m.group("num"))
    place_and_numeral, with_numeral, pattern = _numbered_places(root)
    if not (place_and_numeral.search(t) or with_numeral.search(t)):
        return t  # no match is possible: most messages
    return pattern.sub(mask, t)


def _region(t: str, root: str) -> tuple[str, str] | None:
    """The place named last and not negated (不是泸定的 是泸州的 → 泸州)."""
    latin = _SPACES.sub("", t)
    chars, typed = _place_words(root)
    named = chars.found(t) | typed.found(latin)  # most names are in no message
    found: list[tuple[int, str, str]] = []
    for name, region in _places(root):
        if name not in named:
            continue
        hay = latin if name.isascii() else t
        at = hay.find(name)
        while at >= 0:  # each occurrence, left to right, not overlapping the one before (as re.finditer)
            if not any(p <= at < p + len(n2) for p, n2, _ in found) and not hay[max(0, at - 3):at].endswith(_NOT_HERE):
                found.append((at, name, region))
            at = hay.find(name, at + len(name))
    if not found:
        return None
    regions = {r for _, _, r in found}
    if len(regions) > 1:  # 我是泸定的 在泸州打了几年工: the user is from where they say, not where they worked
        fw = load_lexicon(root).raw.get("facts") or {}
        home = [x for x in found if _marked(hay_of(x[1], latin, t), x[0], x[1], fw.get("home_marks") or (), True)]
        work = [x for x in found if _marked(hay_of(x[1], latin, t), x[0], x[1], fw.get("work_after") or (), False)
                or hay_of(x[1], latin, t).startswith(tuple(fw.get("there_after") or ()), x[0] + len(x[1]))]
        keep = home or [x for x in found if x not in work]
        if keep and len({r for _, _, r in keep}) == 1:
            found, regions = keep, {keep[0][2]}
    pos, name, region = max(found)
    if len(regions) > 1 and not re.search(r"(不是|不对|说错|改成|应该是|其实是|是)", t):
        return None  # two regions, no word saying which: ask
    return name, region


@lru_cache(maxsize=8)
def _elsewhere_groups(root: str) -> dict[str, tuple[str, ...]]:
    """Places outside both regions by group (scope.yaml `elsewhere`: sichuan, other), longest first."""
    with open(Path(root) / "scope.yaml", encoding="utf-8") as f:
        raw = (yaml.safe_load(f) or {}).get("elsewhere") or {}
    return {g: tuple(sorted({unicodedata.normalize("NFKC", str(n)).lower() for n in names or ()}, key=len,
                            reverse=True)) for g, names in raw.items()}


@lru_cache(maxsize=8)
def _elsewhere(root: str) -> tuple[str, ...]:
    """Places outside both regions, longest first."""
    return tuple(sorted({n for names in _elsewhere_groups(root).values() for n in names}, key=len, reverse=True))


@lru_cache(maxsize=16)
def _workplaces(root: str, group: str, verbs: str = "work_after") -> tuple[Words, re.Pattern]:
    """在广东东莞做工 / 去成都双流的物流园上班: a workplace among scope.yaml's places outside both regions of one
    group (other: outside 四川; sichuan: inside it); the names are looked for first (most messages name none), the
    pattern only then."""
    raw = tuple(sorted({n for n, _ in _places(root) if not n.isascii()}, key=len, reverse=True)) if group == "home" \
        else _elsewhere_groups(root).get(group, ())  # home: the two regions' own places (去泸州一个酒厂打工)
    names = "|".join(map(re.escape, raw)) or "(?!)"
    work = "|".join(load_lexicon(root).fact_words(verbs)) or "(?!)"  # patterns: 打.{0,4}工
    # 在重庆江津一个建筑公司的工地上: the work said a while after the place, but not after moving on (在重庆读完大学回泸州开店)
    return Words(raw), re.compile(rf"(?:在|去|到|回)[^ ]{{0,4}}(?:{names})[^ 回去到来]{{0,12}}?(?:{work})")


def _work_sites(flat: str, root: str) -> tuple[tuple[str, int] | None, tuple[str, int] | None]:
    """Where the message works outside 四川, and inside it (elsewhere in the province or in the two regions, said
    last), each with where it is said."""
    home = [w for w in (_works_at(flat, root, "sichuan"), _works_at(flat, root, "home")) if w]
    return _works_at(flat, root, "other"), max(home, key=lambda w: w[1], default=None)


def _works_in(flat: str, root: str, group: str, verbs: str = "work_after") -> str | None:
    """The place of the group where the message works (or, with start_after, starts a business); else None."""
    found = _works_at(flat, root, group, verbs)
    return found[0] if found else None


def _works_at(flat: str, root: str, group: str, verbs: str = "work_after") -> tuple[str, int] | None:
    """_works_in and where in the message that is said."""
    names, pattern = _workplaces(root, group, verbs)
    if not names.found(flat):
        return None
    m = pattern.search(flat)
    name = next((n for n in sorted(names.found(m.group()), key=m.group().find)), None) if m else None
    return (name, m.start()) if name and m else None


@lru_cache(maxsize=8)
def _elsewhere_words(root: str) -> Words:
    """The places outside both regions, found in a message in one pass (most messages name none)."""
    return Words(_elsewhere(root))


# What is said around a place name, tried just before or after each occurrence of the place (str.find), as re would
# try a pattern naming the place at every position: one set of patterns for every place, nothing compiled per place.
_HOME_BEFORE = re.compile("(?:我是|我们是|我家|我屋|我们|老家|户口在|户籍在|家在)[^ ]{0,4}$")  # up to 7 characters
_HOME_AFTER = re.compile("[^ ]{0,4}的|(?:[县市区州镇乡村]|[^ ]{1,4}?[县市区州镇乡村])*的?( |$)")  # said first: X的, X县
_HERE_BEFORE = re.compile("(?:在|来|到|回|住|过来)[^ ]{0,2}$")  # up to 4 characters
_NO_SPACE = re.compile("[^ ]*")


def _said_home(t: str, place: str) -> bool:
    """我是X / 老家X / 户口在X, X的 or X县… said first (within 4 characters of the start), X人."""
    return any(_HOME_BEFORE.search(t, max(0, i - 7), i)
               or (i <= 4 and _NO_SPACE.match(t, 0, i).end() == i and _HOME_AFTER.match(t, j))  # type: ignore[union-attr]
               or t.startswith("人", j) for i, j in occurrences(t, place))


def home_elsewhere(t: str, root: str) -> str | None:
    """雅安石棉的 我是脱贫户 / 我是贵州赤水的 / 户口在炉霍 / 凉山州盐源县泸沽湖镇 (an answer naming places down to
    the town): the place outside both regions the user says is home (在浙江打工 is where they work, not home)."""
    homes = [(t.find(p), p) for p in _elsewhere_words(root).found(t) if _said_home(t, p)]
    if not homes:
        return None
    first = min(homes)[0]
    return max(h for h in homes if h[0] < first + 6)[1]  # 雅安石棉: the county, said after its city


def _here(t: str, place: str) -> bool:
    """在泸定学的 / 来泸州打工 / 住在纳溪: the user is in the region now, wherever home is."""
    return any(_HERE_BEFORE.search(t, max(0, i - 4), i) for i, _ in occurrences(t, place))


def _here_in(t: str, region: str, root: str) -> bool:
    """_here for any place of region the text names (民宿在泸定磨西镇 … 执照是泸定县发的: in 泸定, though the place
    named last is 泸定县 without 在)."""
    named = _place_words(root)[0].found(t)
    return any(_here(t, name) for name, r in _places(root) if r == region and name in named)


def hay_of(name: str, latin: str, t: str) -> str:
    return latin if name.isascii() else t


def _marked(hay: str, pos: int, name: str, patterns, home: bool) -> bool:
    """A place said as home (我是X, 老家X, X人) or as a workplace (在X打工, 去X上了几年班)."""
    if home:
        return any(re.search(p.replace("{p}", re.escape(name)), hay) and
                   any(m.start() <= pos < m.end() for m in re.finditer(p.replace("{p}", re.escape(name)), hay))
                   for p in patterns)
    before = hay[max(0, pos - 2):pos]
    after = hay[pos + len(name):pos + len(name) + 8].split(" ")[0]
    return bool(re.search(r"[在去到]$", before)) and any(re.match(r"[^ ]{0,4}?" + p, after) for p in patterns)


def consumer_amount(parts: list[str], lex: Lexicon) -> float | None:
    """The amount of a consumer loan or credit-card debt said (信用卡欠了六万多 → 60000; 借了个消费贷 现在还有12万没还完
    → 120000): figures in its clause and the next one, an approximate one by its lower bound (六万多: at least 6万)."""
    kinds = lex.fact_words("consumer_loan")
    at = next((i for i, p in enumerate(parts) if any(w in p for w in kinds)), None)
    if at is None:
        return None
    units = lex.units("money_yuan")
    found = []
    for p in parts[at:at + 2]:
        for n in find_numbers(p):
            after = p[n.end:]
            more = n.approx and (after[:1] == "多" or p[n.start:n.end].endswith("多"))  # 五万多: over 5万
            after = after[1:] if n.approx and after[:1] in ("来", "多", "几", "把") else after
            after = after[1:] if after[:1] == "个" else after  # 8个w, 八个万
            u = next((f for w, f in units.items() if after.startswith(w)), None)
            if re.search(r"[万千百]", p[n.start:n.end]):  # 六万多, 12万: the figure already counts its unit
                u = u if u == 1 else 1.0
            if u is not None and not re.search(r"(想|要|准备|申请|能)[^ ]{0,3}$", p[max(0, n.start - 5):n.start]):
                found.append(n.value * u + (1 if more else 0))
    return max(found) if found else None


# 财金〔2023〕75号 (read in local restatements): consumer loans "5万元以下" do not count as other loans
CONSUMER_LIMIT = 50000


_JOINED = re.compile(r"(进了|进的|进入|进到)[^\s，,。]{0,6}$")
_AT_WORK = re.compile(r"^(里|头|上|里头|里面)?(上班|工作|打工|干活|做事|当工人|当职工)")


def said_of_another(norm: str, i: int, lex: Lexicon) -> bool:
    """我老表从浙江打工回来…: a relative named just before position i, with no 我 after them, is who is spoken of."""
    before = norm[max(0, i - 8):i]
    rel = max(((before.rfind(w), w) for w in lex.words("others") if len(w) >= 2 and w in before), default=None)
    return rel is not None and "我" not in before[rel[0] + len(rel[1]):]


def where_one_works(norm: str, word: str) -> bool:
    """Every time the word is said, it is where the asker works (我在自来水公司上班): no firm that borrows."""
    found = list(occurrences(norm, word))
    return bool(found) and all((_AT_WORK.match(norm[e:]) and "在" in norm[max(0, i - 8):i])
                               or _JOINED.search(norm[max(0, i - 8):i]) for i, e in found)  # 毕业就进了燃气公司


_GOING_AWAY = re.compile(r"过去|去|到")
_COMING_BACK = re.compile(r"回")
EXEMPT_ONLY = "exempt"  # other_loans: one loan of a kind that does not count, said of itself (我有个车贷还差七万)


def _other_loans(parts: list[str], lex: Lexicon) -> str | None:
    """Other loans of the user and spouse (the check asks both): 其他贷款 said with a negation → no, without → yes;
    网贷/经营贷 → yes; 房贷/车贷/助学贷款/信用卡/5万以下消费贷 listed (two of them, the spouse's too, or 只有…) → no
    (they do not count); one of them named alone → EXEMPT_ONLY: it does not count, but whether there are others
    (a credit card over 5万) is not said, so a check still asks; as the answer to that question it is a no."""
    fw = lex.fact_words
    said: list[str] = []
    exempt: set[str] = set()
    listed = False  # a no that says there is nothing else: 别的没得 / 只有 / the spouse's loans named too
    for i, p in enumerate(parts):
        of_spouse = i > 0 and names_spouse(parts[i - 1], lex) and not names_other(re.sub("[他她]们?", "", p), lex)
        if names_other(p, lex) and not names_spouse(p, lex) and not of_spouse:
            continue  # 我老汉有个贷款: a father's or a brother's loan is not the user's or the spouse's (我婆娘…
            #           她在农商行贷了十五万的经营贷: 她 is the wife just named)
        if any_in(p, fw("other_loan_same_kind")) and any_in(p, fw("other_loan_owing")):
            said.append("yes")  # 第一笔创业担保贷款还有八万莫还完: still owed, so a loan the applicant has
            listed = True
            continue
        named = next((w for w in fw("other_loan_named") if w in p), None)
        if named:
            owing = any_in(p, fw("other_loan_owing"))
            core = p.replace(named, "")  # 别的 is no negation (别 alone is)
            for w in fw("other_loan_owing"):
                core = core.replace(w, "")
            said.append("yes" if owing or not _negations(core, lex) % 2 else "no")
            listed = True
            continue
        kind = next((w for w in fw("other_loan_yes") if w in p), None)
        if kind:
            said.append("no" if _negations(p[:p.index(kind)], lex) % 2 else "yes")
            listed = True
            continue
        ok = next((w for w in fw("other_loan_ok") if w in p), None)
        if ok and not _negations(p[:p.index(ok)], lex) % 2:
            big = consumer_amount(parts[i:], lex) if any_in(p, fw("consumer_loan")) else None
            if big is not None and big > CONSUMER_LIMIT and "以下" not in p:
                said.append("yes")  # a consumer loan over 5万 counts (the user's or the spouse's: both are asked)
                continue
            if big is None and any_in(p, fw("consumer_loan_sized")) and "以下" not in p:
                said.append("unsure")  # 还有个装修贷: no amount, so whether it counts (over 5万) is not known
                continue
            said.append("unsure" if big == CONSUMER_LIMIT and "以下" not in p else "no")
            exempt.add(ok)
            listed = listed or names_spouse(p, lex) or any_in(p, fw("other_loan_only"))
    if "yes" in said:
        return "yes"
    if "unsure" in said:
        return "unsure"  # 刚好五万整: "5万元以下" usually includes 5万 itself, but the bank decides
    if said and not listed and len(exempt) == 1:
        return EXEMPT_ONLY
    return "no" if said else None


_STAFF_WITH_HIRES = re.compile(r"(?:一共|总共|共|现在有|目前有)有?(\d+|[零一二两三四五六七八九十百千]+)个?人\s?(?:包括|其中|含|里头|里面|这里面)")


def _staff_pattern(lex: Lexicon) -> re.Pattern | None:
    """The head-count pattern of _staff, built once per lexicon."""
    if ("staff_pattern",) not in lex.memo:
        fw = lex.fact_words
        places = "|".join(map(re.escape, fw("firm_places")))
        people = "|".join(map(re.escape, fw("firm_people")))
        lex.memo[("staff_pattern",)] = re.compile(
            rf"(?:{places})[里头上]?\s?(?:现在|目前|一共|总共|共|现有)?(?:有|是)?(?:现在|目前|一共|总共|共)?"
            rf"(\d+|[零一二两三四五六七八九十百千]+)(?:{people})") if places and people else None
    return lex.memo[("staff_pattern",)]


def _staff(t: str, lex: Lexicon) -> int | None:
    """The firm's own head count: 公司有15个人, 厂里一共二十个人, 我们店有6个人."""
    pattern = _staff_pattern(lex)
    if pattern is None:
        return None
    m = next((x for x in pattern.finditer(t) if not _RATE_AFTER.match(t, x.end())), None)  # 企业一个人两百: a rate
    if not m and any_in(t, lex.fact_words("firm_places")):
        m = _STAFF_WITH_HIRES.search(t)  # 食品公司 … 现在一共二十一个人 包括今年新招的三个: the firm's total
    if not m:
        # 办公室8个人 车间92个: the firm's people told by department, summed
        parts = [read_value("people", x.group(1) + "个", lex) for x in _BY_DEPARTMENT.finditer(t)]
        return sum(parts) if len(parts) >= 2 and all(isinstance(v, int) for v in parts) else None
    v = read_value("people", m.group(1) + "个", lex)
    return v if isinstance(v, int) and v > 0 else None


def _this_time(t: str, lex: Lexicon) -> str:
    """The text without the clauses about an earlier year's batch (去年那批20个人签的两年), when counts remain."""
    events = lex.words("dated_events") + ("遭", "受灾", "灾")  # 两个是去年遭了洪灾的: the flood's year, not a batch's
    now = " ".join(c for c in t.split(" ") if not any_in(c, lex.fact_words("past_marks")) or any_in(c, events))
    return now if now and now != t and find_numbers(now) else t


_BY_DEPARTMENT = re.compile(r"(?:办公室|车间|行政|管理人员|管理层|一线|后勤|生产线|销售|财务)(?:的|有|是)?"
                            r"([\d一二两三四五六七八九十百]+)(?:个人|个|人|名|位)")
_RATE_AFTER = re.compile(r"[\d一二两三四五六七八九十百千]+(块|元|的)")  # 一个人两百的服务费: money per head follows
_PEOPLE_COUNTED = re.compile(r"[\d一二两三四五六七八九十百]+(个|名|人|位)")


def _said_unnegated(parts: list[str], words: tuple[str, ...], lex: Lexicon) -> bool:
    """One of words said of the user and not denied (以前是正式工 前年下岗了; not 也不是返乡的)."""
    return any(not _negations(p[:p.find(w)], lex) % 2 for p in parts for w in words if w in p)


def _identity(t: str, parts: list[str], lex: Lexicon) -> str | None:
    """Who the borrower is, said in passing: 退伍/当过兵 → veteran; 大学毕业 → graduate; back from working away
    (在广东厂里打了几年工 今年回来开火锅店) → migrant; in a job now (正式工, 在编) → employed. Clauses about someone
    else or denied do not count."""
    raw = lex.raw.get("facts") or {}
    own = [p for p in parts if not _about_other(p, lex, "")]
    for group, patterns in lex.identities():
        for p in own:
            m = next((m for m in (x.search(p) for x in patterns) if m), None)
            if m and not _negations(p[:m.start()], lex) % 2:
                return group
    text = " ".join(own)
    away = [m for x in lex.fact_patterns("migrant_away") for m in x.finditer(text)]
    first = min((m.start() for m in away), default=len(text))  # no work away: no coming back from it
    not_yet = tuple(raw.get("migrant_not_yet") or ())
    for x in lex.fact_patterns("migrant_back"):
        for m in x.finditer(text):
            if m.start() > first and not text[max(0, m.start() - 2):m.start()].endswith(not_yet) \
                    and not _negations(text[max(0, m.start() - 4):m.start()], lex) % 2:  # 也不是返乡的
                return "migrant"
    if not _said_unnegated(own, lex.fact_words("employed_not"), lex) and any(
            m and not _negations(p[:m.start()], lex) % 2 and not _PEOPLE_COUNTED.search(p)  # 在职职工38人: a firm's
            for p in own for m in (x.search(p) for x in lex.fact_patterns("employed_now"))):
        return "employed"  # 自来水公司的正式工 班还是照常上: in a job, none of the borrower categories
    return None


def asks_for_other(flat: str, lex: Lexicon) -> bool:
    """帮我老汉问一哈 / 替我妈咨询: the user asks for a relative, so what the message says of 他/她 is the subject's."""
    if ("proxy_pattern",) not in lex.memo:  # built once per lexicon: every message is read with it
        who = "|".join(map(re.escape, lex.words("proxy_for")))
        verbs = "|".join(map(re.escape, lex.words("proxy_verbs")))
        lex.memo[("proxy_pattern",)] = re.compile(f"(帮|替|给)(我|我们|我家|屋头)?的?({who}).{{0,3}}({verbs})")
    return bool(lex.memo[("proxy_pattern",)].search(flat))


_OWN_HOUSEHOLD = re.compile(r"(我们|我|咱们|咱)(屋头|屋里|家里|家)")


def _poor(parts: list[str], lex: Lexicon, proxy: bool = False) -> str | None:
    """yes / monitored / monitored_only / no over every clause of the user's that names a group (监测户 → monitored,
    监测户 不是脱贫户 → monitored_only):
    a negated word is never a yes; 监测户 is its own category, included in 脱贫人口 only where a clause says so.
    proxy: the user asks for a relative, whose clauses are the ones that count."""
    fw = lex.fact_words
    monitored = fw("monitored")
    said: dict[str, set[str]] = {"poor": set(), "monitored": set()}
    words = tuple(dict.fromkeys(fw("poor_yes") + monitored))
    for p in parts:
        if not any_in(p, words) or (not proxy and _about_other(p, lex, "") and not _OWN_HOUSEHOLD.search(p)):
            continue  # (我们屋头前年我老汉得了病纳入了监测户: the household's status, said of the father)
        for w in words:
            for i in _finds(p, w):
                if any(m in p[max(0, i - 4):i + len(w) + 4] and w in m and m != w for m in monitored):
                    continue  # 帮扶对象 inside 监测帮扶对象
                if _generic(p, i, w, lex):
                    continue  # 脱贫户有生活补贴: the rule for the group, not the user's own
                kind = "monitored" if w in monitored else "poor"
                said[kind].add("no" if _negations(_head(p, i, fw("poor_yes")), lex) % 2 else "yes")
    if "yes" in said["poor"]:
        return "yes"
    if "yes" in said["monitored"]:
        # 是监测户 不是脱贫户: told not 脱贫 in so many words, so a clause that names 脱贫人口 alone is not theirs
        return "monitored_only" if "no" in said["poor"] else "monitored"
    if said["poor"] or said["monitored"]:
        return "no"
    group = fw("poor_yes")
    if not proxy and any(any_in(p, group) for p in parts) and any(any_in(p, fw("self_not_poor")) for p in parts):
        return "no"  # 我姐屋头是脱贫户 … 我自己不是: the relative's household is, the user's is not
    return None


def _insured_people(parts: list[str], p: str, lex: Lexicon) -> dict[str, int]:
    """A count with the insurance clause: 六个交了社保 → insured_count 6; 有三个还没买社保 → insured_missing 3; also
    when the count opens the clause before and the insurance clause is negated (有三个还在试用期 厂里还没给买社保)."""
    from bot.understand.slots import subset_numbers

    scope = p
    i = parts.index(p)
    if not find_numbers(p) and i and re.search(r"有[\d一二两三四五六七八九十]+个", parts[i - 1]):
        scope = parts[i - 1] + " " + p
    for c in parts[i + 1:]:  # 脱贫户五个都买了 受灾的两个里头有一个…就莫买 其他的都买了: the same telling goes on
        if not _INSURE_VERB.search(c) or "险" in c:
            break
        scope += " " + c
    later = [c for c in scope.split(" ") if _NOT_YET_INSURED.search(c) and find_numbers(c)]
    if later:  # 八月份去的六个已经买上了社保 十月份去的三个要明年…满了试用期才买: three not insured yet
        rest = " ".join(c for c in scope.split(" ") if c not in later)
        done = subset_numbers(rest, lex) if find_numbers(rest) else None
        if done and done[0] and not done[1]:
            return {"insured_count": sum(done[0])}
        return {}
    split = subset_numbers(scope, lex)
    if not split:
        return {}
    have, lack = split
    if have and not lack:
        return {"insured_count": sum(have)}
    if lack and (not have or _REST_ALL.search(scope)):
        return {"insured_missing": sum(lack)}  # (…其他的都买了: everyone but those)
    return {}


def _generic(clause: str, at: int, word: str, lex: Lexicon) -> bool:
    """The group word starts the clause (after hearsay at most) and what follows says what the group gets."""
    head = clause[:at]
    for w in lex.fact_words("poor_generic_head"):
        head = head.replace(w, "")
    return not head and clause[at + len(word):].startswith(lex.fact_words("poor_generic_tail"))


def _head(clause: str, at: int, words: tuple[str, ...]) -> str:
    """What comes before a word in its clause, after the last group word before it (是监测户不是脱贫户: 不是)."""
    head = clause[:at]
    cut = max((head.rfind(w) + len(w) for w in words if w in head), default=0)
    return head[cut:]


def _finds(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + len(word))
    return out


_HIRE_GROUPS = re.compile(r"脱贫|贫困户|监测户|退役|退伍|当过兵|大学生|毕业生|返乡|农民工|失业|残疾|刑满")


def _hires_in_no_group(parts: list[str], lex: Lexicon) -> bool:
    """A firm's hires said to be in none of the borrower groups (不是脱贫户 也不是退役军人大学生), none said to be."""
    said = [(c, m) for c in parts if (m := _HIRE_GROUPS.search(c))]
    return bool(said) and all(_negations(c[:m.start()], lex) % 2 for c, m in said)


def _them_not_poor(parts: list[str], lex: Lexicon) -> bool:
    """他们都不是脱贫户 (about the people placed): a negated group word in a clause about them."""
    for p in parts:
        if not _about_other(p, lex, ""):
            continue
        w = next((w for w in lex.fact_words("poor_yes") if w in p), None)
        if w and _negations(p[:p.index(w)], lex) % 2:
            return True
    return False


def _over(clause: str, lex: Lexicon) -> bool:
    """The clause says a benefit has ended or was drawn before (领完了, 已经停了, 以前领过): not drawing it now."""
    if any_in(clause, lex.words("ended")):
        return True
    return any_in(clause, lex.words("past_time")) and not any_in(clause, lex.words("present_time"))


_HAD = re.compile(r"(领|拿|享受|吃)过")  # 领过: drawn at some time, not said to be drawn now
_STILL = re.compile(r"在领|正在|还在|现在|目前|一直|同时|那阵|期间|的时候")


def _drawn_before(parts: list[str], clause: str, lex: Lexicon) -> bool:
    """A benefit the clause names was drawn before and is not now: ended or past words in its clause
    (_over), 领过 with nothing saying it is still drawn, or an ended word in a later clause (领过 现在没领了)."""
    if _over(clause, lex):
        return True
    later = parts[parts.index(clause) + 1:] if clause in parts else []
    if any(any_in(p, lex.words("ended")) for p in later):
        return True
    return bool(_HAD.search(clause)) and not any(_STILL.search(p) for p in parts)


def _clause_with(parts: list[str], words: tuple[str, ...], lex: Lexicon, proxy: bool = False) -> str | None:
    """The first clause naming one of words that is about the subject: the user's own, or, when the user asks for a
    relative (proxy), the relative's first, else one that does not say 我 (是我在领失业金 is the user's own)."""
    if proxy:
        theirs = next((p for p in parts if any_in(p, words) and _about_other(p, lex, "")), None)
        if theirs is not None:
            return theirs
    for p in parts:
        if any_in(p, words) and not _about_other(p, lex, "") and not (proxy and "我" in p):
            return p
    return None


_ASKS = re.compile(r"能|可以|影响|吗|嘛|不$|没有?$")
ECHO_MAX = 8


def _echo(parts: list[str], words: tuple[str, ...], lex: Lexicon, proxy: bool) -> str | None:
    """A clause about the subject that answers, without naming it, a benefit just said of someone else: 我屋头那个
    在领失业金 我莫得领 (the user does not draw it); 是我在领失业金 我妈没领过 (asking for the mother: she does not)."""
    for i, p in enumerate(parts):
        if not any_in(p, words) or _about_other(p, lex, "") == proxy:
            continue  # a clause naming the benefit, about the one who is not the subject
        for q in parts[i + 1:i + 3]:
            if not any_in(q, words) and _about_other(q, lex, "") == proxy and _DRAWS.search(q) \
                    and len(q) <= ECHO_MAX and not _ASKS.search(q):
                return q  # a short statement (我莫得领), not a question (这个影响我领生活补贴不)
    return None


def _subject_clause(parts: list[str], words: tuple[str, ...], lex: Lexicon, proxy: bool = False) -> str | None:
    """The clause naming one of words about the subject, or the subject's clause that answers it for them (_echo)."""
    return _clause_with(parts, words, lex, proxy) or _echo(parts, words, lex, proxy)


def _said(parts: list[str], words: tuple[str, ...], lex: Lexicon, proxy: bool = False) -> str | None:
    """yes/no: the subject's clause naming one of words, negated or not (没有领失业金 → no)."""
    return _said_in(_subject_clause(parts, words, lex, proxy), words, lex)


_THERE_TOO = re.compile(r"(那边|那里|那儿|一起|跟到|跟着|也在)")
_WENT_WITH = re.compile(r"(跟|和|同)(到|着)?[^\s]{0,4}(一起)?(去|到|过去|跑到)")  # 跟到老表去福建: the user went too
_GOES_WITH = re.compile(r"(跟|和|同|带)[^\s]{0,4}(一起)?(去|到|过去)")  # 跟我表哥去西藏: where the user goes too
_CONTRIBUTES = re.compile(r"(扣|交|缴|买|上)[^\s]{0,8}失业保险(?!金)|失业保险(?!金)[^\s]{0,6}(交|缴|扣|买)(过|了|的)")
_TOPIC_DENIED = re.compile(r"(我|我们|他|她)?(都|也|就|从来|一直|根本)?(没|莫|冇|没有|莫得|未|不)(得)?(去)?(办|领|拿|申请|要|报)")


def _said_in(p: str | None, words: tuple[str, ...], lex: Lexicon) -> str | None:
    if p is None or any(u in p for u in lex.words("unknown")):
        return None  # 失业金不晓得: nothing said either way
    w = next((w for w in words if w in p), None)
    head = p[:p.index(w)] if w else p[:_DRAWS.search(p).end()]  # type: ignore[union-attr]
    if w and not _negations(head, lex) % 2 and _TOPIC_DENIED.match(p[p.index(w) + len(w):]):
        return "no"  # 失业金我莫去办: the thing said first, then denied
    return "no" if _negations(head, lex) % 2 else "yes"


def _phrase_said(t: str, yes: tuple[str, ...], no: tuple[str, ...], lex: Lexicon) -> str | None:
    """yes/no from phrase lists whose phrases overlap: of two overlapping, the one that starts first holds (没拖欠工资
    is 没拖欠, not 拖欠工资; 没有逾期 is not 有逾期), then the longest; a yes phrase after an odd number of negations
    in its clause is a no (莫得拖欠工资; 没有哪一次不是按时还的 stays yes). None when no phrase is there."""
    flat = t.replace(" ", "")
    if not any_in(flat, yes + no):
        return None
    starts = [0] + [i - n for n, i in enumerate(m.start() for m in re.finditer(" ", t))]  # clause starts in flat
    spans = [(i, i + len(w), v) for v, words in (("yes", yes), ("no", no)) for w in words for i in _finds(flat, w)]
    spans = [(a, b, "no" if v == "yes" and _negations(flat[max(s for s in starts if s <= a):a], lex) % 2 else v)
             for a, b, v in spans]
    kept = [a for a in spans if not any(b[2] != a[2] and b[0] < a[1] and a[0] < b[1] and
                                        (b[0] < a[0] or (b[0] == a[0] and b[1] > a[1])) for b in spans)]
    return max(kept, key=lambda a: (a[1] - a[0], -a[0]))[2] if kept else None


def _done(parts: list[str], lex: Lexicon) -> str | None:
    """Recognised already (评上国家级的了, 被认定为省级…, 批下来了) → yes; 还没评上 → no; planned (想评, 准备申报) → None."""
    fw = lex.fact_words
    for p in parts:
        verb = next((w for w in fw("done_verbs") + fw("done_yes") if w in p), None)
        if verb is None:
            continue
        if _negations(p[:p.index(verb)], lex) % 2:
            return "no"
        if any_in(p, fw("done_yes")) or (any_in(p, fw("done_marks")) and
                                                   not any_in(p, fw("done_plans"))):
            return "yes"
    return None


_SOME = re.compile(r"有些|有的|部分|个别|少数|几个")
_MONTH_SAID = re.compile(r"([一二三四五六七八九十]{1,2}|\d{1,2})月份?")
_LIVING = ("生活补", "生活费", "生活交通", "生活(交通)", "生活（交通）")


def _drawn_this_year_by_month(parts: list[str], lex: Lexicon) -> bool:
    """The living subsidy said drawn in a month named without a year (四月份…领了六百的生活补帖): this year's."""
    for i, c in enumerate(parts):
        if not (_DRAWN.search(c) and any_in(c, _LIVING)) or _negations(c, lex) % 2 or names_other(c, lex):
            continue
        window = (parts[i - 1] + " " if i else "") + c
        if _MONTH_SAID.search(window) and not any_in(window, lex.fact_words("past_marks")):
            return True
    return False


_RUN_FOR = re.compile(r"(开|办|做|干|经营|成立|搞)(了|都|起)?(都|已经)?(快|有|将近|差不多)?"
                      r"(\d{1,2}|[一二两三四五六七八九十]{1,3})(多)?年")
_RUN_AFTER_BUSINESS = re.compile(r"(?:店|厂|公司|超市|门市|生意|农家乐|民宿|馆子|铺子|作坊|工作室)(?:都|已经|开了|开起|办了|做了)+"
                                 r"(?:快|有|将近|差不多)?(\d{1,2}|[一二两三四五六七八九十]{1,3})多?年")
_BUSINESS = re.compile(r"店|厂|公司|生意|农家乐|民宿|馆|铺|摊|作坊|合作社|养殖|种植|工作室|超市|门市|企业")


def _business_years(parts: list[str], lex: Lexicon) -> int | None:
    """Years the asker's own business has run (在泸县开火锅店都开了5年了, 公司成立六年了); not years worked away."""
    for i, c in enumerate(parts):
        m = _RUN_FOR.search(c)
        if not m or names_other(c, lex) or _WORKED.search(c[:m.start()]):
            continue
        if _BUSINESS.search(c) or (i and _BUSINESS.search(parts[i - 1]) and not _RUN_FOR.search(parts[i - 1])):
            n = read_value("people", m.group(5), lex)
            if isinstance(n, int) and 0 < n < 60:
                return n
    for c in parts:  # 在古蔺开小超市已经四年了: the business named, then how long it has run
        m = _RUN_AFTER_BUSINESS.search(c)
        if m and not names_other(c, lex):
            n = read_value("people", m.group(1), lex)
            if isinstance(n, int) and 0 < n < 60:
                return n
    return None


_NONE_HIRED_NOW = re.compile(r"今年.{0,4}(一个都|一个也|都)?(莫|没|没有|没得|不曾)(有)?(新)?(招|进|雇|聘)")
_REST_ALL = re.compile(r"(其他|其它|其余|别的|剩下|剩余)的?(人)?(都|全)")
_LOAN_AFTER = re.compile(r"(企业)?的?(创业)?(担保)?贷")


def names_the_loan(flat: str, word: str) -> list[bool]:
    """For each place the word is typed: whether the loan's name follows it (小微企业(的)(创业担保)贷款, 个人创业担保贷款)."""
    return [_LOAN_AFTER.match(flat, i + len(word)) is not None for i in _finds(flat, word)]
_FIRM_SAID = re.compile(r"(是|我们|我的|咱们|属于|算|就是)$")


def _loan_name(flat: str, word: str) -> bool:
    """Every 小微企业 typed is the name of the loan (想申请小微企业创业担保贷款), which says nothing of the firm;
    我们小微企业贷款 / 是小微企业 still say it."""
    return all(loan and not _FIRM_SAID.search(flat[:i]) for i, loan in zip(_finds(flat, word), names_the_loan(flat, word)))


def _staff_span(parts: list[str], lex: Lexicon) -> tuple[int, int] | None:
    """The range of an approximate staff count, read in the clause that names the staff (员工一百二十来个)."""
    from bot.understand.slots import approx_range

    clause = next((p for p in parts if any_in(p, lex.words("staff_words"))), None)
    return approx_range(clause, lex) if clause else None


def _unsure_before(flat: str, word: str, lex: Lexicon) -> bool:
    """不晓得算不算小微企业: the word is asked about, not stated."""
    i = flat.find(word)
    return any(u in flat[max(0, i - 8):i] for u in lex.words("unknown"))


_CN_DIGIT = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {"〇": "0", "两": "2"}
_EVENT_YEAR = re.compile(r"(?<![\d一二三四五六七八九零〇])(?:二零|20)?([一二两三四五六七八九零〇]{2}|\d{2})年[^ ]{0,4}?"
                         r"(认定|评上|评定|评为|获评|挂牌|批准|创建|成立|认证|评的)")

_ANY_YEAR = re.compile(r"(?<![\d一二三四五六七八九零〇])(?:二零|20)([一二三四五六七八九零〇]{2}|\d{2})年")
_LOAN_YEAR = re.compile(r"(?<![\d一二三四五六七八九零〇])(?:二零|20)?([一二两三四五六七八九零〇]{2}|\d{2})年[^ ]{0,8}?(?:贷|借|带款|代款)")


def event_dates(t: str) -> dict[str, Any]:
    """When what the asker asks about happened, for a document's validity: 二零二二年就认定成省级的了 → event_year
    2022; 十二月十号到二十五号去学 → event_end "12-25" (the last day, this year unless 去年/前年 is said)."""
    out: dict[str, Any] = {}
    said_year = "年" in t  # both year patterns need it, and start with a look-behind re tries at every position
    m = _EVENT_YEAR.search(t) if said_year else None
    if m:
        year = 2000 + int("".join(_CN_DIGIT.get(c, c) for c in m.group(1)))
        if 2015 <= year <= 2035:
            out["event_year"] = year
    m = _LOAN_YEAR.search(t) if said_year else None
    if m:
        year = 2000 + int("".join(_CN_DIGIT.get(c, c) for c in m.group(1)))
        if 2009 <= year <= 2035:
            out["loan_year"] = year  # 二零二四年在泸州贷了三十万: under the ceiling of that year, not today's
    years = [2000 + int("".join(_CN_DIGIT.get(c, c) for c in y)) for y in _ANY_YEAR.findall(t)] if said_year else []
    if years:
        out["year_named"] = max(years)  # 打算二零二八年回来开厂: a figure in force may not hold by then
    span = date_span(t)
    if span is not None and span[3] is not None and not re.search(r"去年|前年", t):
        out["event_end"] = f"{span[3][0]:02d}-{span[3][1]:02d}"
    return out


def extract_facts(text: str, root: str | Path | None = None, for_other: bool = False) -> dict[str, Any]:
    """The facts a message states (see the module docstring for keys and values). for_other: the user said
    before that they ask for a relative (帮我妈问一哈), so a clause about the relative is the subject's."""
    root = str(root or default_knowledge_dir())
    lex = load_lexicon(root)
    t = prep(text)
    if not t:
        return {}
    parts = clauses(t)
    flat = t.replace(" ", "")
    f: dict[str, Any] = {}
    f.update(event_dates(t))
    place = _region(t, root)
    own_said = " ".join(c for c in t.split(" ") if not names_other(c, lex))
    if place and place[0] not in own_said and not (for_other or asks_for_other(t.replace(" ", ""), lex)):
        place = _region(own_said, root)  # 我表弟在泸州也当经济人: the cousin's place, not the asker's
    away = home_elsewhere(t, root)
    if away:
        f["elsewhere"] = away
    if place and not (away and not _here_in(t, place[1], root)):  # 石棉跟泸定挨到的: named, but home is 石棉
        f["place"], f["region"] = place
    t = mask_numbered_places(t, root)  # 合江九支: a town, not nine people
    parts, flat = clauses(t), t.replace(" ", "")
    fw = lex.fact_words
    proxy = for_other or asks_for_other(flat, lex)
    poor = _poor(parts, lex, proxy=proxy)
    if poor:
        f["poor"] = poor
        if poor == "yes":
            f["whom"] = "poor"
    elif _them_not_poor(parts, lex):
        f["whom"] = "other"  # 他们都不是脱贫户: the people placed are in no group the documents name
    if _said(parts, fw("disaster_yes"), lex) == "yes":
        f["disaster"] = "yes"
        f["whom"] = "disaster"
    # 每个月扣二十几块的失业保险: contributions paid, not the benefit drawn
    jobless = _subject_clause([c for c in parts if not _CONTRIBUTES.search(c)], fw("jobless_pay"), lex, proxy)
    v = _said_in(jobless, fw("jobless_pay"), lex)
    if v == "yes" and _drawn_before(parts, jobless or "", lex):
        v = "no"  # 失业金三月份就领完了 / 以前领过失业金 / 二月到七月领过失业金: not drawing it now
    if v is None and any(_CONTRIBUTES.search(c) and _negations(c, lex) % 2 for c in parts):
        v = "no"  # 失业保险我从来莫交过: never paid in, so not drawing the benefit
    if v:
        f["jobless_pay"] = v
    p = _clause_with(parts, ("今年",), lex, proxy)
    if p and _DRAWN.search(p) and "失业" not in p:
        f["this_year"] = "no" if _negations(p, lex) % 2 else "yes"
    elif _drawn_this_year_by_month(parts, lex):
        f["this_year"] = "yes"  # 四月份在县上学了十二天的厨师 领了六百的生活补帖: a month of this year, drawn
    # 这个证有没得培训补贴: a question says nothing of the certificate; 我婆娘考了个证: hers, asked for
    stated = [c for c in parts if "证" in c and not _ASKING.search(c)] if "证" in flat else []
    p = _clause_with(stated, ("证",), lex) or next(iter(stated), None)
    if p:
        if any_in(p, fw("cert_pending")) or re.search(r"(还没|还莫|还冇|没有?|莫得?|冇|未)(拿到|考|发|下来)", p):
            f["cert"] = "pending" if re.search(r"还没|还莫|还冇|还在|正在|准备|等", p) else "none"
        elif _negations(p, lex) % 2:
            f["cert"] = "none"
        elif re.search(r"拿到|考到|有|取得|到手|发了|考过|拿了|考了|考起|办了|领了", p):
            f["cert"] = "got"
    p = _clause_with(parts, ("社保", "社会保险", "参保"), lex)
    if p and not any_in(p, fw("arrears_yes") + fw("arrears_no")):  # 没欠社保 says no arrears, not insurance
        from bot.understand.yesno import read_yesno

        v = read_yesno(p, "参加社会保险了吗").value
        after = parts[parts.index(p) + 1] if p in parts and parts.index(p) + 1 < len(parts) else ""
        # 社保说干满一年再买 现在还莫得买: the last word; 只买了意外险 is another insurance, not this one
        if _INSURE_VERB.search(after) and not any_in(after, ("社保", "社会保险", "参保", "险")):
            v = read_yesno(after, "参加社会保险了吗").value or v
        if _NOT_YET_INSURED.search(p):
            v = "no"  # 干满一年再买 / 转正了才交: not insured now
        elif _INSURED_STEADY.search(p):
            v = "yes"  # 社保从来没断过: paid all along
        elif _INSURANCE_STOPPED.search(p):
            v = "no"  # 社保停了 / 断缴了: not insured now
        if _INSURANCE_REQUIRED.search(p):
            v = None  # 非要我签一年以上合同还要买社保: what someone asks for, not whether it is paid
        if v in ("yes", "no") and not (v == "no" and _SOME.search(p)):  # 有几个还没买: some, not everyone
            f["insured"] = v
        f.update(_insured_people(parts, p, lex))
        if f.get("insured_count") and f.get("insured") == "no":
            del f["insured"]  # 试用期过了才买 … 八月份去的六个已经买上了: some are, the count says how many
    for key in ("repaid", "arrears", "jobs", "project") + (() if "insured" in f else ("insured",)):
        v = _phrase_said(t, fw(f"{key}_yes"), fw(f"{key}_no"), lex)
        if v:
            f[key] = v
    if any_in(flat, fw("to_firm_no")):
        f["to_firm"] = "no"  # 联系到乡政府的公益性岗位: 「到企业就业」 it is not (a firm is assumed: the check's step)
    owed = consumer_amount(parts, lex)
    if owed is not None:
        f["consumer_loan_yuan"] = owed  # 信用卡欠了六万多: decides whether it counts as another loan (5万)
    other = _other_loans(parts, lex)
    if other:
        f["other_loans"] = other
    # (跟到老表去福建晋江一个鞋厂上班: going with a relative is the user's own move; 我表哥在成都上班 is the cousin's)
    own_parts = [c for c in parts if not names_other(c, lex) or (_WENT_WITH.search(c) and "说" not in c)]
    # 我在成都上班 我老汉在广东东莞: where the user works, not the father
    mine = _work_sites("".join(own_parts).replace(" ", ""), root) if 0 < len(own_parts) < len(parts) and not proxy \
        else (None, None)
    others_named = 0 < len(own_parts) < len(parts) and not proxy
    # 儿子在广东东莞厂头上班 … 喊我过去带孙娃: a relative's workplace is not the user's (那边: theirs, the user's too)
    work_away, work_home = mine if any(mine) or (others_named and not _THERE_TOO.search("".join(own_parts))
                                                 and not _GOES_WITH.search(flat)) \
        else _work_sites(flat, root)
    # 算不算跨省 asks, 算跨省 says; 村头说跨省的有交通补助 tells the rule, not where the user works; 我兄弟去年去广东
    # 领了个跨省的: his
    told = "".join(c for c in (own_parts if any(mine) else parts) if not any_in(c, fw("hearsay"))).replace(" ", "")
    said_cross = any_in(A_NOT_A.sub("", told), fw("cross_yes"))
    if said_cross and any_in(told, fw("trip_cancelled")):
        # 本来说去浙江义乌 车票都买了 … 没去成 退了票 五月份去了成都双流: the trip away did not happen
        said_cross, work_away = False, None
    if work_away and work_home and work_home[1] > work_away[1] and not said_cross:
        f["cross"] = "no"  # 进了一个上海的公司 但是派到宜宾的厂头上班: where the work is, said last
    elif said_cross or work_away:
        f["cross"] = "yes"
    elif work_home:
        f["cross"] = "no"  # 去成都双流上班: inside 四川, not 跨省
    elif any(_GOING_AWAY.search(c) and not _COMING_BACK.search(c) and any_in(c, fw("away_not_work")) for c in parts):
        f["cross"] = "not_work"  # 喊我过去帮他们带孙娃: going there, but not to work
    started = _works_in(flat, root, "other", "start_after")
    if started:
        f["start_outside"] = started  # 想留在重庆渝北开个工作室: a business outside 四川, where
    if any_in(flat, fw("small_no")):
        f["small"] = "no"
    elif any(w in flat and not _unsure_before(flat, w, lex) and not _loan_name(flat, w) for w in fw("small_yes")):
        f["small"] = "yes"  # not 不晓得算不算小微企业: that is for the check to ask; not 申请小微企业创业担保贷款
    done = _done(parts, lex)
    if done:
        f["done"] = done
    # numbers, each to the slot its unit and words name
    if _TRAINING.search(flat) or _DAYS_WORD.search(flat):
        # 合同都是三年 / 贷款期限三年: a contract's or a loan's length, not days of training
        kept = [c for c in parts if not _LENGTH_OF_OTHER.search(c)
                and not ((_WORKED.search(c) or _DREW.search(c)) and not _TRAINING_WORD.search(c))]  # 在温州做了八年皮鞋
        untied = " ".join(kept)
        days = read_value("days", untied, lex) if untied and _TRAINING.search(flat) else None
        mine_only = " ".join(c for c in kept if not names_other(c, lex))
        if days is not None and not proxy and mine_only != untied and mine_only:
            own_days = read_value("days", mine_only, lex)  # 我兄弟去年学了20天 … 9月25号到10月6号我去学了: mine
            days = own_days if isinstance(own_days, int) else days
        now_only = " ".join(c for c in kept if not any_in(c, fw("past_marks")))
        if days is not None and now_only != untied and now_only:
            now_days = read_value("days", now_only, lex)  # 去年学电焊学了八天 … 今年十一月十九号开始学挖机: this one
            days = now_days if isinstance(now_days, int) else days
        if isinstance(days, int):
            f["days"] = days
    if "贷" in flat:
        loan_said = " ".join(c for c in parts if "贷" in c or not _OTHER_TIMES.search(c))  # (社保局下了两回催缴通知)
        times = read_value("times", loan_said or t, lex)
        if isinstance(times, int) and (times > 0 or re.search(r"没贷|没有贷|第一次|头一回|从没", flat)):
            f["times"] = times
        elif any_in(flat, fw("borrowed_no")):
            f["times"] = 0
    # a head count is read only when its words are there (read_value is the dearer test)
    staff = read_value("staff", t, lex) if any_in(flat, lex.words("staff_words")) else None
    if staff == ASK:  # 在职的一百零四个员工 … 比例好像是百分之五: the staff's own clause, not another's 好像
        own = read_value("staff", " ".join(c for c in parts if any_in(c, lex.words("staff_words"))), lex)
        staff = own if isinstance(own, int) else staff
    if isinstance(staff, int):
        f["staff"] = staff
    elif staff == ASK and (span := _staff_span(parts, lex)) is not None:
        f["staff_span"] = list(span)  # 员工一百二十来个: a check takes it when both ends give one result
    elif (own := _staff(t, lex)) is not None:
        f["staff"] = own
    # 招了25个学员: a school's trainees, not a firm's hires
    hires = read_value("new_hires", t, lex) if any_in(flat, lex.words("new_hire_words")) and not any(
        flat[n.end:].lstrip("个名位").startswith(lex.words("trainee_nouns")) for n in find_numbers(flat)) else None
    if hires == ASK:  # 营业额一千五百万左右 … 今年新招了六个: the hires' own clause, not the turnover's 左右
        own = read_value("new_hires", " ".join(c for c in parts if any_in(c, lex.words("new_hire_words"))), lex)
        hires = own if isinstance(own, int) else hires
    if isinstance(hires, int) and hires and (_NONE_HIRED_NOW.search(flat) or all(
            any_in(c, fw("hired_long_ago")) for c in parts if any_in(c, lex.words("new_hire_words")))):
        hires = 0  # 前年招了四个 … 今年一个都莫新招: the loan counts this year's hires (当年新招用)
    if isinstance(hires, int) and hires and not _QUALIFYING_SAID.search(flat) and not _short_anyway(hires, f.get("staff")):
        hires = None  # 今年新招了十个人: how many of them fit a borrower group is not said; the check asks it (unless
        #               even all of them would be too few: 40个工人 去年新招了2个)
    if isinstance(hires, int):
        f["new_hires"] = hires
        if hires and "staff" in f and _hires_in_no_group(parts, lex):
            f["new_hires"] = 0  # 新招了三个 … 不是脱贫户 也不是退役军人大学生: none of them counts for the loan
    if "staff" not in f and _PLACING.search(flat):
        placed = read_value("placed", _this_time(t, lex), lex)  # not 去年那批20个人
        if isinstance(placed, int):
            f["placed"] = placed
    # one group counted (30个脱贫户学员) gives an answer's sum; only a split by group is a check's groups
    counted = count_groups(_this_time(t, lex), lex, single=True) if "staff" not in f and "new_hires" not in f else None
    if isinstance(counted, dict) and len(counted) > 1:
        f["groups"] = counted  # 其中4个是脱贫人口 另外3个不是: a check counts only the groups it covers
        by_group = contracts_by_group(_this_time(t, lex), CONTRACT_MONTHS, lex)
        if by_group:
            f["contract_groups"] = by_group  # 五个是灾区的 有四个签的一年半 一个签的八个月: four of them count
            for g in ("poor", "disaster"):  # for an answer's sum: each paid group's people with a year or more
                if g in by_group or not counted.get(g):
                    f[f"{g}_signed"] = by_group.get(g, 0)
        if _PLACING.search(flat) and f.get("placed", 0) < sum(counted.values()):  # 组织了8个脱贫户和5个灾区的: 13
            f["placed"] = sum(counted.values())
    if counted == ASK and _PLACING.search(flat):
        # 带了11个人 6个是脱贫户 4个是灾区的 另外3个是普通的: the groups do not add up to the people placed, so neither
        # whom nor how many is known; the check asks them (never all eleven as one group)
        for k in ("whom", "placed"):
            f.pop(k, None)
    if isinstance(counted, dict):
        f["poor_count"], f["disaster_count"] = counted.get("poor", 0), counted.get("disaster", 0)  # for an answer
        f["other_count"] = counted.get("other", 0)  # 七个是脱贫户 三个不是: people no clause pays for
    if any_in(flat, fw("no_contract")) and not _durations(t, "contract_months", lex):
        f["contract_months"] = 0  # 没签劳动合同: nobody has a contract of a year or more
    elif _CONTRACT.search(flat) or (isinstance(f.get("placed"), int) and _pairs(t, lex, f["placed"])):
        # (6个月的5个 两年的3个 after people placed: their contracts, even without the word)
        # the lengths said of contracts: 学了十天 签了一年合同 is a one-year contract (十天 is the training)
        signed = " ".join(c for c in parts if _CONTRACT.search(c)) or t
        durs = _durations(signed, "contract_months", lex)
        if durs and not any(a for *_, a in durs):
            # 开了五年了 / 在广东干了5年: how long a shop or a job has run, no contract's length
            said = [c for c in parts if _CONTRACT.search(c) or not _WORKED.search(c)]  # (a firm's: 上班 is placing)
            q = count_qualifying(_this_time(t, lex), CONTRACT_MONTHS, f.get("placed"), lex) if "staff" not in f else (
                count_qualifying(" ".join(c for c in said if not any_in(c, lex.words("hire_other")) and (
                    _CONTRACT.search(c) or not (any_in(c, lex.words("staff_words"))
                                                or any(n.value == f["staff"] for n in find_numbers(c))))),
                                 CONTRACT_MONTHS, f["new_hires"], lex) if isinstance(f.get("new_hires"), int) else None)
            if isinstance(q, int) and "staff" in f:
                f["new_hires_qualifying"] = min(q, f["new_hires"])  # 新招了6个 其中3个签的半年 3个签的两年: 3
            elif isinstance(q, int):  # people placed with contracts; a firm's staff and hires are not summed here
                f["contract"] = q
            lengths = {v for v, *_ in durs}
            # 侄儿只签了11个月 另外5个都签的一年整: lengths on both sides of a year, not counted: the check asks
            if isinstance(q, int) or max(lengths) < CONTRACT_MONTHS or min(lengths) >= CONTRACT_MONTHS:
                f["contract_months"] = int(min(lengths))
    if "new_hires" in f and "new_hires_qualifying" not in f:  # not counted above from the hires' own lengths
        if "contract_months" in f and "contract" not in f:
            # new hires count for a loan only with a contract of a year or more (签的半年合同 → none of them)
            f["new_hires_qualifying"] = f["new_hires"] if f["contract_months"] >= CONTRACT_MONTHS else 0
        elif isinstance(f.get("contract"), int):
            f["new_hires_qualifying"] = min(f["new_hires"], f["contract"])
    if isinstance(f.get("new_hires_qualifying"), int) and isinstance(f.get("staff"), int) and f["staff"] > 0:
        f["hires_percent"] = round(100 * f["new_hires_qualifying"] / f["staff"], 2)  # 30个工人 新招2个: 6.67
    group = _identity(t, parts, lex)
    if group:
        f["group"] = group
    m = _AGE_THIS_YEAR.search(t) or _AGE.search(flat) or _AGE_OVER.search(flat)
    if m:
        age = read_value("people", m.group(1), lex)
        if isinstance(age, int):
            f["age"] = age
    years = _business_years(parts, lex)
    if years is not None and not proxy:
        f["business_years"] = years  # 火锅店都开了5年了: how long the asker's business has run (创业3年内)
    if isinstance(f.get("age"), int) and any_in(flat, fw("youth_loan")):
        # 我今年四十岁 … 免息的 我刚好四十还算不算: the youth loan asked about, by someone whose age decides it
        f["youth"] = "yes" if 18 <= f["age"] <= 40 and f.get("business_years", 0) <= 3 \
            and "start_outside" not in f else "no"
    return {k: v for k, v in f.items() if v != ASK}
