"""An agent's files (uploaded once, attached) and collections_search by name, against the simulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentrt.agents.agent import Agent
from agentrt.agents.attachments import Attachments, UploadCache, attach
from agentrt.agents.collection_names import SearchCollections
from agentrt.errors import NotFound, UsageError
from agentrt.specs.agent_spec import AgentSpec
from agentrt.specs.problems import SpecError
from agentrt.testing import ScriptedModel, reply, simulator
from agentrt.xai.messages import File, Text, system, user
from agentrt.xai.tool_specs import CollectionsSearch

HANDBOOK = "Holidays: every employee has 27 days of paid leave a year.\n"


def _files_of(messages: object) -> list[str]:
    return [c.file_id for m in messages for c in m.content if isinstance(c, File)]  # type: ignore[attr-defined]


async def _count(client: object) -> int:
    return len([f async for f in client.files.list()])  # type: ignore[attr-defined]


# --- attach(): where the files go ------------------------------------------------------


def test_attach_adds_the_files_to_the_first_user_message_only() -> None:
    messages = [system("s"), user("first"), user("second")]
    out = attach(messages, ["file_a", "file_b"])
    assert out[1].content == (Text(text="first"), File(file_id="file_a"), File(file_id="file_b"))
    assert out[2] == messages[2]
    assert out[0] == messages[0]


def test_attach_leaves_a_conversation_that_already_carries_them() -> None:
    messages = attach([user("q")], ["file_a"])
    assert attach(messages, ["file_a"]) == messages


# --- the cache of uploads --------------------------------------------------------------


def test_a_broken_cache_is_ignored_and_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "uploads.json"
    path.write_text("{not json")
    cache = UploadCache(path)
    assert cache.get("k") is None
    cache.put("k", "file_1")
    assert json.loads(path.read_text()) == {"k": "file_1"}


def test_an_unwritable_cache_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = UploadCache(blocker / "sub" / "uploads.json")  # its parent cannot be made
    cache.put("k", "v")
    assert cache.get("k") is None


def test_the_cache_keeps_the_newest_thousand(tmp_path: Path) -> None:
    cache = UploadCache(tmp_path / "u.json")
    for i in range(1_005):
        cache.put(f"k{i}", f"f{i}")
    kept = json.loads(cache.path.read_text())
    assert len(kept) == 1_000
    assert "k4" not in kept
    assert kept["k1004"] == "f1004"


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"nope\.txt"):
        Attachments([tmp_path / "nope.txt"])


# --- uploads, end to end ---------------------------------------------------------------


async def test_files_are_uploaded_once_and_attached_to_every_run(tmp_path: Path) -> None:
    doc = tmp_path / "handbook.txt"
    doc.write_text(HANDBOOK)
    same = tmp_path / "copy.txt"
    same.write_text(HANDBOOK)  # the same bytes under another name: one upload
    model = ScriptedModel(reply("one"), reply("two"))
    agent = Agent(name="a", model=model, files=[doc, same])
    cache = UploadCache(tmp_path / "cache.json")
    agent.files = Attachments([doc, same], cache=cache)
    async with simulator() as sim:
        await agent.run("How many days of leave?", client=sim.client)
        await agent.run("And again?", client=sim.client)
        assert await _count(sim.client) == 1
        (first, second) = (_files_of(r.messages) for r in model.requests)
        assert first == second
        assert len(first) == 1
        assert await sim.client.files.content(first[0]) == HANDBOOK.encode()


async def test_the_cache_spares_an_upload_in_a_new_process_unless_the_file_is_gone(
    tmp_path: Path,
) -> None:
    doc = tmp_path / "handbook.txt"
    doc.write_text(HANDBOOK)
    cache = UploadCache(tmp_path / "cache.json")
    async with simulator() as sim:
        first = await Attachments([doc], cache=cache).file_ids(sim.client)
        async with sim.connect() as other:  # a new client, as a new process would have
            again = await Attachments([doc], cache=cache).file_ids(other)
            assert again == first
            assert await _count(other) == 1
            await other.files.delete(first[0])
            renewed = await Attachments([doc], cache=cache).file_ids(other)
            assert renewed != first
            assert await _count(other) == 1


async def test_an_agent_with_files_needs_a_client(tmp_path: Path) -> None:
    doc = tmp_path / "d.txt"
    doc.write_text("x")
    model = ScriptedModel()
    with pytest.raises(UsageError, match="pass client="):
        await Agent(name="a", model=model, files=[doc]).run("q")


# --- collections by name -----------------------------------------------------------------


async def test_collections_are_searched_by_name_resolved_once() -> None:
    model = ScriptedModel(reply("one"), reply("two"))
    agent = Agent(
        name="a", model=model, tools=[SearchCollections(collections=("handbook",), limit=3)]
    )
    async with simulator() as sim:
        made = await sim.client.collections.create("handbook")
        await agent.run("q", client=sim.client)
        await sim.client.collections.delete(made.id)  # resolved once per client: not again
        await agent.run("q", client=sim.client)
    for request in model.requests:
        assert request.tools == (CollectionsSearch(collection_ids=(made.id,), limit=3),)


async def test_an_unknown_collection_fails_the_run_before_the_model_is_called() -> None:
    model = ScriptedModel()
    agent = Agent(name="a", model=model, tools=[SearchCollections(collections=("nope",))])
    async with simulator() as sim:
        with pytest.raises(NotFound, match="nope"):
            await agent.run("q", client=sim.client)
    assert model.requests == []


# --- the spec -----------------------------------------------------------------------------

SPEC = """
version: 1
name: docs
model: grok-4-1-fast-reasoning
instructions: Answer from the documents.
"""


def _spec(tmp_path: Path, extra: str) -> AgentSpec:
    path = tmp_path / "agent.yaml"
    path.write_text(SPEC + extra)
    return AgentSpec.from_file(path)


def test_spec_files_resolve_against_the_spec_directory(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("a")
    agent = _spec(tmp_path, "files: [docs/a.txt]\n").to_agent()
    assert agent.files.paths == ((tmp_path / "docs" / "a.txt").resolve(),)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("files: [missing.txt]\n", "no such file to attach: 'missing.txt'"),
        ("files: [../outside.txt]\n", "outside this spec's directory"),
        ("files: [a.txt, a.txt]\n", "listed twice"),
        ("tools:\n  - builtin: collections_search\n", "give 'collections'"),
        (
            "tools:\n  - builtin: collections_search\n    collections: [a]\n    collection_ids: [b]\n",
            "not both",
        ),
        ("tools:\n  - builtin: collections_search\n    collections: []\n", "at least 1"),
    ],
)
def test_bad_files_and_collections_are_spec_problems(
    tmp_path: Path, extra: str, message: str
) -> None:
    (tmp_path / "a.txt").write_text("a")
    (tmp_path.parent / "outside.txt").write_text("secret")
    with pytest.raises(SpecError, match=message):
        _spec(tmp_path, extra)


def test_collection_names_and_ids_build_the_right_tools(tmp_path: Path) -> None:
    by_name = _spec(tmp_path, "tools:\n  - builtin: collections_search\n    collections: [hb]\n")
    by_id = _spec(tmp_path, "tools:\n  - builtin: collections_search\n    collection_ids: [c1]\n")
    assert by_name.to_agent()._collections.tools == (SearchCollections(collections=("hb",)),)
    assert by_id.to_agent().tools.declarations() == (CollectionsSearch(collection_ids=("c1",)),)


async def test_a_file_gone_since_the_agent_was_built_is_one_usage_error(tmp_path: Path) -> None:
    doc = tmp_path / "d.txt"
    doc.write_text("x")
    agent = Agent(name="a", model=ScriptedModel(), files=[doc])
    doc.unlink()
    async with simulator() as sim:
        with pytest.raises(UsageError, match="cannot read the attached file"):
            await agent.run("q", client=sim.client)
