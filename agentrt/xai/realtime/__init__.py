"""xAI's realtime (voice) API over a WebSocket: ``client.realtime`` (aiohttp, imported lazily).

Modules (nothing is re-exported; importing ``agentrt`` or the gRPC path imports none of them):

- :mod:`.events`: the typed server events and the parser of one WebSocket message into one.
- :mod:`.config`: :class:`~.config.SessionConfig`, the ``session`` object of ``session.update``.
- :mod:`.audio`: PCM16 helpers (WAV in and out, resampling, durations).
- :mod:`.session`: :class:`~.session.RealtimeSession`, the async context manager over the socket.
- :mod:`.service`: :class:`~.service.Realtime` (``client.realtime``): ``connect`` and
  ``create_client_secret`` (ephemeral tokens).
"""

__all__: list[str] = []
