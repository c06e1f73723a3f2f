"""The simulator's file store keeps an upload's bytes exactly as its parts arrived."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest

from agentrt.sim.ragstore import RagLimits, RagStore
from agentrt.sim.status import SimStatus

MIB = 1 << 20


@pytest.mark.parametrize(
    "parts",
    [
        [b"ab", b"", b"cde"],
        [],
        [b""],
        [b"\x00\xff" * 7],
        [bytes([n]) * MIB for n in range(3)],  # upload-sized parts
    ],
)
def test_parts_are_stored_joined(parts: list[bytes]) -> None:
    store = RagStore(RagLimits())
    file_id = store.add_file("f.bin", parts, None)
    store.finish_upload(file_id, True)
    assert store.file_data(file_id) == b"".join(parts)
    assert store.file(file_id)[2] == sum(map(len, parts))


def test_parts_over_the_byte_bound_store_nothing() -> None:
    store = RagStore(RagLimits(max_total_bytes=10))
    with pytest.raises(SimStatus) as raised:
        store.add_file("f.bin", [b"12345", b"678901"], None)
    assert raised.value.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert store.files("created", False, 0, 10) == []


def test_parts_survive_a_restart(tmp_path: Path) -> None:
    store = RagStore(RagLimits(), tmp_path)
    file_id = store.add_file("f.bin", [b"one ", b"two"], None)
    store.finish_upload(file_id, True)
    store.close()
    again = RagStore(RagLimits(), tmp_path)
    assert again.file_data(file_id) == b"one two"
    again.close()
