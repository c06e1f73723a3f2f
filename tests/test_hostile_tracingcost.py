"""Hostile cases for what tracing costs: the cheap SDK setup agentrt installs (batch span export,
exemplars off unless ``OTEL_METRICS_EXEMPLAR_FILTER`` asks) and the metric attributes shared
between calls (made once per model and endpoint, never leaking one call's values into another's).
"""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry.sdk.metrics import (
    AlwaysOffExemplarFilter,
    AlwaysOnExemplarFilter,
    TraceBasedExemplarFilter,
)
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from agentrt.errors import UsageError
from agentrt.telemetry.chat import _POINTS_KEPT
from agentrt.telemetry.names import OPERATION_DURATION, TOKEN_USAGE
from agentrt.telemetry.setup import EXEMPLAR_FILTER_ENV, sdk_meter_provider, sdk_tracer_provider
from agentrt.telemetry.tracing import Telemetry
from agentrt.xai.chat_proto import request_to_proto
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.chat_response import ChatResponse, Usage
from agentrt.xai.messages import user
from tests.conftest import clean_env, run_agentrt

SECRET = "sk-live-0123456789abcdef"  # an environment value: never in an error message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, AlwaysOffExemplarFilter),  # unset: no reservoir work per point
        ("", AlwaysOffExemplarFilter),
        ("   ", AlwaysOffExemplarFilter),
        ("always_off", AlwaysOffExemplarFilter),
        ("always_on", AlwaysOnExemplarFilter),
        ("TRACE_BASED ", TraceBasedExemplarFilter),  # case and blanks as a shell leaves them
    ],
)
def test_exemplar_filter_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: type
) -> None:
    if value is None:
        monkeypatch.delenv(EXEMPLAR_FILTER_ENV, raising=False)
    else:
        monkeypatch.setenv(EXEMPLAR_FILTER_ENV, value)
    provider = sdk_meter_provider(InMemoryMetricReader())
    try:
        assert type(provider._sdk_config.exemplar_filter) is expected
    finally:
        provider.shutdown()


@pytest.mark.parametrize(
    "value", ["bogus", "sometimes", "trace-based", SECRET, "always-on", "ALWAYS OFF", "1"]
)
def test_a_bad_exemplar_filter_is_a_one_line_usage_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(EXEMPLAR_FILTER_ENV, value)
    with pytest.raises(UsageError) as caught:
        sdk_meter_provider(InMemoryMetricReader())
    message = str(caught.value)
    assert EXEMPLAR_FILTER_ENV in message
    assert "always_off" in message
    assert "\n" not in message
    assert value.strip() not in message  # it came from the environment


@pytest.mark.parametrize("value", ["bogus", SECRET])
async def test_the_cli_refuses_a_bad_exemplar_filter_with_exit_2(value: str) -> None:
    env = clean_env(**{EXEMPLAR_FILTER_ENV: value})
    args = ("chat", "--endpoint", "127.0.0.1:9", "--metrics", "console", "hi")
    code, out, err = await run_agentrt(*args, env=env)
    assert code == 2, err
    assert EXEMPLAR_FILTER_ENV in err
    assert "Traceback" not in err
    assert SECRET not in err + out


@pytest.mark.parametrize("spans", [1, 3, 50])
def test_spans_leave_the_callers_path_and_arrive_on_flush(spans: int) -> None:
    exporter = InMemorySpanExporter()
    provider = sdk_tracer_provider(exporter)
    try:
        tracer = provider.get_tracer("t")
        for i in range(spans):
            tracer.start_span(f"s{i}").end()
        assert provider.force_flush()
        assert sorted(s.name for s in exporter.get_finished_spans()) == sorted(
            f"s{i}" for i in range(spans)
        )
    finally:
        provider.shutdown()


# -- metric attributes made once per (model, endpoint, response model) ------------------------

OK, FAIL = "ok", "fail"


def _call(telemetry: Telemetry, model: str, outcome: str, answered_by: str) -> None:
    request = request_to_proto(ChatRequest(model=model, messages=(user("hi"),)))
    call = telemetry.chat_call(request, stream=False, endpoint="127.0.0.1:50051")
    assert call is not None
    call.begin()
    if outcome == FAIL:
        call.failed(TimeoutError("slow"))
        return
    usage = Usage(prompt_tokens=7, completion_tokens=3)
    call.done(ChatResponse(id="r", model=answered_by, usage=usage))


def _points(reader: InMemoryMetricReader, name: str) -> list[dict[str, Any]]:
    data = reader.get_metrics_data()
    assert data is not None
    return [
        dict(p.attributes)
        for rm in data.resource_metrics
        for sm in rm.scope_metrics
        for m in sm.metrics
        if m.name == name
        for p in m.data.data_points
    ]


SEQUENCES = [
    # (model, outcome, response model) per call; a failure between two successes
    [("m", OK, "m"), ("m", FAIL, ""), ("m", OK, "m")],
    # the same request model answered by two models, then none named
    [("m", OK, "m-a"), ("m", OK, "m-b"), ("m", OK, "")],
    # two request models answered by the same one
    [("a", OK, "x"), ("b", OK, "x"), ("a", OK, "x")],
    # names that look like attribute keys or are empty-ish
    [("gen_ai.token.type", OK, "error.type"), (" ", OK, " "), ("m\nn", FAIL, "")],
]


@pytest.mark.parametrize("calls", SEQUENCES)
def test_each_point_has_its_own_calls_attributes(calls: list[tuple[str, str, str]]) -> None:
    reader = InMemoryMetricReader()
    telemetry = Telemetry(meter_provider=sdk_meter_provider(reader), capture_content=False)
    for model, outcome, answered_by in calls:
        _call(telemetry, model, outcome, answered_by)
    durations = _points(reader, OPERATION_DURATION)
    expected = set()
    for model, outcome, answered_by in calls:
        attrs: dict[str, Any] = {"gen_ai.request.model": model}
        if outcome == FAIL:
            attrs["error.type"] = "TimeoutError"
        elif answered_by:
            attrs["gen_ai.response.model"] = answered_by
        expected.add(tuple(sorted(attrs.items())))
    got = {
        tuple(
            sorted(
                (k, v)
                for k, v in p.items()
                if k in {"gen_ai.request.model", "error.type", "gen_ai.response.model"}
            )
        )
        for p in durations
    }
    assert got == expected
    for point in _points(reader, TOKEN_USAGE):
        assert "error.type" not in point
        assert point["gen_ai.token.type"] in {"input", "output"}
    inst = telemetry.instruments()
    assert inst is not None
    successes = {(m, a) for m, outcome, a in calls if outcome == OK}
    assert len(inst.chat_points) == len(successes)  # one entry per set, shared by its calls


@pytest.mark.parametrize("models", [_POINTS_KEPT + 1, 3 * _POINTS_KEPT])
def test_the_shared_attributes_stay_bounded_under_many_models(models: int) -> None:
    reader = InMemoryMetricReader()
    telemetry = Telemetry(meter_provider=sdk_meter_provider(reader), capture_content=False)
    for i in range(models):
        _call(telemetry, f"model-{i}", OK, f"model-{i}")
    inst = telemetry.instruments()
    assert inst is not None
    assert 0 < len(inst.chat_points) <= _POINTS_KEPT
    assert len(_points(reader, OPERATION_DURATION)) == models  # every call still has its point
