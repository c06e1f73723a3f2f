"""``GrokUser``: a Locust user whose every task is one of agentrt's measured requests.

Subclass it and set :attr:`GrokUser.plan` (an agentrt
:class:`~agentrt.load.plan.LoadPlan`: the endpoint, the model or ``agent``, the corpus,
the protocol, ``stream``, ``slo``, ``timeout``...). Locust decides how many users run
(``-u``), how fast they start (``-r``) and on how many machines; each user sends one
request after another, as one of ``agentrt load``'s closed-loop workers.
"""

from __future__ import annotations

from typing import Any, ClassVar

from locust import User, constant, task
from locust.exception import StopUser
from locust.user.task import LOCUST_STATE_STOPPING

from agentrt.errors import UsageError
from agentrt.load.locust.hooks import session_of
from agentrt.load.plan import LoadPlan

__all__ = ["GrokUser"]


class GrokUser(User):
    """One closed-loop worker of agentrt's load test, as a Locust user.

    Attributes:
        plan: what every request does (only its request side counts here: the number of
            users and the duration are Locust's ``-u`` and ``--run-time``).

    Its one task runs for the user's whole life (a closed loop on the asyncio thread, see
    :meth:`requests`): other tasks of a subclass would never run.
    """

    abstract = True
    wait_time = constant(0)
    plan: ClassVar[LoadPlan | None] = None

    def __init__(self, environment: Any) -> None:
        if type(self).plan is None:
            raise UsageError(f"{type(self).__name__}.plan is not set: give it a LoadPlan")
        super().__init__(environment)

    @task
    def requests(self) -> None:
        """Requests one after another, each measured and reported (to Locust and agentrt).

        The loop runs on the process's asyncio thread until Locust stops this user: a
        graceful stop (``--stop-timeout``) lets the request in flight finish and count, a
        forced one cancels it. Without a session (its start failed: the worker's log says
        why) the user stops.
        """
        try:
            session = session_of(self.environment)
        except UsageError:
            raise StopUser() from None
        session.drive(lambda: self._state == LOCUST_STATE_STOPPING)
