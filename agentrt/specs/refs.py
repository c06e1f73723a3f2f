"""Checking every ``$ref`` of a spec's output JSON Schema before anything runs.

``check_schema`` only checks a schema's shape: a ``$ref`` to a missing
definition, or to another file or URL, passes it and fails later, at the first
run. Here each ``$ref`` is looked up in the schema itself (nothing is fetched:
a reference outside the document is a problem too).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from referencing import Registry
from referencing.exceptions import PointerToNowhere, Unresolvable
from referencing.jsonschema import DRAFT202012, specification_with

__all__ = ["unresolved_refs"]

_ROOT = "urn:agentrt:output-schema"
# Keywords whose values are data, not subschemas: a "$ref" key inside is not a reference.
_DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples"})


def unresolved_refs(schema: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Yield (path to the ``$ref`` key, what is wrong) for each reference that does not resolve."""
    spec = specification_with(str(schema.get("$schema", "")), default=DRAFT202012)
    root = spec.create_resource(schema)
    resolver = Registry().with_resource(_ROOT, root).resolver(base_uri=_ROOT)
    stack: list[tuple[Any, tuple[str | int, ...], Any]] = [(schema, (), resolver)]
    while stack:
        node, path, here = stack.pop()
        if isinstance(node, list):
            stack.extend((item, (*path, i), here) for i, item in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("$id"), str) and path:
            here = here.in_subresource(spec.create_resource(node))
        ref = node.get("$ref")
        if isinstance(ref, str):
            wrong = _lookup(here, ref)
            if wrong is not None:
                yield (*path, "$ref"), wrong
        stack.extend(
            (value, (*path, key), here)
            for key, value in node.items()
            if key not in _DATA_KEYWORDS and isinstance(value, dict | list)
        )


def _lookup(resolver: Any, ref: str) -> str | None:
    try:
        resolver.lookup(ref)
    except PointerToNowhere:
        return f"$ref {ref!r} points to nothing in this schema; define it or fix the path"
    except Unresolvable:
        if ref.startswith("#"):
            return f"$ref {ref!r} names no anchor in this schema; define it or fix the name"
        return (
            f"$ref {ref!r} is outside this schema; only references inside it "
            "('#/$defs/...') are supported (nothing is fetched)"
        )
    except Exception as exc:  # a malformed pointer or URI
        return f"$ref {ref!r} cannot be resolved: {type(exc).__name__}"
    return None
