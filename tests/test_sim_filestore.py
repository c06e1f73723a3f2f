"""The simulator's file store: an upload's bytes kept exactly as its parts arrived, a
download read piece by piece as it is sent."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

import grpc
import pytest
from agentrt_protos.xai.api.v1 import files_pb2

from agentrt.sim.files import FilesService
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


async def test_a_download_holds_one_piece_not_the_file() -> None:
    store = RagStore(RagLimits(download_chunk_bytes=MIB))
    file_id = store.add_file("big.bin", [bytes([n]) * MIB for n in range(16)], None)
    store.finish_upload(file_id, True)
    request = files_pb2.RetrieveFileContentRequest(file_id=file_id)
    got = bytearray()
    tracemalloc.start()
    try:
        async for chunk in FilesService(store).retrieve_file_content(request, None):
            got += chunk.data[:1]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert bytes(got) == bytes(range(16))
    assert peak < 4 * MIB  # read whole, the 16 MiB file was in memory at once


@pytest.mark.parametrize(
    "change",
    [
        lambda store, fid: store.delete_file(fid),
        lambda store, fid: store.replace_file(fid, None, b"new bytes"),
        lambda store, fid: store.replace_file(fid, "renamed.bin", None),
    ],
    ids=["deleted", "replaced", "renamed"],
)
def test_a_file_changed_during_its_download_aborts_it(
    change: Callable[[RagStore, str], None],
) -> None:
    store = RagStore(RagLimits())
    file_id = store.add_file("f.bin", [b"abcdef"], None)
    store.finish_upload(file_id, True)
    pieces = store.file_pieces(file_id, 2)
    assert next(pieces) == b"ab"
    change(store, file_id)
    with pytest.raises(SimStatus) as raised:
        next(pieces)
    assert raised.value.code == grpc.StatusCode.ABORTED
    assert "download it again" in raised.value.details


def test_pieces_of_an_empty_file_and_of_no_file() -> None:
    store = RagStore(RagLimits())
    empty = store.add_file("empty.bin", [], None)
    store.finish_upload(empty, True)
    assert list(store.file_pieces(empty, 4)) == [b""]
    with pytest.raises(SimStatus) as raised:
        list(store.file_pieces("file_nope", 4))
    assert raised.value.code == grpc.StatusCode.NOT_FOUND


def test_expired_files_give_their_room_back() -> None:
    now = [1000.0]
    store = RagStore(RagLimits(max_files=1, max_total_bytes=10), clock=lambda: now[0])
    old = store.add_file("old.txt", [b"0123456789"], 60)  # all the room there is
    store.finish_upload(old, True)
    now[0] += 61  # it expired: hidden from every call, and its room is free again
    new = store.add_file("new.txt", [b"abcdefghij"], None)
    store.finish_upload(new, True)
    assert store._one("SELECT COUNT(*) FROM files") == 1
    store.close()
