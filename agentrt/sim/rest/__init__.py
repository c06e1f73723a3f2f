"""The simulator's HTTP door: xAI's OpenAI-compatible REST API beside its gRPC one.

``agentrt sim --http-port PORT`` (``SimOptions(http_port=...)``) serves it with aiohttp,
backed by the same deterministic model, stores, faults and latency knobs as gRPC.

Modules: ``app`` (the aiohttp application, its middleware, where each endpoint module is
mounted), ``deps`` (what they serve from), ``context`` (an HTTP request seen as the gRPC context the simulator's services
take), ``errors`` (statuses as OpenAI error bodies and HTTP codes), ``body`` (reading and
checking JSON bodies), and one module per endpoint family: ``chat_completions``,
``responses``, ``models``, ``embeddings``, ``images``, ``tokenize``, ``api_key``,
``files``, ``batches``.

Helpers of chat completions and responses: ``fields`` (typed reads of JSON fields),
``content_json`` and ``tools_json`` (message parts, tools, tool choice, output formats),
``chat_request`` and ``responses_request`` (a body as the gRPC door's request),
``chat_encode`` and ``responses_encode`` (the model's reply as OpenAI JSON and events),
``sse`` (sending events, paced or at once, and the ``abort`` fault's cut). Helpers of the
other endpoints: ``params`` (a body's top-level parameters: required, bounded, one of a
set, none unknown), ``admission`` (admitting a request to a stateful service with its
planned fault), ``uploads`` (multipart uploads read in pieces), ``records`` (file purposes
and OpenAI batch fields the gRPC messages have no place for), ``batch_output`` (a batch's
results as OpenAI's output and error files) and ``cursor`` (OpenAI's cursor pages).
"""

__all__: list[str] = []
