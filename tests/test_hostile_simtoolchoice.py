"""Hostile words for the simulated model's general tool choice: dates, times, codes, synonyms.

Each row is a message (and tools) that stresses the new readers (dates and times in
words, durations, currencies, world-knowledge codes, enum synonyms, phrase joins,
fan-out over listed values, yes/no flags, titles, lists of names, counts, codes): the model must answer without an error, the same way
twice, with JSON-object arguments, quickly.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from agentrt.sim.arguments import FunctionTool
from agentrt.sim.dates import find_dates, find_durations, find_times
from agentrt.sim.model import Prompt, Turn, respond

S = {"type": "string"}


def _tool(name: str, description: str, props: dict[str, Any]) -> FunctionTool:
    return FunctionTool(
        name=name,
        description=description,
        parameters={"type": "object", "properties": props, "required": list(props)},
    )


BOOK = _tool(
    "book_table",
    "Book a restaurant table on a day at a time.",
    {
        "day": {"type": "string", "format": "date"},
        "time": {"type": "string", "description": "HH:MM"},
        "party_size": {"type": "integer"},
    },
)
CONVERT = _tool(
    "convert_currency",
    "Convert an amount between currencies.",
    {
        "amount": {"type": "number"},
        "from_currency": {"type": "string", "description": "ISO 4217"},
        "to_currency": {"type": "string", "description": "ISO 4217"},
    },
)
FLIGHTS = _tool(
    "search_flights",
    "Search flights between two airports.",
    {
        "origin": {"type": "string", "description": "IATA code"},
        "destination": {"type": "string", "description": "IATA code"},
    },
)
ENUMS = _tool(
    "set_level",
    "Set the level of a thing.",
    {
        "level": {"type": "string", "enum": ["", "_", "-", "a_b_c", "low", "LOW", "low "]},
        "n": {"type": "integer", "enum": [0, -1, 2, 99999999999]},
    },
)
WEIRD = _tool("get (x).*+?[", "Find [.*] (look up) $1 \\1 every Monday.", {"a(b": S, "": S})
LIST = _tool(
    "list_events",
    "List the events on one day.",
    {"date": {"type": "string", "description": "YYYY-MM-DD"}},
)
FLAGS = _tool(
    "search_rooms",
    "Search rooms.",
    {"city": S, "only": {"type": "boolean"}, "breakfast_included": {"type": "boolean"}},
)
PEOPLE = _tool("invite", "Invite people.", {"title": S, "people": {"type": "array", "items": S}})
FILES = _tool(
    "find_files",
    "Find files of a type, waiting a while.",
    {
        "file_type": {"type": "string", "description": "file extension"},
        "wait_minutes": {"type": "number", "description": "minutes to wait"},
        "count": {"type": "integer"},
    },
)
ALL = [BOOK, CONVERT, LIST, FILES]
WINDOW = _tool(
    "series",
    "A metric over a window.",
    {"service": S, "window": {"type": "string", "enum": ["5m", "1h", "6h", "7d"]}},
)
STAY = _tool(
    "rent",
    "Rent a car for a span of days.",
    {
        "city": S,
        "start_date": {"type": "string", "description": "YYYY-MM-DD"},
        "end_date": {"type": "string", "description": "YYYY-MM-DD"},
    },
)
SHIP = _tool(
    "ship_to",
    "Ship an order to an address and a postcode, for a party of guests, at a temperature.",
    {
        "order_id": S,
        "address": S,
        "postcode": S,
        "party_size": {"type": "integer"},
        "temperature_c": {"type": "number"},
        "max_price": {"type": "number"},
    },
)
BROKEN_REFS = FunctionTool(
    name="pay",
    description="Send money to a payee.",
    parameters={
        "type": "object",
        "properties": {
            "payee": {"$ref": "#/$defs/nowhere"},
            "amount": {"$ref": "#/required"},
            "currency": {"anyOf": 5, "enum": ["EUR", 1, None, 2.5, True]},
        },
        "required": ["payee", "amount", "currency", "ghost"],
    },
)


def _raw(props: Any, required: Any = ()) -> FunctionTool:
    """A tool whose schema is JSON no validator checked: any keyword may be ill-typed."""
    schema = {"type": "object", "properties": props, "required": required or list(props)}
    return FunctionTool(name="pay", description="Pay, scale, book.", parameters=schema)


HOSTILE = [
    ("glued symbols", "$1$2€3£4¥5₹6 £-7 $.5 €,", [CONVERT]),
    ("a flag named by filler only", "only only only not only without only", [FLAGS]),
    ("a flag said and unsaid", "no breakfast, with breakfast, not not breakfast", [FLAGS]),
    ("titles with no names", "Dr. Mr. Mrs. Prof. St. Dr.", [PEOPLE]),
    ("a list of 500 names", ", ".join(["Ann", "Bo"] * 250) + " and Cy", [PEOPLE]),
    ("counts glued to words", "9999-doors 0-bed 1-a 12-bedroomsss -5-door 3--x", [FLAGS]),
    ("leading zeros", "case 0 00 000 0000000000000000000000000000 0.01 0,5", [LIST]),
    ("weekday before every date", " ".join(["on Monday, May 3 2027"] * 200), [LIST]),
    ("impossible dates", "Book for February 30, 2027 and April 31st at 25:99", [BOOK]),
    ("day zero and the 99th", "Book on the 0th, the 99th or March 0, 2027", [BOOK]),
    ("dates everywhere", " ".join(f"May {d}, 2027 and" for d in range(1, 32)) + " today", [LIST]),
    ("range backwards", "list events from July 9 to July 2, 2027", [LIST]),
    ("times out of range", "book at 13pm, 0am, 24:00, half past twelve at night", [BOOK]),
    ("huge numbers", "convert 1e999 and 99999999999999999999999 dollars to yen", [CONVERT]),
    ("symbols only", "€ £ ¥ $ ₹ → convert", [CONVERT]),
    (
        "ten currencies",
        "convert " + " and ".join(["euros", "yen", "pounds", "francs"] * 3),
        [CONVERT],
    ),
    ("unknown cities", "flights from Atlantis to El Dorado to Springfield", [FLIGHTS]),
    ("cities in lower case", "flights from lisbon to berlin", [FLIGHTS]),
    ("odd enum members", "set the level to low, LOW, a b c, -1 and 0, not low", [ENUMS]),
    ("regex in names", "get (x).*+?[ with a(b = 1 every Monday at noon", [WEIRD]),
    ("phrases back to back", "look up call off get rid of how much look up", [BOOK, CONVERT]),
    ("negations only", "not never no n't isn't wasn't not urgent not low", [ENUMS]),
    ("long repeated dashes", "-".join(["1"] * 3000), [LIST, BOOK]),
    ("long word", "a" * 20000, [LIST, BOOK, CONVERT]),
    ("many capitals", " ".join(["Rome", "Paris", "Oslo"] * 400), [FLIGHTS]),
    ("unicode digits", "book on ٣ March ٢٠٢٧ at ١٠:١٥ for ٤", [BOOK]),
    ("durations in words", "for twenty-five hours, half an hour, a quarter of an hour", [BOOK]),
    ("a date past the calendar's end", "book a table in 99999999 days", [BOOK]),
    ("a day count too large for C", "book a table in " + "9" * 22 + " days", [BOOK]),
    ("a day count past int's digit limit", "book a table in " + "9" * 5000 + " days", [BOOK]),
    ("a count past int's digit limit", "find " + "9" * 5000 + " pdf files", [FILES]),
    ("a long s in a weekday", "book next \u017funday at noon", [BOOK]),
    ("a long s in a month", "book on 5 \u017feptember 2027", [BOOK]),
    ("a long s in a currency", "convert 10 dollar\u017f to euros", [CONVERT]),
    ("a long s in an hour", "book at half pa\u017ft \u017fix", [BOOK]),
    ("a long s in a unit", "wait 5 \u017feconds for the pdf", [FILES]),
    ("a long s in a file type", "find the \u017fvg files", [FILES]),
    ("a quarter to hour zero", "book at quarter to 0 and quarter to 00", [BOOK]),
    ("a window too long for a float", "web over the last " + "9" * 400 + " hours", [WINDOW]),
    ("a stay of 999 weeks", "a car in Oslo for 999 weeks from 31 Dec 2099", [STAY]),
    ("a stay of zero nights", "a car in Oslo for 0 nights from 3 May 2027", [STAY]),
    ("measures glued", "ship 1°C-5°F 0 degrees 999 degrees celsius -0 deg to ° °C", [SHIP]),
    ("addresses without streets", "ship to 12 Street, 1 Road Road Road, 0 Ave, Quay", [SHIP]),
    ("head counts of zero", "party of 0, 0 adults, table for 000, just me and my wife", [SHIP]),
    ("postcodes of every shape", "ship to 0, 00000-0000, SW1A1AA, K1A0B1, ZZ99 9ZZ", [SHIP]),
    ("sums in every currency", "ship under $0 or £-1 or 1e9 EUR or 99999999999999 USD", [SHIP]),
    ("refs to nothing, anyOf no list", "pay 10 EUR to the landlord", [BROKEN_REFS]),
    ("enum members that are lists", "pay 10 EUR", [_raw({"m": {"enum": [[1], {"x": 2}, None]}})]),
    ("a type that is a number", "pay 10 EUR", [_raw({"x": {"type": 5}, "y": {"type": [None]}})]),
    ("examples that are no list", "pay 10", [_raw({"q": {"description": 5, "examples": 5}})]),
    ("an allOf of numbers", "pay 10", [_raw({"a": {"allOf": [5, {"properties": 5}]}})]),
]


@pytest.mark.parametrize(("case", "text", "tools"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_words_never_break_tool_choice(
    case: str, text: str, tools: list[FunctionTool]
) -> None:
    prompt = Prompt(model="grok-4", turns=(Turn(role="user", text=text),), tools=tuple(tools))
    started = time.perf_counter()
    first, second = respond(prompt), respond(prompt)
    assert time.perf_counter() - started < 5.0, case
    assert first == second, case
    for call in first.tool_calls:
        assert isinstance(json.loads(call.arguments), dict), case


SLOW = [
    ("currency codes", "USD " * 5000),
    ("dashed letters", "a-" * 10000),
    ("weekdays", "on Monday, " * 2500),
    ("long digit runs", " ".join(["9" * 99] * 200)),
    ("titles", "Dr. " * 5000),
    ("lists", "a, b and c, " * 2000),
    ("times", "at 3pm " * 3000),
    ("street addresses", "12 Elm Street, " * 1500),
    ("capitals before a street word", "1 " + "Aa " * 7000 + "Road"),
    ("head counts", "party of 6 and two adults " * 800),
    ("temperatures", "21°C " * 4000),
    ("long digit codes", ("123456789012 " * 1600)),
    ("currency codes in capitals", "EUR GBP " * 2500),
    ("open parentheses", "(" * 20000 + "1"),
    ("an endless sum", "1+" * 10000 + "x"),
    ("spaced subtractions", "1 - " * 5000 + "a"),
    ("phone-like runs", "555-1234 " * 2000),
    ("statements never ending", "SELECT " * 3000),
    ("a statement of quotes", "SELECT '" + "a'b" * 6000 + " FROM t"),
    ("slashes between words", "a/" * 10000),
    ("actions back to back", "scale " * 4000),
    ("particles after a street word", "12 Rue " + "de " * 6000 + "X"),
]


@pytest.mark.parametrize(("case", "text"), SLOW, ids=[s[0] for s in SLOW])
def test_20kb_messages_answer_in_well_under_a_second(case: str, text: str) -> None:
    prompt = Prompt(model="grok-4", turns=(Turn(role="user", text=text),), tools=tuple(ALL))
    started = time.perf_counter()
    reply = respond(prompt)
    assert time.perf_counter() - started < 1.0, case
    for call in reply.tool_calls:
        assert isinstance(json.loads(call.arguments), dict), case


@pytest.mark.parametrize(
    "text",
    [
        "quarter to 0",
        "February 30, 2027",
        "the 99th",
        "March 0",
        "25:99",
        "13pm",
        "0 hours",
        "a" * 5000,
        "9" * 500,
    ],
)
def test_readers_of_words_skip_what_is_no_value(text: str) -> None:
    dates = [f.value for f in find_dates(text)]
    times = [f.value for f in find_times(text)]
    assert all(len(d) in (7, 10) for d in dates)
    assert all(len(t) == 5 and 0 <= int(t[:2]) < 24 for t in times)
    assert all(float(d.value) >= 0 for d in find_durations(text))


@pytest.mark.parametrize(
    "text", ["yeſterday", "next ſunday", "on 5 ſeptember 2027", "ſeptember 2027", "half paſt six"]
)
def test_letters_only_case_folding_matches_read_as_no_value(text: str) -> None:
    # "ſ" matches "s" under re.I but .lower() keeps it: such a word names nothing
    assert find_dates(text) == []
    assert find_times(text) == []
