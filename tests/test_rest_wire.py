"""Unit tests of the REST client's pieces: the SSE parser, the JSON wires, the encoder, and
telemetry over REST (against the scripted server of tests/rest_server.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from agentrt import errors
from agentrt.xai.chat_request import ChatRequest, JsonSchema
from agentrt.xai.client import Client
from agentrt.xai.messages import ToolCall, assistant, system, tool_result, user
from agentrt.xai.rest import chat_wire, responses_wire
from agentrt.xai.rest.json_encoder import JsonEncoder, encode
from agentrt.xai.rest.sse import SseParser
from agentrt.xai.tool_specs import FunctionTool, WebSearch
from tests.rest_server import Reply, ScriptedServer, completion
from tests.test_tracing import make_otel

# -- SSE ---------------------------------------------------------------------------------------

SSE_CASES = [
    ("one event", [b"data: {}\n\n"], [("", b"{}")]),
    ("crlf", [b"data: a\r\n\r\ndata: b\r\n\r\n"], [("", b"a"), ("", b"b")]),
    ("split everywhere", [b"da", b"ta: x", b"y\n", b"\n"], [("", b"xy")]),
    ("multi-line data", [b"data: a\ndata: b\n\n"], [("", b"a\nb")]),
    ("no space", [b"data:a\n\n"], [("", b"a")]),
    ("event name", [b"event: response.created\ndata: 1\n\n"], [("response.created", b"1")]),
    ("comments and keep-alives", [b": ping\n\n: x\ndata: 1\n\n"], [("", b"1")]),
    ("id and retry ignored", [b"id: 7\nretry: 10\ndata: 1\n\n"], [("", b"1")]),
    ("name resets", [b"event: e\ndata: 1\n\ndata: 2\n\n"], [("e", b"1"), ("", b"2")]),
    ("done", [b"data: [DONE]\n\n"], [("", b"[DONE]")]),
    ("blank lines only", [b"\n\n\r\n"], []),
]


@pytest.mark.parametrize(("case", "pieces", "want"), SSE_CASES, ids=[c[0] for c in SSE_CASES])
def test_sse_parser(case: str, pieces: list[bytes], want: list[tuple[str, bytes]]) -> None:
    parser = SseParser(1000)
    got = [e for p in pieces for e in parser.feed(p)]
    assert got + parser.end() == want


def test_sse_parser_keeps_an_event_without_its_closing_blank_line() -> None:
    parser = SseParser(1000)
    assert parser.feed(b"data: last") == []
    assert parser.end() == [("", b"last")]


def test_sse_parser_bounds_lines_and_events() -> None:
    with pytest.raises(errors.ResponseTooLarge):
        SseParser(10).feed(b"data: " + b"x" * 20)
    parser = SseParser(10)
    assert parser.feed(b"data: ok\n\ndata: " + b"y" * 20) == [("", b"ok")]
    with pytest.raises(errors.ResponseTooLarge):
        parser.check()


# -- chat completions wire ---------------------------------------------------------------------


def test_message_json_shapes() -> None:
    calls = (ToolCall(id="c1", name="f", arguments='{"a":1}'),)
    assert chat_wire.message_json(system("S")) == {"role": "system", "content": "S"}
    assert chat_wire.message_json(assistant(tool_calls=calls)) == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a":1}'}}
        ],
    }
    assert chat_wire.message_json(tool_result("c1", "ok")) == {
        "role": "tool",
        "content": "ok",
        "tool_call_id": "c1",
    }


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("stop", "stop"),
        ("length", "length"),
        ("tool_calls", "tool_calls"),
        ("function_call", "tool_calls"),
        ("end_turn", "stop"),
        (None, ""),
        ("content_filter", "content_filter"),
    ],
)
def test_finish_reasons_map_to_the_grpc_strings(raw: str | None, want: str) -> None:
    assert chat_wire.finish_reason(raw) == want


def test_settings_json_leaves_unset_fields_out() -> None:
    out = chat_wire.settings_json(ChatRequest(model="m"))
    assert out == {"model": "m"}
    schema = chat_wire.settings_json(ChatRequest(model="m", response_format="json_object"))
    assert schema["response_format"] == {"type": "json_object"}


def test_requests_that_need_responses_are_routed_there() -> None:
    assert not chat_wire.needs_responses(ChatRequest(model="m", tools=(FunctionTool(name="f"),)))
    assert chat_wire.needs_responses(ChatRequest(model="m", tools=(WebSearch(),)))
    assert chat_wire.needs_responses(ChatRequest(model="m", store_messages=True))
    assert encode(ChatRequest(model="m", previous_response_id="r"), "chat").path == "/responses"


# -- responses wire ----------------------------------------------------------------------------


def test_responses_settings_and_items() -> None:
    req = ChatRequest(
        model="m",
        response_format=JsonSchema(schema={"type": "object"}),
        reasoning_effort="high",
        max_tokens=9,
        tool_choice="required",
    )
    out = responses_wire.settings_json(req)
    assert out["text"]["format"]["type"] == "json_schema"
    assert out["reasoning"] == {"effort": "high"}
    assert (out["max_output_tokens"], out["tool_choice"], out["store"]) == (9, "required", False)
    with pytest.raises(errors.UsageError, match="rest_api='responses'"):
        responses_wire.settings_json(ChatRequest(model="m", stop=("x",)))


def test_an_incomplete_response_is_length() -> None:
    raw = {
        "status": "incomplete",
        "incomplete_details": {"reason": "max_output_tokens"},
        "output": [],
    }
    assert responses_wire.response_from_json(raw).finish_reason == "length"
    with pytest.raises(errors.ServerError, match="died"):
        responses_wire.response_from_json({"status": "failed", "error": {"message": "died"}})


# -- the encoder -------------------------------------------------------------------------------


def test_the_encoder_reuses_sent_messages_and_matches_a_fresh_encoding() -> None:
    enc = JsonEncoder("chat")
    first = (system("S"), user("Hi"))
    a = enc.encode(ChatRequest(model="m", messages=first, temperature=0.1))
    more = (*first, assistant("Hello"), user("And?"))
    b = enc.encode(ChatRequest(model="m", messages=more, temperature=0.1))
    fresh = encode(ChatRequest(model="m", messages=more, temperature=0.1), "chat")
    assert b.body(stream=False) == fresh.body(stream=False)
    assert b.body(stream=True) == fresh.body(stream=True)
    assert b.items.startswith(a.items)
    body = json.loads(b.body(stream=True))
    assert [m["content"] for m in body["messages"]] == ["S", "Hi", "Hello", "And?"]
    assert body["temperature"] == 0.1
    # a different conversation starts over; a changed setting is re-encoded
    c = enc.encode(ChatRequest(model="m2", messages=(user("New"),)))
    assert json.loads(c.body(stream=False)) == {
        "model": "m2",
        "messages": [{"role": "user", "content": "New"}],
    }


def test_the_client_chat_hands_out_its_encoder() -> None:
    grpc_client = Client(endpoint="127.0.0.1:1")
    rest_client = Client(endpoint="http://127.0.0.1:1/v1", rest_api="responses")
    assert type(grpc_client.chat.encoder()).__name__ == "RequestEncoder"
    encoded = rest_client.chat.encoder().encode(ChatRequest(model="m", messages=(user("x"),)))
    assert encoded.path == "/responses"


def test_the_grpc_path_never_imports_aiohttp() -> None:
    code = (
        "import sys, agentrt; from agentrt.xai.client import Client; "
        "from agentrt.agents.agent import Agent; Client(endpoint='127.0.0.1:1'); "
        "assert 'aiohttp' not in sys.modules, 'aiohttp imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# -- telemetry ---------------------------------------------------------------------------------


async def test_a_rest_call_is_the_same_chat_span_as_over_grpc() -> None:
    with make_otel() as otel:
        async with ScriptedServer() as server:
            server.script("/chat/completions", Reply(json=completion("hi")))
            client = Client(endpoint=server.url, api_key="k", telemetry=otel.telemetry)
            async with client:
                await client.chat.complete(ChatRequest(model="grok-test", messages=(user("x"),)))
        (span,) = otel.named("chat ")
        assert span.name == "chat grok-test"
        attributes = dict(span.attributes or {})
        assert attributes["gen_ai.response.id"] == "cmpl-1"
        assert attributes["gen_ai.usage.input_tokens"] == 5
        assert "traceparent" in server.requests[0][1]
        assert "gen_ai.client.operation.duration" in otel.metrics()


def test_logprobs_are_read_like_over_grpc() -> None:
    entry = {
        "token": "Hi",
        "logprob": -0.5,
        "bytes": [72, 105],
        "top_logprobs": [{"token": "Yo", "logprob": -1.0}],
    }
    raw = {
        "choices": [{"index": 0, "message": {"content": "Hi"}, "logprobs": {"content": [entry]}}]
    }
    (lp,) = chat_wire.response_from_json(raw).logprobs
    assert (lp.token, lp.logprob, lp.bytes) == ("Hi", -0.5, b"Hi")
    assert [(t.token, t.logprob) for t in lp.top_logprobs] == [("Yo", -1.0)]
    body = chat_wire.settings_json(ChatRequest(model="m", logprobs=True, top_logprobs=2))
    assert (body["logprobs"], body["top_logprobs"]) == (True, 2)


def test_a_function_call_the_response_answers_itself_is_not_the_clients_to_make() -> None:
    output = [
        {"type": "function_call", "call_id": "c1", "name": "whoami", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c1", "output": "{}"},
        {"type": "message", "content": [{"type": "output_text", "text": "Done."}]},
    ]
    resp = responses_wire.response_from_json({"status": "completed", "output": output})
    assert (resp.tool_calls, resp.finish_reason, resp.content) == ((), "stop", "Done.")
    pending = responses_wire.response_from_json({"status": "completed", "output": output[:1]})
    assert [c.id for c in pending.tool_calls] == ["c1"]
    assert pending.finish_reason == "tool_calls"


@pytest.mark.parametrize(
    ("data", "want"),
    [
        (b'{"a":1}', {"a": 1}),
        (b' {"a":1} ', {"a": 1}),
        (b'{"a":"\xc3\xa9"}', {"a": "é"}),
        (b"[1]", [1]),
    ],
)
def test_the_fast_event_decoder_reads_what_json_loads_reads(data: bytes, want: object) -> None:
    from agentrt.xai.rest.chat_stream import _loads

    assert _loads(data) == want


@pytest.mark.parametrize(
    "data", [b'{"a":1} x', b"{", b"", b"nope", b'{"a":"\xff"}', b'{"a":1}{"b":2}']
)
def test_the_fast_event_decoder_refuses_what_json_loads_refuses(data: bytes) -> None:
    from agentrt.xai.rest.chat_stream import _loads

    with pytest.raises(ValueError):  # noqa: PT011 - json's and UTF-8's errors are ValueErrors
        _loads(data)


def test_choosing_the_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AGENTRT_ENDPOINT", raising=False)
    rest = Client(protocol="rest", api_key="sk-distinct-77")
    assert (rest.config.endpoint, rest.config.protocol, rest.config.use_tls) == (
        "https://api.x.ai/v1",
        "rest",
        True,
    )
    assert Client(api_key="k").config.protocol == "grpc"
    monkeypatch.setenv("AGENTRT_ENDPOINT", "http://127.0.0.1:8000/v1")
    from_env = Client()
    assert (from_env.config.protocol, from_env.config.use_tls) == ("rest", False)
    assert "protocol='rest'" in repr(from_env)
    assert "sk-distinct-77" not in repr(rest) + repr(rest.config) + repr(rest.transport)
