"""Progress of uploads, downloads and indexing on stderr, and uploading several paths at once.

On a terminal (stderr): a live bar per item plus a total, drawn by rich. Otherwise
one plain line per finished item, so logs stay readable. Either way stdout is left
to the results (ids, JSON).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal, TypeVar

from agentrt.errors import AgentrtError, UsageError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

__all__ = ["MAX_BARS", "Transfer", "Transfers", "checked_paths", "upload_paths"]

MAX_BARS = 10
"""More items than this: a bar is shown only while its item is in flight."""

R = TypeVar("R")
Unit = Literal["bytes", "chunks"]


class Transfer:
    """One item's bar: call it with (done, total) as the work goes, then :meth:`finish`."""

    def __init__(self, owner: Transfers, key: int, label: str) -> None:
        self._owner = owner
        self._key = key
        self.label = label

    def __call__(self, done: int, total: int | None) -> None:
        """Report progress (the signature of the client's ``progress=`` callbacks)."""
        self._owner._update(self._key, done, total)

    def finish(self, line: str, *, ok: bool) -> None:
        """Mark the item done: ``line`` says how it ended (shown on a terminal when it failed)."""
        self._owner._finish(self._key, self.label, line, ok)


class Transfers:
    """The progress display of a command: use as a context manager, :meth:`track` each item.

    Args:
        unit: what the bars count: ``bytes`` (sizes and speed) or ``chunks`` (``M/N``).
        bars: draw live bars; default: when stderr is a terminal.
    """

    def __init__(self, *, unit: Unit = "bytes", bars: bool | None = None) -> None:
        self._unit = unit
        self._bars = sys.stderr.isatty() if bars is None else bars
        self._progress: Progress | None = None
        self._tasks: dict[int, TaskID] = {}  # key -> rich task id
        self._done: dict[int, int] = {}
        self._sizes: dict[int, int | None] = {}
        self._done_sum = 0  # kept up to date, so a report costs O(1) however many items
        self._size_sum = 0
        self._unknown = 0  # items whose size is not known (yet)
        self._total_task: TaskID | None = None
        self._rolling = False  # many items: a bar shows only while its item is in flight
        self._finished: set[int] = set()

    def __enter__(self) -> Transfers:
        if self._bars:
            self._progress = _rich_progress(self._unit)
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def track(self, label: str, size: int | None) -> Transfer:
        """Add an item (``size``: its total, ``None`` when unknown) and return its bar."""
        key = len(self._sizes)
        self._sizes[key] = size
        self._done[key] = 0
        self._size_sum += size or 0
        self._unknown += size is None
        if self._progress is not None:
            self._tasks[key] = self._progress.add_task(label, total=size)
        return Transfer(self, key, label)

    def show_total(self) -> None:
        """Add a bar of all items together, below theirs (when there are several).

        With more than :data:`MAX_BARS` items, an item's bar is shown only while it is
        in flight (failures are still printed): a terminal cannot show thousands.
        """
        if self._progress is None or len(self._sizes) < 2 or self._total_task is not None:
            return
        self._rolling = len(self._sizes) > MAX_BARS
        if self._rolling:
            for task in self._tasks.values():
                self._progress.update(task, visible=False)
        self._total_task = self._progress.add_task("total", total=self._total())

    def _update(self, key: int, done: int, total: int | None) -> None:
        self._done_sum += done - self._done[key]
        self._done[key] = done
        known = self._sizes[key]
        if total is not None and total != known:
            self._size_sum += total - (known or 0)
            self._unknown -= known is None
            self._sizes[key] = total
        if self._progress is not None:
            visible = key not in self._finished or not self._rolling
            self._progress.update(
                self._tasks[key], completed=done, total=self._sizes[key], visible=visible
            )
            self._refresh_total()

    def _finish(self, key: int, label: str, line: str, ok: bool) -> None:
        self._finished.add(key)
        if self._progress is None:
            print(line, file=sys.stderr, flush=True)
            return
        mark = "✓" if ok else "✗"
        self._progress.update(
            self._tasks[key], description=f"{mark} {label}", visible=not self._rolling
        )
        if not ok:
            self._progress.console.print(line, markup=False, highlight=False)

    def _refresh_total(self) -> None:
        if self._progress is None or self._total_task is None:
            return
        self._progress.update(self._total_task, completed=self._done_sum, total=self._total())

    def _total(self) -> int | None:
        """The items' sizes added up (``None`` while one is unknown)."""
        return None if self._unknown else self._size_sum


def _rich_progress(unit: Unit) -> Progress:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    counts = (
        (DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
        if unit == "bytes"
        else (MofNCompleteColumn(), TextColumn("chunks"))
    )
    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        *counts,
        console=Console(file=sys.stderr, highlight=False),
    )


def checked_paths(raw: Sequence[str]) -> list[Path]:
    """The paths to upload, each an existing readable file.

    Raises:
        UsageError: a missing path, a directory, something else than a file, or an
            unreadable one (before anything is uploaded).
    """
    paths = []
    for text in raw:
        if not text:
            raise UsageError("an empty path: give a file to upload")
        path = Path(text)
        if path.is_dir():
            raise UsageError(f"'{text}' is a directory: give the files in it (e.g. '{text}'/*)")
        if not path.exists():
            raise UsageError(f"'{text}': no such file")
        if not path.is_file():
            raise UsageError(f"'{text}' is not a regular file")
        if not os.access(path, os.R_OK):
            raise UsageError(f"'{text}': permission denied")
        paths.append(path)
    return paths


async def upload_paths(
    paths: Sequence[Path],
    *,
    concurrency: int,
    transfers: Transfers,
    send: Callable[[Path, Transfer], Awaitable[R]],
    done_line: Callable[[Path, R], str],
) -> list[R | AgentrtError]:
    """``send(path, bar)`` for every path, ``concurrency`` at a time; results in input order.

    A failed item's result is its error (reported on its bar); it never stops the
    others. Cancellation (Ctrl-C) cancels them all.
    """
    results: list[R | AgentrtError] = [UsageError("not uploaded")] * len(paths)
    bars = [transfers.track(_label(p), _size(p)) for p in paths]
    transfers.show_total()
    todo = iter(range(len(paths)))  # shared by the workers: each item is taken once

    async def one(i: int) -> None:
        try:
            results[i] = result = await send(paths[i], bars[i])
        except AgentrtError as exc:
            results[i] = exc
            bars[i].finish(f"failed: {paths[i]}: {exc}", ok=False)
        except OSError as exc:  # the file changed or vanished while it was read
            results[i] = error = UsageError(f"cannot read '{paths[i]}': {exc.strerror or exc}")
            bars[i].finish(f"failed: {paths[i]}: {error}", ok=False)
        else:
            bars[i].finish(done_line(paths[i], result), ok=True)

    async def worker() -> None:
        for i in todo:
            await one(i)

    async with asyncio.TaskGroup() as group:  # at most `concurrency` tasks, however many paths
        for _ in range(min(concurrency, len(paths))):
            group.create_task(worker())
    return results


_LABEL_WIDTH = 32


def _label(path: Path) -> str:
    """A bar's label: the path, its start cut off when long (the name is what tells them apart)."""
    text = str(path)
    return text if len(text) <= _LABEL_WIDTH else "…" + text[-(_LABEL_WIDTH - 1) :]


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None
