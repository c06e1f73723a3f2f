"""``agentrt serve``: YAML agents as a gRPC service (``agentrt.v1.Agents``, in ``protos/agentrt/v1``).

Module map:

* :mod:`agentrt.serve.catalog`: the agents served, loaded and validated at start.
* :mod:`agentrt.serve.service`: the ``Agents`` servicer (list, describe, run, stream).
* :mod:`agentrt.serve.server`: the gRPC server with health and reflection; drain on shutdown.
* :mod:`agentrt.serve.auth`: bearer tokens from a key file; loopback only without one.
* :mod:`agentrt.serve.limits`: runs in flight (RESOURCE_EXHAUSTED at once) and request sizes.
* :mod:`agentrt.serve.convert`: agent events and results as ``agentrt.v1`` messages.
* :mod:`agentrt.serve.status`: errors as gRPC statuses, with the server's secrets scrubbed.
* :mod:`agentrt.serve.rest`: the same agents to OpenAI clients over HTTP (``--http-port``).

Importing this package imports nothing heavy; its modules import grpc.
"""

from __future__ import annotations

__all__: list[str] = []
