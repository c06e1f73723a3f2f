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
import json
import re
import sys
from typing import TYPE_CHECKING, Any

from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.agents.agent import Agent
    from agentrt.agents.run_result import RunResult
    from agentrt.commands.run_display import RunDisplay
    from agentrt.launch.connect import EndpointChoice

__all__ = ["check_vars", "parse_vars", "read_input", "register"]

EXAMPLES = """examples:
  agentrt run examples/trip_planner/trip_planner.yaml \\
      "Plan a day in Lisbon: check the weather and find places to visit, starting with a museum."
  agentrt run examples/support_triage/support_triage.yaml --var company=Acme --input-file ticket.txt
  echo "Ask the researcher for \\"notes on the Lisbon trams\\"" | agentrt run examples/research/research.yaml
  agentrt run agent.yaml "..." --json | jq .output
  agentrt run agent.yaml "What does the contract say about notice periods?" --file contract.txt
  XAI_API_KEY=... agentrt run agent.yaml "..."          the real API
  agentrt run agent.yaml "..." --endpoint 127.0.0.1:50051   any xAI-compatible server
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
    p.add_argument("--endpoint", metavar="HOST:PORT", help="server (default: see above)")
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
    if args.file:
        if args.temporal:
            raise UsageError(
                "--file cannot go to Temporal workers; list the files in the spec's files:"
            )
        from agentrt.agents.attachments import Attachments

        agent.files = Attachments([*agent.files.paths, *args.file])
    text = read_input(args.input, args.input_file)
    if args.temporal:  # a durable run on Temporal workers (agentrt.durable)
        from agentrt.commands.run_temporal import run_on_temporal

        return run_on_temporal(args, spec, agent, text, variables)
    choice = choose_endpoint(args.endpoint)
    display = RunDisplay.for_cli(spec.shown(spec.model), as_json=args.json, quiet=args.quiet)
    notice = None if args.quiet else _notice
    paced = sys.stdout.isatty() and not args.json
    drive = _drive(agent, text, choice, display, notice, as_json=args.json, paced=paced)
    result = run(drive, loop=args.loop)
    display.show_result(result, as_json=args.json, structured=spec.output is not None)
    return 0


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


async def _drive(
    agent: Agent[Any],
    text: str,
    choice: EndpointChoice,
    display: RunDisplay,
    notice: Any,
    *,
    as_json: bool,
    paced: bool,
) -> RunResult[Any]:
    from agentrt.errors import AgentError
    from agentrt.launch.connect import connect

    async with connect(choice, notice=notice, paced=paced) as client:
        display.start()
        try:
            async with agent.stream(text, client=client) as events:
                async for event in events:
                    display.handle(event)
            return events.result
        except AgentError as exc:
            if as_json and exc.result is not None:
                _print_failure(exc, agent)
            raise
        finally:
            display.close()


def _print_failure(exc: Any, agent: Agent[Any]) -> None:
    from agentrt.agents.run_summary import failure_summary, with_thread_report

    shown = agent.redactions  # values from ${ENV} are shown as <from $NAME>
    model = shown.value(str(agent.model))
    summary = with_thread_report(failure_summary(exc, model=model, shown=shown))
    print(json.dumps(summary, ensure_ascii=False))
