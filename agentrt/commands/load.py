"""``agentrt load``: load-test a streaming LLM service over xAI's gRPC API or OpenAI's REST API.

Measures what matters for streamed answers, per request, on the client: time
to first token (TTFT), inter-token latency (ITL), time per output token (TPOT),
end-to-end latency, tokens/s; and for the run: requests/s, output tokens/s,
errors by gRPC status code, finish reasons and goodput against --slo. Closed
loop (--concurrency N workers) or open loop (--rate R: Poisson arrivals, with
a report of how far the client fell behind its schedule); --ramp makes either
grow over time. In open loop at most --max-in-flight requests (default 1000)
run at once: an arrival due beyond that is dropped, counted and warned about,
rather than piling up while the service is slower than the offered rate.
Retries are off unless --retries, so each request counts once. --duration
stops *starting* requests; those in flight finish and count. The first Ctrl-C
does the same at once and still writes the report. SIGTERM (timeout, kill, CI
cancellation) or a second Ctrl-C stops now: requests in flight are cancelled
and the reports are written from those that completed, marked partial (exit
143 or 130); a third signal exits at once. --records lines are written as
requests complete, so even a killed run keeps them.
--warmup N sends N requests first (connections opened, caches warm) and
discards them. Every flag is checked before the first request: workers at
most 100,000 (a ramp's peak too), --rate at most 1,000,000/s, --max-tokens at
most 2,147,483,647, --timeout at most 24h, --metadata as gRPC accepts it.
Exit codes: 0 the report was written, 2 usage error, 3 no request succeeded
(the report is still written; the error names why).

Endpoint: --endpoint, else $AGENTRT_ENDPOINT, else the built-in simulator,
started in this process (announced on stderr). --protocol openai (implied by an
http(s):// endpoint) load-tests any OpenAI-compatible REST API instead: xAI's
(https://api.x.ai/v1), a gateway, the simulator's REST door or `agentrt serve
--http-port`: --api chat (/chat/completions, default) or responses (/responses),
streamed (SSE; TTFT is the first content delta) or --unary; metadata are sent
as HTTP headers; --connections counts HTTP connections (default one per worker).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

from agentrt.commands.load_outputs import check_outputs, report_run, run_on_locust

__all__ = ["register"]

EXAMPLES = """examples:
  agentrt load --model grok-3 --prompt "Tell me a story" --concurrency 10 --duration 30s
  agentrt load --endpoint 127.0.0.1:50051 --model grok-3 --prompts corpus.jsonl \\
      --rate 50/s --requests 2000 --slo ttft=500ms,tpot=50ms --html report.html
  agentrt load --model grok-3 --prompt hi --rate 500/s --max-in-flight 200 --duration 1m
  agentrt load --model grok-3 --prompt hi --rate 10 --ramp step --ramp-step 10 \\
      --ramp-every 10s --ramp-to 100 --duration 2m --json report.json --csv requests.csv
  agentrt load --model grok-3 --prompt hi --concurrency 200 --processes 2 --duration 20s
  agentrt load --endpoint 10.0.0.5:50051 --model grok-3 --prompt hi --concurrency 200 \
      --duration 1m --locust --locust-workers 4      Locust master + 4 workers (docs/locust.md)
  agentrt load --agent examples/trip_planner/trip_planner.yaml --prompt "Lisbon" \\
      --concurrency 4 --requests 40
  agentrt load --agent examples/support_triage/support_triage.yaml --var company=Acme \\
      --prompt "Where is order AB-123?" --concurrency 4 --requests 40
  agentrt load --model grok-3 --prompt hi --requests 100 --metadata x-sim-ttft-ms=200
  agentrt load --endpoint http://127.0.0.1:8000/v1 --model grok-3 --prompt hi \
      --concurrency 50 --duration 30s                    an OpenAI-compatible REST API
  agentrt load --protocol openai --api responses --model grok-3 --prompt hi --requests 500

corpus (--prompts FILE.jsonl), one prompt per line:
  "plain text"
  {"prompt": "Tell me about {{city}}", "city": "Lisbon", "system": "Be brief.", "max_tokens": 64}
  {"messages": [{"role": "user", "content": "request {{request_number}} at {{timestamp_unix}}"}]}
"""


SIMULATED = (
    "the service under test was the built-in simulator, in this process: it shares the client's CPU"
)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``load`` subcommand."""
    p = sub.add_parser(
        "load",
        parents=[common],
        help="load-test a streaming LLM service: TTFT, ITL, TPOT, tokens/s, goodput",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_workload(p)
    _add_outputs(p)
    _add_ramps(p)
    _add_more(p)
    from agentrt.commands.load_locust import add_locust_flags

    add_locust_flags(p)
    p.set_defaults(handler=_run)


def _add_workload(p: argparse.ArgumentParser) -> None:
    add = p.add_argument
    add(
        "--endpoint",
        metavar="HOST:PORT|URL",
        help="the service under test (--protocol openai: its base URL, e.g. "
        "http://127.0.0.1:8000/v1)",
    )
    add(
        "--protocol",
        choices=("grpc", "openai"),
        help="xAI's gRPC API (default) or an OpenAI-compatible REST API (default when "
        "--endpoint is an http(s):// URL)",
    )
    add(
        "--api",
        choices=("chat", "responses"),
        default="chat",
        help="with --protocol openai: /chat/completions (default) or /responses",
    )
    add("--model", help="model name (required unless --agent)")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--prompt", metavar="TEXT", help="one prompt ({{request_number}} etc.)")
    what.add_argument("--prompts", metavar="FILE.jsonl", help="a prompt corpus, round robin")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--concurrency", type=int, metavar="N", help="closed loop: N workers")
    how.add_argument("--rate", metavar="R/s", help="open loop: Poisson arrivals, e.g. 50 or 50/s")
    add(
        "--max-in-flight",
        type=int,
        metavar="N",
        help="with --rate: at most N requests at once; arrivals beyond are dropped and "
        "counted (default 1000)",
    )
    until = p.add_mutually_exclusive_group(required=True)
    until.add_argument("--duration", metavar="DUR", help="how long to start requests, e.g. 30s")
    until.add_argument("--requests", type=int, metavar="N", help="how many requests")
    add("--connections", type=int, metavar="K", help="TCP connections (default: 1 per 100 workers)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--stream",
        dest="stream",
        action="store_true",
        default=True,
        help="streaming calls (default)",
    )
    mode.add_argument(
        "--unary", dest="stream", action="store_false", help="unary calls (TTFT = E2E)"
    )
    add("--max-tokens", type=int, metavar="N", help="max_tokens of each request")
    add("--warmup", type=int, default=0, metavar="N", help="requests sent and discarded first")
    add("--slo", metavar="SPEC", help="objectives for goodput, e.g. ttft=500ms,tpot=50ms")
    add("--agent", metavar="SPEC", help="run this YAML agent once per request")
    add(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="with --agent: a value for a {NAME} placeholder (repeatable)",
    )


def _add_outputs(p: argparse.ArgumentParser) -> None:
    out = p.add_argument_group(
        "outputs (the summary table goes to stdout; to stderr with --json -)"
    )
    out.add_argument("--json", metavar="OUT", help="the full report as JSON ('-': stdout)")
    out.add_argument("--records", metavar="OUT.jsonl", help="one JSON line per request")
    out.add_argument("--csv", metavar="OUT", help="one CSV row per request")
    out.add_argument(
        "--html",
        metavar="OUT",
        help="a self-contained HTML report, offline: histograms, charts over time (a short "
        "last interval left out or drawn dashed), workers, settings in words",
    )


def _add_ramps(p: argparse.ArgumentParser) -> None:
    ramp = p.add_argument_group("ramps (apply to --concurrency or --rate)")
    ramp.add_argument("--ramp", choices=("step", "linear"), help="grow the load over time")
    ramp.add_argument("--ramp-step", type=float, metavar="X", help="added per --ramp-every")
    ramp.add_argument(
        "--ramp-every", default="1s", metavar="DUR", help="step duration (default 1s)"
    )
    ramp.add_argument("--ramp-to", type=float, metavar="X", help="stop growing at this value")


def _add_more(p: argparse.ArgumentParser) -> None:
    more = p.add_argument_group("more")
    more.add_argument(
        "--processes", type=int, default=1, metavar="P", help="spread over P processes"
    )
    more.add_argument(
        "--retries", action="store_true", help="let the client retry (off by default)"
    )
    more.add_argument("--timeout", default="60s", metavar="DUR", help="deadline of each request")
    more.add_argument(
        "--metadata", action="append", default=[], metavar="K=V", help="gRPC metadata (repeatable)"
    )
    more.add_argument("--seed", type=int, default=0, help="seed of the open-loop arrivals")
    more.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="live display (default: when stderr is a terminal)",
    )


def _corpus(args: argparse.Namespace) -> Any:
    """The prompts: ``--prompt TEXT`` (not blank) or the ``--prompts`` file."""
    from agentrt.errors import UsageError
    from agentrt.load.prompts import Corpus

    if args.prompt is not None:
        if not args.prompt.strip():
            raise UsageError("--prompt is empty: give the text each request sends")
        return Corpus.from_prompt(args.prompt)
    if not args.prompts:
        raise UsageError("--prompts needs a file name")
    return Corpus.from_file(args.prompts)


def _ramp(args: argparse.Namespace, start: float) -> Any:
    from agentrt.errors import UsageError
    from agentrt.load.schedule import Ramp
    from agentrt.load.units import parse_duration

    if args.ramp is None:
        if args.ramp_step is not None or args.ramp_to is not None:
            raise UsageError("--ramp-step/--ramp-to need --ramp step or --ramp linear")
        return Ramp(start=start)
    if args.ramp_step is None:
        raise UsageError(f"--ramp {args.ramp} needs --ramp-step X")
    every = parse_duration(args.ramp_every, what="--ramp-every")
    return Ramp(kind=args.ramp, start=start, step=args.ramp_step, every=every, end=args.ramp_to)


LIMITS = {
    "concurrency": 100_000,
    "connections": 1_000,
    "max_in_flight": 1_000_000,
    "processes": 256,
}
"""The largest value each count flag takes: beyond, the run would exhaust the machine, not test."""


def _check_bounds(args: argparse.Namespace) -> None:
    """Counts within :data:`LIMITS`; ramp figures finite numbers."""
    import math

    from agentrt.errors import UsageError

    for name, limit in LIMITS.items():
        value = getattr(args, name)
        if value is not None and value > limit:
            flag = "--" + name.replace("_", "-")
            raise UsageError(f"{flag} {value}: at most {limit:,}")
    for name in ("ramp_step", "ramp_to"):
        value = getattr(args, name)
        if value is not None and not math.isfinite(value):
            raise UsageError(f"--{name.replace('_', '-')} {value}: give a finite number")


def build_plan(args: argparse.Namespace, endpoint: str) -> Any:
    """The :class:`~agentrt.load.plan.LoadPlan` the arguments ask for."""
    from agentrt.commands.run import parse_vars
    from agentrt.errors import UsageError
    from agentrt.load.metadata import parse_metadata
    from agentrt.load.plan import LoadPlan
    from agentrt.load.units import Slo, parse_duration, parse_rate, parse_slo
    from agentrt.xai.config import resolve_key

    if not args.model and not args.agent:
        raise UsageError("give --model M (or --agent SPEC)")
    if args.var and not args.agent:
        raise UsageError("--var fills an agent's placeholders: give --agent SPEC")
    if args.concurrency is not None and args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if args.processes < 1:
        raise UsageError("--processes must be at least 1")
    _check_bounds(args)
    corpus = _corpus(args)
    rate = _ramp(args, parse_rate(args.rate)) if args.rate else None
    concurrency = None if rate else _ramp(args, float(args.concurrency or 1))
    return LoadPlan(
        model=args.model or "",
        corpus=corpus,
        concurrency=concurrency,
        rate=rate,
        max_in_flight=args.max_in_flight,
        duration=parse_duration(args.duration, what="--duration") if args.duration else None,
        requests=args.requests,
        connections=args.connections,
        stream=args.stream,
        max_tokens=args.max_tokens,
        warmup=args.warmup,
        slo=parse_slo(args.slo) if args.slo else Slo(),
        retries=args.retries,
        timeout=parse_duration(args.timeout, what="--timeout"),
        metadata=parse_metadata(args.metadata),
        seed=args.seed,
        agent=args.agent,
        variables=tuple(parse_vars(args.var).items()),
        endpoint=endpoint,
        api_key=resolve_key(),
        protocol=args.protocol,
        api=args.api,
    )


def _target(args: argparse.Namespace) -> str | None:
    """The endpoint (``None``: the built-in simulator); sets ``args.protocol`` when not given.

    An ``http(s)://`` endpoint is an OpenAI-compatible REST API's base URL; anything else
    is gRPC's HOST:PORT.
    """
    from agentrt.errors import UsageError
    from agentrt.launch.connect import named_endpoint
    from agentrt.xai.config import ENDPOINT_ENV, check_url

    given = args.endpoint or os.environ.get(ENDPOINT_ENV) or None
    is_url = given is not None and given.lower().startswith(("http://", "https://"))
    if args.protocol is None:
        args.protocol = "openai" if is_url else "grpc"
    if given is None:
        return None
    if is_url:  # first: its error never shows a user:password or query (they may be secrets)
        check_url(given)
    flag = "--endpoint" if args.endpoint else f"${ENDPOINT_ENV}"
    if args.protocol == "grpc":
        if is_url:
            raise UsageError(
                f"{flag} {given}: a URL is a REST API: add --protocol openai, "
                "or give gRPC's HOST:PORT"
            )
        return named_endpoint(args.endpoint)
    if not is_url:
        raise UsageError(
            f"{flag} {given}: --protocol openai needs the API's base URL, "
            "e.g. http://127.0.0.1:8000/v1"
        )
    return given.rstrip("/")


def _run(args: argparse.Namespace) -> int:
    from agentrt.launch.eventloop import run

    endpoint = _target(args)
    plan = build_plan(args, endpoint or "127.0.0.1:0")  # check everything before starting
    check_outputs(args)
    if args.agent:
        import dataclasses

        from agentrt.commands.run import check_vars
        from agentrt.specs.agent_spec import AgentSpec

        # Every spec problem (a placeholder without --var, a --var without a placeholder)
        # is reported before the run starts, as `agentrt run` does.
        spec = AgentSpec.from_file(args.agent)
        check_vars(dict(plan.variables), spec.variables())
        agent = spec.to_agent(dict(plan.variables))
        if not args.model and isinstance(agent.model, str):
            plan = dataclasses.replace(plan, model=agent.model)
    if args.locust or args.locust_join:
        return run_on_locust(args, endpoint)
    plan, result = run(_main(args, plan, simulate=endpoint is None), loop=args.loop)
    with _signals_wait():  # a signal now would lose the reports being written
        return report_run(args, plan, result)


@contextlib.contextmanager
def _signals_wait() -> Iterator[None]:
    """SIGINT and SIGTERM ignored while the block runs (the reports take moments)."""
    import signal

    try:
        saved = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: no signals to hold
        yield
        return
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


async def _main(args: argparse.Namespace, plan: Any, *, simulate: bool) -> Any:
    from agentrt.load.interrupts import interrupts

    # Signals are ours until the loop ends (the simulator's shutdown too), so none of
    # them can lose the reports.
    with interrupts() as signals:
        args.interrupts = signals  # the exit code after the reports (_report)
        return (
            await _simulated(args, plan, signals)
            if simulate
            else (plan, await _drive(args, plan, signals))
        )


async def _simulated(args: argparse.Namespace, plan: Any, signals: Any) -> Any:
    import dataclasses

    from agentrt.sim import Simulator

    print(
        "agentrt load: no --endpoint or AGENTRT_ENDPOINT: load-testing the built-in simulator "
        "(in this process, so it shares the client's CPU)",
        file=sys.stderr,
    )
    rest = plan.protocol == "openai"
    async with Simulator(http_port=0 if rest else None) as sim:
        endpoint = sim.rest_url if rest else sim.address
        plan = dataclasses.replace(plan, endpoint=endpoint, api_key=None)
        result = await _drive(args, plan, signals)
    result.warnings.append(SIMULATED)
    return plan, result


async def _drive(args: argparse.Namespace, plan: Any, signals: Any) -> Any:
    from agentrt.load.progress import LiveStats, Progress
    from agentrt.load.record_log import RecordLog

    live = LiveStats()
    log = RecordLog(args.records) if args.records else None
    with (
        Progress(live, enabled=args.progress) as progress,
        log if log is not None else contextlib.nullcontext(),
    ):
        if args.processes > 1:
            from agentrt.load.processes import run_processes

            return await run_processes(
                plan,
                args.processes,
                live=live,
                refresh=progress.refresh,
                loop=args.loop,
                signals=signals,
                on_record=None if log is None else log.write_dict,
            )
        from agentrt.load.runner import run_load

        return await run_load(
            plan,
            live=live,
            tick=progress.refresh,
            should_stop=signals.should_stop,
            should_abort=signals.should_abort,
            on_record=None if log is None else log.write,
        )
