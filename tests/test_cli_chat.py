"""``agentrt chat`` as a user runs it: a real subprocess against a real server on 127.0.0.1."""

from __future__ import annotations

import json

import grpc
import pytest

from tests.conftest import clean_env, run_agentrt
from tests.fake_xai import Fault, serve_fake


async def test_prints_the_answer() -> None:
    async with serve_fake() as (state, address):
        code, out, err = await run_agentrt("chat", "--endpoint", address, "--model", "mm", "hi")
    assert (code, out, err) == (0, "Hello world\n", "")
    assert state.requests[0].model == "mm"
    assert state.requests[0].messages[0].content[0].text == "hi"


async def test_streams_the_answer_and_takes_the_endpoint_from_the_environment() -> None:
    async with serve_fake() as (state, address):
        env = clean_env(AGENTRT_ENDPOINT=address)
        code, out, _ = await run_agentrt("chat", "--stream", "--loop", "asyncio", "hi", env=env)
    assert (code, out) == (0, "Hello world\n")
    assert state.calls["GetCompletionChunk"] == 1


@pytest.mark.parametrize("stream", [False, True])
async def test_json_output(stream: bool) -> None:
    async with serve_fake() as (_, address):
        flags = ["--stream"] if stream else []
        code, out, _ = await run_agentrt("chat", "--endpoint", address, "--json", *flags, "hi")
    assert code == 0
    payload = json.loads(out)
    assert payload["content"] == "Hello world"
    assert payload["finish_reason"] == "stop"
    assert payload["usage"]["completion_tokens"] == 3
    assert payload["id"] == "resp-1"
    assert payload["model"] == "grok-4-1-fast-reasoning"


async def test_missing_key_for_api_x_ai_is_one_line_and_exit_2() -> None:
    code, out, err = await run_agentrt("chat", "hi")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "XAI_API_KEY" in err
    assert "Traceback" not in err


async def test_an_endpoint_port_out_of_range_is_one_line_and_exit_2() -> None:
    code, out, err = await run_agentrt("chat", "--endpoint", "127.0.0.1:99999", "hi")
    assert (code, out) == (2, "")
    assert err == "agentrt: error: endpoint '127.0.0.1:99999': the port must be 1 to 65535\n"


async def test_a_bad_endpoint_in_the_environment_is_named_as_such() -> None:
    env = clean_env(AGENTRT_ENDPOINT="127.0.0.1:99999")
    code, out, err = await run_agentrt("chat", "hi", env=env)
    assert (code, out) == (2, "")
    assert err == (
        "agentrt: error: $AGENTRT_ENDPOINT: endpoint '127.0.0.1:99999': the port must be 1 to 65535\n"
    )


async def test_authentication_failure_exits_3_without_traceback() -> None:
    async with serve_fake() as (state, address):
        state.faults = [Fault(grpc.StatusCode.UNAUTHENTICATED, "invalid api key")]
        env = clean_env(XAI_API_KEY="wrong-key-123")
        code, _, err = await run_agentrt("chat", "--endpoint", address, "hi", env=env)
    assert code == 3
    assert err.startswith("agentrt: error: UNAUTHENTICATED")
    assert "wrong-key-123" not in err
    assert "Traceback" not in err


def test_chat_starts_without_the_other_commands_or_services() -> None:
    """Start-up is part of every `agentrt chat`: only what a chat needs is imported."""
    import subprocess
    import sys

    code = (
        "import sys; from agentrt.commands import main; "
        "main.build_parser(main._named_command(['--loop', 'asyncio', 'chat', 'hi'])); "
        "from agentrt.xai.client import Client; Client(endpoint='127.0.0.1:1'); "
        "print(sorted(m for m in sys.modules if m.startswith(('agentrt.commands.', "
        "'agentrt.sim', 'agentrt.xai.services'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == str(
        ["agentrt.commands.chat", "agentrt.commands.flag_values", "agentrt.commands.main"]
    )
