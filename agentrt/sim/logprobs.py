"""Deterministic log probabilities of the simulated model's output tokens.

A token's log probability comes from its id (so the same answer always reports the
same numbers); it is in ``(-0.5, 0]``, the token chosen is the most likely, and its
``top_logprobs`` alternatives (the chosen token first, then stock tokens it is not)
follow in descending order, as the real API reports them.
"""

from __future__ import annotations

from functools import lru_cache

from agentrt_protos.xai.api.v1 import chat_pb2

from agentrt.sim.tokens import token_id, tokenize

__all__ = ["add_logprobs", "alternatives", "token_logprob"]

_STOCK = (" the", " a", ",", ".", " and", " of", " to", " in", " is")


def token_logprob(token: str) -> float:
    """The log probability the simulator reports for ``token`` (chosen), in ``(-0.5, 0]``."""
    return -(token_id(token) % 1000) / 2000


def alternatives(token: str, top: int) -> list[tuple[str, float]]:
    """The ``top`` most likely tokens where ``token`` was chosen: ``(token, logprob)`` pairs."""
    if not top:
        return []
    lp = token_logprob(token)
    others = (s for s in _STOCK if s != token)
    return [(token, lp)] + [(alt, lp - k) for k, alt in zip(range(1, top), others, strict=False)]


@lru_cache(maxsize=65_536)
def _entry(token: str, top: int) -> bytes:
    """One serialized ``LogProb`` (cached: answers repeat their tokens)."""
    out = chat_pb2.LogProb(token=token, logprob=token_logprob(token), bytes=token.encode())
    for alt, lp in alternatives(token, top):
        out.top_logprobs.add(token=alt, logprob=lp, bytes=alt.encode())
    return out.SerializeToString()


def add_logprobs(logprobs: chat_pb2.LogProbs, text: str, top: int) -> None:
    """Add a ``LogProb`` per token of ``text`` (with ``top`` alternatives each) to ``logprobs``."""
    content = logprobs.content
    for token in tokenize(text):
        content.add().MergeFromString(_entry(token, top))
