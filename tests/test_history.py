"""History policies (agentrt.agents.history): the model sees a context that fits, the run keeps all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.events import TurnFinished
from agentrt.agents.history import DROPPED, SUMMARY_PREFIX, HistoryPolicy, estimate_tokens
from agentrt.testing import ScriptedModel, call, reply, simulator, tool_calls
from agentrt.xai.chat_request import ChatRequest
from agentrt.xai.chat_response import ChatResponse, Choice, Usage
from agentrt.xai.messages import Text
from tests.conftest import running_sim

TURNS = 8
OUTPUT = "Lorem ipsum dolor sit amet. " * 40  # ~1,120 chars, ~280 estimated tokens


def page(n: int) -> str:
    """Read page n of the report.

    Args:
        n: The page number.
    """
    return f"page {n}: {OUTPUT}"


def _agent(model: Any, policy: HistoryPolicy | None) -> Agent[Any]:
    return Agent(name="reader", model=model, instructions="Read.", tools=[page], history=policy)


def _script() -> ScriptedModel:
    turns = [tool_calls(call("page", {"n": i})) for i in range(TURNS)]
    return ScriptedModel(*turns, reply("done"))


def _texts(request: ChatRequest) -> list[str]:
    return ["".join(p.text for p in m.content if isinstance(p, Text)) for m in request.messages]


def _pairs_whole(request: ChatRequest) -> bool:
    """Every tool result sent has its call sent before it."""
    called: set[str] = set()
    for m in request.messages:
        called.update(c.id for c in m.tool_calls)
        if m.role == "tool" and m.tool_call_id not in called:
            return False
    return True


@pytest.mark.parametrize("strategy", ["drop_tool_outputs", "truncate_tool_outputs"])
async def test_old_tool_outputs_shrink_and_the_run_keeps_them(strategy: str) -> None:
    model = _script()
    policy = HistoryPolicy(max_tokens=900, strategy=strategy, keep_last=2, truncate_chars=20)  # type: ignore[arg-type]
    result = await _agent(model, policy).run("Read the report.")
    last = model.requests[-1]
    texts = _texts(last)
    assert texts[:2] == ["Read.", "Read the report."]  # instructions and the user's input
    assert texts[-1].startswith("page 7: Lorem")  # the kept tail is intact
    assert texts[-1] == page(7)
    marker = DROPPED if strategy == "drop_tool_outputs" else "chars cut]"
    assert any(marker in t for t in texts)
    assert estimate_tokens(last.messages) <= 900
    assert all(_pairs_whole(r) for r in model.requests)
    full = [m for m in result.messages if m.role == "tool"]
    assert len(full) == TURNS
    assert all(_texts_of(m) == page(i) for i, m in enumerate(full))


def _texts_of(message: Any) -> str:
    return "".join(p.text for p in message.content if isinstance(p, Text))


async def test_without_a_policy_everything_is_sent() -> None:
    model = _script()
    await _agent(model, None).run("Read the report.")
    assert all(page(i) in _texts(model.requests[-1]) for i in range(TURNS))


async def test_under_the_budget_nothing_changes() -> None:
    model = _script()
    await _agent(model, HistoryPolicy(max_tokens=100_000)).run("Read the report.")
    assert all(page(i) in _texts(model.requests[-1]) for i in range(TURNS))


class Summarizer:
    """Answers a summarising request with a summary, others from a script (a unit-test double)."""

    name = "grok-test"

    def __init__(self) -> None:
        self.script = _script()
        self.summaries = 0

    async def complete(
        self,
        request: ChatRequest,
        *,
        timeout: float | None,  # noqa: ASYNC109 - the Model seam's signature
    ) -> ChatResponse:
        if request.messages[0].role == "system" and "Summarise" in _texts(request)[0]:
            self.summaries += 1
            choice = Choice(content=f"pages read so far #{self.summaries}")
            return ChatResponse(
                id="s",
                model="m",
                choices=(choice,),
                usage=Usage(prompt_tokens=7, completion_tokens=5),
            )
        return await self.script.complete(request, timeout=timeout)

    def stream(self, request: ChatRequest, *, timeout: float | None) -> Any:
        raise NotImplementedError


async def test_summarize_replaces_the_old_part_and_its_usage_counts() -> None:
    model = Summarizer()
    policy = HistoryPolicy(max_tokens=900, strategy="summarize", keep_last=2)
    result = await _agent(model, policy).run("Read the report.")
    assert model.summaries >= 1
    last = _texts(model.script.requests[-1])
    assert last[:2] == ["Read.", "Read the report."]
    assert any(t.startswith(SUMMARY_PREFIX + "pages read so far") for t in last)
    assert page(0) not in last
    assert last[-1] == page(7)
    baseline = await _agent(_script(), None).run("Read the report.")
    assert result.usage.prompt_tokens == baseline.usage.prompt_tokens + 7 * model.summaries
    assert len([m for m in result.messages if m.role == "tool"]) == TURNS


async def test_compact_through_the_simulator_shrinks_what_it_reads_when_streamed() -> None:
    script: list[dict[str, Any]] = [
        {"tool_calls": [{"name": "page", "arguments": {"n": i}}]} for i in range(TURNS)
    ]
    script.append({"text": "done"})
    sizes: dict[bool, list[int]] = {}
    for policed in (False, True):
        policy = HistoryPolicy(max_tokens=900, strategy="compact", keep_last=2) if policed else None
        async with simulator(script=script) as sim:
            agent = _agent("grok-4-1-fast-reasoning", policy)
            async with agent.stream("Read the report.", client=sim.client) as run:
                turns = [e.usage.prompt_tokens async for e in run if isinstance(e, TurnFinished)]
            result = run.result
        sizes[policed] = turns
        assert len([m for m in result.messages if m.role == "tool"]) == TURNS
    assert sizes[True][-1] < sizes[False][-1] / 2
    assert sizes[True][0] == sizes[False][0]  # under the budget: the same request


# --- through the CLI and serve, against the simulator -------------------------------------

TOOLS = f"""
def page(n: int) -> str:
    \"\"\"Read page n of the report.

    Args:
        n: The page number.
    \"\"\"
    return f"page {{n}}: " + {OUTPUT!r}
"""


def _cli_spec(tmp_path: Path, history: str) -> Path:
    (tmp_path / "hist_pages.py").write_text(TOOLS)
    spec = tmp_path / "reader.yaml"
    spec.write_text(
        "version: 1\nname: reader\nmodel: grok-4-1-fast-reasoning\ninstructions: Read.\n"
        "tools:\n  - function: hist_pages:page\n" + history
    )
    script = [{"tool_calls": [{"name": "page", "arguments": {"n": i}}]} for i in range(TURNS)]
    (tmp_path / "script.json").write_text(json.dumps([*script, {"text": "done"}]))
    return spec


def _cli_run(tmp_path: Path, spec: Path) -> dict[str, Any]:
    with running_sim("--script", str(tmp_path / "script.json")) as sim:
        env = {k: v for k, v in os.environ.items() if k != "AGENTRT_ENDPOINT"}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "agentrt",
                "run",
                str(spec),
                "Read it.",
                "--json",
                "--endpoint",
                sim.address,
            ],
            capture_output=True,
            text=True,
            env={**env, "XAI_API_KEY": "k"},
            timeout=60,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    out: dict[str, Any] = json.loads(done.stdout)
    return out


@pytest.mark.e2e
@pytest.mark.parametrize("strategy", ["compact", "drop_tool_outputs"])
def test_yaml_history_through_agentrt_run(tmp_path: Path, strategy: str) -> None:
    """The simulator read fewer prompt tokens; the run's tool calls hold every full result."""
    plain = _cli_run(tmp_path, _cli_spec(tmp_path, ""))
    policy = f"history:\n  max_tokens: 900\n  strategy: {strategy}\n  keep_last: 2\n"
    fitted = _cli_run(tmp_path, _cli_spec(tmp_path, policy))
    assert fitted["usage"]["input"] < plain["usage"]["input"] * 0.7  # compaction calls included
    assert [c["result"] for c in fitted["tool_calls"]] == [page(i) for i in range(TURNS)]


@pytest.mark.e2e
async def test_yaml_history_through_agentrt_serve(tmp_path: Path) -> None:
    """Two agents on one server, the same loop: the fitted one's calls read fewer tokens."""
    from agentrt_protos.agentrt.v1 import agent_pb2 as pb

    from tests.serve21_fixtures import running_serve, stub_at

    plain = _cli_spec(tmp_path, "")
    policy = "history:\n  max_tokens: 900\n  strategy: truncate_tool_outputs\n  keep_last: 2\n"
    fitted = tmp_path / "reader_h.yaml"
    fitted.write_text(plain.read_text().replace("name: reader", "name: reader_h") + policy)
    script = json.loads((tmp_path / "script.json").read_text())
    (tmp_path / "script.json").write_text(json.dumps(script * 2))  # one loop per agent
    usage: dict[str, int] = {}
    with running_sim("--script", str(tmp_path / "script.json")) as sim:
        args = (str(plain), str(fitted), "--endpoint", sim.address)
        with running_serve(*args, env={"XAI_API_KEY": "k"}) as served:
            async with stub_at(served.address) as stub:
                for agent in ("reader", "reader_h"):
                    request = pb.RunAgentRequest(agent=agent, input="Read it.")
                    response = await stub.RunAgent(request, timeout=30)
                    assert response.status.state == pb.RunStatus.SUCCEEDED, response.status
                    calls = response.result.tool_calls
                    assert [c.result for c in calls] == [page(i) for i in range(TURNS)]
                    usage[agent] = response.result.usage.input_tokens
    assert usage["reader_h"] < usage["reader"] * 0.6


class Recording(ScriptedModel):
    """A scripted model that stores completions (answers previous_response_id)."""

    stores_completions = True


@pytest.mark.parametrize("mode", ["resend", "previous_response_id"])
async def test_sessions_keep_everything_and_continued_requests_are_not_fitted(mode: str) -> None:
    """Resent requests are fitted; requests continued by previous_response_id go as they are."""
    from agentrt.agents.session import MemoryStore

    store = MemoryStore()
    agent = _agent(None, HistoryPolicy(max_tokens=900, keep_last=2))
    for _ in range(2):
        turns = [tool_calls(call("page", {"n": i})) for i in range(TURNS)]
        model = Recording(*turns, reply("done"))
        await agent.run("Read the report.", model=model, session=(store, "s"), session_mode=mode)  # type: ignore[arg-type]
        continued = [r for r in model.requests if r.previous_response_id]
        resent = [r for r in model.requests if not r.previous_response_id]
        assert all(DROPPED not in _texts(r) for r in continued)
        assert all(len(r.messages) <= 3 for r in continued)  # only the new messages
        if mode == "resend":
            assert not continued
            assert DROPPED in _texts(resent[-1])
        else:
            assert len(continued) >= TURNS  # every turn after the first resend
    turns = await store.load("s")
    tools = [m for t in turns for m in t.messages if m.role == "tool"]
    assert [_texts_of(m) for m in tools] == [page(i) for i in range(TURNS)] * 2


async def test_compaction_is_a_span_under_the_run() -> None:
    from tests.test_tracing import make_otel

    script: list[dict[str, Any]] = [
        {"tool_calls": [{"name": "page", "arguments": {"n": i}}]} for i in range(TURNS)
    ]
    policy = HistoryPolicy(max_tokens=900, strategy="compact", keep_last=2)
    with make_otel() as otel:
        async with (
            simulator(script=[*script, {"text": "done"}]) as sim,
            sim.connect(telemetry=otel.telemetry) as client,
        ):
            await _agent("grok-4-1-fast-reasoning", policy).run("Read it.", client=client)
        (run,) = otel.named("invoke_agent")
        spans = otel.named("history compact")
    assert spans
    assert all(s.parent is not None and s.parent.span_id == run.context.span_id for s in spans)
    attributes = spans[0].attributes or {}
    assert attributes["agentrt.history.tokens_after"] < attributes["agentrt.history.tokens_before"]
