"""Turn a Match into reply text: the fact asked for first, then source, contact, dated notes, next steps."""

from __future__ import annotations

import datetime as dt
import re

from bot import loan_math
from bot.callback import encode
from bot.kb import KnowledgeBase
from bot.kb.schema import Measure
from bot.matcher import Match
from bot.mention import named_part, sentence_naming
from bot.models import Button, Reply
from bot.numerals import cn_to_int
from bot.points import Answer, Case, Point, Points, load_points
from bot.textnorm import normalise, occurrences
from bot.understand.lexicon import prep

OPEN_SAID = "没有写"  # a point line that already names what the documents leave open
_QUOTED = re.compile(r"“([^”]{1,12})”")
_ASKS_SLIP = re.compile(r"写错|错了|笔误|错字|打错|什么意思|啥意思|啥子意思")  # the message asks about the slip itself
SLIP_ASKED_NEAR = 8  # characters after a slipped word within which a facet word asks about the slip (沪字号是不是)
_SUM_TYPED = re.compile(r"\d{2,}|[一二两三四五六七八九十][百千万]")  # a sum typed (1000, 八百)
WHO_ASKS_NEXT = 4  # characters: 能不能 / 可不可以 right before a facet's word ask that facet, not who may
GENERIC_FACETS = ("validity", "contact", "complain", "apply")  # answered from the measure's record when no point settles them
SIDE_BY_SIDE_LEAD = 90  # characters of each region's summary when two are shown together
# asked of an office, or whether two can be had together: a case that does not name them does not answer them
CASE_BLIND_FACETS = ("apply", "contact", "complain", "materials", "deadline", "duration", "both")
OTHER_PART_MIN = 4  # characters of another point's own words that make a later part of a message its question
MENTION_MAX = 8  # characters: a longer stretch after 有没有提到 is a sentence, not a thing to say is not written
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|万元|元|万)")  # a sum or share a line states, what 两地一样不 compares
VALIDITY_SOON_DAYS = 90  # a document ending within this many days says how many are left
LOAN_UPDATE = "loan-ceilings"  # updates.yaml entry whose ceilings a loan asked for is compared with
_AT_WORK = "(打工|务工|上班|做工|干活|打零工|工地|进厂|厂里|修路|修房子|搞建筑|送外卖|跑外卖|跑快递|跑车|开车|做活路|下矿|挖矿|采茶|电子厂|服装厂|鞋厂|工厂|的厂|摘棉花|捡棉花|摘花椒|摘茶|摘果子|摘苹果|摘葡萄|跑运输|做保洁|做生意|摆摊)"  # 在深圳打工, 去广东进厂: where the asker works
# 贷六十万, 能不能带到四十万, 差四十万左右: the amount (万) a loan question asks for
# the loan asked for (想贷六十万); not the amount of another loan said (消费贷六万, 房贷30万, 欠了借呗8万)
_FIRM = re.compile(r"企业|公司|小微|厂的名义|店的名义|(酒店|宾馆|饭店|餐馆|合作社)的名义")
_PERSON_BORROWS = re.compile(r"(?<![\d几十两一二三四五六七八九百千多来])个人")
_QUOTED_FIGURE = re.compile(r"(文件|写的|听说|说是|不是说|规定|以前是|原来是)[^，。 想要打]{0,16}$")  # 文件写的…贷款四百万: not the sum wanted
_WANTED = re.compile(loan_math.NOT_THIS_LOAN + r"(?<!营)(?<!信)(?:贷|带|借|差|缺|要)(?:款|到|个|得到|得了)?"
                     r"(\d+|[一二三四五六七八九十两百]+)\s*万"  # 经营贷, 信贷 as well
                     r"|(?:申请|办|批)(\d+|[一二三四五六七八九十两百]+)\s*万(?:元|块)?的?(?:创业)?(?:担保|但保)?(?:贷款|代款|贷)")


_OWED_BEFORE = re.compile(r"还差$")  # 车贷还差七万: a balance owed, not the loan wanted


class Answerer:
    def __init__(self, kb: KnowledgeBase, points: Points | None = None):
        self.kb = kb
        self.t = kb.texts
        self.points = points if points is not None else load_points(kb)

    def say(self, key: str, **kw) -> str:
        return self.t[key].format(**kw)

    def date(self, d: dt.date) -> str:
        return self.say("date", year=d.year, month=d.month, day=d.day)

    # -- pieces -------------------------------------------------------------------------------
    def cite(self, m: Measure) -> str:
        return self.say("cite", title=self.kb.documents[m.region].cite_title, number=m.number)

    def key_facts(self, m: Measure, facets: list[str]) -> str:
        """The facts of the kind asked for, in one line: figures for 多少, with the limits that bound
        them (每年只享受一次, 不可同时领取失业保险金); limits alone for 几次."""
        if "amount" in facets:
            key = [f for f in m.facts if f.kind in ("amount", "rate")] + [f for f in m.facts if f.kind == "limit"]
        elif "often" in facets:
            key = [f for f in m.facts if f.kind == "limit"]
        else:
            return ""
        if not any(f.value is not None for f in key) and "often" not in facets:
            return ""
        return "；".join(f"{f.label}{f.value:g}{f.unit}" if f.kind in ("amount", "rate") else f.label for f in key)

    def lead(self, m: Measure, match: Match, short: bool) -> str:
        facts = self.key_facts(m, match.facets)
        summary = _relevant_sentences(m.summary, _asked_words(match), SIDE_BY_SIDE_LEAD) if short else m.summary
        if facts and short:
            return facts + "。"
        if not facts:
            return summary
        # the summary's sentences that repeat the figures just given are left out
        figures = [f"{f.value:g}{(f.unit or '')[:1]}" for f in m.facts if f.value is not None and f.label in facts]
        rest = "".join(x for x in re.findall(r"[^。；]+[。；]?", summary) if not any(g in x for g in figures))
        return f"{facts}。{rest}"

    def update_notes(self, measures: list[Measure], today: dt.date) -> list[str]:
        out, seen = [], set()
        for m in measures:
            for uid in m.updates:
                if uid in seen:
                    continue
                seen.add(uid)
                u = self.kb.updates[uid]
                p = u.in_force(today)
                out.append(self.say("update_now", topic=u.topic, individual=p.individual, enterprise=p.enterprise,
                                    number=p.number, scope=p.scope or "") if p else self.say("update_none",
                                                                                            topic=u.topic))
                docs = {self.kb.documents[x.region] for x in measures}
                if any(d.amounts_until and today > d.amounts_until for d in docs):
                    out.append(self.say("amounts_after"))
                out.append(self.say("update_confirm"))
        return out

    def validity_notes(self, measures: list[Measure], today: dt.date) -> list[str]:
        out = []
        for region in dict.fromkeys(m.region for m in measures):
            doc = self.kb.documents[region]
            if doc.expires:
                key = "validity_expired" if today > doc.expires else "validity_left"
                out.append(self.say(key, name=doc.short, expires=self.date(doc.expires), office=doc.office))
        return out

    # -- whole replies ------------------------------------------------------------------------
    def overview(self, match: Match) -> str:
        """What the two documents offer; an asker from elsewhere hears first that their place has its own."""
        place = self.points.place_elsewhere(match.norm)
        if place is not None and _from_elsewhere(match.norm, place, match.places):
            return self.say("elsewhere_asker", place=place) + "\n" + self.t["overview"]
        other = self._other_document(match.norm)
        if other is not None:
            return other
        if "validity" in self.points.asked(match.norm):  # 红城工匠22条 有效期几年: the document's own record
            return "\n".join(self._validity_line(r) for r in (match.regions or list(self.kb.documents)))
        return self.t["overview"]

    def measures_reply(self, match: Match, today: dt.date, facts: dict | None = None) -> list[Reply]:
        """First line: the facet asked, for this asker, in the asker's region (both only where they differ);
        then the clause that supports it, source, contact; then dated notes and what to do next."""
        ms = [self.kb.measures[i] for i in match.measures]
        shown = ms[:2] if match.side_by_side else ms[:1]
        top = shown[0]
        facets = self.points.asked(match.norm)
        if facets[:1] == ["validity"] and any(w in match.norm for w in self.points.document_words):
            # 泸定那个22条有效期几年 / 泸州那个二十三条是不是要到期了 到时候…还有没有: the documents' record first
            return [Reply("\n".join(self._validity_line(r, today) for r in (match.regions or [top.region])))]
        if not set(facets) - {"amount", "who"}:  # 想贷六十万 够不够; not 贷20万 利息好多 (the interest is asked)
            facts = {**(facts or {}), **self._loan_wanted(match.norm, today)}
        elif "interest" in facets and "wanted" in (wanted := self._loan_wanted(match.norm, today)):
            facts = {**(facts or {}), "wanted": wanted["wanted"]}  # 免息的想贷15万: the figure, no ceiling verdict
        place = self.points.place_elsewhere(match.norm)
        if place is not None and place not in self.points.in_province and _works_there(match.norm, place) and (
                not facts or facts.get("cross") == "yes"):  # 儿子在广东东莞上班 … 喊我过去带孙娃: the son's, not the asker's
            facts = {**(facts or {}), "workplace": place}  # 在贵州赤水的厂里上班: outside 四川, so 跨省
        point = self.points.pick(top.id, match.said, facets, facts)
        if (point is not None and len(facets) > 1 and facets[0] in GENERIC_FACETS and facets[0] not in point.facets
                and "who" in facets):  # 能不能贷 找哪家银行: yes or no first, then the office
            facets = ["who"] + [f for f in facets if f != "who"]
        if point is not None and top.id not in point.measures:  # a certificate question asking for money
            top = next((self.kb.measures[i] for i in point.measures if self.kb.measures[i].region == top.region), top)
            shown = [top]
        if point is not None and not match.side_by_side and len(match.regions) != 1:
            # the point speaks for both documents: show both only if its line differs between them, and not when
            # the message names one document's own brand only (评上了泸字号 … 是不是一直有效: 泸州's)
            cp = self.kb.measures.get(top.counterpart or "")
            brands = {d.region for d in self.kb.documents.values() if d.brand and d.brand in match.norm}
            if cp is not None and cp.id in point.measures and brands != {top.region}:
                shown = [top, cp]
        if point is not None:
            shown = [m for m in shown if m.id in point.measures] or shown[:1]
        own = self._own_region(match.norm) if len(shown) == 2 else None
        if own is not None and shown[1].region == own:  # 我是泸定的…泸州那边是这样 我们泸定呢: theirs first
            shown = shown[::-1]
        facts = dict(facts or {})
        if place is not None and _mine(match.norm, place, work=False) and all(
                match.norm.find(place) < match.norm.find(x) for x in match.places):
            facts["home"] = place  # 我是安庆的脱贫户 在泸州干活: a rule for local people is not theirs
            if place in self.points.in_province:
                facts["home_sichuan"] = place  # 我们宜宾评上川字号有没有: a rule of the province is theirs too
        lines, quotes, later, sichuan = self._first_lines(match, shown, point, facets, today, facts)
        lines = self._same_figures(shown, facets, lines) + lines
        lines = self._mentioned(match, top, lines) + lines
        lines = self._loan_figures(match.norm, top, today) + lines
        lines += self._other_part(match, point, shown, today, facts)
        if match.aside:  # 还有工钱找哪个要: the other question's office, right after this answer
            lines.append(self.say("aside_topic", office=self.points.oos_office(match.aside)))
        slip = next((n for m in shown for n in m.notes if _slip_in(n, match.norm)), None)
        spoken = slip is not None and bool(lines) and _slip_in(slip, lines[0])  # the answer speaks of it (“沪”是笔误)
        if slip is not None and not spoken:  # 沪字号是不是上海的: the question is about the slip itself, unless it goes on to ask
            end = _slip_end(slip, match.norm)  # 来沪 … 沪不是上海吗 我这种能走不: the answer first, then the slip
            after = not _ASKS_SLIP.search(match.norm, end) and any(
                self.points.position(match.norm, f) > end + SLIP_ASKED_NEAR for f in facets)
            lines = lines[:1] + [self.say("slip", note=slip)] + lines[1:] if after else [self.say("slip", note=slip)] + lines
        asker_elsewhere = place is not None and _from_elsewhere(match.norm, place, match.places) and not (
            (later or sichuan) and place in self.points.in_province)  # a Sichuan-wide figure or rule is theirs too
        # 贵州那边最高能贷好多 (from 泸州 work): the question is about another place's rule, whoever asks
        asked = next((p for p in self.points.places_elsewhere(match.norm) if p not in self.points.in_province
                      and _asks_there_first(match.norm, p)), None) if not asker_elsewhere else None
        if asker_elsewhere:  # 我们宜宾有没得: their own place decides; the documents' rule follows
            lines = [self.say("elsewhere_asker", place=place)] + lines
        elif asked is not None:
            lines = [self.say("elsewhere_asked", place=asked)] + lines
        for m in shown:
            q = quotes.get(m.id)
            if q and not any(squash_eq(q, quotes[o.id]) for o in shown[: shown.index(m)] if o.id in quotes):
                lines.append(self.say("quote", quote=q))
        lines.append(self.cite(top) if len(shown) == 1 else self.say(
            "cite_pair", title=self.kb.documents[shown[0].region].cite_title, number=shown[0].number,
            other_title=self.kb.documents[shown[1].region].cite_title, other_number=shown[1].number))
        lines.append(self._contact(shown))
        for m in shown:
            if quotes.get(m.id):
                lines += [self.say("slip", note=n) for n in m.notes if _slip_in(n, quotes[m.id]) and n != slip
                          and not (spoken and _slip_in(n, lines[0]))]
        if point is None:
            lines += self.update_notes(shown, today)
        elif later:
            lines.append(self.say("update_confirm"))
        lines += self.validity_notes(shown, today)
        asks_there = _asks_there(match.norm, place) if place else False
        away = point is not None and facts.get("workplace") == place and any(
            k == "workplace" for c in point.cases for k, _, _ in c.known + c.also)  # a rule for working away
        if place and not asker_elsewhere and asked is None and not sichuan and (not match.places or asks_there) and (
                asks_there or not away):
            lines.append(self.say("elsewhere", place=place))
        if len(shown) == 1 and len(self.kb.documents) > 1 and (match.outside_region or top.counterpart is None
                                                                  or (point and top.counterpart not in point.measures)):
            other = next(d for r, d in self.kb.documents.items() if r != top.region)
            lines.append(self.say("only_region", name=self.kb.documents[top.region].name, other=other.name))
        buttons = [Button(self.t["full_text_button"], encode("text", top.id))]
        other_hint = ""
        if len(shown) == 1 and top.counterpart:
            other = self.kb.documents[self.kb.measures[top.counterpart].region]
            other_hint = self.say("next_other", other=other.short)
            buttons.append(Button(other.short, encode("show", top.counterpart)))
        lines.append(self.say("next_steps", other_hint=other_hint))
        text = "\n".join(lines)
        if match.truncated:
            text = self.say("too_long", limit=400) + "\n" + text
        return [Reply(text, [buttons])]

    # -- the first line ---------------------------------------------------------------------------
    def _first_lines(self, match: Match, shown: list[Measure], point: Point | None, facets: list[str],
                     today: dt.date, facts: dict) -> tuple[list[str], dict[str, str], tuple[str, ...], bool]:
        """The answer line(s) and the quotes behind them: one line when the regions agree, one per region
        (labelled) when they differ."""
        regions = [m.region for m in shown]
        picked = self._pick_answer(match.norm, point, facets, regions, facts) if point is not None else None
        if picked is None:
            return self._measure_lines(match, shown, facets, today, point), {}, (), False
        assert point is not None  # an answer is picked only from a point
        answer, fill, via = picked
        texts = {m.region: self._fill(answer.for_region(m.region) or "", answer, fill, today) for m in shown}
        if via is not None:  # a fact said earlier decides this: say which, so a wrong one can be corrected
            said = "、".join(self.points.say_facts(facts, [k for k, _, _ in via.known]))
            if said:
                texts = {r: self.say("said_prefix", what=said) + t for r, t in texts.items()}
        quotes = {m.id: answer.quote[m.id] for m in shown if m.id in answer.quote}
        label = lambda m: self.say("region_label", name=self.kb.documents[m.region].name)  # noqa: E731
        if answer.silent and len(shown) == 2 and via is None:  # neither document says it: once, not twice
            units = self.t["units_or"].join(self.kb.documents[m.region].short + m.units.lead[0] for m in shown if m.units.lead)
            texts = {m.region: self.say("point_open_both", name=answer.silent, units=units) for m in shown}
        lines = self._per_region(shown, texts)
        second = None if answer.alone else self._second_answer(point, facets, answer, regions)
        if second is not None:  # 最多贷好多 利息是不是全部自己出: the other question, on a line of its own
            lines += self._per_region(shown, {m.region: self._fill(second.for_region(m.region) or "", second,
                                                                   dict(facts), today) for m in shown})
            quotes = {**{m.id: second.quote[m.id] for m in shown if m.id in second.quote}, **quotes}
        else:  # 能不能贷 找哪家银行: the office asked for, from the measure's record
            generic = next((f for f in facets[1:] if f in GENERIC_FACETS and f not in point.facets), None)
            if generic is not None:
                lines += self._per_region(shown, {m.region: self._generic_line(m, generic, today, point.name) for m in shown})
        then = {m.region: answer.then.get(m.region) or answer.then.get("all") for m in shown}
        if second is not None and answer.silent and not second.silent:
            # 文件没有写…怎么返, then the interest line asked: no third line of what the point is, nor its quote
            then = {m.region: None for m in shown}
            quotes = {m.id: second.quote[m.id] for m in shown if m.id in second.quote}
        if len(set(then.values())) == 1:
            lines += [self._fill(t, answer, fill, today) for t in set(then.values()) if t]
        else:
            lines += [label(m) + self._fill(then[m.region] or "", answer, fill, today) for m in shown if then[m.region]]
        return lines, quotes, answer.later, answer.sichuan_wide

    def _same_figures(self, shown: list[Measure], facets: list[str], lines: list[str]) -> list[str]:
        """是不是一样的 各是百分之几: two regions' lines stating the same sums say so first, once."""
        if "compare" not in facets or len(shown) != 2 or len(lines) < 2:
            return []
        labels = [self.say("region_label", name=self.kb.documents[m.region].name) for m in shown]
        if not all(line.startswith(label) for line, label in zip(lines, labels)):
            return []
        figures = [tuple(dict.fromkeys(f.replace(" ", "") for f in _FIGURE.findall(line))) for line in lines[:2]]
        if not figures[0] or figures[0] != figures[1]:
            return []
        share = all(f.endswith("%") for f in figures[0])
        return [self.say("compare_same_share" if share else "compare_same_sum", figures="、".join(figures[0]))]

    def _other_part(self, match: Match, point: Point | None, shown: list[Measure], today: dt.date,
                    facts: dict) -> list[str]:
        """商标被冒用找哪个管 另外这个商标能不能拿去银行押点钱: a later part of the message that types another
        point's own words gets that point's line as well, after the first answer."""
        parts = self.points.parts(match.question)
        if point is None or len(parts) < 2:
            return []
        for part in parts[1:]:
            norm = normalise(part)
            other, score = self.points.strongest(norm)
            if other is None or other.id == point.id or score < OTHER_PART_MIN:
                continue
            here = [m for m in shown if any(self.kb.measures[x].region == m.region for x in other.measures)]
            picked = self._pick_answer(norm, other, self.points.asked(norm), [m.region for m in here], facts)
            if not here or picked is None:
                continue
            answer, fill, _ = picked
            texts = {m.region: self._fill(answer.for_region(m.region) or "", answer, fill, today) for m in here}
            return [self.say("aside_topic", office=t) for t in self._per_region(here, texts) if t]
        return []

    def _mentioned(self, match: Match, top: Measure, lines: list[str]) -> list[str]:
        """有没有提到大渡河超级工程景区 / 送外卖的算不算在里头: whether the measure's own text names it, first."""
        mention = self.points.mention
        asked = mention.thing(prep(match.question)) if mention else None
        if asked is None and mention is not None:
            named = mention.named_once(match.norm)  # 点了我们村的名 … 化林坪村: the thing is what the text names
            asked = (named[0], True) if named is not None and named[1] == top.id else None
        if asked is None:
            return []
        thing, follows = asked
        part = named_part(top.text, thing, follows)
        if part is not None and len(part) >= min(len(normalise(thing)), 3):
            found = sentence_naming(top.text, part)
            if found is not None and not (lines and part in normalise(lines[0], 10_000)):
                return [self.say("mention_yes", thing=part, number=top.number, sentence=found)]
            return []
        if len(thing) <= MENTION_MAX and not (lines and normalise(thing) in normalise(lines[0], 10_000)):
            return [self.say("mention_no", thing=thing, units="、".join(top.units.lead))]
        return []

    def _loan_figures(self, norm: str, top: Measure, today: dt.date) -> list[str]:
        """The arithmetic the asker's own numbers call for on a 创业担保贷款 (bot/loan_math.py), as the first line."""
        update = self.kb.updates.get(LOAN_UPDATE)
        period = update.in_force(today) if update is not None else None
        if update is None or period is None or top.id not in update.applies_to:
            return []
        rules = loan_math.load_rules(str(self.kb.root))
        line = loan_math.partnership_line(norm, self.t, rules, period.individual, period.enterprise, period.number) \
            or loan_math.interest_line(norm, self.t, rules)
        return [line] if line else []

    def _loan_wanted(self, norm: str, today: dt.date) -> dict:
        """想贷六十万 / 能不能带到四十万: the loan asked for, against the ceiling in force (an enterprise's when
        the asker borrows as one), so the first line can say whether it fits (facts wanted, over_ceiling)."""
        m = next((x for x in _WANTED.finditer(norm) if not _QUOTED_FIGURE.search(norm, 0, x.start())
                  and not _OWED_BEFORE.search(norm, max(0, x.start() - 6), x.start() + 1)), None)
        update = self.kb.updates.get(LOAN_UPDATE)
        period = update.in_force(today) if update is not None else None
        if m is None or period is None:
            return {}
        said = m.group(1) or m.group(2)  # 想贷六十万 / 申请700万的创业担保贷款
        wanted = float(said) if said.isdigit() else float(cn_to_int(said))
        firm = _firm_borrows(norm)
        ceiling = re.search(r"\d+(\.\d+)?", period.enterprise if firm else period.individual)
        if ceiling is None or wanted <= 0:
            return {}
        n = loan_math.partners(norm)
        rules = loan_math.load_rules(str(self.kb.root)) if n is not None else None
        shared = loan_math.partnership_ceiling(n, period.individual, period.enterprise, rules) if rules and n else None
        top = shared[1] if shared is not None else float(ceiling.group())  # 三个人合伙 想贷180万: 165万, not 600万
        return {"wanted": f"{wanted:g}", "over_ceiling": "yes" if wanted > top else "no"}

    def _per_region(self, shown: list[Measure], texts: dict[str, str]) -> list[str]:
        """One line when the regions say the same, else one per region, labelled."""
        if len(set(texts.values())) == 1:
            return [next(iter(texts.values()))]
        return [self.say("region_label", name=self.kb.documents[m.region].name) + texts[m.region] for m in shown]

    def _own_region(self, norm: str) -> str | None:
        """The region the asker says is theirs (我是泸定的, 我们泸定, 泸定这边), if one is."""
        found = [(norm.find(n), region) for region, names in self.kb.places.items() for n in names
                 if n in norm and (_mine(norm, n) or n + "这边" in norm)]
        return min(found)[1] if found else None  # 我是泸县的 跟泸定就差一个字: the place said first

    def _second_answer(self, point: Point, facets: list[str], first: Answer, regions: list[str]) -> Answer | None:
        """A second facet asked in the same message that the point settles in a line of its own, or one it
        leaves open (要准备啥子: 文件没有写要带哪些材料)."""
        for fid in facets[1:]:
            facet = self.points.facet(fid)
            answer = point.facets.get(fid)
            if facet is None or facet.generic or facet.lead or (fid in GENERIC_FACETS and answer is None):
                continue
            if answer is None:  # (settled by the first line or by what the point says: 按每人300元)
                what = point.facets.get("what")
                settled = facet.settled_by is not None and any(
                    facet.settled_by.search(x.for_region(r) or "") for x in (first, what) if x is not None for r in regions)
                if facet.open_default and not point.only and not settled:
                    return self._open_answer(point, facet)
                continue
            if answer is not first and any(answer.for_region(r) != first.for_region(r) for r in regions):
                return answer
        return None

    def _pick_answer(self, norm: str, point: Point, facets: list[str], regions: list[str],
                     facts: dict) -> tuple[Answer, dict, Case | None] | None:
        """The answer for this question: a case (this message's words, then facts said before), a group,
        the facet asked, or what the point is. The third item is the case when remembered facts decided."""
        asked = next((f for f in facets if f in point.facets and f not in ("who", "what")), None)
        office = [f for f in facets[:1] if f in CASE_BLIND_FACETS]  # (asked first: 能拿好多 在哪里申请 is the sum first)
        lead = self.points.beyond_first(facets)
        beyond = lead.id if lead is not None and lead.id not in point.facets else None
        for case in point.cases:  # a facet the point settles outranks a case, unless the case answers it
            # a region's own case only when answering for that region alone
            if case.regions and not all(r in case.regions for r in regions):
                continue
            if case.facets and office and not any(f in case.facets for f in office):
                continue  # 300块一个的补助找哪个申请: a case for the amount does not answer where to apply
            if beyond is not None and beyond not in case.facets:
                continue  # 申报泸字号要不要交评审费: no case about the prize answers a fee
            how = case.fires(norm, facts, self.points.case_words_in(norm))
            if how is None:
                continue
            if asked is not None and asked not in case.facets:
                break  # the first case that holds is the asker's; a broader later one must not speak for it
            return case.answer, dict(facts), (case if how == "known" else None)
        # 退伍的能不能申请 … 要找哪个: whether the group may, asked first, is answered first; not 能不能贷五年, where
        # 能不能 asks the facet right after it
        who_first = "who" in facets and self.points.position(norm, facets[0]) - self.points.position(
            norm, "who") > WHO_ASKS_NEXT
        if point.group_answer is not None and (not facets or facets[0] in ("who", "amount") or who_first) and not (
                _firm_borrows(norm)):  # 公司 新招了四个脱贫户: the hires' group, not the borrower's
            for label, words in point.groups:
                if any(self.points.said_plainly(w, norm) for w in words):  # not 也不是贫困户
                    return point.group_answer, {"group": label}, None
        for fid in facets:
            if fid in point.facets:
                return point.facets[fid], {}, None
            facet = self.points.facet(fid)
            spoken = next((a for a in facet.about if a in point.facets), None) if facet is not None and facet.lead \
                and facet.outranks and _SUM_TYPED.search(norm) else None  # 只发了个合格证: no sum fell short
            if spoken is not None:  # 说有1000 只打了800: why less is answered by what the point says of the amount
                return point.facets[spoken], {}, None
            if fid == "both" and (other := self._other_measure_point(norm, point)) is not None:
                return self._both_answer(point, other), {}, None  # 培训补贴跟创业担保贷款能不能两个都享受
            if facet is not None and facet.beyond:
                if facet.settled_by is not None and any(facet.settled_by.search(t) for t in point.facets["what"].text.values()):
                    return point.facets["what"], {}, None  # 跟收费有关系没得: the point's own line names the fees
                return self._open_answer(point, facet, said=True), {}, None  # 30万经费能不能拿来发工资
            if point.only:
                break
            if fid in GENERIC_FACETS:
                return None
            facet = self.points.facet(fid)
            what = point.facets["what"]
            if facet is not None and facet.generic:
                return what, {}, None  # 能不能: what the point is says whether
            if facet is not None and facet.settled_by is not None and any(
                    facet.settled_by.search(t) for t in what.text.values()):
                return what, {}, None  # the point's own line gives the figure asked for
            if any(OPEN_SAID in t for t in what.text.values()):
                return what, {}, None  # the point's own line already says what the text leaves open
            if facet is not None and facet.open_default:
                return self._open_answer(point, facet, said=True), {}, None
        return point.facets["what"], {}, None

    def _other_measure_point(self, norm: str, point: Point) -> Point | None:
        """Another point the question names in its own words (two characters or more), of other measures: a
        question whether both may be had is then about two separate policies (培训补贴跟创业担保贷款)."""
        typed = norm.split("|", 1)[0]
        scored = [(sum(len(w) for w in p.words if len(w) >= 3 and w in typed), p) for p in self.points.points
                  if p.id != point.id and not set(p.measures) & set(point.measures) and not p.only]
        best = max(scored, key=lambda x: x[0], default=(0, None))
        return best[1] if best[0] >= 4 else None

    def _both_answer(self, point: Point, other: Point) -> Answer:
        """Two separate policies asked together: the text makes neither exclude the other; then this point's line."""
        what = point.facets["what"]
        regions = {m.region for m in map(self.kb.measures.get, point.measures) if m}
        text = {r: self.say("both_separate", one=point.name, other=other.name) for r in regions}
        then = {r: self.say("point_said", what=_no_verdict(what.for_region(r) or "")) for r in regions}
        return Answer(text, what.quote, what.later, then)

    def _open_answer(self, point: Point, facet, said: bool = False) -> Answer:
        """文件没有写{facet}，请问{units}; with said, then what the point does say."""
        what = point.facets["what"]
        units = {m.region: "、".join(m.units.lead) for m in map(self.kb.measures.get, point.measures) if m}
        text = {r: self.say("point_open", name=facet.name, units=u) for r, u in units.items()}
        then = {r: self.say("point_said", what=_no_verdict(what.for_region(r) or "")) for r in units} if said else {}
        return Answer(text, what.quote if said else {}, what.later if said else (), then, silent=facet.name)

    def _fill(self, text: str, answer: Answer, fill: dict, today: dt.date) -> str:
        values = dict(fill)
        for name, expr in answer.compute.items():  # 20天 × 50元: worked out from what the user said
            v = expr(values)
            values[name] = f"{v:g}" if isinstance(v, (int, float)) else v
        for uid in answer.later:
            p = self.kb.updates[uid].in_force(today)
            if p is not None:
                values.update(individual=p.individual, enterprise=p.enterprise, number=p.number, scope=p.scope or "")
        try:
            return text.format(**values)
        except (KeyError, IndexError):  # a figure with no document in force today: say so, never guess
            return self.say("update_none", topic=self.kb.updates[answer.later[0]].topic) if answer.later else text

    def _generic_line(self, m: Measure, fid: str, today: dt.date, topic: str | None = None) -> str:
        """Facets every measure answers from its own record: who is responsible, where to complain,
        how long the document is valid, where to apply."""
        if fid == "validity":
            return self._validity_line(m.region, today)
        units = "、".join(m.units.lead)
        if fid == "contact":
            return self.say("contact_answer", lead=units, others="、".join(m.units.cooperating) or self.say("contact_none"))
        if fid == "complain":
            return self.say("complain_answer", lead=units)
        return self.say("apply_answer", lead=units, topic=topic or m.title)

    def _validity_line(self, region: str, today: dt.date | None = None) -> str:
        """The document's dates; one ending soon says how soon (到时候还管用不: a plan past it is told so)."""
        doc = self.kb.documents[region]
        left = (doc.expires - today).days if doc.expires and today else None
        soon = self.say("validity_days_left", days=left) if left is not None and 0 <= left <= VALIDITY_SOON_DAYS else ""
        valid = (self.say("validity_until", expires=self.date(doc.expires), left=soon) if doc.expires
                 else self.say("validity_unwritten"))
        since = (self.say("validity_issued", date=self.date(doc.issued)) if doc.issued else
                 self.say("validity_effective", date=self.date(doc.effective)) if doc.effective else "")
        return self.say("validity_answer", title=doc.cite_title, number=doc.number or "", since=since, valid=valid)

    def _other_document(self, norm: str) -> str | None:
        """红城工匠那个政策我们泸县能不能用: a document's brand named by an asker from the other region."""
        own = self._own_region(norm)
        for region, doc in self.kb.documents.items():
            if own is None or own == region or not doc.brand or doc.brand not in norm:
                continue
            place = next((n for n in self.kb.places[own] if n in norm and _mine(norm, n)), self.kb.documents[own].name)
            other = self.kb.documents[own]
            return self.say("other_document", brand=doc.brand, name=doc.name, place=place, other=other.name,
                            other_title=other.cite_title)
        return None

    def _measure_lines(self, match: Match, shown: list[Measure], facets: list[str], today: dt.date,
                       point: Point | None = None) -> list[str]:
        """No point of ours covers the question: the facet asked, or that the text does not say it."""
        both = len(shown) > 1
        out = []
        generic = None if self.points.beyond_first(facets) else next((f for f in facets if f in GENERIC_FACETS), None)
        if generic is not None:  # the office asked for, and what the measure says about what was asked
            label = lambda m: self.say("region_label", name=self.kb.documents[m.region].name) if both else ""  # noqa: E731
            office = self._per_region(shown, {m.region: self._generic_line(m, generic, today, point.name if point else None)
                                              for m in shown})
            if generic == "validity":
                return office
            words = _asked_words(match)
            said = [label(m) + self.say("point_said", what=_relevant_sentences(m.summary, words, SIDE_BY_SIDE_LEAD))
                    for m in shown]
            first_who = "who" in facets and self.points.position(match.norm, "who") < self.points.position(
                match.norm, generic)  # 能不能申请 找哪个部门: what it offers first, then where
            return said + office if first_who else office + said
        for m in shown:
            lead = self.lead(m, match, short=both)
            facet = next((f for f in map(self.points.facet, facets) if f is not None and f.open_default), None)
            settled = facet is not None and (self.key_facts(m, ["amount"]) if facet.id == "amount" else bool(
                facet.settled_by and facet.settled_by.search(m.summary)))  # 跟收费有关系没得: 收费标准的重要依据
            if facet is not None and not settled:
                lead = (self.say("point_open", name=facet.name, units="、".join(m.units.lead)) + "\n"
                        + self.say("point_said", what=_relevant_sentences(m.summary, set(), 90)))
            out.append((self.say("region_label", name=self.kb.documents[m.region].name) if both else "") + lead)
        return out

    def _contact(self, shown: list[Measure]) -> str:
        if len(shown) == 1:
            return self.say("contact", units="、".join(shown[0].units.lead))
        return self.say("contact", units="；".join(f"{self.kb.documents[m.region].short}：{'、'.join(m.units.lead)}"
                                                   for m in shown))

    def full_text(self, m: Measure) -> Reply:
        doc = self.kb.documents[m.region]
        head = self.say("full_text_head", title=doc.title, number=m.number)
        parts = [head] + ([m.section] if m.section else []) + [f"（{m.number}）{m.text}"]
        parts += [self.say("slip", note=n) for n in m.notes]
        for uid in m.updates:
            parts += self.kb.updates[uid].extra
        return Reply("\n".join(parts))


def _firm_borrows(norm: str) -> bool:
    """The borrower is a firm (企业、公司、小微、厂的名义), not a person (三十几个人 is a head count, not 个人)."""
    return bool(_FIRM.search(norm)) and not _PERSON_BORROWS.search(norm)


def _asked_words(match: Match) -> set[str]:
    """The documents' terms the question was found to use, and the words it typed for them."""
    return {h.term for h in match.hits} | {match.norm[h.start:h.end] for h in match.hits}


_VERDICT_LEAD = re.compile(r"^[^：，。；\n]{1,4}：")


def _no_verdict(what: str) -> str:
    """有：取得…证书的按规定给予培训补贴, told after 文件没有写截止时间: the text, not a yes to what was asked."""
    return _VERDICT_LEAD.sub("", what, count=1)


def _relevant_sentences(text: str, words: set[str], limit: int) -> str:
    """The summary's sentences that mention what was asked, in order, within about limit characters."""
    sentences = re.findall(r"[^。；]+[。；]?", text)
    ranked = sorted(range(len(sentences)), key=lambda i: (-sum(w in sentences[i] for w in words if w), i))
    keep: list[int] = []
    for i in ranked:
        if keep and sum(len(sentences[k]) for k in keep) + len(sentences[i]) > limit:
            break
        keep.append(i)
    out = "".join(sentences[i] for i in sorted(keep))
    return out[:-1] + "。" if out.endswith("；") else out


_THEIRS = re.compile("(我们|那边|那里|当地|我们那|我们这).{0,6}(有没有|有没得|有莫得|有吗|能不能|能享受|能用|也是|一样)"
                     "|(能不能|可不可以|可以)(去|到)|我们(县|市|区|州|镇|乡)的?(劳务品牌|品牌|政策)")  # 我们县的劳务品牌叫啥子


# What is said around a place name: each place's occurrences are found with str.find, and these patterns (one
# set for every place) are tried just before or just after each, as re would try a pattern naming the place at
# every position. Nothing is compiled per place (a pattern per place, compiled at first sight, cost more than
# answering the message).
_BEFORE_HOME = re.compile("(?:我是|我家|我们是|我屋)[^，。]{0,4}$")  # 我是安庆的: up to 7 characters before the place
_BEFORE_MINE = re.compile("(?:我是|我们|我在|我家|我们是|我屋)[^，。]{0,4}$")
_BEFORE_WORK = re.compile("[在去到][^，。]{0,4}$")
_BEFORE_MAX = 7  # characters the patterns before a place can span
_AFTER_AT_WORK = re.compile(f"[^，。]{{0,3}}{_AT_WORK}")
_AFTER_WORKS = re.compile(f"[^，。]{{0,5}}{_AT_WORK}")
_FARE_AFTER = re.compile("的?(路费|车费|车票|机票|火车票|交通费|交通补)")
_AFTER_OF = re.compile("[^，。]{0,4}的")
_AFTER_STARTS = re.compile("开|做|办|创业|搞|干")
_AFTER_THERE = re.compile(f"(?:(?!{_AT_WORK}).){{0,6}}(有没有|有没得|有莫得|有吗|能不能|能享受|能用|也是|一样|是不是也|也有)"
                          "|那边|那里|这边|当地")  # 去西藏林芝修路 有没有…: about the work there, not what 西藏 offers
_HERE_BEFORE = ("在", "来", "到", "过来", "回", "回到", "来了", "住")
_NO_STOP = re.compile("[^，。]*")


def _said_before(pattern: re.Pattern, norm: str, i: int) -> bool:
    """pattern ($-anchored) matches a stretch ending right where the place starts."""
    return pattern.search(norm, max(0, i - _BEFORE_MAX), i) is not None


def _unbroken(norm: str, end: int) -> bool:
    """No ，or 。 before end: the place is in the message's first stretch."""
    return _NO_STOP.match(norm, 0, end).end() == end  # type: ignore[union-attr]  # * always matches


def _from_elsewhere(norm: str, place: str, local: list[str]) -> bool:
    """我是雅安天全的 / 宜宾屏山的脱贫户 … 我们宜宾有没得: the asker belongs to that place and is not
    working or living in the two regions now (在泸州打工, 过来泸州 make the documents theirs)."""
    theirs = _asks_there(norm, place) or _THEIRS.search(norm)
    here = any(norm.endswith(_HERE_BEFORE, 0, i) for x in local for i, _ in occurrences(norm, x))
    not_local = any("不是" + x in norm for x in local)  # 我是屏山的 不是泸州也不是泸定的 能不能申请
    # 我是泸定的 在新疆阿克苏打工 … 新疆这边有没有: from the region, working elsewhere
    local_first = any(_mine(norm, x, work=False) and norm.find(x) < norm.find(place) for x in local)
    return _mine(norm, place, work=False) and (bool(theirs) or not_local) and not here and not local_first


def _works_there(norm: str, place: str) -> bool:
    """在贵州赤水的厂里上班 / 去广东进厂: the asker works (or goes to work) in that place."""
    return any(_said_before(_BEFORE_WORK, norm, i) and _AFTER_WORKS.match(norm, j) for i, j in occurrences(norm, place))


def _there(norm: str, place: str) -> int | None:
    """深圳那边有没得: where the question asks what that place offers (the place's position)."""
    # (去江苏的路费有没得补: the fare to that place, not what it offers)
    return next((i for i, j in occurrences(norm, place) if _AFTER_THERE.match(norm, j)
                 and not (norm.endswith(("去", "到", "回"), 0, i) and _FARE_AFTER.match(norm, j))), None)


def _asks_there(norm: str, place: str) -> bool:
    return _there(norm, place) is not None


_QUESTION = re.compile("有没有|有没得|有莫得|能不能|可不可以|可以不|吗|多少|好多|咋个|怎么|啥子")


def _asks_there_first(norm: str, place: str) -> bool:
    """贵州那边最高能贷好多: what that place offers is the question; not when one about the documents comes before
    it (回来学电焊有没得生活补贴 东莞那边有没得)."""
    at = _there(norm, place)
    return at is not None and not _QUESTION.search(norm[:at])


def _mine(norm: str, place: str, work: bool = True) -> bool:
    """我是安庆的 / 我们宜宾 / 在深圳开了个店: the asker belongs to (lives or works in) that place. With
    work=False, 我在浙江打工 does not count: a migrant working there is still from home (回来想创业)."""
    at = list(occurrences(norm, place))
    if not work and not any(_said_before(_BEFORE_HOME, norm, i) for i, _ in at) and any(
            norm.endswith("在", 0, i) and _AFTER_AT_WORK.match(norm, j) for i, j in at):
        return False
    return any(_said_before(_BEFORE_MINE, norm, i)
               or (i <= 3 and _unbroken(norm, i) and _AFTER_OF.match(norm, j))
               or (1 <= i <= 3 and norm[i - 1] == "在" and _unbroken(norm, i - 1) and _AFTER_STARTS.match(norm, j))
               for i, j in at)


def squash_eq(a: str, b: str) -> bool:
    return re.sub(r"\W", "", a) == re.sub(r"\W", "", b)


def _slip_in(note: str, text: str) -> bool:
    """A slip note belongs with a text that contains the slipped word: the first one the note quotes
    (“来沪优秀人才”, “沪字号”), not the correction it names."""
    word = _slipped(note)
    return bool(word) and word in text


def _slip_end(note: str, text: str) -> int:
    """Where the slipped word the note quotes first ends in the text (0 when it is not typed)."""
    word = _slipped(note)
    at = text.find(word) if word else -1
    return at + len(word) if at >= 0 else 0


def _slipped(note: str) -> str:
    """The slipped word a note quotes first (“来沪优秀人才”), not the correction it names."""
    m = _QUOTED.search(note)
    return m.group(1) if m else ""
