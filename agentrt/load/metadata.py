"""``--metadata K=V``: checked against gRPC's rules before the run, so no request fails for it.

gRPC (the C core under grpcio) fails every call whose metadata key is empty or
has a character other than ``a-z 0-9 - _ .`` (no spaces, no ``:`` pseudo-headers),
and every call whose text value has a character outside printable ASCII; grpcio
wants bytes for a ``-bin`` key. Keys starting ``grpc-`` are reserved for gRPC
itself. Keys are lower-cased first (HTTP/2 header names are case-insensitive);
a ``-bin`` value is given as base64 and sent as the bytes it encodes.
"""

from __future__ import annotations

import base64
import binascii
import re

from agentrt.errors import UsageError

__all__ = ["grpc_metadata", "parse_metadata"]

_KEY = re.compile(r"[0-9a-z_.-]+")
_TEXT = re.compile(r"[\x20-\x7e]*")


def parse_metadata(items: list[str]) -> tuple[tuple[str, str], ...]:
    """``KEY=VALUE`` items as metadata pairs, each checked (see the module's docstring).

    Raises:
        UsageError: an item is not ``KEY=VALUE``, or gRPC would refuse it.
    """
    return tuple(_pair(item) for item in items)


def _pair(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    key = key.strip().lower()
    if not sep or not key:
        raise UsageError(f"--metadata {item!r}: expected KEY=VALUE")
    if not _KEY.fullmatch(key):
        raise UsageError(
            f"--metadata {key!r}: a key may hold only letters, digits, '-', '_' and '.'"
        )
    if key.startswith("grpc-"):
        raise UsageError(f"--metadata {key}: keys starting 'grpc-' are reserved for gRPC")
    if key.endswith("-bin"):
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise UsageError(f"--metadata {key}: a -bin value must be base64") from None
    elif not _TEXT.fullmatch(value):
        raise UsageError(
            f"--metadata {key}: the value may hold only printable ASCII "
            "(use a KEY-bin key with a base64 value for anything else)"
        )
    return key, value


def grpc_metadata(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """``pairs`` as grpcio takes them: each ``-bin`` value decoded to its bytes."""
    out: list[tuple[str, str | bytes]] = [
        (k, base64.b64decode(v) if k.endswith("-bin") else v) for k, v in pairs
    ]
    # The client's metadata is typed str (text headers); grpcio sends bytes for -bin keys.
    return tuple(out)  # type: ignore[arg-type]
