"""durations: one grammar for agent specs and agentrt load's options."""

from __future__ import annotations

import pytest

from agentrt.errors import UsageError
from agentrt.load.units import parse_duration as load_duration
from agentrt.specs.durations import seconds_in
from agentrt.specs.model import parse_duration as spec_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("250ms", 0.25), ("5s", 5.0), ("2m", 120.0), ("1h", 3600.0), ("1m30s", 90.0),
     ("500us", 0.0005), (" 1m 30s ", 90.0), ("1.5s", 1.5)],
)  # fmt: skip
def test_specs_and_load_read_a_duration_alike(text: str, seconds: float) -> None:
    assert seconds_in(text) == pytest.approx(seconds)
    assert spec_duration(text) == pytest.approx(seconds)
    assert load_duration(text) == pytest.approx(seconds)


def test_a_bare_number_is_seconds_only_where_asked() -> None:
    assert seconds_in("2.5") == 2.5
    assert seconds_in("2.5", bare_number=False) is None
    assert load_duration("2.5") == 2.5
    assert spec_duration(2.5) == 2.5  # a YAML number
    with pytest.raises(ValueError, match="expected a duration like '5s'"):
        spec_duration("2.5")


@pytest.mark.parametrize("text", ["", "5 seconds", "s", "5x", "1m30", "-5s"])
def test_text_that_is_no_duration_is_refused_by_both(text: str) -> None:
    assert seconds_in(text, bare_number=False) is None
    with pytest.raises(ValueError, match="expected a duration"):
        spec_duration(text)
    with pytest.raises(UsageError, match=r"is not a duration: use e\.g\. 30s"):
        load_duration(text)


@pytest.mark.parametrize("text", ["inf", "-inf", "infinity", "nan", "1e999", "1e999s"])
def test_infinity_and_nan_are_no_durations(text: str) -> None:
    # "--timeout inf" used to be taken, and then every request missed its deadline at once
    assert seconds_in(text) is None
    with pytest.raises(UsageError, match=r"is not a duration: use e\.g\. 30s"):
        load_duration(text)
    with pytest.raises(ValueError, match="expected a duration like '5s'"):
        spec_duration(text)


@pytest.mark.parametrize("number", [float("inf"), float("nan")])
def test_a_spec_number_must_be_finite(number: float) -> None:
    with pytest.raises(ValueError, match="expected a duration like '5s'"):
        spec_duration(number)
