"""The everyday agent of every tutorial, on the simulated model (issue 23: unseen agents).

Weather, a calculator, time zones, stock prices, e-mail and web search: the tools of
the agents people write first, with the words their docs use, and the prompts users
type at them. Written for this test, not taken from any corpus.
"""

from __future__ import annotations

from typing import Any

import pytest

from agentrt.sim.scenarios import grade, run_scenario

S = {"type": "string"}


def _tool(name: str, description: str, props: dict[str, Any], required: list[str]) -> Any:
    return {
        "name": name,
        "description": description,
        "parameters": {"type": "object", "properties": props, "required": required},
    }


WEATHER = _tool(
    "get_current_weather",
    "Get the current weather in a given location",
    {
        "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
    },
    ["location"],
)
CALC = _tool("calculate", "Evaluate a math expression", {"expression": S}, ["expression"])
TIME = _tool(
    "get_time",
    "Current time in an IANA timezone",
    {"timezone": {"type": "string", "description": "IANA time zone, e.g. Europe/Paris"}},
    ["timezone"],
)
SEARCH = _tool("web_search", "Search the web", {"query": S}, ["query"])
EMAIL = _tool(
    "send_email", "Send an email", {"to": S, "subject": S, "body": S}, ["to", "subject", "body"]
)
STOCK = _tool(
    "get_stock_price", "Latest stock price for a ticker symbol", {"symbol": S}, ["symbol"]
)
NEWS = _tool("get_company_news", "Recent news about a company by ticker", {"symbol": S}, ["symbol"])
ALL = [WEATHER, CALC, TIME, SEARCH, EMAIL, STOCK]
INT = {"type": "integer"}
GITHUB = [
    _tool(
        "create_issue",
        "Create a GitHub issue",
        {"repo": {"type": "string", "description": "owner/name"}, "title": S, "body": S},
        ["repo", "title"],
    ),
    _tool(
        "merge_pull_request", "Merge a pull request", {"repo": S, "number": INT}, ["repo", "number"]
    ),
]
SQL = [
    _tool("run_sql", "Run a read-only SQL query", {"query": S}, ["query"]),
    _tool("list_tables", "List the database tables", {}, []),
]
KUBE = [
    _tool("get_pods", "List pods in a namespace", {"namespace": S}, ["namespace"]),
    _tool(
        "scale_deployment",
        "Scale a deployment to a number of replicas",
        {"name": S, "namespace": S, "replicas": INT},
        ["name", "namespace", "replicas"],
    ),
    _tool("get_logs", "Logs of a pod", {"pod": S, "namespace": S, "tail": INT}, ["pod"]),
]

CASES: list[tuple[str, list[Any], list[dict[str, Any]]]] = [
    (
        "What's the weather like in San Francisco?",
        ALL,
        [{"name": "get_current_weather", "args": {"location": "San Francisco"}}],
    ),
    (
        "Is it cold in Oslo? Answer in fahrenheit.",
        ALL,
        [{"name": "get_current_weather", "args": {"location": "Oslo", "unit": "fahrenheit"}}],
    ),
    ("What is 23 * 47?", ALL, [{"name": "calculate", "args": {"expression": "23 * 47"}}]),
    ("Compute (12+7)/3 for me", ALL, [{"name": "calculate", "args": {"expression": "(12+7)/3"}}]),
    (
        "What time is it in Tokyo right now?",
        ALL,
        [{"name": "get_time", "args": {"timezone": "Asia/Tokyo"}}],
    ),
    (
        "Send an email to bob@example.com saying the report is ready",
        ALL,
        [{"name": "send_email", "args": {"to": "bob@example.com"}}],
    ),
    ("How is NVDA doing today?", ALL, [{"name": "get_stock_price", "args": {"symbol": "NVDA"}}]),
    (
        "What are AAPL and MSFT trading at?",
        [STOCK, NEWS],
        [
            {"name": "get_stock_price", "args": {"symbol": "AAPL"}},
            {"name": "get_stock_price", "args": {"symbol": "MSFT"}},
        ],
    ),
    (
        "open an issue in acme/web titled 'Login button broken'",
        GITHUB,
        [{"name": "create_issue", "args": {"repo": "acme/web", "title": "Login button broken"}}],
    ),
    (
        "merge PR 42 in acme/api",
        GITHUB,
        [{"name": "merge_pull_request", "args": {"repo": "acme/api", "number": 42}}],
    ),
    (
        "How many signed up? SELECT count(*) FROM users WHERE created_at > now() - interval '7 days'",
        SQL,
        [
            {
                "name": "run_sql",
                "args": {
                    "query": "SELECT count(*) FROM users WHERE created_at > now() - interval '7 days'"
                },
            }
        ],
    ),
    (
        "scale checkout in prod to 5 replicas",
        KUBE,
        [
            {
                "name": "scale_deployment",
                "args": {"name": "checkout", "namespace": "prod", "replicas": 5},
            }
        ],
    ),
    (
        "show me the last 100 lines of logs for pod api-7f9c",
        KUBE,
        [{"name": "get_logs", "args": {"pod": "api-7f9c", "tail": 100}}],
    ),
    ("hi there!", ALL, []),
    ("call me at 555-1234 tomorrow", [CALC], []),
]


@pytest.mark.parametrize(("prompt", "tools", "expect"), CASES, ids=[c[0] for c in CASES])
def test_the_tutorial_agent_calls_what_a_model_would(
    prompt: str, tools: list[Any], expect: list[dict[str, Any]]
) -> None:
    made = run_scenario({"prompt": prompt, "tools": tools})
    why = grade(expect, made)
    assert why is None, (why, [(m.name, dict(m.args)) for m in made])


GROUP = _tool("list_students", "List the students of a class group", {"group": S}, ["group"])
SEAT = _tool("get_seat", "Get a seat in a section", {"section": S, "row": S}, ["section", "row"])


@pytest.mark.parametrize(
    ("prompt", "tools", "param"),
    [
        ("list the group I teach", [GROUP], "group"),
        ("Get me a seat in the section I usually sit in, row K", [SEAT], "section"),
    ],
)
def test_the_pronoun_i_after_a_noun_is_no_code(prompt: str, tools: list[Any], param: str) -> None:
    made = run_scenario({"prompt": prompt, "tools": tools})
    assert made, prompt
    assert made[0].args.get(param) != "I", dict(made[0].args)


PAY = _tool(
    "send_payment", "Send money to a payee", {"payee": S, "amount": INT}, ["payee", "amount"]
)
ASSIGN = _tool(
    "assign_ticket",
    "Assign a ticket to someone",
    {"ticket_id": S, "assignee": S},
    ["ticket_id", "assignee"],
)


@pytest.mark.parametrize(
    ("prompt", "tools", "param", "wrong"),
    [
        ("Transfer 200 to the savings account", [PAY], "payee", "savings"),
        ("Send 50 dollars to the account of my sister", [PAY], "payee", "account"),
        ("Assign ticket 8812 to the right person", [ASSIGN], "assignee", "right"),
    ],
)
def test_a_word_qualifying_the_next_is_no_recipient(
    prompt: str, tools: list[Any], param: str, wrong: str
) -> None:
    made = run_scenario({"prompt": prompt, "tools": tools})
    assert all(m.args.get(param) != wrong for m in made), [dict(m.args) for m in made]


def test_the_recipient_after_to_the_still_counts() -> None:
    made = run_scenario({"prompt": "Pay 40 euros to the plumber by Friday", "tools": [PAY]})
    assert [dict(m.args) for m in made] == [{"payee": "plumber", "amount": 40}]


def test_a_price_after_unit_price_is_its_number_not_a_code() -> None:
    price = {"type": "number"}
    item = _tool(
        "update_item", "Update an item's unit price", {"item_code": S, "unit_price": price}, []
    )
    made = run_scenario({"prompt": "update unit price 12.50 for item AB12", "tools": [item]})
    assert made, "no call"
    assert made[0].args.get("unit_price") == 12.5, dict(made[0].args)


PAGES = _tool(
    "print_pages",
    "Print a range of pages of a document",
    {"document": S, "first_page": INT, "last_page": INT},
    ["document", "first_page", "last_page"],
)


def test_a_spaced_page_range_is_two_numbers_not_a_sum() -> None:
    made = run_scenario({"prompt": "print pages 10 - 20 of report.pdf", "tools": [PAGES]})
    assert [dict(m.args) for m in made] == [
        {"document": "report.pdf", "first_page": 10, "last_page": 20}
    ]


def test_a_version_with_a_slash_is_no_division() -> None:
    made = run_scenario({"prompt": "Upgrade to version 2.3/4.1 today", "tools": [CALC]})
    assert made == [], [dict(m.args) for m in made]
