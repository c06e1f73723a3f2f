"""Load-test metrics on synthetic timings with known answers; SLO and unit parsing."""

from __future__ import annotations

import json
import pickle

import pytest

from agentrt.errors import UsageError
from agentrt.load.metrics import Histogram, Metrics, Timing, gaps, measure, meets_slo
from agentrt.load.records import RequestRecord
from agentrt.load.units import Slo, parse_duration, parse_rate, parse_slo


def test_measure_applies_the_definitions() -> None:
    t = measure(10.0, [10.2, 10.25, 10.3, 10.35], output_tokens=4)
    assert t.ttft == pytest.approx(0.2)
    assert t.e2e == pytest.approx(0.35)
    assert t.tpot == pytest.approx(0.15 / 3)
    assert t.max_itl == pytest.approx(0.05)
    assert t.tokens_per_s == pytest.approx(4 / 0.35)


def test_tpot_uses_the_server_token_count_not_the_chunk_count() -> None:
    t = measure(0.0, [0.1, 0.4], output_tokens=7)
    assert t.tpot == pytest.approx(0.3 / 6)
    assert t.tokens_per_s == pytest.approx(7 / 0.4)


def test_measure_without_content_and_with_one_token() -> None:
    assert measure(1.0, [], output_tokens=0) == Timing(
        ttft=None, e2e=None, tpot=None, max_itl=None, tokens_per_s=None
    )
    one = measure(1.0, [1.5], output_tokens=1)
    assert (one.ttft, one.e2e, one.tpot, one.max_itl) == (0.5, 0.5, None, None)


def test_gaps() -> None:
    assert gaps([1.0, 1.5, 3.0]) == pytest.approx([0.5, 1.5])
    assert gaps([1.0]) == []


def test_histogram_percentiles_have_known_answers() -> None:
    h = Histogram()
    h.record_many(i / 1000 for i in range(1, 101))  # 1 ms .. 100 ms
    s = h.summary()
    assert s["count"] == 100
    assert s["mean"] == pytest.approx(0.0505)
    assert (s["min"], s["max"]) == (0.001, 0.1)
    for p, want in (("p50", 0.050), ("p90", 0.090), ("p95", 0.095), ("p99", 0.099)):
        assert s[p] == pytest.approx(want, rel=1e-3), p


def test_histogram_is_not_rounded_to_milliseconds() -> None:
    h = Histogram()
    h.record_many([0.0012345] * 10)
    assert h.percentile(50) == pytest.approx(0.0012345, rel=1e-3)
    assert h.percentile(50) != pytest.approx(0.001, rel=1e-2)


def test_merged_histograms_equal_one_histogram_of_everything() -> None:
    values = [i * 0.0007 for i in range(1, 2001)]
    whole, a, b = Histogram(), Histogram(), Histogram()
    whole.record_many(values)
    a.record_many(values[::2])
    b.record_many(values[1::2])
    wire = json.loads(json.dumps(b.to_wire()))
    a.merge(Histogram.from_wire(wire))
    assert a.summary() == pytest.approx(whole.summary())


def _rec(i: int, status: str = "OK", **kw: object) -> RequestRecord:
    return RequestRecord(index=i, start=0.0, status=status, **kw)  # type: ignore[arg-type]


def test_metrics_summary_counts_errors_finish_reasons_and_goodput() -> None:
    m = Metrics()
    for i in range(6):
        m.add(
            _rec(i, ttft=0.1, e2e=0.5, output_tokens=10, finish_reason="stop", good=i < 4),
            itls=[0.04] * 9,
        )
    m.add(_rec(6, output_tokens=3, finish_reason="length", good=True, ttft=0.2, e2e=0.3))
    m.add(_rec(7, "UNAVAILABLE", error="down"))
    m.add(_rec(8, "UNAVAILABLE"))
    m.add(_rec(9, "RESOURCE_EXHAUSTED"))
    s = m.summary(wall=2.0)
    assert (s["requests"], s["succeeded"], s["failed"]) == (10, 7, 3)
    assert s["error_rate"] == pytest.approx(0.3)
    assert s["errors_by_code"] == {"RESOURCE_EXHAUSTED": 1, "UNAVAILABLE": 2}
    assert s["finish_reasons"] == {"length": 1, "stop": 6}
    assert s["output_tokens"] == 63
    assert s["output_tokens_per_s"] == pytest.approx(31.5)
    assert s["requests_per_s"] == pytest.approx(5.0)
    assert (s["good"], s["goodput_per_s"], s["goodput_fraction"]) == (5, 2.5, 0.5)
    assert s["latency_s"]["itl"]["count"] == 54
    assert s["latency_s"]["ttft"]["max"] == pytest.approx(0.2)


def test_metrics_survive_pickling_and_merge() -> None:
    a, b = Metrics(), Metrics()
    a.add(_rec(0, ttft=0.1, e2e=0.2, output_tokens=5, finish_reason="stop", good=True))
    b.add(_rec(1, "INTERNAL"))
    a.merge(Metrics.from_wire(pickle.loads(pickle.dumps(b.to_wire()))))
    s = a.summary(1.0)
    assert (s["requests"], s["errors_by_code"]) == (2, {"INTERNAL": 1})


def test_dropped_arrivals_travel_on_the_wire_and_add_up_in_a_merge() -> None:
    a, b = Metrics(), Metrics()
    a.dropped, b.dropped = 3, 40
    b.add(_rec(0, ttft=0.1, e2e=0.2, output_tokens=2, finish_reason="stop"))
    wire = json.loads(json.dumps(b.to_wire()))
    assert Metrics.from_wire(wire).dropped == 40
    a.merge(Metrics.from_wire(pickle.loads(pickle.dumps(wire))))
    s = a.summary(1.0)
    assert (s["dropped"], s["requests"], s["succeeded"]) == (43, 1, 1)


def test_slo_checks() -> None:
    t = Timing(ttft=0.4, e2e=1.0, tpot=0.06, max_itl=0.2, tokens_per_s=10.0)
    assert meets_slo(t, Slo(ttft=0.5))
    assert not meets_slo(t, Slo(ttft=0.5, tpot=0.05))
    assert not meets_slo(t, Slo(itl=0.1))
    assert meets_slo(t, Slo())
    no_content = Timing(ttft=None, e2e=None, tpot=None, max_itl=None, tokens_per_s=None)
    assert not meets_slo(no_content, Slo(ttft=1.0))
    one_token = Timing(ttft=0.1, e2e=0.1, tpot=None, max_itl=None, tokens_per_s=10.0)
    assert meets_slo(one_token, Slo(tpot=0.01, itl=0.01))


def test_parse_units() -> None:
    assert parse_duration("30s") == 30.0
    assert parse_duration("1m30s") == 90.0
    assert parse_duration("250ms") == pytest.approx(0.25)
    assert parse_duration("2.5") == 2.5
    assert parse_rate("50") == 50.0
    assert parse_rate("600/m") == pytest.approx(10.0)
    assert parse_slo("ttft=500ms, tpot=50ms") == Slo(ttft=0.5, tpot=0.05)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: parse_duration("soon"), "not a duration"),
        (lambda: parse_duration("0s"), "above zero"),
        (lambda: parse_rate("fast"), "not a positive rate"),
        (lambda: parse_rate("5/week"), "not a positive rate"),
        (lambda: parse_rate("inf"), "not a positive rate"),  # the JSON report can't hold it
        (lambda: parse_rate("nan/s"), "not a positive rate"),
        (lambda: parse_slo("latency=1s"), "KEY one of ttft, itl, tpot, e2e"),
        (lambda: parse_slo("ttft=1s,ttft=2s"), "twice"),
        (lambda: parse_slo("ttft=fast"), "--slo ttft"),
    ],
)
def test_bad_units_say_what_to_fix(call: object, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        call()  # type: ignore[operator]
