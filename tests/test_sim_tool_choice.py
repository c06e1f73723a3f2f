"""How the simulated model chooses tools: synonyms, fillable tools together, chains, no repeats.

The corpus test at the end runs every scenario of ``tests/data/tool_scenarios.yaml``
(written by agent authors who did not read the simulator) and asks for the share a
competent model would get right.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml
from agentrt_protos.xai.api.v1 import chat_pb2, chat_pb2_grpc

from agentrt.sim import Simulator
from agentrt.sim.candidates import extract_candidates
from agentrt.sim.lexicon import concepts, stem
from agentrt.sim.model import Prompt, Turn, respond
from agentrt.sim.scenarios import grade, run_scenario
from agentrt.sim.server import SimOptions

CORPUS = Path(__file__).parent / "data" / "tool_scenarios.yaml"
FLOOR = 0.94  # measured 94.9% (75 of 79 scenarios; 19.0% when the corpus landed); goal 0.90
HOLDOUT = CORPUS.with_name("tool_scenarios_holdout.yaml")  # written blind to the simulator
HOLDOUT_FLOOR = 0.85  # measured 85.0% (51 of 60; 41.7% when it landed); goal 0.90
HOLDOUT2 = CORPUS.with_name("tool_scenarios_holdout2.yaml")  # blind; development data since
HOLDOUT2_FLOOR = 0.77  # measured 77.8% (35 of 45; 51.1% while still unread, 28.9% at landing)
HOLDOUT3 = CORPUS.with_name("tool_scenarios_holdout3.yaml")  # blind; development data since
HOLDOUT3_FLOOR = 0.55  # measured 55.0% (33 of 60; 25.0% blind, 18.3% on the session's start)
HOLDOUT4 = CORPUS.with_name("tool_scenarios_holdout4.yaml")  # blind, never tuned on: keep it so
HOLDOUT4_FLOOR = 0.38  # measured 38.3% blind (23 of 60; 33.3% on the session's start)
CODE = {"type": "string", "description": "The product code, e.g. PRD-1000"}
STOCK = {
    "name": "check_stock",
    "description": "How many units of a product the warehouse holds.",
    "parameters": {
        "type": "object",
        "properties": {"product_code": CODE},
        "required": ["product_code"],
    },
}
PRICE = {
    "name": "get_price",
    "description": "The current price of a product.",
    "parameters": {
        "type": "object",
        "properties": {
            "product_code": CODE,
            "currency": {"type": "string", "enum": ["USD", "EUR", "GBP"]},
        },
        "required": ["product_code", "currency"],
    },
}
FIND_CUSTOMER = {
    "name": "find_customer",
    "description": "Find a customer by e-mail address.",
    "parameters": {
        "type": "object",
        "properties": {"email": {"type": "string", "format": "email"}},
        "required": ["email"],
    },
    "result": {"id": "C-981", "name": "Ann Lee"},
}
LIST_ORDERS = {
    "name": "list_orders",
    "description": "List a customer's orders.",
    "parameters": {
        "type": "object",
        "properties": {"customer_id": {"type": "string"}},
        "required": ["customer_id"],
    },
}


def test_a_synonym_and_an_enum_value_reach_the_second_tool_in_the_same_turn() -> None:
    scenario = {
        "prompt": "Is PRD-4471 available, and what does it cost in euros?",
        "tools": [STOCK, PRICE],
    }
    made = run_scenario(scenario)
    assert [(m.turn, m.name, dict(m.args)) for m in made] == [
        (0, "check_stock", {"product_code": "PRD-4471"}),
        (0, "get_price", {"product_code": "PRD-4471", "currency": "EUR"}),
    ]


def test_without_parallel_calls_the_tools_come_one_per_turn_and_never_twice() -> None:
    scenario = {
        "prompt": "Is PRD-4471 available, and what does it cost in euros?",
        "tools": [STOCK, PRICE],
        "parallel_tool_calls": False,
    }
    made = run_scenario(scenario)
    assert sorted((m.turn, m.name) for m in made) in (
        [(0, "check_stock"), (1, "get_price")],
        [(0, "get_price"), (1, "check_stock")],
    )


def test_a_chained_call_takes_its_argument_from_the_earlier_result() -> None:
    scenario = {
        "prompt": "Find the customer ann@example.com and list their orders.",
        "tools": [FIND_CUSTOMER, LIST_ORDERS],
    }
    made = run_scenario(scenario)
    assert [(m.turn, m.name, dict(m.args)) for m in made] == [
        (0, "find_customer", {"email": "ann@example.com"}),
        (1, "list_orders", {"customer_id": "C-981"}),
    ]
    expect = [
        {"name": "find_customer", "args": {"email": "ann@example.com"}},
        {"name": "list_orders", "args": {"customer_id": "C-981"}, "after": "find_customer"},
    ]
    assert grade(expect, made) is None
    assert grade(expect[:1], made) == "extra list_orders{'customer_id': 'C-981'}"


def test_an_identical_call_is_not_made_again_the_model_answers() -> None:
    tools = run_scenario.__globals__["_tools"]({"tools": [STOCK]})
    first = respond(
        Prompt(model="grok-4", turns=(Turn(role="user", text="stock of PRD-1?"),), tools=tools)
    )
    call = first.tool_calls[0]
    turns = (
        Turn(role="user", text="stock of PRD-1?"),
        Turn(role="assistant", text="", tool_calls=(call,)),
        Turn(role="tool", text='{"units": 4}', tool_call_id=call.id),
        Turn(role="user", text="and the stock of PRD-1 again?"),
    )
    again = respond(Prompt(model="grok-4", turns=turns, tools=tools))
    assert not again.tool_calls
    assert [d.why for d in again.explain] == ["already called with these arguments"]


@pytest.mark.parametrize(
    ("a", "b"),
    [("costs", "price"), ("priced", "pricing"), ("booking", "reserve"), ("shipped", "delivery")],
)
def test_inflections_and_common_synonyms_meet(a: str, b: str) -> None:
    assert concepts(a) == concepts(b)
    assert stem("shipping") == stem("ship")


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Show me what's in /var/log/app/error.log", "path", "/var/log/app/error.log"),
        ("attach report.pdf please", "path", "report.pdf"),
        ("the status of ticket #5521", "identifier", "5521"),
        ("restart payments-api now", "identifier", "payments-api"),
        ("Who is Maria Garcia's manager?", "proper", "Maria Garcia"),
        ("tracking number 1Z999AA10123456784", "identifier", "1Z999AA10123456784"),
        ("roll back to 9fceb02d0ae5", "identifier", "9fceb02d0ae5"),
    ],
)
def test_paths_hash_numbers_names_with_hyphens_and_possessives_are_values(
    text: str, kind: str, value: str
) -> None:
    assert (kind, value) in {(c.kind, c.text) for c in extract_candidates(text)}


def test_two_parameters_of_one_enum_take_the_mentions_in_their_roles() -> None:
    money = {"type": "string", "enum": ["USD", "EUR", "JPY"]}
    tool = {
        "name": "convert_currency",
        "description": "Convert an amount between currencies.",
        "parameters": {
            "type": "object",
            "properties": {
                "amount": {"type": "number"},
                "from_currency": money,
                "to_currency": money,
            },
            "required": ["amount", "from_currency", "to_currency"],
        },
    }
    made = run_scenario({"prompt": "How much is 250 dollars in yen?", "tools": [tool]})
    assert [dict(m.args) for m in made] == [
        {"amount": 250, "from_currency": "USD", "to_currency": "JPY"}
    ]


def test_a_required_free_text_parameter_takes_the_clause_it_is_given() -> None:
    tool = {
        "name": "add_ticket_comment",
        "description": "Add an internal comment to a ticket.",
        "parameters": {
            "type": "object",
            "properties": {"ticket_id": {"type": "string"}, "body": {"type": "string"}},
            "required": ["ticket_id", "body"],
        },
    }
    made = run_scenario(
        {"prompt": "Add a note to ticket #5521 saying the customer called back.", "tools": [tool]}
    )
    assert [dict(m.args) for m in made] == [
        {"ticket_id": "5521", "body": "the customer called back"}
    ]


async def test_the_explain_header_says_why_each_tool_was_chosen() -> None:
    request = chat_pb2.GetCompletionsRequest(
        model="grok-4",
        messages=[
            chat_pb2.Message(
                role=chat_pb2.ROLE_USER,
                content=[chat_pb2.Content(text="What does PRD-9 cost in pounds?")],
            )
        ],
        tools=[
            chat_pb2.Tool(
                function=chat_pb2.Function(
                    name=t["name"],
                    description=t["description"],
                    parameters=json.dumps(t["parameters"]),
                )
            )
            for t in (STOCK, PRICE)
        ],
    )
    async with Simulator(SimOptions()) as sim, grpc.aio.insecure_channel(sim.address) as channel:
        stub = chat_pb2_grpc.ChatStub(channel)
        plain = stub.GetCompletion(request, timeout=10)
        await plain
        assert "x-sim-explain" not in dict(await plain.trailing_metadata())
        call = stub.GetCompletion(request, timeout=10, metadata=(("x-sim-explain", "1"),))
        reply = await call
        trailer = dict(await call.trailing_metadata())["x-sim-explain"]
        stream = stub.GetCompletionChunk(request, timeout=10, metadata=(("x-sim-explain", "1"),))
        chunks = [chunk async for chunk in stream]
        assert chunks
        assert dict(await stream.trailing_metadata())["x-sim-explain"] == trailer
    assert [c.function.name for c in reply.outputs[0].message.tool_calls] == ["get_price"]
    tools = {t["tool"]: t for t in json.loads(trailer)["tools"]}
    assert tools["get_price"]["called"] is True
    assert "price" in tools["get_price"]["matched"]
    assert tools["get_price"]["arguments"] == [{"product_code": "PRD-9", "currency": "GBP"}]
    assert tools["check_stock"]["called"] is False
    assert tools["check_stock"]["why"] == "not relevant enough"


def _corpus(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["scenarios"] if isinstance(data, dict) else data)


@pytest.mark.parametrize(
    ("corpus", "floor"),
    [
        (CORPUS, FLOOR),
        (HOLDOUT, HOLDOUT_FLOOR),
        (HOLDOUT2, HOLDOUT2_FLOOR),
        (HOLDOUT3, HOLDOUT3_FLOOR),
        (HOLDOUT4, HOLDOUT4_FLOOR),
    ],
)
def test_the_corpus_share_exactly_right_does_not_fall(corpus: Path, floor: float) -> None:
    if not corpus.exists():  # the corpus is written on its own branch, by its own author
        pytest.skip(f"no scenario corpus at {corpus} yet")
    scenarios = _corpus(corpus)
    assert len(scenarios) >= 30  # 60 when the corpus is complete
    misses = []
    for scenario in scenarios:
        why = grade(scenario["expect"], run_scenario(scenario))
        if why is not None:
            misses.append(f"{scenario['id']}: {why}")
    share = 1 - len(misses) / len(scenarios)
    print(f"tool choice: {share:.1%} of {len(scenarios)} scenarios exactly right")
    print("\n".join(misses))
    # the goal is 0.90; FLOOR is just under the share last measured, kept as a
    # floor so a change that loses scenarios fails here (raise it as misses are fixed)
    assert share >= floor, "\n".join(misses)
