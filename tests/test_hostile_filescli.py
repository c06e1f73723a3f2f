"""Hostile command lines for ``agentrt files`` and ``agentrt collections``.

Tables of bad input (a missing path, a directory, an unknown id or name, a bad flag
value): exit 2, one ``agentrt: error:`` line, no traceback, nothing on stdout. Then
what a server does to a batch (refuses one upload: the others are stored, exit 1)
and Ctrl-C in the middle of a transfer (nothing partial is left, on the server or
on disk).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.conftest import SimProcess, agentrt_command, clean_env, running_sim
from tests.test_cli_files import cli, ok_json

pytestmark = pytest.mark.e2e

HERE = str(Path(__file__).parent)  # a directory
SOME_FILE = __file__


@pytest.fixture(scope="module")
def sim() -> Iterator[SimProcess]:
    """One simulator for the table (its cases store nothing)."""
    with running_sim() as process:
        yield process


def _one_error_line(code: int, out: bytes, err: str) -> str:
    assert code == 2, err
    assert out == b""
    assert err.startswith("agentrt: error: "), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


F = ("files",)
C = ("collections",)
CREATE = ("collections", "create", "c")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((*F, "upload", "/nonexistent/x.txt"), "'/nonexistent/x.txt': no such file"),
        ((*F, "upload", SOME_FILE, HERE), f"'{HERE}' is a directory"),
        ((*F, "upload", "/dev/null"), "'/dev/null' is not a regular file"),
        ((*F, "upload", SOME_FILE, ""), "an empty path: give a file to upload"),
        ((*F, "upload", SOME_FILE, "--concurrency", "0"), "--concurrency: '0' is not a whole"),
        ((*F, "upload", SOME_FILE, "--concurrency", "x"), "--concurrency: 'x' is not a whole"),
        ((*F, "upload", SOME_FILE, "--expires-after", "soon"), "'soon' is not a duration"),
        ((*F, "upload", SOME_FILE, "--expires-after=-1h"), "'-1h' is not a duration"),
        ((*F, "upload", SOME_FILE, "--expires-after", "nan"), "'nan' is not a duration"),
        ((*F, "upload", SOME_FILE, "--expires-after", "0"), "'0' is not a duration"),
        ((*F, "list", "--limit", "0"), "--limit: '0' is not a whole number"),
        ((*F, "list", "--sort", "age"), "argument --sort: invalid choice: 'age'"),
        ((*F, "info", "file_nope"), "file 'file_nope' not found"),
        ((*F, "rm", "file_nope"), "file 'file_nope' not found"),
        ((*F, "download", "file_nope", "-o", "-"), "file 'file_nope' not found"),
        ((*F, "download", "file_x", "-o", "/nonexistent/out.bin"), "'/nonexistent' does not"),
        ((*F, "url", "file_x", "--expires-after", "1h", "--revoke"), "not allowed with"),
        ((*F, "copy"), "invalid choice: 'copy'"),
        ((*C, "info", "nope"), "no collection has the id or name 'nope'"),
        ((*C, "rm", "nope"), "no collection has the id or name 'nope'"),
        ((*C, "docs", "nope"), "no collection has the id or name 'nope'"),
        ((*C, "add", "nope", SOME_FILE), "no collection has the id or name 'nope'"),
        ((*C, "search", "nope", "query"), "no collection has the id or name 'nope'"),
        ((*C, "add", "c", "/nonexistent/x.txt"), "'/nonexistent/x.txt': no such file"),
        ((*C, "add", "c", HERE), "is a directory"),
        ((*C, "add", "c", SOME_FILE, "--field", "novalue"), "--field 'novalue': write KEY=VALUE"),
        ((*C, "add", "c", SOME_FILE, "--field", "=v"), "--field '=v': write KEY=VALUE"),
        ((*C, "add", "c", SOME_FILE, "--field", "k=1", "--field", "k=2"), "'k' is given twice"),
        ((*C, "add", "c", SOME_FILE, "--concurrency", "0"), "--concurrency: '0'"),
        ((*C, "add", "c", SOME_FILE, "--wait-timeout", "forever"), "'forever' is not a duration"),
        ((*CREATE, "--chunk-size", "0"), "--chunk-size: '0' is not a whole number"),
        ((*CREATE, "--chunk-size", "big"), "--chunk-size: 'big' is not a whole number"),
        ((*CREATE, "--chunk-size", "1e3"), "--chunk-size: '1e3' is not a whole number"),
        ((*CREATE, "--chunk-size", "10", "--chunk-overlap", "10"), "must be less than"),
        ((*CREATE, "--chunk-overlap", "5"), "--chunk-unit and --chunk-overlap need --chunk-size"),
        ((*CREATE, "--chunk-unit", "words"), "argument --chunk-unit: invalid choice: 'words'"),
        ((*CREATE, "--metric", "manhattan"), "argument --metric: invalid choice"),
        ((*CREATE, "--field", "k:bogus"), "--field 'k:bogus': unknown flag 'bogus'"),
        ((*CREATE, "--field", ":required"), "--field ':required': the key is empty"),
        ((*CREATE, "--field", "k", "--field", "k:unique"), "--field: each key once"),
        (("collections", "create", " "), "the collection name is empty"),
        ((*C, "search", "c", "q", "--mode", "fuzzy"), "argument --mode: invalid choice: 'fuzzy'"),
        ((*C, "search", "c", "q", "--limit", "0"), "--limit: '0' is not a whole number"),
        ((*C, "search", "c"), "give a query: search NAME_OR_ID QUERY, or --query Q"),
        ((*C, "search", "c", "--query", " "), "the query is empty"),
    ],
)
async def test_bad_input_is_one_line_exit_2(
    sim: SimProcess, args: tuple[str, ...], message: str
) -> None:
    err = _one_error_line(*await cli(sim.address, *args))
    assert message in err


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("files",), {}, "the following arguments are required: ACTION"),
        (("files", "list"), {}, "no endpoint: set XAI_API_KEY to use api.x.ai:443, or start"),
        (("collections", "list"), {}, "`agentrt sim --data-dir DIR` and pass --endpoint"),
        (("files", "list", "--endpoint", "nohost"), {}, "nohost"),
        (("files", "list"), {"AGENTRT_ENDPOINT": "a:b:c"}, "$AGENTRT_ENDPOINT"),
        (("collections", "list"), {"XAI_API_KEY": "k"}, "set XAI_MANAGEMENT_API_KEY"),
    ],
)
async def test_endpoint_problems_are_one_line_exit_2(
    args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    proc = await asyncio.create_subprocess_exec(
        *agentrt_command(*args),
        env=clean_env(**env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode is not None
    assert message in _one_error_line(proc.returncode, out, err.decode())


async def test_a_refused_upload_fails_alone(tmp_path: Path) -> None:
    for name, size in (("a.txt", 10), ("huge.bin", 5000), ("b.txt", 20)):
        (tmp_path / name).write_bytes(b"x" * size)
    paths = [str(tmp_path / n) for n in ("a.txt", "huge.bin", "b.txt")]
    with running_sim("--max-file-bytes", "1000") as sim:
        code, out, err = await cli(sim.address, "files", "upload", *paths)
        assert code == 1, err
        assert len(out.decode().split()) == 2
        assert f"agentrt: error: 1 of 3 uploads failed: {paths[1]}" in err
        assert "larger than the simulator's limit of 1000 bytes" in err
        assert "Traceback" not in err
        listed = await ok_json(sim.address, "files", "list", "--sort", "filename", "--order", "asc")
    assert isinstance(listed, list)
    assert [(f["filename"], f["size"]) for f in listed] == [("a.txt", 10), ("b.txt", 20)]


async def test_download_into_a_directory_never_replaces_a_file_there(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("new content")
    (out_dir := tmp_path / "out").mkdir()
    (out_dir / "keep.txt").write_text("old")
    with running_sim() as sim:
        code, out, err = await cli(sim.address, "files", "upload", str(tmp_path / "keep.txt"))
        assert code == 0, err
        file_id = out.decode().strip()
        code, out, err = await cli(sim.address, "files", "download", file_id, "-o", str(out_dir))
        assert f"'{out_dir / 'keep.txt'}' exists: pass -o" in _one_error_line(code, out, err)
        assert (out_dir / "keep.txt").read_text() == "old"
        code, out, err = await cli(
            sim.address, "files", "download", file_id, "-o", str(out_dir / "keep.txt")
        )
    assert code == 0, err
    assert (out_dir / "keep.txt").read_text() == "new content"


async def test_a_download_cut_off_by_the_server_leaves_no_file(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(range(256)) * 16384)  # 4 MiB: 4 download messages of 1 MiB
    (out_dir := tmp_path / "out").mkdir()
    data = str(tmp_path / "data")
    with running_sim("--data-dir", data) as sim:
        code, out, err = await cli(sim.address, "files", "upload", str(big))
        assert code == 0, err
    with running_sim("--data-dir", data, "--fault", "abort", "--abort-after", "2") as sim:
        code, _, err = await cli(
            sim.address, "files", "download", out.decode().strip(), "-o", str(out_dir / "big.bin")
        )
    assert code == 3, err
    assert err.startswith("agentrt: error: ")
    assert err.count("\n") == 1, err
    assert list(out_dir.iterdir()) == []


async def test_a_name_shared_by_two_collections_needs_an_id() -> None:
    with running_sim() as sim:
        ids = []
        for _ in range(2):
            code, out, err = await cli(sim.address, "collections", "create", "twin")
            assert code == 0, err
            ids.append(out.decode().strip())
        code, out, err = await cli(sim.address, "collections", "rm", "twin")
        assert "2 collections are named 'twin': use an id" in _one_error_line(code, out, err)
        code, out, err = await cli(sim.address, "collections", "rm", ids[0])
        assert (code, out.decode().strip()) == (0, ids[0]), err


async def test_rm_with_one_unknown_id_deletes_nothing(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("keep me")
    with running_sim() as sim:
        code, out, err = await cli(sim.address, "files", "upload", str(tmp_path / "keep.txt"))
        assert code == 0, err
        kept = out.decode().strip()
        code, out, err = await cli(sim.address, "files", "rm", kept, "file_nope")
        assert "file 'file_nope' not found" in _one_error_line(code, out, err)
        listed = await ok_json(sim.address, "files", "list")
    assert isinstance(listed, list)
    assert [f["id"] for f in listed] == [kept]


async def test_a_refused_document_fails_alone(tmp_path: Path) -> None:
    for name, size in (("a.txt", 10), ("huge.txt", 5000), ("b.txt", 20)):
        (tmp_path / name).write_text("y" * size)
    paths = [str(tmp_path / n) for n in ("a.txt", "huge.txt", "b.txt")]
    with running_sim("--max-file-bytes", "1000", "--index-delay-ms", "0") as sim:
        code, _, err = await cli(sim.address, "collections", "create", "kb")
        assert code == 0, err
        code, out, err = await cli(sim.address, "collections", "add", "kb", *paths, "--json")
        assert code == 1, err
        records = json.loads(out)
        assert [(r["path"], r["file_id"] is None) for r in records] == [
            (paths[0], False),
            (paths[1], True),
            (paths[2], False),
        ]
        assert "larger than the simulator's limit" in records[1]["error"]
        assert f"agentrt: error: {paths[1]}: INVALID_ARGUMENT: " in err
        docs = await ok_json(sim.address, "collections", "docs", "kb")
    assert isinstance(docs, list)
    assert sorted(d["name"] for d in docs) == ["a.txt", "b.txt"]


async def test_wait_fails_with_exit_1_naming_a_document_that_failed_to_index(
    tmp_path: Path,
) -> None:
    (tmp_path / "ok.txt").write_text("a small document about trams")
    (tmp_path / "huge.txt").write_text("word " * 250_000)  # over the sim's 1 MiB index limit
    paths = [str(tmp_path / "ok.txt"), str(tmp_path / "huge.txt")]
    with running_sim("--index-delay-ms", "0") as sim:
        code, _, err = await cli(sim.address, "collections", "create", "kb")
        assert code == 0, err
        code, out, err = await cli(
            sim.address, "collections", "add", "kb", *paths, "--wait", "--json"
        )
        assert code == 1, err
        records = json.loads(out)
        assert [(r["name"], r["status"]) for r in records] == [
            ("ok.txt", "processed"),
            ("huge.txt", "failed"),
        ]
        assert records[0]["error"] is None
        assert "indexes documents of at most" in records[1]["error"]
        assert f"agentrt: error: huge.txt ({records[1]['file_id']}): indexing failed: " in err
        assert "Traceback" not in err
        code, out, err = await cli(sim.address, "collections", "search", "kb", "trams")
    assert code == 0, err
    assert out.decode().split("\t")[2] == "ok.txt"


class _Valve:
    """A TCP proxy that stops forwarding one direction after ``after`` bytes (a stalled transfer)."""

    def __init__(self, target: SimProcess, *, upstream: bool, after: int) -> None:
        self.target = target
        self.upstream = upstream  # stall client -> server (an upload) or server -> client
        self.after = after
        self.stalled = asyncio.Event()
        self._writers: list[asyncio.StreamWriter] = []
        self._handlers: list[asyncio.Task[None]] = []

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, watched: bool
    ) -> None:
        sent = 0
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
                sent += len(data)
                if watched and sent >= self.after:
                    self.stalled.set()
                    await asyncio.Event().wait()  # until the test ends: the peer sees no more

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.append(task)
        up_reader, up_writer = await asyncio.open_connection(self.target.host, self.target.port)
        self._writers += [writer, up_writer]
        async with asyncio.TaskGroup() as pumps:
            pumps.create_task(self._pump(reader, up_writer, self.upstream))
            pumps.create_task(self._pump(up_reader, writer, not self.upstream))

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[str]:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            yield f"127.0.0.1:{port}"
        finally:
            for writer in self._writers:
                writer.transport.abort()  # the server sees the connection drop
            for task in self._handlers:
                task.cancel()
            await asyncio.gather(*self._handlers, return_exceptions=True)
            server.close()
            await server.wait_closed()


async def _interrupted(address: str, valve: _Valve, *args: str) -> tuple[int | None, str]:
    """Run ``agentrt ARGS`` through the valve, Ctrl-C it once the valve has stalled."""
    proc = await asyncio.create_subprocess_exec(
        *agentrt_command(*args, "--endpoint", address),
        env=clean_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await asyncio.wait_for(valve.stalled.wait(), 20)
        proc.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(proc.communicate(), 20)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.communicate()
    return proc.returncode, err.decode()


async def test_ctrl_c_during_an_upload_stores_nothing(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(range(256)) * 16384)  # 4 MiB
    with running_sim() as sim:
        valve = _Valve(sim, upstream=True, after=1 << 20)
        async with valve.running() as address:
            code, err = await _interrupted(address, valve, "files", "upload", str(big))
        assert code == 130, err
        assert err.splitlines() == ["agentrt: interrupted"]
        for _ in range(50):  # the server notices the cut connection a moment later
            listed = await ok_json(sim.address, "files", "list")
            if listed == []:
                break
            await asyncio.sleep(0.1)
        assert listed == []


async def test_ctrl_c_during_a_download_leaves_no_file(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(range(256)) * 16384)  # 4 MiB: 4 messages of 1 MiB
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with running_sim() as sim:
        code, out, err = await cli(sim.address, "files", "upload", str(big))
        assert code == 0, err
        valve = _Valve(sim, upstream=False, after=(3 << 20) // 2)
        async with valve.running() as address:
            code, err = await _interrupted(
                address, valve, "files", "download", out.decode().strip(), "-o", str(out_dir / "x")
            )
    assert code == 130, err
    assert err.splitlines() == ["agentrt: interrupted"]
    assert list(out_dir.iterdir()) == []
