"""The REST transport of ``Client(protocol="rest")``: xAI's OpenAI-compatible HTTP API.

Modules (nothing is re-exported; each imports aiohttp only when the REST path is used):

- :mod:`.sse`: a Server-Sent Events parser over an HTTP body's bytes, with bounded lines.
- :mod:`.http_errors`: an HTTP error status and OpenAI error body -> an :mod:`agentrt.errors` class.
- :mod:`.transport`: one aiohttp session per event loop, deadlines, retries.
- :mod:`.json_encoder`: a conversation's successive requests as JSON, reusing sent messages.
- :mod:`.chat_wire`: ``ChatRequest`` <-> ``/v1/chat/completions`` JSON and its SSE chunks.
- :mod:`.responses_wire`: ``ChatRequest`` <-> ``/v1/responses`` JSON and its SSE events.
- :mod:`.chat`: the REST ``client.chat`` (``complete``, ``stream``, ``encoder``).
- :mod:`.chat_stream`: the hot path: SSE events -> ``Delta`` s, then the assembled response.
- :mod:`.services`: the small services (models, tokenizer, embeddings, images, auth) over REST.
- :mod:`.grpc_only`: the stand-in for a service only gRPC carries (each use: one UsageError).
"""

__all__: list[str] = []
