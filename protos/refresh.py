"""Render xAI's wire contract as .proto text from the pinned xai-sdk.

The official ``xai-sdk`` wheel embeds the newest compiled form of xAI's API
(``xai_sdk/proto/v6/*_pb2.py`` carry serialized ``FileDescriptorProto``s). This
script reads every embedded descriptor and writes it back out as ``.proto``
source under ``protos/xai/api/v1/``. Rerun it after bumping the pin and the API
change shows up as a readable diff.

Usage: python protos/refresh.py [--out protos]
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path

from google.protobuf import descriptor_pb2 as d

SDK_PROTO_PACKAGE = "xai_sdk.proto.v6"
HEADER = (
    "// Rendered from the serialized descriptor embedded in xai-sdk {version}\n"
    "// by protos/refresh.py. Do not edit by hand: rerun `make refresh-protos`.\n\n"
)

_SCALARS = {
    d.FieldDescriptorProto.TYPE_DOUBLE: "double",
    d.FieldDescriptorProto.TYPE_FLOAT: "float",
    d.FieldDescriptorProto.TYPE_INT64: "int64",
    d.FieldDescriptorProto.TYPE_UINT64: "uint64",
    d.FieldDescriptorProto.TYPE_INT32: "int32",
    d.FieldDescriptorProto.TYPE_FIXED64: "fixed64",
    d.FieldDescriptorProto.TYPE_FIXED32: "fixed32",
    d.FieldDescriptorProto.TYPE_BOOL: "bool",
    d.FieldDescriptorProto.TYPE_STRING: "string",
    d.FieldDescriptorProto.TYPE_BYTES: "bytes",
    d.FieldDescriptorProto.TYPE_UINT32: "uint32",
    d.FieldDescriptorProto.TYPE_SFIXED32: "sfixed32",
    d.FieldDescriptorProto.TYPE_SFIXED64: "sfixed64",
    d.FieldDescriptorProto.TYPE_SINT32: "sint32",
    d.FieldDescriptorProto.TYPE_SINT64: "sint64",
}


def sdk_descriptors() -> dict[str, bytes]:
    """Return {proto file name: serialized FileDescriptorProto} from the installed SDK.

    The bytes are read from the ``AddSerializedFile(b'...')`` literal in each
    module's source, so nothing of xai_sdk is imported or registered.
    """
    spec = importlib.util.find_spec(SDK_PROTO_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{SDK_PROTO_PACKAGE} is not installed: pip install the pinned xai-sdk")
    folder = Path(next(iter(spec.submodule_search_locations)))
    found: dict[str, bytes] = {}
    for path in sorted(folder.glob("*_pb2.py")):
        blob = serialized_literal(path.read_text())
        found[d.FileDescriptorProto.FromString(blob).name] = blob
    return found


def serialized_literal(source: str) -> bytes:
    """Extract the bytes passed to ``AddSerializedFile`` in a generated ``_pb2.py``."""
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "AddSerializedFile"
        ):
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, bytes):
                return arg.value
    raise ValueError("no AddSerializedFile(b'...') call found")


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


def _options(options: d.MessageOptions | d.FieldOptions | d.EnumValueOptions) -> list[str]:
    out = []
    for field, value in options.ListFields():
        if field.name == "map_entry":
            continue
        if field.enum_type is not None:
            value = field.enum_type.values_by_number[value].name
            out.append(f"{field.name} = {value}")
        else:
            out.append(f"{field.name} = {_literal(value)}")
    return out


def _camel(name: str) -> str:
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


class Renderer:
    """Renders one FileDescriptorProto as .proto text."""

    def __init__(self, fdp: d.FileDescriptorProto) -> None:
        self.fdp = fdp
        self.prefix = f".{fdp.package}." if fdp.package else "."
        self.lines: list[str] = []

    def render(self) -> str:
        f = self.fdp
        self.lines.append(f'syntax = "{f.syntax or "proto2"}";\n')
        self.lines.append(f"package {f.package};\n")
        for i, dep in enumerate(f.dependency):
            public = " public" if i in f.public_dependency else ""
            self.lines.append(f'import{public} "{dep}";')
        if f.dependency:
            self.lines.append("")
        for opt in _options(f.options):  # type: ignore[arg-type]
            self.lines.append(f"option {opt};")
        if f.options.ListFields():
            self.lines.append("")
        for enum in f.enum_type:
            self._enum(enum, 0)
        for msg in f.message_type:
            self._message(msg, 0, [])
        for svc in f.service:
            self._service(svc)
        return "\n".join(self.lines).rstrip() + "\n"

    def _emit(self, depth: int, text: str) -> None:
        self.lines.append("  " * depth + text)

    def _type_name(self, name: str, scopes: list[d.DescriptorProto]) -> str:
        if not name.startswith(self.prefix):
            return name
        short = name[len(self.prefix) :]
        head = short.split(".")[0]
        shadowed = any(
            head in {n.name for n in s.nested_type} | {e.name for e in s.enum_type} for s in scopes
        )
        return name if shadowed else short

    def _field_type(self, field: d.FieldDescriptorProto, scopes: list[d.DescriptorProto]) -> str:
        if field.type in _SCALARS:
            return _SCALARS[field.type]
        return self._type_name(field.type_name, scopes)

    def _field(
        self,
        field: d.FieldDescriptorProto,
        msg: d.DescriptorProto,
        depth: int,
        scopes: list[d.DescriptorProto],
    ) -> None:
        opts = _options(field.options)
        if field.json_name and field.json_name != _camel(field.name):
            opts.insert(0, f"json_name = {json.dumps(field.json_name)}")
        suffix = f" [{', '.join(opts)}]" if opts else ""
        entry = self._map_entry(field, msg)
        if entry is not None:
            key, value = entry.field[0], entry.field[1]
            kind = f"map<{self._field_type(key, scopes)}, {self._field_type(value, scopes)}>"
            self._emit(depth, f"{kind} {field.name} = {field.number}{suffix};")
            return
        label = ""
        if field.label == d.FieldDescriptorProto.LABEL_REPEATED:
            label = "repeated "
        elif field.proto3_optional or (
            self.fdp.syntax != "proto3" and field.label == d.FieldDescriptorProto.LABEL_OPTIONAL
        ):
            label = "optional "
        elif field.label == d.FieldDescriptorProto.LABEL_REQUIRED:
            label = "required "
        kind = self._field_type(field, scopes)
        self._emit(depth, f"{label}{kind} {field.name} = {field.number}{suffix};")

    @staticmethod
    def _map_entry(
        field: d.FieldDescriptorProto, msg: d.DescriptorProto
    ) -> d.DescriptorProto | None:
        if field.label != d.FieldDescriptorProto.LABEL_REPEATED or not field.type_name:
            return None
        leaf = field.type_name.rsplit(".", 1)[-1]
        for nested in msg.nested_type:
            if nested.name == leaf and nested.options.map_entry:
                return nested
        return None

    def _body_order(self, msg: d.DescriptorProto) -> Iterator[tuple[str, object]]:
        """Interleave fields and nested messages so protoc rebuilds nested_type in order.

        A map field creates its entry type where the field is declared, so the
        fields up to each map field are emitted before the nested messages after it.
        """
        fields = list(msg.field)
        pos = 0
        for nested in msg.nested_type:
            if nested.options.map_entry:
                while pos < len(fields):
                    pos += 1
                    yield "field", fields[pos - 1]
                    if self._map_entry(fields[pos - 1], msg) is nested:
                        break
            else:
                yield "message", nested
        for field in fields[pos:]:
            yield "field", field

    def _message(self, msg: d.DescriptorProto, depth: int, scopes: list[d.DescriptorProto]) -> None:
        self._emit(depth, f"message {msg.name} {{")
        inner = [*scopes, msg]
        for opt in _options(msg.options):
            self._emit(depth + 1, f"option {opt};")
        for enum in msg.enum_type:
            self._enum(enum, depth + 1)
        open_oneof: int | None = None
        for kind, item in self._body_order(msg):
            if kind == "message":
                open_oneof = self._close_oneof(open_oneof, depth)
                self._message(item, depth + 1, inner)  # type: ignore[arg-type]
                continue
            field: d.FieldDescriptorProto = item  # type: ignore[assignment]
            real_oneof = field.HasField("oneof_index") and not field.proto3_optional
            index = field.oneof_index if real_oneof else None
            if index != open_oneof:
                open_oneof = self._close_oneof(open_oneof, depth)
                if index is not None:
                    self._emit(depth + 1, f"oneof {msg.oneof_decl[index].name} {{")
                    open_oneof = index
            self._field(field, msg, depth + 2 if index is not None else depth + 1, inner)
        self._close_oneof(open_oneof, depth)
        self._reserved(msg.reserved_range, msg.reserved_name, depth + 1, inclusive_end=False)
        self._emit(depth, "}")

    def _close_oneof(self, open_oneof: int | None, depth: int) -> None:
        if open_oneof is not None:
            self._emit(depth + 1, "}")
        return None

    def _reserved(self, ranges: object, names: object, depth: int, *, inclusive_end: bool) -> None:
        for r in ranges:  # type: ignore[attr-defined]
            end = r.end if inclusive_end else r.end - 1
            self._emit(
                depth, f"reserved {r.start};" if end == r.start else f"reserved {r.start} to {end};"
            )
        for name in names:  # type: ignore[attr-defined]
            self._emit(depth, f'reserved "{name}";')

    def _enum(self, enum: d.EnumDescriptorProto, depth: int) -> None:
        self._emit(depth, f"enum {enum.name} {{")
        for opt in _options(enum.options):  # type: ignore[arg-type]
            self._emit(depth + 1, f"option {opt};")
        for value in enum.value:
            opts = _options(value.options)
            suffix = f" [{', '.join(opts)}]" if opts else ""
            self._emit(depth + 1, f"{value.name} = {value.number}{suffix};")
        self._reserved(enum.reserved_range, enum.reserved_name, depth + 1, inclusive_end=True)
        self._emit(depth, "}")

    def _service(self, svc: d.ServiceDescriptorProto) -> None:
        self.lines.append("")
        self._emit(0, f"service {svc.name} {{")
        for m in svc.method:
            cin = "stream " if m.client_streaming else ""
            cout = "stream " if m.server_streaming else ""
            inp, out = self._type_name(m.input_type, []), self._type_name(m.output_type, [])
            opts = _options(m.options)  # type: ignore[arg-type]
            head = f"rpc {m.name}({cin}{inp}) returns ({cout}{out})"
            if opts:
                self._emit(1, head + " {")
                for opt in opts:
                    self._emit(2, f"option {opt};")
                self._emit(1, "}")
            elif m.HasField("options"):
                # A present-but-empty options message (xAI strips its HTTP
                # annotations) is reproduced by protoc only from a `{}` body.
                self._emit(1, head + " {}")
            else:
                self._emit(1, head + ";")
        self._emit(0, "}")


def render(fdp: d.FileDescriptorProto) -> str:
    """Render one descriptor as .proto source text."""
    text = Renderer(fdp).render()
    return re.sub(r"\n{3,}", "\n\n", text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent, help="protos root")
    args = parser.parse_args()
    from importlib.metadata import version

    header = HEADER.format(version=version("xai-sdk"))
    for name, blob in sdk_descriptors().items():
        target = args.out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(header + render(d.FileDescriptorProto.FromString(blob)))
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
