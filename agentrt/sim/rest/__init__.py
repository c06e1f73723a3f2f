"""The simulator's HTTP door: xAI's OpenAI-compatible REST API beside its gRPC one.

``agentrt sim --http-port PORT`` (``SimOptions(http_port=...)``) serves it with aiohttp,
backed by the same deterministic model, stores, faults and latency knobs as gRPC.

Modules: ``app`` (the aiohttp application, its middleware, where each endpoint module is
mounted), ``deps`` (what they serve from), ``context`` (an HTTP request seen as the gRPC context the simulator's services
take), ``errors`` (statuses as OpenAI error bodies and HTTP codes), ``body`` (reading and
checking JSON bodies), and one module per endpoint family: ``chat_completions``,
``responses``, ``models``, ``embeddings``, ``images``, ``tokenize``, ``api_key``,
``files``, ``batches``.
"""

__all__: list[str] = []
