"""What the simulator's models cost: one price table, in the API's own units.

xAI's Models service quotes token prices in USD cents per 100 million tokens, and
usage reports ``cost_in_usd_ticks`` where one tick is 1e-10 USD (xai-sdk's
``cost.USD_PER_TICK``). One cent per 100 million tokens is 1e-10 USD per token, so
a quoted token price *is* ticks per token: a call costs the sum of its token counts
times these numbers, with no conversion. An image model's ``image_price`` is ticks
per image. The Models service reports the same numbers this module charges.

The figures follow xAI's public price list (per million tokens: grok-4-1-fast
$0.20 in, $0.05 cached, $0.50 out; grok-4 $3 / $0.75 / $15; ...); reasoning tokens
are billed as output tokens, as xAI does.
"""

from __future__ import annotations

from dataclasses import dataclass

from agentrt_protos.xai.api.v1 import usage_pb2

__all__ = [
    "TICKS_PER_USD",
    "ModelPrice",
    "chat_cost_ticks",
    "image_cost_ticks",
    "price_of",
]

TICKS_PER_USD = 10_000_000_000


@dataclass(frozen=True, kw_only=True)
class ModelPrice:
    """One model's prices: ticks per token (chat), ticks per image (image models)."""

    input: int = 0
    cached_input: int = 0
    output: int = 0
    reasoning: int = 0
    image_input: int = 0  # a prompt's image tokens
    server_tool_call: int = 0  # each server-side tool call (web search, collections, ...)
    per_image: int = 0  # each generated image


def _chat(input_: int, cached: int, output: int) -> ModelPrice:
    # Reasoning is billed as output; image tokens as text input; server-side tool
    # calls at $5 per 1,000 calls.
    return ModelPrice(
        input=input_,
        cached_input=cached,
        output=output,
        reasoning=output,
        image_input=input_,
        server_tool_call=50_000_000,
    )


_FAST = _chat(2_000, 500, 5_000)  # $0.20 / $0.05 / $0.50 per million
_PRICES: dict[str, ModelPrice] = {
    "grok-4-1-fast-reasoning": _FAST,
    "grok-4-1-fast-non-reasoning": _FAST,
    "grok-4-fast-reasoning": _FAST,
    "grok-4-fast-non-reasoning": _FAST,
    "grok-4-0709": _chat(30_000, 7_500, 150_000),  # $3 / $0.75 / $15
    "grok-code-fast-1": _chat(2_000, 200, 15_000),  # $0.20 / $0.02 / $1.50
    "grok-3": _chat(30_000, 7_500, 150_000),
    "grok-3-mini": _chat(3_000, 750, 5_000),  # $0.30 / $0.075 / $0.50
    "grok-embed-1": ModelPrice(input=100),
    "grok-2-image-1212": ModelPrice(per_image=700_000_000),  # $0.07 an image
    "grok-imagine-image": ModelPrice(per_image=200_000_000),  # $0.02 an image
}
_DEFAULT = _FAST


def price_of(model: str) -> ModelPrice:
    """The prices of catalogue model ``model`` (its canonical name); a default for others."""
    return _PRICES.get(model, _DEFAULT)


def chat_cost_ticks(model: str, usage: usage_pb2.SamplingUsage) -> int:
    """What a chat call with ``usage`` costs on ``model``, in ticks (1e-10 USD)."""
    p = price_of(model)
    cached = usage.cached_prompt_text_tokens
    fresh = max(usage.prompt_text_tokens - cached, 0)
    return (
        fresh * p.input
        + cached * p.cached_input
        + usage.prompt_image_tokens * p.image_input
        + usage.completion_tokens * p.output
        + usage.reasoning_tokens * p.reasoning
        + len(usage.server_side_tools_used) * p.server_tool_call
    )


def image_cost_ticks(model: str, images: int) -> int:
    """What ``images`` generated images cost on image model ``model``, in ticks."""
    return images * price_of(model).per_image
