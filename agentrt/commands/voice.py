"""``agentrt voice``: speak to an agent spec: a WAV question in, a WAV answer out.

The question (a PCM16 WAV, any rate, mono or stereo) is sent to a realtime
session with the spec's instructions, voice and tools; tools run like in
``agentrt run``; the spoken answer is written to --out (atomically: a failed run
leaves no file and never damages an existing one). What was heard, each tool
call and each spoken answer's transcript go to stderr as they happen; --json prints one JSON object
on stdout instead (transcripts, tool calls, usage, audio seconds, time to first
audio). --mic talks through the microphone and speakers instead (needs
sounddevice: pip install 'agentrt[mic]').

Endpoint: --endpoint (a REST base URL, http(s)://HOST:PORT/v1; the WebSocket is
its /realtime), then $AGENTRT_ENDPOINT, then xAI's API when $XAI_API_KEY is set,
else the built-in simulator with its HTTP door (announced on stderr). Exit codes:
0 ok, 1 the agent failed (max turns, tool loop, time budget, a failed response),
2 usage or spec error (a bad WAV, a missing file, --out in a missing directory),
3 transport or authentication error.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentrt.commands.flag_values import seconds
from agentrt.errors import AgentError, UsageError

if TYPE_CHECKING:
    from agentrt.agents.voice_agent import VoiceAgent
    from agentrt.agents.voice_result import VoiceResult
    from agentrt.launch.connect import EndpointChoice

__all__ = ["register", "result_json"]

EXAMPLES = """examples:
  agentrt voice agent.yaml --in question.wav --out answer.wav
  agentrt voice agent.yaml --in question.wav --out answer.wav --json | jq .transcript
  agentrt voice agent.yaml --in q.wav --out a.wav --var city=Lisbon --timeout 30s
  agentrt voice agent.yaml --in q.wav --out a.wav --endpoint http://127.0.0.1:8080/v1
  agentrt voice agent.yaml --mic                   talk and listen (needs agentrt[mic])
  XAI_API_KEY=... agentrt voice agent.yaml --in q.wav --out a.wav   the real API
"""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``voice`` subcommand."""
    from agentrt.telemetry.setup import add_telemetry_flags, with_telemetry

    p = sub.add_parser(
        "voice",
        parents=[common],
        help="speak to an agent spec: WAV in, WAV out (or --mic)",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", metavar="SPEC", help="agent spec YAML file (mode: voice, or any)")
    p.add_argument("--in", dest="in_path", metavar="WAV", help="the spoken question (PCM16 WAV)")
    p.add_argument("--out", metavar="WAV", help="where to write the spoken answer (WAV)")
    p.add_argument("--json", action="store_true", help="print one JSON object at the end")
    p.add_argument("--mic", action="store_true", help="talk through the microphone instead")
    p.add_argument("--endpoint", metavar="URL", help="REST base URL (default: see above)")
    p.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a value for a {NAME} placeholder in the instructions (repeatable)",
    )
    p.add_argument(
        "--timeout",
        type=seconds(),
        metavar="DUR",
        help="time budget of the run (30, 500ms, 2m; default: the spec's limits.timeout)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no transcripts or notices on stderr")
    add_telemetry_flags(p)
    p.set_defaults(handler=with_telemetry(_voice))


def _voice(args: argparse.Namespace) -> int:
    from agentrt.commands.run import check_vars, parse_vars
    from agentrt.launch.connect import choose_endpoint
    from agentrt.launch.eventloop import run
    from agentrt.specs.agent_spec import AgentSpec
    from agentrt.xai.realtime.audio import read_wav, write_wav

    if args.mic and (args.in_path or args.out or args.json):
        raise UsageError("--mic talks live: give --mic alone, or --in and --out")
    if not args.mic and not (args.in_path and args.out):
        raise UsageError("give --in question.wav and --out answer.wav (or --mic)")
    variables = parse_vars(args.var)
    spec = AgentSpec.from_file(args.spec)
    check_vars(variables, spec.variables())
    voice = spec.to_voice_agent(variables)
    choice = choose_endpoint(args.endpoint)
    if args.mic:
        from agentrt.commands.voice_mic import talk

        return talk(voice, choice, args)
    pcm, rate = read_wav(args.in_path)
    if not pcm:
        raise UsageError(f"{args.in_path}: the file holds no audio (0 samples)")
    out = Path(args.out)
    if not out.parent.is_dir():
        raise UsageError(f"--out {out}: the directory {out.parent} does not exist")
    if out.is_dir():
        raise UsageError(f"--out {out}: is a directory; name a .wav file")
    try:
        result = run(_drive(voice, pcm, rate, choice, args), loop=args.loop)
    except AgentError as exc:  # like agentrt run: --json shows the partial run and why
        from agentrt.agents.voice_result import VoiceResult

        if args.json and isinstance(exc.result, VoiceResult):
            failed = result_json(exc.result, spec.name, None)
            failed["error"] = {"type": type(exc).__name__, "message": str(exc)}
            print(json.dumps(failed, ensure_ascii=False))
        raise
    write_wav(out, result.audio, result.rate)
    if args.json:
        print(json.dumps(result_json(result, spec.name, str(out)), ensure_ascii=False))
    elif not args.quiet:
        from agentrt.commands.voice_display import show_written

        show_written(result, out)
    return 0


async def _drive(
    voice: VoiceAgent, pcm: bytes, rate: int, choice: EndpointChoice, args: argparse.Namespace
) -> VoiceResult:
    from agentrt.commands.voice_display import show_progress
    from agentrt.commands.voice_endpoint import voice_client

    shown = None if args.quiet or args.json else show_progress
    async with voice_client(choice, quiet=args.quiet) as client:
        return await voice.run_audio(
            pcm, rate, client=client, timeout=args.timeout, on_output=shown
        )


def result_json(result: VoiceResult, agent: str, out: str | None) -> dict[str, Any]:
    """The ``--json`` object of a voice run (``out``: where the answer went, if written)."""
    calls = [
        {
            "call_id": r.call_id,
            "name": r.name,
            "arguments": r.arguments,
            "output": r.output,
            "ok": r.ok,
            "error": None
            if r.error is None
            else {"type": r.error.type, "message": r.error.message},
            "duration_s": round(r.duration, 6),
        }
        for r in result.tool_calls
    ]
    return {
        "agent": agent,
        "input_transcript": result.input_transcript,
        "transcript": result.transcript,
        "tool_calls": calls,
        "usage": dict(result.usage),
        "responses": result.responses,
        "audio_seconds": round(result.audio_seconds, 6),
        "rate": result.rate,
        "time_to_first_audio_s": result.time_to_first_audio_s,
        "duration_s": round(result.duration, 6),
        "out": out,
    }
