"""JSON that is valid against a JSON Schema, filled from values the model knows.

:func:`fill` walks a schema (``type``, ``properties``, ``required``, ``enum``,
``const``, ``items``/``prefixItems``, ``minItems``/``maxItems``,
``minimum``/``maximum`` and their exclusive forms, ``minLength``/``maxLength``,
string ``format``, ``anyOf``/``oneOf``/``allOf``, ``$ref`` into
``$defs``/``definitions``, ``additionalProperties``, ``default``, ``examples``)
and produces an instance. Where a property's name matches a known value (from
tool results or the prompt), that value is used, coerced to the schema's type;
otherwise the schema's default, its first example, or a plain placeholder.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["fill", "invalid_instance", "normalize_key"]

Scope = tuple[Mapping[str, Any], ...]

_MAX_DEPTH = 8
_FORMAT_SAMPLES = {
    "date-time": "2025-01-01T00:00:00Z",
    "date": "2025-01-01",
    "time": "12:00:00Z",
    "duration": "PT1H",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
_FORMAT_CHECKS = {
    "date-time": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"),
    "date": re.compile(r"^\d{4}-\d\d-\d\d$"),
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    "uri": re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$"),
    "uuid": re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"),
    "ipv4": re.compile(r"^(\d{1,3}\.){3}\d{1,3}$"),
}
_INT_RE = re.compile(r"^-?\d+$")
_NUM_RE = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def normalize_key(name: str) -> str:
    """The form names are matched in: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def fill(schema: Any, values: Mapping[str, Any] | None = None) -> Any:
    """An instance valid against ``schema``, using ``values`` (normalized name → value)."""
    root = schema if isinstance(schema, Mapping) else {}
    return _Filler(root).fill(schema, None, (values or {},), 0)


def invalid_instance(schema: Any, valid: Any) -> str:
    """JSON text that does NOT validate against ``schema`` (for fault injection)."""
    import json

    spec = _Filler(schema if isinstance(schema, Mapping) else {}).resolve(schema)
    if isinstance(valid, dict) and spec.get("required"):
        broken = {k: v for k, v in valid.items() if k != spec["required"][0]}
        return json.dumps(broken)
    if isinstance(valid, dict):
        return json.dumps([valid])
    if isinstance(valid, str | int | float | bool | list) or valid is None:
        return json.dumps({"unexpected": valid})
    return "this is not JSON"


class _Filler:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root

    def resolve(self, schema: Any) -> dict[str, Any]:
        spec: dict[str, Any] = dict(schema) if isinstance(schema, Mapping) else {}
        for _ in range(32):
            ref = spec.get("$ref")
            if not isinstance(ref, str) or not ref.startswith("#"):
                break
            target: Any = self.root
            for part in ref.lstrip("#").strip("/").split("/"):
                if part and isinstance(target, Mapping):  # a ref to nothing points at nothing
                    target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
            rest = {k: v for k, v in spec.items() if k != "$ref"}
            spec = {**(target if isinstance(target, Mapping) else {}), **rest}
        if "allOf" in spec:
            merged: dict[str, Any] = {k: v for k, v in spec.items() if k != "allOf"}
            for part in spec["allOf"]:
                sub = self.resolve(part)
                props = {**merged.get("properties", {}), **sub.get("properties", {})}
                required = [*merged.get("required", []), *sub.get("required", [])]
                merged = {**sub, **merged, "properties": props, "required": required}
            spec = merged
        return spec

    def fill(self, schema: Any, name: str | None, scope: Scope, depth: int) -> Any:
        if schema is True or schema is None:
            return _lookup(name, scope) if name else "value"
        spec = self.resolve(schema)
        known = _lookup(name, scope) if name else None
        if "const" in spec:
            return spec["const"]
        if "enum" in spec:
            return _pick_enum(spec, known)
        for key in ("oneOf", "anyOf"):
            if key in spec:
                return self._fill_choice(spec, key, name, scope, depth)
        kind = _choose_type(spec, known)
        filler = getattr(self, f"_fill_{kind.replace('-', '_')}", None)
        if filler is None:
            return None
        return filler(spec, name, known, scope, depth)

    def _fill_choice(
        self, spec: dict[str, Any], key: str, name: str | None, scope: Scope, depth: int
    ) -> Any:
        base = {k: v for k, v in spec.items() if k not in (key, "default")}
        branches: list[Any] = list(spec[key])
        # Prefer a non-null branch; null only when nothing else works.
        branches.sort(key=lambda b: self.resolve(b).get("type") == "null")
        candidates = [self.fill({**base, **self.resolve(b)}, name, scope, depth) for b in branches]
        if key == "anyOf" or len(candidates) == 1:
            return candidates[0]
        import jsonschema

        for candidate in candidates:
            if jsonschema.Draft202012Validator({**spec, **_defs(self.root)}).is_valid(candidate):
                return candidate
        return candidates[0]

    def _fill_null(self, *_: Any) -> None:
        return None

    def _fill_boolean(self, spec: dict[str, Any], name: str | None, known: Any, *_: Any) -> bool:
        if isinstance(known, bool):
            return known
        if isinstance(known, str) and known.lower() in ("true", "false"):
            return known.lower() == "true"
        default = spec.get("default")
        return default if isinstance(default, bool) else True

    def _fill_integer(self, spec: dict[str, Any], name: str | None, known: Any, *_: Any) -> int:
        value = _as_number(known)
        if value is None or value != int(value):
            value = _first_number(spec)
        return int(_clamp(spec, int(value), integer=True))

    def _fill_number(
        self, spec: dict[str, Any], name: str | None, known: Any, *_: Any
    ) -> int | float:
        value = _as_number(known)
        if value is None:
            value = _first_number(spec)
        return _clamp(spec, value, integer=False)

    def _fill_string(self, spec: dict[str, Any], name: str | None, known: Any, *_: Any) -> str:
        fmt = spec.get("format")
        text = _as_text(known)
        if text is not None and fmt in _FORMAT_CHECKS and not _FORMAT_CHECKS[fmt].match(text):
            text = None
        if text is None:
            text = _schema_sample(spec, str)
        if text is None:
            text = _FORMAT_SAMPLES.get(str(fmt)) or (f"sample {name}" if name else "sample")
        low, high = spec.get("minLength", 0), spec.get("maxLength")
        if len(text) < low:
            text = text + "x" * (low - len(text))
        if high is not None and len(text) > high:
            text = text[:high]
        return text

    def _fill_array(
        self, spec: dict[str, Any], name: str | None, known: Any, scope: Scope, depth: int
    ) -> list[Any]:
        low, high = spec.get("minItems", 0), spec.get("maxItems")
        prefix = list(spec.get("prefixItems", []))
        items_schema = spec.get("items", True)
        if isinstance(known, list) and depth < _MAX_DEPTH:
            elements = known
        else:
            count = max(
                low, 1 if depth < _MAX_DEPTH else 0, len(prefix) if depth < _MAX_DEPTH else 0
            )
            elements = [known if i == 0 else None for i in range(count)]
        if high is not None:
            elements = elements[:high]
        out = []
        for i, element in enumerate(elements):
            item_schema = prefix[i] if i < len(prefix) else items_schema
            item_scope = (_scope_of(element, name), *scope)
            out.append(self.fill(item_schema, name, item_scope, depth + 1))
        while len(out) < low:
            out.append(self.fill(items_schema, name, scope, depth + 1))
        return _make_unique(out) if spec.get("uniqueItems") else out

    def _fill_object(
        self, spec: dict[str, Any], name: str | None, known: Any, scope: Scope, depth: int
    ) -> dict[str, Any]:
        if isinstance(known, Mapping):
            scope = ({normalize_key(str(k)): v for k, v in known.items()}, *scope)
        properties: Mapping[str, Any] = spec.get("properties", {})
        required: Sequence[str] = spec.get("required", [])
        if not isinstance(properties, Mapping):  # a careless schema: fill what is well formed
            properties = {}
        if not isinstance(required, list):
            required = []
        extra = spec.get("additionalProperties", True)
        out: dict[str, Any] = {}
        for prop in [*properties, *(r for r in required if r not in properties)]:
            wanted = prop in required or (
                depth < _MAX_DEPTH and _lookup(prop, scope[:1]) is not None
            )
            if not wanted:
                continue
            sub = properties.get(prop, extra if isinstance(extra, Mapping) else True)
            out[prop] = self.fill(sub, prop, scope, depth + 1)
        return out


def _defs(root: Mapping[str, Any]) -> dict[str, Any]:
    return {k: root[k] for k in ("$defs", "definitions") if k in root}


def _scope_of(element: Any, name: str | None) -> Mapping[str, Any]:
    if isinstance(element, Mapping):
        return {normalize_key(str(k)): v for k, v in element.items()}
    if element is None or name is None:
        return {}
    return {normalize_key(name): element}


def _lookup(name: str | None, scope: Scope) -> Any:
    if not name:
        return None
    key = normalize_key(name)
    if not key:
        return None
    for values in scope:
        if key in values:
            return values[key]
    for values in scope:
        for other, value in values.items():
            if len(other) >= 3 and (key.startswith(other) or other.startswith(key)):
                return value
    return None


def _choose_type(spec: dict[str, Any], known: Any) -> str:
    kind = spec.get("type")
    if isinstance(kind, str):
        return kind
    options = list(kind) if isinstance(kind, list) else []
    if not options:
        if "properties" in spec or "required" in spec or "additionalProperties" in spec:
            return "object"
        if "items" in spec or "prefixItems" in spec:
            return "array"
        options = ["string"]
    preferred = {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
    }.get(type(known))
    if preferred is not None and preferred in options:
        return preferred
    if preferred == "integer" and "number" in options:
        return "number"
    non_null = [o for o in options if o != "null"]
    return non_null[0] if non_null else "null"


def _pick_enum(spec: dict[str, Any], known: Any) -> Any:
    members = list(spec["enum"])
    if known is not None:
        for member in members:
            if member == known or str(member).lower() == str(known).lower():
                return member
    if "default" in spec and spec["default"] in members:
        return spec["default"]
    return members[0] if members else None


def _as_text(known: Any) -> str | None:
    if isinstance(known, str):
        return known
    if isinstance(known, bool):
        return "true" if known else "false"
    if isinstance(known, int | float):
        return str(known)
    return None


def _as_number(known: Any) -> int | float | None:
    if isinstance(known, bool):
        return None
    if isinstance(known, int | float):
        return known
    if isinstance(known, str):
        text = known.strip().replace(",", "")
        if len(text) > _MAX_DIGITS:
            return None  # int() refuses over 4300 digits; no parameter means such a number
        if _INT_RE.match(text):
            return int(text)
        if _NUM_RE.match(text):
            return float(text)
    return None


_MAX_DIGITS = 400


def _schema_sample(spec: dict[str, Any], kind: Any) -> Any:
    if isinstance(spec.get("default"), kind):
        return spec["default"]
    for example in spec.get("examples", []):
        if isinstance(example, kind):
            return example
    return None


def _first_number(spec: dict[str, Any]) -> int | float:
    sample = _schema_sample(spec, int | float)
    if isinstance(sample, int | float) and not isinstance(sample, bool):
        return sample
    for key in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        bound = spec.get(key)
        if isinstance(bound, int | float):
            return bound
    return 0


def _clamp(spec: dict[str, Any], value: int | float, *, integer: bool) -> int | float:
    step = 1 if integer else 1e-6
    low, high = spec.get("minimum"), spec.get("maximum")
    if isinstance(spec.get("exclusiveMinimum"), int | float):
        low = (
            max(low, spec["exclusiveMinimum"] + step)
            if low is not None
            else spec["exclusiveMinimum"] + step
        )
    if isinstance(spec.get("exclusiveMaximum"), int | float):
        high = (
            min(high, spec["exclusiveMaximum"] - step)
            if high is not None
            else spec["exclusiveMaximum"] - step
        )
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    multiple = spec.get("multipleOf")
    if isinstance(multiple, int | float) and multiple > 0 and value % multiple:
        value = (value // multiple + 1) * multiple
        if high is not None and value > high:
            value -= multiple
    if integer:
        whole = math.ceil(value)
        return math.floor(high) if high is not None and whole > high else whole
    return value


def _make_unique(items: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for i, item in enumerate(items):
        candidate = item
        if candidate in seen:
            if isinstance(candidate, str):
                candidate = f"{candidate} {i + 1}"
            elif isinstance(candidate, int | float) and not isinstance(candidate, bool):
                candidate = max(x for x in seen if isinstance(x, int | float)) + 1
        seen.append(candidate)
    return seen
