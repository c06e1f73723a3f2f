"""General tool-choice rules of the simulated model, each on our own examples.

Every case is a small scenario (see :mod:`agentrt.sim.scenarios`) written for these
rules, not taken from the corpus: synonyms of enum words, no look-up or action the
message does not ask for, ids by their shape and the word before them, a finder
first when the asked tool lacks an id, parallel calls over listed values, two
currencies asking for a conversion, a parameter that waits for another tool.
"""

from __future__ import annotations

from typing import Any

import pytest

from agentrt.sim.scenarios import grade, run_scenario


def _tool(name: str, description: str, props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "description": description,
        "parameters": {"type": "object", "properties": props, "required": list(props)},
        **extra,
    }


S = {"type": "string"}
GET_INVOICE = _tool("get_invoice", "Fetch an invoice's status and amount.", {"invoice_id": S})
VOID_INVOICE = _tool("void_invoice", "Void an invoice that was sent by mistake.", {"invoice_id": S})
CASES: list[tuple[str, dict[str, Any], list[dict[str, Any]]]] = [
    (
        "enum member by a synonym of its word",
        {
            "prompt": "Please raise a ticket: the wifi in room 4 keeps dropping.",
            "tools": [
                _tool(
                    "create_ticket",
                    "Open a support ticket.",
                    {
                        "summary": S,
                        "category": {"type": "string", "enum": ["hardware", "network", "access"]},
                    },
                )
            ],
        },
        [{"name": "create_ticket", "args": {"category": "network"}}],
    ),
    (
        "a negated level is not the level asked",
        {
            "prompt": "RQ-5512 is not urgent after all, set it to the lowest priority.",
            "tools": [
                _tool(
                    "update_request",
                    "Change the priority of a request.",
                    {
                        "request_id": S,
                        "priority": {"type": "string", "enum": ["low", "high", "urgent"]},
                    },
                )
            ],
        },
        [{"name": "update_request", "args": {"request_id": "RQ-5512", "priority": "low"}}],
    ),
    (
        "an integer tier by its ordinal",
        {
            "prompt": "Escalate case CS-88120 to third-line support.",
            "tools": [
                _tool(
                    "escalate_case",
                    "Move a case to a higher support tier.",
                    {"case_id": S, "tier": {"type": "integer", "enum": [2, 3]}},
                )
            ],
        },
        [{"name": "escalate_case", "args": {"case_id": "CS-88120", "tier": 3}}],
    ),
    (
        "no action the message does not ask for",
        {"prompt": "Where is invoice INV-7781 at?", "tools": [GET_INVOICE, VOID_INVOICE]},
        [{"name": "get_invoice", "args": {"invoice_id": "INV-7781"}}],
    ),
    (
        "a question naming a shared object asks for nothing",
        {
            "prompt": "In general, how does a Kubernetes ReplicaSet differ from a Pod?",
            "tools": [
                _tool("restart_pod", "Restart one pod.", {"pod": S}),
                _tool("delete_pod", "Delete one pod.", {"pod": S}),
            ],
        },
        [],
    ),
    (
        "ids by the word before them and their shape",
        {
            "prompt": "Add the desk lamp LMP-5 to basket 9921 please.",
            "tools": [
                _tool(
                    "add_item",
                    "Add a product to a shopping basket.",
                    {"basket_id": S, "sku": S},
                )
            ],
        },
        [{"name": "add_item", "args": {"basket_id": "9921", "sku": "LMP-5"}}],
    ),
    (
        "a finder first when the asked tool lacks its id",
        {
            "prompt": "Settle what we owe Contoso Traders.",
            "tools": [
                _tool("find_bills", "Search unpaid bills by payee name.", {"payee": S}),
                _tool("pay_bill", "Pay one bill in full.", {"bill_id": S}),
            ],
            "expect": [
                {"name": "find_bills", "result": {"bills": [{"bill_id": "B-3321", "amount": 90}]}}
            ],
        },
        [
            {"name": "find_bills", "args": {"payee": "Contoso Traders"}},
            {"name": "pay_bill", "args": {"bill_id": "B-3321"}, "after": "find_bills"},
        ],
    ),
    (
        "parallel calls over listed companies, each as its ticker",
        {
            "prompt": "Quote Tesla and Nvidia for me.",
            "tools": [
                _tool(
                    "get_quote",
                    "Latest price of a listed stock.",
                    {"symbol": {"type": "string", "description": "Ticker symbol"}},
                ),
                _tool("get_weather", "Current weather of a city.", {"city": S}),
            ],
        },
        [
            {"name": "get_quote", "args": {"symbol": "TSLA"}},
            {"name": "get_quote", "args": {"symbol": "NVDA"}},
        ],
    ),
    (
        "two currencies ask for a conversion",
        {
            "prompt": "How many euros is 40 Swiss francs?",
            "tools": [
                _tool(
                    "convert",
                    "Currency conversion at today's rate.",
                    {
                        "amount": {"type": "number"},
                        "source": {"type": "string", "description": "ISO 4217 code"},
                        "target": {"type": "string", "description": "ISO 4217 code"},
                    },
                ),
                _tool("get_weather", "Current weather of a city.", {"city": S}),
            ],
        },
        [{"name": "convert", "args": {"amount": 40, "source": "CHF", "target": "EUR"}}],
    ),
    (
        "a parameter another tool's result gives waits for it",
        {
            "prompt": "Upgrade my seat to business, ticket number 9KQ2ZX.",
            "tools": [
                _tool("lookup_ticket", "Find a ticket by its number.", {"ticket_number": S}),
                _tool(
                    "upgrade_seat",
                    "Upgrade the cabin of a trip; needs the trip id from lookup_ticket.",
                    {"trip_id": S, "cabin": {"type": "string", "enum": ["premium", "business"]}},
                ),
            ],
            "expect": [{"name": "lookup_ticket", "result": {"trip_id": "TR-4410"}}],
        },
        [
            {"name": "lookup_ticket", "args": {"ticket_number": "9KQ2ZX"}},
            {"name": "upgrade_seat", "args": {"trip_id": "TR-4410", "cabin": "business"}},
        ],
    ),
    (
        "a tool's name in the message is no value",
        {
            "prompt": "Please use lookup_port for Rotterdam.",
            "tools": [_tool("lookup_port", "Berths free in a harbour.", {"harbour": S})],
        },
        [{"name": "lookup_port", "args": {"harbour": "Rotterdam"}}],
    ),
    (
        "a date in words for a date parameter",
        {
            "prompt": "Is there a table for four at Chez Max on 3rd of October 2027?",
            "tools": [
                _tool(
                    "check_table",
                    "Check a restaurant's free tables on a day.",
                    {
                        "restaurant": S,
                        "day": {"type": "string", "format": "date"},
                        "party_size": {"type": "integer"},
                    },
                )
            ],
        },
        [
            {
                "name": "check_table",
                "args": {"restaurant": "Chez Max", "day": "2027-10-03", "party_size": 4},
            }
        ],
    ),
]


@pytest.mark.parametrize(("rule", "scenario", "expect"), CASES, ids=[c[0] for c in CASES])
def test_the_rule_holds(rule: str, scenario: dict[str, Any], expect: list[dict[str, Any]]) -> None:
    made = run_scenario(scenario)
    assert grade(expect, made) is None, (rule, [(m.name, dict(m.args)) for m in made])
