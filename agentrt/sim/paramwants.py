"""What kind of value a tool parameter asks for, read from its name, description and format.

A parameter described "YYYY-MM-DD" (or ``format: date``, or named ``…_date``,
``check_in``) wants a date; "YYYY-MM-DDTHH:MM" (``format: date-time``) a date and
time; "YYYY-MM" or ``month`` a month; "HH:MM" or ``time`` a clock time;
``duration_minutes`` or ``minutes_before`` a length of time in minutes; "ISO 4217"
or ``currency`` a currency code; ``extension`` a file type ("PDFs" → ``pdf``). :func:`fits` keeps each kind of value found in
the message (:mod:`agentrt.sim.candidates`) to the parameters that want it, and
:func:`value_for` writes it in the form asked for (a date trimmed to its month, two
hours as 120 minutes, "Lisbon" as ``LIS`` where an IATA code is asked for).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from agentrt.sim.worldknowledge import lookup

__all__ = [
    "POSTCODE",
    "chronological",
    "fits",
    "fits_text",
    "hint",
    "range_end",
    "value_for",
    "want",
]

_DATE_NAMES = re.compile(
    r"(^|_)(date|day|dob|birthday|check_?in|check_?out|arrival|checkin|checkout)(_|$)|date$"
)
_TIME_NAMES = re.compile(r"(^|_)(time|hour)(_|$)")
_MOMENT_NAMES = re.compile(r"^(start|end|starts_at|ends_at|start_at|end_at|when|due|deadline)$")
_UNIT_NAMES = re.compile(r"(minutes?|mins|seconds?|secs|hours|days|weeks)")
_TEMPERATURE_WORDS = r"\b(?:temperature|temp|celsius|fahrenheit|setpoint|degrees)\b|°"
_PEOPLE_WORDS = (
    r"\b(?:adults?|people|persons?|guests?|passengers?|travell?ers?|diners?|pax|party|"
    r"attendees?|participants?|headcount|occupants?|covers|visitors?)\b"
)
_POSTCODE_NAMES = re.compile(r"(^|_)(post_?code|postal_?code|zip|zip_?code|postcodes?)(_|$)")
_ADDRESS_NAMES = re.compile(r"(^|_)(address|street|addr|street_address)(_|$)")
_NOT_POSTAL = re.compile(r"e-?mail|\bip\b|\bmac\b|url|web|wallet|memory|hex", re.I)
_UNIT_MINUTES = {"min": 1.0, "sec": 1 / 60, "hou": 60.0, "day": 1440.0, "wee": 10080.0}


def hint(name: str, spec: Mapping[str, Any]) -> str:
    """The words that say what ``name`` wants: its name, title, description and format."""
    return " ".join(
        str(x)
        for x in (name, spec.get("title", ""), spec.get("description", ""), spec.get("format", ""))
    )


def want(name: str, spec: Mapping[str, Any]) -> str:
    """``datetime``, ``date``, ``month``, ``time``, ``minutes:<unit>``, ``currency``,
    ``filetype``, ``temperature``, ``headcount``, ``address`` or ``""``."""
    if "enum" in spec:
        return ""
    kind = spec.get("type", "string")
    return _want(
        name,
        str(spec.get("title", "")),
        str(spec.get("description", "")),
        str(spec.get("format", "")),
        tuple(kind) if isinstance(kind, list) else (str(kind),),
    )


@lru_cache(maxsize=2048)
def _want(name: str, title: str, description: str, fmt: str, types: tuple[str, ...]) -> str:
    spec = {"title": title, "description": description, "format": fmt}
    lname = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    text = hint(name, spec)
    numeric = bool({"integer", "number"} & set(types))
    spaced = f" {lname.replace('_', ' ')} {title} {description} ".lower()
    if re.search(_TEMPERATURE_WORDS, spaced):
        return "temperature"
    if numeric and re.search(_PEOPLE_WORDS, spaced):
        return "headcount"
    if _POSTCODE_NAMES.search(lname):
        return "postcode"
    if not numeric and re.search(r"expression|formula|equation|arithmetic|\bmath", spaced):
        return "expression"
    if not numeric and re.search(r"\bsql\b", spaced):
        return "sql"
    if not numeric and _ADDRESS_NAMES.search(lname) and not _NOT_POSTAL.search(text):
        return "address"
    if numeric:
        m = _UNIT_NAMES.search(lname)
        return f"minutes:{m.group(1)[:3]}" if m else ""
    if fmt == "date-time" or re.search(
        r"YYYY-MM-DD[T ]HH|date-?time|timestamp|ISO 8601", text, re.I
    ):
        return "datetime"
    if re.search(r"YYYY-MM(?!-DD)", text) or lname in ("month", "billing_month", "period"):
        return "month"
    if fmt == "date" or "YYYY-MM-DD" in text or _DATE_NAMES.search(lname):
        return "date"
    if re.search(r"\b(?:date|day)\b", f"{title} {description}", re.I) and not numeric:
        return "date"  # "from: first day of the range"
    if re.search(r"\bHH:MM\b", text) or _TIME_NAMES.search(lname):
        return "time"
    if _MOMENT_NAMES.match(lname):
        return "datetime"
    if re.search(r"currency|iso[ -]?4217", text, re.I):
        return "currency"
    if re.search(r"extension|file_?type|mime", lname) or re.search(r"file extension", text, re.I):
        return "filetype"
    return ""


_KIND_FOR = {
    "datetime": ("date", "datetime"),
    "date": ("date", "datetime"),
    "month": ("date",),
    "time": ("time",),
    "currency": ("currency",),
    "filetype": ("filetype",),
    "headcount": ("headcount", "number"),
    "temperature": ("temperature", "number"),
    "address": ("address", "proper", "quoted"),
    "postcode": ("number", "identifier", "quoted"),
    "expression": ("expression", "quoted"),
    "sql": ("sql", "quoted"),
}


POSTCODE = re.compile(
    r"\d{3,6}(?:-\d{3,4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d", re.I
)
"""A postal code's shapes: digits (10115, 94103-1234), British (SW1A 1AA), Canadian (K1A 0B1)."""


def fits_text(wanted: str, text: str) -> bool:
    """Whether the value ``text`` has a shape the wanted kind allows (a postcode's)."""
    return wanted != "postcode" or POSTCODE.fullmatch(text) is not None


# kinds of value that fill only a parameter asking for their kind
_ONLY_WHERE_ASKED = frozenset(
    {"expression", "date", "datetime", "time", "duration", "currency", "filetype"}
    | {"headcount", "temperature"}
)


def fits(wanted: str, kind: str) -> bool | None:
    """Whether a value of ``kind`` may fill a parameter that wants ``wanted``; None: no rule."""
    if wanted.startswith("minutes:"):
        return kind in ("duration", "number")
    if wanted in _KIND_FOR:
        return kind in _KIND_FOR[wanted]
    if kind in _ONLY_WHERE_ASKED:
        return False  # these only fill parameters that ask for them
    return None


def value_for(wanted: str, kind: str, text: str, name: str, spec: Mapping[str, Any]) -> str:
    """``text`` (a value of ``kind``) written as a parameter that wants ``wanted`` asks."""
    if wanted == "month" and kind == "date":
        return text[:7]
    if wanted == "date" and kind == "datetime":
        return text[:10]
    if wanted.startswith("minutes:") and kind == "duration":
        minutes = float(text) / _UNIT_MINUTES.get(wanted.split(":")[1], 1.0)
        return f"{minutes:g}"
    if kind == "proper":
        return lookup(hint(name, spec), text) or text
    if " " in text and re.search(r"without spaces|no spaces", hint(name, spec), re.I):
        return text.replace(" ", "")
    if (
        kind == "identifier"
        and re.fullmatch(r"[A-Z]{2,4} ?\d+", text)
        and spec.get("type") in ("integer", "number")
    ):
        return re.sub(r"\D", "", text)  # "PR 42" for a pull request's number: 42
    if kind == "identifier" and re.fullmatch(r"[A-Z]{2,3} \d+", text):
        return text.replace(" ", "")  # a flight or course number is written without its space
    return text


def chronological(specs: Mapping[str, Mapping[str, Any]], out: dict[str, Any]) -> None:
    """Dates of one call in the schema's order (start before end, check-in before check-out),
    as a range's two ends are: the first date parameter takes the earliest date.
    ``specs`` maps each parameter to its resolved schema."""
    names = [
        n
        for n, spec in specs.items()
        if n in out and want(n, spec) in ("date", "datetime", "month") and isinstance(out[n], str)
    ]
    values = sorted(out[n] for n in names)
    for n, v in zip(names, values, strict=True):
        out[n] = v


_STAY = re.compile(
    r"\b(?:for\s+)?(?P<n>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|fourteen|a)\s+(?P<unit>nights?|days?|weeks?)\b",
    re.I,
)
_SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_SMALL |= {"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14}
_END_NAMES = re.compile(r"(^|_)(end|check_?out|checkout|return|until|to|last|departure)(_|$)")


def range_end(specs: Mapping[str, Mapping[str, Any]], out: dict[str, Any], text: str) -> str | None:
    """The end of a range the message gives as a start and a length ("3 nights starting
    June 2": check-out June 5), put in the one empty end-date parameter; returns its name.
    ``specs`` maps each parameter to its resolved schema."""
    dated = [n for n, spec in specs.items() if want(n, spec) == "date"]
    starts = [n for n in dated if n in out and isinstance(out[n], str)]
    ends = [n for n in dated if n not in out and _END_NAMES.search(n.lower())]
    m = _STAY.search(text)
    if (
        len(starts) != 1
        or len(ends) != 1
        or m is None
        or dated.index(ends[0]) < dated.index(starts[0])
    ):
        return None
    n = m.group("n").lower()
    count = int(n) if n.isdigit() else _SMALL[n]
    days = count * (7 if m.group("unit").lower().startswith("week") else 1)
    try:
        start = dt.date.fromisoformat(out[starts[0]][:10])
        out[ends[0]] = (start + dt.timedelta(days=days)).isoformat()
    except (ValueError, OverflowError):  # no date, or past the calendar's end
        return None
    return ends[0]
