"""``agentrt run``: run an agent spec on one input, streaming the answer and showing tool calls.

The answer goes to stdout as it arrives (structured output as the JSON the model
writes); tool activity goes to stderr. Endpoint: --endpoint, then
$AGENTRT_ENDPOINT, then api.x.ai:443 when $XAI_API_KEY is set, else the built-in
simulator (announced on stderr; its answers are synthetic). Exit codes: 0 ok,
1 the agent failed (max turns, invalid output, tool loop, time budget), 2 usage
or spec error, 3 transport or authentication error.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from agentrt.commands import run_flow
from agentrt.errors import UsageError

__all__ = ["check_vars", "parse_vars", "read_input", "register"]

EXAMPLES = """examples:
  agentrt run examples/trip_planner/trip_planner.yaml \\
      "Plan a day in Lisbon: check the weather and find places to visit, starting with a museum."
  agentrt run examples/support_triage/support_triage.yaml --var company=Acme --input-file ticket.txt
  echo "Ask the researcher for \\"notes on the Lisbon trams\\"" | agentrt run examples/research/research.yaml
  agentrt run agent.yaml "..." --json | jq .output
  agentrt run agent.yaml "What does the contract say about notice periods?" --file contract.txt
  agentrt run agent.yaml "What is in this picture?" --image photo.png
  agentrt run agent.yaml "Compare them" --image a.jpg --image https://example.org/b.png --image-detail high
  XAI_API_KEY=... agentrt run agent.yaml "..."          the real API
  agentrt run agent.yaml "..." --endpoint 127.0.0.1:50051   any xAI-compatible server
  agentrt run agent.yaml "Hi, I am Ada" --session chat-1; agentrt run agent.yaml "My name?" --session chat-1
  agentrt run agent.yaml "Refund A1" --approve refund        approve without asking (no terminal)
  agentrt run agent.yaml "Refund A1" --deny "refund:over the limit"
  agentrt run agent.yaml "Refund A1" --json > paused.json; agentrt run agent.yaml --resume paused.json --approve all

Tools that need approval (approval: in the spec) pause the run: on a terminal you
are asked per call (y/n; a reason for n); otherwise --approve/--deny decide, and a
call neither covers ends the run with exit 1 (with --json, the pending calls and
the state to --resume from are printed).
"""

_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``run`` subcommand."""
    p = sub.add_parser(
        "run",
        parents=[common],
        help="run an agent spec on one input",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", metavar="SPEC", help="agent spec YAML file")
    p.add_argument("input", metavar="INPUT", nargs="?", help="the user's message (default: stdin)")
    p.add_argument("--input-file", metavar="FILE", help="read the user's message from FILE")
    p.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a value for a {NAME} placeholder in the instructions (repeatable)",
    )
    p.add_argument(
        "--file",
        action="append",
        default=[],
        metavar="PATH",
        help="attach a file to the conversation (repeatable; uploaded once per content)",
    )
    p.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="PATH|URL",
        help="show the model a picture with the message: a local PNG or JPEG (sent inline), "
        "or an http(s):// URL (repeatable)",
    )
    p.add_argument(
        "--image-detail",
        choices=("auto", "low", "high"),
        default="auto",
        help="how closely the model looks at the --image pictures (default: auto)",
    )
    p.add_argument("--endpoint", metavar="HOST:PORT", help="server (default: see above)")
    p.add_argument(
        "--session",
        metavar="ID",
        help="keep the conversation in session ID: earlier turns are the history, "
        "this turn is appended (ids: letters, digits, . _ : @ -)",
    )
    from agentrt.commands.session_db import add_session_db_option

    add_session_db_option(p)
    p.add_argument(
        "--session-mode",
        choices=("auto", "resend", "previous_response_id"),
        default="auto",
        help="how a session's history is sent: the smaller way per run (auto), all of it "
        "(resend), or by the last stored response (previous_response_id)",
    )
    from agentrt.commands.run_approval import add_approval_options

    add_approval_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON object at the end")
    p.add_argument(
        "-q", "--quiet", action="store_true", help="no tool activity or notices on stderr"
    )
    from agentrt.durable.cli_options import add_temporal_options

    add_temporal_options(p, required=False)
    from agentrt.commands.run_temporal import add_session_options

    add_session_options(p)
    from agentrt.telemetry.setup import add_telemetry_flags, with_telemetry

    add_telemetry_flags(p)
    p.set_defaults(handler=with_telemetry(_run), late_positional="input")


def parse_vars(items: list[str]) -> dict[str, str]:
    """``["city=Lisbon", ...]`` → ``{"city": "Lisbon"}``.

    Raises:
        UsageError: an item without ``=`` or with a name that is not an identifier.
    """
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not _VAR_NAME.match(name):
            raise UsageError(f"--var {item!r}: expected NAME=VALUE, e.g. --var city=Lisbon")
        out[name] = value
    return out


def read_input(text: str | None, path: str | None) -> str:
    """The user's message from INPUT, --input-file, or stdin when it is not a terminal.

    Raises:
        UsageError: both or none given (on a terminal), an unreadable file, or an empty message.
    """
    if text is not None and path is not None:
        raise UsageError("give INPUT or --input-file, not both")
    if path is not None:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise UsageError(f"--input-file {path}: {e.strerror or e}") from None
        except UnicodeDecodeError:
            raise UsageError(f"--input-file {path}: not UTF-8 text") from None
    elif text is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("no input: give INPUT, --input-file FILE, or pipe it on stdin")
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError:
            raise UsageError("the input on stdin is not UTF-8 text") from None
    if not text.strip():
        raise UsageError("the input is empty")
    try:  # undecodable bytes from stdin or argv arrive as lone surrogates
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError("the input is not UTF-8 text") from None
    return text.strip("\n")


def _run(args: argparse.Namespace) -> int:
    from agentrt.commands.run_display import RunDisplay
    from agentrt.launch.connect import choose_endpoint
    from agentrt.launch.eventloop import run
    from agentrt.specs.agent_spec import AgentSpec

    variables = parse_vars(args.var)
    spec = AgentSpec.from_file(args.spec)
    check_vars(variables, spec.variables())
    if (
        spec.mode == "voice"
    ):  # its model is a realtime one: a chat call would fail later, less clearly
        raise UsageError(
            f"{args.spec} is a voice agent (mode: voice): speak to it with "
            f"agentrt voice {args.spec} --in question.wav --out answer.wav "
            "(for text, use a copy with mode: text and a chat model)"
        )
    agent = spec.to_agent(variables)
    images = _images(args)
    if args.file:
        if args.temporal:
            raise UsageError(
                "--file cannot go to Temporal workers; list the files in the spec's files:"
            )
        from agentrt.agents.attachments import Attachments

        agent.files = Attachments([*agent.files.paths, *args.file])
    plan = _plan(args, spec.name)
    if args.temporal:  # a durable run on Temporal workers (agentrt.durable)
        from agentrt.commands.run_temporal import run_on_temporal

        text = read_input(args.input, args.input_file)
        return run_on_temporal(args, spec, agent, text, variables)
    given: Any = None if plan.state is not None else read_input(args.input, args.input_file)
    if images and given is not None:
        from agentrt.xai.messages import user

        given = user(given, *images)
    choice = choose_endpoint(args.endpoint)
    display = RunDisplay.for_cli(
        spec.shown(spec.primary_model), as_json=args.json, quiet=args.quiet
    )
    notice = None if args.quiet else _notice
    paced = sys.stdout.isatty() and not args.json
    drive = run_flow.drive(agent, given, choice, display, notice, plan, paced=paced)
    result = run(drive, loop=args.loop)
    extra = None
    if plan.session_id is not None:
        extra = {"session": {"id": plan.session_id, "turn": plan.turn_index}}
    display.show_result(result, as_json=args.json, structured=spec.output is not None, extra=extra)
    return 0


def _images(args: argparse.Namespace) -> list[Any]:
    """The ``--image`` pictures, each checked (before any model call).

    Raises:
        UsageError: a bad picture (see :func:`agentrt.xai.media.image_part`), or pictures
            with ``--temporal`` or ``--resume``.
    """
    if not args.image:
        return []
    if args.temporal or args.resume is not None:
        raise UsageError("--image goes with a new local run, not --temporal or --resume")
    from agentrt.xai.config import MAX_MESSAGE_BYTES
    from agentrt.xai.media import image_part, inline_bytes

    images = [image_part(source, detail=args.image_detail) for source in args.image]
    if inline_bytes(images) > MAX_MESSAGE_BYTES - 65_536:
        raise UsageError(
            f"the --image pictures come to {inline_bytes(images) // 2**20} MiB as base64, more "
            f"than one request carries ({MAX_MESSAGE_BYTES // 2**20} MiB): send fewer, "
            "smaller ones, or give http(s):// URLs"
        )
    return images


def _plan(args: argparse.Namespace, agent_name: str) -> run_flow.RunPlan:
    """Check the session and approval flags together; open the store and the state.

    Raises:
        UsageError: flags that do not go together, a bad session id or store, a bad state.
    """
    from agentrt.agents.session import check_session_id
    from agentrt.commands.run_approval import ApprovalPolicy
    from agentrt.commands.session_db import open_cli_store

    policy = ApprovalPolicy.from_flags(args.approve, args.deny)
    state = None
    if args.resume is not None:
        if args.input is not None or args.input_file is not None:
            raise UsageError("--resume continues a paused run: give no INPUT or --input-file")
        state = run_flow.read_state(args.resume)
        if state.agent != agent_name:
            raise UsageError(
                f"--resume {args.resume}: the state is agent {state.agent!r}'s, not {agent_name!r}'s"
            )
    session_id = args.session
    if state is not None and state.session is not None:
        if session_id is not None and session_id != state.session.session_id:
            raise UsageError(
                f"--session {session_id!r}: the paused run is on session "
                f"{state.session.session_id!r}; drop --session or give that one"
            )
        session_id = state.session.session_id
    if session_id is None and (args.session_db is not None or args.session_mode != "auto"):
        raise UsageError("--session-db and --session-mode need --session ID")
    if args.temporal:
        if state is not None or policy.given:
            raise UsageError(
                "--resume, --approve and --deny are for local runs; on --temporal decide "
                "with agentrt approve WORKFLOW_ID --call ID"
            )
        if args.session_mode != "auto":
            raise UsageError("--session-mode is for local runs, not --temporal")
    elif getattr(args, "approval_timeout", None) is not None:
        raise UsageError("--approval-timeout is for --temporal runs")
    store = None
    if session_id is not None and not args.temporal:  # Temporal workers open it themselves
        check_session_id(session_id)
        store = open_cli_store(args.session_db)
    return run_flow.RunPlan(
        policy=policy,
        session_id=session_id,
        store=store,
        session_mode=args.session_mode,
        state=state,
        as_json=args.json,
        quiet=args.quiet,
        interactive=sys.stdin is not None and sys.stdin.isatty() and sys.stderr.isatty(),
    )


def check_vars(given: dict[str, str], used: list[str]) -> None:
    """Raise :class:`UsageError` for a ``--var`` the spec has no placeholder for."""
    from agentrt.specs.problems import did_you_mean

    for name in given:
        if name not in used:
            known = ", ".join(used) if used else "none"
            raise UsageError(
                f"--var {name}: the spec has no {{{name}}} placeholder{did_you_mean(name, used)} "
                f"(its placeholders: {known})"
            )


def _notice(message: str) -> None:
    print(f"agentrt: {message}", file=sys.stderr, flush=True)
