"""``agentrt serve --http-port``: the served agents over OpenAI's REST API (aiohttp).

Module map:

* :mod:`agentrt.serve.rest.app`: the aiohttp application, its routes, auth and error middleware,
  and :class:`~agentrt.serve.rest.app.HttpDoor` (bind, stop).
* :mod:`agentrt.serve.rest.body`: the request body read and its fields checked.
* :mod:`agentrt.serve.rest.messages`: OpenAI messages and input items as the run's input and history.
* :mod:`agentrt.serve.rest.run`: one run prepared (agent, limits, deadline) from a request.
* :mod:`agentrt.serve.rest.responses`: ``POST /v1/responses``, unary and streamed.
* :mod:`agentrt.serve.rest.response_events`: agent events as the Responses API's stream events.
* :mod:`agentrt.serve.rest.streaming`: a run streamed as events, a failure as the last one.
* :mod:`agentrt.serve.rest.chat_completions`: ``POST /v1/chat/completions``, unary and streamed.
* :mod:`agentrt.serve.rest.sse`: server-sent events written to the caller.
* :mod:`agentrt.serve.rest.errors`: the OpenAI error body and its HTTP status.
* :mod:`agentrt.serve.rest.client_secrets`: ``POST /v1/realtime/client_secrets``, ephemeral
  realtime tokens minted upstream with the server's key for its callers' browsers.
* :mod:`agentrt.serve.rest.secret_request`: that route's body checked field by field.
* :mod:`agentrt.serve.rest.mint_rate`: the tokens each caller may mint a minute.

Nothing here is imported unless the HTTP door is asked for (aiohttp stays off the gRPC path).
"""

from __future__ import annotations

__all__: list[str] = []
