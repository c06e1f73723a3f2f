"""A dataset of inputs as durable runs: :func:`read_inputs`, :func:`run_batch` (``agentrt batch``).

Each input line is ``{"id": ..., "input": "...", "vars": {...}}`` (and optionally
``"images"`` and ``"files"``: :mod:`agentrt.durable.batch_parts`); each result
line is ``{"id": ..., <the fields of agentrt run --json>}`` or, for a run that
failed, the same with an ``"error": {"type", "message"}``. Results are appended
as runs finish, one flushed and fsynced line each, so a crash loses nothing
that finished. Running the same batch again (same spec, same ``--out``) skips
ids already in the results file, and joins runs still going from the earlier
attempt instead of starting them twice: every input's workflow id is derived
from the results file's path and the input id.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from agentrt.errors import AgentrtError, Unavailable, UsageError

if TYPE_CHECKING:
    from temporalio.client import Client

    from agentrt.agents.agent import Agent
    from agentrt.durable.payloads import ActivityOptions

__all__ = [
    "MAX_ID_CHARS",
    "BatchItem",
    "BatchSummary",
    "ResultsFile",
    "id_text",
    "read_inputs",
    "run_batch",
    "workflow_id",
]


@dataclass(frozen=True, kw_only=True)
class BatchItem:
    """One input line: its ``id`` (any JSON scalar), ``input`` text, ``vars``, line number,
    and the ``images`` and ``files`` that go with the input."""

    id: Any
    input: str
    vars: dict[str, str] = field(default_factory=dict)
    line: int = 0
    images: tuple[str, ...] = ()  # paths (relative to the JSONL file's folder) or URLs
    files: tuple[str, ...] = ()  # paths, likewise

    @property
    def key(self) -> str:
        """The id as JSON, how the results file keys it (``"7"`` and ``7`` differ here)."""
        return json.dumps(self.id)


@dataclass(kw_only=True)
class BatchSummary:
    """What one ``run_batch`` call did."""

    total: int = 0
    skipped: int = 0
    ok: int = 0
    failed: int = 0


def _item(path: str, number: int, text: str) -> BatchItem:
    where = f"{path}:{number}"
    try:
        data = json.loads(text)
    except ValueError as e:
        raise UsageError(f"{where}: not JSON ({e})") from None
    if not isinstance(data, dict):
        raise UsageError(f'{where}: expected an object {{"id": ..., "input": "..."}}')
    unknown = sorted(set(data) - {"id", "input", "vars", "images", "files"})
    if unknown:
        raise UsageError(
            f"{where}: unknown key(s) {', '.join(unknown)}; use id, input, vars, images, files"
        )
    ident = _checked_id(where, data.get("id"))
    text_in = data.get("input")
    if not isinstance(text_in, str) or not text_in.strip():
        raise UsageError(f'{where}: "input" must be a non-empty string')
    variables = data.get("vars", {})
    if not isinstance(variables, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in variables.items()
    ):
        raise UsageError(f'{where}: "vars" must be an object of strings, e.g. {{"city": "Lisbon"}}')
    if not all(map(_is_utf8, (text_in, *variables, *variables.values()))):
        raise UsageError(f"{where}: a string has an escape that is not a character (\\ud800...)")
    folder = os.path.dirname(path)
    return BatchItem(
        id=ident,
        input=text_in,
        vars=variables,
        line=number,
        images=_sources(where, data, "images", folder),
        files=_sources(where, data, "files", folder),
    )


def _sources(where: str, data: dict[str, Any], key: str, folder: str) -> tuple[str, ...]:
    """A line's ``images`` or ``files``: URLs as they are, paths relative to the file's folder.

    Only the shape is checked here; what each names is read when the line runs, so a
    bad picture fails its own line only.
    """
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise UsageError(f'{where}: "{key}" must be a list of paths or URLs, e.g. ["photo.png"]')
    return tuple(
        v if "://" in v or v.startswith("data:") else os.path.join(folder, v) for v in value
    )


MAX_ID_CHARS = 200
"""The longest id: its workflow id (prefix + id, at most 4 bytes a character) stays under
Temporal's 1,000-byte limit on workflow ids."""


def _checked_id(where: str, ident: Any) -> str | int:
    """``ident`` if it can name a run (a Temporal workflow id), else a ``FILE:LINE`` UsageError."""
    if not isinstance(ident, str | int) or isinstance(ident, bool) or ident == "":
        raise UsageError(f'{where}: "id" must be a non-empty string or an integer')
    text = id_text(ident)
    if len(text) > MAX_ID_CHARS:
        raise UsageError(f'{where}: "id" is {len(text)} characters; at most {MAX_ID_CHARS}')
    if not text.isprintable() or not _is_utf8(text):
        raise UsageError(
            f'{where}: "id" {text!r} has a control or invalid character; '
            "use printable text (letters, digits, - _ . : /)"
        )
    return ident


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")  # JSON's "\ud800" escapes decode to lone surrogates
    except UnicodeEncodeError:
        return False
    return True


def id_text(ident: str | int) -> str:
    """An id as it appears in the run's workflow id (``7`` and ``"7"`` give the same text)."""
    return ident if isinstance(ident, str) else str(ident)


def _repeat(item: BatchItem, earlier: BatchItem) -> str:
    if item.id == earlier.id and type(item.id) is type(earlier.id):
        return f"id {item.key} repeats line {earlier.line}"
    return (
        f"id {item.key} and id {earlier.key} on line {earlier.line} name the same run "
        "(a workflow id is text); give them different ids"
    )


def read_inputs(path: str | os.PathLike[str]) -> list[BatchItem]:
    """Every input of a JSONL file (blank lines skipped).

    Raises:
        UsageError: ``FILE:LINE: what is wrong`` for the first bad line or repeated id
            (ids are compared as the text of their workflow ids: ``1`` and ``"1"`` collide).
    """
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise UsageError(f"{name}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{name}: not UTF-8 text") from None
    items: list[BatchItem] = []
    first: dict[str, BatchItem] = {}
    for number, text in enumerate(lines, 1):
        if not text.strip():
            continue
        item = _item(name, number, text)
        earlier = first.setdefault(id_text(item.id), item)
        if earlier is not item:
            raise UsageError(f"{name}:{number}: {_repeat(item, earlier)}")
        items.append(item)
    if not items:
        raise UsageError(f"{name}: no inputs")
    return items


class ResultsFile:
    """The results JSONL: which ids are done, and appending one durable line at a time.

    A last line cut short by a crash is dropped when the file is opened.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.done: set[str] = set()
        self._file: IO[str] | None = None
        self._created = False

    def __enter__(self) -> ResultsFile:
        """Open for appending; UsageError when the file cannot be read or written."""
        self._created = not self.path.exists()
        try:
            if not self._created:
                self._load()
            self._file = open(self.path, "a", encoding="utf-8")
        except OSError as e:
            raise UsageError(f"{self.path}: cannot write the results: {e.strerror or e}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._created and not self.done:  # nothing was written: leave no empty file behind
            self.path.unlink(missing_ok=True)

    def _load(self) -> None:
        raw = self.path.read_bytes()
        keep = raw[: raw.rfind(b"\n") + 1]
        if len(keep) != len(raw):  # an interrupted write: drop the partial line
            with open(self.path, "r+b") as f:
                f.truncate(len(keep))
        for line in keep.decode("utf-8").splitlines():
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict) and "id" in data:
                self.done.add(json.dumps(data["id"]))

    def write(self, record: dict[str, Any]) -> None:
        """Append one result line and make it durable (flush + fsync)."""
        assert self._file is not None, "use ResultsFile as a context manager"
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self.done.add(json.dumps(record["id"]))


def workflow_id(results: str | os.PathLike[str], agent: str, item: BatchItem) -> str:
    """The workflow id of ``item``: stable for one results file, so a re-run joins, never repeats."""
    where = os.path.abspath(os.fspath(results))
    digest = hashlib.sha256(f"{agent}\0{where}".encode()).hexdigest()[:12]
    return f"agentrt-batch-{agent}-{digest}-{id_text(item.id)}"


async def run_batch(
    client: Client,
    task_queue: str,
    agents: Callable[[dict[str, str]], Agent[Any]],
    items: list[BatchItem],
    results: ResultsFile,
    *,
    model: str,
    max_in_flight: int = 100,
    options: ActivityOptions | None = None,
    on_result: Callable[[bool], None] | None = None,
) -> BatchSummary:
    """Run every item not yet in ``results``, at most ``max_in_flight`` at once.

    Args:
        agents: the agent for an item's vars (built by the caller, cached).
        model: the model name written in each result line.
        on_result: called with True (ok) or False (failed) as each run ends.

    Raises:
        Unavailable: Temporal failed (the runs that finished are already written).
    """
    todo = [i for i in items if i.key not in results.done]
    summary = BatchSummary(total=len(items), skipped=len(items) - len(todo))
    queue: Iterator[BatchItem] = iter(todo)

    async def drain() -> None:
        for item in queue:
            ok = await _one(client, task_queue, agents(item.vars), item, results, model, options)
            summary.ok += ok
            summary.failed += not ok
            if on_result is not None:
                on_result(ok)

    try:
        async with asyncio.TaskGroup() as tg:
            for _ in range(max(1, min(max_in_flight, len(todo)))):
                tg.create_task(drain())
    except BaseExceptionGroup as group:
        raise _stopped(group, results.path) from group
    return summary


def _stopped(group: BaseExceptionGroup[BaseException], path: Path) -> BaseException:
    """One clear error for a batch that stopped early (what finished is written)."""
    first: BaseException = group
    while isinstance(first, BaseExceptionGroup):
        first = first.exceptions[0]
    if isinstance(first, AgentrtError):
        return first
    from temporalio.service import RPCError as TemporalRPCError

    if isinstance(first, TemporalRPCError):
        return Unavailable(
            f"Temporal failed during the batch ({first}); the runs that finished are in "
            f"{path}: run the same command again to finish the rest",
            code="UNAVAILABLE",
        )
    return group


async def _one(
    client: Client,
    task_queue: str,
    agent: Agent[Any],
    item: BatchItem,
    results: ResultsFile,
    model: str,
    options: ActivityOptions | None,
) -> bool:
    from agentrt.agents.run_summary import failure_summary, run_summary
    from agentrt.durable.batch_parts import line_parts
    from agentrt.durable.starter import result_of, start_run
    from agentrt.errors import AgentError, RPCError

    wid = workflow_id(results.path, agent.name, item)
    try:
        parts = line_parts(item.images, item.files)
    except UsageError as e:  # a bad picture or file fails its own line only
        results.write({"id": item.id, **failure_summary(e, model=model)})
        return False
    handle = await start_run(
        client,
        task_queue,
        agent,
        item.input,
        variables=item.vars,
        workflow_id=wid,
        options=options,
        parts=parts,
    )
    try:
        result = await result_of(handle)
    except (AgentError, RPCError, UsageError) as e:
        results.write({"id": item.id, **failure_summary(e, model=model)})
        return False
    results.write({"id": item.id, **run_summary(result, model=model)})
    return True
