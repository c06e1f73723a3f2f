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
