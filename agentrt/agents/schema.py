"""JSON Schema from Python signatures and types, and validation against it.

:func:`function_schema` turns a function's signature and docstring into the
JSON Schema of its parameters (pydantic models, dataclasses, TypedDict,
Literal/enums, Optional, lists, defaults, per-parameter descriptions) plus a
validator that turns the model's raw JSON arguments into keyword arguments.
:func:`output_schema` does the same for an agent's structured output, from a
Python type or from a JSON Schema dict. Validation is pydantic's (Rust) for
types and jsonschema's for raw schemas; both raise :class:`SchemaMismatch`
with a message precise enough for a model to fix its answer.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, get_origin

from agentrt.agents.docstrings import parse_docstring
from agentrt.errors import UsageError

__all__ = [
    "FunctionSchema",
    "OutputSchema",
    "SchemaMismatch",
    "describe_validation_error",
    "function_schema",
    "is_strict_compatible",
    "output_schema",
]

_MAX_ERRORS = 5
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Keywords a strict (constrained-decoding) schema may use; anything else turns strict off.
_STRICT_KEYWORDS = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "enum", "const"}
    | {"anyOf", "$ref", "$defs", "description", "title"}
)


class SchemaMismatch(Exception):
    """Input did not parse as JSON or did not match the schema; ``str()`` says exactly how."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionSchema:
    """A function's name, description, parameter schema and argument validator.

    Attributes:
        parameters: the JSON Schema of the keyword arguments (an object).
        strict_compatible: whether ``parameters`` meets strict mode's rules.
        context_param: the parameter that receives the injected context, if any.
    """

    name: str
    description: str
    parameters: Mapping[str, Any]
    strict_compatible: bool
    context_param: str | None
    _model: Any
    _names: tuple[tuple[str, str], ...]
    _invalid: type[Exception]  # pydantic's ValidationError (imported once, not per call)

    def validate_json(self, arguments: str) -> dict[str, Any]:
        """Parse and validate the model's raw JSON ``arguments`` into keyword arguments.

        Raises:
            SchemaMismatch: not JSON, not an object, or not valid against the schema.
        """
        text = arguments.strip() or "{}"
        try:
            parsed = self._model.model_validate_json(text)
        except self._invalid as e:
            raise SchemaMismatch(describe_validation_error(e)) from None
        return {name: getattr(parsed, attr) for attr, name in self._names}


def function_schema(
    fn: Callable[..., Any],
    *,
    name: str | None = None,
    description: str | None = None,
    context_types: tuple[type, ...] = (),
) -> FunctionSchema:
    """Derive the parameter schema and validator of ``fn``.

    A parameter annotated with one of ``context_types`` is left out of the schema
    (the caller injects it). ``*args``, ``**kwargs`` and positional-only
    parameters are refused: a model can only pass named JSON fields.

    Raises:
        UsageError: the signature cannot be expressed as JSON arguments, or the name is invalid.
    """
    from pydantic import ConfigDict, ValidationError, create_model

    tool_name = str(name or getattr(fn, "__name__", ""))
    if not tool_name:
        raise UsageError(f"cannot tell what to call the tool {fn!r}: pass name=...")
    if not _NAME.match(tool_name):
        raise UsageError(f"tool name {tool_name!r} must match [A-Za-z0-9_-]{{1,64}}")
    doc = parse_docstring(inspect.getdoc(fn))
    fields, names, context_param = _fields(
        _signature(fn, tool_name), doc.params, tool_name, context_types
    )
    config = ConfigDict(extra="forbid", populate_by_name=False, arbitrary_types_allowed=False)
    try:
        model = create_model(f"{tool_name}_arguments", __config__=config, **fields)
        parameters = _clean(model.model_json_schema(by_alias=True))
    except Exception as e:  # pydantic says which annotation it cannot handle
        raise UsageError(f"tool {tool_name!r}: cannot build a JSON Schema: {e}") from e
    return FunctionSchema(
        name=tool_name,
        description=description if description is not None else doc.description,
        parameters=parameters,
        strict_compatible=is_strict_compatible(parameters),
        context_param=context_param,
        _model=model,
        _names=tuple(names),
        _invalid=ValidationError,
    )


def _fields(
    signature: inspect.Signature,
    descriptions: Mapping[str, str],
    tool_name: str,
    context_types: tuple[type, ...],
) -> tuple[dict[str, Any], list[tuple[str, str]], str | None]:
    """The pydantic fields of the parameters, (field, parameter) names, the context parameter."""
    from pydantic import Field

    fields: dict[str, Any] = {}
    names: list[tuple[str, str]] = []
    context_param: str | None = None
    for param in signature.parameters.values():
        _check_kind(param, tool_name)
        annotation = Any if param.annotation is inspect.Parameter.empty else param.annotation
        origin = get_origin(annotation) or annotation  # ToolContext[Deps] is ToolContext
        if isinstance(origin, type) and issubclass(origin, context_types):
            context_param = param.name
            continue
        default = ... if param.default is inspect.Parameter.empty else param.default
        attr = f"p_{param.name}"  # never shadows a BaseModel attribute ("json", "copy" ...)
        info = Field(default, alias=param.name)
        if param.name in descriptions:  # only then: an Annotated Field(description=...) survives
            info = Field(default, alias=param.name, description=descriptions[param.name])
        fields[attr] = (annotation, info)
        names.append((attr, param.name))
    return fields, names, context_param


def _signature(fn: Callable[..., Any], tool_name: str) -> inspect.Signature:
    """The signature with string annotations resolved (functions, partials, callable objects)."""
    try:
        return inspect.signature(fn, eval_str=True)
    except Exception as e:  # an unresolvable forward reference, or no signature at all
        raise UsageError(f"tool {tool_name!r}: cannot read its signature: {e}") from e


_BAD_KINDS = {
    "VAR_POSITIONAL": "*args",
    "VAR_KEYWORD": "**kwargs",
    "POSITIONAL_ONLY": "positional-only parameters",
}


def _check_kind(param: inspect.Parameter, tool_name: str) -> None:
    bad = _BAD_KINDS.get(param.kind.name)
    if bad:
        raise UsageError(
            f"tool {tool_name!r}: {bad} ({param.name}) cannot be passed as JSON; use named parameters"
        )


def _clean(schema: dict[str, Any]) -> dict[str, Any]:
    """Drop pydantic's generated titles and close every object (``additionalProperties: false``)."""
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title":
            continue
        if key in ("properties", "$defs") and isinstance(value, dict):
            out[key] = {k: _clean(v) if isinstance(v, dict) else v for k, v in value.items()}
        elif isinstance(value, dict):
            out[key] = _clean(value)
        elif isinstance(value, list):
            out[key] = [_clean(v) if isinstance(v, dict) else v for v in value]
        else:
            out[key] = value
    if out.get("type") == "object" and "properties" in out:
        out.setdefault("additionalProperties", False)
    return out


def is_strict_compatible(schema: Mapping[str, Any]) -> bool:
    """Whether ``schema`` meets strict mode's rules.

    Every object lists all its properties as required and forbids others, and
    only the keywords constrained decoding supports appear (no defaults,
    lengths, ranges, patterns or formats).
    """
    if not set(schema) <= _STRICT_KEYWORDS:
        return False
    if schema.get("type") == "object" or "properties" in schema:
        props = schema.get("properties", {})
        if schema.get("additionalProperties") is not False or set(
            schema.get("required", ())
        ) != set(props):
            return False
        if not all(is_strict_compatible(s) for s in props.values()):
            return False
    subs: list[Any] = [*schema.get("anyOf", ()), *schema.get("$defs", {}).values()]
    if isinstance(schema.get("items"), dict):
        subs.append(schema["items"])
    return all(isinstance(s, dict) and is_strict_compatible(s) for s in subs)


def describe_validation_error(error: Any) -> str:
    """A short, exact account of a pydantic ``ValidationError``: where and what."""
    parts = []
    for item in error.errors(include_url=False)[:_MAX_ERRORS]:
        if item["type"] == "json_invalid":
            return f"not valid JSON ({item['ctx']['error']})"
        loc = ".".join(str(x) for x in item["loc"])
        parts.append(f"{loc or '(root)'}: {item['msg']}")
    more = error.error_count() - _MAX_ERRORS
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputSchema:
    """The schema an agent's final answer must match, and its validator."""

    name: str
    schema: Mapping[str, Any]
    strict: bool
    _validate: Callable[[str], Any]

    def validate_json(self, text: str) -> Any:
        """Parse and validate ``text``; returns the typed value (or the parsed JSON).

        Raises:
            SchemaMismatch: not JSON, or not valid against the schema.
        """
        return self._validate(text)


def output_schema(spec: type[Any] | Mapping[str, Any], *, name: str | None = None) -> OutputSchema:
    """Build the structured-output schema from a Python type or a JSON Schema dict.

    Types are validated by pydantic and yield typed values (a model instance, a
    dataclass, a list ...); a dict schema is checked with jsonschema and yields
    the parsed JSON. A non-object root (``list[int]``) is sent wrapped as
    ``{"result": ...}`` and unwrapped after validation.

    Raises:
        UsageError: the type has no JSON Schema, or the dict is not a valid JSON Schema.
    """
    if isinstance(spec, Mapping):
        return _dict_output(dict(spec), name or str(spec.get("title", "output")))
    return _type_output(spec, str(name or getattr(spec, "__name__", "output")))


def _type_output(tp: Any, name: str) -> OutputSchema:
    from pydantic import TypeAdapter, ValidationError

    try:
        adapter: TypeAdapter[Any] = TypeAdapter(tp)
        schema = _clean(adapter.json_schema())
    except Exception as e:
        raise UsageError(f"output type {tp!r} has no JSON Schema: {e}") from e
    wrapped = schema.get("type") != "object"
    if wrapped:
        defs = schema.pop("$defs", None)
        schema = {"type": "object", "properties": {"result": schema}, "required": ["result"]}
        schema["additionalProperties"] = False
        if defs:
            schema["$defs"] = defs
        wrapper: TypeAdapter[Any] = TypeAdapter(dict[str, Any])

    def validate(text: str) -> Any:
        try:
            if not wrapped:
                return adapter.validate_json(text)
            data = wrapper.validate_json(text)
            if "result" not in data:
                raise SchemaMismatch('result: Field required (answer {"result": ...})')
            return adapter.validate_python(data["result"])
        except ValidationError as e:
            raise SchemaMismatch(describe_validation_error(e)) from None

    return OutputSchema(
        name=_safe_name(name),
        schema=schema,
        strict=is_strict_compatible(schema),
        _validate=validate,
    )


def _dict_output(schema: dict[str, Any], name: str) -> OutputSchema:
    import jsonschema

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as e:
        raise UsageError(f"output schema is not a valid JSON Schema: {e.message}") from e
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)

    def validate(text: str) -> Any:
        try:
            data = json.loads(text)
        except ValueError as e:
            raise SchemaMismatch(f"not valid JSON ({e})") from None
        errors = sorted(validator.iter_errors(data), key=lambda err: list(err.absolute_path))
        if errors:
            parts = [f"{_path(err.json_path)}: {err.message}" for err in errors]
            raise SchemaMismatch("; ".join(parts[:_MAX_ERRORS]))
        return data

    return OutputSchema(
        name=_safe_name(name),
        schema=schema,
        strict=is_strict_compatible(schema),
        _validate=validate,
    )


def _path(json_path: str) -> str:
    return "(root)" if json_path == "$" else json_path.removeprefix("$.")


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64] or "output"
