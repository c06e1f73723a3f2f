"""Sessions through ``agentrt serve``: a conversation kept per ``session_id`` and caller token,
over real sockets (serve and the simulator as subprocesses; Redis for two servers at once)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from agentrt_protos.agentrt.v1 import agent_pb2 as pb

from tests.conftest import ListeningProcess, SimProcess
from tests.serve21_fixtures import (
    OTHER_TOKEN,
    PROBE,
    auth,
    get_session,
    key_file,
    run_streamed,
    run_unary,
    running_serve,
    stub_at,
)

pytestmark = pytest.mark.e2e

TURNS = ("Hi, I am Ada from Lisbon", "I collect old maps", "What did I say first?")


@pytest.fixture(scope="module")
def server(
    sim_process: SimProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ListeningProcess]:
    folder = tmp_path_factory.mktemp("serve-sessions")
    with running_serve(
        str(PROBE),
        "--endpoint",
        sim_process.address,
        "--api-key-file",
        str(key_file(folder)),
        "--session-store",
        str(folder / "sessions.db"),
    ) as served:
        yield served


def _history_text(response: pb.GetSessionResponse) -> str:
    return json.dumps([json.loads(_json(m)) for t in response.turns for m in t.messages])


def _json(message: object) -> str:
    from google.protobuf import json_format

    return json_format.MessageToJson(message)  # type: ignore[arg-type]


async def _conversation(addresses: list[str], session_id: str) -> list[pb.RunAgentResponse]:
    """Three turns of one session, the n-th sent to ``addresses[n % len]`` (stream, unary, stream)."""
    answers = []
    for n, text in enumerate(TURNS):
        address = addresses[n % len(addresses)]
        if n % 2:
            answers.append(await run_unary(address, text, session_id=session_id))
        else:
            events = await run_streamed(address, text, session_id=session_id)
            assert events[-1].run_ended.status.state == pb.RunStatus.SUCCEEDED, events[-1]
            answers.append(pb.RunAgentResponse(result=events[-2].run_finished.result))
    return answers


async def _check_remembered(
    address: str, session_id: str, answers: list[pb.RunAgentResponse]
) -> None:
    # the model saw the earlier turns: each turn's prompt grows by the history sent with it
    prompts = [a.result.usage.input_tokens for a in answers]
    assert prompts[0] < prompts[1] < prompts[2], prompts
    stored = await get_session(address, session_id)
    assert [t.input for t in stored.turns] == list(TURNS)
    assert [t.index for t in stored.turns] == [0, 1, 2]
    assert TURNS[0] in _history_text(stored)
    assert stored.turns[2].messages[-1]["role"] == "assistant"


async def test_three_turns_of_one_session_remember_the_first(server: ListeningProcess) -> None:
    answers = await _conversation([server.address], "chat-1")
    await _check_remembered(server.address, "chat-1", answers)
    # the same questions without a session: the third prompt carries no history
    alone = await run_unary(server.address, TURNS[2])
    assert alone.result.usage.input_tokens < answers[2].result.usage.input_tokens


async def test_two_servers_share_a_conversation_through_redis(
    sim_process: SimProcess, redis_server: str, tmp_path: Path
) -> None:
    tokens = key_file(tmp_path)
    args = (str(PROBE), "--endpoint", sim_process.address, "--api-key-file", str(tokens))
    store = ("--session-store", redis_server.rsplit("/", 1)[0] + "/3")
    with running_serve(*args, *store) as one, running_serve(*args, *store) as two:
        answers = await _conversation([one.address, two.address], "shared-chat")
        await _check_remembered(two.address, "shared-chat", answers)
        await _check_remembered(one.address, "shared-chat", answers)


async def test_concurrent_runs_on_one_session_give_exactly_one_conflict(
    server: ListeningProcess,
) -> None:
    # both start from 0 turns (the nap keeps them overlapping); the second to finish is refused
    runs = [run_unary(server.address, "Call nap", session_id="race") for _ in range(2)]
    outcomes = await asyncio.gather(*runs, return_exceptions=True)
    errors = [o for o in outcomes if isinstance(o, grpc.aio.AioRpcError)]
    assert len(errors) == 1, outcomes
    assert errors[0].code() is grpc.StatusCode.ABORTED
    assert "session 'race' changed while this run was going" in (errors[0].details() or "")
    assert "run again" in (errors[0].details() or "")
    assert len((await get_session(server.address, "race")).turns) == 1


async def test_get_and_delete_session(server: ListeningProcess) -> None:
    await run_unary(server.address, "Remember the tram 28", session_id="to-delete")
    assert len((await get_session(server.address, "to-delete")).turns) == 1
    async with stub_at(server.address) as stub:
        request = pb.DeleteSessionRequest(session_id="to-delete")
        assert (await stub.DeleteSession(request, metadata=auth(), timeout=10)).deleted
        assert not (await stub.DeleteSession(request, metadata=auth(), timeout=10)).deleted
    assert list((await get_session(server.address, "to-delete")).turns) == []
    unknown = await get_session(server.address, "never-was")
    assert unknown.session_id == "never-was"
    assert not unknown.turns


async def test_another_token_cannot_see_or_continue_a_session(server: ListeningProcess) -> None:
    await run_unary(server.address, "My secret is 42", session_id="mine")
    theirs = await get_session(server.address, "mine", token=OTHER_TOKEN)
    assert not theirs.turns
    # the other token's run on the same id starts a conversation of its own
    other = await run_unary(
        server.address, "What is my secret?", session_id="mine", token=OTHER_TOKEN
    )
    assert other.status.state == pb.RunStatus.SUCCEEDED
    assert len((await get_session(server.address, "mine", token=OTHER_TOKEN)).turns) == 1
    assert len((await get_session(server.address, "mine")).turns) == 1
    async with stub_at(server.address) as stub:
        request = pb.DeleteSessionRequest(session_id="mine")
        assert (await stub.DeleteSession(request, metadata=auth(OTHER_TOKEN), timeout=10)).deleted
    assert len((await get_session(server.address, "mine")).turns) == 1
