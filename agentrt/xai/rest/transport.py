"""The HTTP transport of ``Client(protocol="rest")``: sessions, deadlines, retries, errors.

- One ``aiohttp.ClientSession`` per event loop, made on first use, with a bounded
  keep-alive connector: ``pool_size`` x 100 connections. TLS for ``https://``.
- The endpoint is the API's base URL (``https://api.x.ai/v1``, a gateway's
  ``https://gw.example/openai/v1``): paths are appended to it, its own path kept.
- ``Authorization: Bearer KEY`` and ``ClientConfig.metadata`` as headers on every request.
- ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY`` are honoured (gRPC honours them too).
- Every call has a deadline (:mod:`agentrt.xai.deadline`: ``timeout=``, the client
  default, an active ``budget()``); it covers connecting, every retry and reading the body.
- Retries: 429 up to ``rate_limit_retries`` times (waiting ``retry-after-ms`` /
  ``retry-after`` when sent, else :class:`~agentrt.xai.retry.RateLimitPolicy`'s backoff);
  502, 503 and connection failures like gRPC's UNAVAILABLE (``unavailable_attempts``
  attempts in all, 0.1 s doubling to 2 s); 500 like INTERNAL (``internal_retries``,
  :class:`~agentrt.xai.retry.RetryPolicy`). A stream is retried only before its first
  event; a failure after it raises :class:`~agentrt.errors.StreamInterrupted`.
  No retry starts when its wait would outlast the deadline.
- Errors: every aiohttp exception and HTTP error status leaves this module as an
  :mod:`agentrt.errors` class (:mod:`.http_errors`), raised ``from`` the original.
- Bodies are bounded by ``max_message_bytes`` (a unary answer, one SSE event).
- Leaving a stream early (``break``, cancellation, a deadline) closes its connection,
  so the server sees the client go; a stream read to its end returns it to the pool.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncGenerator
from typing import Any

import aiohttp
from yarl import URL

from agentrt import errors
from agentrt._version import __version__
from agentrt.telemetry.tracing import trace_headers
from agentrt.xai.config import ClientConfig
from agentrt.xai.deadline import Deadline, Timeout, effective_timeout
from agentrt.xai.rest.http_errors import from_status
from agentrt.xai.rest.sse import Event, SseParser
from agentrt.xai.retry import RateLimitPolicy, is_internal

__all__ = ["CONNECTIONS_PER_SLOT", "RestTransport"]

CONNECTIONS_PER_SLOT = 100  # a gRPC connection carries ~100 streams; HTTP/1.1 one at a time
_UNAVAILABLE_BASE = 0.1
_UNAVAILABLE_CAP = 2.0
_JSON = "application/json"


_FORBIDDEN = frozenset("\r\n\0")


def _checked(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """``pairs`` when each can be an HTTP header (a line break would smuggle in another).

    Raises:
        UsageError: naming the header (never its value: it may be a credential).
    """
    for name, value in pairs:
        text = f"{name}{value}"
        if not name or _FORBIDDEN.intersection(text) or not name.isascii() or " " in name:
            raise errors.UsageError(
                f"header {name[:40]!r} cannot be sent over HTTP: "
                "no line breaks, spaces in the name or an empty name"
            )
    return pairs


class RestTransport:
    """HTTP sessions plus the per-call rules: auth, deadline, retries, errors.

    Args:
        config: the client's settings; ``endpoint`` is the API's base URL.
    """

    def __init__(self, config: ClientConfig) -> None:
        self.config = config
        self._base = config.endpoint.rstrip("/")
        headers = {"user-agent": f"agentrt/{__version__}", "accept": _JSON}
        headers.update(_checked(config.metadata))
        if config.api_key:
            _checked((("authorization", config.api_key),))
            headers["authorization"] = f"Bearer {config.api_key}"
        self._headers = headers
        self._sessions: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}
        self._urls: dict[str, URL] = {}
        self._policy = RateLimitPolicy(
            retries=config.rate_limit_retries,
            base=config.rate_limit_backoff,
            cap=config.rate_limit_max_backoff,
        )

    def __repr__(self) -> str:
        return f"RestTransport(endpoint={self.config.endpoint!r})"

    def _session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._sessions.get(loop)
        if session is None or session.closed:
            for old in [lp for lp in self._sessions if lp.is_closed()]:
                del self._sessions[old]
            connector = aiohttp.TCPConnector(
                limit=self.config.pool_size * CONNECTIONS_PER_SLOT, keepalive_timeout=30.0
            )
            # trust_env: HTTPS_PROXY / NO_PROXY are honoured, as gRPC does (networks that
            # block gRPC often allow HTTPS only through a proxy)
            session = self._sessions[loop] = aiohttp.ClientSession(
                connector=connector, headers=self._headers, trust_env=True
            )
        return session

    def session(self) -> aiohttp.ClientSession:
        """The running loop's HTTP session (made on first use); the realtime client's
        WebSockets share it (:mod:`agentrt.xai.realtime.service`)."""
        return self._session()

    def url(self, path: str) -> URL:
        """The URL of ``path`` (e.g. ``/chat/completions``) under the base URL."""
        url = self._urls.get(path)
        if url is None:
            url = self._urls[path] = URL(self._base + path)
        return url

    def deadline(self, timeout: Timeout) -> Deadline:
        """The deadline of a call made now with per-call ``timeout``."""
        return Deadline.after(effective_timeout(timeout, self.config.timeout))

    def _request_headers(self, extra: tuple[tuple[str, str], ...] | None) -> dict[str, str]:
        headers = {"content-type": _JSON}
        headers.update(trace_headers() if extra is None else extra)
        return headers

    async def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        *,
        timeout: Timeout,  # noqa: ASYNC109 - it becomes the request's deadline
        headers: tuple[tuple[str, str], ...] | None = None,
    ) -> Any:
        """One request; its answer's JSON (retried as the module docstring says).

        Raises:
            RPCError: the translated failure, after retries.
        """
        deadline = self.deadline(timeout)
        hdrs = self._request_headers(headers)
        attempts = [0, 0, 0]  # rate limited, unavailable, internal
        while True:
            try:
                raw = await self._once(method, path, body, deadline, hdrs)
                break
            except errors.RPCError as error:
                wait = self._retry_wait(error, attempts, deadline)
            await asyncio.sleep(wait)
        try:
            return json.loads(raw)
        except ValueError:
            text = raw[:200].decode("utf-8", "replace")
            raise errors.ServerError(f"the answer is not JSON: {text!r}", code="200") from None

    async def _once(
        self, method: str, path: str, body: bytes | None, deadline: Deadline, hdrs: dict[str, str]
    ) -> bytes:
        limit = aiohttp.ClientTimeout(total=max(deadline.remaining(), 0.001))
        session = self._session()
        try:
            async with session.request(
                method, self.url(path), data=body, headers=hdrs, timeout=limit
            ) as resp:
                if resp.status >= 400:
                    raise await self._http_error(resp)
                return await self._read(resp)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise self._translate(exc) from exc

    async def _read(self, resp: aiohttp.ClientResponse) -> bytes:
        """The whole body, refused beyond ``max_message_bytes`` (read no further)."""
        cap = self.config.max_message_bytes
        if (resp.content_length or 0) > cap:
            raise errors.ResponseTooLarge(f"the answer exceeds {cap} bytes", code="413")
        parts: list[bytes] = []
        size = 0
        async for part in resp.content.iter_any():
            size += len(part)
            if size > cap:
                raise errors.ResponseTooLarge(f"the answer exceeds {cap} bytes", code="413")
            parts.append(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    async def _http_error(self, resp: aiohttp.ClientResponse) -> errors.RPCError:
        try:
            body = await resp.content.read(64 * 1024)  # an error body's message is short
        except (aiohttp.ClientError, TimeoutError):
            body = b""
        return from_status(resp.status, body, resp.headers, self.config.api_key)

    def _translate(self, exc: BaseException) -> errors.RPCError:
        if isinstance(exc, TimeoutError):
            return errors.DeadlineExceeded("the call's deadline passed", code="DEADLINE_EXCEEDED")
        where = self.config.endpoint
        what = type(exc).__name__
        return errors.Unavailable(f"{where}: {what}: {exc}"[:500], code="UNAVAILABLE")

    def _retry_wait(self, error: errors.RPCError, attempts: list[int], deadline: Deadline) -> float:
        """Seconds to wait before trying again; raises ``error`` when it is not retried."""
        if isinstance(error, errors.RateLimited):
            if attempts[0] >= self._policy.retries:
                raise error
            wait = self._policy.delay(attempts[0], error.retry_after)
            attempts[0] += 1
        elif isinstance(error, errors.Unavailable):
            if attempts[1] + 1 >= self.config.unavailable_attempts:
                raise error
            cap = min(_UNAVAILABLE_CAP, _UNAVAILABLE_BASE * 2.0 ** attempts[1])
            wait = random.uniform(0.0, cap)
            attempts[1] += 1
        elif is_internal(error) and attempts[2] < self.config.internal_retries.retries:
            wait = self.config.internal_retries.delay(attempts[2])
            attempts[2] += 1
        else:
            raise error
        if wait >= deadline.remaining():
            raise error
        return wait

    async def events(
        self,
        path: str,
        body: bytes,
        *,
        timeout: Timeout,  # noqa: ASYNC109 - it becomes the request's deadline
        headers: tuple[tuple[str, str], ...] | None = None,
    ) -> AsyncGenerator[list[Event], None]:
        """POST ``body`` and yield the answer's SSE events, a batch per network read.

        Raises:
            RPCError: the call failed before its first event (after retries).
            StreamInterrupted: it failed after.
        """
        deadline = self.deadline(timeout)
        hdrs = self._request_headers(headers)
        hdrs["accept"] = "text/event-stream"
        attempts = [0, 0, 0]
        while True:
            received = 0
            resp: aiohttp.ClientResponse | None = None
            try:
                resp = await self._open_stream(path, body, deadline, hdrs)
                parser = SseParser(self.config.max_message_bytes)
                async for chunk in resp.content.iter_any():
                    batch = parser.feed(chunk)
                    if batch:
                        received += len(batch)
                        yield batch
                        parser.check()
                batch = parser.end()
                if batch:
                    yield batch
                resp.release()  # read to its end: the connection goes back to the pool
                resp = None
                return
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = self._translate(exc)
                if received:
                    raise errors.StreamInterrupted(received, error) from exc
                wait = self._retry_wait(error, attempts, deadline)
            except errors.RPCError as exc:
                if received:
                    raise errors.StreamInterrupted(received, exc) from exc
                wait = self._retry_wait(exc, attempts, deadline)
            finally:
                if resp is not None:
                    resp.close()  # unfinished: drop the connection, the server sees it go
            await asyncio.sleep(wait)

    async def _open_stream(
        self, path: str, body: bytes, deadline: Deadline, hdrs: dict[str, str]
    ) -> aiohttp.ClientResponse:
        """The response of a streaming POST, its status checked (an error is read and raised)."""
        limit = aiohttp.ClientTimeout(total=max(deadline.remaining(), 0.001))
        resp = await self._session().post(self.url(path), data=body, headers=hdrs, timeout=limit)
        try:
            if resp.status >= 400:
                raise await self._http_error(resp)
            kind = resp.content_type
            if kind != "text/event-stream":
                raise errors.ServerError(
                    f"expected an event stream (text/event-stream), got {kind!r}",
                    code=str(resp.status),
                )
        except BaseException:
            resp.close()
            raise
        return resp

    async def close(self) -> None:
        """Close the running loop's session (and forget those of finished loops)."""
        loop = asyncio.get_running_loop()
        session = self._sessions.pop(loop, None)
        for old in [lp for lp in self._sessions if lp.is_closed()]:
            del self._sessions[old]
        if session is not None:
            await session.close()
