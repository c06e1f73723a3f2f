"""The simulator's gRPC server and its lifecycle: :class:`Simulator`, :class:`SimOptions`."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import grpc

from agentrt.errors import UsageError
from agentrt.sim.batch_handlers import BatchHandlers
from agentrt.sim.batchstore import BatchLimits
from agentrt.sim.chat import ChatService
from agentrt.sim.chat_sources import ChatSources
from agentrt.sim.faults import FaultConfig, FaultInjector, Realism
from agentrt.sim.handlers import Observer, build_handlers, make_admit
from agentrt.sim.imagehost import ImageHost
from agentrt.sim.rag_handlers import RagHandlers
from agentrt.sim.ragstore import RagLimits
from agentrt.sim.script import Script, load_script
from agentrt.sim.services import SmallServices
from agentrt.sim.video import ImageSources
from agentrt.sim.video_handlers import VideoHandlers
from agentrt.sim.video_jobs import VideoJobs
from agentrt.xai.config import MAX_MESSAGE_BYTES
from agentrt.xai.grpc_server import bind, host_port, server_options

__all__ = ["MAX_MESSAGE_BYTES", "SERVER_OPTIONS", "SimOptions", "Simulator"]

SERVER_OPTIONS = server_options()  # MAX_MESSAGE_BYTES each way


@dataclass(frozen=True, kw_only=True)
class SimOptions:
    """How a simulator serves: address, key, realism, faults, script, shutdown grace.

    ``observer(method, metadata)``, when set, returns a context manager that
    wraps each implemented call, e.g. a tracing span continued from the
    caller's ``traceparent`` header (metadata keys are lower case).
    """

    host: str = "127.0.0.1"
    port: int = 0
    api_key: str | None = field(default=None, repr=False)
    realism: Realism = field(default_factory=Realism)
    faults: FaultConfig = field(default_factory=FaultConfig)
    script: str | Path | Sequence[Mapping[str, Any]] | None = None
    grace_s: float = 5.0
    observer: Observer | None = None
    data_dir: Path | None = (
        None  # keep files, collections, documents, batches here (default: memory)
    )
    files: RagLimits = field(default_factory=RagLimits)
    batches: BatchLimits = field(default_factory=BatchLimits)
    video_delay_ms: float = 500.0  # how long a video job stays pending
    http_port: int | None = None  # serve the REST API here too (0: a free port; None: no)
    explain: bool = False  # say why the model chose its tools, on every call (x-sim-explain)


class Simulator:
    """A running simulator; use it as an async context manager.

    ``async with Simulator() as sim:`` starts serving on ``sim.address``
    (``HOST:PORT``, port chosen by the OS when ``port=0``) and stops on exit,
    letting in-flight calls finish within ``grace_s`` seconds.
    """

    def __init__(self, options: SimOptions | None = None, **overrides: Any) -> None:
        self.options = dataclasses.replace(options or SimOptions(), **overrides)
        self.script: Script | None = None
        self._server: grpc.aio.Server | None = None
        self._stopping: grpc.aio.Server | None = None
        self._images: ImageHost | None = None
        self._rag: RagHandlers | None = None
        self._batches: BatchHandlers | None = None
        self._video: VideoHandlers | None = None
        self._http: Any = None  # the REST door (an agentrt.sim.rest.app.HttpDoor), when asked for
        self._port = 0

    def __repr__(self) -> str:
        state = "serving" if self._server is not None else "stopped"
        return f"<Simulator {state} {self.address}>"

    @property
    def port(self) -> int:
        """The bound port (0 before start)."""
        return self._port

    @property
    def address(self) -> str:
        """``HOST:PORT`` to connect to (IPv6 hosts in brackets)."""
        return host_port(self.options.host, self._port)

    @property
    def http_address(self) -> str | None:
        """``HOST:PORT`` of the REST door (``None`` without ``http_port``, or before start)."""
        return None if self._http is None else str(self._http.address)

    @property
    def rest_url(self) -> str | None:
        """The REST API's base URL, ``http://HOST:PORT/v1`` (``None`` without the door)."""
        address = self.http_address
        return None if address is None else f"http://{address}/v1"

    async def start(self) -> None:
        """Bind and start serving; UsageError when the address cannot be bound."""
        if self._server is not None:
            raise RuntimeError("the simulator is already running")
        opts = self.options
        self.script = load_script(opts.script) if opts.script is not None else None
        admit = make_admit(opts.api_key)
        rag = RagHandlers.open(opts, admit)
        chat = ChatService(
            injector=FaultInjector(opts.faults, opts.realism),
            script=self.script,
            admit=admit,
            sources=ChatSources(rag.store),
            explain=opts.explain,
        )
        images = ImageHost(opts.host, files=rag.store.public_file)
        rag.files.link = images.file_url
        small = SmallServices(
            admit=admit, api_key_set=bool(opts.api_key), images=images, store=rag.store
        )
        try:
            batches = BatchHandlers.open(opts, admit, rag.store, images, chat)
        except BaseException:
            rag.close()
            raise
        video = _video_handlers(opts, admit, images, rag)
        server = grpc.aio.server(options=SERVER_OPTIONS)
        generic = build_handlers(chat, small, admit, opts.observer)
        server.add_generic_rpc_handlers([rag, batches, video, *generic])
        http = _http_door(opts, chat, small, rag, batches, images, admit)
        try:
            port = await bind(server, opts.host, opts.port)
            await images.start()
            await server.start()
            if http is not None:
                await http.start(opts.host, opts.http_port)
            batches.start()
        except BaseException:
            if http is not None:
                await http.stop()
            await images.stop()
            await server.stop(None)
            await batches.stop()
            await video.close()
            rag.close()
            raise
        self._server, self._port, self._images, self._rag = server, port, images, rag
        self._batches = batches
        self._video = video
        self._http = http

    async def stop(self, grace_s: float | None = None) -> None:
        """Stop serving; in-flight calls get ``grace_s`` (default: the options') to finish.

        Called again while stopping, it shortens the grace to ``grace_s`` (default 0):
        a second Ctrl-C ends the calls still running at once.
        """
        server, self._server = self._server, None
        if server is None:
            if self._stopping is not None:
                await self._stopping.stop(grace_s or 0)
            return
        self._stopping = server
        try:
            await server.stop(self.options.grace_s if grace_s is None else grace_s)
        finally:
            self._stopping = None
        if self._http is not None:
            await self._http.stop()
            self._http = None
        if self._images is not None:
            await self._images.stop()
            self._images = None
        if self._batches is not None:
            await self._batches.stop()
            self._batches = None
        if self._video is not None:
            await self._video.close()
            self._video = None
        if self._rag is not None:
            self._rag.close()
            self._rag = None
        if self.script is not None and self.script.remaining:
            print(
                f"agentrt sim: warning: script {self.script.name}: {self.script.remaining} "
                "turn(s) were never used",
                file=sys.stderr,
            )

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


def _video_handlers(
    opts: SimOptions, admit: Any, images: ImageHost, rag: RagHandlers
) -> VideoHandlers:
    """The Video service: jobs encoded off the loop, served by ``images``' HTTP host."""
    return VideoHandlers.open(
        jobs=VideoJobs(images, opts.video_delay_ms / 1000),
        images=ImageSources(served_image=images.image_at, file_bytes=rag.store.file_data),
        base_url=images.base_url,
        admit=admit,
        injector=FaultInjector(opts.faults, opts.realism),
        observer=opts.observer,
    )


def _http_door(
    opts: SimOptions,
    chat: ChatService,
    small: SmallServices,
    rag: RagHandlers,
    batches: BatchHandlers,
    images: ImageHost,
    admit: Any,
) -> Any:
    """The REST door over the same services, when ``http_port`` asks for one (needs aiohttp)."""
    if opts.http_port is None:
        return None
    try:
        from agentrt.sim.rest.app import HttpDoor
        from agentrt.sim.rest.deps import RestDeps
    except ImportError as exc:
        if exc.name != "aiohttp":
            raise
        raise UsageError(
            "the REST door needs aiohttp: pip install 'agentrt[rest]' (or leave out --http-port)"
        ) from None
    deps = RestDeps(
        chat=chat,
        small=small,
        rag=rag,
        batches=batches,
        images=images,
        admit=admit,
        observer=opts.observer,
    )
    return HttpDoor(deps, opts.grace_s)
