"""agentrt's LLM metrics on Locust's distributed engine (the ``agentrt[locust]`` extra).

Locust runs the users, on one machine or many (master and workers), with its web UI,
its statistics and its CSV; agentrt measures each request (TTFT, ITL, TPOT, tokens/s,
goodput, in HDR histograms), merges every worker's histograms on the master without
losing precision and writes ``agentrt load``'s report, marked with the worker count.

- :mod:`~agentrt.load.locust.bridge` — one asyncio loop per process on its own thread;
- :mod:`~agentrt.load.locust.session` — a process's client and measurements;
- :mod:`~agentrt.load.locust.shares` — the share messages and the master's merge;
- :mod:`~agentrt.load.locust.hooks` — the listeners on Locust's events;
- :mod:`~agentrt.load.locust.user` — :class:`GrokUser`.

Importing this package imports Locust, which monkey-patches the standard library with
gevent unless ``LOCUST_SKIP_MONKEY_PATCH=1``. The master needs the patch (its waits are
``time.sleep``); a process that runs users must not have it: agentrt's client runs on a
real thread (:mod:`~agentrt.load.locust.bridge` says why), and a session refuses, in one
line, to start in a patched process. docs/locust.md has the recipes.
"""

from __future__ import annotations

from agentrt.errors import UsageError

__all__ = ["GrokUser", "plan_of"]


def _require_locust() -> None:
    try:
        import locust  # noqa: F401
    except ImportError:
        raise UsageError(
            "the Locust integration needs Locust: pip install 'agentrt[locust]'"
        ) from None


_require_locust()

from agentrt.load.locust.hooks import plan_of  # noqa: E402  (after the check above)
from agentrt.load.locust.user import GrokUser  # noqa: E402
