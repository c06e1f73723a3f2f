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

Importing :class:`GrokUser` (or the modules that need Locust) imports Locust, which monkey-patches the standard library with
gevent unless ``LOCUST_SKIP_MONKEY_PATCH=1``. The master needs the patch (its waits are
``time.sleep``); a process that runs users must not have it: agentrt's client runs on a
real thread (:mod:`~agentrt.load.locust.bridge` says why), and a session refuses, in one
line, to start in a patched process. docs/locust.md has the recipes.
"""

from __future__ import annotations

from typing import Any

from agentrt.errors import UsageError

__all__ = ["GrokUser", "plan_of"]


def __getattr__(name: str) -> Any:
    """Import Locust only when :class:`GrokUser` is asked for (its modules need it)."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        import locust  # noqa: F401
    except ImportError:
        raise UsageError(
            "the Locust integration needs Locust: pip install 'agentrt[locust]'"
        ) from None
    from agentrt.load.locust import hooks, user

    return user.GrokUser if name == "GrokUser" else hooks.plan_of
