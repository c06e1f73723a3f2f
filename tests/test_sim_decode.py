"""The simulator's per-call caches read requests exactly as a fresh reading would."""

from __future__ import annotations

import dataclasses
import os
import uuid
from typing import Any

import grpc
import pytest
from agentrt_protos.xai.api.v1 import chat_pb2, image_pb2, sample_pb2, usage_pb2

from agentrt.sim import chat, decode
from agentrt.sim.decode import prompt_from_request, turns_from_messages
from agentrt.sim.encode import ResponseMeta, chunk_stream, completion_response, usage_of
from agentrt.sim.faults import FaultConfig, FaultInjector, Realism
from agentrt.sim.model import Prompt, Reply, ToolCallOut, Turn
from agentrt.sim.script import load_script
from agentrt.sim.server_tools import ServerToolUse
from agentrt.sim.status import SimStatus
from agentrt.sim.tokens import count_tokens, tokenize
from tests.conftest import errors_on_threads

MODEL = "grok-4-1-fast-reasoning"


def text(role: int, value: str) -> chat_pb2.Message:
    return chat_pb2.Message(role=role, content=[chat_pb2.Content(text=value)])


def test_messages_read_again_give_the_same_turns_and_image_counts() -> None:
    picture = chat_pb2.Content(image_url=image_pb2.ImageUrlContent(image_url="https://e.org/a.png"))
    messages = [
        text(chat_pb2.ROLE_SYSTEM, "be brief"),
        chat_pb2.Message(
            role=chat_pb2.ROLE_USER,
            content=[chat_pb2.Content(text="look "), picture, chat_pb2.Content(text="here")],
        ),
        chat_pb2.Message(
            role=chat_pb2.ROLE_ASSISTANT,
            tool_calls=[
                chat_pb2.ToolCall(
                    id="c1", function=chat_pb2.FunctionCall(name="f", arguments='{"a": 1}')
                )
            ],
        ),
        chat_pb2.Message(
            role=chat_pb2.ROLE_TOOL, content=[chat_pb2.Content(text="42")], tool_call_id="c1"
        ),
    ]
    expected = (
        (
            Turn(role="system", text="be brief"),
            Turn(
                role="user",
                text="look here",
                images=("an image at https://e.org/a.png (the simulator does not fetch URLs)",),
            ),
            Turn(
                role="assistant",
                text="",
                tool_calls=(ToolCallOut(id="c1", name="f", arguments='{"a": 1}'),),
            ),
            Turn(role="tool", text="42", tool_call_id="c1"),
        ),
        1,
    )
    assert turns_from_messages(messages) == expected
    assert turns_from_messages(messages) == expected
    assert turns_from_messages([*messages, messages[1]])[1] == 2


def test_a_long_message_is_read_without_being_remembered() -> None:
    long = "word " * 2000
    message = text(chat_pb2.ROLE_USER, long)
    turns, _ = turns_from_messages([message])
    assert turns[0].text == long
    assert message.SerializeToString() not in decode._TURNS  # (a count could not tell when full)
    short = text(chat_pb2.ROLE_USER, "word")
    turns_from_messages([short])
    assert short.SerializeToString() in decode._TURNS


def test_the_remembered_readings_are_bounded() -> None:
    for i in range(decode._TURNS_KEPT + 10):
        turns_from_messages([text(chat_pb2.ROLE_USER, f"message {i}")])
    assert len(decode._TURNS) == decode._TURNS_KEPT
    assert turns_from_messages([text(chat_pb2.ROLE_USER, "message 0")])[0][0].text == "message 0"


def test_a_message_without_a_role_is_named_by_its_place_every_time() -> None:
    ok = text(chat_pb2.ROLE_USER, "hi")
    bad = chat_pb2.Message(content=[chat_pb2.Content(text="hi")])
    for messages, index in (([ok, bad], 1), ([bad], 0)):
        with pytest.raises(SimStatus, match=rf"messages\[{index}\]: role is not set"):
            turns_from_messages(messages)


def test_bad_tool_parameters_are_refused_every_time_and_good_ones_parsed() -> None:
    def request(parameters: str) -> chat_pb2.GetCompletionsRequest:
        fn = chat_pb2.Function(name="f", parameters=parameters)
        return chat_pb2.GetCompletionsRequest(
            model=MODEL,
            messages=[text(chat_pb2.ROLE_USER, "hi")],
            tools=[chat_pb2.Tool(web_search=chat_pb2.WebSearch()), chat_pb2.Tool(function=fn)],
        )

    for _ in range(2):
        with pytest.raises(SimStatus, match=r"tools\[1\] \(f\): parameters is not valid JSON"):
            prompt_from_request(request("{nope"))
        with pytest.raises(SimStatus, match=r"tools\[1\] \(f\): parameters must be a JSON object"):
            prompt_from_request(request("[1]"))
    prompt = prompt_from_request(request('{"type": "object"}'))
    assert [(t.name, dict(t.parameters)) for t in prompt.tools] == [("f", {"type": "object"})]
    assert prompt.server_tools == ("web_search",)


def test_token_counts_of_short_and_long_texts_match_the_tokenizer() -> None:
    for value in ("", "Hello, world 12345!", "x" * 5000 + " y" * 3000):
        assert count_tokens(value) == len(tokenize(value))
        assert count_tokens(value) == len(tokenize(value))  # cached or not, the same


def test_a_call_without_faults_or_headers_gets_the_plan_a_full_decision_gives() -> None:
    injector = FaultInjector(FaultConfig(retry_after_ms=250), Realism(output_tokens=7))
    plain = injector.plan({"user-agent": "test"})
    decided = injector.plan({"x-sim-session": ""})  # a header: the full decision, same session
    assert plain.call_number == 1
    assert decided.call_number == 2
    assert (plain.error, plain.abort_after, plain.quirks, plain.realism) == (
        decided.error,
        decided.abort_after,
        decided.quirks,
        decided.realism,
    )
    assert (plain.retry_after_ms, plain.deadline_stall_ms) == (250, 30_000)
    assert plain.quirks.output_tokens == 7
    assert plain == dataclasses.replace(decided, call_number=1)
    assert injector.plan({}) == dataclasses.replace(plain, call_number=3)


def test_a_header_still_turns_a_fault_on_for_one_call() -> None:
    injector = FaultInjector(FaultConfig(), Realism())
    assert injector.plan({}).error is None
    plan = injector.plan({"x-sim-fault": "unavailable"})
    assert plan.error == "unavailable"
    with pytest.raises(SimStatus) as caught:
        plan.raise_error()
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE


def test_response_ids_are_unique_and_formatted_as_uuids() -> None:
    ids = [chat._new_id() for _ in range(1000)]
    assert len(set(ids)) == len(ids)
    for value in (ids[0], ids[-1]):
        assert str(uuid.UUID(value)) == value
        assert uuid.UUID(value).version == 4


def test_a_forked_child_does_not_repeat_its_parents_response_ids() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next id, then exit at once
        os.write(write, chat._new_id().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 64).decode()
    os.close(read)
    parent = chat._new_id()
    assert child[:24] != parent[:24]  # a prefix of its own
    assert str(uuid.UUID(child)) == child


def _tool(name: str) -> chat_pb2.Tool:
    fn = chat_pb2.Function(name=name, description=name, parameters='{"type": "object"}')
    return chat_pb2.Tool(function=fn)


def _variants() -> list[chat_pb2.GetCompletionsRequest]:
    """Requests that differ only in the fields besides the messages, each one field apart."""
    hi = [text(chat_pb2.ROLE_USER, "call f please")]
    base = {"model": MODEL, "messages": hi, "tools": [_tool("f")]}
    json_schema = chat_pb2.ResponseFormat(
        format_type=chat_pb2.FORMAT_TYPE_JSON_SCHEMA, schema='{"type": "object"}'
    )
    return [
        chat_pb2.GetCompletionsRequest(**base),
        chat_pb2.GetCompletionsRequest(**{**base, "model": "grok-3"}),
        chat_pb2.GetCompletionsRequest(**{**base, "tools": [_tool("g")]}),
        chat_pb2.GetCompletionsRequest(**{**base, "tools": [_tool("f"), _tool("g")]}),
        chat_pb2.GetCompletionsRequest(
            **{**base, "tools": [chat_pb2.Tool(web_search=chat_pb2.WebSearch()), _tool("f")]}
        ),
        chat_pb2.GetCompletionsRequest(
            **base, tool_choice=chat_pb2.ToolChoice(mode=chat_pb2.TOOL_MODE_NONE)
        ),
        chat_pb2.GetCompletionsRequest(**base, tool_choice=chat_pb2.ToolChoice(function_name="f")),
        chat_pb2.GetCompletionsRequest(**base, parallel_tool_calls=False),
        chat_pb2.GetCompletionsRequest(**base, max_tokens=5),
        chat_pb2.GetCompletionsRequest(**base, seed=0),
        chat_pb2.GetCompletionsRequest(**base, seed=7),
        chat_pb2.GetCompletionsRequest(**base, reasoning_effort=chat_pb2.EFFORT_HIGH),
        chat_pb2.GetCompletionsRequest(**base, response_format=json_schema),
        chat_pb2.GetCompletionsRequest(
            **base,
            response_format=chat_pb2.ResponseFormat(format_type=chat_pb2.FORMAT_TYPE_JSON_OBJECT),
        ),
    ]


def test_requests_that_differ_besides_their_messages_are_read_apart_every_time() -> None:
    variants = _variants()
    decode._HEADS.clear()
    fresh = []
    for request in variants:
        fresh.append(prompt_from_request(request))
        decode._HEADS.clear()
    assert len(set(map(repr, fresh))) == len(fresh)
    for _ in range(2):  # read again, now from what is remembered
        assert [prompt_from_request(r) for r in variants] == fresh
    assert len(decode._HEADS) == len(variants)
    names = {f.name for f in dataclasses.fields(Prompt)}
    assert all(set(vars(p)) == names for p in fresh)  # every field on the instance, none more


def test_fields_a_prompt_does_not_read_share_one_remembered_reading() -> None:
    hi = [text(chat_pb2.ROLE_USER, "hi")]
    plain = chat_pb2.GetCompletionsRequest(model=MODEL, messages=hi, tools=[_tool("f")])
    other = chat_pb2.GetCompletionsRequest()
    other.CopyFrom(plain)
    other.user, other.temperature, other.store_messages = "u1", 0.5, True
    other.previous_response_id = "r-1"
    messages, key = decode._split(plain)
    assert messages == [m.SerializeToString() for m in plain.messages]
    assert decode._split(other)[1] == key
    assert prompt_from_request(other) == prompt_from_request(plain)


def test_the_remembered_request_readings_are_bounded() -> None:
    hi = [text(chat_pb2.ROLE_USER, "hi")]
    for seed in range(decode._HEADS_KEPT + 10):
        prompt_from_request(chat_pb2.GetCompletionsRequest(model=MODEL, messages=hi, seed=seed))
    assert len(decode._HEADS) == decode._HEADS_KEPT
    again = chat_pb2.GetCompletionsRequest(model=MODEL, messages=hi, seed=0)
    assert prompt_from_request(again).seed == 0


def test_request_errors_come_in_the_same_order_whether_remembered_or_not() -> None:
    bad_tools = [chat_pb2.Tool(function=chat_pb2.Function(name="f", parameters="[1]"))]
    hi = [text(chat_pb2.ROLE_USER, "hi")]
    no_role = [chat_pb2.Message(content=[chat_pb2.Content(text="hi")])]
    cases = [
        (chat_pb2.GetCompletionsRequest(model="nope", tools=bad_tools), "model 'nope'"),
        (chat_pb2.GetCompletionsRequest(model=MODEL, tools=bad_tools), "at least one message"),
        (chat_pb2.GetCompletionsRequest(model=MODEL, messages=no_role), r"messages\[0\]: role"),
        (
            chat_pb2.GetCompletionsRequest(model=MODEL, messages=no_role, tools=bad_tools),
            r"messages\[0\]: role",
        ),
        (chat_pb2.GetCompletionsRequest(model=MODEL, messages=hi, tools=bad_tools), r"tools\[0\]"),
        (chat_pb2.GetCompletionsRequest(model=MODEL, messages=hi, max_tokens=0), "max_tokens"),
    ]
    for _ in range(2):
        for request, error in cases:
            with pytest.raises(SimStatus, match=error):
                prompt_from_request(request)
    # a remembered reading of the same fields does not skip the message checks
    prompt_from_request(chat_pb2.GetCompletionsRequest(model=MODEL, messages=hi))
    for request in (
        chat_pb2.GetCompletionsRequest(model=MODEL),
        chat_pb2.GetCompletionsRequest(model=MODEL, messages=no_role),
    ):
        with pytest.raises(SimStatus, match=r"at least one message|messages\[0\]: role"):
            prompt_from_request(request)


def test_history_turns_come_first_and_count_as_cached() -> None:
    history = [text(chat_pb2.ROLE_USER, "first"), text(chat_pb2.ROLE_ASSISTANT, "reply")]
    request = chat_pb2.GetCompletionsRequest(
        model=MODEL, messages=[text(chat_pb2.ROLE_USER, "second")]
    )
    prompt = prompt_from_request(request, history)
    assert [t.text for t in prompt.turns] == ["first", "reply", "second"]
    assert prompt.cached_turns == 2
    bad = chat_pb2.GetCompletionsRequest(model=MODEL, messages=[chat_pb2.Message()])
    with pytest.raises(SimStatus, match=r"messages\[2\]: role"):
        prompt_from_request(bad, history)


def _reply(**fields: Any) -> Reply:
    """A reply of five prompt tokens and one completion token, with ``fields`` changed."""
    plain = Reply(
        reasoning="",
        content="",
        tool_calls=(),
        finish="stop",
        prompt_tokens=5,
        cached_prompt_tokens=0,
        completion_tokens=1,
        reasoning_tokens=0,
    )
    return dataclasses.replace(plain, **fields)


def test_usage_names_server_side_tools_and_sources_only_when_used() -> None:
    used = (
        ServerToolUse(id="s1", kind="web_search", arguments="{}", sources=("a", "b")),
        ServerToolUse(id="s2", kind="x_search", arguments="{}", sources=("c",)),
    )
    reply = _reply(content="hi", server_tools=used)
    usage = usage_of(reply, outputs=2, image_parts=1)
    assert list(usage.server_side_tools_used) == [
        usage_pb2.SERVER_SIDE_TOOL_WEB_SEARCH,
        usage_pb2.SERVER_SIDE_TOOL_X_SEARCH,
    ]
    assert (usage.num_sources_used, usage.prompt_tokens, usage.total_tokens) == (3, 261, 263)
    plain = usage_of(_reply(content="hi"))
    assert not plain.server_side_tools_used
    assert plain.num_sources_used == 0


def test_a_unary_response_lists_server_side_calls_first_in_every_output() -> None:
    used = (ServerToolUse(id="s1", kind="web_search", arguments='{"q": 1}', sources=("a", "b")),)
    reply = _reply(
        reasoning="think",
        tool_calls=(ToolCallOut(id="c1", name="f", arguments=""),),
        finish="tool_calls",
        reasoning_tokens=1,
        server_tools=used,
    )
    meta = ResponseMeta(response_id="r", model="m", fingerprint="fp", created=7, outputs=2)
    response = completion_response(reply, meta, usage_of(reply, outputs=2))
    assert list(response.citations) == ["a", "b"]
    assert (response.id, response.model, response.created.seconds) == ("r", "m", 7)
    for index, output in enumerate(response.outputs):
        assert (output.index, output.finish_reason) == (index, sample_pb2.REASON_TOOL_CALLS)
        calls = output.message.tool_calls
        assert [(c.id, c.function.name, c.function.arguments) for c in calls] == [
            ("s1", "web_search", '{"q": 1}'),
            ("c1", "f", ""),
        ]
        assert calls[0].status == chat_pb2.TOOL_CALL_STATUS_COMPLETED
        assert calls[1].HasField("function")
        assert output.message.reasoning_content == "think"


def test_a_scripted_reply_is_the_reply_its_fields_make() -> None:
    script = load_script(
        [
            {"text": "It is 21 C.", "reasoning": "Look it up."},
            {"tool_calls": [{"name": "f", "arguments": {"a": 1}}], "finish": "length"},
        ]
    )
    history = [text(chat_pb2.ROLE_USER, "first"), text(chat_pb2.ROLE_ASSISTANT, "answer")]
    request = chat_pb2.GetCompletionsRequest(model=MODEL, messages=[text(chat_pb2.ROLE_USER, "hi")])
    prompt = prompt_from_request(request, history)
    names = {f.name for f in dataclasses.fields(Reply)}
    first, second = script.next_turn().reply(prompt), script.next_turn().reply(prompt)
    assert set(vars(first)) == names
    assert first == Reply(
        reasoning="Look it up.",
        content="It is 21 C.",
        tool_calls=(),
        finish="stop",
        prompt_tokens=count_tokens("first") + count_tokens("answer") + count_tokens("hi"),
        cached_prompt_tokens=count_tokens("first") + count_tokens("answer"),
        completion_tokens=count_tokens("It is 21 C."),
        reasoning_tokens=count_tokens("Look it up."),
    )
    call = second.tool_calls[0]
    assert (second.finish, second.content) == ("length", "")
    assert second.completion_tokens == count_tokens("f") + count_tokens(call.arguments)
    assert second.prompt_tokens == first.prompt_tokens


def test_a_stream_carries_the_tool_calls_content_and_citations_of_the_unary_response() -> None:
    used = (ServerToolUse(id="s1", kind="web_search", arguments='{"q": 1}', sources=("a", "b")),)
    reply = _reply(
        content="calling f",
        tool_calls=(ToolCallOut(id="c1", name="f", arguments='{"x": 2}'),),
        finish="tool_calls",
        server_tools=used,
    )
    meta = ResponseMeta(response_id="r", model="m", fingerprint="fp", created=7, outputs=2)
    usage = usage_of(reply, outputs=2)
    unary = completion_response(reply, meta, usage)
    chunks = [
        chat_pb2.GetChatCompletionChunk.FromString(b)
        for b in chunk_stream(reply, meta, usage, tokens_per_chunk=1)
    ]
    for index, output in enumerate(unary.outputs):
        mine = [o for c in chunks for o in c.outputs if o.index == index]
        assert [t for o in mine for t in o.delta.tool_calls] == list(output.message.tool_calls)
        assert "".join(o.delta.content for o in mine) == output.message.content
        assert mine[-1].finish_reason == output.finish_reason
    assert list(chunks[-1].citations) == list(unary.citations) == ["a", "b"]
    assert chunks[-1].usage == unary.usage


def test_simulators_on_many_threads_share_the_remembered_readings_safely() -> None:
    # Each read misses both caches (its own message and seed) and evicts; with threads
    # switching every microsecond, two evicting the same oldest entry raised KeyError.
    def read_many(thread: int) -> None:
        for i in range(2000):
            request = chat_pb2.GetCompletionsRequest(
                model=MODEL,
                messages=[text(chat_pb2.ROLE_USER, f"{thread} {i}")],
                seed=thread * 10_000 + i,
            )
            prompt_from_request(request)

    errors = errors_on_threads(read_many)
    assert errors == []
    assert len(decode._HEADS) == decode._HEADS_KEPT
