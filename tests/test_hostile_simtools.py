"""Hostile tools, messages and results for the simulated model's tool choice: never a crash.

Each row is a conversation a careless or hostile client may send; the model must
answer (text or calls whose arguments are JSON objects), deterministically, and
the explanation must stay short, ASCII JSON.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentrt.sim.arguments import FunctionTool
from agentrt.sim.explain import MAX_EXPLAIN_CHARS, explain_json, wants_explain
from agentrt.sim.model import Prompt, ToolCallOut, Turn, respond
from agentrt.sim.scenarios import grade, run_scenario

OBJ = {"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]}


def _tool(
    name: str = "get_price", description: str = "The price of a product.", **params: Any
) -> FunctionTool:
    return FunctionTool(name=name, description=description, parameters=params or OBJ)


HOSTILE_TOOLS = [
    ("no properties", [_tool(type="object")]),
    ("properties not a mapping", [_tool(type="object", properties=["code"], required=["code"])]),
    ("required names no property", [_tool(type="object", properties={}, required=["ghost"])]),
    (
        "enum of mixed members",
        [_tool(type="object", properties={"c": {"enum": [None, 1, "", "€", True]}})],
    ),
    ("enum not a list", [_tool(type="object", properties={"c": {"enum": "EUR"}})]),
    ("description not text", [_tool(type="object", properties={"c": {"description": {"x": 1}}})]),
    ("regex characters in the name", [_tool(name="price(.*)+[", description="(((")]),
    ("empty name and description", [_tool(name="", description="")]),
    (
        "self-referencing $ref",
        [_tool(type="object", properties={"c": {"$ref": "#/properties/c"}}, required=["c"])],
    ),
    ("two tools of one name", [_tool(), _tool()]),
    ("a hundred tools", [_tool(name=f"t{i}_price", description=f"price {i}") for i in range(100)]),
    ("description of 100 kB", [_tool(description="price " * 20_000)]),
]
HOSTILE_TEXT = [
    "",
    "   ",
    "What does AB-1 cost in € and $ and £?",
    "price " * 5_000,
    "\x00\x01 price \u202e of AB-1",
    "prices prices PRICED pricing: #5521 'quoted' \"double\" `back` 2025-01-01 a@b.co",
]


@pytest.mark.parametrize(("case", "tools"), HOSTILE_TOOLS, ids=[c for c, _ in HOSTILE_TOOLS])
@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=range(len(HOSTILE_TEXT)))
def test_hostile_tools_and_text_give_a_reply_with_json_object_arguments(
    case: str, tools: list[FunctionTool], text: str
) -> None:
    prompt = Prompt(model="grok-4", turns=(Turn(role="user", text=text),), tools=tuple(tools))
    reply = respond(prompt)
    assert reply == respond(prompt)  # deterministic
    for call in reply.tool_calls:
        assert isinstance(json.loads(call.arguments), dict)
    trailer = explain_json(reply.explain)
    assert len(trailer) <= MAX_EXPLAIN_CHARS
    assert trailer.isascii()
    json.loads(trailer)


HOSTILE_RESULTS = [
    "not json at all",
    "",
    "null",
    "[]",
    "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]",
    json.dumps({"id": {"id": {"id": "deep"}}}),
    json.dumps({"code": None, "customer_id": ["x"]}),
    json.dumps({"code": "A" * 100_000}),
]


@pytest.mark.parametrize("result", HOSTILE_RESULTS, ids=range(len(HOSTILE_RESULTS)))
def test_hostile_tool_results_end_in_an_answer_not_a_loop(result: str) -> None:
    tools = (_tool(name="find_item", description="Find an item by code."), _tool(name="item_price"))
    call = ToolCallOut(id="c1", name="find_item", arguments='{"code": "AB-1"}')
    turns = (
        Turn(role="user", text="Find item AB-1 and its price"),
        Turn(role="assistant", text="", tool_calls=(call,)),
        Turn(role="tool", text=result, tool_call_id="c1"),
    )
    reply = respond(Prompt(model="grok-4", turns=turns, tools=tools))
    assert all(c.name != "find_item" for c in reply.tool_calls)  # never the same call twice
    for c in reply.tool_calls:
        assert isinstance(json.loads(c.arguments), dict)


@pytest.mark.parametrize(
    ("value", "wanted"),
    [("1", True), (" TRUE ", True), ("yes", True), ("0", False), ("", False), ("1; drop", False)],
)
def test_the_explain_header_takes_only_a_plain_yes(value: str, wanted: bool) -> None:
    assert wants_explain({"x-sim-explain": value}) is wanted


@pytest.mark.parametrize(
    "scenario",
    [
        {"prompt": "anything", "tools": []},
        {
            "prompt": "price of AB-1",
            "tools": [{"name": "loop", "description": "price", "result": {"code": "AB-2"}}],
        },
    ],
)
def test_scenarios_end_within_six_turns(scenario: dict[str, Any]) -> None:
    made = run_scenario(scenario)
    assert len({m.turn for m in made}) <= 6
    assert grade([], made) in (None, *[f"extra {m.name}{dict(m.args)}" for m in made[:1]]) or made
