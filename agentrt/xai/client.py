"""The xAI client: one object that owns the connections and exposes every service.

Public API (stable; the agent runtime builds on it)::

    from agentrt.xai.client import Client
    from agentrt.xai.chat_request import ChatRequest, JsonSchema
    from agentrt.xai.messages import system, user, assistant, tool_result, image, ToolCall
    from agentrt.xai.tool_specs import FunctionTool, WebSearch
    from agentrt.xai.deadline import Deadline, budget

    async with Client() as client:             # XAI_API_KEY, AGENTRT_ENDPOINT or api.x.ai:443
        req = ChatRequest(model="grok-4-1-fast-reasoning",
                          messages=(system("Be brief."), user("Hi")),
                          tools=(FunctionTool(name="f", parameters={"type": "object"}),))
        resp = await client.chat.complete(req, timeout=30)   # -> ChatResponse
        resp.content, resp.tool_calls, resp.usage, resp.finish_reason, resp.message

        async with client.chat.stream(req) as stream:        # -> ChatStream
            async for d in stream:                           # Delta(content, reasoning_content,
                ...                                          #       tool_calls, choice)
        stream.response                                      # assembled ChatResponse

        with budget(120):                 # every call inside gets at most what is left
            await client.chat.complete(req)

- ``client.chat``: :class:`~agentrt.xai.chat.Chat` — ``complete``, ``stream``,
  ``start_deferred`` / ``get_deferred`` / ``complete_deferred``, ``get_stored`` /
  ``delete_stored``. A raw ``chat_pb2.GetCompletionsRequest`` is accepted too.
- ``client.files``: :class:`~agentrt.xai.files.Files` — ``upload`` (a path, bytes or
  an async iterable; streamed, never read whole), ``upload_many``, ``download`` /
  ``download_to`` (atomic) / ``content``, ``get``, ``list``, ``delete``,
  ``create_public_url`` / ``revoke_public_url``.
- ``client.collections``: :class:`~agentrt.xai.collections.Collections` — ``create``,
  ``list``, ``get``, ``resolve``, ``update``, ``delete``, documents (``upload_document``,
  ``add_document``, ``list_documents``, ``wait_indexed``, ...). They go over the
  management channel (``management_endpoint`` / ``management_api_key``, see
  :mod:`agentrt.xai.config`), opened on first use.
- ``client.batch``: :class:`~agentrt.xai.batches.Batches` — ``create`` (empty or from
  an uploaded JSONL file), ``add`` (``BatchItem`` s of ``ChatRequest`` / ``ImageRequest``,
  split under the message limit), ``get``, ``list``, ``cancel``, ``list_requests``,
  ``results`` (paged, decoded into ``ChatResponse`` / ``ImageResult`` or a typed error),
  ``result``, ``wait`` (polls with backoff, reports progress). See docs/batch.md.
- ``client.video``: :class:`~agentrt.xai.video.Videos` — ``generate`` / ``extend``
  (deferred jobs), ``get``, ``wait`` (polls with backoff), ``download`` (atomic).
- ``client.models`` (``list(kind)``, ``get(name, kind)``), ``client.tokenizer``
  (``tokenize``), ``client.images`` (``generate``), ``client.embeddings``
  (``create``), ``client.documents`` (``search``: hybrid, semantic or keyword), ``client.auth``
  (``api_key_info``): see :mod:`agentrt.xai.services`.
- ``timeout=`` on every method: seconds or a :class:`~agentrt.xai.deadline.Deadline`;
  it wins over the client default (27 min) and is capped by an active ``budget``.
- Errors: :mod:`agentrt.errors` (``RPCError`` subclasses, ``StreamInterrupted``).
- Retries: UNAVAILABLE by gRPC itself; rate limiting (RESOURCE_EXHAUSTED) by
  agentrt with backoff, waiting exactly ``grpc-retry-pushback-ms`` (trailing
  metadata, integer milliseconds) when the server sends it; INTERNAL by agentrt
  (``internal_retries=``, 2 by default, see :mod:`agentrt.xai.retry`); a stream is
  retried only before its first chunk. docs/resilience.md.
- REST: ``Client(protocol="rest", endpoint="https://api.x.ai/v1")`` (or any
  ``http(s)://`` endpoint) speaks xAI's OpenAI-compatible REST API instead
  (:mod:`agentrt.xai.rest`): ``client.chat`` has the same ``complete`` / ``stream`` /
  ``encoder``, the same values, errors, deadlines, retries (429 honouring
  ``retry-after``) and telemetry; ``rest_api="responses"`` uses ``/v1/responses``.
  The other services raise a UsageError naming ``protocol="grpc"``. See docs/rest.md.
- Telemetry: ``Client(telemetry=Telemetry(...))`` sends spans and metrics to
  injected providers; by default the application's global ones are used, and
  nothing is recorded (at no cost) while none is installed. See :mod:`agentrt.telemetry.tracing`.
- Streams: the first ``stream_threads`` (1) concurrent streams are read by a
  thread on a single-threaded sync channel (less CPU per chunk), the rest by
  ``grpc.aio`` on the pool (``pool_size`` connections, least busy first).

The client is safe to share between tasks of one event loop; channels are made
per event loop on first use. Close it (``async with`` or ``await client.close()``)
on the loop that used it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from agentrt.errors import UsageError
from agentrt.telemetry.tracing import Telemetry, default_telemetry
from agentrt.xai.chat import Chat
from agentrt.xai.config import (
    DEFAULT_TIMEOUT,
    KEY_ENV,
    ClientConfig,
    Protocol,
    RestApi,
    check_endpoint,
    is_url,
    is_xai,
    management_config,
    resolve_endpoint,
    resolve_key,
    resolve_management_endpoint,
    resolve_management_key,
    resolve_rest_endpoint,
)
from agentrt.xai.retry import DEFAULT_INTERNAL_RETRIES, RetryPolicy
from agentrt.xai.transport import Transport

if TYPE_CHECKING:
    from agentrt.xai.batches import Batches
    from agentrt.xai.collections import Collections
    from agentrt.xai.files import Files
    from agentrt.xai.realtime.service import Realtime
    from agentrt.xai.rest.chat import RestChat
    from agentrt.xai.services import Auth, Documents, Embeddings, Images, Models, Tokenizer
    from agentrt.xai.video import Videos

__all__ = ["Client"]


class Client:
    """An async client for xAI's gRPC API (or any compatible server).

    Args:
        api_key: the key; defaults to ``$XAI_API_KEY``. Never logged or shown.
        endpoint: HOST:PORT (gRPC) or the REST API's base URL (``https://api.x.ai/v1``);
            defaults to ``$AGENTRT_ENDPOINT``, then xAI's.
        protocol: ``"grpc"`` or ``"rest"``; by default REST when ``endpoint`` is a URL.
        rest_api: over REST, ``"chat"`` (``/v1/chat/completions``) or ``"responses"``.
        rest_endpoint: the REST base URL beside a gRPC endpoint, for the realtime API
            (``client.realtime``); defaults to ``$AGENTRT_REST_ENDPOINT``, then
            ``https://api.x.ai/v1`` for an x.ai endpoint.
        timeout: default deadline of each call in seconds (27 minutes).
        pool_size: TCP connections per event loop (each carries ~100 streams).
        secure: force TLS on/off; by default TLS except for loopback endpoints.
        metadata: extra gRPC metadata for every call.
        channel_options: extra gRPC channel options (they override agentrt's).
        rate_limit_retries: extra attempts after RESOURCE_EXHAUSTED rate limiting.
        stream_threads: streams at a time read by a thread on a single-threaded sync
            channel (less CPU per chunk); further streams use ``grpc.aio``.
        management_api_key: the management API key (Collections); defaults to
            ``$XAI_MANAGEMENT_API_KEY`` (or ``$XAI_MANAGEMENT_KEY``). Needed only for
            an x.ai management endpoint, and only when a collection call is made.
        management_endpoint: HOST:PORT of the management API; defaults to
            ``$AGENTRT_MANAGEMENT_ENDPOINT``, then ``endpoint`` unless it is an x.ai
            host, then ``management-api.x.ai:443``.
        config: a complete :class:`~agentrt.xai.config.ClientConfig` instead of the above.
        internal_retries: retries after INTERNAL (HTTP 500): a
            :class:`~agentrt.xai.retry.RetryPolicy`, or a number of retries with the
            default backoff (2; 0 turns them off). Unary calls, and streams before
            their first message.
        telemetry: where spans and metrics go (:class:`~agentrt.telemetry.tracing.Telemetry`);
            default: the global providers. Agents run on this client use it too.

    Raises:
        UsageError: no API key for an xAI endpoint, or a malformed setting.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        endpoint: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        pool_size: int = 4,
        secure: bool | None = None,
        metadata: tuple[tuple[str, str], ...] = (),
        channel_options: tuple[tuple[str, str | int], ...] = (),
        rate_limit_retries: int = 3,
        stream_threads: int = 1,
        config: ClientConfig | None = None,
        telemetry: Telemetry | None = None,
        management_api_key: str | None = None,
        management_endpoint: str | None = None,
        protocol: Protocol | None = None,
        rest_api: RestApi = "chat",
        rest_endpoint: str | None = None,
        internal_retries: RetryPolicy | int = DEFAULT_INTERNAL_RETRIES,
    ) -> None:
        if config is None:
            main = resolve_endpoint(endpoint, protocol)
            if protocol == "grpc" and is_url(main):
                raise UsageError(
                    f"endpoint {main!r} is a URL (REST): for gRPC give HOST:PORT, "
                    "e.g. api.x.ai:443, or use protocol='rest'"
                )
            config = ClientConfig(
                endpoint=main,
                api_key=resolve_key(api_key),
                timeout=timeout,
                pool_size=pool_size,
                secure=secure,
                metadata=metadata,
                channel_options=channel_options,
                rate_limit_retries=rate_limit_retries,
                stream_threads=stream_threads,
                management_endpoint=resolve_management_endpoint(management_endpoint, main),
                management_api_key=resolve_management_key(management_api_key),
                protocol=protocol or ("rest" if is_url(main) else "grpc"),
                rest_api=rest_api,
                rest_endpoint=resolve_rest_endpoint(rest_endpoint),
                internal_retries=_retry_policy(internal_retries),
            )
        if not is_url(config.endpoint):  # a URL was checked by ClientConfig
            check_endpoint(config.endpoint)
        if config.api_key is None and is_xai(config.endpoint):
            raise UsageError(f"no API key for {config.endpoint}: set {KEY_ENV} or pass api_key")
        self.config = config
        self.telemetry = telemetry or default_telemetry()
        self._management: Transport | None = None
        if config.protocol == "rest":
            self._rest(config)
            return
        self._transport: Any = Transport(config)
        transport = self._transport
        self.chat: Chat | RestChat = Chat(transport, self.telemetry)

    def _rest(self, config: ClientConfig) -> None:
        """The REST side (aiohttp imported only now): chat, and what else REST carries."""
        from agentrt.xai.rest.chat import RestChat
        from agentrt.xai.rest.grpc_only import GrpcOnly
        from agentrt.xai.rest.services import rest_services
        from agentrt.xai.rest.transport import RestTransport

        self._transport = transport = RestTransport(config)
        self.chat = RestChat(transport, self.telemetry, config.rest_api)
        # REST stand-ins with the same methods (duck-typed), or ones whose every use is a
        # UsageError; the attributes keep their gRPC types for the type checker
        services = rest_services(transport)
        self.models = services.models  # type: ignore[assignment]
        self.tokenizer = services.tokenizer  # type: ignore[assignment]
        self.images = services.images  # type: ignore[assignment]
        self.embeddings = services.embeddings  # type: ignore[assignment]
        self.auth = services.auth  # type: ignore[assignment]
        self.documents = GrpcOnly("documents")  # type: ignore[assignment]
        for name in ("files", "batch", "collections", "video"):
            self.__dict__[name] = GrpcOnly(name)  # shadows the cached properties

    def __repr__(self) -> str:
        c = self.config
        extra = f", protocol='rest', rest_api={c.rest_api!r}" if c.protocol == "rest" else ""
        return f"Client(endpoint={c.endpoint!r}, pool_size={c.pool_size}{extra})"

    @property
    def transport(self) -> Any:
        """The underlying pooled transport (gRPC ``Transport`` or ``RestTransport``)."""
        return self._transport

    # The services a chat never needs are imported on first use (their stubs cost ≈10-45 ms each).
    @functools.cached_property
    def models(self) -> Models:
        """Models (``client.models``)."""
        from agentrt.xai.services import Models

        return Models(self._transport)

    @functools.cached_property
    def tokenizer(self) -> Tokenizer:
        """Tokenization (``client.tokenizer``)."""
        from agentrt.xai.services import Tokenizer

        return Tokenizer(self._transport)

    @functools.cached_property
    def images(self) -> Images:
        """Image generation (``client.images``)."""
        from agentrt.xai.services import Images

        return Images(self._transport)

    @functools.cached_property
    def embeddings(self) -> Embeddings:
        """Embeddings (``client.embeddings``)."""
        from agentrt.xai.services import Embeddings

        return Embeddings(self._transport)

    @functools.cached_property
    def documents(self) -> Documents:
        """Document search (``client.documents``)."""
        from agentrt.xai.services import Documents

        return Documents(self._transport)

    @functools.cached_property
    def auth(self) -> Auth:
        """The API key's own information (``client.auth``)."""
        from agentrt.xai.services import Auth

        return Auth(self._transport)

    @functools.cached_property
    def files(self) -> Files:
        """Files (``client.files``): see :mod:`agentrt.xai.files`."""
        from agentrt.xai.files import Files

        return Files(self._transport)

    @functools.cached_property
    def batch(self) -> Batches:
        """The Batch API (``client.batch``): see :mod:`agentrt.xai.batches`."""
        from agentrt.xai.batches import Batches

        return Batches(self._transport)

    @functools.cached_property
    def collections(self) -> Collections:
        """Collections on the management channel (``client.collections``)."""
        from agentrt.xai.collections import Collections

        return Collections(self._transport, self._management_transport)

    @functools.cached_property
    def video(self) -> Videos:
        """Video generation (``client.video``): see :mod:`agentrt.xai.video`."""
        from agentrt.xai.video import Videos

        return Videos(self._transport)

    @functools.cached_property
    def realtime(self) -> Realtime:
        """The realtime (voice) API (``client.realtime``): see :mod:`agentrt.xai.realtime`.

        Raises:
            UsageError: a gRPC endpoint off x.ai without ``rest_endpoint``.
        """
        from agentrt.xai.realtime.service import Realtime

        return Realtime(self.config, self.telemetry, self._transport)

    def _management_transport(self) -> Transport:
        """The management channel's transport, made on first use (one connection).

        Raises:
            UsageError: the management endpoint is x.ai's and there is no management key.
        """
        if self._management is None:
            self._management = Transport(management_config(self.config))
        return self._management

    async def connect(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109 - named in the error
        """Open the pool's connections now (TCP, TLS, HTTP/2), so the first calls don't pay for it.

        Optional: calls connect on their own. Useful before measuring latency.

        Raises:
            Unavailable: the connections were not all ready within ``timeout`` seconds.
        """
        if self.config.protocol == "rest":
            return  # HTTP connections are opened by the calls (keep-alive pools them)
        await self._transport.connect(timeout)

    async def close(self) -> None:
        """Close the connections of the current event loop (the management channel's too)."""
        await self._transport.close()
        realtime = self.__dict__.get("realtime")
        if realtime is not None:
            await realtime.close()
        if self._management is not None:
            await self._management.close()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


def _retry_policy(given: RetryPolicy | int) -> RetryPolicy:
    """``internal_retries=`` as a policy (a bare number keeps the default backoff)."""
    if isinstance(given, RetryPolicy):
        return given
    if isinstance(given, bool) or not isinstance(given, int):
        raise UsageError(
            f"internal_retries must be a number of retries or a RetryPolicy, got {given!r}"
        )
    return RetryPolicy(retries=given)
