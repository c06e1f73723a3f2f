"""chat_proto's cache: function declarations are serialised once, and forgotten with them."""

from __future__ import annotations

import gc

from agentrt.xai import chat_proto
from agentrt.xai.chat_proto import request_to_proto
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.tool_specs import FunctionTool


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
