"""The simulator: a local gRPC server that speaks xAI's API, with a deterministic model.

Use it from the command line (``agentrt sim``, see ``agentrt sim --help``) or
in-process::

    from agentrt.sim import Simulator

    async with Simulator(api_key="test-key") as sim:
        sim.address            # "127.0.0.1:PORT": point any xAI client here
        ...

``Simulator(options=None, **overrides)`` takes a :class:`SimOptions` and/or
its fields as keywords: ``host`` ("127.0.0.1"), ``port`` (0 = pick a free
one), ``api_key`` (None = accept any caller; else calls need
``authorization: Bearer <key>``), ``realism`` (:class:`Realism`: ``ttft_ms``,
``itl_ms``, ``tokens_per_chunk``, ``output_tokens``), ``faults``
(:class:`FaultConfig`: ``faults``, ``on_calls``, ``rate``, ``abort_after``,
``retry_after_ms``, ``deadline_stall_ms``, ``seed``), ``script`` (a YAML/JSON
path or a list of turn mappings, see :mod:`agentrt.sim.script`) and
``grace_s`` (shutdown grace) and ``observer`` (a callable
``observer(method, metadata) -> context manager`` wrapping every implemented
call: the hook for server-side tracing). ``sim.script.remaining`` tells how many scripted
turns are left.

Per-call overrides travel as request metadata (``x-sim-fault``,
``x-sim-fault-on``, ``x-sim-session``, ``x-sim-ttft-ms``, …; the full list is
:data:`agentrt.sim.faults.HEADERS`). The resource_exhausted fault sends its
retry hint as trailing metadata ``grpc-retry-pushback-ms`` (milliseconds),
the key :mod:`agentrt.xai.rpc_errors` reads. Errors carry ``x-request-id``.

The server is plaintext; it also serves clients that use
``grpc.local_channel_credentials()`` (what xai-sdk does for
``api_host="localhost:PORT"``), since local credentials add no handshake.

Modules: ``server`` (lifecycle), ``handlers`` (method table, auth,
UNIMPLEMENTED, observer), ``chat`` and ``services`` (the RPCs), ``model`` (the
deterministic model), ``candidates``, ``arguments`` and ``jsonfill`` (values
in the user's text, tool arguments, schema-valid JSON), ``server_tools``
(simulated web search …), ``decode``/``encode`` (wire ↔ model, pre-serialized
chunks), ``faults`` and ``knobs`` (fault injection, header names), ``script``,
``store``, ``catalogue``, ``tokens``, ``status``, ``images`` and ``imagehost``
(PNGs, and the HTTP server behind URL-form images and public file URLs). The
retrieval services (Files, Collections, Documents; ``Simulator(data_dir=...,
files=RagLimits(...))``): ``files``, ``collections``, ``filters`` (list filters),
``retrieval``, ``ragstore`` and ``rag_handlers`` (on ``service_handlers``, shared with batches and video); chat reads the same store through
``chat_sources`` (attached files, ``collections_search``) and ``grounding`` (the
quoted, cited answer). Batches (BatchMgmt; ``Simulator(batches=BatchLimits(rate=...))``,
kept beside the files under ``data_dir``): ``batches`` (the RPCs), ``batch_input``
and ``batch_openai`` (requests, JSONL lines), ``batchstore`` (SQLite queue and exact counts),
``batch_worker`` (the one background worker answering with the chat and image code)
and ``batch_handlers`` (gRPC, faults, the worker's lifecycle).
The rest of the response: ``prices`` (the per-model price
table behind every ``cost_in_usd_ticks`` and the Models service's prices),
``logprobs`` (deterministic token log probabilities), ``compact``
(``CompactContext``) and ``image_options`` (image size, edits, storage).
Video: ``video`` (the three RPCs), ``video_jobs`` (deferred
jobs, encoded two at a time off the loop), ``video_render`` (MP4s with PyAV, optional)
and ``video_handlers`` (gRPC + faults); the videos are served by ``imagehost``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentrt.sim.faults import FaultConfig as FaultConfig
    from agentrt.sim.faults import Realism as Realism
    from agentrt.sim.server import SimOptions as SimOptions
    from agentrt.sim.server import Simulator as Simulator

_LAZY = {
    "Simulator": "agentrt.sim.server",
    "SimOptions": "agentrt.sim.server",
    "Realism": "agentrt.sim.faults",
    "FaultConfig": "agentrt.sim.faults",
}

__all__ = ["FaultConfig", "Realism", "SimOptions", "Simulator"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'agentrt.sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
