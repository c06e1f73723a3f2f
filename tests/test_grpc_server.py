"""What sim and serve share: server options, HOST:PORT, binding, bearer tokens."""

from __future__ import annotations

import grpc
import pytest

from agentrt.errors import UsageError
from agentrt.xai.grpc_server import bearer_matches, bind, host_port, server_options


def test_host_port_brackets_ipv6() -> None:
    assert host_port("127.0.0.1", 50051) == "127.0.0.1:50051"
    assert host_port("::1", 0) == "[::1]:0"


def test_server_options_tolerate_pings_and_cap_messages() -> None:
    options = dict(server_options(max_receive=1024))
    assert options["grpc.keepalive_permit_without_calls"] == 1
    assert options["grpc.http2.max_ping_strikes"] == 0
    assert options["grpc.max_receive_message_length"] == 1024
    assert options["grpc.max_send_message_length"] == 20 * 1024 * 1024


async def test_bind_a_taken_port_is_a_usage_error() -> None:
    first = grpc.aio.server(options=server_options())
    port = await bind(first, "127.0.0.1", 0)
    assert port > 0
    second = grpc.aio.server(options=server_options())
    try:
        with pytest.raises(UsageError, match=f"cannot listen on 127.0.0.1:{port}"):
            await bind(second, "127.0.0.1", port)
    finally:
        await first.stop(None)


def test_bearer_matches_only_a_whole_accepted_header() -> None:
    expected = (b"Bearer alpha", b"Bearer beta")
    assert bearer_matches([("x-other", "1"), ("authorization", "Bearer beta")], expected)
    assert not bearer_matches([("authorization", "Bearer gamma")], expected)
    assert not bearer_matches([("authorization", "alpha")], expected)
    assert not bearer_matches([("authorization-bin", b"Bearer alpha")], expected)
    assert not bearer_matches(None, expected)
    assert not bearer_matches([("authorization", "Bearer alpha")], ())
