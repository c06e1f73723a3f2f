"""benchmarks/bench_agent.py's client processes: one that fails or dies is reported, never waited on."""

from __future__ import annotations

import multiprocessing

import pytest

from benchmarks.bench_agent import process_case, remote_case


def test_a_client_process_that_dies_mid_measurement_is_reported() -> None:
    ctx = multiprocessing.get_context("spawn")
    requests_in, requests_out = ctx.Pipe(duplex=False)
    replies_in, replies_out = ctx.Pipe(duplex=False)
    # Reads the "measure" request, then exits without an answer (as a crash would).
    proc = ctx.Process(target=requests_in.recv, daemon=True)
    ours, theirs = (replies_in, requests_out), (requests_in, replies_out)
    measure, close, _, _ = remote_case("dying", proc, ours, theirs)
    with pytest.raises(RuntimeError, match=r"dying: client process failed: ended \(exit code 0\)"):
        measure()
    close()
    assert proc.exitcode == 0


def test_a_client_process_that_fails_says_why() -> None:
    measure, close, _, _ = process_case("no such case", ("127.0.0.1:1", 1, 1, 0), "asyncio")
    with pytest.raises(RuntimeError, match="no such case: client process failed: KeyError"):
        measure()
    close()
