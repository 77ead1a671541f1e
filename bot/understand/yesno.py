"""Yes / no / unknown in a typed answer, with the scope of negation (今年没领过, 还没有领, 不是脱贫户,
没有逾期 to 有没有逾期 → no; to 按时还了吗 → yes), dialect (莫得, 冇, 要得, 对头), clauses about someone else
dropped (是我哥在领), and a count behind it (贷过3次 → yes, 3)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.numerals import find_numbers
from bot.textnorm import any_in
from bot.understand.lexicon import A_NOT_A, Lexicon, clauses, load_lexicon, names_other, names_spouse, prep

_CONTRAST = ("但是", "可是", "不过", "只是")
_FUNCTION = set("您你我的了吗呢吧啊呀么是有在这那个一和或还都也就过今年以前之后后前培训期间")


@dataclass(frozen=True)
class YesNo:
    value: str | None  # yes | no | unsure | None (not understood)
    count: int | None = None  # a number said with it (贷过3次, or a bare 3)


def _excluded(question: str) -> dict[str, float | None]:
    """Words the question itself says do not count: （助学贷款、房贷、5万元以下的消费贷……不算）, each with the
    amount below which it does not count (消费贷: 50000), or None when any amount is excluded."""
    out: dict[str, float | None] = {}
    for m in re.finditer(r"[（(]([^（）()]*?)(?:不算|除外|不计)[^（）()]*[）)]", question):
        limit: float | None = None
        for w in re.split(r"[、，,和及或\s]+", m.group(1)):
            cap = re.match(r"^(\d+)(万?)元?以下的?", w)
            w = w[cap.end():] if cap else w
            if cap:  # 5万元以下的消费贷和信用卡: the cap holds for the items after it as well
                limit = float(cap.group(1)) * (10000 if cap.group(2) else 1)
            for tail in (w[i:] for i in range(max(1, len(w) - 3)) if len(w[i:]) >= 2):  # 脱贫人口小额信贷 ~ 小额信贷
                out.setdefault(tail, limit)
    return out


def _over_limit(clause: str, limit: float | None) -> bool:
    """The clause names an amount above the limit up to which what it names does not count (八万块的消费贷;
    "5万元以下" includes 5万 itself, as 以下 does in Chinese rules)."""
    if limit is None:
        return False
    from bot.understand.facts import consumer_amount

    v = consumer_amount([clause], load_lexicon())  # 六万多 is at least 6万
    return v is not None and v > limit


def _at_limit(clause: str, limit: float | None) -> bool:
    from bot.understand.facts import consumer_amount

    return limit is not None and consumer_amount([clause], load_lexicon()) == limit


def _about_other(clause: str, lex: Lexicon, question: str) -> bool:
    if names_spouse(question, lex):
        # 您和配偶…: a clause about the spouse answers too; one about a father or a brother does not
        return names_other(clause, lex) and not names_spouse(clause, lex)
    if any_in(question, lex.words("about_them")):
        return False
    return any_in(clause, lex.words("others"))


def _negations(clause: str, lex: Lexicon, drop: tuple[str, ...] = ()) -> int:
    c = A_NOT_A.sub("", clause)
    for w in drop:
        c = c.replace(w, "")
    for w in lex.words("not_negation"):
        c = c.replace(w, "")
    for w in lex.words("unknown"):
        c = c.replace(w, "")
    negators = _negators(lex)
    return len(negators.findall(c)) if negators is not None else 0


def _negators(lex: Lexicon) -> re.Pattern | None:
    """The negators as one pattern, made once per lexicon: left to right, at each place the first of the
    (longest-first) words that is there, then on after it; the same count as trying each word at each place."""
    key = ("negators_pattern",)
    if key not in lex.memo:
        words = lex.words("negators")
        lex.memo[key] = re.compile("|".join(map(re.escape, words))) if words else None
    return lex.memo[key]


def _count(text: str, lex: Lexicon) -> int | None:
    units = lex.words("count_units")
    for num in find_numbers(text):
        after = text[num.end:num.end + 2]
        if re.match(r"个?(月|星期|礼拜|周|年|天|岁|人|元|块|万)", after):
            continue
        if not num.approx and (any(after.startswith(u) for u in units) or after.startswith("个")):
            return int(num.value)
    return None


def _polarity(clause: str, question: str, lex: Lexicon) -> str | None:
    if clause in lex.words("unknown") or any_in(clause, lex.words("unknown")):
        return "unsure"
    if clause in lex.words("yes_words"):
        return "yes"
    if clause in lex.words("no_words"):
        return "no"
    flip = topical = False
    bad_words: tuple[str, ...] = ()
    for good, bad in lex.antonyms:
        c_good, c_bad = any_in(clause, good), any_in(clause, bad)
        q_good, q_bad = any_in(question, good), any_in(question, bad)
        topical = topical or ((c_good or c_bad) and (q_good or q_bad))  # 拖了半年才还上 is about 逾期
        if (c_bad and q_good and not q_bad) or (c_good and not c_bad and q_bad and not q_good):
            flip = True
            bad_words = tuple(w for w in bad if w in clause and any(n in w for n in ("没", "不", "未")))
    negs = _negations(clause, lex, bad_words)
    at_least = _threshold(question)
    if at_least is not None:
        from bot.understand.slots import _durations

        durs = _durations(clause, "contract_months", lex)
        if durs and not any(a for *_, a in durs):
            return "yes" if min(v for v, *_ in durs) >= at_least else "no"
    done_q = re.search(r"了吗|过吗|了没|已经|是否|拿到|有没有|了么", question) and not re.search(r"在(领|学|拿|参加|培训|上|干)", question)
    if done_q and negs % 2 == 0 and not flip and any_in(clause, lex.words("first_time")):
        return "no"  # 今年头一回: not received before
    if negs % 2 == 0 and done_q and any_in(clause, lex.words("not_yet")) and not flip:
        return "no"
    if negs % 2 == 1:
        return "yes" if flip else "no"
    # no negation: positive only when the clause affirms something the question asks about
    shared = {ch for ch in clause if "\u4e00" <= ch <= "\u9fff" and ch not in _FUNCTION} & set(question)
    affirm = any(w in clause for w in lex.words("yes_words") if len(w) >= 2) or clause[:1] in ("是", "对", "嗯", "有")
    if shared or affirm or negs or topical or re.search(r"[了过]$", clause):
        return "no" if flip else "yes"
    return None


def only_ack(answer: str, question: str = "", lex: Lexicon | None = None) -> bool:
    """The typed answer is only an acknowledgement or a request for a check (好的 帮我测一下)."""
    return _only_ack(prep(answer), lex or load_lexicon(), prep(question).replace(" ", ""))


def _only_ack(t: str, lex: Lexicon, question: str = "") -> bool:
    """The answer is only an acknowledgement or a request (好的 帮我测一下, 行, 可以): no yes/no content, unless
    the question asks for that very word (经营得好吗？ 好)."""
    rest = t.replace(" ", "")
    for w in lex.words("ack_words") + lex.words("check_requests"):
        if w not in question and not (w[:1] in question and len(w) > 1 and w[1:] in ("的", "吧", "嘞", "滴")):
            rest = rest.replace(w, "")
    return rest != t.replace(" ", "") and not re.sub(r"[啊呀吧嘛哈的了呢噻撒嘞哦喔你您我就那]", "", rest)


def _only_past(clause: str, lex: Lexicon) -> bool:
    """A clause about a time before now, or about something that has ended (以前领过, 领完了)."""
    if any_in(clause, lex.words("present_time") + lex.words("ongoing_q")):
        return any_in(clause, lex.words("ended"))
    return any_in(clause, lex.words("past_time") + lex.words("ended"))


def _opposes(clause: str, question: str, lex: Lexicon) -> bool:
    """The clause names the bad side of a pair the question asks the good side of (逾期 to 按时还了吗)."""
    return any(any_in(clause, bad) and any_in(question, good)
               and not any_in(question, bad) for good, bad in lex.antonyms)


def _threshold(question: str) -> float | None:
    """A question about a length (签订了1年以上劳动合同？): the months it needs."""
    m = re.search(r"(\d+|一|两|半)(个)?(年|月)以上", question)
    if not m:
        return None
    n = {"一": 1, "两": 2, "半": 0.5}.get(m.group(1)) or float(m.group(1))
    return n * (12 if m.group(3) == "年" else 1)


def after_correction(t: str, lex: Lexicon) -> str:
    """What follows the last correction marker (今年领过了 说错了 今年没领 → 今年没领)."""
    best = -1
    end = 0
    for w in lex.words("correction"):
        i = t.rfind(w)
        if i >= 0 and i + len(w) > end:
            best, end = i, i + len(w)
    if best < 0:
        return t
    rest = t[end:].strip()
    return rest or t[best:end]


_TO_COME = re.compile(r"了才|后才|才会|等到|到时候|下个月|下月|明年才|满.{1,5}才")
_ECHO = re.compile(r"^\s*[^？?。，,！!\s]{1,6}[？?]+")


def _without_echo(answer: str) -> str:
    """A word asked back before the answer (失业金？她都没上过班 哪来的失业金嘛) is no answer itself."""
    rest = _ECHO.sub("", answer, count=1)
    return rest if rest.strip() else answer


def read_yesno(answer: str, question: str = "", lex: Lexicon | None = None) -> YesNo:
    """How a typed answer answers a yes/no question (the question is used for what it asks about)."""
    lex = lex or load_lexicon()
    answer = _without_echo(answer)
    t, q = prep(answer), prep(question).replace(" ", "")
    if not t:
        return YesNo(None)
    flat = t.replace(" ", "")
    # a bare number (3, 两次, 0): yes with that count, or no for 0
    m = re.fullmatch(r"(?:贷过|贷了|领过|有)?(\S+?)(?:个|次|回|遍|趟|笔)?(?:了|过|吧)?", flat)
    if m and re.fullmatch(r"[\d零〇一二两俩三四五六七八九十百]+", m.group(1)):
        nums = find_numbers(m.group(1))
        if len(nums) == 1 and not nums[0].approx:
            times = int(nums[0].value)
            return YesNo("yes" if times > 0 else "no", times)
    if q and _only_ack(t, lex, q):
        return YesNo(None)  # 好的 / 帮我测一下: no yes or no to a question about a fact
    if flat in lex.words("yes_words"):
        return YesNo("yes", _count(flat, lex))
    if flat in lex.words("no_words"):
        return YesNo("no", 0 if re.search(r"次|回", flat) else None)
    t = after_correction(t, lex)
    flat = t.replace(" ", "")
    if flat in lex.words("no_words"):
        return YesNo("no")
    if flat in lex.words("yes_words"):
        return YesNo("yes", _count(flat, lex))
    parts = clauses(t)
    # a correction marker is not itself the answer (说错了 我没有领)
    fixed = []
    for p in parts:
        for w in lex.words("correction"):
            if len(p) > len(w):
                p = p.replace(w, "")
        if p:
            fixed.append(p)
    parts = fixed or parts
    if any(any_in(p, lex.words("unknown")) for p in parts):
        return YesNo("unsure")  # 好像贷过 记不清了: an answer that says it does not know is unknown
    own = [p for p in parts if not _about_other(p, lex, q)]
    if not own:
        return YesNo(None)
    # a clause about another time does not answer a question about now (去年领过 今年还没领)
    past = lex.words("past_time")
    if not any(w in q for w in past) and len(own) > 1:
        now = [p for p in own if not any(w in p for w in past)]
        own = now or own
    if len(own) > 1:  # 试用期过了才交 现在还没交: what is to come is no answer about now
        own = [p for p in own if not _TO_COME.search(p)] or own
    if not any(w in q for w in past) and all(_only_past(p, lex) for p in own):
        # 以前领过 / 失业金领完了: "no" to whether it is drawn now; to 今年…吗 it says nothing about this year
        ongoing = any_in(q, lex.words("ongoing_q"))
        if ongoing:
            return YesNo("no")
        if any_in(q, lex.words("present_time")) and not any(w in p for p in own for w in lex.words("ended")):
            return YesNo(None)
    excluded = _excluded(question)
    several = names_spouse(q, lex)  # 您和配偶: the question asks about more than the user
    repaying = any(w in q for good, bad in lex.antonyms for w in good + bad)
    answer_value: str | None = None
    for p in own:
        if any_in(p, lex.words("found_out")) and not _negations(p, lex) and len(own) > 1:
            continue  # 其他几个我也问了 都莫得: the finding is in the next clause
        # a clause naming the opposite of what is asked (还是还了 就是晚了点) outweighs the plain ones
        contrast = p.startswith(_CONTRAST) or _opposes(p, q, lex)
        core = re.sub(r"^(但是|可是|不过|只是)", "", p) or p
        v = _polarity(core, q, lex)
        named = [w for w in excluded if w in p]
        if v == "yes" and named and any(_at_limit(p, excluded[w]) for w in named):
            v = "unsure"  # 刚好五万整: at the very limit, the bank decides
        if v == "yes" and named and not any(_over_limit(p, excluded[w]) for w in named):
            # the only thing affirmed is something the question says does not count (老婆有房贷)
            rest = p
            for w in sorted(excluded, key=len, reverse=True):
                rest = rest.replace(w, "")
            if not any_in(rest, lex.fact_words("other_loan_any")):
                v = "no"
        if v == "yes" and any_in(p, lex.words("paid_off")) and not repaying:
            v = "no"  # 现在还清了: no loan held now
        if v == "yes" and any_in(p, lex.words("ended")) and any_in(q, lex.words("ongoing_q")):
            v = "no" if len(own) == 1 else None  # 今年六月份就领完了: not now; another clause may say more (又续上了)
        if v is None:
            continue
        if answer_value is None or contrast or (v == "yes" and several):
            answer_value = v  # 我个人莫得 我老婆有个八万的消费贷: to "you and your spouse", any one who has says yes
    if answer_value is None:
        return YesNo(None)
    count = _count(flat, lex)
    if answer_value == "no" and count:
        count = None
    return YesNo(answer_value, count)
