"""The error hierarchy and the one translation boundary from grpc.aio.AioRpcError."""

from __future__ import annotations

import grpc
import pytest
from grpc import aio

from agentrt import errors
from agentrt.xai.rpc_errors import RETRY_PUSHBACK_KEY, translate


def rpc_error(code: grpc.StatusCode, details: str, trailing: tuple = ()) -> aio.AioRpcError:
    return aio.AioRpcError(code, aio.Metadata(), aio.Metadata(*trailing), details)


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (grpc.StatusCode.UNAVAILABLE, errors.Unavailable),
        (grpc.StatusCode.DEADLINE_EXCEEDED, errors.DeadlineExceeded),
        (grpc.StatusCode.CANCELLED, errors.Cancelled),
        (grpc.StatusCode.UNAUTHENTICATED, errors.AuthenticationError),
        (grpc.StatusCode.PERMISSION_DENIED, errors.PermissionDenied),
        (grpc.StatusCode.INVALID_ARGUMENT, errors.InvalidRequest),
        (grpc.StatusCode.FAILED_PRECONDITION, errors.InvalidRequest),
        (grpc.StatusCode.ALREADY_EXISTS, errors.InvalidRequest),
        (grpc.StatusCode.NOT_FOUND, errors.NotFound),
        (grpc.StatusCode.UNIMPLEMENTED, errors.Unimplemented),
        (grpc.StatusCode.INTERNAL, errors.ServerError),
        (grpc.StatusCode.DATA_LOSS, errors.ServerError),
        (grpc.StatusCode.RESOURCE_EXHAUSTED, errors.RateLimited),
    ],
)
def test_each_status_code_maps_to_its_class(code: grpc.StatusCode, cls: type) -> None:
    err = translate(rpc_error(code, "boom"))
    assert type(err) is cls
    assert err.code == code.name
    assert err.details == "boom"
    assert err.exit_code == 3


def test_message_larger_than_max_is_response_too_large_not_rate_limited() -> None:
    err = translate(
        rpc_error(grpc.StatusCode.RESOURCE_EXHAUSTED, "Received message larger than max (9 vs. 4)")
    )
    assert isinstance(err, errors.ResponseTooLarge)
    assert not isinstance(err, errors.RateLimited)


def test_retry_pushback_and_request_id_are_read_from_trailing_metadata() -> None:
    trailing = ((RETRY_PUSHBACK_KEY, "250"), ("x-request-id", "req-42"))
    err = translate(rpc_error(grpc.StatusCode.RESOURCE_EXHAUSTED, "slow down", trailing))
    assert isinstance(err, errors.RateLimited)
    assert err.retry_after == 0.25
    assert err.request_id == "req-42"
    assert "req-42" in str(err)


def test_malformed_pushback_is_ignored() -> None:
    trailing = ((RETRY_PUSHBACK_KEY, "soon"),)
    err = translate(rpc_error(grpc.StatusCode.RESOURCE_EXHAUSTED, "slow down", trailing))
    assert isinstance(err, errors.RateLimited)
    assert err.retry_after is None


def test_stream_interrupted_says_how_many_chunks_arrived() -> None:
    inner = errors.ServerError("reset", code="INTERNAL")
    err = errors.StreamInterrupted(7, inner)
    assert err.chunks_received == 7
    assert err.error is inner
    assert "after 7 chunks" in str(err)
    assert err.exit_code == 3


def test_hierarchy_shape() -> None:
    assert issubclass(errors.Unavailable, errors.TransportError)
    assert issubclass(errors.TransportError, errors.RPCError)
    assert issubclass(errors.RateLimited, errors.APIError)
    assert issubclass(errors.APIError, errors.RPCError)
    assert issubclass(errors.RPCError, errors.AgentrtError)
    assert issubclass(errors.StreamInterrupted, errors.AgentrtError)
    assert errors.UsageError.exit_code == 2


def test_every_exported_error_is_drawn_in_the_docstring_tree() -> None:
    doc = errors.__doc__ or ""
    for name in errors.__all__:
        assert f"── {name}" in doc or f"    {name} " in doc.split("::")[1], name
