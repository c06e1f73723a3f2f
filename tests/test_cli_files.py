"""``agentrt files`` and ``agentrt collections`` as a user runs them: the real CLI against
``agentrt sim`` over 127.0.0.1 (stdout is a pipe: plain lines, no bars)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.conftest import agentrt_command, clean_env, running_sim

pytestmark = pytest.mark.e2e

BINARY = bytes(range(256)) * 300  # every byte value, 75 KiB
DOCS = {
    "refunds.txt": "Refund policy: a refund is paid back to the card within fourteen days.",
    "trams.txt": "The 28 tram climbs from Baixa up to Alfama, past the cathedral.",
    "ovens.txt": "Bake the sourdough loaf in a hot oven with steam for forty minutes.",
}
FILE_KEYS = {"id", "filename", "size", "created_at", "expires_at", "public_url"}


async def cli(address: str, *args: str) -> tuple[int, bytes, str]:
    """``agentrt ARGS --endpoint ADDRESS``: exit code, stdout (bytes) and stderr."""
    proc = await asyncio.create_subprocess_exec(
        *agentrt_command(*args, "--endpoint", address),
        env=clean_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out, err.decode()


async def ok_json(address: str, *args: str) -> object:
    code, out, err = await cli(address, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def _write(root: Path, files: dict[str, bytes | str]) -> list[str]:
    for name, content in files.items():
        data = content.encode() if isinstance(content, str) else content
        (root / name).write_bytes(data)
    return [str(root / name) for name in files]


async def test_upload_list_download_rm_round_trip(tmp_path: Path) -> None:
    paths = _write(tmp_path, {"blob.bin": BINARY, "a.txt": "alpha", "b.txt": "beta!"})
    with running_sim() as sim:
        code, out, err = await cli(sim.address, "files", "upload", *paths, "--concurrency", "2")
        assert code == 0, err
        ids = out.decode().split()
        assert len(ids) == 3
        assert all(i.startswith("file") for i in ids)
        assert err.count("uploaded: ") == 3  # one plain line per file, not bars, off a terminal

        code, out, err = await cli(
            sim.address, "files", "list", "--sort", "filename", "--order", "asc"
        )
        lines = [line.split("\t") for line in out.decode().splitlines()]
        assert code == 0, err
        assert [(row[1], row[2]) for row in lines] == [
            ("a.txt", "5 B"),
            ("b.txt", "5 B"),
            ("blob.bin", "75.0 KiB"),
        ]
        listed = await ok_json(sim.address, "files", "list", "--sort", "size", "--limit", "1")
        assert isinstance(listed, list)
        assert len(listed) == 1
        assert set(listed[0]) >= FILE_KEYS
        assert listed[0]["size"] == len(BINARY)

        blob = ids[0]
        info = await ok_json(sim.address, "files", "info", blob)
        assert info == {**info, "id": blob, "filename": "blob.bin", "size": len(BINARY)}

        target = tmp_path / "out" / "copy.bin"
        target.parent.mkdir()
        code, _, err = await cli(sim.address, "files", "download", blob, "-o", str(target))
        assert code == 0, err
        assert target.read_bytes() == BINARY
        assert sorted(p.name for p in target.parent.iterdir()) == ["copy.bin"]
        code, out, err = await cli(sim.address, "files", "download", blob)  # stdout is a pipe
        assert (code, out) == (0, BINARY), err

        code, out, err = await cli(sim.address, "files", "rm", *ids)
        assert (code, out.decode().split()) == (0, ids), err
        assert await ok_json(sim.address, "files", "list") == []


async def test_upload_json_reports_each_path(tmp_path: Path) -> None:
    paths = _write(tmp_path, {"one.txt": "1", "two.txt": "22"})
    with running_sim() as sim:
        records = await ok_json(sim.address, "files", "upload", *paths, "--expires-after", "1h")
    assert isinstance(records, list)
    assert [(r["path"], r["filename"], r["size"], r["error"]) for r in records] == [
        (paths[0], "one.txt", 1, None),
        (paths[1], "two.txt", 2, None),
    ]
    assert all(set(r) >= FILE_KEYS and r["expires_at"] for r in records)


QUERIES = {  # mode -> (query, the file whose chunk must come first)
    "hybrid": ("refund card", "refunds.txt"),
    "semantic": ("refunds paid back", "refunds.txt"),
    "keyword": ("tram", "trams.txt"),
}


async def test_collection_add_wait_search_docs_rm(tmp_path: Path) -> None:
    paths = _write(tmp_path, dict(DOCS))
    with running_sim("--index-delay-ms", "100") as sim:
        made = await ok_json(
            sim.address, "collections", "create", "handbook", "--chunk-size", "200",
            "--chunk-overlap", "20", "--field", "team:inject", "--metric", "cosine",
        )  # fmt: skip
        assert isinstance(made, dict)
        assert made["name"] == "handbook"
        assert made["chunking"] == {"unit": "chars", "size": 200, "overlap": 20}
        assert made["fields"] == [
            {"key": "team", "required": False, "unique": False, "inject": True}
        ]

        code, out, err = await cli(
            sim.address, "collections", "add", "handbook", *paths, "--field", "team=ops", "--wait"
        )
        assert code == 0, err
        ids = dict(zip(DOCS, out.decode().split(), strict=True))
        assert err.count("indexed: ") == 3

        for mode, (query, expected) in QUERIES.items():
            matches = await ok_json(
                sim.address, "collections", "search", made["id"], query, "--mode", mode
            )
            assert isinstance(matches, list), mode
            assert matches, mode
            first = matches[0]
            assert (first["rank"], first["file_id"], first["filename"]) == (
                1,
                ids[expected],
                expected,
            ), mode
            assert DOCS[expected] in first["text"]
            assert "team: ops" in first["text"]
            scores = [m["score"] for m in matches]
            assert scores == sorted(scores, reverse=True), mode

        docs = await ok_json(sim.address, "collections", "docs", "handbook")
        assert isinstance(docs, list)
        assert {(d["name"], d["status"], d["fields"]["team"]) for d in docs} == {
            (name, "processed", "ops") for name in DOCS
        }
        code, out, err = await cli(
            sim.address, "collections", "rm-doc", "handbook", ids["ovens.txt"]
        )
        assert code == 0, err
        docs = await ok_json(sim.address, "collections", "docs", "handbook")
        assert isinstance(docs, list)
        assert len(docs) == 2

        code, out, err = await cli(sim.address, "collections", "rm", "handbook")
        assert (code, out.decode().strip()) == (0, made["id"]), err
        assert await ok_json(sim.address, "collections", "list") == []


async def test_search_plain_lines_over_several_collections(tmp_path: Path) -> None:
    paths = _write(tmp_path, dict(DOCS))
    with running_sim("--index-delay-ms", "0") as sim:
        for name, docs in (("kb", paths[:2]), ("kitchen", paths[2:])):
            code, _, err = await cli(sim.address, "collections", "create", name)
            assert code == 0, err
            code, _, err = await cli(sim.address, "collections", "add", name, *docs, "--wait")
            assert code == 0, err
        words = ("kb", "kitchen", "--query", "sourdough oven", "--limit", "2")
        code, out, err = await cli(sim.address, "collections", "search", *words)
        assert code == 0, err
        code, alone, err = await cli(sim.address, "collections", "search", "kb", "sourdough oven")
    assert code == 0, err
    rows = [line.split("\t") for line in out.decode().splitlines()]
    assert len(rows) == 2
    assert rows[0][:1] + rows[0][2:] == ["1", "ovens.txt", DOCS["ovens.txt"]]
    assert float(rows[0][1]) >= float(rows[1][1])
    assert "ovens.txt" not in alone.decode()  # only in the kitchen collection


async def test_info_of_a_collection_shows_its_chunking_and_fields() -> None:
    with running_sim() as sim:
        code, out, err = await cli(
            sim.address, "collections", "create", "papers", "--chunk-unit", "tokens",
            "--chunk-size", "64", "--field", "doi:required:unique", "--description", "PDFs",
        )  # fmt: skip
        assert code == 0, err
        code, out, err = await cli(sim.address, "collections", "info", out.decode().strip())
    assert code == 0, err
    text = out.decode()
    for line in ("name: papers", "description: PDFs", "chunking: 64 tokens, overlap 0"):
        assert line in text.splitlines()
    assert "field: doi:required:unique" in text.splitlines()


def _run_on_terminal(*args: str, stream: str, cwd: Path | None = None) -> tuple[int, str, str]:
    """``agentrt ARGS`` with ``stream`` (stdout or stderr) on a pseudo-terminal: code, its
    text, and the other stream's text."""
    import os
    import pty
    import subprocess
    import threading

    main_fd, child_fd = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(main_fd, 65536)
            except OSError:  # EIO: the terminal's last writer is gone
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    other = "stderr" if stream == "stdout" else "stdout"
    try:
        proc = subprocess.run(
            agentrt_command(*args),
            env=clean_env(COLUMNS="100"),
            **{stream: child_fd, other: subprocess.PIPE},  # type: ignore[arg-type]
            timeout=30,
            check=False,
            cwd=cwd,
        )
    finally:
        os.close(child_fd)
        reader.join(10)
        os.close(main_fd)
    import re

    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode())  # no colours
    return proc.returncode, shown, getattr(proc, other).decode()


async def test_on_a_terminal_bars_and_tables(tmp_path: Path) -> None:
    paths = _write(tmp_path, {"one.txt": "1" * 3000, "two.txt": "2" * 5000})
    with running_sim() as sim:
        upload = ("files", "upload", *paths, "--endpoint", sim.address)
        code, bars, out = await asyncio.to_thread(_run_on_terminal, *upload, stream="stderr")
        assert code == 0, bars
        assert len(out.split()) == 2  # the ids stay on stdout, clean
        assert "✓ " in bars
        assert "total" in bars
        assert "8.0/8.0 kB" in bars  # the total bar counts both files' bytes
        listing = ("files", "list", "--endpoint", sim.address, "--sort", "filename")
        code, table, err = await asyncio.to_thread(_run_on_terminal, *listing, stream="stdout")
    assert code == 0, err
    rows = table.splitlines()
    assert rows[0].split() == ["ID", "NAME", "SIZE", "CREATED", "EXPIRES"]
    assert [row.split()[1:3] for row in rows[1:]] == [["two.txt", "4.9"], ["one.txt", "2.9"]]


async def test_download_to_a_terminal_saves_under_the_stored_name_once(tmp_path: Path) -> None:
    (tmp_path / "up").mkdir()
    (here := tmp_path / "here").mkdir()
    paths = _write(tmp_path / "up", {"blob.bin": BINARY})
    with running_sim() as sim:
        code, out, err = await cli(sim.address, "files", "upload", *paths)
        assert code == 0, err
        fetch = ("files", "download", out.decode().strip(), "--endpoint", sim.address)
        code, _, err = await asyncio.to_thread(_run_on_terminal, *fetch, stream="stdout", cwd=here)
        assert code == 0, err
        assert (here / "blob.bin").read_bytes() == BINARY
        code, _, err = await asyncio.to_thread(_run_on_terminal, *fetch, stream="stdout", cwd=here)
    assert code == 2
    assert (
        err == "agentrt: error: 'blob.bin' exists: pass -o 'blob.bin' to replace it, or -o PATH\n"
    )
    assert [p.name for p in here.iterdir()] == ["blob.bin"]


async def test_files_url_serves_the_bytes_until_revoked(tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    def fetch(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                assert r.read() == BINARY
                return int(r.status)
        except urllib.error.HTTPError as e:
            return e.code

    (path,) = _write(tmp_path, {"blob.bin": BINARY})
    with running_sim() as sim:
        code, out, err = await cli(sim.address, "files", "upload", path)
        assert code == 0, err
        file_id = out.decode().strip()
        made = await ok_json(sim.address, "files", "url", file_id, "--expires-after", "10m")
        assert isinstance(made, dict)
        assert made["expires_at"]
        assert await asyncio.to_thread(fetch, made["url"]) == 200
        code, _, err = await cli(sim.address, "files", "url", file_id, "--revoke")
        assert code == 0, err
        assert await asyncio.to_thread(fetch, made["url"]) == 404
