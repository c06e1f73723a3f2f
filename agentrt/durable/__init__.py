"""Durable agent runs on Temporal (the optional extra ``agentrt[temporal]``).

The agent loop becomes a Temporal workflow (:mod:`agentrt.durable.workflow`);
each model call and tool call is an activity (:mod:`agentrt.durable.activities`)
with its own timeout and retry policy; the conversation lives in the workflow's
history, so a run survives the death of the worker that ran it. Workers
(:mod:`agentrt.durable.worker`) serve agents loaded from specs
(:mod:`agentrt.durable.registry`); runs are started one at a time
(:mod:`agentrt.durable.starter`) or a dataset at a time (:mod:`agentrt.durable.batch`).

Importing this package imports nothing from ``temporalio``; its modules do.
"""

from __future__ import annotations

__all__: list[str] = []
