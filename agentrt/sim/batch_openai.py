"""Batch input lines in OpenAI's batch format, as xAI's OpenAI-compatible batch API takes them.

A line ``{"custom_id": "q1", "method": "POST", "url": "/v1/chat/completions", "body":
{"model": "grok-4", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 40}}``
becomes the ``BatchRequest`` (in protobuf's JSON form) that the gRPC API would carry.
Chat bodies and image bodies (``/v1/images/generations``) are read; a body field the
simulator does not know is an error naming it (nothing is silently dropped).
"""

from __future__ import annotations

from typing import Any

__all__ = ["from_openai_line"]

_ROLES = {
    "system": "ROLE_SYSTEM",
    "user": "ROLE_USER",
    "assistant": "ROLE_ASSISTANT",
    "developer": "ROLE_DEVELOPER",
    "tool": "ROLE_TOOL",
}
# OpenAI chat body field -> GetCompletionsRequest field
_CHAT_FIELDS = {
    "model": "model",
    "max_tokens": "max_tokens",
    "max_completion_tokens": "max_tokens",
    "temperature": "temperature",
    "top_p": "top_p",
    "n": "n",
    "seed": "seed",
    "frequency_penalty": "frequency_penalty",
    "presence_penalty": "presence_penalty",
    "user": "user",
    "logprobs": "logprobs",
    "top_logprobs": "top_logprobs",
}
_IMAGE_FORMATS = {"b64_json": "IMG_FORMAT_BASE64", "url": "IMG_FORMAT_URL"}


def _part(part: Any) -> dict[str, Any]:
    if not isinstance(part, dict) or part.get("type") not in ("text", "image_url"):
        raise ValueError("a content part must be {'type': 'text' or 'image_url', ...}")
    if part["type"] == "text":
        return {"text": str(part.get("text", ""))}
    url = part.get("image_url")
    return {"image_url": {"image_url": url.get("url", "") if isinstance(url, dict) else url}}


def _message(message: Any) -> dict[str, Any]:
    if not isinstance(message, dict) or message.get("role") not in _ROLES:
        raise ValueError(f"a message must have a role of {', '.join(_ROLES)}")
    content = message.get("content", "")
    parts = [{"text": content}] if isinstance(content, str) else [_part(p) for p in content]
    out: dict[str, Any] = {"role": _ROLES[message["role"]], "content": parts}
    if "tool_call_id" in message:
        out["tool_call_id"] = message["tool_call_id"]
    return out


def _chat(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key == "messages":
            if not isinstance(value, list):
                raise ValueError("body.messages must be a list")
            out["messages"] = [_message(m) for m in value]
        elif key == "stop":
            out["stop"] = [value] if isinstance(value, str) else value
        elif key in _CHAT_FIELDS:
            out[_CHAT_FIELDS[key]] = value
        else:
            raise ValueError(f"body.{key} is not a field the simulator reads")
    return {"completion_request": out}


def _image(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key in ("model", "prompt", "n", "user"):
            out[key] = value
        elif key == "response_format" and value in _IMAGE_FORMATS:
            out["format"] = _IMAGE_FORMATS[value]
        else:
            raise ValueError(f"body.{key} is not a field the simulator reads")
    return {"image_request": out}


_BODIES = {"/v1/chat/completions": _chat, "/v1/images/generations": _image}


def from_openai_line(data: dict[str, Any]) -> dict[str, Any]:
    """The ``BatchRequest`` JSON of an OpenAI batch line; ValueError saying what is wrong."""
    extra = set(data) - {"custom_id", "method", "url", "body"}
    if extra:
        raise ValueError(f"{sorted(extra)[0]} is not a field of an OpenAI batch line")
    convert = _BODIES.get(str(data.get("url", "")))
    if convert is None:
        raise ValueError(f"url must be one of {', '.join(_BODIES)}")
    if data.get("method", "POST") != "POST":
        raise ValueError("method must be POST")
    body = data.get("body")
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    custom_id = data.get("custom_id", "")
    return {"batch_request_id": str(custom_id), **convert(body)}
