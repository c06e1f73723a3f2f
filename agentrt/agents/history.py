"""Long conversations: what the model is SENT when a run's history outgrows a token budget.

:class:`HistoryPolicy` (``Agent(history=...)``, YAML ``history:``) says how many
tokens a request may carry and what to do past that; :class:`HistoryFit` is one
run's state. The run's ``messages`` (and ``RunResult.messages``, and a session)
keep everything: only the request is fitted.

Tokens are estimated, not counted: characters / 4 per message (text, tool-call
names and arguments, reasoning, encrypted content) plus 4 per message. Each
message's size is measured once, when it is first seen, so a turn costs one
sum over a list of ints (docs/history.md has the measurement).

Rules every strategy keeps: the leading system messages (the instructions) and
the current user message are never touched; the last ``keep_last`` messages are
sent as they are; an assistant message's tool calls and their results are cut
together (the kept tail never starts with a tool result). When even that does
not fit the budget, the smallest context the strategy can make is sent (best
effort, never an error mid-run).

With a session sent by ``previous_response_id`` the server holds the history:
the policy applies only to requests that resend the whole conversation (the
first request of a session run, a fallback after an expired response, and
every request of a run without a session).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

from agentrt.errors import UsageError
from agentrt.xai.messages import Message, Text, system, user

__all__ = [
    "STRATEGIES",
    "HistoryFit",
    "HistoryPolicy",
    "Strategy",
    "estimate_tokens",
    "message_chars",
    "trim",
]

Strategy = Literal["compact", "drop_tool_outputs", "truncate_tool_outputs", "summarize"]
STRATEGIES: tuple[str, ...] = get_args(Strategy)
_TRIMMING = ("drop_tool_outputs", "truncate_tool_outputs")
DROPPED = "[tool output dropped to fit the context; the run still holds it]"
SUMMARY_PREFIX = "Summary of the earlier part of this conversation:\n"
_SUMMARIZE = (
    "Summarise the conversation below for the assistant that continues it: keep every "
    "fact, number, name, decision and tool result it may need; be brief."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryPolicy:
    """A token budget for what a run sends to the model, and what to do past it.

    Attributes:
        max_tokens: the estimated tokens a request may carry (> 0).
        strategy: past the budget: ``compact`` (xAI's CompactContext; needs an xAI
            client model), ``drop_tool_outputs`` (old tool results become a short
            placeholder, oldest first), ``truncate_tool_outputs`` (old tool results
            cut to ``truncate_chars``, oldest first) or ``summarize`` (one model call
            summarises the old part, its summary replaces it).
        keep_last: how many of the latest messages are always sent intact (>= 0).
        truncate_chars: ``truncate_tool_outputs`` keeps this many characters (>= 0).

    Raises:
        UsageError: a value out of range or an unknown strategy.
    """

    max_tokens: int
    strategy: Strategy = "drop_tool_outputs"
    keep_last: int = 4
    truncate_chars: int = 200

    def __post_init__(self) -> None:
        for name in ("max_tokens", "keep_last", "truncate_chars"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise UsageError(f"history {name}={value!r}: give a whole number")
        if self.max_tokens <= 0:
            raise UsageError(f"history max_tokens={self.max_tokens}: give a budget > 0 tokens")
        if self.keep_last < 0:
            raise UsageError(f"history keep_last={self.keep_last}: give 0 or more messages")
        if self.truncate_chars < 0:
            raise UsageError(f"history truncate_chars={self.truncate_chars}: give 0 or more")
        if self.strategy not in STRATEGIES:
            raise UsageError(
                f"history strategy={self.strategy!r}: choose one of {', '.join(STRATEGIES)}"
            )


def message_chars(message: Message) -> int:
    """The characters of ``message`` that the token estimate counts."""
    n = len(message.encrypted_content) + len(message.reasoning_content or "")
    for part in message.content:
        n += len(part.text) if isinstance(part, Text) else 256  # an image or file: a flat cost
    for call in message.tool_calls:
        n += len(call.name) + len(call.arguments)
    return n


def estimate_tokens(messages: Sequence[Message]) -> int:
    """The estimated tokens of ``messages``: characters / 4, plus 4 per message."""
    return sum(message_chars(m) // 4 + 4 for m in messages)


def _tokens(message: Message) -> int:
    return message_chars(message) // 4 + 4


def _text(message: Message) -> str:
    return "".join(p.text for p in message.content if isinstance(p, Text))


@dataclass(slots=True)
class HistoryFit:
    """One run's fitting state: the sizes seen so far and the compacted prefix, if any."""

    policy: HistoryPolicy
    sizes: list[int] = field(default_factory=list)  # estimated tokens of loop.messages[i]
    summary: tuple[Message, ...] = ()  # compact/summarize: stands for messages[head:covered]
    covered: int = 0
    fitted: int = 0  # requests that were cut (for tests and the docs' figures)

    async def fit(self, loop: Any) -> list[Message]:
        """The messages to send for ``loop``'s next request (``loop.messages`` when they fit).

        ``loop`` is the run's :class:`agentrt.agents.run_loop.RunLoop` (typed ``Any``:
        run_loop imports this module, and the layering test forbids the circle).
        """
        messages: list[Message] = loop.messages
        chain = loop.chain
        if chain is not None and chain.response_id is not None:
            return messages  # the server holds the history: only new messages go
        sizes = self.sizes
        if len(sizes) > len(messages):  # the list was replaced (a resumed run): measure again
            sizes.clear()
            self.summary, self.covered = (), 0
        sizes.extend(_tokens(m) for m in messages[len(sizes) :])
        if self.covered == 0 and sum(sizes) <= self.policy.max_tokens:
            return messages
        self.fitted += 1
        if self.policy.strategy in ("compact", "summarize"):
            return await self._condensed(loop)
        return self._trimmed(messages)

    def _trimmed(self, messages: list[Message]) -> list[Message]:
        return trim(messages, self.policy, self.sizes)

    async def _condensed(self, loop: Any) -> list[Message]:
        """compact/summarize: the old part replaced by one message, re-done when it grows."""
        messages: list[Message] = loop.messages
        head, tail, pinned = _bounds(messages, self.policy.keep_last)
        view = self._view(messages, head, pinned)
        if estimate_tokens(view) <= self.policy.max_tokens or tail <= max(self.covered, head):
            return view
        start = max(self.covered, head)
        old = [
            *self.summary,
            *(m for i, m in enumerate(messages[start:tail], start) if i != pinned),
        ]
        if old:
            self.summary = await _condense(loop, self.policy.strategy, old)
            self.covered = tail
        return self._view(messages, head, pinned)

    def _view(self, messages: list[Message], head: int, pinned: int | None) -> list[Message]:
        if not self.summary:
            return messages
        keep = [messages[pinned]] if pinned is not None and pinned < self.covered else []
        return [*messages[:head], *keep, *self.summary, *messages[self.covered :]]


def trim(
    messages: Sequence[Message], policy: HistoryPolicy, sizes: Sequence[int] | None = None
) -> list[Message]:
    """drop/truncate_tool_outputs: old tool results, oldest first, until ``messages`` fit.

    Stateless (durable workflows use it per model call); ``sizes`` are the messages'
    estimated tokens when already known. Messages that fit come back unchanged.
    """
    sizes = [_tokens(m) for m in messages] if sizes is None else sizes
    out = list(messages)
    total = sum(sizes)
    if total <= policy.max_tokens or policy.strategy not in _TRIMMING:
        return out
    head, tail, _ = _bounds(messages, policy.keep_last)
    for i in range(head, tail):
        if total <= policy.max_tokens:
            break
        m = out[i]
        if m.role != "tool":
            continue
        smaller = _smaller(m, policy)
        total += _tokens(smaller) - sizes[i]
        out[i] = smaller
    return out


def _bounds(messages: Sequence[Message], keep_last: int) -> tuple[int, int, int | None]:
    """(end of the instructions, start of the kept tail, the current user message's index)."""
    head = 0
    while head < len(messages) and messages[head].role == "system":
        head += 1
    tail = max(head, len(messages) - keep_last)
    while head < tail < len(messages) and messages[tail].role == "tool":
        tail -= 1  # its assistant message (the calls) goes with it
    pinned = None
    for i in range(len(messages) - 1, head - 1, -1):
        if messages[i].role == "user" and not messages[i].encrypted_content:
            pinned = i
            break
    return head, tail, pinned


def _smaller(message: Message, policy: HistoryPolicy) -> Message:
    if policy.strategy == "drop_tool_outputs":
        text = DROPPED
    else:
        full = _text(message)
        if len(full) <= policy.truncate_chars:
            return message
        text = (
            full[: policy.truncate_chars] + f"... [{len(full) - policy.truncate_chars} chars cut]"
        )
    return replace(message, content=(Text(text=text),))


async def _condense(loop: Any, strategy: str, old: list[Message]) -> tuple[Message, ...]:
    """One call (CompactContext or a summarising completion) over ``old``; usage is the run's."""
    from agentrt.telemetry.tracing import activate, telemetry_of

    instruments = telemetry_of(loop.client or getattr(loop.model, "client", None)).instruments()
    with activate(loop.trace):  # the call's span nests under the run's
        if instruments is None:
            return await _condense_now(loop, strategy, old)
        name = f"history {strategy}"
        with instruments.tracer.start_as_current_span(name) as span:
            span.set_attribute("agentrt.history.strategy", strategy)
            span.set_attribute("agentrt.history.messages", len(old))
            span.set_attribute("agentrt.history.tokens_before", estimate_tokens(old))
            condensed = await _condense_now(loop, strategy, old)
            span.set_attribute("agentrt.history.tokens_after", estimate_tokens(condensed))
            return condensed


async def _condense_now(loop: Any, strategy: str, old: list[Message]) -> tuple[Message, ...]:
    if strategy == "compact":
        return await _compact(loop, old)
    return await _summarize(loop, old)


async def _compact(loop: Any, old: list[Message]) -> tuple[Message, ...]:
    client: Any = getattr(loop.model, "client", None)
    if client is None:
        raise UsageError(
            f"agent {loop.setup.agent!r}: history strategy 'compact' needs an xAI client "
            "model (CompactContext); use 'summarize' or 'drop_tool_outputs' with this model"
        )
    done = await client.chat.compact(old, model=loop.setup.model_name, timeout=loop.remaining())
    loop.add_usage(done.usage)
    return tuple(done.messages)


async def _summarize(loop: Any, old: list[Message]) -> tuple[Message, ...]:
    lines = []
    for m in old:
        calls = "".join(f" [calls {c.name}({c.arguments})]" for c in m.tool_calls)
        lines.append(f"{m.role}: {_text(m)}{calls}")
    request = replace(  # the agent's model and settings, without tools: plain text
        loop.setup.request([system(_SUMMARIZE), user("\n".join(lines))]),
        tools=(),
        response_format=None,
        tool_choice=None,
    )
    response = await loop.model.complete(request, timeout=loop.remaining())
    loop.add_usage(response.usage)
    return (user(SUMMARY_PREFIX + response.content),)
