"""``agentrt sim`` as a user runs it: the listening line, signals, grace, flags, scripts."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import grpc
import pytest
from agentrt_protos.xai.api.v1 import chat_pb2, chat_pb2_grpc, tokenize_pb2, tokenize_pb2_grpc
from xai_sdk import Client
from xai_sdk.chat import user

from agentrt.sim.knobs import FAULTS, HEADERS
from tests.conftest import running_sim, sim_command

pytestmark = pytest.mark.e2e


def _request(text: str = "Hello") -> chat_pb2.GetCompletionsRequest:
    return chat_pb2.GetCompletionsRequest(
        model="grok-3",
        messages=[chat_pb2.Message(role=chat_pb2.ROLE_USER, content=[chat_pb2.Content(text=text)])],
    )


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        sim_command(*args), capture_output=True, text=True, timeout=30, check=False
    )


def test_help_documents_every_fault_and_header() -> None:
    out = _run("--help")
    assert out.returncode == 0
    for name in [*FAULTS, *HEADERS]:
        assert name in out.stdout
    for flag in (
        "--fault-on",
        "--fault-rate",
        "--abort-after",
        "--ttft-ms",
        "--itl-ms",
        "--tokens-per-chunk",
    ):
        assert flag in out.stdout
    assert "examples:" in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--fault", "explode"), "unknown fault 'explode'"),
        (("--fault-rate", "2"), "--fault-rate: '2' is not a number from 0 to 1"),
        (("--script", "/nonexistent/turns.yaml"), "--script /nonexistent/turns.yaml"),
        (("--port", "99999"), "--port 99999: must be 0 (a free port) to 65535"),
        (("--port", "-1"), "--port -1: must be 0 (a free port) to 65535"),
        (("--fault-on", "x"), "'x' is not a list of call numbers like 1,3"),
        (("--abort-after", "-1"), "--abort-after: '-1' is not a whole number from 0"),
        (("--output-tokens", "-3"), "--output-tokens: '-3' is not a whole number from 0"),
        (("--api-key", ""), "--api-key is empty"),
    ],
)
def test_bad_flags_exit_2_with_one_line(args: tuple[str, ...], message: str) -> None:
    out = _run(*args)
    assert out.returncode == 2
    assert out.stderr.startswith("agentrt: error: ")
    assert message in out.stderr
    assert out.stderr.count("\n") == 1
    assert out.stdout == ""


def test_a_bad_script_file_is_one_line_with_its_position(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("- text: hi\n- [\n")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00")
    bad = _run("--script", str(tmp_path / "bad.yaml"))
    binary = _run("--script", str(tmp_path / "bin.yaml"))
    assert (bad.returncode, binary.returncode) == (2, 2)
    assert bad.stderr.startswith(
        f"agentrt: error: script {tmp_path / 'bad.yaml'}:3:1: not valid YAML"
    )
    assert binary.stderr == f"agentrt: error: --script {tmp_path / 'bin.yaml'}: not UTF-8 text\n"
    assert bad.stderr.count("\n") == 1


def test_port_in_use_exits_2() -> None:
    with running_sim() as first:
        out = _run("--port", str(first.port))
    assert out.returncode == 2
    assert f"cannot listen on 127.0.0.1:{first.port}" in out.stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_gracefully_and_in_flight_streams_finish(sig: signal.Signals) -> None:
    with running_sim("--itl-ms", "25", "--output-tokens", "24", "--grace", "10") as sim:
        with grpc.insecure_channel(sim.address) as channel:
            stream = chat_pb2_grpc.ChatStub(channel).GetCompletionChunk(_request(), timeout=20)
            chunks = [next(stream)]
            sim.process.send_signal(sig)
            chunks += list(stream)
        assert chunks[-1].usage.completion_tokens == 24
        assert sim.process.wait(timeout=10) == 0


def test_streams_longer_than_the_grace_are_cancelled() -> None:
    with running_sim("--itl-ms", "200", "--output-tokens", "200", "--grace", "0.3") as sim:
        with grpc.insecure_channel(sim.address) as channel:
            stream = chat_pb2_grpc.ChatStub(channel).GetCompletionChunk(_request(), timeout=30)
            next(stream)
            sim.process.send_signal(signal.SIGTERM)
            with pytest.raises(grpc.RpcError) as info:
                list(stream)
        assert info.value.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)
        assert sim.process.wait(timeout=10) == 0


def test_api_key_from_flag_or_environment() -> None:
    with (
        running_sim("--api-key", "flag-key") as by_flag,
        running_sim(env={"AGENTRT_SIM_API_KEY": "env-key"}) as by_env,
    ):
        for sim, key in ((by_flag, "flag-key"), (by_env, "env-key")):
            with grpc.insecure_channel(sim.address) as channel:
                stub = tokenize_pb2_grpc.TokenizeStub(channel)
                request = tokenize_pb2.TokenizeTextRequest(text="a b", model="grok-3")
                with pytest.raises(grpc.RpcError) as info:
                    stub.TokenizeText(request, timeout=10)
                assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
                ok = stub.TokenizeText(
                    request, metadata=(("authorization", f"Bearer {key}"),), timeout=10
                )
                assert len(ok.tokens) == 2
            client = Client(api_key=key, api_host=f"localhost:{sim.port}", timeout=10)
            try:
                chat = client.chat.create(model="grok-3")
                chat.append(user("hi"))
                assert chat.sample().content
            finally:
                client.close()
    for sim in (by_flag, by_env):
        assert sim.process.returncode == 0
        assert "flag-key" not in sim.stderr
        assert "env-key" not in sim.stderr


def test_script_file_replays_then_fails_naming_the_script(tmp_path: Path) -> None:
    script = tmp_path / "turns.yaml"
    script.write_text(
        "turns:\n"
        "  - text: scripted hello\n"
        "  - tool_calls:\n"
        "      - {name: lookup, arguments: '{\"id\": 1', id: call_x}\n"
        "  - text: never used\n",
        encoding="utf-8",
    )
    with running_sim("--script", str(script)) as sim, grpc.insecure_channel(sim.address) as channel:
        stub = chat_pb2_grpc.ChatStub(channel)
        assert (
            stub.GetCompletion(_request(), timeout=10).outputs[0].message.content
            == "scripted hello"
        )
        call = stub.GetCompletion(_request(), timeout=10).outputs[0].message.tool_calls[0]
        assert (call.id, call.function.name, call.function.arguments) == (
            "call_x",
            "lookup",
            '{"id": 1',
        )
    assert "1 turn(s) were never used" in sim.stderr
    json_script = tmp_path / "one.json"
    json_script.write_text('[{"text": "only"}]', encoding="utf-8")
    with (
        running_sim("--script", str(json_script)) as sim,
        grpc.insecure_channel(sim.address) as channel,
    ):
        stub = chat_pb2_grpc.ChatStub(channel)
        assert stub.GetCompletion(_request(), timeout=10).outputs[0].message.content == "only"
        with pytest.raises(grpc.RpcError) as info:
            stub.GetCompletion(_request(), timeout=10)
        assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert f"script {json_script} ran out" in (info.value.details() or "")


def test_a_per_conversation_script_replays_from_the_start_for_each_conversation(
    tmp_path: Path,
) -> None:
    script = tmp_path / "per.json"
    turns = [{"tool_calls": [{"name": "lookup", "arguments": {"id": 1}}]}, {"text": "done"}]
    script.write_text(json.dumps({"per_conversation": True, "turns": turns}), encoding="utf-8")
    called = chat_pb2.Message(
        role=chat_pb2.ROLE_ASSISTANT,
        tool_calls=[chat_pb2.ToolCall(id="c1", function=chat_pb2.FunctionCall(name="lookup"))],
    )
    answered = _request()
    answered.messages.extend([called, chat_pb2.Message(role=chat_pb2.ROLE_TOOL, tool_call_id="c1")])
    twice = _request()
    twice.messages.extend([called, called])
    with running_sim("--script", str(script)) as sim, grpc.insecure_channel(sim.address) as channel:
        stub = chat_pb2_grpc.ChatStub(channel)
        for _ in range(3):  # three new conversations: each starts at turn 1
            out = stub.GetCompletion(_request(), timeout=10).outputs[0].message
            assert out.tool_calls[0].function.name == "lookup"
        assert stub.GetCompletion(answered, timeout=10).outputs[0].message.content == "done"
        with pytest.raises(grpc.RpcError) as info:
            stub.GetCompletion(twice, timeout=10)
        assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "model call 3 has no scripted reply" in (info.value.details() or "")
    assert "never used" not in sim.stderr


def test_malformed_script_is_rejected_before_serving(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("turns:\n  - txt: typo\n", encoding="utf-8")
    out = _run("--script", str(bad))
    assert out.returncode == 2
    assert f"script {bad}: turn 1: unknown key 'txt'" in out.stderr
    assert "listening on" not in out.stdout
