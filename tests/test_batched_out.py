"""``agentrt chat --stream`` writes stdout in batches, and text never waits for the end."""

from __future__ import annotations

import argparse
import asyncio
import io
import sys

import pytest

from agentrt.commands.batched_out import MAX_PARTS, BatchedWriter
from agentrt.commands.chat import _chat
from agentrt.xai.client import Client
from benchmarks.bench_stream import stream_server


class CountingOut(io.StringIO):
    """A stdout that counts its writes and flushes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = self.flushes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)

    def flush(self) -> None:
        self.flushes += 1


async def test_a_burst_of_deltas_is_written_in_few_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    out = CountingOut()
    monkeypatch.setattr(sys, "stdout", out)
    args = argparse.Namespace(
        system=None, prompt="go", model="m", stream=True, json=False, timeout=30
    )
    with stream_server() as endpoint:  # a real server over 127.0.0.1; 1,000 chunks by default
        response = await _chat(Client(endpoint=endpoint), args)
    assert out.getvalue() == response.content + "\n" == "tok " * 1000 + "\n"
    assert out.flushes < 100  # was one write and one flush per delta
    assert out.writes < 100


async def test_text_is_flushed_at_the_next_turn_of_the_loop() -> None:
    out = CountingOut()
    writer = BatchedWriter(out)
    writer.write("a")
    writer.write("b")
    assert out.getvalue() == ""
    await asyncio.sleep(0)  # the consumer waits for the next delta: the loop runs
    assert (out.getvalue(), out.writes, out.flushes) == ("ab", 1, 1)
    writer.write("c")
    writer.flush()  # an explicit flush cancels the pending one
    await asyncio.sleep(0)
    assert (out.getvalue(), out.writes, out.flushes) == ("abc", 2, 2)


async def test_a_consumer_that_never_yields_still_gets_its_text_out() -> None:
    out = CountingOut()
    writer = BatchedWriter(out)
    for _ in range(MAX_PARTS):
        writer.write("x")
    assert out.getvalue() == "x" * MAX_PARTS  # flushed without waiting for the loop
    writer.flush()
    assert out.flushes == 1
