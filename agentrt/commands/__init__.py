"""One module per ``agentrt`` subcommand; each defines ``register(subparsers, common)``.

Command modules import heavy parts inside their handlers so ``agentrt --help``
stays fast.
"""

__all__: list[str] = []
