"""``client.chat.compact()``: a conversation made shorter by the server (``CompactContext``).

::

    done = await client.chat.compact(request)        # or (messages, model=...)
    print(done.tokens_before, "->", done.tokens_after, f"${done.cost_usd:.6f}")
    request = dataclasses.replace(request, messages=(*done.messages, user("Go on.")))

The server answers with an opaque ``encrypted_content`` that stands for the whole
conversation; :attr:`Compacted.messages` is the one message that carries it (a
``user`` message, as xai-sdk's ``chat.compact()`` appends), to send in place of
the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from agentrt_protos.xai.api.v1 import chat_pb2

from agentrt.errors import UsageError
from agentrt.xai.chat_proto import message_to_proto, usage_from_proto
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.chat_response import Usage
from agentrt.xai.messages import Message

__all__ = ["Compacted", "compact_request", "compacted_from_proto"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Compacted:
    """A compacted conversation.

    Attributes:
        id: the compaction's id.
        encrypted_content: the opaque compacted context.
        dropped_message_count: how many of the messages the server dropped (summarised).
        usage: the call's usage: the conversation's tokens as ``prompt_tokens``, the
            compacted context's as ``completion_tokens``, and its cost.
    """

    id: str
    encrypted_content: str
    dropped_message_count: int = 0
    usage: Usage = field(default_factory=Usage)

    @property
    def messages(self) -> tuple[Message, ...]:
        """The history to send from now on: one message carrying the compacted context."""
        return (Message(role="user", encrypted_content=self.encrypted_content),)

    @property
    def tokens_before(self) -> int:
        """The conversation's size in tokens."""
        return self.usage.prompt_tokens

    @property
    def tokens_after(self) -> int:
        """The compacted context's size in tokens."""
        return self.usage.completion_tokens

    @property
    def cost_usd(self) -> float:
        """What the compaction cost in USD."""
        return self.usage.cost_usd


def compact_request(
    conversation: ChatRequest | Sequence[Message], model: str | None
) -> chat_pb2.CompactContextRequest:
    """The ``CompactContextRequest`` for ``conversation`` (``model`` defaults to a request's).

    Raises:
        UsageError: no model, or no message to compact.
    """
    if isinstance(conversation, ChatRequest):
        messages: Sequence[Message] = conversation.messages
        model = model or conversation.model
    elif isinstance(conversation, (str, bytes)) or not isinstance(conversation, Sequence):
        raise UsageError(
            f"compact() takes a ChatRequest or a sequence of Messages, got {type(conversation)}"
        )
    else:
        messages = conversation
    if not model:
        raise UsageError("compact() needs model=... (or a ChatRequest, whose model it uses)")
    if not messages:
        raise UsageError("compact(): nothing to compact: the conversation has no message")
    return chat_pb2.CompactContextRequest(
        model=model, input=[message_to_proto(m) for m in messages]
    )


def compacted_from_proto(resp: chat_pb2.CompactContextResponse) -> Compacted:
    """The value form of a ``CompactContextResponse``."""
    return Compacted(
        id=resp.id,
        encrypted_content=resp.encrypted_content,
        dropped_message_count=resp.dropped_message_count,
        usage=usage_from_proto(resp.usage),
    )
