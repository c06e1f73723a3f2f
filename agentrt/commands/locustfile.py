"""The locustfile ``agentrt load --locust`` runs: a GrokUser whose plan is agentrt's own flags.

The flags come as a JSON list in ``$AGENTRT_LOAD_ARGS`` (every process of the test, on
every machine, builds the same plan from them; the key comes from each one's own
``XAI_API_KEY``)::

    AGENTRT_LOAD_ARGS='["--endpoint", "10.0.0.5:50051", "--model", "grok-3", "--prompt", "hi"]' \\
    LOCUST_SKIP_MONKEY_PATCH=1 locust -f "$(agentrt load --locustfile)" --worker --master-host M
"""

from __future__ import annotations

import json
import os
from typing import Any

from agentrt.errors import UsageError
from agentrt.load.locust import GrokUser

__all__ = ["ARGS_ENV", "AgentrtUser", "plan_from_flags"]

ARGS_ENV = "AGENTRT_LOAD_ARGS"
"""The environment variable holding ``agentrt load``'s flags, as a JSON list of strings."""


def plan_from_flags(words: list[str]) -> Any:
    """The :class:`~agentrt.load.plan.LoadPlan` ``agentrt load WORDS`` would run."""
    from agentrt.commands.load import _target, build_plan
    from agentrt.commands.main import _parse, build_parser

    args = _parse(build_parser("load"), ["load", *words])
    endpoint = _target(args)
    if endpoint is None:
        raise UsageError("--locust needs --endpoint (or $AGENTRT_ENDPOINT): the service under test")
    return build_plan(args, endpoint)


def _plan() -> Any:
    raw = os.environ.get(ARGS_ENV)
    if raw is None:
        raise UsageError(f"${ARGS_ENV} is not set: give agentrt load's flags as a JSON list")
    try:
        words = json.loads(raw)
    except ValueError:
        words = None
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise UsageError(f"${ARGS_ENV} must be a JSON list of strings (agentrt load's flags)")
    return plan_from_flags(words)


class AgentrtUser(GrokUser):
    """``agentrt load``'s request, as a Locust user."""

    plan = _plan()
