"""``python -m agentrt`` is the ``agentrt`` command."""

from agentrt.cli import main

__all__: list[str] = []

main()
