"""Token and cost budgets of a run (agentrt.agents.budget), with scripted models."""

from __future__ import annotations

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.budget import budget_for
from agentrt.agents.limits import Limits
from agentrt.agents.run_summary import failure_summary
from agentrt.agents.session import MemoryStore, SessionTurn
from agentrt.agents.tools import ToolContext, tool
from agentrt.errors import BudgetExceeded
from agentrt.testing import ScriptedModel, call, reply, tool_calls
from agentrt.xai.chat_response import Usage
from agentrt.xai.messages import assistant, user


def _usage(prompt: int = 10, completion: int = 5, ticks: int | None = None) -> Usage:
    return Usage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=prompt + completion,
        cost_in_usd_ticks=ticks,
    )


@tool
def look(q: str) -> str:
    """Look something up."""
    return f"found {q}"


def _agent(model: ScriptedModel, **limits: object) -> Agent:
    return Agent(name="a", model=model, tools=[look], limits=Limits(**limits))  # type: ignore[arg-type]


async def test_a_call_that_passes_the_output_budget_stops_the_run_after_it() -> None:
    model = ScriptedModel(tool_calls(call("look", {"q": "x"}), usage=_usage(10, 9)))
    with pytest.raises(BudgetExceeded) as e:
        await _agent(model, max_output_tokens=8).run("hi")
    err = e.value
    assert (err.limit, err.budget, err.spent, err.estimated) == ("max_output_tokens", 8, 9, None)
    assert err.result.turns == 1
    assert err.result.usage.completion_tokens == 9
    assert err.result.tool_calls == ()  # the tools of the turn that passed it did not run
    assert "limits.max_output_tokens (8 output tokens)" in str(err)
    model.assert_done()


async def test_a_turn_estimated_to_pass_the_budget_is_not_started() -> None:
    model = ScriptedModel(
        tool_calls(call("look", {"q": "x"}), usage=_usage(10, 5)), reply("never sent")
    )
    with pytest.raises(BudgetExceeded) as e:
        await _agent(model, max_output_tokens=9).run("hi")
    err = e.value
    assert (err.spent, err.estimated) == (5, 5)  # 5 spent + a mean call of 5 > 9
    assert "before turn 2" in str(err)
    assert err.result.turns == 1
    assert len(err.result.tool_calls) == 1
    assert model.remaining == 1  # the second call was never made


async def test_the_input_estimate_counts_the_last_prompt_its_answer_and_what_was_added() -> None:
    model = ScriptedModel(
        tool_calls(call("look", {"q": "y" * 400}), usage=_usage(100, 20)), reply("no")
    )
    with pytest.raises(BudgetExceeded) as e:
        await _agent(model, max_input_tokens=200).run("hi")
    # 100 spent; next ≈ 100 prompt + 20 answer + the tool result's ~101 tokens
    assert e.value.limit == "max_input_tokens"
    assert e.value.spent == 100
    assert 215 < e.value.estimated < 230
    assert model.remaining == 1


async def test_a_first_turn_whose_prompt_is_too_long_makes_no_call() -> None:
    model = ScriptedModel(reply("never sent"))
    with pytest.raises(BudgetExceeded) as e:
        await _agent(model, max_input_tokens=500).run("w" * 4000)
    assert (e.value.spent, e.value.estimated) == (0, 1000)
    assert e.value.result.turns == 0
    assert model.requests == []


async def test_the_cost_budget_counts_reported_cost_and_estimates_at_the_runs_price() -> None:
    ticks = 2_000_000  # $0.0002 a call
    model = ScriptedModel(
        tool_calls(call("look", {"q": "x"}), usage=_usage(10, 5, ticks)),
        tool_calls(call("look", {"q": "z"}), usage=_usage(10, 5, ticks)),
        reply("done", usage=_usage(10, 5, ticks)),
    )
    result = await _agent(model, max_cost_usd=0.01).run("hi")
    assert result.usage.cost_usd == pytest.approx(0.0006)
    model = ScriptedModel(
        tool_calls(call("look", {"q": "x"}), usage=_usage(10, 5, ticks)), reply("no")
    )
    with pytest.raises(BudgetExceeded) as e:
        await _agent(model, max_cost_usd=0.0003).run("hi")
    assert e.value.limit == "max_cost_usd"
    assert e.value.spent == pytest.approx(0.0002)
    assert e.value.estimated is not None
    assert e.value.estimated > 0.0001
    assert "$0.0003" in str(e.value)


async def test_sub_agents_usage_counts_toward_the_budget() -> None:
    @tool
    def delegate(ctx: ToolContext) -> str:
        """Ask a helper."""
        ctx.add_usage(_usage(0, 50))
        return "ok"

    model = ScriptedModel(tool_calls(call("delegate")), reply("never sent"))
    agent = Agent(name="a", model=model, tools=[delegate], limits=Limits(max_output_tokens=30))
    with pytest.raises(BudgetExceeded) as e:
        await agent.run("hi")
    assert e.value.spent == 55
    assert e.value.estimated is None
    assert model.remaining == 1


async def test_a_streamed_run_stops_at_the_turn_end_with_the_text_so_far() -> None:
    model = ScriptedModel(reply("a long answer", usage=_usage(10, 40)))
    agent = _agent(model, max_output_tokens=10)
    seen: list[str] = []

    async def consume() -> None:
        async for event in agent.stream("hi"):
            seen.append(event.type)

    with pytest.raises(BudgetExceeded) as e:
        await consume()
    assert "text_delta" in seen
    assert "run_finished" not in seen
    assert e.value.result.text == "a long answer"


async def test_a_session_budget_counts_the_stored_turns_and_a_run_budget_does_not() -> None:
    store = MemoryStore()
    old = SessionTurn(
        index=0,
        input="x",
        messages=(user("x"), assistant("y")),
        response_id=None,
        created_at=1.0,
        usage={"prompt_tokens": 10, "completion_tokens": 95},  # stored without a cost
    )
    await store.append("s", old, expected_turns=0)
    run = Agent(name="a", model=ScriptedModel(reply("ok")), limits=Limits(max_output_tokens=100))
    assert (await run.run("hi", session=(store, "s"))).text == "ok"
    limits = Limits(max_output_tokens=100, budget_scope="session")
    agent = Agent(name="a", model=ScriptedModel(reply("over")), limits=limits)
    with pytest.raises(BudgetExceeded) as e:
        await agent.run("hi", session=(store, "s"))
    assert e.value.spent == 95 + 5 + 5  # two stored turns, then this run's call
    assert len(await store.load("s")) == 2  # the failed run appended nothing


async def test_a_run_without_budgets_has_no_budget_object_and_runs_as_before() -> None:
    assert budget_for(Limits()) is None
    assert budget_for(Limits(max_cost_usd=1)) is not None
    model = ScriptedModel(reply("ok", usage=_usage(10**9, 10**9)))
    agent = _agent(model)
    assert (await agent.run("hi")).usage.prompt_tokens == 10**9


def test_the_failure_summary_names_the_limit_the_budget_and_what_was_spent() -> None:
    err = BudgetExceeded("over", limit="max_cost_usd", budget=0.5, spent=0.75, result=None)
    assert failure_summary(err, model="m")["error"] == {
        "type": "BudgetExceeded",
        "message": "over",
        "limit": "max_cost_usd",
        "budget": 0.5,
        "spent": 0.75,
        "estimated": None,
    }
