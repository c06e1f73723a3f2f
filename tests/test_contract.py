"""The wire contract: our compiled stubs are xAI's, byte for byte, and interoperate with xai_sdk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

from tests.descriptor_diff import differences

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "protos"))
from refresh import sdk_descriptors, serialized_literal  # noqa: E402

OURS = ROOT / "generated" / "agentrt_protos" / "xai" / "api" / "v1"


def our_descriptors() -> dict[str, bytes]:
    found = {}
    for path in sorted(OURS.glob("*_pb2.py")):
        blob = serialized_literal(path.read_text())
        found[descriptor_pb2.FileDescriptorProto.FromString(blob).name] = blob
    return found


SDK = sdk_descriptors()
MINE = our_descriptors()


def test_every_sdk_file_is_compiled() -> None:
    assert sorted(MINE) == sorted(SDK)
    assert len(SDK) >= 16  # chat, sample, models, … video


@pytest.mark.parametrize("name", sorted(SDK))
def test_descriptor_equals_sdk(name: str) -> None:
    ours = descriptor_pb2.FileDescriptorProto.FromString(MINE[name])
    theirs = descriptor_pb2.FileDescriptorProto.FromString(SDK[name])
    assert differences(ours, theirs) == []
    # The pool only accepts a second registration of identical bytes.
    assert MINE[name] == SDK[name]


def test_differences_names_the_field_that_differs() -> None:
    theirs = descriptor_pb2.FileDescriptorProto.FromString(SDK["xai/api/v1/chat.proto"])
    ours = descriptor_pb2.FileDescriptorProto()
    ours.CopyFrom(theirs)
    request = next(m for m in ours.message_type if m.name == "GetCompletionsRequest")
    next(f for f in request.field if f.name == "model").json_name = "modelName"
    assert differences(ours, theirs) == [
        "message_type[GetCompletionsRequest].field[model].json_name: 'modelName' != 'model'"
    ]


def _python(code: str, stdin: bytes = b"") -> bytes:
    proc = subprocess.run(
        [sys.executable, "-c", code], input=stdin, capture_output=True, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


def test_agentrt_and_xai_sdk_import_into_one_process() -> None:
    out = _python(
        "import importlib, agentrt.xai.wire as w, xai_sdk\n"
        "from xai_sdk.proto.v6 import chat_pb2 as sdk_chat\n"
        "mods = [importlib.import_module(m) for m in w.proto_modules()]\n"
        "from agentrt_protos.xai.api.v1 import chat_pb2\n"
        "print(len(mods), chat_pb2.DESCRIPTOR is sdk_chat.DESCRIPTOR)\n"
    )
    assert out.decode().split() == [str(len(SDK)), "True"]


# Each side runs in its own process with only its own stubs imported, so the
# round trip really crosses from one set of generated classes to the other.
_BUILD_REQUEST = """
import sys
from {pkg} import chat_pb2
req = chat_pb2.GetCompletionsRequest(model="grok-4-1-fast-reasoning", max_tokens=256, temperature=0.2,
    parallel_tool_calls=True, seed=7, tool_choice=chat_pb2.ToolChoice(mode=chat_pb2.TOOL_MODE_AUTO),
    response_format=chat_pb2.ResponseFormat(format_type=chat_pb2.FORMAT_TYPE_JSON_SCHEMA, schema='{{"type":"object"}}'))
for role in (chat_pb2.ROLE_SYSTEM, chat_pb2.ROLE_DEVELOPER, chat_pb2.ROLE_USER, chat_pb2.ROLE_ASSISTANT, chat_pb2.ROLE_TOOL):
    msg = req.messages.add(role=role)
    msg.content.add(text=f"role {{role}}")
    if role == chat_pb2.ROLE_ASSISTANT:
        msg.tool_calls.add(id="call_1", function=chat_pb2.FunctionCall(name="get_weather", arguments='{{"city":"Paris"}}'))
    if role == chat_pb2.ROLE_TOOL:
        msg.tool_call_id = "call_1"
req.tools.add(function=chat_pb2.Function(name="get_weather", description="Weather", parameters='{{"type":"object"}}'))
req.tools.add(web_search=chat_pb2.WebSearch(allowed_domains=["example.org"]))
sys.stdout.buffer.write(req.SerializeToString(deterministic=True))
"""

_REPARSE = """
import sys
from {pkg} import chat_pb2
msg = chat_pb2.{cls}.FromString(sys.stdin.buffer.read())
sys.stdout.buffer.write(msg.SerializeToString(deterministic=True))
"""

_BUILD_CHUNK = """
import sys
from {pkg} import chat_pb2, sample_pb2, usage_pb2
chunk = chat_pb2.GetChatCompletionChunk(id="resp_1", model="grok-4-1-fast-reasoning",
    usage=usage_pb2.SamplingUsage(prompt_tokens=12, completion_tokens=3, reasoning_tokens=5))
out = chunk.outputs.add(index=0, finish_reason=sample_pb2.REASON_STOP)
out.delta.content = "Hello"
out.delta.reasoning_content = "thinking"
out.delta.tool_calls.add(id="call_2", function=chat_pb2.FunctionCall(name="f", arguments="{{}}"))
sys.stdout.buffer.write(chunk.SerializeToString(deterministic=True))
"""

OUR_PKG, SDK_PKG = "agentrt_protos.xai.api.v1", "xai_sdk.proto.v6"


def _describe(pkg: str, cls: str, blob: bytes) -> str:
    code = (
        f"import sys\nfrom {pkg} import chat_pb2\n"
        f"print(chat_pb2.{cls}.FromString(sys.stdin.buffer.read()))"
    )
    return _python(code, blob).decode()


@pytest.mark.parametrize(
    ("build", "cls"),
    [(_BUILD_REQUEST, "GetCompletionsRequest"), (_BUILD_CHUNK, "GetChatCompletionChunk")],
)
def test_messages_cross_between_agentrt_and_xai_sdk(build: str, cls: str) -> None:
    ours = _python(build.format(pkg=OUR_PKG))
    theirs = _python(build.format(pkg=SDK_PKG))
    assert ours == theirs, "the same message built with either stubs must serialize identically"
    parsed_by_sdk = _python(_REPARSE.format(pkg=SDK_PKG, cls=cls), ours)
    back = _python(_REPARSE.format(pkg=OUR_PKG, cls=cls), parsed_by_sdk)
    assert back == ours
    # Nothing was dropped as an unknown field along the way: the text forms agree.
    text = _describe(SDK_PKG, cls, ours)
    assert text == _describe(OUR_PKG, cls, back)
    assert "get_weather" in text or "Hello" in text
