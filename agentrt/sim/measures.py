"""Values whose words say what they measure, as the simulated model reads them.

:func:`find_headcounts` reads how many people ("two adults", "party of 6", "a table
for 4", "just me", "the two of us"); :func:`find_temperatures` reads "21 degrees",
"18°C", "68 °F"; :func:`find_addresses` reads street addresses ("14 Larch Row",
"800 Harbor Blvd, Oakland", "221B Baker Street"). A value so read only fills a
parameter that asks for that kind (``party_size``, ``temperature_c``,
``address``): "18°C" is no room and "4 guests" no page size. General English and
general postal conventions, nothing of any one agent.
"""

from __future__ import annotations

import re

from agentrt.sim.dates import MONTHS, WEEKDAYS, Found

__all__ = ["find_addresses", "find_headcounts", "find_temperatures"]

_COUNT_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
}
_N = r"(\d{1,3}|" + "|".join(sorted(_COUNT_WORDS, key=len, reverse=True)) + ")"
_PEOPLE = (
    r"(?:adults?|people|persons?|guests?|passengers?|travell?ers?|diners?|pax|attendees?"
    r"|participants?|visitors?|kids|children|seniors|students|of us)"
)
_HEADCOUNT = re.compile(
    rf"\b{_N}\s+{_PEOPLE}\b"
    rf"|\b(?:party|group|table|reservation|booking|room|family|team|household)\s+(?:of|for)\s+"
    rf"{_N}\b(?!\s*(?:[:.]\d|am|pm|(?:companies|firms|items|products|tasks|files|nights|days)\b))",
    re.I,
)
_ONE = re.compile(r"\b(?:just|only)\s+(?:me|myself)\b|\bby myself\b|\bjust for me\b|\bsolo\b", re.I)
_TWO = re.compile(
    r"\b(?:the two of us|both of us|me and my (?:wife|husband|partner|friend|son|daughter|"
    r"colleague|boss|mother|father|mom|mum|dad|girlfriend|boyfriend|fiancée?|kid|child))\b",
    re.I,
)


def find_headcounts(text: str) -> list[Found]:
    """How many people each phrase of ``text`` counts ("two adults", "party of 6", "just me")."""
    out = []
    for m in _HEADCOUNT.finditer(text):
        n = m.group(1) or m.group(2)
        value = int(n) if n.isdigit() else _COUNT_WORDS.get(n.lower())
        if value:
            out.append(Found(m.start(), m.end(), str(value)))
    out += [Found(m.start(), m.end(), "1") for m in _ONE.finditer(text)]
    out += [Found(m.start(), m.end(), "2") for m in _TWO.finditer(text)]
    kept: list[Found] = []
    for f in sorted(out, key=lambda f: (f.start, -f.end)):
        if not kept or f.start >= kept[-1].end:  # "the two of us" once, not "two of us" again
            kept.append(f)
    return kept


_TEMPERATURE = re.compile(
    r"(?<![\w.])(-?\d{1,3}(?:\.\d)?)\s*(?:°\s*[CF]?|º\s*[CF]?|degrees?\b(?:\s+(?:celsius|fahrenheit|"
    r"centigrade|[CF]\b))?|deg\b)"
    # an angle or a measure of closeness: "a 360 degree view", "5 degrees of separation"
    r"(?!\s*(?:of|view|views|angle|angles|turn|turns|rotation|panorama|camera|photo|video)\b)",
    re.I,
)


def find_temperatures(text: str) -> list[Found]:
    """Every temperature of ``text`` ("21 degrees", "18°C"), as its number."""
    return [Found(m.start(), m.end(), m.group(1)) for m in _TEMPERATURE.finditer(text)]


_STREET = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Row|Boulevard|Blvd|Drive|Dr|Way|Court|Ct|Place|Pl"
    r"|Terrace|Close|Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Alley|Circle|Cir|Walk|Mews"
    r"|Gardens|Hill|Trail|Plaza|Quay|Wharf|Grove|Park)"
)
_CAP = r"[A-Z][\w'’-]*"
_ADDRESS = re.compile(
    rf"(?<![\w-])\d{{1,5}}[A-Za-z]?\s+(?:{_CAP}\s+){{0,3}}{_STREET}\b\.?"
    rf"(?P<city>,\s*{_CAP}(?:\s+{_CAP}){{0,2}})?"
)


_STREET_FIRST = (
    r"(?:Rue|Avenue|Boulevard|Bd|Place|Via|Viale|Calle|Carrer|Rua|Avenida|Chemin|Allée|Quai"
    r"|Piazza|Plaza|Corso)"
)
# a house number before a street named type-first, as in French, Italian, Spanish:
# "27 Rue des Martyrs", "12 Via Roma", "8 Calle de Alcalá"
_ADDRESS_LATIN = re.compile(
    rf"(?<![\w-])\d{{1,5}}[A-Za-z]?,?\s+{_STREET_FIRST}\s+(?:(?:de|des|du|di|del|della|la|le|"
    rf"los|las|da|do|dos)\s+)*{_CAP}(?:\s+{_CAP}){{0,2}}"
)


def find_addresses(text: str) -> list[Found]:
    """Every street address of ``text`` ("14 Larch Row", "800 Harbor Blvd, Oakland",
    "27 Rue des Martyrs")."""
    out = [Found(m.start(), m.end(), m.group(0)) for m in _ADDRESS_LATIN.finditer(text)]
    for m in _ADDRESS.finditer(text):
        end = m.end()
        city = m.group("city")
        if city and city.strip(", ").split()[0].lower() in {*MONTHS, *WEEKDAYS}:
            end = m.start("city")  # "14 Larch Row, May 6": a date follows, no city
        out.append(Found(m.start(), end, text[m.start() : end].rstrip(".")))
    return out
