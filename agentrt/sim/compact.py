"""``Chat.CompactContext``: a conversation made shorter, keeping its facts.

The compacted context is deterministic in the conversation. It keeps, in order:
the system (and developer) messages word for word; each user turn's request (its
first sentence) and every sentence that states a constraint (must, never, only,
at most, a number, ...); each tool result's key values (the scalar fields of a
JSON result, else its first sentence); and of the assistant's prose only its
first sentence. It comes back, as from xAI, as an opaque ``encrypted_content``:
a follow-up request sends it on a message in place of the history (xai-sdk's
``chat.compact()`` does), and the simulator's model reads it back as that text
(:func:`expand`). Usage counts the conversation's tokens as the prompt and the
compacted text's as the completion, with the simulator's tokenizer, priced as a
chat call.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from typing import Any

import grpc
from agentrt_protos.xai.api.v1 import chat_pb2, usage_pb2

from agentrt.sim.catalogue import find_model
from agentrt.sim.model import Turn, prompt_tokens
from agentrt.sim.prices import chat_cost_ticks
from agentrt.sim.status import SimStatus
from agentrt.sim.tokens import count_tokens

__all__ = ["PREFIX", "compact_context", "compacted_text", "expand"]

PREFIX = "xsim-compact-v1:"
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_CONSTRAINT = re.compile(
    r"\b(must|never|always|only|don'?t|do not|should|need|needs|require[sd]?|prefer|"
    r"avoid|without|at (?:most|least)|no (?:more|less)|before|after|budget|deadline|limit)\b|\d",
    re.IGNORECASE,
)
_MAX_VALUES = 12  # key values kept per tool result
_MAX_VALUE_CHARS = 80


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _user_facts(text: str) -> list[str]:
    said = _sentences(text)
    if not said:
        return []
    return [said[0], *(s for s in said[1:] if _CONSTRAINT.search(s))]


def _scalars(value: Any, path: str, out: list[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _scalars(item, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _scalars(item, f"{path}[{i}]", out)
    elif len(out) < _MAX_VALUES:
        out.append(f"{path}={json.dumps(value)[:_MAX_VALUE_CHARS]}")


def _tool_facts(text: str) -> str:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # too deeply nested is not JSON we can read
        said = _sentences(text)
        return said[0] if said else ""
    values: list[str] = []
    _scalars(value, "", values)
    return ", ".join(values)


def compacted_text(turns: tuple[Turn, ...]) -> str:
    """The compacted form of ``turns``: one line per fact kept, deterministic."""
    names = {c.id: c.name for t in turns if t.role == "assistant" for c in t.tool_calls}
    lines = [f"[compacted {len(turns)} messages]"]
    for turn in turns:
        if turn.role in ("system", "developer") and turn.text:
            lines.append(f"{turn.role}: {turn.text}")
        elif turn.role == "user":
            lines.extend(f"user: {s}" for s in _user_facts(turn.text))
        elif turn.role == "tool":
            name = names.get(turn.tool_call_id or "", "tool")
            lines.append(f"tool {name}: {_tool_facts(turn.text)}")
        elif turn.text:
            said = _sentences(turn.text)
            lines.append(f"assistant: {said[0] if said else ''}")
    return "\n".join(lines)


def expand(encrypted: str) -> str | None:
    """The text a compaction's ``encrypted_content`` stands for, or None if it is not one."""
    if not encrypted.startswith(PREFIX):
        return None
    try:
        data = zlib.decompress(base64.urlsafe_b64decode(encrypted[len(PREFIX) :]))
        return data.decode()
    except (ValueError, zlib.error, UnicodeDecodeError):
        return None


def _seal(text: str) -> str:
    return PREFIX + base64.urlsafe_b64encode(zlib.compress(text.encode(), 9)).decode()


def compact_context(
    request: chat_pb2.CompactContextRequest, turns: tuple[Turn, ...]
) -> chat_pb2.CompactContextResponse:
    """The response to ``request``, whose messages the model reads as ``turns``.

    Raises:
        SimStatus: NOT_FOUND for an unknown model, INVALID_ARGUMENT for no messages.
    """
    entry = find_model(request.model, "language")
    if entry is None:
        raise SimStatus(grpc.StatusCode.NOT_FOUND, f"model {request.model!r} does not exist")
    if not turns:
        raise SimStatus(
            grpc.StatusCode.INVALID_ARGUMENT,
            "input: nothing to compact: send at least one message",
        )
    text = compacted_text(turns)
    before, after = prompt_tokens(turns), count_tokens(text)
    usage = usage_pb2.SamplingUsage(
        prompt_tokens=before,
        prompt_text_tokens=before,
        completion_tokens=after,
        total_tokens=before + after,
    )
    usage.cost_in_usd_ticks = chat_cost_ticks(entry.name, usage)
    kept = sum(1 for t in turns if t.role in ("system", "developer") and t.text)
    digest = hashlib.sha256(text.encode()).hexdigest()[:24]
    return chat_pb2.CompactContextResponse(
        id=f"compact-{digest}",
        encrypted_content=_seal(text),
        dropped_message_count=len(turns) - kept,
        usage=usage,
    )
