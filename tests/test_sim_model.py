"""Unit tests of the simulator's deterministic model: tokens, arguments, JSON, replies."""

from __future__ import annotations

import enum
import json
from dataclasses import replace
from typing import Any, Literal

import jsonschema
import pytest
from pydantic import BaseModel, Field

from agentrt.sim.arguments import FunctionTool, build_calls, extract_candidates, select_tools
from agentrt.sim.grounding import Grounding, Quote, best_sentences, compose, content_stems
from agentrt.sim.jsonfill import fill, invalid_instance
from agentrt.sim.model import Prompt, Quirks, Turn, respond
from agentrt.sim.server_tools import ServerToolUse
from agentrt.sim.tokens import count_tokens, token_id, tokenize

WEATHER = FunctionTool(
    name="get_weather",
    description="Get the current weather for a city.",
    parameters={
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "City name"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"},
        },
        "required": ["city"],
    },
)
ORDER = FunctionTool(
    name="lookup_order",
    description="Look up an order by its id.",
    parameters={
        "type": "object",
        "properties": {
            "order_id": {"type": "string", "examples": ["AB-123"]},
            "quantity": {"type": "integer"},
        },
        "required": ["order_id"],
    },
)
EMAIL = FunctionTool(
    name="send_email",
    description="Send an email message.",
    parameters={
        "type": "object",
        "properties": {
            "to": {"type": "string", "format": "email"},
            "subject": {"type": "string"},
            "copies": {"type": "integer", "minimum": 1},
        },
        "required": ["to", "subject", "copies"],
    },
)


def _prompt(text: str, **kw: Any) -> Prompt:
    return Prompt(model="grok-3", turns=(Turn(role="user", text=text),), **kw)


@pytest.mark.parametrize(
    "text", ["Hello, world!  foo_bar 12345 café\n\tx", "", "a__b --> ü", "  lead"]
)
def test_tokenize_round_trips_and_counts(text: str) -> None:
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert count_tokens(text) == len(tokens)
    assert all(0 <= token_id(t) < 131_072 for t in tokens)
    assert [token_id(t) for t in tokens] == [token_id(t) for t in tokenize(text)]


def test_candidates_find_quoted_ids_emails_proper_nouns_and_numbers() -> None:
    text = (
        'Send "Quarterly report" to bob@example.com about order XY-987 for Alice Smith, 3 copies.'
    )
    found = {(c.kind, c.text) for c in extract_candidates(text)}
    assert {
        ("quoted", "Quarterly report"),
        ("email", "bob@example.com"),
        ("identifier", "XY-987"),
        ("proper", "Alice Smith"),
        ("number", "3"),
    } <= found
    assert not any(c.text == "Send" for c in extract_candidates(text))


def test_sentence_start_is_not_a_proper_noun_but_a_name_there_is() -> None:
    assert [c.text for c in extract_candidates("What is the weather in Paris?")] == ["Paris"]
    assert [c.text for c in extract_candidates("Paris weather please")] == ["Paris"]


def test_tools_are_chosen_by_name_words_or_description() -> None:
    tools = [WEATHER, ORDER, EMAIL]
    assert select_tools("How is the weather in Oslo?", tools, parallel=True) == [WEATHER]
    assert select_tools("Where is my order AB-1?", tools, parallel=True) == [ORDER]
    assert select_tools("call send_email now", tools, parallel=True) == [EMAIL]
    assert select_tools("Tell me a joke", tools, parallel=True) == []
    both = "Check the weather in Oslo and look up order AB-1"
    assert select_tools(both, tools, parallel=True) == [WEATHER, ORDER]
    assert len(select_tools(both, tools, parallel=False)) == 1
    assert select_tools("Tell me a joke", tools, parallel=True, required=True) == [WEATHER]
    assert select_tools("anything", tools, parallel=True, required="send_email") == [EMAIL]


def test_arguments_take_the_best_matching_candidates() -> None:
    text = 'Please send an email to bob@example.com with subject "Quarterly report", 3 copies.'
    calls = build_calls(EMAIL, text, extract_candidates(text), parallel=True)
    assert calls == [{"to": "bob@example.com", "subject": "Quarterly report", "copies": 3}]
    text = "I'm Alice Smith and my order XY-987 never came"
    assert build_calls(ORDER, text, extract_candidates(text), parallel=True) == [
        {"order_id": "XY-987"}
    ]


def test_enum_values_the_text_mentions_and_parallel_calls_per_value() -> None:
    text = "What's the weather in Paris and London in fahrenheit?"
    calls = build_calls(WEATHER, text, extract_candidates(text), parallel=True)
    assert calls == [
        {"city": "Paris", "unit": "fahrenheit"},
        {"city": "London", "unit": "fahrenheit"},
    ]
    assert build_calls(WEATHER, text, extract_candidates(text), parallel=False) == [calls[0]]


def test_missing_required_argument_falls_back_to_the_default() -> None:
    tool = FunctionTool(
        name="f",
        description="",
        parameters={
            "type": "object",
            "properties": {"n": {"type": "integer", "default": 7}},
            "required": ["n"],
        },
    )
    assert build_calls(tool, "no numbers here", [], parallel=True) == [{"n": 7}]


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Item(BaseModel):
    sku: str = Field(pattern=r"^[A-Z]+-\d+$", examples=["AB-123"])
    qty: int = Field(ge=1, le=10)


class Order(BaseModel):
    id: str
    color: Color
    items: list[Item] = Field(min_length=2, max_length=3)
    note: str | None = None
    child: Order | None = None
    mode: Literal["fast", "slow"]
    price: float = Field(gt=0, lt=1)


SCHEMAS: list[dict[str, Any]] = [
    Order.model_json_schema(),
    {
        "type": "object",
        "properties": {
            "a": {
                "oneOf": [
                    {"type": "integer", "minimum": 5, "multipleOf": 5},
                    {"type": "string", "format": "email"},
                ]
            },
            "b": {"anyOf": [{"type": "null"}, {"type": "string", "format": "date-time"}]},
            "c": {"type": ["null", "number"], "exclusiveMaximum": -3},
            "d": {"const": "fixed"},
            "e": {"type": "string", "minLength": 12, "maxLength": 14, "format": "uri"},
        },
        "required": ["a", "b", "c", "d", "e"],
        "additionalProperties": False,
    },
    {
        "type": "array",
        "items": {"type": "string"},
        "minItems": 3,
        "maxItems": 4,
        "uniqueItems": True,
    },
    {
        "type": "object",
        "additionalProperties": {"type": "integer", "maximum": -2},
        "required": ["x", "y"],
    },
    {"type": "string", "format": "uuid"},
    {
        "type": "array",
        "prefixItems": [{"type": "boolean"}, {"type": "string", "format": "date"}],
        "minItems": 2,
    },
    {
        "$defs": {
            "P": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
        },
        "$ref": "#/$defs/P",
    },
    {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
            {"required": ["b"]},
        ]
    },
]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_fill_is_valid_and_invalid_instance_is_not(schema: dict[str, Any]) -> None:
    values = {"id": "ORD-7", "color": "BLUE", "qty": "3", "price": "0.5", "note": "hello"}
    instance = fill(schema, values)
    jsonschema.validate(instance, schema, format_checker=jsonschema.FormatChecker())
    broken = invalid_instance(schema, instance)
    with pytest.raises((jsonschema.ValidationError, json.JSONDecodeError)):
        jsonschema.validate(json.loads(broken), schema)


def test_fill_uses_known_values_by_name() -> None:
    order = Order.model_validate(
        fill(Order.model_json_schema(), {"id": "ORD-7", "color": "blue", "price": "0.25"})
    )
    assert (order.id, order.color, order.price) == ("ORD-7", Color.BLUE, 0.25)


def test_reply_calls_the_tool_the_user_refers_to() -> None:
    reply = respond(_prompt("What is the weather in Paris?", tools=(WEATHER, ORDER)))
    assert reply.finish == "tool_calls"
    assert [(c.name, json.loads(c.arguments)) for c in reply.tool_calls] == [
        ("get_weather", {"city": "Paris"})
    ]
    assert reply.content == ""
    assert (
        respond(_prompt("What is the weather in Paris?", tools=(WEATHER,))) == reply
    )  # deterministic


def test_reply_after_tool_results_quotes_values_verbatim() -> None:
    call = respond(_prompt("Weather in Paris?", tools=(WEATHER,))).tool_calls[0]
    turns = (
        Turn(role="user", text="Weather in Paris?"),
        Turn(role="assistant", text="", tool_calls=(call,)),
        Turn(
            role="tool",
            text='{"temp": 21.50, "sky": "light rain", "ok": true}',
            tool_call_id=call.id,
        ),
    )
    reply = respond(Prompt(model="grok-3", turns=turns, tools=(WEATHER,)))
    assert reply.finish == "stop"
    assert not reply.tool_calls
    for value in ("21.50", "light rain", "get_weather"):
        assert value in reply.content


def test_structured_output_is_filled_from_tool_results_and_prompt() -> None:
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "temp": {"type": "number"},
            "summary": {"type": "string"},
        },
        "required": ["city", "temp", "summary"],
    }
    turns = (
        Turn(role="user", text="Weather in Paris?"),
        Turn(role="tool", text='{"temp": 21.5}', tool_call_id="x"),
    )
    out = json.loads(respond(Prompt(model="grok-3", turns=turns, response_schema=schema)).content)
    jsonschema.validate(out, schema)
    assert out["city"] == "Paris"
    assert out["temp"] == 21.5


def test_reasoning_models_think_and_usage_adds_up() -> None:
    prompt = _prompt("Hello there", reasoning=True, effort="high")
    reply = respond(prompt)
    assert reply.reasoning
    assert reply.reasoning_tokens == count_tokens(reply.reasoning)
    assert reply.completion_tokens == count_tokens(reply.content)
    assert reply.prompt_tokens == count_tokens("Hello there")
    assert len(respond(_prompt("Hello there", reasoning=True, effort="low")).reasoning) < len(
        reply.reasoning
    )


def test_output_tokens_and_max_tokens_shape_the_answer() -> None:
    assert respond(_prompt("hi"), Quirks(output_tokens=40)).completion_tokens == 40
    short = respond(_prompt("hi", max_tokens=5), Quirks(output_tokens=40))
    assert (short.completion_tokens, short.finish) == (5, "length")
    seeded = [respond(_prompt("hi", seed=s), Quirks(output_tokens=40)).content for s in (1, 2, 1)]
    assert seeded[0] == seeded[2]  # the same seed, the same answer
    assert seeded[0] != seeded[1]  # the seed is what varies it
    unseeded = [respond(_prompt("hi"), Quirks(output_tokens=40)).content for _ in range(2)]
    assert unseeded[0] == unseeded[1]  # no seed, no randomness


def test_quirks_break_tool_calls_and_structured_output() -> None:
    prompt = _prompt("Weather in Paris?", tools=(WEATHER,))
    bad = respond(prompt, Quirks(malformed_tool_args=True)).tool_calls[0]
    with pytest.raises(json.JSONDecodeError):
        json.loads(bad.arguments)
    assert respond(prompt, Quirks(unknown_tool=True)).tool_calls[0].name == "nonexistent_tool"
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    out = respond(_prompt("x", response_schema=schema), Quirks(invalid_output=True)).content
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(out), schema)


def test_pre_serialized_chunks_parse_as_the_messages_they_stand_for() -> None:
    from agentrt_protos.xai.api.v1 import chat_pb2

    from agentrt.sim.encode import ResponseMeta, chunk_stream, completion_response, usage_of

    reply = respond(_prompt("Weather in Paris?", tools=(WEATHER,), reasoning=True))
    meta = ResponseMeta(
        response_id="r-1", model="grok-3", fingerprint="fp", created=1_700_000_000, outputs=2
    )
    usage = usage_of(reply, outputs=2)
    chunks = [
        chat_pb2.GetChatCompletionChunk.FromString(b)
        for b in chunk_stream(reply, meta, usage, tokens_per_chunk=2)
    ]
    assert {(c.id, c.model, c.system_fingerprint, c.created.seconds) for c in chunks} == {
        ("r-1", "grok-3", "fp", 1_700_000_000)
    }
    assert all(o.delta.role == chat_pb2.ROLE_ASSISTANT for c in chunks for o in c.outputs)
    for index in (0, 1):
        mine = [o for c in chunks for o in c.outputs if o.index == index]
        assert "".join(o.delta.reasoning_content for o in mine) == reply.reasoning
        assert [t.function.name for o in mine for t in o.delta.tool_calls] == ["get_weather"]
        assert (
            mine[-1].finish_reason == chat_pb2.CompletionOutputChunk().finish_reason + 4
        )  # TOOL_CALLS
    assert chunks[-1].usage == usage
    assert not any(c.HasField("usage") for c in chunks[:-1])
    unary = completion_response(reply, meta, usage)
    assert [o.message.tool_calls[0].function.arguments for o in unary.outputs] == [
        reply.tool_calls[0].arguments
    ] * 2


def test_server_side_tools_run_when_asked_and_cite_sources() -> None:
    prompt = _prompt(
        "Search the web for the latest news on Lisbon trams",
        server_tools=("web_search", "x_search"),
    )
    reply = respond(prompt)
    assert [u.kind for u in reply.server_tools] == ["web_search"]
    sources = reply.server_tools[0].sources
    assert sources
    assert all(s.startswith("https://example.com/") for s in sources)
    assert all(s in reply.content for s in sources)
    assert reply.finish == "stop"
    assert not reply.tool_calls
    assert respond(_prompt("Tell me a joke", server_tools=("web_search",))).server_tools == ()
    assert (
        respond(_prompt("search it", server_tools=("web_search",), tool_choice="none")).server_tools
        == ()
    )
    # a client-side tool the text refers to wins the turn; no server tool runs with it
    both = respond(
        _prompt("Search the weather in Paris", tools=(WEATHER,), server_tools=("web_search",))
    )
    assert both.tool_calls
    assert both.server_tools == ()


def test_what_the_model_read_becomes_the_answer_unless_json_is_asked_for() -> None:
    quote = Quote(text="Servicing is due every 6 months.", source="pump.txt", file_id="f1")
    answer, cites = compose([quote])
    use = ServerToolUse(id="call_srv_1", kind="attachment_search", arguments="{}", sources=())
    read = Grounding(answer=answer, uses=(replace(use, cites=cites),))
    plain = respond(_prompt("How often is servicing due?"), grounding=read)
    assert plain.content == "pump.txt says: “Servicing is due every 6 months.” [1]."
    (cite,) = plain.server_tools[0].cites
    assert plain.content[cite.start : cite.end] == quote.text
    as_json = respond(_prompt("How often is servicing due?", json_object=True), grounding=read)
    assert json.loads(as_json.content)
    assert [u.kind for u in as_json.server_tools] == ["attachment_search"]
    assert as_json.server_tools[0].cites == ()  # they pointed into an answer not given


@pytest.mark.parametrize(
    ("text", "question", "best"),
    [
        (
            "The pump moves water. Servicing is due yearly.",
            "When is servicing due?",
            ["Servicing is due yearly."],
        ),
        (
            "Pumps hum. The pump is red. The pump is blue.",
            "Which pump is red?",
            ["The pump is red."],
        ),
        ("Nothing relevant here.", "What colour is the sky?", []),
        (  # a paragraph wrapped over lines is still one sentence; a heading is its own
            "# Hotels\n\nHotels cost up to 180 euros in capitals and 130 euros\nelsewhere. Meals are extra.",
            "What do hotels cost elsewhere?",
            ["Hotels cost up to 180 euros in capitals and 130 euros elsewhere."],
        ),
        ("# On-call\n\nShifts last a week.", "Who is on call?", []),  # not the heading
    ],
)
def test_best_sentences_rank_by_the_question_s_rarer_words(
    text: str, question: str, best: list[str]
) -> None:
    assert best_sentences(text, content_stems(question)) == best


@pytest.mark.parametrize("text", ["What is 3x4?", "Draw a 2x2 grid of squares."])
def test_a_multiplication_is_not_a_request_for_x_search(text: str) -> None:
    from agentrt.sim.server_tools import use_server_tools

    assert use_server_tools(text, ["x_search", "web_search"]) == ()


def test_json_nested_too_deep_to_read_is_invalid_not_a_crash() -> None:
    from agentrt.sim.batch_input import from_jsonl

    deep = b'{"batch_request": ' * 50_000 + b"1"
    (request,) = from_jsonl(deep + b"\n")
    assert request.request_id == "line_1"  # a request that fails on its own, not an exception
