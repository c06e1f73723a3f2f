"""Dates, times and durations written in words, as the simulated model reads them.

:func:`find_dates` turns "March 3, 2027", "3rd of March", "July 1 to July 5, 2027",
"September 10-12, 2027", "today", "tomorrow", "next Friday", "in two weeks" and
"the 14th" into ISO dates (``YYYY-MM-DD``; a month and year alone into ``YYYY-MM``),
relative to the simulator's clock; a date without a year takes the year a later
date of the same phrase names ("July 1 to July 5, 2027"), else its next occurrence.
:func:`find_times` reads "10:15", "3pm", "3 to 4 pm", "noon", "half past nine in
the morning" as 24-hour ``HH:MM``; :func:`find_durations` reads "two hours",
"half an hour", "a quarter of an hour" as minutes. :func:`number_words` reads
"six", "twenty-five". All general English, nothing of any one agent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["Found", "find_dates", "find_durations", "find_times", "number_words"]

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        (
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sep sept",
            "october oct",
            "november nov",
            "december dec",
        )
    )
    for m in names.split()
}
WEEKDAYS = {
    d: i
    for i, names in enumerate(
        (
            "monday mon",
            "tuesday tue tues",
            "wednesday wed",
            "thursday thu thurs",
            "friday fri",
            "saturday sat",
            "sunday sun",
        )
    )
    for d in names.split()
}
_UNITS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_TENS |= {"eighty": 80, "ninety": 90}
_SMALL = _UNITS | {"a": 1, "an": 1, "couple": 2, "dozen": 12}


@dataclass(frozen=True)
class Found:
    """A value read from words: its ISO (or plain number) text and where it stood."""

    start: int
    end: int
    value: str


_NUM_WORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four"
    r"|five|six|seven|eight|nine))?|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")"
)


def _word_value(word: str) -> int | None:
    w = word.lower().replace("-", " ").split()
    if not w:
        return None
    if w[0] in _TENS:
        return _TENS[w[0]] + (_SMALL.get(w[1], 0) if len(w) > 1 else 0)
    return _SMALL.get(w[0]) if len(w) == 1 else None


def number_words(text: str) -> list[Found]:
    """Cardinal numbers written as words ("six", "twenty-five") with their digits."""
    out = [Found(m.start(), m.end(), "2") for m in _COUPLE.finditer(text)]  # "a couple of"
    for m in re.finditer(rf"\b{_NUM_WORD}\b", text, re.I):
        value = _word_value(m.group(0))
        if value is not None and m.group(0).lower() != "one":
            out.append(Found(m.start(), m.end(), str(value)))
    return out


_COUPLE = re.compile(r"\ba\s+couple\s+of\b|\ba\s+pair\s+of\b", re.I)


_MONTH = r"(?P<{}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<{}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<{}>(?:19|20)\d\d))?"
_MD = _MONTH.format("m1") + r"\s+" + _DAY.format("d1") + r"(?![\d:])"
_DM = r"(?:the\s+)?" + _DAY.format("d2") + r"(?:\s+of)?\s+" + _MONTH.format("m2")
_SPAN = r"(?:\s*(?:-|–|to|through|until|till)\s*" + _DAY.format("d3") + r"(?![\d:]))?"
_DATE = re.compile(rf"\b(?:{_MD}{_SPAN}|{_DM}){_YEAR.format('y')}\b", re.I)
_MONTH_YEAR = re.compile(rf"\b{_MONTH.format('m')}\s+(?P<y>(?:19|20)\d\d)\b", re.I)
_RELATIVE = re.compile(
    r"\b(?:(?P<rel>today|tonight|tomorrow|yesterday|the day after tomorrow)"
    r"|(?P<which>next|this|coming|on)\s+(?P<wd>" + "|".join(WEEKDAYS) + r")[a-z]*"
    r"|in\s+(?P<n>\d+|" + _NUM_WORD + r"|a|an)\s+(?P<unit>days?|weeks?)"
    r"|the\s+(?P<nth>[0-3]?\d)(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?[a-z]+\s)"
    r"|next\s+week)\b",
    re.I,
)


_GAP = re.compile(r"[,\s]+")


def _year_for(month: int, day: int, year: int | None, later: int | None, today: dt.date) -> int:
    if year is not None:
        return year
    if later is not None:
        return later
    return today.year + (1 if (month, day) < (today.month, today.day) else 0)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str, today: dt.date | None = None) -> list[Found]:
    """Every date ``text`` writes in words, as ISO text, in order of appearance."""
    today = today or dt.datetime.now(dt.UTC).date()
    raw: list[tuple[int, int, int, int, int | None]] = []  # start, end, month, day, year
    for m in _DATE.finditer(text):
        # re.I lets "ſ" match "s", which .lower() keeps: a name no table holds is no date
        month = MONTHS.get((m.group("m1") or m.group("m2")).lower())
        if month is None:
            continue
        day = int(m.group("d1") or m.group("d2"))
        year = int(m.group("y")) if m.group("y") else None
        if m.group("d3"):
            split = m.start("d3")
            raw.append((m.start(), split, month, day, year))
            raw.append((split, m.end(), month, int(m.group("d3")), year))
        else:
            raw.append((m.start(), m.end(), month, day, year))
    out: list[Found] = []
    later: list[int | None] = [None] * len(raw)  # the year the nearest later date names
    nearest = None
    for i in range(len(raw) - 1, -1, -1):  # one pass back, not a scan ahead per date
        later[i] = nearest
        nearest = raw[i][4] if raw[i][4] is not None else nearest
    for i, (start, end, month, day, year) in enumerate(raw):
        iso = _iso(_year_for(month, day, year, later[i], today), month, day)
        if iso:
            out.append(Found(start, end, iso))
    taken = [(f.start, f.end) for f in out]
    for m in _MONTH_YEAR.finditer(text):
        month = MONTHS.get(m.group("m").lower())
        if month and not any(s < m.end() and m.start() < e for s, e in taken):
            out.append(Found(m.start(), m.end(), f"{m.group('y')}-{month:02d}"))
    starts = {s for s, _ in taken}
    for m in _RELATIVE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        gap = _GAP.match(text, m.end())
        if m.group("wd") and gap and gap.end() in starts:
            continue  # "on Thursday 11 March": the weekday names the date that follows
        day_ = _relative(m, today)
        if day_ is not None:
            out.append(Found(m.start(), m.end(), day_.isoformat()))
    return sorted(out, key=lambda f: f.start)


_SHIFTS = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1, "the day after tomorrow": 2}
_MAX_DAY_DIGITS = 6  # a million days is past any calendar a date parameter means


def _relative(m: re.Match[str], today: dt.date) -> dt.date | None:
    rel = (m.group("rel") or "").lower()
    if rel:
        shift = _SHIFTS.get(rel)  # None: re.I matched "yeſterday", which no table holds
        return None if shift is None else today + dt.timedelta(days=shift)
    if m.group("wd"):
        # the next such weekday after today ("next Friday" said on a Monday: this week's)
        weekday = WEEKDAYS.get(m.group("wd").lower())
        if weekday is None:
            return None
        return today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)
    if m.group("unit"):
        n = m.group("n")
        if len(n) > _MAX_DAY_DIGITS:
            return None  # "in 99999999 days" is past the calendar's end: no date
        count = int(n) if n.isdigit() else (_word_value(n) or 1)
        days = count * (7 if m.group("unit").lower().startswith("week") else 1)
        try:
            return today + dt.timedelta(days=days)
        except OverflowError:
            return None
    if m.group("nth"):
        day = int(m.group("nth"))
        month, year = today.month, today.year
        if day < today.day:
            month, year = (1, year + 1) if month == 12 else (month + 1, year)
        iso = _iso(year, month, day)
        return dt.date.fromisoformat(iso) if iso else None
    return today + dt.timedelta(days=7 - today.weekday())  # next week: its Monday


_HOUR_WORDS = {w: i for w, i in _UNITS.items() if 1 <= i <= 12}
_H = r"(?:[01]?\d|2[0-3]|" + "|".join(_HOUR_WORDS) + ")"
_PART_OF_DAY = r"(?:\s+(?:in\s+the\s+)?(?P<{}>morning|afternoon|evening|at night|tonight))?"
_TIME = re.compile(
    r"\b(?P<h1>[01]?\d|2[0-3]):(?P<m1>[0-5]\d)(?:\s*(?P<ap1>am|pm|a\.m\.|p\.m\.))?"
    + _PART_OF_DAY.format("pd1")
    + r"|\b(?P<h4>1[0-2]|[1-9])(?:\s+o'clock)?\s+(?:in\s+the\s+)?(?P<pd4>morning|afternoon|evening)\b"
    r"|\b(?P<h2>1[0-2]|0?[1-9])(?:\s*(?:-|–|to)\s*(?P<h2b>1[0-2]|0?[1-9]))?\s*(?P<ap2>am|pm|a\.m\.|p\.m\.)(?!\w)"
    r"|\b(?P<part>half past|quarter past|quarter to)\s+(?P<h3>" + _H + r")\b"
    r"(?:\s+(?:in\s+the\s+)?(?P<ap3>morning|afternoon|evening|at night|tonight))?"
    r"|\b(?P<named>noon|midday|midnight)\b",
    re.I,
)


def _hour(word: str) -> int | None:
    return int(word) if word.isdigit() else _HOUR_WORDS.get(word.lower())


def _daytime(hour: str) -> str | None:
    """The half of the day a clock hour said without am/pm means: 1 to 6 (written without
    a leading zero: "half past three", "2:30") is the afternoon, when people meet; the
    rest as said ("02:30", "9:15")."""
    return "pm" if hour.isdigit() and not hour.startswith("0") and 1 <= int(hour) <= 6 else None


def _clock(hour: int, minute: int, meridiem: str | None) -> str:
    mer = (meridiem or "").lower().replace(".", "")
    if mer in ("pm", "afternoon", "evening", "at night", "tonight") and hour < 12:
        hour += 12
    if mer in ("am", "morning") and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


def find_times(text: str) -> list[Found]:
    """Every clock time of ``text`` as 24-hour ``HH:MM`` ("3 to 4 pm" gives two)."""
    out: list[Found] = []
    for m in _TIME.finditer(text):
        if m.group("h1"):
            said = m.group("ap1") or m.group("pd1") or _daytime(m.group("h1"))
            out.append(
                Found(m.start(), m.end(), _clock(int(m.group("h1")), int(m.group("m1")), said))
            )
        elif m.group("h4"):
            out.append(Found(m.start(), m.end(), _clock(int(m.group("h4")), 0, m.group("pd4"))))
        elif m.group("h2"):
            if m.group("h2b"):
                split = m.start("h2b")
                out.append(Found(m.start(), split, _clock(int(m.group("h2")), 0, m.group("ap2"))))
                out.append(Found(split, m.end(), _clock(int(m.group("h2b")), 0, m.group("ap2"))))
            else:
                out.append(Found(m.start(), m.end(), _clock(int(m.group("h2")), 0, m.group("ap2"))))
        elif m.group("part"):
            hour, part = _hour(m.group("h3")), m.group("part").lower()
            minute = {"half past": 30, "quarter past": 15, "quarter to": 45}.get(part)
            if hour is None or minute is None:
                continue  # "half paſt ſix": re.I matched a letter no table holds
            hour = (hour - 1) % 24 if part == "quarter to" else hour  # quarter to 0 is 23:45
            said = m.group("ap3") or _daytime(str(hour))
            out.append(Found(m.start(), m.end(), _clock(hour, minute, said)))
        else:
            out.append(
                Found(
                    m.start(),
                    m.end(),
                    "00:00" if m.group("named").lower() == "midnight" else "12:00",
                )
            )
    return out


_DURATION = re.compile(
    r"\b(?:(?P<half>half an hour|half-hour|half hour)|(?:a\s+)?quarter of an hour"
    r"|(?P<n>\d+(?:\.\d+)?|"
    + _NUM_WORD
    + r"|a|an)\s+(?:(?:free|full|spare|quick|whole|extra|clear|solid|short|open)\s+)?"
    r"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?))\b",
    re.I,
)
_MINUTES = {"sec": 1 / 60, "min": 1, "hou": 60, "hrs": 60, "hr": 60, "day": 1440, "wee": 10080}


def find_durations(text: str) -> list[Found]:
    """Every length of time of ``text`` ("two hours", "half an hour"), in minutes."""
    out = []
    for m in _DURATION.finditer(text):
        if m.group("half"):
            minutes = 30.0
        elif not m.group("unit"):
            minutes = 15.0
        else:
            n, per = m.group("n"), _MINUTES.get(m.group("unit").lower()[:3])
            if per is None:
                continue  # "5 ſeconds": re.I matched a letter no table holds
            count = float(n) if n[0].isdigit() else float(_word_value(n) or 1)
            minutes = count * per
        out.append(Found(m.start(), m.end(), f"{minutes:g}"))
    return out
