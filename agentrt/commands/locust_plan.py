"""The plan of a ``--locust`` process: ``agentrt load``'s own flags, from the environment.

Every process of a Locust test (master and workers, on every machine) builds the same
:class:`~agentrt.load.plan.LoadPlan` from the flags in ``$AGENTRT_LOAD_ARGS`` (a JSON list),
checked as ``agentrt load`` checks them; the key is each process's own ``XAI_API_KEY``.
"""

from __future__ import annotations

import json
import os
from typing import Any

from agentrt.commands.load_locust import ARGS_ENV
from agentrt.errors import UsageError

__all__ = ["plan_from_env", "plan_from_flags"]


def plan_from_flags(words: list[str]) -> Any:
    """The :class:`~agentrt.load.plan.LoadPlan` ``agentrt load WORDS`` would run."""
    from agentrt.commands.load import _target, build_plan
    from agentrt.commands.main import _parse, build_parser

    args = _parse(build_parser("load"), ["load", *words])
    endpoint = _target(args)
    if endpoint is None:
        raise UsageError("--locust needs --endpoint (or $AGENTRT_ENDPOINT): the service under test")
    return build_plan(args, endpoint)


def plan_from_env() -> Any:
    """The plan of the flags in ``$AGENTRT_LOAD_ARGS`` (the locustfile's, in every process)."""
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
