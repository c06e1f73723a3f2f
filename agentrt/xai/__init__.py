"""The xAI client: transport, chat, the other services, and the values they carry.

``client`` (:class:`~agentrt.xai.client.Client`) and ``config``; ``transport`` (channels,
pool, retries, deadlines, errors translated once) with ``stream_thread``, ``retry``,
``deadline`` and ``rpc_errors``; ``chat`` (``client.chat``) with ``chat_request`` and
``chat_response`` (values), ``chat_proto`` and ``chat_wire`` (to and from the wire),
``messages`` and ``tool_specs``; ``services`` and ``service_types`` (models, tokenizer,
images, embeddings, documents, auth); ``wire`` (the services of the generated stubs),
``grpc_server`` (what agentrt's own gRPC servers share) and ``bounded`` (a thread-safe
bounded cache).

Below it: ``telemetry/`` and ``errors``. Importing this package imports none of its
modules; the value modules (``messages``, ``chat_request``, ``chat_response``,
``tool_specs``, ``deadline``) never import gRPC.
"""

__all__: list[str] = []
