"""``agentrt sim``: serve xAI's gRPC API locally with a deterministic model.

Prints one line, ``listening on HOST:PORT``, once it accepts connections, and
serves until SIGINT or SIGTERM; in-flight calls then get --grace seconds.
"""

from __future__ import annotations

import argparse
import os
import textwrap
from typing import Any

__all__ = ["register"]

EXAMPLES = """examples:
  agentrt sim                                   serve on 127.0.0.1, a free port
  agentrt sim --port 50051 --api-key test-key   require 'authorization: Bearer test-key'
  agentrt sim --ttft-ms 300 --itl-ms 20 --tokens-per-chunk 2
  agentrt sim --fault unavailable --fault-on 1,2          fail the first two model calls
  agentrt sim --fault resource_exhausted --fault-rate 0.1 --seed 7
  agentrt sim --fault abort --abort-after 5               cut every stream after 5 chunks
  agentrt sim --script turns.yaml                         replay canned turns, then fail loudly

  from xai_sdk:   Client(api_key="any", api_host="localhost:PORT")
  from agentrt:   AGENTRT_ENDPOINT / --endpoint 127.0.0.1:PORT

faults (--fault NAME, repeatable or comma-separated; header x-sim-fault):
{faults}

per-request overrides (gRPC metadata; a header wins over the flag, for that call only):
{headers}
  e.g. metadata=(("x-sim-session", "test-42"), ("x-sim-fault", "unavailable"),
                 ("x-sim-fault-on", "1,2"))  -> calls 1 and 2 of session test-42 fail

models served (aliases too; other names get NOT_FOUND; reasoning models think first):
{models}

Faults apply to model calls (GetCompletion, GetCompletionChunk,
StartDeferredCompletion): every call, those numbered by --fault-on (per
x-sim-session), or a seeded fraction --fault-rate. Methods the simulator does
not implement answer UNIMPLEMENTED. The API key may also come from
AGENTRT_SIM_API_KEY; it is never printed.
"""


def _epilog() -> str:
    from agentrt.commands.sim_files import FILES_HELP
    from agentrt.sim.catalogue import CATALOGUE
    from agentrt.sim.knobs import FAULTS, HEADERS

    faults = "\n".join(f"  {name:<20} {text}" for name, text in FAULTS.items())
    headers = "\n".join(f"  {name:<24} {text}" for name, text in HEADERS.items())
    models = textwrap.fill(
        ", ".join(m.name for m in CATALOGUE),
        88,
        initial_indent="  ",
        subsequent_indent="  ",
        break_on_hyphens=False,
    )
    return EXAMPLES.format(faults=faults, headers=headers, models=models) + FILES_HELP


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``sim`` subcommand."""
    p = sub.add_parser(
        "sim",
        parents=[common],
        help="run a local xAI-compatible gRPC server (deterministic model, faults)",
        description=__doc__,
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    p.add_argument("--api-key", default=None, help="require 'authorization: Bearer KEY'")
    p.add_argument("--grace", type=float, default=5.0, metavar="S", help="shutdown grace, seconds")
    p.add_argument("--script", metavar="FILE", help="replay turns from a YAML/JSON file")
    _add_realism(p.add_argument_group("realism"))
    _add_faults(p.add_argument_group("faults"))
    from agentrt.commands.sim_files import add_file_flags

    add_file_flags(p.add_argument_group("files and collections"))
    from agentrt.telemetry.setup import add_telemetry_flags, with_telemetry

    add_telemetry_flags(p, metrics=False)  # --trace: a server span per call, in the caller's trace
    p.set_defaults(handler=with_telemetry(_run))


def _add_realism(group: Any) -> None:
    """Flags that shape timing and length of answers."""
    group.add_argument("--ttft-ms", type=float, default=0.0, help="delay before the first chunk")
    group.add_argument("--itl-ms", type=float, default=0.0, help="delay between chunks")
    group.add_argument("--tokens-per-chunk", type=int, default=1, help="tokens per streamed chunk")
    group.add_argument(
        "--output-tokens", type=int, default=None, help="length of plain text answers"
    )


def _add_faults(group: Any) -> None:
    """Fault injection flags (the headers of the same names override them per call)."""
    group.add_argument(
        "--fault", action="append", default=[], metavar="NAME", help="inject a fault (see below)"
    )
    group.add_argument(
        "--fault-on", default="", metavar="N,M", help="only on these model calls (1-based)"
    )
    group.add_argument(
        "--fault-rate", type=float, default=None, metavar="R", help="on a fraction R of calls"
    )
    group.add_argument("--seed", type=int, default=0, help="seed for --fault-rate")
    group.add_argument(
        "--abort-after",
        type=int,
        default=3,
        metavar="K",
        help="chunks before 'abort' cuts a stream",
    )
    group.add_argument(
        "--retry-after-ms", type=int, default=1000, help="retry hint sent with resource_exhausted"
    )
    group.add_argument(
        "--deadline-stall-ms",
        type=int,
        default=30_000,
        help="longest stall of the 'deadline' fault",
    )


def _options(args: argparse.Namespace) -> Any:
    from agentrt.commands.sim_files import file_options
    from agentrt.errors import UsageError
    from agentrt.sim.faults import FaultConfig, Realism, parse_call_numbers, parse_faults
    from agentrt.sim.server import SimOptions

    try:
        faults = parse_faults(",".join(args.fault))
        on_calls = parse_call_numbers(args.fault_on)
    except ValueError as exc:
        raise UsageError(f"--fault/--fault-on: {exc}") from None
    _check_numbers(args)
    return SimOptions(
        host=args.host,
        port=args.port,
        api_key=args.api_key or os.environ.get("AGENTRT_SIM_API_KEY") or None,
        realism=Realism(
            ttft_ms=args.ttft_ms,
            itl_ms=args.itl_ms,
            tokens_per_chunk=args.tokens_per_chunk,
            output_tokens=args.output_tokens,
        ),
        faults=FaultConfig(
            faults=faults,
            on_calls=on_calls,
            rate=args.fault_rate,
            abort_after=args.abort_after,
            retry_after_ms=args.retry_after_ms,
            deadline_stall_ms=args.deadline_stall_ms,
            seed=args.seed,
        ),
        script=args.script,
        grace_s=args.grace,
        **file_options(args),
    )


def _check_numbers(args: argparse.Namespace) -> None:
    """Every numeric flag in its range, or a UsageError naming the flag."""
    from agentrt.errors import UsageError
    from agentrt.xai.grpc_server import check_port

    check_port(args.port)
    if args.api_key is not None and not args.api_key.strip():
        raise UsageError("--api-key is empty: give the key callers must send, or leave it out")
    if args.fault_rate is not None and not 0 <= args.fault_rate <= 1:
        raise UsageError("--fault-rate must be between 0 and 1")
    if args.tokens_per_chunk < 1:
        raise UsageError("--tokens-per-chunk must be at least 1")
    if args.output_tokens is not None and args.output_tokens < 0:
        raise UsageError("--output-tokens must not be negative")
    for flag in (
        "ttft_ms",
        "itl_ms",
        "grace",
        "abort_after",
        "retry_after_ms",
        "deadline_stall_ms",
    ):
        if getattr(args, flag) < 0:
            raise UsageError(f"--{flag.replace('_', '-')} must not be negative")


async def _serve(options: Any) -> int:
    from agentrt.launch.eventloop import stop_on_signals
    from agentrt.sim.server import Simulator

    with stop_on_signals() as stop:
        async with Simulator(options) as sim:
            print(f"listening on {sim.address}", flush=True)
            await stop.wait()
    return 0


def _run(args: argparse.Namespace) -> int:
    from agentrt.launch.eventloop import run
    from agentrt.sim.script import load_script

    options = _options(args)
    if args.trace:
        import dataclasses

        from agentrt.telemetry.tracing import default_telemetry

        options = dataclasses.replace(options, observer=default_telemetry().observer())
    if options.script is not None:
        load_script(options.script)  # fail fast, before binding, on a bad script
    code: int = run(_serve(options), loop=args.loop)
    return code
