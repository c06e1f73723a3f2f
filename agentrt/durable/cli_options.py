"""The command-line options every Temporal-mode command shares (``--temporal``, ``--namespace`` ...).

Imports nothing from ``temporalio``: commands register these options whether
or not the ``temporal`` extra is installed, and :func:`target_from_args` says
how to install it when it is missing.
"""

from __future__ import annotations

import argparse
import importlib.util
from typing import TYPE_CHECKING

from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.durable.connection import TemporalTarget

__all__ = ["add_temporal_options", "require_temporal", "target_from_args"]


def add_temporal_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    """Add ``--temporal HOST:PORT``, ``--namespace``, ``--task-queue`` and ``--tls`` to ``p``."""
    p.add_argument(
        "--temporal",
        metavar="HOST:PORT",
        required=required,
        help="the Temporal frontend to use, e.g. 127.0.0.1:7233"
        + ("" if required else " (run the agent as a durable workflow)"),
    )
    p.add_argument("--namespace", metavar="NS", help="Temporal namespace (default: default)")
    p.add_argument(
        "--task-queue", metavar="Q", help="task queue the workers poll (default: agentrt)"
    )
    p.add_argument(
        "--tls",
        action="store_true",
        help="connect to Temporal with TLS (on by itself when $TEMPORAL_API_KEY is set)",
    )


def require_temporal() -> None:
    """Raise a UsageError that says what to install when ``temporalio`` is missing."""
    if importlib.util.find_spec("temporalio") is None:
        raise UsageError("Temporal mode needs the temporal extra: pip install 'agentrt[temporal]'")


def target_from_args(args: argparse.Namespace) -> TemporalTarget:
    """The :class:`~agentrt.durable.connection.TemporalTarget` the options describe.

    Raises:
        UsageError: ``temporalio`` is not installed, or the address is not HOST:PORT.
    """
    require_temporal()
    from agentrt.durable.connection import TemporalTarget

    return TemporalTarget.from_options(
        args.temporal, namespace=args.namespace, task_queue=args.task_queue, tls=args.tls
    )
