"""``agentrt sim``: serve xAI's gRPC API locally with a deterministic model.

Prints one line, ``listening on HOST:PORT``, once it accepts connections, and
serves until SIGINT or SIGTERM; in-flight calls then get --grace seconds.
"""

from __future__ import annotations

import argparse
import os
import textwrap
from typing import Any

__all__ = ["MAX_GRACE_S", "register"]

MAX_GRACE_S = 86_400.0
"""The longest --grace (a day): more is a typo."""

EXAMPLES = """examples:
  agentrt sim                                   serve on 127.0.0.1, a free port
  agentrt sim --port 50051 --api-key test-key   require 'authorization: Bearer test-key'
  agentrt sim --ttft-ms 300 --itl-ms 20 --tokens-per-chunk 2
  agentrt sim --fault unavailable --fault-on 1,2          fail the first two model calls
  agentrt sim --fault resource_exhausted --fault-rate 0.1 --seed 7
  agentrt sim --fault abort --abort-after 5               cut every stream after 5 chunks
  agentrt sim --script turns.yaml                         replay canned turns, then fail loudly
  agentrt sim --http-port 8000                  REST too: http://127.0.0.1:8000/v1
                                                and voice: ws://127.0.0.1:8000/v1/realtime

  from xai_sdk:   Client(api_key="any", api_host="localhost:PORT")
  from agentrt:   AGENTRT_ENDPOINT / --endpoint 127.0.0.1:PORT
  from openai:    AsyncOpenAI(base_url="http://127.0.0.1:HTTP_PORT/v1", api_key="any")

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

video (xai_api.Video; needs PyAV: pip install 'agentrt[video]', else FAILED_PRECONDITION):
  GenerateVideo/ExtendVideo start a job, pending for --video-delay-ms, then DONE with a
  small real MP4 (24 fps, a fifth of the asked resolution) at http://HOST:PORT/videos/ID.mp4;
  models grok-imagine-video, grok-imagine-video-1.5; fault job_failed ends a job FAILED.
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
    from agentrt.commands.flag_values import seconds

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
    p.add_argument(
        "--http-port",
        type=int,
        metavar="PORT",
        help="also serve xAI's OpenAI-compatible REST API on this port (0: a free one)",
    )
    p.add_argument("--api-key", default=None, help="require 'authorization: Bearer KEY'")
    p.add_argument(
        "--grace",
        type=seconds(zero=True, most=MAX_GRACE_S),
        default=5.0,
        metavar="S",
        help="shutdown grace: in-flight calls get this long (5, 500ms; a second signal ends them)",
    )
    p.add_argument(
        "--script",
        metavar="FILE",
        help="replay turns from a YAML/JSON file (with per_conversation: true, each conversation "
        "replays it from its first turn)",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="say why the model called each tool: a line per call on stderr and the "
        "x-sim-explain trailer (scores, matched words, filled arguments)",
    )
    _add_realism(p.add_argument_group("realism"))
    _add_faults(p.add_argument_group("faults"))
    from agentrt.commands.sim_files import add_file_flags

    add_file_flags(p.add_argument_group("files and collections"))
    _knob_flag(p.add_argument_group("batches"), "batch_rate", 200.0, metavar="N")
    from agentrt.telemetry.setup import add_telemetry_flags, with_telemetry

    add_telemetry_flags(p, metrics=False)  # --trace: a server span per call, in the caller's trace
    p.set_defaults(handler=with_telemetry(_run))


def _knob_flag(group: Any, name: str, default: float | None, **extra: Any) -> None:
    """A flag of the knob table: its range (shared with its x-sim- header) checked at parse time."""
    from agentrt.commands.flag_values import count, number
    from agentrt.sim.knobs import KNOBS

    knob = KNOBS[name]
    kind = (
        count(least=int(knob.least), most=int(knob.most))
        if knob.integer
        else number(least=knob.least, most=knob.most)
    )
    extra.setdefault("metavar", "MS" if name.endswith("_ms") else "N")
    group.add_argument(
        knob.flag, type=kind, default=default, help=f"{knob.meaning} ({knob.allowed})", **extra
    )


def _add_realism(group: Any) -> None:
    """Flags that shape timing and length of answers."""
    _knob_flag(group, "ttft_ms", 0.0)
    _knob_flag(group, "itl_ms", 0.0)
    _knob_flag(group, "tokens_per_chunk", 1)
    _knob_flag(group, "output_tokens", None)
    _knob_flag(group, "video_delay_ms", 500)


def _add_faults(group: Any) -> None:
    """Fault injection flags (the headers of the same names override them per call)."""
    group.add_argument(
        "--fault", action="append", default=[], metavar="NAME", help="inject a fault (see below)"
    )
    group.add_argument(
        "--fault-on", default="", metavar="N,M", help="only on these model calls (1-based)"
    )
    group.add_argument(
        "--fail-model",
        action="append",
        default=[],
        metavar="MODEL=FAULT",
        help="every call naming MODEL fails with FAULT (unavailable, internal, "
        "resource_exhausted); other models answer (repeatable; header x-sim-fail-model)",
    )
    _knob_flag(group, "fault_rate", None, metavar="R")
    _knob_flag(group, "seed", 0)
    _knob_flag(group, "abort_after", 3, metavar="K")
    _knob_flag(group, "retry_after_ms", 1000)
    _knob_flag(group, "deadline_stall_ms", 30_000)


def _options(args: argparse.Namespace) -> Any:
    from agentrt.commands.sim_files import file_options
    from agentrt.errors import UsageError
    from agentrt.sim.batchstore import BatchLimits
    from agentrt.sim.faults import (
        FaultConfig,
        Realism,
        parse_call_numbers,
        parse_fail_models,
        parse_faults,
    )
    from agentrt.sim.server import SimOptions

    try:
        faults = parse_faults(",".join(args.fault))
        on_calls = parse_call_numbers(args.fault_on)
    except ValueError as exc:
        raise UsageError(f"--fault/--fault-on: {exc}") from None
    try:
        fail_models = parse_fail_models(",".join(args.fail_model))
    except ValueError as exc:
        raise UsageError(f"--fail-model: {exc}") from None
    _check_numbers(args)
    return SimOptions(
        host=args.host,
        port=args.port,
        http_port=args.http_port,
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
            fail_models=fail_models,
        ),
        script=args.script,
        grace_s=args.grace,
        batches=BatchLimits(rate=args.batch_rate),
        video_delay_ms=args.video_delay_ms,
        explain=args.explain,
        **file_options(args),
    )


def _check_numbers(args: argparse.Namespace) -> None:
    """The checks argparse types cannot make (knob ranges are checked while parsing)."""
    from agentrt.errors import UsageError
    from agentrt.xai.grpc_server import check_port

    check_port(args.port)
    if args.http_port is not None:
        check_port(args.http_port, flag="--http-port")
    if args.api_key is not None and not args.api_key.strip():
        raise UsageError("--api-key is empty: give the key callers must send, or leave it out")


async def _serve(options: Any) -> int:
    from agentrt.launch.eventloop import stop_on_signals
    from agentrt.sim.server import Simulator

    with stop_on_signals() as stop:
        async with Simulator(options) as sim:
            print(f"listening on {sim.address}", flush=True)
            if sim.rest_url is not None:
                print(f"listening on {sim.rest_url} (REST)", flush=True)
            await stop.wait()
            stop.clear()
            await _drain(sim, stop)
    return 0


async def _drain(sim: Any, stop: Any) -> None:
    """Let in-flight calls finish within the grace; a second signal ends them at once."""
    import asyncio

    async with asyncio.TaskGroup() as tasks:
        drained = tasks.create_task(sim.stop())
        again = tasks.create_task(stop.wait())
        await asyncio.wait((drained, again), return_when=asyncio.FIRST_COMPLETED)
        if drained.done():
            again.cancel()
        else:
            await sim.stop(0)  # cuts the grace short; `drained` then finishes the shutdown


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
