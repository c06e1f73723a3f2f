"""A session turn as the text a store keeps, and back: one encoding for every store."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from agentrt.agents.session import SessionTurn, turn_from_json, turn_to_json
from agentrt.errors import UsageError

__all__ = ["decode_turn", "encode_turn", "redact_url"]


def encode_turn(turn: SessionTurn) -> bytes:
    """``turn`` as UTF-8 JSON (:func:`~agentrt.agents.session.turn_to_json`).

    Text that UTF-8 cannot carry (a lone surrogate from a badly decoded tool output) is
    kept as a ``\\uXXXX`` escape instead of failing the append, so it comes back as it went.
    """
    data = turn_to_json(turn)
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    except UnicodeEncodeError:
        return json.dumps(data, separators=(",", ":")).encode()


def decode_turn(raw: bytes | str, index: int, where: str) -> SessionTurn:
    """The turn :func:`encode_turn` made, numbered ``index`` (its position in the session).

    The store numbers turns by position, so a trim or a branch never rewrites what it keeps.

    Raises:
        UsageError: ``raw`` is not a turn (``where`` names the store and session).
    """
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{where}: turn {index} is not JSON ({exc})") from None
    try:
        return replace(turn_from_json(data), index=index)
    except UsageError as exc:
        raise UsageError(f"{where}: turn {index}: {exc}") from None


_USERINFO = re.compile(r"//[^/?#]*@")


def redact_url(url: str) -> str:
    """``url`` safe to show: the user and password and the query (may hold one) hidden."""
    shown = _USERINFO.sub("//***@", url, count=1)
    head, sep, _ = shown.partition("?")
    return head + ("?***" if sep else "")
