"""The simulator's HTTP door: xAI's OpenAI-compatible REST API beside its gRPC one.

``agentrt sim --http-port PORT`` (``SimOptions(http_port=...)``) serves it with aiohttp,
backed by the same deterministic model, stores, faults and latency knobs as gRPC.

Modules: ``app`` (the aiohttp application, its middleware, where each endpoint module is
mounted), ``deps`` (what they serve from), ``context`` (an HTTP request seen as the gRPC context the simulator's services
take), ``errors`` (statuses as OpenAI error bodies and HTTP codes), ``body`` (reading and
checking JSON bodies), and one module per endpoint family: ``chat_completions``,
``responses``, ``models``, ``embeddings``, ``images``, ``tokenize``, ``api_key``,
``files``, ``batches``.

Beside the files and batches endpoints: ``admission`` (admitting a request to a stateful
service with its planned fault), ``uploads`` (multipart uploads read in pieces),
``records`` (file purposes and OpenAI batch fields the gRPC messages have no place for),
``batch_output`` (a batch's results as OpenAI's output and error files), ``cursor``
(OpenAI's cursor pages) and ``fields`` (reading a JSON body's fields).
"""

__all__: list[str] = []
