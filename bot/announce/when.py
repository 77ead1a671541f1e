"""Send times as staff type them (2026-11-24 09:00, 11月24日9点, 明天上午9点半, 15:30), in Beijing time.

China keeps UTC+8 all year, so a fixed offset is exact and needs no time-zone database.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from bot.kb.texts import TextError
from bot.numerals import cn_to_int

BEIJING = dt.timezone(dt.timedelta(hours=8), "UTC+8")
_N = r"(\d{1,4}|[零〇一二两三四五六七八九十]{1,3})"
_DATE = re.compile(rf"(?:(?P<y>\d{{4}})\s*[-/.年]\s*)?(?P<m>{_N})\s*[-/.月]\s*(?P<d>{_N})\s*[日号]?")
_DAY = re.compile(r"今天|今日|明天|明日|后天")
_TIME = re.compile(rf"(?P<part>凌晨|早上|上午|中午|下午|傍晚|晚上)?\s*(?P<h>{_N})\s*(?:[:：]\s*(?P<mi>\d{{1,2}})"
                   rf"|[点时]\s*(?:(?P<half>半)|(?P<mi2>{_N})\s*分?)?)")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?$")
_DAY_OFFSET = {"今": 0, "明": 1, "后": 2}  # 今天 明天 后天, by their first character
_AFTERNOON = ("下午", "傍晚", "晚上")  # 3点 is 15:00
_NOON = "中午"  # 1点 is 13:00


class WhenError(TextError):
    """Not a time we can read, or one already past (texts when_*)."""


def _num(s: str | None) -> int:
    return 0 if not s else int(s) if s.isdigit() else cn_to_int(s)


def parse_when(text: str, now: dt.datetime) -> dt.datetime:
    """An aware datetime in Beijing time. A bare time that has passed today means tomorrow."""
    t = unicodedata.normalize("NFKC", text or "").strip()
    now = now.astimezone(BEIJING)
    if _ISO.match(t):
        try:
            when = dt.datetime.fromisoformat(t.replace("Z", "+00:00"))
        except ValueError:
            raise WhenError("when_invalid", text=t) from None
        when = when if when.tzinfo else when.replace(tzinfo=BEIJING)
        return _future(when, now)
    day: dt.date | None = None
    explicit_day = False
    if m := _DATE.search(t):
        try:
            day = dt.date(int(m["y"]) if m["y"] else now.year, _num(m["m"]), _num(m["d"]))
        except ValueError:
            raise WhenError("when_no_date", date=m.group().strip()) from None
        if not m["y"] and day < now.date():
            day = day.replace(year=day.year + 1)
        explicit_day = True
        t = t[:m.start()] + " " + t[m.end():]
    if m := _DAY.search(t):
        day = now.date() + dt.timedelta(days=_DAY_OFFSET[m.group()[0]])
        explicit_day = True
    m = _TIME.search(t)
    if not m:
        raise WhenError("when_no_time_of_day")
    hour, minute = _num(m["h"]), 30 if m["half"] else _num(m["mi"] or m["mi2"])
    if m["part"] in _AFTERNOON and hour < 12:
        hour += 12
    if m["part"] == _NOON and hour < 6:
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise WhenError("when_no_time", time=f"{hour}:{minute:02d}")
    when = dt.datetime.combine(day or now.date(), dt.time(hour, minute), BEIJING)
    if not explicit_day and when <= now:
        when += dt.timedelta(days=1)
    return _future(when, now)


def _future(when: dt.datetime, now: dt.datetime) -> dt.datetime:
    if when <= now:
        raise WhenError("when_passed", when=show(when))
    return when


def show(when: dt.datetime | float) -> str:
    if not isinstance(when, dt.datetime):
        when = dt.datetime.fromtimestamp(when, BEIJING)
    return when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def now_in_beijing(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, BEIJING)
