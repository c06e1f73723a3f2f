"""Units of the files CLI's progress display and bounded uploader (agentrt.commands.file_progress)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agentrt.commands.file_progress import MAX_BARS, Transfer, Transfers, upload_paths
from agentrt.errors import InvalidRequest


def _visible(transfers: Transfers) -> list[str]:
    progress = transfers._progress
    assert progress is not None
    return [str(t.description) for t in progress.tasks if t.visible]


def test_the_total_bar_adds_up_every_item() -> None:
    with Transfers(bars=True) as transfers:
        a = transfers.track("a", 100)
        b = transfers.track("b", None)  # unknown until its first report
        transfers.show_total()
        a(40, 100)
        assert transfers._total() is None
        b(10, 50)
        assert transfers._total() == 150
        assert transfers._done_sum == 50
        a(100, 100)
        assert transfers._done_sum == 110


def test_with_many_items_only_those_in_flight_have_a_bar() -> None:
    with Transfers(bars=True) as transfers:
        bars = [transfers.track(f"f{i}", 10) for i in range(MAX_BARS + 1)]
        transfers.show_total()
        assert _visible(transfers) == ["total"]
        bars[3](5, 10)
        assert _visible(transfers) == ["f3", "total"]
        bars[3].finish("uploaded: f3", ok=True)
        bars[3](10, 10)  # a late report does not bring a finished bar back
        assert _visible(transfers) == ["total"]


def test_with_few_items_finished_bars_stay_marked() -> None:
    with Transfers(bars=True) as transfers:
        ok, bad = transfers.track("ok", 1), transfers.track("bad", 1)
        transfers.show_total()
        ok.finish("uploaded: ok", ok=True)
        bad.finish("failed: bad", ok=False)
        assert _visible(transfers) == ["✓ ok", "✗ bad", "total"]


async def test_uploads_run_at_most_concurrency_at_once_in_input_order(tmp_path: Path) -> None:
    paths = []
    for i in range(7):
        paths.append(tmp_path / f"{i}.txt")
        paths[-1].write_text("x" * i)
    running, most = 0, 0

    async def send(path: Path, bar: Transfer) -> str:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1
        if path.name == "3.txt":
            raise InvalidRequest("refused", code="INVALID_ARGUMENT")
        return path.name

    with Transfers(bars=False) as transfers:
        results = await upload_paths(
            paths, concurrency=2, transfers=transfers, send=send, done_line=lambda p, r: r
        )
    assert most == 2
    assert [r if isinstance(r, str) else type(r).__name__ for r in results] == [
        "0.txt", "1.txt", "2.txt", "InvalidRequest", "4.txt", "5.txt", "6.txt",
    ]  # fmt: skip


def test_plain_mode_prints_one_line_per_finished_item(capsys: pytest.CaptureFixture[str]) -> None:
    with Transfers(bars=False) as transfers:
        bar = transfers.track("a", 3)
        bar(3, 3)
        bar.finish("uploaded: a -> file_1 (3 B)", ok=True)
    assert capsys.readouterr().err == "uploaded: a -> file_1 (3 B)\n"
