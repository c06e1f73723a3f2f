"""Candidate values in a user's text, as the simulated model sees them.

Quoted phrases, e-mail addresses, URLs, ISO dates, identifiers (codes such as
``AB-123``, ``snake_case`` names), numbers, head counts, temperatures and street
addresses (:mod:`agentrt.sim.measures`), and proper nouns: capitalised
words that do not merely start a sentence. Each candidate keeps the content
words just around it, which :mod:`agentrt.sim.arguments` matches against a
parameter's name and description.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from agentrt.sim.dates import MONTHS, WEEKDAYS, find_dates, find_durations, find_times, number_words
from agentrt.sim.lexicon import known_word, stem
from agentrt.sim.measures import find_addresses, find_headcounts, find_temperatures
from agentrt.sim.worldknowledge import currency_mentions, file_type_mentions, known_name

__all__ = [
    "GENERIC_VERBS",
    "MAX_CANDIDATES",
    "Candidate",
    "Kind",
    "extract_candidates",
    "stems",
    "words",
]

Kind = Literal[
    "quoted",
    "email",
    "url",
    "path",
    "date",
    "datetime",
    "time",
    "duration",
    "headcount",
    "temperature",
    "address",
    "expression",
    "sql",
    "currency",
    "filetype",
    "identifier",
    "proper",
    "number",
]


def words(text: str) -> frozenset[str]:
    """The space-separated words of ``text`` as a set (for word lists)."""
    return frozenset(text.split())


_STOP = words(
    "a an the and or but of to in on at for from by with about into over under is are was were be "
    "been being it its this that these those i me my we our you your he she they them their what which "
    "who whom whose when where why how can could would should will shall may might must do does did "
    "please tell show give find get let lets make want need like just also then than there here some any "
    "all each every no not yes as if so up out now today tomorrow"
)
GENERIC_VERBS = words(
    "get set list fetch find lookup look search create update delete do run make call compute "
    "calculate check query read write send retrieve"
)
_COMMON_STARTERS = (
    _STOP
    | GENERIC_VERBS
    | words(
        "hi hello hey thanks thank ok okay sure could book schedule add remove plan convert translate "
        "summarize summarise explain describe compare weather order price name names"
    )
)
_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("quoted", re.compile(r"\"([^\"]+)\"|“([^”]+)”|`([^`]+)`|(?<!\w)'([^']+)'(?!\w)")),
    # starts only where a run of address characters starts: linear on a long word
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    # patterns over runs of word characters start only where the run starts (a lookbehind):
    # linear on a long word or a long run of dashes
    (
        "url",
        re.compile(
            r"https?://[^\s\"'<>]+[^\s\"'<>.,;:!?)]"
            r"|(?<![\w.-])(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|app|co|uk|de|fr|eu|edu|gov|example"
            r"|local|internal|cloud|ai)\b(?![\w/])"
        ),
    ),
    (
        "path",
        re.compile(
            r"(?<![\w/])(?:~|\.{1,2})?/(?:[\w.@+-]+/)*[\w.@+-]+"
            r"|\b[A-Za-z]:\\(?:[^\\\s?]+\\)*[^\\\s?,]+"  # C:\Users\sam\Downloads
            # from where a run of word characters and slashes starts: linear on "a/a/a/…"
            r"|(?<![\w/-])[\w-]+(?:/[\w.-]+)+\.[A-Za-z][A-Za-z0-9]{1,4}\b"  # notes/todo.txt
            r"|(?<![\w-])[\w-]+(?:\.[A-Za-z][A-Za-z0-9]{1,4}){1,2}\b(?!\.\w)"
        ),
    ),
    (
        "date",
        re.compile(r"\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?)?\b"),
    ),
    (
        "identifier",
        re.compile(
            r"(?<![\w/-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9]+(?:[-_/][A-Za-z0-9]+)+\b"
            r"|\b[A-Z]+\d+[A-Z0-9]*\b|\b[A-Za-z]+_[A-Za-z0-9_]+\b"
            r"|(?<=#)\d+\b|(?<![\w-])[a-z][a-z0-9]*(?:-[a-z0-9]+){1,4}\b|(?<![\w-])\d+(?:-\d+){2,4}\b"
            r"|\bv\d+(?:\.\d+){1,3}\b|\b\d+(?:\.\d+){2,3}\b"  # a version: v2.14.3
            r"|\b[A-Z]{2,4} \d{2,5}\b(?![\w-])"  # a code written with a space: LH 1172, CHEM 201
            r"|(?<![\w/.@-])[A-Za-z][\w.-]*/[A-Za-z][\w.-]*(?![\w/@])"  # owner/name: acme/web
            r"|\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{5,}\b"  # 1Z999AA10123456784
            r"|\b(?=[a-f0-9]*\d)(?=[a-f0-9]*[a-f])[a-f0-9]{7,40}\b"  # a commit hash
        ),
    ),
    ("number", re.compile(r"(?<![\w.])-?\d+(?:[.,]\d+)*(?![\w-])")),
)
# a statement in capitals (or "select * from"), to its semicolon or the message's end
_SQL = re.compile(
    r"\b(?:SELECT\b[^;]{0,400}?\bFROM\b|select\s+\*\s+from\b|WITH\s+\w+\s+AS\b|INSERT\s+INTO\b"
    r"|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b)[^;]*;?"
)
_AMOUNT_NEXT = re.compile(r"\s?\d")  # "€250", "EUR 300": the currency of that amount
_OPERAND = r"\(*-?\d+(?:\.\d+)?\)*"
_EXPRESSION = re.compile(rf"(?<![\w.,/(-]){_OPERAND}(?:\s*[-+*/×÷^]\s*{_OPERAND})+(?![\w.,/-])")


def _arithmetic(m: re.Match[str]) -> bool:
    """Whether an operand-operator run is arithmetic to work out: not a phone number
    ("555-1234": "-" needs spaces both sides to subtract), nor a date or fraction
    written with bare slashes ("3/4/2027", "24/7")."""
    text = m.group(0)
    said_before = _WORD_BEFORE.search(m.string, max(0, m.start() - 24), m.start())
    if said_before and said_before.group(1).lower() in _NOT_SUMS_AFTER and "+" not in text:
        return False  # "pages 10 - 20" is a range, "version 2.3/4.1" a version
    return bool(re.search(r"[+*×÷^]|\s-\s|\)-|\s/\s|\)/", text)) or (
        "/" in text and not re.fullmatch(r"[\d/]+", text) and "-" not in text
    )


_WORD_BEFORE = re.compile(r"([A-Za-z]+)\s*$")
_NOT_SUMS_AFTER = words(
    "page pages chapter chapters line lines row rows item items section sections verse verses "
    "seat seats aisle aisles room rooms floor floors level levels step steps slide slides "
    "question questions exercise exercises episode episodes track tracks between version "
    "versions release build v ages"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
_YEAR_SERIAL = re.compile(r"(?<![\w.-])(?:19|20)\d\d-\d{4,6}(?![\w.-])")
_POSTCODES = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}|[A-Z]\d[A-Z] \d[A-Z]\d)\b")
_LONG_DIGITS = re.compile(r"(?<![\w.,-])\d{12,40}(?![\w.,-])")
_ZERO_LED = re.compile(r"(?<![\w.,-])0\d{2,}(?![\w.,-])")
_COUNTED = re.compile(r"(?<![\w.-])(\d{1,4})-[a-z]{3,}s?\b(?!-)")
_PROPER_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|of|de|du|la|le|van|von|der))*\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9']*")
MAX_CANDIDATES = 256  # values read from one message; a real prompt holds far fewer


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """A value found in the user's text."""

    text: str
    kind: Kind
    start: int
    context: frozenset[str]
    before: str = ""  # the word just before the value, lower case (role: "250 dollars", "in euros")
    money: bool = False  # a number written with its currency ("$60", "60 bucks", "EUR 300")


@lru_cache(maxsize=4096)
def stems(text: str) -> frozenset[str]:
    """Content words of ``text`` (split on case and underscores), stemmed, stop words dropped."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).replace("_", " ").replace("-", " ")
    return frozenset(_stem(w) for w in _WORD.findall(spaced.lower()) if w not in _STOP)


def _stem(word: str) -> str:
    return stem(word)


def extract_candidates(text: str, *, vocabulary: frozenset[str] = frozenset()) -> list[Candidate]:
    """Every candidate value in ``text``, in order of appearance, without overlaps.

    ``vocabulary`` holds stems (tool names and descriptions) that are not proper
    nouns when they start a sentence.
    """
    taken: list[tuple[int, int]] = []
    found: list[Candidate] = []
    context = _Context(text)
    currencies = currency_mentions(text)
    glued = {end for _, end, _ in currencies} | {
        _skip_space(text, end) for _, end, _ in currencies
    }  # "$60", "USD 60"
    followed = {start for start, _, _ in currencies}  # "60 bucks"

    def add(kind: Kind, start: int, end: int, value: str) -> None:
        # a real message never holds this many values; the bound keeps a 20 KB "USD USD …"
        # from costing a check against every earlier candidate for each of thousands
        if len(found) >= MAX_CANDIDATES or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append(
            Candidate(
                text=value,
                kind=kind,
                start=start,
                context=context.around(start, end),
                before=_before(text, start),
                money=(kind == "number" and (start in glued or _skip_space(text, end) in followed))
                or (kind == "currency" and _AMOUNT_NEXT.match(text, end) is not None),
            )
        )

    for m in _SQL.finditer(text):  # a statement keeps its quotes and numbers
        add("sql", m.start(), m.end(), m.group(0).strip())
    for kind, pattern in _PATTERNS:
        if kind == "path":  # "(12+7)/3" is arithmetic, not a path "/3"
            for m in _EXPRESSION.finditer(text):
                if _arithmetic(m):
                    add("expression", m.start(), m.end(), m.group(0))
        if kind == "identifier":
            _add_worded(text, add)
        for m in pattern.finditer(text):
            value = next((g for g in m.groups() if g), m.group(0)) if m.groups() else m.group(0)
            add(kind, m.start(), m.end(), value.strip())
    for m in _PROPER_RUN.finditer(text):
        start, value = m.start(), m.group(0)
        if _starts_sentence(text, start):
            first, _, rest = value.partition(" ")
            bare = re.split(r"['’]", first.lower())[0]
            if bare in _COMMON_STARTERS or _stem(bare) in vocabulary or known_word(bare):
                if not rest or not rest[:1].isupper():
                    continue
                start, value = start + len(first) + 1, rest
            elif not rest and not known_name(value):
                continue  # one capitalised word opening a sentence is its verb ("Bounce the…")
        if value.lower() in MONTHS or value.lower() in WEEKDAYS:
            continue  # a day or month name is a date word, not a name
        if _TITLE_DOT.search(value + "."):
            continue  # a title on its own ("Dr." before a name) is no name
        if value == "I" or value.startswith("I'") or (value.isupper() and len(value) <= 2):
            continue  # "I", and two-letter initialisms ("IT", "CI") are no names
        value = _without_trailing_particles(value)
        value = re.sub(r"['’]s?$", "", value)  # a possessive: "Maria Garcia's" names Maria Garcia
        add("proper", start, start + len(value), value)
    found.sort(key=lambda c: c.start)
    return found + _date_times(text, found)


_PARTICLES = frozenset(["of", "de", "du", "la", "le", "van", "von", "der"])


def _without_trailing_particles(value: str) -> str:
    """``value`` without the particles it ends in ("Rue de" is "Rue"), in linear time:
    a regex ``(\\s+de)+$`` retries every "de" of a 20 KB "Rue de de de … X"."""
    parts = re.split(r"(\s+)", value)  # words at even places, the spaces between at odd
    while len(parts) > 2 and parts[-1] in _PARTICLES:
        del parts[-2:]
    return "".join(parts)


def _times_after(text: str, found: list[Candidate], i: int) -> list[Candidate]:
    out = []
    for later in found[i + 1 :]:
        if later.kind == "date" or re.search(r"[.!?;]", text[found[i].start : later.start]):
            break
        if later.kind == "time":
            out.append(later)
    return out


def _times_before(text: str, found: list[Candidate], i: int) -> list[Candidate]:
    """The clock time said before its day ("at 09:00, beginning January 4")."""
    for earlier in reversed(found[:i]):
        if earlier.kind == "date" or re.search(r"[.!?;]", text[earlier.start : found[i].start]):
            return []
        if earlier.kind == "time":
            return [earlier]
    return []


def _add_worded(text: str, add: Callable[[Kind, int, int, str], None]) -> None:
    """Values written in words: dates, clock times, lengths of time, currencies, numbers."""
    for f in find_addresses(text):  # before dates and numbers: "14 Larch Row" is one value
        add("address", f.start, f.end, f.value)
    for f in find_dates(text):
        add("date", f.start, f.end, f.value)
    for f in find_times(text):
        add("time", f.start, f.end, f.value)
    for f in find_durations(text):
        add("duration", f.start, f.end, f.value)
    for f in find_headcounts(text):
        add("headcount", f.start, f.end, f.value)
    for f in find_temperatures(text):
        add("temperature", f.start, f.end, f.value)
    for start, end, code in currency_mentions(text):
        add("currency", start, end, code)
    for start, end, ext in file_type_mentions(text):
        add("filetype", start, end, ext)
    for f in number_words(text):
        add("number", f.start, f.end, f.value)
    for m in _IBAN.finditer(text):  # "GB29 NWBK 6016 1331 9268 19": one account number
        add("identifier", m.start(), m.end(), m.group(0))
    for m in _YEAR_SERIAL.finditer(text):  # "student 2026-0417": a code, not a range
        add("identifier", m.start(), m.end(), m.group(0))
    for m in _POSTCODES.finditer(text):  # "SW1A 1AA": one code with its space
        add("identifier", m.start(), m.end(), m.group(0))
    for m in _LONG_DIGITS.finditer(text):  # a tracking or account number: a code, no amount
        add("identifier", m.start(), m.end(), m.group(0))
    for m in _ZERO_LED.finditer(text):  # "case 00419": a leading zero makes a code, no number
        add("identifier", m.start(), m.end(), m.group(0))
    for m in _COUNTED.finditer(text):  # "a 2-bedroom flat": 2, of bedrooms
        add("number", m.start(1), m.end(1), m.group(1))


def _date_times(text: str, found: list[Candidate]) -> list[Candidate]:
    """A date joined with each clock time that follows it in its sentence ("May 14, 3 to 4 pm")."""
    out = []
    for i, day in enumerate(found):
        if day.kind != "date" or len(day.text) != 10:
            continue
        times = _times_after(text, found, i) or _times_before(text, found, i)
        for later in times:
            if later.kind == "time":
                out.append(
                    Candidate(
                        text=f"{day.text}T{later.text}",
                        kind="datetime",
                        start=later.start,
                        context=day.context | later.context,
                    )
                )
    return out


def _before(text: str, start: int) -> str:
    # walked back from ``start`` (no search over all of text[:start]): linear per message
    end = _skip_space_back(text, start)
    while end > 0 and text[end - 1] in "$€£¥₹":  # "below $120": the word before the sum
        end = _skip_space_back(text, end - 1)
    begin, floor = end, max(0, end - _MAX_BEFORE)
    while begin > floor and (text[begin - 1].isalnum() or text[begin - 1] in "_.,"):
        begin -= 1
    return text[begin:end].lower()


_MAX_BEFORE = 200  # a role word ("dollars", "in") is short; a longer run is no role word


def _skip_space_back(text: str, i: int) -> int:
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _starts_sentence(text: str, start: int) -> bool:
    end = _skip_space_back(text, start)
    if _TITLE_DOT.search(text[max(0, end - 8) : end]):  # the longest title and its boundary
        return False  # "Dr. Ng": a title's full stop ends no sentence
    return end == 0 or text[end - 1] in '.!?:;\n"“('


_TITLE_DOT = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Mx|Prof|Sr|Jr|St|Capt|Rev)\.$")


class _Context:
    """The content words just around a span of one text: the four words before it and
    the two after, from words found once per text (by index, not by re-reading the text
    before each candidate, which was quadratic on a long message)."""

    def __init__(self, text: str) -> None:
        lowered = text.lower()
        # lower-casing that changes a length ("İ") would shift indices: read that text slowly
        self._text = lowered if len(lowered) == len(text) else None
        self._raw = text
        self._spans = [(m.start(), m.end()) for m in _WORD.finditer(self._text or "")]
        self._starts = [s for s, _ in self._spans]
        self._ends = [e for _, e in self._spans]

    def around(self, start: int, end: int) -> frozenset[str]:
        """Stems of the words just before ``start`` and just after ``end``."""
        if self._text is None:
            return _context_slowly(self._raw, start, end)
        text, starts, ends = self._text, self._starts, self._ends
        k = bisect_right(ends, start)
        before = [text[s:e] for s, e in self._spans[max(0, k - 4) : k]]
        if k < len(starts) and starts[k] < start:
            before.append(text[starts[k] : start])  # a word the span starts inside of
        j = bisect_left(starts, end)
        after = _WORD.findall(text[end : ends[j - 1]]) if j and ends[j - 1] > end else []
        after += [text[s:e] for s, e in self._spans[j : j + 2]]
        return frozenset(_stem(w) for w in [*before[-4:], *after[:2]] if w not in _STOP)


def _context_slowly(text: str, start: int, end: int) -> frozenset[str]:
    before = _WORD.findall(text[:start].lower())[-4:]
    after = _WORD.findall(text[end:].lower())[:2]
    return frozenset(_stem(w) for w in [*before, *after] if w not in _STOP)
