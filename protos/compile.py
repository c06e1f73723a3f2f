"""Compile protos/ into generated/agentrt_protos with grpcio-tools.

protoc writes imports from file paths (``from xai.api.v1 import chat_pb2``), so
every generated module is rewritten to import from ``agentrt_protos.…``; the
descriptor file names stay ``xai/api/v1/*.proto``.

protoc's Python generator drops ``json_name`` from the bytes it embeds, while
xai-sdk's embedded descriptors carry it. The descriptor pool accepts a second
registration of a file only when the bytes are identical, so the bytes embedded
here come from ``--descriptor_set_out`` (which keeps ``json_name``), and the
``_serialized_start/_end`` offsets used by the pure-Python backend are
recomputed for them.

Usage: python protos/compile.py [--protos protos] [--out generated]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "agentrt_protos"
_IMPORT = re.compile(r"^(from|import) (xai|agentrt)\.", re.MULTILINE)
_MODULE_ARG = re.compile(r"(BuildTopDescriptorsAndMessages\(DESCRIPTOR, ')((?:xai|agentrt)\.)")
_SERIALIZED = re.compile(r"AddSerializedFile\((b'(?:[^'\\]|\\.)*')\)")
_OFFSET = re.compile(r"_globals\['(_[A-Z0-9_]+)'\]\._serialized_(start|end)=(\d+)")


def _include_dirs() -> list[str]:
    import google.rpc
    import grpc_tools

    wkt = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    googleapis = str(Path(next(iter(google.rpc.__path__))).parent.parent)
    return [wkt, googleapis]


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(buf: bytes, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """Yield (field number, payload start, payload end) of length-delimited fields."""
    pos = start
    while pos < end:
        key, pos = _varint(buf, pos)
        wire = key & 7
        if wire == 0:
            _, pos = _varint(buf, pos)
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == 2:
            size, pos = _varint(buf, pos)
            yield key >> 3, pos, pos + size
            pos += size
        else:
            raise ValueError(f"unexpected wire type {wire} in a descriptor")


def _name(buf: bytes, start: int, end: int) -> str:
    for number, s, e in _fields(buf, start, end):
        if number == 1:
            return buf[s:e].decode()
    raise ValueError("descriptor without a name")


def offsets(blob: bytes) -> dict[str, tuple[int, int]]:
    """Map protoc's ``_OUTER_INNER`` globals to their byte ranges in a FileDescriptorProto.

    Like protoc, a range is where the descriptor's bytes first occur in the file,
    so identical descriptors (two ``FieldsEntry`` map entries) share one range.
    """
    found: dict[str, tuple[int, int]] = {}

    def walk(start: int, end: int, prefix: str, kinds: dict[int, bool]) -> None:
        for number, s, e in _fields(blob, start, end):
            if number in kinds:
                name = f"{prefix}_{_name(blob, s, e).upper()}"
                first = blob.find(blob[s:e])
                found[name] = (first, first + e - s)
                if kinds[number]:
                    walk(s, e, name, {3: True, 4: False})

    # FileDescriptorProto: 4 message_type, 5 enum_type, 6 service.
    walk(0, len(blob), "", {4: True, 5: False, 6: False})
    return found


def _patch_pb2(source: str, blob: bytes) -> str:
    """Embed ``blob`` in place of protoc's bytes and fix the offsets that point into it."""
    match = _SERIALIZED.search(source)
    if match is None:
        raise ValueError("no AddSerializedFile call in generated code")
    import ast

    original = ast.literal_eval(match.group(1))
    old, new = offsets(original), offsets(blob)

    def fix(m: re.Match[str]) -> str:
        name, which, value = m.group(1), m.group(2), int(m.group(3))
        if old[name][0 if which == "start" else 1] != value:  # our walker must agree with protoc
            raise ValueError(f"offset walker disagrees with protoc on {name}")
        return f"_globals['{name}']._serialized_{which}={new[name][0 if which == 'start' else 1]}"

    source = source[: match.start(1)] + repr(blob) + source[match.end(1) :]
    return _OFFSET.sub(fix, source)


def _rewrite_imports(source: str) -> str:
    source = _IMPORT.sub(rf"\1 {PACKAGE}.\2.", source)
    return _MODULE_ARG.sub(rf"\1{PACKAGE}.\2", source)


def compile_protos(protos: Path, out: Path) -> list[Path]:
    """Compile every .proto under ``protos`` into ``out/agentrt_protos``; return written files."""
    from google.protobuf import descriptor_pb2
    from grpc_tools import protoc

    sources = sorted(str(p.relative_to(protos)) for p in protos.rglob("*.proto"))
    with tempfile.TemporaryDirectory() as tmp:
        descriptor_set = os.path.join(tmp, "set.pb")
        args = [
            "protoc",
            f"-I{protos}",
            *(f"-I{d}" for d in _include_dirs()),
            f"--python_out={tmp}",
            f"--pyi_out={tmp}",
            f"--grpc_python_out={tmp}",
            f"--descriptor_set_out={descriptor_set}",
            *sources,
        ]
        if protoc.main(args) != 0:
            raise SystemExit("protoc failed (see the messages above)")
        fds = descriptor_pb2.FileDescriptorSet.FromString(Path(descriptor_set).read_bytes())
        blobs = {f.name: f.SerializeToString() for f in fds.file}
        target = out / PACKAGE
        if target.exists():
            shutil.rmtree(target)
        written = []
        for proto in sources:
            stem = proto.removesuffix(".proto")
            for suffix in ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py"):
                text = (Path(tmp) / (stem + suffix)).read_text()
                if suffix == "_pb2.py":
                    text = _patch_pb2(text, blobs[proto])
                dest = target / (stem + suffix)
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_text(_rewrite_imports(text))
                written.append(dest)
        _write_packages(target)
    return written


def _write_packages(target: Path) -> None:
    doc = '"""Generated by protos/compile.py from protos/. Do not edit."""\n'
    for folder in [target, *(p for p in target.rglob("*") if p.is_dir())]:
        (folder / "__init__.py").write_text(doc)
    (target / "py.typed").write_text("")


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--protos", type=Path, default=root / "protos")
    parser.add_argument("--out", type=Path, default=root / "generated")
    args = parser.parse_args()
    written = compile_protos(args.protos.resolve(), args.out.resolve())
    print(f"compiled {len(written)} files into {args.out / PACKAGE}", file=sys.stderr)


if __name__ == "__main__":
    main()
