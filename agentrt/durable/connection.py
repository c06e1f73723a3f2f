"""Where durable runs live: a Temporal cluster address, namespace and task queue (:class:`TemporalTarget`).

``connect_temporal`` opens a Temporal client and turns a failure into one clear
:class:`~agentrt.errors.Unavailable` ("cannot reach Temporal at HOST:PORT ...",
exit code 3). A cluster that needs TLS takes ``tls=True``; Temporal Cloud's API
keys come from ``$TEMPORAL_API_KEY`` (:data:`API_KEY_ENV`, which turns TLS on) and
are never printed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from agentrt.errors import Unavailable, UsageError

if TYPE_CHECKING:
    from temporalio.client import Client

__all__ = ["API_KEY_ENV", "DEFAULT_TASK_QUEUE", "TemporalTarget", "connect_temporal"]

API_KEY_ENV = "TEMPORAL_API_KEY"
DEFAULT_TASK_QUEUE = "agentrt"
_ADDRESS = re.compile(r"^\[?[A-Za-z0-9_.:-]+\]?:\d{1,5}$")
_REASON = re.compile(r'message: "([^"]+)"')


@dataclass(frozen=True, kw_only=True)
class TemporalTarget:
    """A Temporal cluster and the task queue agentrt's workers poll.

    Attributes:
        address: ``HOST:PORT`` of the frontend (the dev server's default is ``127.0.0.1:7233``).
        namespace: the Temporal namespace.
        task_queue: the queue workers poll and runs are started on.
        tls: connect with TLS (on by itself when an API key is set).
        api_key: a Temporal Cloud API key (never shown).
    """

    address: str
    namespace: str = "default"
    task_queue: str = DEFAULT_TASK_QUEUE
    tls: bool = False
    api_key: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not _ADDRESS.match(self.address):
            raise UsageError(
                f"--temporal {self.address!r}: expected HOST:PORT, e.g. 127.0.0.1:7233"
            )

    @classmethod
    def from_options(
        cls,
        address: str,
        *,
        namespace: str | None = None,
        task_queue: str | None = None,
        tls: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> TemporalTarget:
        """A target from CLI options, the API key from ``$TEMPORAL_API_KEY``."""
        env = os.environ if environ is None else environ
        return cls(
            address=address,
            namespace=namespace or "default",
            task_queue=task_queue or DEFAULT_TASK_QUEUE,
            tls=tls,
            api_key=env.get(API_KEY_ENV) or None,
        )


async def connect_temporal(target: TemporalTarget, *, connect_timeout: float = 10.0) -> Client:
    """A Temporal client for ``target``.

    Raises:
        Unavailable: the cluster could not be reached (or refused the namespace or key).
    """
    from temporalio.client import Client

    try:
        return await Client.connect(
            target.address,
            namespace=target.namespace,
            tls=target.tls or target.api_key is not None,
            api_key=target.api_key,
            connect_timeout=timedelta(seconds=connect_timeout),
        )
    except RuntimeError as e:
        found = _REASON.search(str(e))
        reason = found.group(1) if found else str(e).removeprefix("Failed client connect: ")
        raise Unavailable(
            f"cannot reach Temporal at {target.address} ({reason}); is the server running? "
            "(for a local one: temporal server start-dev)",
            code="UNAVAILABLE",
        ) from e
