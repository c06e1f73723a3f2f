"""Where a spec value must, or must not, come from ``${ENV}``.

- ``name`` and ``tools[].name`` are identifiers shown everywhere (traces, logs,
  ``--json``, ``serve``'s GetAgent, the model's tool list): they are written in
  the file, never taken from the environment, so no secret can become one.
- An MCP ``authorization`` is a secret: it must come from ``${ENV}``, never be
  written in the file.
"""

from __future__ import annotations

from agentrt.specs.model import McpSpec, SpecDocument
from agentrt.specs.problems import KeyPath, SpecProblem
from agentrt.specs.source import SpecSource

__all__ = ["env_problems"]


def env_problems(spec: SpecDocument, source: SpecSource) -> list[SpecProblem]:
    """The problems of ``spec`` with where its values came from (none for data not read from YAML)."""
    env = source.env
    if env is None:
        return []
    problems: list[SpecProblem] = []
    names: list[KeyPath] = [("name",), *(("tools", i, "name") for i in range(len(spec.tools)))]
    for path in names:
        found = env.at(path)
        if found is not None:
            problems.append(
                source.problem(
                    path,
                    f"the name is {found.marker}: a name cannot come from the environment "
                    "(it is shown in traces, logs and replies); write it in the file",
                )
            )
    for i, tool in enumerate(spec.tools):
        path = ("tools", i, "authorization")
        if isinstance(tool, McpSpec) and tool.authorization is not None and env.at(path) is None:
            problems.append(
                source.problem(
                    path,
                    "a secret written in the file: write authorization: ${ENV_VAR} "
                    "(or 'Bearer ${ENV_VAR}') and set the variable",
                )
            )
    return problems
