"""The drift check passes on the committed tree and fails when a generated file is edited by hand."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "protos" / "check_drift.py"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "protos", root / "protos", ignore=ignore)
    shutil.copytree(ROOT / "generated", root / "generated", ignore=ignore)
    return root


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECK), "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_committed_tree_has_no_drift(tree: Path) -> None:
    result = _check(tree)
    assert result.returncode == 0, result.stderr


def test_hand_edit_of_generated_file_fails(tree: Path) -> None:
    target = tree / "generated" / "agentrt_protos" / "xai" / "api" / "v1" / "chat_pb2_grpc.py"
    original = target.read_text()
    target.write_text(original.replace("class ChatStub", "class ChatStub  # tweaked", 1))
    try:
        result = _check(tree)
    finally:
        target.write_text(original)
    assert result.returncode == 1
    assert "generated/agentrt_protos/xai/api/v1/chat_pb2_grpc.py: differs" in result.stderr


def test_hand_edit_of_rendered_proto_and_stray_file_fail(tree: Path) -> None:
    proto = tree / "protos" / "xai" / "api" / "v1" / "tokenize.proto"
    stray = tree / "generated" / "agentrt_protos" / "xai" / "api" / "v1" / "extra_pb2.py"
    original = proto.read_text()
    proto.write_text(original + "\n// a local note\n")
    stray.write_text("# not generated\n")
    try:
        result = _check(tree)
    finally:
        proto.write_text(original)
        stray.unlink()
    assert result.returncode == 1
    assert "drift: protos/xai/api/v1/tokenize.proto: differs" in result.stderr
    assert "extra_pb2.py: not produced by `make protos`" in result.stderr
