"""Topics as data, the audience codec (and its SQL twin), typed regions/topics, and send times."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil

import pytest

from bot.announce import Audience, AudienceError, Outbox, Vocabulary, load_topics
from bot.announce.when import BEIJING, WhenError, parse_when, show
from bot.kb import KBError, load_kb
from bot.store.outbox import audience_where
from conftest import ROOT


@pytest.fixture(scope="module")
def vocab(kb):
    return Vocabulary(kb, load_topics(kb))


@pytest.mark.parametrize("spec, regions, topics", [
    ("all", set(), set()),
    ("luding", {"luding"}, set()),
    ("泸州", {"luzhou"}, set()),
    ("luzhou,topic:贷款", {"luzhou"}, {"loan"}),
    ("topic:loan+topic:培训", set(), {"loan", "training"}),
    ("luding, luzhou topic:招聘", {"luding", "luzhou"}, {"jobs"}),
])
def test_audience_codec(vocab, spec, regions, topics):
    a = vocab.parse(spec)
    assert (set(a.regions), set(a.topics)) == (regions, topics)
    assert vocab.parse(a.encode()) == a == Audience.from_json(a.to_json())


@pytest.mark.parametrize("spec, problem", [
    ("", "没有写发给谁"),
    ("topic:xx", "没有这个主题：xx；主题有：loan（贷款）、training（培训）"),
    ("mars", "没有这个地区：mars；地区有：luding（泸定县）、luzhou（泸州市）"),
])
def test_bad_audiences_say_what_is_wrong_in_chinese(vocab, kb, spec, problem):
    with pytest.raises(AudienceError) as e:
        vocab.parse(spec)
    assert e.value.say(kb.texts).startswith(problem) and str(e.value).startswith(problem)


def test_matches_and_sql_select_the_same_people(store):
    outbox = Outbox(store)
    subs = {}
    regions, topic_sets = [None, "luding", "luzhou"], [None, ["loan"], ["training", "jobs"], ["brand"]]
    for i, (r, t) in enumerate(itertools.product(regions, topic_sets)):
        outbox.subscribe(str(i), "telegram", r, t)
        subs[str(i)] = (r, t)
    for ar, at in itertools.product([(), ("luding",), ("luding", "luzhou")], [(), ("loan",), ("jobs", "brand")]):
        a = Audience(frozenset(ar), frozenset(at))
        where, args = audience_where(store.db, a.regions, a.topics)
        by_sql = {r[0] for r in store.db.execute(f"select user_id from subscriptions where {where}", args)}
        assert by_sql == {u for u, (r, t) in subs.items() if a.matches(r, t)}, a.encode()


@pytest.mark.parametrize("text, regions, topics, everything", [
    ("只要贷款和培训", set(), {"loan", "training"}, False),
    ("泸州 贷款", {"luzhou"}, {"loan"}, False),
    ("我在叙永 要招聘的", {"luzhou"}, {"jobs"}, False),
    ("都要", set(), set(), True),
    ("泸定县", {"luding"}, set(), False),
])
def test_typed_regions_and_topics(vocab, text, regions, topics, everything):
    r, t, e, _ = vocab.find(text)
    assert (r, t, e) == (regions, topics, everything)


@pytest.mark.parametrize("content, record, message", [
    ("- {id: Loan, name: 贷款}", "Loan", "lower-case"),
    ("- {id: loan, name: 贷款}\n- {id: loan, name: 培训}", "loan", "used twice"),
    ("- {id: luding, name: 泸定}", "luding", "clashes"),
    ("- {id: loan}", "loan", "missing field 'name'"),
    ("- {id: loan, name: 贷款, words: [贷款, '']}", "loan", "non-empty"),
    ("{}", None, "non-empty list"),
])
def test_a_broken_topics_file_names_file_and_record(tmp_path, content, record, message):
    folder = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", folder)
    (folder / "topics.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(KBError) as err:
        load_topics(load_kb(folder))
    assert err.value.path.endswith("topics.yaml") and err.value.record == record and message in err.value.message


NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=BEIJING)


@pytest.mark.parametrize("text, expected", [
    ("2026-11-24 09:00", "2026-11-24 09:00"),
    ("11月24日9点", "2026-11-24 09:00"),
    ("明天上午9点半", "2026-11-24 09:30"),
    ("后天晚上八点", "2026-11-25 20:00"),
    ("15:30", "2026-11-23 15:30"),
    ("9:00", "2026-11-24 09:00"),  # passed today: tomorrow
    ("12-01 08:15", "2026-12-01 08:15"),
    ("2026-11-24T01:00:00+00:00", "2026-11-24 09:00"),
])
def test_send_times_in_beijing_time(text, expected):
    assert show(parse_when(text, NOW)) == expected


@pytest.mark.parametrize("text,key", [("2026-11-20 09:00", "when_passed"), ("hello", "when_no_time_of_day"),
                                      ("25:00", "when_no_time"), ("2月30日 9点", "when_no_date"),
                                      ("2026-02-30 09:00", "when_invalid"), ("", "when_no_time_of_day")])
def test_bad_or_past_send_times(kb, text, key):
    """Staff read why in Chinese (knowledge/texts.yaml), in Telegram and on the command line alike."""
    with pytest.raises(WhenError) as e:
        parse_when(text, NOW)
    assert e.value.key == key
    said = e.value.say(kb.texts)
    assert said == str(e.value) and not said.isascii() and "{" not in said
