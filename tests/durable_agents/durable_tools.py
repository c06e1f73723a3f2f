"""Tools of the durable-run test agents: each call is counted in a file.

``$AGENTRT_DURABLE_DIR`` is where the counts go: one line per call in
``calls-<tool>.txt`` (the worker's pid and the call's idempotency key). When
``$AGENTRT_DURABLE_HOLD`` is set, ``get_weather`` writes ``weather-started`` and
waits for a ``weather-go`` file before it returns, so a test can act between a
tool call and the next model call.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from agentrt.agents.tools import ToolContext, tool
from agentrt.durable.idempotency import idempotency_key

__all__ = ["book_table", "book_visit", "find_places", "get_weather"]


def _count(name: str, ctx: ToolContext) -> Path:
    folder = Path(os.environ["AGENTRT_DURABLE_DIR"])
    with open(folder / f"calls-{name}.txt", "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()} {idempotency_key(ctx)}\n")
    return folder


def get_weather(city: str, ctx: ToolContext) -> dict[str, Any]:
    """Today's weather forecast for a city.

    Args:
        city: City name, e.g. "Lisbon".
    """
    folder = _count("get_weather", ctx)
    if os.environ.get("AGENTRT_DURABLE_HOLD"):
        (folder / "weather-started").touch()
        while not (folder / "weather-go").exists():
            time.sleep(0.02)
    return {"city": city, "forecast": "sunny", "high_c": 20 + len(city) % 7}


def find_places(city: str, ctx: ToolContext) -> dict[str, Any]:
    """Find places to visit in a city.

    Args:
        city: City name, e.g. "Lisbon".
    """
    _count("find_places", ctx)
    return {"city": city, "places": [f"{city} museum", f"{city} market"]}


@tool(idempotent=True)
def book_table(city: str, ctx: ToolContext) -> str:
    """Book a table at a restaurant in a city.

    Args:
        city: City name, e.g. "Lisbon".
    """
    _count("book_table", ctx)
    raise RuntimeError("the booking service is down")


@tool(needs_approval=True)
def book_visit(city: str, ctx: ToolContext) -> str:
    """Book a guided visit in a city (a person approves it first).

    Args:
        city: City name, e.g. "Lisbon".
    """
    _count("book_visit", ctx)
    return f"booked a visit in {city}"
