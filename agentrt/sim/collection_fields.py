"""A collection's field definitions in the simulator: added, deleted, required and unique.

``UpdateCollection``'s ``field_definition_updates`` are applied in order:

- ADD a definition whose key is new. A key already defined is INVALID_ARGUMENT naming
  it. A definition added later binds only what comes later: a new ``required`` field
  is demanded of documents added (or updated with new fields) from then on, and a new
  ``unique`` field of values given from then on; documents already in the collection
  keep their fields as they are, and re-indexing one does not check them again.
- DELETE a key that is defined (an unknown key is INVALID_ARGUMENT naming it): the
  definition goes, and so does the field's value from every document of the collection.
  Chunks it was injected into keep the old text until the document is re-indexed.

A ``unique`` field's value may belong to one document of the collection at a time:
adding or updating a document with a value another document holds is ALREADY_EXISTS
(gRPC's code for "the entity already exists", as a unique key conflict is in a
database), naming the field, the value and the document holding it; nothing is stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grpc
from agentrt_protos.xai.api.v1 import collections_pb2 as cpb

from agentrt.sim.ragstore import RagStore
from agentrt.sim.status import SimStatus

__all__ = ["apply_field_updates", "check_document_fields"]


def _invalid(details: str) -> SimStatus:
    return SimStatus(grpc.StatusCode.INVALID_ARGUMENT, details)


def apply_field_updates(
    config: cpb.CollectionMetadata, updates: Iterable[cpb.FieldDefinitionUpdate]
) -> list[str]:
    """Apply ``updates`` to ``config.field_definitions`` in order; the keys deleted."""
    deleted: list[str] = []
    for update in updates:
        definition = update.field_definition
        key = definition.key
        if not key.strip():
            raise _invalid("field_definition_updates: a field's key is empty: give it a key")
        keys = [d.key for d in config.field_definitions]
        if update.operation == cpb.FIELD_DEFINITION_ADD:
            if key in keys:
                raise _invalid(
                    f"field_definition_updates: field {key!r} is already defined in this "
                    "collection: delete it first, or add another key"
                )
            config.field_definitions.append(definition)
        elif update.operation == cpb.FIELD_DEFINITION_DELETE:
            if key not in keys:
                raise _invalid(
                    f"field_definition_updates: field {key!r} is not defined in this "
                    f"collection (defined: {', '.join(map(repr, keys)) or 'none'})"
                )
            del config.field_definitions[keys.index(key)]
            deleted.append(key)
        else:
            raise _invalid(
                f"field_definition_updates: operation {update.operation} is neither "
                "FIELD_DEFINITION_ADD nor FIELD_DEFINITION_DELETE"
            )
    return deleted


def check_document_fields(
    store: RagStore,
    cid: str,
    file_id: str,
    config: cpb.CollectionMetadata,
    fields: Mapping[str, str],
) -> None:
    """INVALID_ARGUMENT for a missing required field; ALREADY_EXISTS for a unique value
    that another document of the collection holds."""
    for definition in config.field_definitions:
        key = definition.key
        if definition.required and key not in fields:
            raise _invalid(f"field {key!r} is required by this collection")
        if definition.unique and key in fields:
            holder = store.field_holder(cid, key, fields[key], file_id)
            if holder is not None:
                raise SimStatus(
                    grpc.StatusCode.ALREADY_EXISTS,
                    f"field {key!r} is unique in this collection and document {holder!r} "
                    f"already has the value {fields[key]!r}: give another value",
                )
