"""A batch's results as OpenAI's output and error files: :func:`result_line`.

Each processed request of a batch is one JSONL line: ``{"id", "custom_id", "response":
{"status_code", "request_id", "body"}, "error": null}``. A request that succeeded goes
to the output file with the chat completion (or images) answer as its body; one that
failed goes to the error file with the HTTP status and OpenAI error body the same
request sent alone would have got.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import grpc
from agentrt_protos.xai.api.v1 import sample_pb2

from agentrt.sim.rest.chat_encode import usage_json
from agentrt.sim.rest.errors import HTTP_STATUS, error_body
from agentrt.sim.rest.images import images_json

__all__ = ["completion_json", "result_line"]

_FINISH = {
    sample_pb2.REASON_STOP: "stop",
    sample_pb2.REASON_MAX_LEN: "length",
    sample_pb2.REASON_MAX_CONTEXT: "length",
    sample_pb2.REASON_TOOL_CALLS: "tool_calls",
    sample_pb2.REASON_TIME_LIMIT: "length",
}
_CODES = {code.value[0]: code for code in grpc.StatusCode}


def _message(message: Any) -> dict[str, Any]:
    calls = [
        {
            "id": call.id,
            "type": "function",
            "function": {"name": call.function.name, "arguments": call.function.arguments},
        }
        for call in message.tool_calls
    ]
    out: dict[str, Any] = {
        "role": "assistant",
        "content": message.content if message.content or not calls else None,
        "refusal": None,
    }
    if message.reasoning_content:
        out["reasoning_content"] = message.reasoning_content
    if calls:
        out["tool_calls"] = calls
    return out


def completion_json(response: Any) -> dict[str, Any]:
    """OpenAI's ``chat.completion`` object of a ``GetChatCompletionResponse``."""
    usage = response.usage
    return {
        "id": response.id,
        "object": "chat.completion",
        "created": response.created.seconds,
        "model": response.model,
        "system_fingerprint": response.system_fingerprint,
        "choices": [
            {
                "index": output.index,
                "message": _message(output.message),
                "finish_reason": _FINISH.get(output.finish_reason, "stop"),
                "logprobs": None,
            }
            for output in response.outputs
        ],
        "usage": usage_json(usage),
    }


def result_line(batch_id: str, result: Any) -> tuple[bool, bytes]:
    """(succeeded, the JSONL line) of one ``BatchResult``."""
    request_id = result.batch_request_id
    line_id = "batch_req_" + hashlib.sha256(f"{batch_id}/{request_id}".encode()).hexdigest()[:24]
    if result.HasField("error"):
        code = _CODES.get(result.error.code, grpc.StatusCode.UNKNOWN)
        status = HTTP_STATUS.get(code, 500)
        body = json.loads(error_body(status, result.error.message))
        ok = False
    else:
        status, ok = 200, True
        data = result.response
        if data.HasField("completion_response"):
            body = completion_json(data.completion_response)
        else:
            body = images_json(data.image_response)
    response = {"status_code": status, "request_id": line_id, "body": body}
    line = {"id": line_id, "custom_id": request_id, "response": response, "error": None}
    return ok, (json.dumps(line, separators=(",", ":")) + "\n").encode()
