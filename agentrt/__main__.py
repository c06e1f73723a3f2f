"""``python -m agentrt`` is the ``agentrt`` command."""

from agentrt.commands.main import main

__all__: list[str] = []

main()
