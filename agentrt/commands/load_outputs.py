"""What ``agentrt load`` writes at the end: the summary, JSON, JSONL, CSV and HTML, and its exit code.

The output paths are checked before the run starts (:func:`check_outputs`), so a long
run is never lost at the end for want of a writable file.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

__all__ = ["check_outputs", "report_run", "run_on_locust"]


def check_outputs(args: argparse.Namespace) -> None:
    """Every output file can be written, so a long run is never lost at the end."""
    from agentrt.errors import UsageError

    for flag in ("json", "records", "csv", "html"):
        path = getattr(args, flag)
        if path is None or (flag == "json" and path == "-"):
            continue
        if path == "-":
            raise UsageError(f"--{flag} -: only --json can go to stdout; give a file name")
        parent = os.path.dirname(path) or "."
        if os.path.isdir(path):
            raise UsageError(f"--{flag} {path}: is a directory; give a file name")
        if not os.path.isdir(parent):
            raise UsageError(f"--{flag} {path}: no directory {parent}")
        if not os.access(parent, os.W_OK):
            raise UsageError(f"--{flag} {path}: cannot write in {parent}")


def report_run(args: argparse.Namespace, plan: Any, result: Any) -> int:
    """Write a finished run's report everywhere asked; the command's exit code."""
    from agentrt.load import report as out
    from agentrt.load.outputs import write_outputs

    report = out.report_of(plan.describe(), result)
    _summary_and_json(args, report)  # --json too
    write_outputs(report, result.records, jsonl=args.records, csv_path=args.csv, html=args.html)
    interrupted = getattr(args, "interrupts", None)
    aborted = interrupted.exit_code if interrupted is not None else 0
    return aborted or _verdict(report, result.records)


def run_on_locust(args: argparse.Namespace, endpoint: str | None) -> int:
    """``--locust``: the test on Locust's workers; the summary and --json as usual."""
    from agentrt.commands.load_locust import run_locust

    report = run_locust(args, endpoint)
    if report is None:  # --locust-join: this machine ran workers only
        return 0
    _summary_and_json(args, report)
    return _verdict(report, [])


def _summary_and_json(args: argparse.Namespace, report: dict[str, Any]) -> None:
    from agentrt.load import report as out

    to_stdout = args.json == "-"
    print(out.summary_text(report), file=sys.stderr if to_stdout else sys.stdout)
    if to_stdout:
        import json

        print(json.dumps(report, indent=2))
    elif args.json:
        out.write_json(args.json, report)


def _verdict(report: dict[str, Any], records: Any) -> int:
    """0, or 3 with one error line when not one request succeeded (a wrong endpoint, key, model)."""
    summary = report["summary"]
    if summary["succeeded"] or not summary["requests"]:
        return 0
    codes = ", ".join(f"{code} {n}" for code, n in summary["errors_by_code"].items())
    first = next((r.error for r in records if r.error), "").replace("\n", " ")
    print(
        f"agentrt: error: none of the {summary['requests']} requests succeeded ({codes})"
        + (f"; the first: {first}" if first else ""),
        file=sys.stderr,
    )
    return 3
