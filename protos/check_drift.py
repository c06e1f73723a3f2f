"""Drift check: regenerate protos/ and generated/ and fail on any difference.

Renders the .proto files from the pinned xai-sdk and compiles them into a
temporary folder, then compares file by file with the committed tree. Exit 1
and a list of the files that differ when anything does.

Usage: python protos/check_drift.py [--root DIR]
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compile import compile_protos
from refresh import HEADER, render, sdk_descriptors


def _tree(root: Path) -> dict[str, Path]:
    return {
        str(p.relative_to(root)): p
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def _compare(expected: Path, actual: Path, label: str) -> list[str]:
    want, have = _tree(expected), _tree(actual)
    problems = [
        f"{label}/{name}: missing (run `make protos`)" for name in sorted(want.keys() - have.keys())
    ]
    problems += [
        f"{label}/{name}: not produced by `make protos`"
        for name in sorted(have.keys() - want.keys())
    ]
    problems += [
        f"{label}/{name}: differs from what `make protos` produces"
        for name in sorted(want.keys() & have.keys())
        if not filecmp.cmp(want[name], have[name], shallow=False)
    ]
    return problems


def drift(root: Path) -> list[str]:
    """Return one line per file in ``root``'s protos/ and generated/ that has drifted."""
    from importlib.metadata import version

    from google.protobuf import descriptor_pb2

    header = HEADER.format(version=version("xai-sdk"))
    with tempfile.TemporaryDirectory() as tmp:
        protos = Path(tmp, "protos")
        for name, blob in sdk_descriptors().items():
            target = protos / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(header + render(descriptor_pb2.FileDescriptorProto.FromString(blob)))
        # Our own service definitions are sources, not rendered: take them as they are.
        own = root / "protos" / "agentrt"
        for path in own.rglob("*.proto") if own.exists() else []:
            dest = protos / path.relative_to(root / "protos")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(path.read_bytes())
        generated = Path(tmp, "generated")
        compile_protos(protos, generated)
        problems = _compare(protos / "xai", root / "protos" / "xai", "protos/xai")
        return problems + _compare(generated, root / "generated", "generated")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    problems = drift(parser.parse_args().root.resolve())
    for line in problems:
        print(f"drift: {line}", file=sys.stderr)
    if problems:
        print(
            "generated code is out of date or was edited by hand: run `make protos`",
            file=sys.stderr,
        )
        return 1
    print("drift check: protos/ and generated/ match the pinned xai-sdk", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
