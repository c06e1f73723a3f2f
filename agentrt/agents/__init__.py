"""Agents: the tool-calling loop over a model, and everything a run is made of.

``agent`` (:class:`~agentrt.agents.agent.Agent`), ``run_loop`` (one run, turn by turn),
``run_result`` and ``events`` (what a run returns and streams), ``run_summary`` (a run as
JSON), ``model`` (the model seam) and ``chat_model`` (it, over ``client.chat``), ``tools``
(:func:`~agentrt.agents.tools.tool`), ``dispatch`` (a turn's tool calls, concurrently),
``schema`` and ``docstrings`` (JSON Schemas from type hints and docstrings), ``limits``,
``attachments`` (an agent's files, uploaded once) and ``collection_names``
(``collections_search`` by collection name). Beyond the plain loop (docs/sessions.md):
``session`` (the session model and store protocol), ``session_run`` (a run on a
session, ``previous_response_id``), ``approval``, ``run_state`` and ``resume`` (tool
approval), ``hooks``, ``guardrails``, ``run_options`` and ``run_extras`` (how a run uses
them), ``message_json`` (messages as checked JSON).

Below it: ``xai/``, ``telemetry/`` and ``errors``.
"""

__all__: list[str] = []
