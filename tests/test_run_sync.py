"""``agent.run_sync``: a run from plain synchronous code against the simulator (a real
subprocess over a socket), and the clear error from inside a running event loop."""

from __future__ import annotations

import gc

import pytest

from agentrt.agents.agent import Agent
from agentrt.errors import UsageError
from agentrt.xai.client import Client
from tests.conftest import SimProcess

pytestmark = pytest.mark.e2e

AGENT = Agent(name="sync", model="grok-4-1-fast-reasoning", instructions="Be brief.")


def test_run_sync_from_plain_code_twice_on_one_client(sim_process: SimProcess) -> None:
    client = Client(endpoint=sim_process.address)
    first = AGENT.run_sync("Say hello", client=client)
    second = AGENT.run_sync("And again", client=client, history=first)
    assert first.output
    assert second.output
    assert second.turns == 1
    assert len(second.messages) > len(first.messages)


def test_run_sync_without_client_uses_the_environment(
    sim_process: SimProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTRT_ENDPOINT", sim_process.address)
    result = AGENT.run_sync("Say hello")
    assert result.output


async def test_run_sync_inside_a_running_loop_is_a_usage_error_and_leaves_nothing() -> None:
    with pytest.raises(UsageError) as info:
        AGENT.run_sync("hi", client=Client(endpoint="127.0.0.1:9"))
    assert str(info.value) == (
        "run_sync cannot run inside a running event loop (Jupyter, async code): "
        "use `await agent.run(...)`"
    )
    gc.collect()  # a coroutine made and dropped would warn here (warnings are errors)
