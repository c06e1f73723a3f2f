"""What every entry point shares: the event loop, and where to connect.

``eventloop`` (uvloop or asyncio, a Ctrl-C that cannot hang, a server's stop signals)
and ``connect`` (``--endpoint``, ``$AGENTRT_ENDPOINT``, api.x.ai with ``$XAI_API_KEY``, or
the built-in simulator). Used by ``commands/`` and by the entry-point packages
(``load/``'s worker processes, ``durable/``'s workers); the library itself never installs
an event loop.

Below it: ``sim/`` (the built-in simulator) and the client.
"""

__all__: list[str] = []
