"""chat_proto's caches: RequestEncoder reuses converted messages, function declarations are serialised once."""

from __future__ import annotations

import gc

import pytest

from agentrt import chat_proto
from agentrt.chat_proto import RequestEncoder, request_to_proto
from agentrt.chat_request import ChatRequest, JsonSchema
from agentrt.messages import Message, ToolCall, assistant, system, tool_result, user
from agentrt.tool_specs import FunctionTool, WebSearch

WEATHER = FunctionTool(
    name="get_weather",
    description="Weather for a city.",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}},
)
CALL = ToolCall(id="call-1", name="get_weather", arguments='{"city": "Paris"}')


def request(*messages: Message) -> ChatRequest:
    return ChatRequest(
        model="m",
        messages=messages,
        tools=(WEATHER, WebSearch()),
        response_format=JsonSchema(schema={"type": "object"}),
        temperature=0.5,
    )


def test_a_growing_conversation_encodes_exactly_like_request_to_proto() -> None:
    encoder = RequestEncoder()
    history = [system("be brief"), user("weather?")]
    for turn in range(4):
        req = request(*history)
        assert encoder.encode(req) == request_to_proto(req)
        history += [assistant(tool_calls=(CALL,)), tool_result("call-1", f'{{"t": {turn}}}')]


def test_a_changed_or_shorter_history_starts_over_where_it_differs() -> None:
    encoder = RequestEncoder()
    a, b, c = user("a"), user("b"), user("c")
    encoder.encode(request(a, b, c))
    for messages in [(a, user("b")), (a,), (c, b, a), (a, b, c, user("d")), ()]:
        req = request(*messages)
        assert encoder.encode(req) == request_to_proto(req)


def test_equal_but_distinct_messages_are_converted_again() -> None:
    encoder = RequestEncoder()
    encoder.encode(request(user("same")))
    proto = encoder.encode(request(user("same"), user("next")))
    assert [m.content[0].text for m in proto.messages] == ["same", "next"]


def test_a_message_that_fails_to_convert_leaves_the_encoder_consistent() -> None:
    encoder = RequestEncoder()
    first = user("hi")
    encoder.encode(request(first))
    bad = Message(role="robot")  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        encoder.encode(request(first, user("x"), bad))
    req = request(first, user("y"))
    assert encoder.encode(req) == request_to_proto(req)


def test_the_request_owns_its_messages() -> None:
    encoder = RequestEncoder()
    first = encoder.encode(request(user("a")))
    first.messages[0].content[0].text = "changed"
    second = encoder.encode(request(*[user("b")]))
    assert [m.content[0].text for m in second.messages] == ["b"]
    req = request(user("a"))
    again = encoder.encode(req)
    again.tools[0].function.name = "changed"
    assert encoder.encode(req).tools[0].function.name == "get_weather"


def test_a_function_declaration_is_serialised_once_and_forgotten_with_it() -> None:
    tool = FunctionTool(name="f", parameters={"type": "object", "properties": {}})
    req = ChatRequest(model="m", tools=(tool,))
    key = id(tool)
    assert request_to_proto(req).tools[0].function.name == "f"
    ref, cached = chat_proto._FUNCTION_PROTOS[key]
    assert ref() is tool
    request_to_proto(req)
    assert chat_proto._FUNCTION_PROTOS[key][1] is cached  # not serialised again
    del req, tool, ref
    gc.collect()
    assert key not in chat_proto._FUNCTION_PROTOS


def test_distinct_declarations_never_share_a_cached_proto() -> None:
    for i in range(50):  # ids of collected objects are reused; the weak reference tells them apart
        tool = FunctionTool(name=f"f{i}", parameters={"type": "object", "title": str(i)})
        fn = request_to_proto(ChatRequest(model="m", tools=(tool,))).tools[0].function
        assert (fn.name, fn.parameters) == (f"f{i}", f'{{"type": "object", "title": "{i}"}}')
