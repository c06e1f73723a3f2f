"""Client settings: where to connect, with which key, and the transport's limits.

Endpoint precedence (for the CLI and for ``Client()`` without ``endpoint``):
an explicit endpoint, then ``AGENTRT_ENDPOINT``, then ``api.x.ai:443``. The key
comes from ``api_key`` or ``XAI_API_KEY``; it is kept out of ``repr``.

REST: an endpoint that is an ``http://`` or ``https://`` URL (the API's base URL,
e.g. ``https://api.x.ai/v1``) means ``protocol="rest"``; HOST:PORT means gRPC.

The REST base URL of the services only REST carries (the realtime API) when the
client speaks gRPC: ``rest_endpoint`` (``Client(rest_endpoint=URL)``), else
``AGENTRT_REST_ENDPOINT``, else ``https://api.x.ai/v1`` when the gRPC endpoint is an
x.ai host; otherwise there is none (:func:`rest_base_url` says so). Over REST it is
the endpoint itself.

The management channel (Collections) has its own endpoint and key: explicit, then
``AGENTRT_MANAGEMENT_ENDPOINT`` / ``XAI_MANAGEMENT_API_KEY`` (or xai-sdk's
``XAI_MANAGEMENT_KEY``), then the main endpoint when it is not an x.ai host (one
simulator port serves both), else ``management-api.x.ai:443``. Off x.ai, a missing
management key falls back to the main key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urlsplit

from agentrt.errors import UsageError
from agentrt.xai.retry import DEFAULT_INTERNAL_RETRIES, RetryPolicy

__all__ = [
    "DEFAULT_ENDPOINT",
    "DEFAULT_MANAGEMENT_ENDPOINT",
    "DEFAULT_REST_ENDPOINT",
    "DEFAULT_TIMEOUT",
    "ENDPOINT_ENV",
    "KEY_ENV",
    "MANAGEMENT_ENDPOINT_ENV",
    "MANAGEMENT_KEY_ENV",
    "MAX_MESSAGE_BYTES",
    "MIN_REDACTED",
    "REST_ENDPOINT_ENV",
    "ClientConfig",
    "Protocol",
    "RestApi",
    "check_endpoint",
    "check_url",
    "is_loopback",
    "is_url",
    "is_xai",
    "management_config",
    "redact",
    "resolve_endpoint",
    "resolve_key",
    "resolve_management_endpoint",
    "resolve_management_key",
    "resolve_rest_endpoint",
    "rest_base_url",
]

DEFAULT_ENDPOINT = "api.x.ai:443"
DEFAULT_REST_ENDPOINT = "https://api.x.ai/v1"
Protocol = Literal["grpc", "rest"]
RestApi = Literal["chat", "responses"]
ENDPOINT_ENV = "AGENTRT_ENDPOINT"
REST_ENDPOINT_ENV = "AGENTRT_REST_ENDPOINT"
KEY_ENV = "XAI_API_KEY"
DEFAULT_MANAGEMENT_ENDPOINT = "management-api.x.ai:443"
MANAGEMENT_ENDPOINT_ENV = "AGENTRT_MANAGEMENT_ENDPOINT"
MANAGEMENT_KEY_ENV = "XAI_MANAGEMENT_API_KEY"
_SDK_MANAGEMENT_KEY_ENV = "XAI_MANAGEMENT_KEY"  # xai-sdk's name, accepted too
# Reasoning models can think for a long time; the official SDK uses the same default.
DEFAULT_TIMEOUT = 27 * 60.0
MAX_MESSAGE_BYTES = 20 * 1024 * 1024

_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "ip6-localhost"})


MIN_REDACTED = 6
"""Secrets shorter than this are not blanked out of messages: a test key such as ``x`` would
maim every word it occurs in and hide nothing (a real key is tens of characters)."""


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` replaced by ``***``."""
    if secret and len(secret) >= MIN_REDACTED and secret in text:
        return text.replace(secret, "***")
    return text


def resolve_endpoint(explicit: str | None = None, protocol: Protocol | None = None) -> str:
    """The endpoint to use: ``explicit``, else ``$AGENTRT_ENDPOINT``, else xAI's.

    xAI's is ``api.x.ai:443``, or ``https://api.x.ai/v1`` for ``protocol="rest"``.
    A URL is checked as a REST base URL, anything else as HOST:PORT.
    """
    default = DEFAULT_REST_ENDPOINT if protocol == "rest" else DEFAULT_ENDPOINT
    chosen = explicit or os.environ.get(ENDPOINT_ENV) or default
    return check_url(chosen) if is_url(chosen) else check_endpoint(chosen)


def is_url(endpoint: str) -> bool:
    """Whether ``endpoint`` is an ``http://`` or ``https://`` URL (a REST base URL)."""
    return endpoint[:8].lower().startswith(("http://", "https://"))


def check_url(endpoint: str) -> str:
    """``endpoint`` itself when it is an ``http(s)://HOST[:PORT][/PATH]`` base URL.

    Raises:
        UsageError: it is not, saying what it must look like.
    """
    example = "e.g. https://api.x.ai/v1 or http://127.0.0.1:8000/v1"
    shown = _shown(endpoint)
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise UsageError(f"endpoint {shown!r} is not a valid URL ({example})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(f"endpoint {shown!r} must be an http(s) URL with a host ({example})")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise UsageError(f"endpoint {shown!r}: a base URL has no query, fragment or user")
    if port == 0:
        raise UsageError(f"endpoint {shown!r}: the port must be 1 to 65535")
    return endpoint


def _shown(endpoint: str) -> str:
    """``endpoint`` fit for an error message: a user:password or a query may be a credential."""
    head, sep, rest = endpoint.partition("://")
    if sep:
        authority, slash, path = rest.partition("/")
        if "@" in authority:
            authority = "***@" + authority.rpartition("@")[2]
        endpoint = f"{head}{sep}{authority}{slash}{path}"
    for mark in "?#":
        if mark in endpoint:
            endpoint = endpoint.partition(mark)[0] + mark + "***"
    return endpoint


def _host(endpoint: str) -> str:
    if is_url(endpoint):
        return (urlsplit(endpoint).hostname or "").lower()
    return endpoint.rpartition(":")[0].lower()


def check_endpoint(endpoint: str) -> str:
    """``endpoint`` itself when it is HOST:PORT with a port from 1 to 65535.

    Raises:
        UsageError: it is not, saying what it must look like.
    """
    host, sep, port = endpoint.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise UsageError(
            f"endpoint {_shown(endpoint)!r} must look like HOST:PORT, e.g. 127.0.0.1:50051 "
            "(or, for REST, an http(s):// base URL such as https://api.x.ai/v1)"
        )
    if not 0 < int(port) < 65536:
        raise UsageError(f"endpoint {_shown(endpoint)!r}: the port must be 1 to 65535")
    return endpoint


def resolve_key(explicit: str | None = None) -> str | None:
    """The API key: ``explicit``, else ``$XAI_API_KEY``, else ``None``."""
    return explicit or os.environ.get(KEY_ENV) or None


def resolve_management_endpoint(explicit: str | None, main_endpoint: str) -> str:
    """The management endpoint: ``explicit``, ``$AGENTRT_MANAGEMENT_ENDPOINT``, then a default.

    The default is ``main_endpoint`` when it is not an x.ai host (a simulator or proxy
    serves both), else ``management-api.x.ai:443``.
    """
    chosen = explicit or os.environ.get(MANAGEMENT_ENDPOINT_ENV)
    if chosen:
        return check_endpoint(chosen)
    return DEFAULT_MANAGEMENT_ENDPOINT if is_xai(main_endpoint) else main_endpoint


def resolve_management_key(explicit: str | None = None) -> str | None:
    """The management key: ``explicit``, ``$XAI_MANAGEMENT_API_KEY``, ``$XAI_MANAGEMENT_KEY``."""
    return (
        explicit
        or os.environ.get(MANAGEMENT_KEY_ENV)
        or os.environ.get(_SDK_MANAGEMENT_KEY_ENV)
        or None
    )


def resolve_rest_endpoint(explicit: str | None = None) -> str | None:
    """The REST base URL beside a gRPC endpoint: ``explicit``, else ``$AGENTRT_REST_ENDPOINT``.

    Raises:
        UsageError: it is not an http(s) base URL (the message names ``rest_endpoint``).
    """
    chosen = explicit or os.environ.get(REST_ENDPOINT_ENV) or None
    if chosen is None:
        return None
    try:
        return check_url(chosen)
    except UsageError as exc:
        raise UsageError(f"rest_endpoint: {exc}") from None


def rest_base_url(config: ClientConfig) -> str:
    """The REST base URL of ``config`` (see the module docstring for the order).

    Raises:
        UsageError: a gRPC endpoint off x.ai and no ``rest_endpoint``, naming what to set.
    """
    if config.protocol == "rest":
        return config.endpoint
    found = config.rest_endpoint or resolve_rest_endpoint()
    if found:
        return found
    if is_xai(config.endpoint):
        return DEFAULT_REST_ENDPOINT
    raise UsageError(
        f"no REST endpoint beside the gRPC endpoint {config.endpoint!r} (the realtime API is "
        f"REST/WebSocket only): pass rest_endpoint=URL, e.g. http://127.0.0.1:8000/v1, "
        f"or set {REST_ENDPOINT_ENV}"
    )


def is_xai(endpoint: str) -> bool:
    """True when ``endpoint`` (HOST:PORT or a URL) is x.ai itself or one of its subdomains."""
    host = _host(endpoint)
    return host == "x.ai" or host.endswith(".x.ai")


def is_loopback(endpoint: str) -> bool:
    """True when ``endpoint`` (HOST:PORT or a URL) names this machine."""
    host = _host(endpoint)
    return host in _LOOPBACK_HOSTS or host.startswith("127.")


@dataclass(frozen=True, kw_only=True)
class ClientConfig:
    """Everything the transport needs to know; immutable once the client exists.

    Attributes:
        endpoint: HOST:PORT of the xAI gRPC API (or a compatible server); for
            ``protocol="rest"``, the REST API's base URL (``https://api.x.ai/v1``).
        protocol: ``grpc`` or ``rest``; a URL endpoint makes it ``rest``.
        rest_api: over REST, ``chat`` (``/v1/chat/completions``) or ``responses``
            (``/v1/responses``); requests that need the latter use it anyway.
        api_key: sent as ``authorization: Bearer …``; never shown in ``repr``.
        secure: TLS on/off; ``None`` means TLS except for loopback endpoints.
        timeout: default deadline of every call, in seconds.
        pool_size: channels (TCP connections) per event loop.
        max_message_bytes: send and receive limit per message.
        unavailable_attempts: attempts gRPC makes on UNAVAILABLE (service config).
        rate_limit_retries: extra attempts agentrt makes on rate limiting.
        rate_limit_backoff: first backoff in seconds; doubles per attempt, with jitter.
        rate_limit_max_backoff: cap of one backoff, in seconds.
        stream_threads: streams at a time read by a thread on a single-threaded
            sync channel (less CPU per message than ``grpc.aio`` on one stream);
            further streams use ``grpc.aio``. 0 turns the threaded reader off.
            Default 1: the threaded reader wins on a lone stream (≈1.3–1.6x the raw
            stub's chunks/s) but its GIL hand-offs cost 10–25% when several streams
            share the process (benchmarks/README.md, "Streaming path").
        metadata: extra metadata sent with every call (HTTP headers over REST; kept
            out of the repr: it may carry credentials).
        channel_options: extra gRPC channel options; they override agentrt's.
        management_endpoint: HOST:PORT of the management API (Collections); ``None``
            resolves as the module docstring says when the channel is first used.
        management_api_key: the management key; never shown in ``repr``.
        rest_endpoint: the REST base URL used beside a gRPC endpoint (the realtime
            API); ``None``: see :func:`rest_base_url`.
        internal_retries: retries after INTERNAL (HTTP 500 over REST) of a unary call or
            a stream before its first message (:class:`~agentrt.xai.retry.RetryPolicy`:
            2 retries by default, backoff with full jitter; ``retries=0`` turns them off).
    """

    endpoint: str = DEFAULT_ENDPOINT
    api_key: str | None = field(default=None, repr=False)
    secure: bool | None = None
    timeout: float = DEFAULT_TIMEOUT
    pool_size: int = 4
    max_message_bytes: int = MAX_MESSAGE_BYTES
    unavailable_attempts: int = 5
    rate_limit_retries: int = 3
    rate_limit_backoff: float = 0.5
    rate_limit_max_backoff: float = 16.0
    stream_threads: int = 1
    metadata: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    channel_options: tuple[tuple[str, str | int], ...] = ()
    management_endpoint: str | None = None
    management_api_key: str | None = field(default=None, repr=False)
    protocol: Protocol = "grpc"
    rest_api: RestApi = "chat"
    rest_endpoint: str | None = None
    internal_retries: RetryPolicy = DEFAULT_INTERNAL_RETRIES

    def __post_init__(self) -> None:
        self._check_protocol()
        if not isinstance(self.internal_retries, RetryPolicy):
            raise UsageError(
                "internal_retries must be a RetryPolicy(retries=..., base=..., cap=...), "
                f"got {type(self.internal_retries).__name__}"
            )
        if self.timeout <= 0:
            raise UsageError(f"timeout must be > 0 seconds, got {self.timeout}")
        if self.pool_size < 1:
            raise UsageError(f"pool_size must be >= 1, got {self.pool_size}")
        if not 1 <= self.unavailable_attempts <= 5:
            raise UsageError("unavailable_attempts must be between 1 and 5 (gRPC's limit)")
        if self.stream_threads < 0:
            raise UsageError("stream_threads must be >= 0")
        if self.rate_limit_retries < 0:
            raise UsageError("rate_limit_retries must be >= 0")
        if self.rest_endpoint is not None:
            resolve_rest_endpoint(self.rest_endpoint)

    def _check_protocol(self) -> None:
        if self.protocol not in ("grpc", "rest"):
            raise UsageError(f"protocol must be 'grpc' or 'rest', got {self.protocol!r}")
        if self.rest_api not in ("chat", "responses"):
            raise UsageError(f"rest_api must be 'chat' or 'responses', got {self.rest_api!r}")
        if is_url(self.endpoint):
            check_url(self.endpoint)
            object.__setattr__(self, "protocol", "rest")  # a URL is only ever a REST endpoint
            if self.secure is not None and self.secure != self.use_tls:
                # the scheme decides; a contradiction must not send the key in the clear
                raise UsageError(
                    f"secure={self.secure} contradicts the endpoint's scheme: over REST, "
                    "https:// means TLS and http:// means none (leave secure unset)"
                )
        elif self.protocol == "rest":
            raise UsageError(
                f"protocol='rest' needs the API's base URL as endpoint, e.g. "
                f"https://api.x.ai/v1 or http://127.0.0.1:8000/v1 (got {self.endpoint!r})"
            )

    @property
    def use_tls(self) -> bool:
        """Whether connections use TLS (``https://``; else explicit ``secure``, else not for loopback)."""
        if is_url(self.endpoint):
            return self.endpoint[:6].lower() == "https:"
        return self.secure if self.secure is not None else not is_loopback(self.endpoint)


def management_config(config: ClientConfig) -> ClientConfig:
    """The settings of the management channel of a client configured by ``config``.

    One connection (``pool_size`` 1), the management endpoint and key; off x.ai,
    a missing management key falls back to the API key.

    Raises:
        UsageError: an x.ai management endpoint without a management key.
    """
    endpoint = resolve_management_endpoint(config.management_endpoint, config.endpoint)
    key = resolve_management_key(config.management_api_key)
    if key is None:
        if is_xai(endpoint):
            raise UsageError(
                f"no management API key for {endpoint}: set {MANAGEMENT_KEY_ENV} "
                "or pass management_api_key (Collections use the management API)"
            )
        key = config.api_key
    return replace(config, endpoint=endpoint, api_key=key, pool_size=1, stream_threads=0)
