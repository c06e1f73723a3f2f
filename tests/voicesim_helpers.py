"""Helpers of the simulator's realtime tests: the SDK's realtime client, raw sockets, speech."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import openai

from agentrt.sim.realtime.voice import speak
from agentrt.sim.server import Simulator
from tests.simrest_helpers import KEY, WEATHER_PARAMS, openai_client

__all__ = [
    "WEATHER_TOOL",
    "collect",
    "question",
    "raw_socket",
    "realtime",
    "send_audio",
    "silence",
    "ws_url",
]

WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather for a city",
    "parameters": WEATHER_PARAMS,
}


def ws_url(sim: Simulator) -> str:
    """The websocket base URL of ``sim``'s REST door (``ws://127.0.0.1:PORT/v1``)."""
    assert sim.rest_url is not None
    return sim.rest_url.replace("http://", "ws://")


@asynccontextmanager
async def realtime(
    sim: Simulator, *, key: str = KEY, model: str = "grok-4", **headers: str
) -> AsyncIterator[Any]:
    """The official SDK's realtime connection to ``sim``, unchanged but for its URLs."""
    base = openai_client(sim, key=key, **headers)  # its x-sim-* headers go on the handshake
    client = openai.AsyncOpenAI(
        base_url=sim.rest_url,
        api_key=key,
        websocket_base_url=ws_url(sim),
        default_headers=dict(base.default_headers),
        max_retries=0,
    )
    async with client.realtime.connect(model=model) as connection:
        yield connection


@asynccontextmanager
async def raw_socket(
    sim: Simulator, *, key: str | None = KEY, protocols: tuple[str, ...] = (), **headers: str
) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """A plain aiohttp websocket to ``/v1/realtime`` (for what the SDK cannot say)."""
    sent = {f"x-sim-{k.replace('_', '-')}": v for k, v in headers.items()}
    if key is not None:
        sent["Authorization"] = f"Bearer {key}"
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(
            f"{ws_url(sim)}/realtime?model=grok-4", headers=sent, protocols=protocols
        ) as ws,
    ):
        yield ws


async def collect(source: Any, until: str, *, limit_s: float = 20) -> list[dict[str, Any]]:
    """Events (as dicts) from an SDK connection or a raw socket, up to one of type ``until``."""
    seen: list[dict[str, Any]] = []
    async with asyncio.timeout(limit_s):
        while True:
            if isinstance(source, aiohttp.ClientWebSocketResponse):
                message = await source.receive()
                if message.type != aiohttp.WSMsgType.TEXT:
                    seen.append({"type": "closed", "code": source.close_code})
                    return seen
                event = json.loads(message.data)
            else:
                event = (await source.recv()).model_dump(warnings=False)  # xAI rates: not only 24k
            seen.append(event)
            if event["type"] == until:
                return seen


def silence(ms: int, rate: int) -> bytes:
    """``ms`` of silent PCM16 at ``rate``."""
    return b"\0\0" * (rate * ms // 1000)


async def question(text: str, rate: int, voice: str = "Ara") -> bytes:
    """``text`` spoken by espeak-ng at ``rate``, with quiet before and after (a turn's end)."""
    return silence(300, rate) + await speak(text, voice, rate) + silence(900, rate)


async def send_audio(send: Any, pcm: bytes, rate: int, chunk_ms: int = 100) -> None:
    """Append ``pcm`` in ``chunk_ms`` pieces via ``send`` (an async fn taking an event dict)."""
    step = rate * 2 * chunk_ms // 1000
    for i in range(0, len(pcm), step):
        audio = base64.b64encode(pcm[i : i + step]).decode()
        await send({"type": "input_audio_buffer.append", "audio": audio})
