"""``agentrt serve``: run YAML agents as a gRPC service (``agentrt.v1.Agents``) for any language.

Loads and validates every spec first (problems as FILE:LINE:COL, exit 2), then
prints one line, ``listening on HOST:PORT``, and serves until SIGINT or SIGTERM.
Shutdown drains: health turns NOT_SERVING, new runs get UNAVAILABLE, runs in
flight get --grace seconds to finish. Callers send ``authorization: Bearer
TOKEN`` with a token from --api-key-file (one per line); without a key file the
server listens on loopback only. Beyond --max-concurrent-runs a call gets
RESOURCE_EXHAUSTED at once. Model calls go to --endpoint, then
$AGENTRT_ENDPOINT, then api.x.ai with $XAI_API_KEY (never shown to callers),
else the built-in simulator. --trace continues each caller's trace (the
``traceparent`` in its metadata) and exports the spans like ``agentrt run``.
--http-port also serves the agents to OpenAI clients (``/v1/responses``,
``/v1/chat/completions``, ``/v1/models``, ``/health``; the agent's name is the
``model``), with the same tokens, limits and drain, and prints a second line,
``listening on http://HOST:PORT/v1 (REST)``. There, ``POST
/v1/realtime/client_secrets`` mints ephemeral realtime tokens for callers'
browsers with the server's own key (at --rest-endpoint, then
$AGENTRT_REST_ENDPOINT, then https://api.x.ai/v1 beside api.x.ai; the built-in
simulator serves them offline), at most --max-token-mints-per-minute per caller
token. See docs/rest-serve.md. A run's ``session_id`` continues a conversation
kept in --session-store, per caller token; a run that pauses for approval waits
--approval-ttl for ResumeRun. See docs/serve.md.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

    from agentrt.agents.session import SessionStore
    from agentrt.launch.connect import EndpointChoice
    from agentrt.serve.auth import TokenAuth
    from agentrt.serve.catalog import Catalog
    from agentrt.serve.server import AgentServer, ServeOptions

__all__ = ["register"]

EXAMPLES = """examples:
  agentrt serve examples/trip_planner/trip_planner.yaml          loopback, a free port
  agentrt serve examples/*/ --port 50061 --api-key-file tokens.txt --host 0.0.0.0
  agentrt serve agents/ --endpoint 127.0.0.1:50051 --max-concurrent-runs 200

  grpcurl -plaintext 127.0.0.1:PORT list                           reflection
  grpcurl -plaintext -H 'authorization: Bearer TOKEN' -d '{"agent": "trip_planner",
      "input": "Plan a day in Lisbon"}' 127.0.0.1:PORT agentrt.v1.Agents/RunAgent
  grpcurl -plaintext 127.0.0.1:PORT grpc.health.v1.Health/Check
  agentrt serve agents/ --session-store redis://127.0.0.1:6379/0 --approval-ttl 1h
      replicas sharing conversations ("session_id" on RunAgentRequest)
  agentrt serve examples/trip_planner/ --http-port 8080           OpenAI clients too
  curl -H 'authorization: Bearer TOKEN' http://127.0.0.1:8080/v1/responses \
      -d '{"model": "trip_planner", "input": "Plan a day in Lisbon"}'
  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317 agentrt serve agents/ --trace otlp --metrics otlp
"""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``serve`` subcommand."""
    p = sub.add_parser(
        "serve",
        parents=[common],
        help="serve YAML agents over gRPC (agentrt.v1.Agents, health, reflection)",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "specs", nargs="+", metavar="SPEC_OR_DIR", help="agent spec files or directories"
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    from agentrt.commands.flag_values import count, seconds

    p.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    p.add_argument(
        "--http-port",
        type=int,
        metavar="PORT",
        help="also serve OpenAI's /v1/responses and /v1/chat/completions here (0: a free port)",
    )
    p.add_argument(
        "--api-key-file", metavar="FILE", help="bearer tokens callers must send, one per line"
    )
    p.add_argument(
        "--max-concurrent-runs",
        type=count(),
        default=64,
        metavar="N",
        help="runs in flight; more get RESOURCE_EXHAUSTED at once (default 64)",
    )
    p.add_argument(
        "--grace",
        type=seconds(zero=True),
        default=30.0,
        metavar="S",
        help="drain period on SIGTERM (30)",
    )
    p.add_argument("--endpoint", metavar="HOST:PORT", help="model server (default: see above)")
    p.add_argument(
        "--rest-endpoint",
        metavar="URL",
        help="REST base URL beside a gRPC --endpoint, where ephemeral realtime tokens are "
        "minted (default $AGENTRT_REST_ENDPOINT, or https://api.x.ai/v1 for api.x.ai)",
    )
    p.add_argument(
        "--max-token-mints-per-minute",
        type=count(),
        default=60,
        metavar="N",
        help="ephemeral realtime tokens each caller token may mint per minute (default 60)",
    )
    p.add_argument(
        "--session-store",
        default="memory:",
        metavar="URL|PATH",
        help="where RunAgentRequest.session_id conversations are kept: a SQLite file (PATH or "
        "sqlite:///PATH), redis://HOST:PORT/DB (shared by several servers) or memory: "
        "(default: this process only, lost when it stops)",
    )
    p.add_argument(
        "--approval-ttl",
        type=seconds(most=7 * 24 * 3600.0),
        default=900.0,
        metavar="DUR",
        help="how long a run paused for approval waits for ResumeRun (default 15m)",
    )
    p.add_argument(
        "-q", "--quiet", action="store_true", help="no notices on stderr (warnings still)"
    )
    from agentrt.telemetry.setup import add_telemetry_flags, with_telemetry

    # --trace: a SERVER span per call in the caller's trace (traceparent), the run's spans in it.
    add_telemetry_flags(p)
    p.set_defaults(handler=with_telemetry(_run))


def _run(args: argparse.Namespace) -> int:
    from agentrt.commands.session_db import _checked
    from agentrt.errors import UsageError
    from agentrt.launch.connect import choose_endpoint
    from agentrt.launch.eventloop import run
    from agentrt.serve.auth import NO_KEY_FILE_WARNING, TokenAuth, check_host
    from agentrt.serve.catalog import Catalog
    from agentrt.serve.server import ServeOptions
    from agentrt.sessions.open_store import open_store
    from agentrt.xai.grpc_server import check_port

    check_port(args.port)
    if args.http_port is not None and not 0 <= args.http_port <= 65535:
        raise UsageError(f"--http-port {args.http_port}: must be 0 (a free port) to 65535")
    if args.grace < 0:
        raise UsageError("--grace must not be negative")
    if args.max_concurrent_runs < 1:
        raise UsageError("--max-concurrent-runs must be at least 1")
    rest_endpoint = _rest_endpoint(args.rest_endpoint)
    auth = TokenAuth.from_file(args.api_key_file) if args.api_key_file else TokenAuth()
    check_host(args.host, auth)
    catalog = Catalog.from_paths(args.specs)  # every spec valid before anything binds
    choice = choose_endpoint(args.endpoint)
    if not auth.required:  # a security warning: printed even with --quiet
        _notice(f"warning: {NO_KEY_FILE_WARNING}")
    options = ServeOptions(
        host=args.host,
        port=args.port,
        max_concurrent_runs=args.max_concurrent_runs,
        grace_s=args.grace,
        http_port=args.http_port,
        rest_endpoint=rest_endpoint,
        max_token_mints_per_minute=args.max_token_mints_per_minute,
        approval_ttl_s=args.approval_ttl,
    )
    # a bad URL or an unusable file is exit 2 before anything binds
    store = open_store(_checked(args.session_store, "--session-store"))
    serving = _serve(catalog, choice, auth, options, store, quiet=args.quiet)
    code: int = run(serving, loop=args.loop)
    return code


def _rest_endpoint(given: str | None) -> str | None:
    """``--rest-endpoint``, checked (an http(s) base URL), or ``None``."""
    from agentrt.errors import UsageError
    from agentrt.xai.config import check_url

    if given is None:
        return None
    try:
        return check_url(given)
    except UsageError as exc:
        if "@" in given:  # it may hold a password: say what is wrong without echoing it
            raise UsageError("--rest-endpoint: a base URL has no user or password in it") from None
        raise UsageError(f"--rest-endpoint: {exc}") from None


def _notice(message: str) -> None:
    print(f"agentrt serve: {message}", file=sys.stderr, flush=True)


async def _serve(
    catalog: Catalog,
    choice: EndpointChoice,
    auth: TokenAuth,
    options: ServeOptions,
    store: SessionStore,
    *,
    quiet: bool,
) -> int:
    from agentrt.launch.connect import connect
    from agentrt.launch.eventloop import stop_on_signals
    from agentrt.serve.server import AgentServer
    from agentrt.serve.status import Scrubber
    from agentrt.xai.config import resolve_key

    with stop_on_signals() as stop:
        notice = None if quiet else _notice
        async with connect(choice, notice=notice, http=options.http_port is not None) as client:
            scrub = Scrubber.of([resolve_key()])
            server = AgentServer(catalog, client, auth, options, scrub=scrub, sessions=store)
            await server.start()
            try:
                print(f"listening on {server.address}", flush=True)
                if server.rest_url is not None:
                    print(f"listening on {server.rest_url} (REST)", flush=True)
                await stop.wait()
                if not quiet:
                    _notice(
                        f"draining: {server.service.slots.in_flight} run(s) in flight "
                        f"(up to --grace {options.grace_s:g}s; Ctrl-C again to stop now)"
                    )
                finished = await _drain_unless_signalled(server, stop)
            finally:
                await server.stop()
                await store.close()
            if not finished and not quiet:
                _notice("the runs still in flight were cancelled")
    return 0


async def _drain_unless_signalled(server: AgentServer, stop: asyncio.Event) -> bool:
    """``server.drain()``; a second SIGINT/SIGTERM stops at once. True when every run finished."""
    import asyncio

    stop.clear()

    async def on_second_signal() -> None:
        await stop.wait()
        await server.stop()  # cancels the runs in flight, so the drain ends too

    async with asyncio.TaskGroup() as tg:
        watcher = tg.create_task(on_second_signal())
        finished = await server.drain()
        if not stop.is_set():
            watcher.cancel()
    return finished and not stop.is_set()
