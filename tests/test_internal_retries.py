"""INTERNAL (HTTP 500 over REST) is retried with backoff: against the simulator's faults
(``x-sim-fault: internal`` on the calls numbered in ``x-sim-fault-on``), over real sockets."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from agentrt.errors import ServerError, UsageError
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.client import Client
from agentrt.xai.config import ClientConfig
from agentrt.xai.messages import user
from agentrt.xai.retry import RetryPolicy
from tests.conftest import SimProcess, running_sim

pytestmark = pytest.mark.e2e

REQUEST = ChatRequest(model="grok-4-1-fast-reasoning", messages=(user("hi"),))
FAST = {"base": 0.001, "cap": 0.005}


@pytest.fixture(scope="module")
def sim() -> Iterator[SimProcess]:
    with running_sim("--http-port", "0") as running:
        yield running


def _client(sim: SimProcess, protocol: str, fail_on: str, retries: int) -> Client:
    metadata = (
        ("x-sim-fault", "internal"),
        ("x-sim-fault-on", fail_on),
        ("x-sim-session", os.urandom(8).hex()),  # this client's own call count
    )
    endpoint = sim.address if protocol == "grpc" else sim.rest_url
    policy = RetryPolicy(retries=retries, **FAST)
    return Client(api_key="k", endpoint=endpoint, metadata=metadata, internal_retries=policy)


# (fail the calls numbered, retries, whether the call succeeds)
CASES = [
    ("1,2", 2, True),  # two failures, two retries: the third attempt answers
    ("1", 2, True),
    ("1,2,3", 2, False),  # retries exhausted: the typed error
    ("1", 0, False),  # retries off
]


@pytest.mark.parametrize("protocol", ["grpc", "rest"])
@pytest.mark.parametrize(("fail_on", "retries", "succeeds"), CASES)
async def test_unary_internal_is_retried(
    sim: SimProcess, protocol: str, fail_on: str, retries: int, succeeds: bool
) -> None:
    async with _client(sim, protocol, fail_on, retries) as client:
        if succeeds:
            answer = await client.chat.complete(REQUEST, timeout=10)
            assert answer.content
        else:
            with pytest.raises(ServerError) as info:
                await client.chat.complete(REQUEST, timeout=10)
            assert info.value.code == ("INTERNAL" if protocol == "grpc" else "500")


@pytest.mark.parametrize("protocol", ["grpc", "rest"])
async def test_a_stream_is_retried_before_its_first_message(sim: SimProcess, protocol: str) -> None:
    async with _client(sim, protocol, "1,2", 2) as client, client.chat.stream(REQUEST) as stream:
        chunks = [d async for d in stream]
    assert chunks
    assert stream.response.content


async def test_no_retry_outlasts_the_deadline(
    sim: SimProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("agentrt.xai.retry.random.uniform", lambda low, high: high)
    metadata = (("x-sim-fault", "internal"), ("x-sim-session", os.urandom(8).hex()))
    policy = RetryPolicy(retries=5, base=30.0, cap=30.0)
    async with Client(
        api_key="k", endpoint=sim.address, metadata=metadata, internal_retries=policy
    ) as client:
        start = time.monotonic()
        with pytest.raises(ServerError):
            await client.chat.complete(REQUEST, timeout=2)
    assert time.monotonic() - start < 1.0  # raised at once, not after a 30 s wait


def test_the_default_is_two_retries() -> None:
    assert ClientConfig().internal_retries == RetryPolicy(retries=2, base=0.2, cap=2.0)
    assert Client(endpoint="127.0.0.1:1", internal_retries=0).config.internal_retries.retries == 0


@pytest.mark.parametrize(
    ("given", "says"),
    [
        (-1, "retries must be >= 0"),
        (1.5, "internal_retries must be a number of retries or a RetryPolicy"),
        (True, "internal_retries must be a number of retries or a RetryPolicy"),
        ("2", "internal_retries must be a number of retries or a RetryPolicy"),
    ],
)
def test_bad_internal_retries_is_a_usage_error(given: object, says: str) -> None:
    with pytest.raises(UsageError, match=says):
        Client(endpoint="127.0.0.1:1", internal_retries=given)  # type: ignore[arg-type]
