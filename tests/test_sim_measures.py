"""Values whose words say what they measure, and the tool choices they make (issue 23).

Head counts ("two adults", "just me"), temperatures ("22°C"), street addresses, a
stay's end from its length, enum members said in part, company names, long digit
codes, a record noun that names another record, and a second question asked of a
tool by its code. Each scenario is our own, written for its mechanism, in words no
corpus uses.
"""

from __future__ import annotations

from typing import Any

import pytest

from agentrt.sim.measures import find_addresses, find_headcounts, find_temperatures
from agentrt.sim.scenarios import grade, run_scenario

S = {"type": "string"}
DAY = {"type": "string", "description": "YYYY-MM-DD"}


def _tool(name: str, description: str, props: dict[str, Any], result: Any = None) -> dict[str, Any]:
    tool: dict[str, Any] = {
        "name": name,
        "description": description,
        "parameters": {"type": "object", "properties": props, "required": list(props)},
    }
    if result is not None:
        tool["result"] = result
    return tool


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("two adults and one child", ["2"]),
        ("a party of 6 at 8pm", ["6"]),
        ("table for four at 7:30", ["4"]),
        ("it's just me this time", ["1"]),
        ("the two of us", ["2"]),
        ("me and my sister", []),  # not a word the reader knows: no guess
        ("a couple of guests", ["2"]),
        ("cover for a family of four", ["4"]),
        ("for 3 nights", []),
        ("page 4 of the report", []),
        ("a group of 3 companies bid", []),
    ],
)
def test_head_counts_are_read_from_their_words(text: str, counts: list[str]) -> None:
    assert [f.value for f in find_headcounts(text)] == counts


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("warm it to 22°C", ["22"]),
        ("set 68 °F", ["68"]),
        ("keep it at 19.5 degrees celsius", ["19.5"]),
        ("turn it down to -4 degrees", ["-4"]),
        ("room 22 on floor 3", []),
        ("the 360 degree view", []),
        ("5 degrees of separation", []),
    ],
)
def test_temperatures_are_read_with_their_unit(text: str, values: list[str]) -> None:
    assert [f.value for f in find_temperatures(text)] == values


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("deliver to 35 Mill Road, Cambridge please", ["35 Mill Road, Cambridge"]),
        ("the flat at 7 Quay Street on June 4", ["7 Quay Street"]),
        ("visit 14 Elm Grove, March 3", ["14 Elm Grove"]),  # a month after the comma is a date
        ("221B Baker Street", ["221B Baker Street"]),
        ("order 35 mill road", []),  # no capitals: no address
        ("3 Road", ["3 Road"]),
    ],
)
def test_street_addresses_are_read_whole(text: str, values: list[str]) -> None:
    assert [f.value for f in find_addresses(text)] == values


COMPLAINT = _tool(
    "log_complaint",
    "Log a complaint about an order.",
    {"order_id": S, "issue": {"type": "string", "enum": ["late_delivery", "broken_item", "other"]}},
)
TABLE = _tool(
    "reserve_table",
    "Reserve a table at a restaurant.",
    {"restaurant": S, "date": DAY, "party_size": {"type": "integer"}},
)
HEATING = _tool(
    "set_heating",
    "Change the heating of one room.",
    {"room": S, "target_celsius": {"type": "number", "description": "Temperature in °C"}},
)
LIGHTS = _tool("switch_lights", "Turn the lights of a room on or off.", {"room": S})
ADDRESS = _tool(
    "update_shipping_address",
    "Change where an order is delivered.",
    {"order_id": S, "address": {"type": "string", "description": "Street address"}},
)
ORDER = _tool("get_order", "Show an order's status.", {"order_id": S})
CAR = _tool(
    "rent_car",
    "Rent a car in a city for a span of days.",
    {"city": S, "start_date": DAY, "end_date": DAY},
)
CONTACT = _tool(
    "create_contact",
    "Add a contact to the address book.",
    {"name": S, "company": S, "email": {"type": "string", "format": "email"}},
)
PACKAGE = _tool("track_package", "Where a package is now.", {"tracking_id": S})
REFUND_FOR = _tool(
    "find_refund_for_order",
    "Find the refund opened for an order.",
    {"order_id": S},
    result={"refund_id": "RF-77", "state": "open"},
)
REFUND = _tool("check_refund", "Status of a refund by its refund id.", {"refund_id": S})
CONVERT = _tool(
    "convert_currency",
    "Convert an amount between currencies.",
    {
        "amount": {"type": "number"},
        "from_currency": {"type": "string", "description": "ISO 4217 code"},
        "to_currency": {"type": "string", "description": "ISO 4217 code"},
    },
)
INVOICE = _tool(
    "get_invoice", "Show an invoice: amount, due date, whether it is paid.", {"invoice_id": S}
)

CASES: list[tuple[str, dict[str, Any], list[dict[str, Any]]]] = [
    (
        "enum member said in part",
        {"prompt": "Order 5521 came with the lid broken.", "tools": [COMPLAINT, ORDER]},
        [{"name": "log_complaint", "args": {"order_id": "5521", "issue": "broken_item"}}],
    ),
    (
        "head count",
        {"prompt": "Reserve Casa Verde for 5 March 2027, just me.", "tools": [TABLE]},
        [
            {
                "name": "reserve_table",
                "args": {"restaurant": "Casa Verde", "date": "2027-03-05", "party_size": 1},
            }
        ],
    ),
    (
        "temperature and a room named with its noun",
        {"prompt": "set the guest room to 22 degrees", "tools": [HEATING, LIGHTS]},
        [{"name": "set_heating", "args": {"room": "guest room", "target_celsius": 22}}],
    ),
    (
        "street address",
        {"prompt": "please send order 7781 to 35 Mill Road, Cambridge", "tools": [ADDRESS, ORDER]},
        [
            {
                "name": "update_shipping_address",
                "args": {"order_id": "7781", "address": "35 Mill Road, Cambridge"},
            }
        ],
    ),
    (
        "a span's end from its length",
        {"prompt": "I need a car in Denver for 5 days starting 12 July 2027.", "tools": [CAR]},
        [
            {
                "name": "rent_car",
                "args": {"city": "Denver", "start_date": "2027-07-12", "end_date": "2027-07-17"},
            }
        ],
    ),
    (
        "company after from",
        {"prompt": "add Mei Tan from Harbor Analytics, mei@harbor.io", "tools": [CONTACT]},
        [
            {
                "name": "create_contact",
                "args": {
                    "name": "Mei Tan",
                    "company": "Harbor Analytics",
                    "email": "mei@harbor.io",
                },
            }
        ],
    ),
    (
        "long digit codes listed",
        {"prompt": "where are 123456789012345 and 1Z77AB0012345678?", "tools": [PACKAGE]},
        [
            {"name": "track_package", "args": {"tracking_id": "123456789012345"}},
            {"name": "track_package", "args": {"tracking_id": "1Z77AB0012345678"}},
        ],
    ),
    (
        "a record noun naming another record",
        {"prompt": "any news on the refund for order 90812?", "tools": [REFUND_FOR, REFUND]},
        [
            {"name": "find_refund_for_order", "args": {"order_id": "90812"}},
            {
                "name": "check_refund",
                "args": {"refund_id": "RF-77"},
                "after": "find_refund_for_order",
            },
        ],
    ),
    (
        "a second question asked by code",
        {
            "prompt": "How much is 300 EUR in USD? And what about invoice INV-2291, is it paid?",
            "tools": [CONVERT, INVOICE],
        },
        [
            {
                "name": "convert_currency",
                "args": {"amount": 300, "from_currency": "EUR", "to_currency": "USD"},
            },
            {"name": "get_invoice", "args": {"invoice_id": "INV-2291"}},
        ],
    ),
]

METRIC = _tool(
    "metric_series",
    "A metric of a service over a window.",
    {"service": S, "window": {"type": "string", "enum": ["5m", "1h", "12h", "7d"]}},
)
DELIVERY = _tool(
    "estimate_delivery",
    "Estimated delivery days to a destination postal area.",
    {"zip_code": S},
)
FIND_GEAR = _tool(
    "find_gear",
    "Find gear in the catalogue; optional budget ceiling.",
    {"keywords": S, "max_budget": {"type": "number", "description": "Highest price in USD"}},
)
PUT_IN_CART = _tool(
    "put_in_cart",
    "Put a catalogue item into the cart.",
    {"item_id": S, "quantity": {"type": "integer"}},
)
FIND_DOC = _tool(
    "find_document",
    "Find a document by its file name; gives its document id.",
    {"file_name": S},
    result={"document_id": "d_901", "name": "budget-2027.xlsx"},
)
LOCK_DOC = _tool("lock_document", "Lock a document against edits.", {"document_id": S})
RESOLVE = _tool("resolve_host", "Resolve a host name's DNS records.", {"host": S})
PING = _tool("ping_url", "Ping a URL and report the status code.", {"url": S})
TRAIN = _tool(
    "find_trains",
    "Find trains between two stations on a day.",
    {"from_station": S, "to_station": S, "day": DAY},
)

CASES += [
    (
        "a length of time names a short enum member",
        {"prompt": "show me checkout-api over the last 12 hours", "tools": [METRIC]},
        [{"name": "metric_series", "args": {"service": "checkout-api", "window": "12h"}}],
    ),
    (
        "a postal code, not a promotion code",
        {
            "prompt": "I have WINTER24 to use; how long does shipping to 75008 take?",
            "tools": [DELIVERY],
        },
        [{"name": "estimate_delivery", "args": {"zip_code": "75008"}}],
    ),
    (
        "a sum of money is a ceiling, not a quantity or an id",
        {
            "prompt": "look for gear: 2 pairs of trail shoes below $120",
            "tools": [FIND_GEAR, PUT_IN_CART],
        },
        [{"name": "find_gear", "args": {"max_budget": 120}}],
    ),
    (
        "a file name is no id: look it up first",
        {"prompt": "lock budget-2027.xlsx please", "tools": [FIND_DOC, LOCK_DOC]},
        [
            {"name": "find_document", "args": {"file_name": "budget-2027.xlsx"}},
            {"name": "lock_document", "args": {"document_id": "d_901"}, "after": "find_document"},
        ],
    ),
    (
        "a host is bare, a URL has its scheme",
        {
            "prompt": "does shop.example.org resolve, and is https://shop.example.org/status up?",
            "tools": [RESOLVE, PING],
        },
        [
            {"name": "resolve_host", "args": {"host": "shop.example.org"}},
            {"name": "ping_url", "args": {"url": "https://shop.example.org/status"}},
        ],
    ),
    (
        "a place after 'to' is where one goes",
        {"prompt": "trains to Ghent from Bruges on 9 May 2027", "tools": [TRAIN]},
        [
            {
                "name": "find_trains",
                "args": {"from_station": "Bruges", "to_station": "Ghent", "day": "2027-05-09"},
            }
        ],
    ),
    (
        "two values missing: the model asks",
        {"prompt": "I need a train to Ghent.", "tools": [TRAIN]},
        [],
    ),
]

COPY = _tool(
    "copy_file",
    "Copy a file.",
    {"source_path": S, "target_path": S},
)
TRASH = _tool("trash_file", "Move a file to the trash.", {"path": S})
BUS = _tool("bus_arrivals", "Next arrivals of a bus line.", {"line_code": S, "day": DAY})
AIR = _tool("air_quality", "Air quality forecast of a city on a day.", {"city": S, "day": DAY})
HOLD = _tool("hold_parcel", "Hold a parcel at the depot.", {"parcel_id": S})
RELEASE = _tool("release_parcel", "Release a held parcel for delivery.", {"parcel_id": S})

CASES += [
    (
        "file names said with their folder",
        {"prompt": "In ~/notes, copy todo.md to done.md", "tools": [COPY]},
        [
            {
                "name": "copy_file",
                "args": {"source_path": "~/notes/todo.md", "target_path": "~/notes/done.md"},
            }
        ],
    ),
    (
        "files listed from one folder",
        {"prompt": "trash a.log and b.log from /var/tmp", "tools": [TRASH]},
        [
            {"name": "trash_file", "args": {"path": "/var/tmp/a.log"}},
            {"name": "trash_file", "args": {"path": "/var/tmp/b.log"}},
        ],
    ),
    (
        "a code asked of its own tool though another takes the same day",
        {
            "prompt": "When does the X100 come on 3 June 2027, and how is the air in Lyon that day?",
            "tools": [BUS, AIR],
        },
        [
            {"name": "bus_arrivals", "args": {"line_code": "X100", "day": "2027-06-03"}},
            {"name": "air_quality", "args": {"city": "Lyon", "day": "2027-06-03"}},
        ],
    ),
    (
        "each code to the tool its clause asks for",
        {
            "prompt": "Hold PX-1001 at the depot, and release PX-1002 for delivery.",
            "tools": [HOLD, RELEASE],
        },
        [
            {"name": "hold_parcel", "args": {"parcel_id": "PX-1001"}},
            {"name": "release_parcel", "args": {"parcel_id": "PX-1002"}},
        ],
    ),
]

GET_TICKET = _tool("get_ticket", "Show a support ticket's status.", {"ticket_ref": S})
CLOSE_TICKET = _tool("close_ticket", "Close a support ticket as resolved.", {"ticket_ref": S})
FILE_ISSUE = _tool(
    "file_issue",
    "File an issue with a team.",
    {"team": {"type": "string", "enum": ["finance", "technical", "legal"]}, "summary": S},
)
ORDER_LINE = _tool(
    "get_purchase",
    "Look up a purchase order.",
    {"po_number": S},
    result={"po_number": "PO-7", "deliver_to_depot": "DEP-12"},
)
BOOK_TRUCK = _tool(
    "book_truck", "Book a truck collection at a depot on a day.", {"depot_id": S, "day": DAY}
)
FREE_TIME = _tool(
    "find_free_time",
    "Find when people are all free on a day.",
    {"people": {"type": "array", "items": S}, "day": DAY},
    result={"start": "2027-03-09T14:00"},
)
MEETING = _tool(
    "create_meeting",
    "Create a meeting.",
    {
        "start": {"type": "string", "format": "date-time"},
        "attendees": {"type": "array", "items": S},
    },
)
NOTE = _tool("add_note", "Add a note to a contact.", {"contact": S, "note": S})

CASES += [
    (
        "an enum member named by its first letters",
        {
            "prompt": "The export crashes every time; please file this with the tech folks.",
            "tools": [FILE_ISSUE],
        },
        [{"name": "file_issue", "args": {"team": "technical"}}],
    ),
    (
        "a result field that ends with the parameter's noun",
        {
            "prompt": "book a truck on 4 March 2027 for purchase order PO-7",
            "tools": [ORDER_LINE, BOOK_TRUCK],
        },
        [
            {"name": "get_purchase", "args": {"po_number": "PO-7"}},
            {
                "name": "book_truck",
                "args": {"depot_id": "DEP-12", "day": "2027-03-04"},
                "after": "get_purchase",
            },
        ],
    ),
    (
        "a day without its time waits for the look-up that finds the time",
        {
            "prompt": "Find when Ada and Bo are both free on 9 March 2027 and set up the meeting.",
            "tools": [FREE_TIME, MEETING],
        },
        [
            {"name": "find_free_time", "args": {"people": ["Ada", "Bo"], "day": "2027-03-09"}},
            {
                "name": "create_meeting",
                "args": {"start": "2027-03-09T14:00", "attendees": ["Ada", "Bo"]},
                "after": "find_free_time",
            },
        ],
    ),
    (
        "a date fills only a parameter asking for a date",
        {"prompt": "add a note to Ken Ito: called on 2 May 2027", "tools": [NOTE]},
        [{"name": "add_note", "args": {"contact": "Ken Ito"}}],
    ),
]

SLOTS = _tool(
    "open_slots",
    "Open slots in a calendar on a day, of a length.",
    {"day": DAY, "length_minutes": {"type": "integer"}},
)
HOURS = _tool("opening_hours", "When a shop is open.", {"shop_name": S})
STOCK_DIET = _tool(
    "shop_products",
    "Products a shop sells, optionally by diet.",
    {"shop_name": S, "diet": {"type": "string", "enum": ["vegan", "halal", "kosher"]}},
)

CASES += [
    (
        "a length of time with a word between",
        {"prompt": "find a slot: a spare hour on 12 May 2027", "tools": [SLOTS]},
        [{"name": "open_slots", "args": {"day": "2027-05-12", "length_minutes": 60}}],
    ),
    (
        "an enum member only one tool takes asks that tool",
        {
            "prompt": "When is Green Basket open, and do they have halal stuff?",
            "tools": [HOURS, STOCK_DIET],
        },
        [
            {"name": "opening_hours", "args": {"shop_name": "Green Basket"}},
            {"name": "shop_products", "args": {"shop_name": "Green Basket", "diet": "halal"}},
        ],
    ),
]

FX = _tool(
    "fx_convert",
    "Convert money between currencies.",
    {
        "amount": {"type": "number"},
        "source_ccy": {"type": "string", "description": "ISO 4217 code"},
        "target_ccy": {"type": "string", "description": "ISO 4217 code"},
    },
)
AD = _tool(
    "post_job",
    "Advertise a job with its pay range.",
    {"title": S, "pay_min": {"type": "integer"}, "pay_max": {"type": "integer"}},
)
SEAT = _tool("reserve_seat", "Reserve a seat in a hall.", {"hall": S, "row": S})

CASES += [
    (
        "an amount's own currency is the one converted from",
        {"prompt": "about how many kronor is £90?", "tools": [FX]},
        [{"name": "fx_convert", "args": {"amount": 90, "source_ccy": "GBP", "target_ccy": "SEK"}}],
    ),
    (
        "a range's smaller number is its minimum",
        {"prompt": "Advertise a Night Porter job paying 2900–2400 a month", "tools": [AD]},
        [{"name": "post_job", "args": {"pay_min": 2400, "pay_max": 2900}}],
    ),
    (
        "a code right after the parameter's own noun",
        {"prompt": "reserve me a seat in Hall Nine, row K", "tools": [SEAT]},
        [{"name": "reserve_seat", "args": {"row": "K"}}],
    ),
]

WATCH = _tool("queue_film", "Add a film to the watch queue.", {"film_title": S})

CASES += [
    (
        "an everyday verb opening the sentence is no part of the name after it",
        {"prompt": "Grab The Third Man for my queue", "tools": [WATCH]},
        [{"name": "queue_film", "args": {"film_title": "The Third Man"}}],
    ),
]

CART = _tool("add_item", "Add an item to the basket.", {"item_name": S, "qty": {"type": "integer"}})
INSURE = _tool(
    "travel_quote",
    "Quote travel insurance.",
    {"travellers": {"type": "integer"}, "region": {"type": "string", "enum": ["europe", "world"]}},
)
PAYEE = _tool("send_money", "Send money to an IBAN.", {"iban": S, "amount": {"type": "number"}})
STUDENT = _tool("student_record", "A student's record.", {"student_id": S})
CONTRACT = _tool(
    "find_contract",
    "Find a contract by counterparty and type.",
    {"counterparty": S, "kind": {"type": "string", "enum": ["nda", "sla", "sow"]}},
)
VIEWING = _tool(
    "book_visit",
    "Book a visit of a flat.",
    {"address": {"type": "string", "description": "Street address"}, "visitor": S},
)
SHIP_QUOTE = _tool(
    "get_freight_quotes",
    "Quote freight; returns quote ids.",
    {"pallets": {"type": "integer"}},
    result={"quote_id": "Q-77120"},
)
BOOK_QUOTE = _tool("book_quote", "Book a freight quote by its id.", {"quote_id": S})

CASES += [
    (
        "a couple of",
        {"prompt": "put a couple of the Linen Tea Towel in my basket", "tools": [CART]},
        [{"name": "add_item", "args": {"item_name": "Linen Tea Towel", "qty": 2}}],
    ),
    (
        "an IBAN with its spaces",
        {"prompt": "send 40 to DE89 3704 0044 0532 0130 00 please", "tools": [PAYEE]},
        [{"name": "send_money", "args": {"iban": "DE89 3704 0044 0532 0130 00", "amount": 40}}],
    ),
    (
        "a year and serial is one id",
        {"prompt": "pull up student 2025-0093", "tools": [STUDENT]},
        [{"name": "student_record", "args": {"student_id": "2025-0093"}}],
    ),
    (
        "an enum member named by its initials",
        {"prompt": "find the service level agreement with Orbit Freight", "tools": [CONTRACT]},
        [{"name": "find_contract", "args": {"counterparty": "Orbit Freight", "kind": "sla"}}],
    ),
    (
        "a street address named type-first",
        {"prompt": "I'd like to visit 12 Via Roma on Friday. I'm Giulia Neri.", "tools": [VIEWING]},
        [{"name": "book_visit", "args": {"address": "12 Via Roma", "visitor": "Giulia Neri"}}],
    ),
    (
        "a small count is no id",
        {"prompt": "quote 3 pallets and book the quote", "tools": [SHIP_QUOTE, BOOK_QUOTE]},
        [
            {"name": "get_freight_quotes", "args": {"pallets": 3}},
            {"name": "book_quote", "args": {"quote_id": "Q-77120"}, "after": "get_freight_quotes"},
        ],
    ),
    (
        "a comparison question wants an answer, not a call",
        {
            "prompt": "Is world travel cover better than europe cover, in general?",
            "tools": [INSURE],
        },
        [],
    ),
]

KG_QUOTE = _tool(
    "get_freight_quotes",
    "Quote freight by weight; returns quote ids.",
    {"weight_kg": {"type": "number"}},
    result={"quote_id": "Q-77120"},
)
ENROL = _tool(
    "enrol",
    "Enrol a student in a course.",
    {"course": S, "group": {"type": "string", "description": "Teaching group"}},
)

CASES += [
    (
        "a code after the parameter's noun beats a name elsewhere",
        {"prompt": "enrol me in Applied Statistics III, group C", "tools": [ENROL]},
        [{"name": "enrol", "args": {"course": "Applied Statistics III", "group": "C"}}],
    ),
    (
        "a formatted quantity is no id",
        {"prompt": "get freight quotes for 2,400 kg and book one", "tools": [KG_QUOTE, BOOK_QUOTE]},
        [
            {"name": "get_freight_quotes", "args": {"weight_kg": 2400}},
            {"name": "book_quote", "args": {"quote_id": "Q-77120"}, "after": "get_freight_quotes"},
        ],
    ),
]


@pytest.mark.parametrize(("rule", "scenario", "expect"), CASES, ids=[c[0] for c in CASES])
def test_measured_values_make_the_calls(
    rule: str, scenario: dict[str, Any], expect: list[dict[str, Any]]
) -> None:
    made = run_scenario(scenario)
    assert grade(expect, made) is None, (rule, [(m.name, dict(m.args)) for m in made])


def test_a_temperature_fills_no_room_and_a_head_count_no_page_size() -> None:
    lister = _tool(
        "list_rooms",
        "List the rooms of a floor.",
        {"floor": S, "page_size": {"type": "integer"}},
    )
    made = run_scenario({"prompt": "list the rooms on floor 2 warmer than 18°C", "tools": [lister]})
    assert [m.args["floor"] for m in made] == ["2"]
    assert all(m.args.get("page_size") != 18 for m in made)


def test_closing_a_ticket_is_an_action_though_resolving_a_host_name_is_a_look_up() -> None:
    from agentrt.sim.arguments import FunctionTool
    from agentrt.sim.relevance import score_tools

    tools = [
        FunctionTool(name=t["name"], description=t["description"], parameters=t["parameters"])
        for t in (GET_TICKET, CLOSE_TICKET)
    ]
    scores = score_tools("what's happening with TCK-5520?", tools)
    assert [s.acts for s in scores] == [False, True]


@pytest.mark.parametrize(
    ("text", "times"),
    [
        ("at half past three", ["15:30"]),  # said without am/pm, 1 to 6 is the afternoon
        ("around 7:45 in the evening", ["19:45"]),
        ("7 in the evening", ["19:00"]),
        ("at 2:30", ["14:30"]),
        ("at 02:30", ["02:30"]),  # a leading zero is a 24-hour clock
        ("half past six in the morning", ["06:30"]),
        ("at 9:15", ["09:15"]),
    ],
)
def test_clock_times_said_without_am_or_pm_are_read_as_people_mean_them(
    text: str, times: list[str]
) -> None:
    from agentrt.sim.dates import find_times

    assert [f.value for f in find_times(text)] == times
