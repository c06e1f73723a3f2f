"""Where a finished load test's report goes: JSON, JSONL, CSV and the HTML page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agentrt.load.html import write_html
from agentrt.load.records import RequestRecord
from agentrt.load.report import write_csv, write_json, write_jsonl

__all__ = ["write_outputs"]


def write_outputs(
    report: dict[str, Any],
    records: Sequence[RequestRecord],
    *,
    json_path: str | None = None,
    jsonl: str | None = None,
    csv_path: str | None = None,
    html: str | None = None,
) -> None:
    """Write the report and its records to every file given (``None``: not asked for)."""
    if json_path:
        write_json(json_path, report)
    if jsonl:
        write_jsonl(jsonl, records)
    if csv_path:
        write_csv(csv_path, records)
    if html:
        write_html(html, report)
