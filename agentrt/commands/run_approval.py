"""Deciding the calls a paused ``agentrt run`` waits on: ``--approve``/``--deny`` or a person.

``--approve all|TOOL[,TOOL]`` and ``--deny all|TOOL[,TOOL][:REASON]`` decide by
tool name; a tool named in one wins over ``all`` in the other. A call they do not
cover is asked on a terminal (y/n, and a reason for n); without a terminal it
ends the run (exit 1) with one line naming the call and the flags to use.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from agentrt.errors import AgentError, UsageError

if TYPE_CHECKING:
    from agentrt.agents.approval import Decision
    from agentrt.agents.run_state import PendingCall

__all__ = ["ApprovalPolicy", "add_approval_options", "ask", "undecided_error"]

_TOOL = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DEFAULT_REASON = "denied on the command line (--deny)"


def add_approval_options(p: argparse.ArgumentParser) -> None:
    """Add ``--approve``, ``--deny`` and ``--resume``."""
    p.add_argument(
        "--approve",
        metavar="all|TOOL[,TOOL]",
        help="approve calls of these tools (or all) that need approval, without asking",
    )
    p.add_argument(
        "--deny",
        metavar="all|TOOL[,TOOL][:REASON]",
        help="deny calls of these tools (or all); the model reads REASON",
    )
    p.add_argument(
        "--resume",
        metavar="STATE.json",
        help="continue a run paused for approval from the state --json printed "
        "(give no INPUT; decide with --approve/--deny or on a terminal)",
    )


@dataclass(frozen=True)
class ApprovalPolicy:
    """What ``--approve`` and ``--deny`` decide."""

    approve: frozenset[str] = frozenset()
    deny: frozenset[str] = frozenset()
    reason: str = DEFAULT_REASON
    given: bool = field(default=False)

    @classmethod
    def from_flags(cls, approve: str | None, deny: str | None) -> ApprovalPolicy:
        """Parse the flags.

        Raises:
            UsageError: an empty or malformed list, or a tool in both.
        """
        approved = _tools(approve, "--approve") if approve is not None else frozenset()
        reason = DEFAULT_REASON
        denied: frozenset[str] = frozenset()
        if deny is not None:
            names, sep, why = deny.partition(":")
            if sep and not why.strip():
                raise UsageError("--deny TOOLS:REASON: the reason is empty; write one or drop ':'")
            reason = why.strip() or DEFAULT_REASON
            denied = _tools(names, "--deny")
        both = approved & denied
        if both:
            raise UsageError(
                f"--approve and --deny both name {', '.join(sorted(both))}; name each once"
            )
        return cls(approved, denied, reason, approve is not None or deny is not None)

    def decide(self, call: PendingCall) -> Decision | None:
        """The decision for ``call``, or ``None`` when neither flag covers it."""
        from agentrt.agents.approval import Approve, Deny

        if call.tool in self.deny:
            return Deny(self.reason)
        if call.tool in self.approve:
            return Approve()
        if "all" in self.deny:
            return Deny(self.reason)
        if "all" in self.approve:
            return Approve()
        return None


def _tools(text: str, flag: str) -> frozenset[str]:
    names = [n.strip() for n in text.split(",")]
    for name in names:
        if not _TOOL.match(name):
            raise UsageError(
                f"{flag} {text!r}: expected 'all' or tool names separated by commas, "
                f"e.g. {flag} refund,pay"
            )
    if "all" in names and len(names) > 1:
        raise UsageError(f"{flag}: 'all' already covers every tool; give it alone")
    return frozenset(names)


def ask(call: PendingCall, *, inp: IO[str] | None = None, out: IO[str] | None = None) -> Decision:
    """Ask a person on the terminal about ``call``: y approves; n asks for a reason.

    Raises:
        UsageError: the input ended (Ctrl-D) before an answer.
    """
    from agentrt.agents.approval import Approve, Deny

    inp = inp or sys.stdin
    out = out or sys.stderr
    out.write(f"\nagentrt: {call.tool} wants to run with {call.arguments}\n")
    if call.note:
        out.write(f"  ({call.note})\n")
    while True:
        answer = _line(inp, out, f"  approve {call.tool}? [y/n] ").strip().lower()
        if answer in ("y", "yes"):
            return Approve()
        if answer in ("n", "no"):
            why = _line(inp, out, "  reason (the model reads it): ").strip()
            return Deny(why or "denied by the user")
        out.write("  answer y or n\n")


def _line(inp: IO[str], out: IO[str], prompt: str) -> str:
    out.write(prompt)
    out.flush()
    line = inp.readline()
    if not line:
        raise UsageError("no answer (input ended); nothing was approved")
    return line


def undecided_error(calls: list[PendingCall]) -> AgentError:
    """The exit-1 error for calls nobody decided (no terminal, no flag covers them)."""
    first = calls[0]
    more = f" and {len(calls) - 1} more" if len(calls) > 1 else ""
    return AgentError(
        f"the run waits for approval of {first.tool}({first.arguments}) "
        f"[call {first.call_id}]{more}: no terminal to ask; rerun with --approve "
        f"{first.tool} or --deny {first.tool}:REASON (with --json, save the state and "
        "continue later with --resume STATE.json)"
    )
