"""The ``agentrt`` command: one entry point, one module per subcommand.

Exit codes: 0 success, 1 the agent failed, 2 usage or spec error, 3 transport or
authentication error, 130 interrupted, 141 the reader of stdout went away
(``agentrt ... | head``). Expected failures print one line, no traceback;
``--debug`` shows it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from agentrt._version import __version__
from agentrt.errors import AgentrtError

__all__ = ["build_parser", "main"]

# Subcommand modules under agentrt.commands; each defines register(subparsers, parent).
COMMANDS = (
    "info",
    "validate",
    "schema",
    "chat",
    "sim",
    "run",
    "sessions",
    "voice",
    "load",
    "worker",
    "approve",
    "batch",
    "serve",
    "files",
    "collections",
)

EPILOG = """examples:
  agentrt run examples/trip_planner/trip_planner.yaml "Plan a day in Lisbon: check the weather"
                                    run a YAML agent (no XAI_API_KEY: the built-in simulator)
  agentrt voice agent.yaml --in question.wav --out answer.wav
                                    speak to a YAML agent: WAV in, spoken answer out
  agentrt validate agent.yaml       check agent specs; problems as FILE:LINE:COL: message
  agentrt schema                    the JSON Schema of agent spec files, for editors
  agentrt info                      version and the xAI services the stubs expose
  agentrt files upload a.pdf b.md   store files (xAI Files API; also list, download, rm, ...)
  agentrt collections search docs "refund policy"
                                    search a collection's documents (create, add, docs, ...)
  agentrt <command> --help          help and examples for one command

exit codes: 0 ok, 1 the agent failed, 2 usage or spec error, 3 transport or
authentication error, 130 interrupted (Ctrl-C), 141 stdout closed (| head)
"""


class _Parser(argparse.ArgumentParser):
    """A parser whose usage errors are one line, ``agentrt: error: ...``, and exit 2.

    Subcommand parsers are of this class too (``add_subparsers`` uses the parent's class).
    """

    def error(self, message: str) -> NoReturn:
        """Print one line naming the problem and where the usage is, then exit 2."""
        self.exit(2, f"agentrt: error: {message} (see: {self.prog} --help)\n")


def _common(*, defaults: bool) -> argparse.ArgumentParser:
    """``--debug`` and ``--loop``, accepted before and after the command name.

    The subcommands' copies have no defaults, so ``agentrt --debug run ...`` is not
    undone by the ``run`` parser; the top-level parser's defaults apply.
    """
    from agentrt.launch.eventloop import LOOP_CHOICES

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug",
        action="store_true",
        default=False if defaults else argparse.SUPPRESS,
        help="show tracebacks for errors",
    )
    common.add_argument(
        "--loop",
        choices=LOOP_CHOICES,
        default="auto" if defaults else argparse.SUPPRESS,
        help="event loop: uvloop when installed (auto), or force one",
    )
    return common


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Build the top-level parser with every subcommand registered (or just ``only``).

    ``only`` is for start-up time: a command line that names a command needs only that
    command's module (the others import what they run: a tenth of a second in all).
    """
    common = _common(defaults=False)
    parser = _Parser(
        prog="agentrt",
        description="A gRPC-first client and async agent runtime for xAI's Grok API.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_common(defaults=True)],
    )
    parser.add_argument("--version", action="version", version=f"agentrt {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in (only,) if only in COMMANDS else COMMANDS:
        importlib.import_module(f"agentrt.commands.{name}").register(sub, common)
    for command in sub.choices.values():
        # Descriptions are the modules' docstrings: no reST quoting in a terminal.
        command.description = (command.description or "").replace("``", "")
        command.set_defaults(command_parser=command)
    return parser


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse ``argv``, letting an optional positional follow the options.

    argparse matches an optional positional (``agentrt run SPEC [INPUT]``) with
    the first run of positionals, so ``run SPEC --var k=v INPUT`` would leave
    INPUT unrecognized. A command names such a positional with
    ``set_defaults(late_positional="input")`` and it is filled from the leftover
    (after ``--`` it may start with ``-``: ``run SPEC --json -- "-1 or 1?"``).
    """
    words = list(sys.argv[1:] if argv is None else argv)
    for word in words:
        try:
            word.encode()
        except UnicodeEncodeError:  # undecodable bytes arrive as lone surrogates
            raw = word.encode("utf-8", "surrogateescape")
            parser.error(
                f"argument '{raw.decode('utf-8', 'backslashreplace')}' is not valid UTF-8 text"
            )
    args, extras = parser.parse_known_args(words)
    late = getattr(args, "late_positional", None)
    if late and getattr(args, late) is None:
        if len(extras) == 2 and extras[0] == "--":
            extras.pop(0)
            setattr(args, late, extras.pop())
        elif len(extras) == 1 and not extras[0].startswith("-"):
            setattr(args, late, extras.pop())
    if extras:
        owner = getattr(args, "command_parser", None) or parser
        owner.error(f"unrecognized arguments: {' '.join(extras)}")
    return args


def _named_command(words: Sequence[str]) -> str | None:
    """The command ``words`` name, if only top-level flags come before it; else ``None``."""
    from agentrt.launch.eventloop import LOOP_CHOICES

    for i, word in enumerate(words):
        if word in COMMANDS:
            return word
        after_loop = i > 0 and words[i - 1] == "--loop" and word in LOOP_CHOICES
        if (
            word != "--debug"
            and word != "--loop"
            and not word.startswith("--loop=")
            and not after_loop
        ):
            return None
    return None


def _exit_now(code: int) -> NoReturn:
    """Exit at once: never wait for a sync tool's thread that is still running after Ctrl-C."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI and exit with its status code."""
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(_named_command(words))
    args = _parse(parser, words)
    if not args.debug:  # gRPC's C-core log lines are not messages for the user
        os.environ.setdefault("GRPC_VERBOSITY", "NONE")
    try:
        code: int = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows up here, not as a traceback at exit
    except AgentrtError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"agentrt: error: {exc}", file=sys.stderr)
        code = exc.exit_code
    except KeyboardInterrupt:
        print("agentrt: interrupted", file=sys.stderr)
        _exit_now(130)
    except BrokenPipeError:
        # Like other Unix tools: stop quietly. Output still buffered goes nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 141
    if _abandoned_tool_threads():
        print(
            "agentrt: sync tools whose calls timed out or were cancelled are still running; "
            "exiting without waiting for them",
            file=sys.stderr,
        )
        _exit_now(code)
    sys.exit(code)


def _abandoned_tool_threads() -> int:
    """Threads still running sync tools nobody waits for (0 if no sync tool ever ran)."""
    threads = sys.modules.get("agentrt.agents.tool_threads")
    return 0 if threads is None else threads.default_tool_threads().abandoned
