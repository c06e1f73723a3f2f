"""Where ``agentrt run`` connects: an endpoint, xAI's API, or the built-in simulator.

Precedence: ``--endpoint``, then ``$AGENTRT_ENDPOINT``, then ``api.x.ai:443``
when ``$XAI_API_KEY`` is set, else the simulator started in-process on a free
loopback port, announced by one line on stderr (:data:`SIMULATOR_NOTICE`).
So the first command on a fresh machine works without a key, and says plainly
that its answers are synthetic.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from agentrt.xai.client import Client

__all__ = [
    "SIMULATOR_NOTICE",
    "WATCHED_ITL_MS",
    "WATCHED_TTFT_MS",
    "EndpointChoice",
    "choose_endpoint",
    "connect",
    "named_endpoint",
]

SIMULATOR_NOTICE = "no XAI_API_KEY set: using the built-in simulator; answers are synthetic"


@dataclass(frozen=True, kw_only=True)
class EndpointChoice:
    """The endpoint to use and why.

    Attributes:
        endpoint: HOST:PORT, or ``None`` for the built-in simulator.
        source: ``flag`` (--endpoint), ``env`` ($AGENTRT_ENDPOINT), ``xai`` (a key is
            set) or ``simulator``.
    """

    endpoint: str | None
    source: Literal["flag", "env", "xai", "simulator"]


def named_endpoint(
    explicit: str | None = None, *, environ: Mapping[str, str] | None = None
) -> str | None:
    """``explicit`` (--endpoint), else ``$AGENTRT_ENDPOINT``, checked; ``None`` when neither is set.

    An ``http(s)://`` URL is a REST API's base URL (the client then speaks REST).

    Raises:
        UsageError: not HOST:PORT nor an http(s) base URL, or a port outside 1-65535; for the variable, the
            message names it (a stale ``export`` is otherwise hard to spot).
    """
    from agentrt.errors import UsageError
    from agentrt.xai.config import ENDPOINT_ENV, check_endpoint, check_url, is_url

    env = os.environ if environ is None else environ
    given = explicit or env.get(ENDPOINT_ENV)
    if not given:
        return None
    try:
        return check_url(given) if is_url(given) else check_endpoint(given)
    except UsageError as e:
        raise (e if explicit else UsageError(f"${ENDPOINT_ENV}: {e}")) from None


def choose_endpoint(
    explicit: str | None = None, *, environ: Mapping[str, str] | None = None
) -> EndpointChoice:
    """Apply the precedence above.

    Raises:
        UsageError: an endpoint that does not look like HOST:PORT (see :func:`named_endpoint`).
    """
    from agentrt.xai.config import DEFAULT_ENDPOINT, KEY_ENV

    env = os.environ if environ is None else environ
    endpoint = named_endpoint(explicit, environ=env)
    if endpoint is not None:
        return EndpointChoice(endpoint=endpoint, source="flag" if explicit else "env")
    if env.get(KEY_ENV):
        return EndpointChoice(endpoint=DEFAULT_ENDPOINT, source="xai")
    return EndpointChoice(endpoint=None, source="simulator")


# How the built-in simulator paces its stream for someone watching a terminal:
# roughly a real model's time to first token and speed, so streaming is visible.
WATCHED_TTFT_MS = 250.0
WATCHED_ITL_MS = 12.0


@asynccontextmanager
async def connect(
    choice: EndpointChoice,
    *,
    notice: Callable[[str], None] | None = None,
    paced: bool = False,
    http: bool = False,
) -> AsyncIterator[Client]:
    """A client for ``choice``; starts (and finally stops) the simulator when it is chosen.

    Args:
        choice: From :func:`choose_endpoint`.
        notice: Called with :data:`SIMULATOR_NOTICE` when the simulator is used.
        paced: Make the built-in simulator stream at a human-visible pace (for a
            terminal); otherwise it answers as fast as it can.
        http: Start the built-in simulator with its HTTP door too, as the client's
            ``rest_endpoint`` (the realtime API, e.g. minting tokens, works offline).
    """
    from agentrt.xai.client import Client

    if choice.endpoint is not None:
        async with Client(endpoint=choice.endpoint) as client:
            yield client
        return
    from agentrt.sim import Realism, Simulator

    if notice is not None:
        notice(SIMULATOR_NOTICE)
    realism = Realism(ttft_ms=WATCHED_TTFT_MS, itl_ms=WATCHED_ITL_MS) if paced else Realism()
    async with (
        Simulator(realism=realism, http_port=0 if http else None) as sim,
        Client(endpoint=sim.address, rest_endpoint=sim.rest_url) as client,
    ):
        yield client
