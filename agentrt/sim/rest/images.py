"""The HTTP door's images endpoints (to be written)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

    from agentrt.sim.rest.deps import RestDeps

__all__ = ["add_routes"]


def add_routes(router: web.UrlDispatcher, deps: RestDeps) -> None:
    """Mount this module's endpoints on ``router``."""
