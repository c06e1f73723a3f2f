"""Model-call retries of durable runs against a faulty simulator: UNAVAILABLE is retried by the
activity, a stream cut after its first chunk never is (typed StreamInterrupted)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from temporalio.exceptions import ApplicationError

from agentrt import errors
from agentrt.durable.activities import _model_failure
from tests.conftest import running_sim
from tests.durable_fixtures import PLANNER, running_worker

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

PROMPT = "Plan a day in Rome: check the weather and find places to visit"


def test_only_unavailable_and_rate_limits_are_retryable() -> None:
    cases: list[tuple[errors.AgentrtError, bool]] = [
        (errors.Unavailable("down", code="UNAVAILABLE"), True),
        (errors.RateLimited("slow down", retry_after=2.5), True),
        (errors.ResponseTooLarge("larger than max", code="RESOURCE_EXHAUSTED"), False),
        (errors.AuthenticationError("bad key", code="UNAUTHENTICATED"), False),
        (errors.DeadlineExceeded("late", code="DEADLINE_EXCEEDED"), False),
        (errors.StreamInterrupted(3, errors.Unavailable("cut", code="UNAVAILABLE")), False),
    ]
    for error, retryable in cases:
        failure = _model_failure(error)
        assert isinstance(failure, ApplicationError)
        assert failure.type == type(error).__name__
        assert failure.non_retryable is not retryable, error
    hinted = _model_failure(errors.RateLimited("slow down", retry_after=2.5))
    assert hinted.next_retry_delay is not None
    assert hinted.next_retry_delay.total_seconds() == 2.5
    assert _model_failure(cases[-1][0]).details[0]["chunks"] == 3


async def _model_attempts(handle: Any) -> list[int]:
    """The attempt number of every model-call activity that started, from the history."""
    attempts = []
    history = await handle.fetch_history()
    scheduled: dict[int, str] = {}
    for event in history.events:
        if event.HasField("activity_task_scheduled_event_attributes"):
            name = event.activity_task_scheduled_event_attributes.activity_type.name
            scheduled[event.event_id] = name
        if event.HasField("activity_task_started_event_attributes"):
            started = event.activity_task_started_event_attributes
            if scheduled.get(started.scheduled_event_id) == "agentrt.model_call":
                attempts.append(started.attempt)
    return attempts


async def _run(temporal: str, sim_args: tuple[str, ...], queue: str, tmp_path: Path) -> Any:
    from agentrt.durable.connection import TemporalTarget, connect_temporal
    from agentrt.durable.payloads import ActivityOptions
    from agentrt.durable.starter import result_of, start_run
    from agentrt.specs.agent_spec import AgentSpec

    agent = AgentSpec.from_file(PLANNER).to_agent()
    client = await connect_temporal(TemporalTarget(address=temporal, task_queue=queue))
    options = ActivityOptions(retry_initial=0.1, model_attempts=5)
    env = {"AGENTRT_DURABLE_DIR": str(tmp_path)}
    with running_sim(*sim_args) as sim:
        args = (str(PLANNER), "--endpoint", sim.address, "--task-queue", queue)
        with running_worker(temporal, *args, env=env):
            handle = await start_run(client, queue, agent, PROMPT, options=options)
            try:
                return await result_of(handle), handle
            except errors.AgentrtError as e:
                return e, handle


async def test_unavailable_model_calls_are_retried_until_they_answer(
    temporal_server: str, tmp_path: Path
) -> None:
    # gRPC itself makes up to 5 attempts per call; faults on the first 6 calls outlast them
    sim_args = ("--fault", "unavailable", "--fault-on", "1,2,3,4,5,6")
    result, handle = await _run(temporal_server, sim_args, "retry-unavailable", tmp_path)
    assert not isinstance(result, Exception), result
    assert "Rome museum" in result.output
    attempts = await _model_attempts(handle)
    assert max(attempts) >= 2  # the first model call's activity was attempted again


async def test_a_stream_cut_after_its_first_chunk_is_never_retried(
    temporal_server: str, tmp_path: Path
) -> None:
    sim_args = ("--fault", "abort", "--abort-after", "1")
    error, handle = await _run(temporal_server, sim_args, "retry-abort", tmp_path)
    assert isinstance(error, errors.StreamInterrupted)
    assert error.exit_code == 3
    assert error.chunks_received == 1
    assert "stream interrupted" in str(error)
    assert await _model_attempts(handle) == [1]
