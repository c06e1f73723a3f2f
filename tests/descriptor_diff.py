"""Field-by-field comparison of two protobuf messages (used on FileDescriptorProtos)."""

from __future__ import annotations

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

__all__ = ["differences"]


def _label(item: Message, index: int) -> str:
    name = getattr(item, "name", "")
    return name if isinstance(name, str) and name else str(index)


def differences(a: Message, b: Message, path: str = "") -> list[str]:
    """Every place where ``a`` and ``b`` differ, as ``path.to.field: a-value != b-value``.

    Repeated messages are compared item by item and named by their ``name`` field
    when they have one (``message_type[GetCompletionsRequest].field[model]``).
    """
    found: list[str] = []
    for name, field in a.DESCRIPTOR.fields_by_name.items():
        here = f"{path}.{name}" if path else name
        va, vb = getattr(a, name), getattr(b, name)
        if field.type == FieldDescriptor.TYPE_MESSAGE and field.is_repeated:
            if len(va) != len(vb):
                found.append(f"{here}: {len(va)} items != {len(vb)} items")
            for i, (x, y) in enumerate(zip(va, vb, strict=False)):
                found += differences(x, y, f"{here}[{_label(x, i)}]")
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            if a.HasField(name) != b.HasField(name):
                found.append(f"{here}: set={a.HasField(name)} != set={b.HasField(name)}")
            else:
                found += differences(va, vb, here)
        else:
            present = field.has_presence and a.HasField(name) != b.HasField(name)
            if va != vb or present:
                found.append(f"{here}: {va!r} != {vb!r}")
    return found
