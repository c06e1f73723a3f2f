"""The HTTP door's ``GET /v1/api-key``: xAI's description of the key a request carries.

The gRPC ``Auth`` service's answer in xAI's REST shape (times as RFC 3339 strings). The
key itself never appears: only the redacted form the gRPC side reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentrt.sim.rest.context import HttpContext

if TYPE_CHECKING:
    from aiohttp import web

    from agentrt.sim.rest.deps import RestDeps

__all__ = ["add_routes", "api_key_json"]


def _time(stamp: Any) -> str:
    return str(stamp.ToJsonString())


def api_key_json(key: Any) -> dict[str, Any]:
    """xAI's api-key object of an ``ApiKey`` message."""
    return {
        "redacted_api_key": key.redacted_api_key,
        "user_id": key.user_id,
        "name": key.name,
        "create_time": _time(key.create_time),
        "modify_time": _time(key.modify_time),
        "modified_by": key.modified_by,
        "team_id": key.team_id,
        "acls": list(key.acls),
        "api_key_id": key.api_key_id,
        "team_blocked": key.team_blocked,
        "api_key_blocked": key.api_key_blocked,
        "api_key_disabled": key.disabled,
    }


def add_routes(router: web.UrlDispatcher, deps: RestDeps) -> None:
    """Mount this module's endpoints on ``router``."""
    from aiohttp import web

    async def api_key(request: web.Request) -> web.Response:
        ctx: Any = HttpContext(request)  # what the gRPC handler reads of its context
        key = await deps.small.get_api_key_info(None, ctx)
        return web.json_response(api_key_json(key))

    router.add_get("/v1/api-key", api_key)
