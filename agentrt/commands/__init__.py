"""The ``agentrt`` command: one module per subcommand, each defining ``register(subparsers, common)``.

``main`` builds the parser (the console script's entry point) and names the
subcommands; ``run_display`` shows a run on a terminal and ``run_temporal`` runs
one on Temporal (``agentrt run --temporal``). Command modules import heavy parts
inside their handlers so ``agentrt --help`` stays fast.
"""

__all__: list[str] = []
