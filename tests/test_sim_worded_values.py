"""The simulated model reads dates, times, durations, currencies and place names in words.

Each rule is general English or world knowledge; the examples here are our own,
not the tool-choice corpus' words.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from agentrt.sim.arguments import FunctionTool, extract_candidates, fill_calls
from agentrt.sim.dates import find_dates, find_durations, find_times

TODAY = dt.date(2026, 11, 18)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("ship it on November 30, 2026", ["2026-11-30"]),
        ("the 2nd of February 2028 works", ["2028-02-02"]),
        ("from Aug 4 to Aug 9, 2027", ["2027-08-04", "2027-08-09"]),
        ("stay October 20-23, 2027", ["2027-10-20", "2027-10-23"]),
        ("tomorrow please", ["2026-11-19"]),
        ("next Friday", ["2026-11-20"]),
        ("on Monday", ["2026-11-23"]),
        ("in two weeks", ["2026-12-02"]),
        ("the 25th", ["2026-11-25"]),
        ("December 1", ["2026-12-01"]),
        ("back in March", []),
        ("what did I spend in April 2027", ["2027-04"]),
    ],
)
def test_dates_in_words_are_iso(text: str, iso: list[str]) -> None:
    assert [f.value for f in find_dates(text, TODAY)] == iso


@pytest.mark.parametrize(
    ("text", "times"),
    [
        ("at 7:45", ["07:45"]),
        ("at 5pm", ["17:00"]),
        ("between 1 and 2, 1 to 2 pm", ["13:00", "14:00"]),
        ("at quarter to eight in the evening", ["19:45"]),
        ("lunch at noon", ["12:00"]),
    ],
)
def test_times_in_words_are_24_hour(text: str, times: list[str]) -> None:
    assert [f.value for f in find_times(text)] == times


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("for three hours", "180"), ("half an hour", "30"), ("45 minutes", "45"), ("2 days", "2880")],
)
def test_durations_in_minutes(text: str, minutes: str) -> None:
    assert [f.value for f in find_durations(text)] == [minutes]


def _call(text: str, properties: dict, required: list[str] | None = None) -> dict:
    tool = FunctionTool(
        name="do_it",
        description="",
        parameters={
            "type": "object",
            "properties": properties,
            "required": required or list(properties),
        },
    )
    filled = fill_calls(tool, text, extract_candidates(text), parallel=False)
    return json.loads(json.dumps(filled.calls[0]))


def test_a_date_parameter_takes_the_iso_date_not_the_month_word() -> None:
    call = _call(
        "Book a table on December 12, 2027",
        {"day": {"type": "string", "description": "YYYY-MM-DD"}},
    )
    assert call == {"day": "2027-12-12"}


def test_a_start_and_end_take_a_date_with_each_time() -> None:
    props = {
        "begins": {"type": "string", "format": "date-time"},
        "finishes": {"type": "string", "format": "date-time"},
    }
    call = _call("Block my diary on June 9, 2027 from 2 to 5 pm", props)
    assert call == {"begins": "2027-06-09T14:00", "finishes": "2027-06-09T17:00"}


def test_range_dates_go_in_schema_order() -> None:
    props = {
        "from_date": {"type": "string", "description": "YYYY-MM-DD"},
        "to_date": {"type": "string", "description": "YYYY-MM-DD, the end"},
    }
    call = _call("statements from the end of term, March 2, 2027 until March 9, 2027", props)
    assert call == {"from_date": "2027-03-02", "to_date": "2027-03-09"}


def test_a_month_parameter_takes_year_and_month() -> None:
    call = _call("my bill for May 2027", {"period": {"type": "string", "description": "YYYY-MM"}})
    assert call == {"period": "2027-05"}


def test_a_minutes_parameter_takes_hours_in_words_as_minutes() -> None:
    call = _call("mute it for three hours", {"mute_minutes": {"type": "integer"}})
    assert call == {"mute_minutes": 180}


@pytest.mark.parametrize(
    ("text", "props", "expected"),
    [
        (
            "trains from Vienna to Prague",
            {
                "origin": {"type": "string", "description": "IATA airport code"},
                "destination": {"type": "string", "description": "IATA airport code"},
            },
            {"origin": "VIE", "destination": "PRG"},
        ),
        (
            "post it to Japan",
            {"country": {"type": "string", "description": "ISO 3166-1 alpha-2 code"}},
            {"country": "JP"},
        ),
        (
            "how much is Nvidia trading at",
            {"ticker": {"type": "string"}},
            {"ticker": "NVDA"},
        ),
        (
            "change 80 pounds into Swiss francs",
            {
                "from_currency": {"type": "string", "description": "ISO 4217"},
                "to_currency": {"type": "string", "description": "ISO 4217"},
            },
            {"from_currency": "GBP", "to_currency": "CHF"},
        ),
    ],
)
def test_world_knowledge_fills_codes(text: str, props: dict, expected: dict) -> None:
    assert _call(text, props) == expected


def test_a_list_parameter_takes_every_address() -> None:
    props = {
        "guests": {"type": "array", "items": {"type": "string"}, "description": "Email addresses"}
    }
    call = _call("invite kim@x.example, lee@y.example and ola@z.example", props)
    assert call == {"guests": ["kim@x.example", "lee@y.example", "ola@z.example"]}


def test_a_sentence_opening_verb_is_no_name() -> None:
    call = _call("Restart worker-pool-3 now", {"name": {"type": "string"}})
    assert call == {"name": "worker-pool-3"}


def test_a_file_type_in_words_fills_an_extension_parameter() -> None:
    props = {"folder": {"type": "string"}, "extension": {"type": "string"}}
    call = _call("any Excel files or CSVs in /srv/exports?", props)
    assert call == {"folder": "/srv/exports", "extension": "xlsx"}
