"""JSON Schema from signatures, docstring parsing, strict detection, argument and output validation."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from agentrt.agents.docstrings import parse_docstring
from agentrt.agents.schema import (
    SchemaMismatch,
    function_schema,
    is_strict_compatible,
    output_schema,
)
from agentrt.errors import UsageError


class Unit(enum.Enum):
    C = "celsius"
    F = "fahrenheit"


class Place(BaseModel):
    city: str
    country: str | None = None


@dataclass
class Window:
    start: int
    end: int


class Flags(TypedDict):
    verbose: bool


def forecast(
    place: Place,
    unit: Unit,
    days: list[int],
    mode: Literal["fast", "exact"] = "fast",
    note: str | None = None,
    window: Window | None = None,
    flags: Flags | None = None,
    json: int = 1,
) -> str:
    """Forecast the weather.

    Uses the nearest station.

    Args:
        place: Where to look.
        unit (Unit): The unit
            to report in.
        days: Which days ahead.
    """
    return ""


def test_schema_covers_models_dataclasses_typeddict_literals_enums_optional_lists_defaults() -> (
    None
):
    fs = function_schema(forecast)
    p = fs.parameters
    assert fs.name == "forecast"
    assert fs.description == "Forecast the weather.\n\nUses the nearest station."
    assert p["type"] == "object"
    assert p["additionalProperties"] is False
    assert p["required"] == ["place", "unit", "days"]
    props = p["properties"]
    assert props["place"] == {"$ref": "#/$defs/Place", "description": "Where to look."}
    assert props["unit"]["description"] == "The unit to report in."
    assert p["$defs"]["Unit"] == {"enum": ["celsius", "fahrenheit"], "type": "string"}
    assert props["days"] == {
        "description": "Which days ahead.",
        "items": {"type": "integer"},
        "type": "array",
    }
    assert props["mode"] == {"default": "fast", "enum": ["fast", "exact"], "type": "string"}
    assert {"type": "null"} in props["note"]["anyOf"]
    assert p["$defs"]["Window"]["required"] == ["start", "end"]
    assert p["$defs"]["Flags"]["properties"] == {"verbose": {"type": "boolean"}}
    assert props["json"] == {"default": 1, "type": "integer"}  # a name that shadows BaseModel.json
    assert "title" not in p
    assert "title" not in props["place"]
    assert fs.strict_compatible is False  # defaults make fields optional


def test_validate_json_returns_typed_keyword_arguments() -> None:
    fs = function_schema(forecast)
    kwargs = fs.validate_json(
        '{"place": {"city": "Paris"}, "unit": "celsius", "days": [1, 2], "json": 3}'
    )
    assert kwargs["place"] == Place(city="Paris")
    assert kwargs["unit"] is Unit.C
    assert kwargs["days"] == [1, 2]
    assert kwargs["mode"] == "fast"
    assert kwargs["json"] == 3


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("{bad", "not valid JSON"),
        ("[]", "(root): Input should be an object"),
        ('{"place": 1, "unit": "celsius", "days": []}', "place: Input should be an object"),
        ('{"place": {"city": "x"}, "days": []}', "unit: Field required"),
        (
            '{"place": {"city": "x"}, "unit": "kelvin", "days": []}',
            "unit: Input should be 'celsius' or 'fahrenheit'",
        ),
        (
            '{"place": {"city": "x"}, "unit": "celsius", "days": ["a"]}',
            "days.0: Input should be a valid integer",
        ),
        (
            '{"place": {"city": "x"}, "unit": "celsius", "days": [], "zzz": 1}',
            "zzz: Extra inputs are not permitted",
        ),
    ],
)
def test_validate_json_says_exactly_what_is_wrong(arguments: str, expected: str) -> None:
    with pytest.raises(SchemaMismatch) as info:
        function_schema(forecast).validate_json(arguments)
    assert expected in str(info.value)


def test_empty_arguments_mean_no_arguments() -> None:
    def ping() -> str:
        """Ping."""
        return "pong"

    fs = function_schema(ping)
    assert fs.validate_json("") == {}
    assert fs.validate_json("  ") == {}
    assert fs.parameters == {"additionalProperties": False, "properties": {}, "type": "object"}


def test_strict_detected_when_every_field_is_required_and_plain() -> None:
    def add(a: int, b: Literal["x", "y"], tags: list[str]) -> int:
        """Add."""
        return a

    assert function_schema(add).strict_compatible is True
    assert (
        is_strict_compatible(
            {
                "type": "object",
                "properties": {"a": {"type": "string", "minLength": 2}},
                "required": ["a"],
                "additionalProperties": False,
            }
        )
        is False
    )
    assert (
        is_strict_compatible(
            {
                "type": "object",
                "properties": {"a": {"type": "string"}},
                "required": [],
                "additionalProperties": False,
            }
        )
        is False
    )


def test_annotated_field_descriptions_and_constraints_are_kept() -> None:
    def f(n: Annotated[int, Field(ge=1, description="How many.")]) -> None:
        """F."""

    fs = function_schema(f)
    assert fs.parameters["properties"]["n"] == {
        "description": "How many.",
        "minimum": 1,
        "type": "integer",
    }
    with pytest.raises(SchemaMismatch, match="greater than or equal to 1"):
        fs.validate_json('{"n": 0}')


def test_signatures_a_model_cannot_call_are_refused() -> None:
    def star(*args: int) -> None: ...
    def kw(**kwargs: int) -> None: ...
    def pos(a: int, /) -> None: ...

    for fn in (star, kw, pos):
        with pytest.raises(UsageError, match="cannot be passed as JSON"):
            function_schema(fn)
    with pytest.raises(UsageError, match="must match"):
        function_schema(lambda: None)  # "<lambda>" is no tool name


class Ctx:
    pass


def test_partials_and_callable_objects_work_and_unnamed_ones_need_a_name() -> None:
    def scale(x: int, factor: int) -> int:
        """Scale x.

        Args:
            x: The value.
        """
        return x * factor

    class Doubler:
        def __call__(self, x: int) -> int:
            return 2 * x

    fs = function_schema(functools.partial(scale, factor=3), name="triple")
    assert fs.parameters["required"] == ["x"]
    assert fs.parameters["properties"]["factor"]["default"] == 3
    assert function_schema(Doubler(), name="double").parameters["required"] == ["x"]
    with pytest.raises(UsageError, match="pass name="):
        function_schema(functools.partial(scale, factor=3))


def test_unresolvable_annotations_are_a_usage_error() -> None:
    def f(x: NoSuchType) -> None:  # type: ignore[name-defined]  # noqa: F821
        """F."""

    with pytest.raises(UsageError, match="cannot read its signature"):
        function_schema(f)


def test_context_parameter_is_left_out_of_the_schema() -> None:
    def f(city: str, ctx: Ctx) -> None:
        """F."""

    fs = function_schema(f, context_types=(Ctx,))
    assert fs.context_param == "ctx"
    assert list(fs.parameters["properties"]) == ["city"]


@pytest.mark.parametrize(
    "doc",
    [
        """Sum two numbers.

        Args:
            a: The first
                number.
            b (int): The second number.

        Returns:
            The sum.
        """,
        """Sum two numbers.

        Parameters
        ----------
        a : int
            The first
            number.
        b : int
            The second number.

        Returns
        -------
        int
        """,
        """Sum two numbers.

        :param a: The first
            number.
        :param int b: The second number.
        :returns: The sum.
        """,
    ],
    ids=["google", "numpy", "sphinx"],
)
def test_docstring_styles(doc: str) -> None:
    parsed = parse_docstring(doc)
    assert parsed.summary == "Sum two numbers."
    assert parsed.params == {"a": "The first number.", "b": "The second number."}
    assert parsed.description == "Sum two numbers."


def test_docstring_without_sections_is_all_description() -> None:
    parsed = parse_docstring("Line one\ncontinues.\n\nSecond paragraph.")
    assert parsed.summary == "Line one continues."
    assert parsed.description == "Line one\ncontinues.\n\nSecond paragraph."
    assert parse_docstring(None).params == {}


def test_output_schema_from_a_model() -> None:
    out = output_schema(Place)
    assert out.name == "Place"
    assert out.schema["required"] == ["city"]
    assert out.validate_json('{"city": "Oslo"}') == Place(city="Oslo")
    with pytest.raises(SchemaMismatch, match="city: Field required"):
        out.validate_json('{"country": "NO"}')
    with pytest.raises(SchemaMismatch, match="not valid JSON"):
        out.validate_json("Oslo, Norway")


def test_output_schema_wraps_a_non_object_root() -> None:
    out = output_schema(list[int])
    assert out.schema["properties"]["result"] == {"items": {"type": "integer"}, "type": "array"}
    assert out.validate_json('{"result": [1, 2]}') == [1, 2]
    with pytest.raises(SchemaMismatch, match="result: Field required"):
        out.validate_json('{"answer": [1]}')
    with pytest.raises(SchemaMismatch, match=r"0: Input should be a valid integer"):
        out.validate_json('{"result": ["x"]}')


def test_output_schema_from_a_json_schema_dict() -> None:
    schema: dict[str, Any] = {
        "title": "Trip",
        "type": "object",
        "properties": {"days": {"type": "integer", "minimum": 1}, "city": {"type": "string"}},
        "required": ["days", "city"],
        "additionalProperties": False,
    }
    out = output_schema(schema)
    assert out.name == "Trip"
    assert out.strict is False
    assert out.validate_json('{"days": 2, "city": "Rome"}') == {"days": 2, "city": "Rome"}
    with pytest.raises(SchemaMismatch) as info:
        out.validate_json('{"days": 0}')
    assert "(root): 'city' is a required property" in str(info.value)
    assert "days: 0 is less than the minimum of 1" in str(info.value)
    with pytest.raises(UsageError, match="not a valid JSON Schema"):
        output_schema({"type": "banana"})
