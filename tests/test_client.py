"""The client facade: configuration rules and the thin service methods, against a real server."""

from __future__ import annotations

import dataclasses
import importlib
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest

from agentrt.errors import DeadlineExceeded, UsageError
from agentrt.xai.client import Client
from agentrt.xai.config import ClientConfig, resolve_endpoint
from agentrt.xai.deadline import Deadline, budget, current_deadline, effective_timeout
from agentrt.xai.retry import RateLimitPolicy
from tests.fake_xai import FakeXai, serve_fake

MODULES = [
    "agentrt.xai.client",
    "agentrt.xai.chat",
    "agentrt.xai.chat_proto",
    "agentrt.xai.chat_request",
    "agentrt.xai.chat_response",
    "agentrt.xai.config",
    "agentrt.xai.deadline",
    "agentrt.xai.messages",
    "agentrt.xai.retry",
    "agentrt.xai.rpc_errors",
    "agentrt.xai.service_types",
    "agentrt.xai.services",
    "agentrt.xai.stream_thread",
    "agentrt.xai.tool_specs",
    "agentrt.xai.transport",
    "agentrt.commands.chat",
]


@pytest.mark.parametrize("name", MODULES)
def test_every_module_exports_what_it_defines(name: str) -> None:
    module = importlib.import_module(name)
    for export in module.__all__:
        assert hasattr(module, export), export


def test_value_modules_stay_free_of_grpc_and_protobuf() -> None:
    code = (
        "import sys; import agentrt.xai.messages, agentrt.xai.chat_request, agentrt.xai.chat_response, "
        "agentrt.xai.tool_specs, agentrt.xai.deadline, agentrt.errors; "
        "print(any(m.split('.')[0] in ('grpc', 'google', 'agentrt_protos') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_key_for_xai_is_a_usage_error(monkeypatch) -> None:
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    monkeypatch.delenv("AGENTRT_ENDPOINT", raising=False)
    with pytest.raises(UsageError, match="XAI_API_KEY"):
        Client()
    Client(endpoint="127.0.0.1:1")  # loopback servers may not need one


@pytest.mark.parametrize("endpoint", ["127.0.0.1:99999", "127.0.0.1:0", "localhost:65536"])
def test_an_endpoint_port_out_of_range_is_a_usage_error(endpoint: str) -> None:
    with pytest.raises(UsageError, match="the port must be 1 to 65535"):
        Client(endpoint=endpoint)
    with pytest.raises(UsageError, match="the port must be 1 to 65535"):
        resolve_endpoint(endpoint)
    with pytest.raises(UsageError, match="the port must be 1 to 65535"):
        Client(config=ClientConfig(endpoint=endpoint))


def test_endpoint_precedence(monkeypatch) -> None:
    monkeypatch.delenv("AGENTRT_ENDPOINT", raising=False)
    assert resolve_endpoint() == "api.x.ai:443"
    monkeypatch.setenv("AGENTRT_ENDPOINT", "127.0.0.1:7")
    assert resolve_endpoint() == "127.0.0.1:7"
    assert resolve_endpoint("127.0.0.1:8") == "127.0.0.1:8"
    with pytest.raises(UsageError, match="HOST:PORT"):
        resolve_endpoint("nohost")


def test_key_from_environment_and_kept_out_of_repr(monkeypatch) -> None:
    monkeypatch.setenv("XAI_API_KEY", "env-secret-key")
    client = Client()
    assert client.config.api_key == "env-secret-key"
    assert "env-secret-key" not in repr(client) + repr(client.config)


def test_config_rejects_bad_settings() -> None:
    with pytest.raises(UsageError):
        ClientConfig(timeout=0)
    with pytest.raises(UsageError):
        ClientConfig(pool_size=0)


def test_effective_timeout_rules() -> None:
    assert effective_timeout(None, 1620.0) == 1620.0
    assert effective_timeout(5, 1620.0) == 5
    assert 0 < effective_timeout(Deadline.after(3), 1.0) <= 3
    with budget(2) as outer:
        assert effective_timeout(60, 1620.0) <= 2
        with budget(100) as inner:
            assert inner is outer  # an inner budget never extends the outer one
        assert current_deadline() is outer
    assert current_deadline() is None
    with pytest.raises(DeadlineExceeded):
        effective_timeout(Deadline.after(-1), 1.0)
    with pytest.raises(UsageError):
        effective_timeout(-1, 1.0)


def test_rate_limit_delay_uses_the_hint_or_bounded_jitter() -> None:
    policy = RateLimitPolicy(base=0.5, cap=4.0)
    assert policy.delay(3, 1.25) == 1.25
    for attempt in range(8):
        assert 0 <= policy.delay(attempt, None) <= min(4.0, 0.5 * 2**attempt)


@pytest.fixture
async def served() -> AsyncIterator[tuple[FakeXai, Client]]:
    async with serve_fake() as (state, address), Client(endpoint=address) as client:
        yield state, client


async def test_models(served) -> None:
    _, client = served
    names = [m.name for m in await client.models.list()]
    assert names == ["grok-a", "grok-b"]
    model = await client.models.get("grok-z")
    assert (model.kind, model.name, model.aliases) == ("language", "grok-z", ("grok-z-latest",))
    assert model.input_modalities == ("text",)
    assert model.prices["prompt_text_token_price"] == 7
    assert [m.name for m in await client.models.list("embedding")] == ["embed-a"]
    image_model = await client.models.get("img", "image")
    assert (image_model.kind, image_model.prices["image_price"]) == ("image", 3)
    with pytest.raises(UsageError, match="model kind must be"):
        await client.models.list("video")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="'video'"):
        await client.models.get("grok-z", "video")  # type: ignore[arg-type]


async def test_tokenize_images_embeddings_documents_auth(served) -> None:
    state, client = served
    tokens = await client.tokenizer.tokenize("a bb ccc", model="m")
    assert [t.string_token for t in tokens] == ["a", "bb", "ccc"]
    images = await client.images.generate("cat", model="img", n=2)
    assert [i.url for i in images.images] == ["https://img/0", "https://img/1"]
    b64 = await client.images.generate("cat", model="img", image_format="base64")
    assert b64.images[0].base64
    emb = await client.embeddings.create(["x", "yyy"], model="e")
    assert emb.vectors == ((1.0,), (3.0,))  # back in input order
    matches = await client.documents.search("needle", collection_ids=["c1"], limit=1)
    assert (matches[0].chunk_content, matches[0].collection_ids) == ("needle", ("c1",))
    info = await client.auth.api_key_info()
    assert (info.redacted_api_key, info.acls) == ("xai-...abcd", ("chat",))
    assert state.requests[-2].limit == 1


def test_extra_metadata_is_kept_out_of_repr() -> None:
    from agentrt.load.plan import LoadPlan

    client = Client(endpoint="127.0.0.1:9", metadata=(("authorization", "Bearer meta-secret"),))
    assert client.config.metadata == (("authorization", "Bearer meta-secret"),)
    assert "meta-secret" not in repr(client) + repr(client.config)
    plan_fields = {f.name: f for f in dataclasses.fields(LoadPlan)}
    assert plan_fields["metadata"].repr is False
