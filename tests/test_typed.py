"""agentrt ships its types (``agentrt/py.typed``): a user's type checker sees them.

Without the marker, mypy skips an installed package ("missing library stubs or py.typed
marker") and every agentrt name is ``Any``: wrong code passes. This runs mypy ``--strict``
on a small user script, as a user's CI would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import agentrt

ROOT = Path(agentrt.__file__).resolve().parent.parent

USER = textwrap.dedent(
    '''
    from agentrt import Agent, Client, RunResult, tool


    @tool
    def get_weather(city: str) -> str:
        """The weather in a city.

        Args:
            city: The city name.
        """
        return f"sunny in {city}"


    agent = Agent(name="weather", model="grok-4-1-fast-reasoning", tools=[get_weather])


    async def ask(client: Client) -> str:
        result: RunResult[str] = await agent.run("Weather in Paris?", client=client)
        return result.output


    turns: int = agent.name  # wrong: a str
    '''
)


def test_a_user_script_is_type_checked_against_agentrt(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    script = tmp_path / "user.py"
    script.write_text(USER, encoding="utf-8")
    paths = [str(ROOT), str(ROOT / "generated"), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))}
    cache = str(tmp_path / "mypy-cache")
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", cache, "user.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    line = USER.splitlines().index("turns: int = agent.name  # wrong: a str") + 1
    assert out.stdout.splitlines() == [
        f'user.py:{line}: error: Incompatible types in assignment (expression has type "str", '
        'variable has type "int")  [assignment]',
        "Found 1 error in 1 file (checked 1 source file)",
    ], out.stdout + out.stderr
