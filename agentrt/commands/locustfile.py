"""The locustfile ``agentrt load --locust`` runs: a GrokUser whose plan is agentrt's own flags.

The flags come as a JSON list in ``$AGENTRT_LOAD_ARGS`` (every process of the test, on
every machine, builds the same plan from them; the key comes from each one's own
``XAI_API_KEY``)::

    export AGENTRT_LOAD_ARGS='["--endpoint", "10.0.0.5:50051", "--model", "grok-3",
                               "--prompt", "hi", "--duration", "1m"]'
    LOCUST_SKIP_MONKEY_PATCH=1 locust -f "$(python -m agentrt.commands.load_locust)" --worker ...
"""

from __future__ import annotations

from agentrt.commands.locust_plan import plan_from_env
from agentrt.load.locust.user import GrokUser

__all__ = ["AgentrtUser"]


class AgentrtUser(GrokUser):
    """``agentrt load``'s request, as a Locust user."""

    plan = plan_from_env()
