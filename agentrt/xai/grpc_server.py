"""What agentrt's gRPC servers share: options, address, binding a port, bearer tokens.

Used by the simulator (:mod:`agentrt.sim.server`) and ``agentrt serve``
(:mod:`agentrt.serve.server`).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from agentrt.errors import UsageError
from agentrt.xai.config import MAX_MESSAGE_BYTES

if TYPE_CHECKING:
    import grpc

__all__ = ["bearer_matches", "bind", "check_port", "host_port", "server_options"]


def server_options(
    *, max_receive: int = MAX_MESSAGE_BYTES, max_send: int = MAX_MESSAGE_BYTES
) -> tuple[tuple[str, int], ...]:
    """gRPC server options: keepalive that tolerates clients' pings, message size caps."""
    return (
        # Clients ping every 30 s (xai-sdk, agentrt): accept pings without calls and
        # never count them as strikes, so nobody is sent GOAWAY too_many_pings.
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.min_ping_interval_without_data_ms", 1_000),
        ("grpc.http2.max_ping_strikes", 0),
        ("grpc.max_receive_message_length", max_receive),
        ("grpc.max_send_message_length", max_send),
        # Two servers asked for one fixed port must not silently share it.
        ("grpc.so_reuseport", 0),
        # A burst of thousands of new calls (load tests) must reach the handlers, to be
        # served or refused at once: gRPC core CANCELs calls beyond 1000 not yet picked up.
        ("grpc.server.max_pending_requests", 100_000),
        ("grpc.server.max_pending_requests_hard_limit", 100_000),
    )


def host_port(host: str, port: int) -> str:
    """``HOST:PORT``, an IPv6 host in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def check_port(port: int, *, flag: str = "--port") -> None:
    """Raise UsageError naming ``flag`` unless ``port`` is 0 (a free one) to 65535."""
    if not 0 <= port <= 65535:
        raise UsageError(f"{flag} {port}: must be 0 (a free port) to 65535")


async def bind(server: grpc.aio.Server, host: str, port: int) -> int:
    """Add a plaintext port to ``server``; the port bound (``port`` 0: one the OS picked).

    Raises:
        UsageError: the address cannot be bound (``server`` is stopped first).
    """
    target = host_port(host, port)
    try:
        bound = server.add_insecure_port(target)
    except RuntimeError:
        bound = 0
    if not bound:
        await server.stop(None)
        raise UsageError(f"cannot listen on {target}: the address is in use or not available")
    return bound


def bearer_matches(
    metadata: Iterable[tuple[str, str | bytes]] | None, expected: Sequence[bytes]
) -> bool:
    """Whether a call's ``metadata`` has ``authorization`` equal to one of ``expected``.

    Each of ``expected`` is a whole header value, ``b"Bearer TOKEN"``. Every one is
    compared, in constant time, so the time taken says nothing about which matched.
    """
    for key, value in metadata or ():
        if key != "authorization" or not isinstance(value, str):
            continue
        given = value.encode()
        matched = [hmac.compare_digest(given, want) for want in expected]  # no early exit
        if any(matched):
            return True
    return False
