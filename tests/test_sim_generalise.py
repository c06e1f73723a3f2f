"""Tool choice on everyday wording the tuning corpus never used (issue 23 items 2-3).

Each case is our own small scenario for one general mechanism: a currency symbol
written against its amount, a file type named by its program, a code written after
initials, yes/no parameters named by their words, counts ('5-door', 'the 20 most
recent'), and everyday paraphrases (slang verbs, phrasal verbs) of common request concepts.
"""

from __future__ import annotations

from typing import Any

import pytest

from agentrt.sim.scenarios import grade, run_scenario


def _tool(name: str, description: str, props: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "description": description,
        "parameters": {"type": "object", "properties": props, "required": list(props)},
    }


S = {"type": "string"}
DAY = {"type": "string", "description": "YYYY-MM-DD"}
MONTH = {"type": "string", "description": "Month as YYYY-MM"}


def _two(prompt: str, first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    return {"prompt": prompt, "tools": [first, second]}


SUB_TOOLS = (
    _tool("cancel_subscription", "Cancel one of the user's subscriptions.", {"subscription_id": S}),
    _tool(
        "get_subscription", "Show a subscription's plan and renewal date.", {"subscription_id": S}
    ),
)
ESSAY_TOOLS = (
    _tool("submit_essay", "Submit an essay for marking.", {"essay_id": S}),
    _tool("get_essay", "Show an essay's mark and feedback.", {"essay_id": S}),
)
SPEND = _tool(
    "expenses_by_category",
    "Total spending in one category for a month.",
    {"category": {"type": "string", "enum": ["groceries", "dining", "fuel"]}, "month": MONTH},
)
BUDGET = _tool("set_budget", "Set a monthly limit for a category.", {"category": S, "limit": S})
BOOKINGS = _tool(
    "list_bookings",
    "The member's class bookings, upcoming or past.",
    {"when": {"type": "string", "enum": ["upcoming", "past"]}},
)
UNBOOK = _tool("cancel_booking", "Cancel one class booking.", {"booking_id": S})
SPECS = _tool("get_item_specs", "Specification of an item: weight and dimensions.", {"item_id": S})
BASKET = _tool("add_to_basket", "Put an item into the basket.", {"item_id": S})
SCHEDULE = _tool("get_day_plan", "Return the user's schedule for one day.", {"day": DAY})
NEW_EVENT = _tool("create_event", "Create an event on the calendar.", {"title": S, "start": S})

PART = _tool("get_part_stock", "Units on hand of one part.", {"part_code": S})
TRAINS = _tool(
    "search_trains",
    "Search train journeys between two stations.",
    {"from_station": S, "to_station": S, "nonstop_only": {"type": "boolean"}},
)
TRAINS["parameters"]["required"] = ["from_station", "to_station"]
ROOMS = _tool(
    "search_rooms",
    "Search hotel rooms in a city.",
    {"city": S, "breakfast_included": {"type": "boolean"}},
)
ROOMS["parameters"]["required"] = ["city"]
INT = {"type": "integer"}
CARS = _tool("search_cars", "Search cars for sale in a city.", {"city": S, "min_doors": INT})
CARS["parameters"]["required"] = ["city"]
INVOICES = _tool("list_invoices", "List a customer's invoices.", {"customer": S, "limit": INT})
INVOICES["parameters"]["required"] = ["customer"]
CASES: list[tuple[str, dict[str, Any], list[dict[str, Any]]]] = [
    (
        "a count hyphened to its noun fills the parameter named by the noun",
        {"prompt": "Any 5-door cars for sale in Leeds?", "tools": [CARS]},
        [{"name": "search_cars", "args": {"city": "Leeds", "min_doors": 5}}],
    ),
    (
        "'the N most recent' is how many to list",
        {"prompt": "Show the 20 most recent invoices for Globex.", "tools": [INVOICES]},
        [{"name": "list_invoices", "args": {"customer": "Globex", "limit": 20}}],
    ),
    (
        "a yes/no parameter named by a synonym is switched on",
        {"prompt": "Any direct trains from Leeds to York?", "tools": [TRAINS]},
        [{"name": "search_trains", "args": {"nonstop_only": True}}],
    ),
    (
        "a yes/no parameter named after 'without' is switched off",
        {"prompt": "Rooms in Lisbon without breakfast, please.", "tools": [ROOMS]},
        [{"name": "search_rooms", "args": {"city": "Lisbon", "breakfast_included": False}}],
    ),
    (
        "a code after a kind's initials keeps its own suffix",
        {"prompt": "How many of PN 4410-X are left?", "tools": [PART]},
        [{"name": "get_part_stock", "args": {"part_code": "4410-X"}}],
    ),
    (
        "a currency symbol glued to its amount names the currency",
        {
            "prompt": "Send €75 to the landlord from my current account.",
            "tools": [
                _tool(
                    "send_payment",
                    "Send a payment to a saved payee.",
                    {
                        "payee": S,
                        "amount": {"type": "number"},
                        "currency": {"type": "string", "description": "ISO 4217 code"},
                    },
                )
            ],
        },
        [{"name": "send_payment", "args": {"amount": 75, "currency": "EUR"}}],
    ),
    (
        "a file type named by its program",
        {
            "prompt": "Find my PowerPoint about the spring launch.",
            "tools": [
                _tool(
                    "search_files",
                    "Search the user's files by words and type.",
                    {"query": S, "file_type": {"type": "string", "enum": ["pdf", "pptx", "xlsx"]}},
                )
            ],
        },
        [{"name": "search_files", "args": {"file_type": "pptx"}}],
    ),
    (
        "slang 'kill' cancels",
        _two("Kill my gym subscription SUB-7781.", *SUB_TOOLS),
        [{"name": "cancel_subscription", "args": {"subscription_id": "SUB-7781"}}],
    ),
    (
        "'hand in' submits",
        _two("I'd like to hand in ES-44 now.", *ESSAY_TOOLS),
        [{"name": "submit_essay", "args": {"essay_id": "ES-44"}}],
    ),
    (
        "'blow on eating out' is spending on dining",
        _two("What did I blow on eating out in May 2027?", SPEND, BUDGET),
        [{"name": "expenses_by_category", "args": {"category": "dining", "month": "2027-05"}}],
    ),
    (
        "'coming up' is upcoming",
        _two("Which classes have I got coming up?", BOOKINGS, UNBOOK),
        [{"name": "list_bookings", "args": {"when": "upcoming"}}],
    ),
    (
        "'how heavy' asks for the weight",
        _two("How heavy is BK-12?", SPECS, BASKET),
        [{"name": "get_item_specs", "args": {"item_id": "BK-12"}}],
    ),
    (
        "'what have I got on' asks for the day's events",
        _two("What have I got on 2 June 2027?", SCHEDULE, NEW_EVENT),
        [{"name": "get_day_plan", "args": {"day": "2027-06-02"}}],
    ),
]


@pytest.mark.parametrize(("rule", "scenario", "expect"), CASES, ids=[c[0] for c in CASES])
def test_everyday_wording_is_understood(
    rule: str, scenario: dict[str, Any], expect: list[dict[str, Any]]
) -> None:
    made = run_scenario(scenario)
    assert grade(expect, made) is None, (rule, [(m.name, dict(m.args)) for m in made])


def test_a_weekday_said_before_a_date_is_that_date_not_another_day() -> None:
    from agentrt.sim.dates import find_dates

    found = find_dates("Can we meet on Tuesday, 9 November 2027 instead?")
    assert [f.value for f in found] == ["2027-11-09"]


def test_a_name_after_a_title_with_a_full_stop_is_a_name() -> None:
    slots = _tool(
        "find_slots", "Free slots of a clinician on a day.", {"clinician": S, "date": DAY}
    )
    made = run_scenario({"prompt": "Can I see Dr. Okafor on 4 May 2027?", "tools": [slots]})
    expect = [{"name": "find_slots", "args": {"clinician": "Okafor", "date": "2027-05-04"}}]
    assert grade(expect, made) is None, [(m.name, dict(m.args)) for m in made]


def test_names_said_as_a_list_go_together_into_the_list_parameter() -> None:
    call = _tool(
        "start_call",
        "Start a video call with people.",
        {"title": S, "participants": {"type": "array", "items": S}},
    )
    made = run_scenario(
        {"prompt": "Start a video call with Priya, Tomas and Wen.", "tools": [call]}
    )
    got = [dict(m.args) for m in made if m.name == "start_call"]
    assert got, made
    assert got[0]["participants"] == ["Priya", "Tomas", "Wen"], got


CLAIM = _tool("get_claim", "Show an insurance claim and its status.", {"claim_number": S})
NEW_CLAIM = _tool("open_claim", "Open a new claim.", {"details": S})
DEPLOY = _tool(
    "deploy",
    "Deploy a build of a service.",
    {"build": {"type": "string", "description": "Build tag, e.g. b-2041"}, "service": S},
)


@pytest.mark.parametrize(
    ("prompt", "tool", "expect"),
    [
        ("any update on claim 00731?", CLAIM, {"claim_number": "00731"}),
        ("Deploy checkout-api at b-5110.", DEPLOY, {"build": "b-5110"}),
    ],
    ids=["a number with a leading zero is a code", "a value shaped like the described example"],
)
def test_values_are_recognised_by_their_shape(
    prompt: str, tool: dict[str, Any], expect: dict[str, Any]
) -> None:
    made = run_scenario({"prompt": prompt, "tools": [tool, NEW_CLAIM]})
    want = [{"name": tool["name"], "args": expect}]
    assert grade(want, made) is None, [(m.name, dict(m.args)) for m in made]


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("pencil in", "book"),
        ("would it set me back", "price"),
        ("shoot over", "send"),
        ("track down", "find"),
        ("any word on", "status"),
        ("sign off on", "approve"),
        ("turn down", "reject"),
        ("nix", "cancel"),
        ("ditch", "cancel"),
        ("nuke", "delete"),
        ("authorise", "approve"),
        ("declined", "reject"),
    ],
)
def test_everyday_paraphrases_carry_the_concept_asked(said: str, meant: str) -> None:
    from agentrt.sim.lexicon import concepts

    assert concepts(meant) <= concepts(said)


def test_a_request_for_advice_naming_no_record_is_answered_not_looked_up() -> None:
    tools = [
        _tool("search_jobs", "Search job openings by keywords.", {"query": S}),
        _tool("create_letter", "Create a cover letter document.", {"title": S}),
    ]
    made = run_scenario({"prompt": "Any tips on writing a cover letter for a job?", "tools": tools})
    assert made == []
    helpdesk = _tool("search_guides", "Search how-to guides and help articles.", {"query": S})
    made = run_scenario({"prompt": "How should I set up my router?", "tools": [helpdesk]})
    assert [m.name for m in made] == ["search_guides"]


def test_a_trip_from_a_place_to_the_same_place_is_not_searched() -> None:
    iata = {"type": "string", "description": "IATA code"}
    flights = _tool(
        "search_flights",
        "Search flights between two airports on a day.",
        {"origin": iata, "destination": iata, "date": DAY},
    )
    rooms = _tool("search_rooms", "Search hotel rooms in a city.", {"city": S})
    prompt = "Flying into Lisbon on 2 May 2027; book me a hotel in Lisbon."
    made = run_scenario({"prompt": prompt, "tools": [flights, rooms]})
    assert [m.name for m in made] == ["search_rooms"], [(m.name, dict(m.args)) for m in made]


def test_listed_files_fan_out_and_a_folder_takes_no_file() -> None:
    copy = _tool(
        "copy_file",
        "Copy one file into a folder.",
        {"source": {"type": "string", "description": "Path of the file"}, "target_folder": S},
    )
    prompt = "Copy notes/q1.txt and notes/q2.txt into the backups-2027 folder."
    made = run_scenario({"prompt": prompt, "tools": [copy]})
    expect = [
        {
            "name": "copy_file",
            "args": {"source": f"notes/q{n}.txt", "target_folder": "backups-2027"},
        }
        for n in (1, 2)
    ]
    assert grade(expect, made) is None, [(m.name, dict(m.args)) for m in made]
