"""The less common parts of a chat response, from protobuf: logprobs, files, tool outputs, tier.

Kept apart from :mod:`agentrt.xai.chat_proto` because the hot decode path only
calls these when the response carries the part (most carry none of them).
"""

from __future__ import annotations

from collections.abc import Iterable

from agentrt_protos.xai.api.v1 import chat_pb2, usage_pb2

from agentrt.xai.chat_response import LogProb, OutputFile, ServerToolOutput, TopLogProb
from agentrt.xai.messages import ToolCall

__all__ = [
    "SERVICE_TIERS",
    "logprobs_from_proto",
    "output_files_from_proto",
    "tool_output_from_proto",
]

SERVICE_TIERS: dict[int, str] = {
    usage_pb2.SERVICE_TIER_UNSPECIFIED: "",
    usage_pb2.SERVICE_TIER_DEFAULT: "default",
    usage_pb2.SERVICE_TIER_PRIORITY: "priority",
}


def _logprob(p: chat_pb2.LogProb) -> LogProb:
    top = p.top_logprobs
    return LogProb(
        token=p.token,
        logprob=p.logprob,
        bytes=p.bytes,
        top_logprobs=tuple(
            [TopLogProb(token=t.token, logprob=t.logprob, bytes=t.bytes) for t in top]
        )
        if top
        else (),
    )


def logprobs_from_proto(entries: Iterable[chat_pb2.LogProb]) -> list[LogProb]:
    """The value form of a ``LogProbs.content`` list (or of several chunks' lists)."""
    return [_logprob(p) for p in entries]


def output_files_from_proto(files: Iterable[chat_pb2.OutputFile]) -> tuple[OutputFile, ...]:
    """The value form of a response's ``output_files``."""
    return tuple(OutputFile(file_id=f.file_id, name=f.name) for f in files)


def tool_output_from_proto(
    output: chat_pb2.CompletionOutput, calls: tuple[ToolCall, ...]
) -> ServerToolOutput:
    """A ``ROLE_TOOL`` output (a server-side tool's result) as a value; ``calls`` decoded."""
    return ServerToolOutput(index=output.index, content=output.message.content, tool_calls=calls)
