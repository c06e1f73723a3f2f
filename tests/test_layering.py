"""The house's plan: imports point down the layers, and no module imports itself round a circle.

Every import of every ``agentrt`` module counts, wherever it stands: at the top, inside a
function (imported late for speed) or under ``TYPE_CHECKING`` (a circle of types is a circle
of design). The layer order is written once, in :data:`LAYERS`; docs/architecture.md
explains it.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

import agentrt

# Top to bottom. A module may import from its own floor and from any floor below it, never
# from one above. Each entry names a module, or a package with everything in it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("agentrt", "agentrt.__main__", "agentrt.testing"),  # the package's face
    ("agentrt.commands",),  # the CLI
    ("agentrt.load", "agentrt.serve", "agentrt.durable", "agentrt.batchrun"),  # entry points
    ("agentrt.launch",),  # what every entry point shares: event loop, endpoint
    ("agentrt.sim",),
    ("agentrt.specs",),
    ("agentrt.sessions",),  # session stores: SQLite, Redis
    ("agentrt.agents",),
    ("agentrt.xai",),
    ("agentrt.telemetry",),
    ("agentrt.errors", "agentrt._version"),
)

# Only these may import the generated stubs (``agentrt_protos``): the wire stays behind them.
STUB_IMPORTERS = ("agentrt.xai", "agentrt.sim", "agentrt.serve")

Graph = dict[str, set[str]]


def modules(root: Path, package: str = "agentrt") -> dict[str, Path]:
    """Every module of ``package`` under ``root``, by dotted name (a package by its own name)."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(name: str, path: Path, known: Iterable[str]) -> Iterator[str]:
    """The dotted names ``name`` (at ``path``) imports, relative imports resolved."""
    known = set(known)
    here = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = here.split(".")[: len(here.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            for alias in node.names:  # ``from pkg import module`` imports the module
                sub = f"{base}.{alias.name}"
                yield sub if sub in known else base


def graph(root: Path, package: str = "agentrt") -> Graph:
    """Who imports whom among the modules of ``package`` (edges to itself left out)."""
    found = modules(root, package)
    return {
        name: {t for t in imported(name, path, found) if t in found and t != name}
        for name, path in found.items()
    }


def floor(name: str) -> int:
    """The index in :data:`LAYERS` of the entry that names ``name`` most closely."""
    best, depth = -1, -1
    for index, entries in enumerate(LAYERS):
        for entry in entries:
            covers = name == entry or (entry != "agentrt" and name.startswith(entry + "."))
            if covers and len(entry) > depth:
                best, depth = index, len(entry)
    return best


def upward(edges: Graph) -> list[str]:
    """Every import from a lower floor to a higher one, and every module on no floor."""
    wrong = [f"{m}: on no floor of LAYERS; add it there" for m in edges if floor(m) < 0]
    for source, targets in sorted(edges.items()):
        for target in sorted(targets):
            if 0 <= floor(target) < floor(source):
                wrong.append(f"{source} imports {target}, a higher layer")
    return wrong


def circles(edges: Graph) -> list[list[str]]:
    """Each group of modules that import one another round a circle (Tarjan's SCCs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while (w := stack.pop()) != v:
                group.append(w)
            if group:
                found.append(sorted([v, *group]))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


ROOT = Path(agentrt.__file__).resolve().parent.parent
EDGES = graph(ROOT)


def test_imports_point_down_the_layers() -> None:
    assert upward(EDGES) == []


def test_no_module_imports_itself_round_a_circle() -> None:
    assert circles(EDGES) == []


def test_only_the_wire_layers_import_the_generated_stubs() -> None:
    found = modules(ROOT)
    wrong = [
        name
        for name, path in found.items()
        if any(t.startswith("agentrt_protos") for t in imported(name, path, found))
        and not name.startswith(STUB_IMPORTERS)
    ]
    assert wrong == []


def test_every_floor_names_something_that_exists() -> None:
    assert [e for entries in LAYERS for e in entries if e not in EDGES] == []


PLANTED = {
    "agentrt/__init__.py": "",
    "agentrt/errors.py": "",
    "agentrt/xai/__init__.py": "",
    "agentrt/xai/client.py": "from agentrt.agents import tools\n",  # up: xai -> agents
    "agentrt/agents/__init__.py": "",
    "agentrt/agents/tools.py": "from agentrt.errors import *\n",
    "agentrt/specs/__init__.py": "",
    "agentrt/specs/loader.py": "from . import build\n",  # loader -> build -> loader
    "agentrt/specs/build.py": """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from agentrt.specs.loader import load
    """,
    "agentrt/sim/__init__.py": "",
    "agentrt/sim/server.py": "def f():\n    from agentrt.commands import main\n",  # late, still up
    "agentrt/commands/__init__.py": "",
    "agentrt/commands/main.py": "import agentrt.errors\n",
    "agentrt/stray.py": "",
}


@pytest.fixture
def planted(tmp_path: Path) -> Graph:
    for name, text in PLANTED.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return graph(tmp_path)


def test_the_check_finds_a_planted_upward_import(planted: Graph) -> None:
    assert upward(planted) == [
        "agentrt.stray: on no floor of LAYERS; add it there",
        "agentrt.sim.server imports agentrt.commands.main, a higher layer",
        "agentrt.xai.client imports agentrt.agents.tools, a higher layer",
    ]


def test_the_check_finds_a_planted_circle(planted: Graph) -> None:
    assert circles(planted) == [["agentrt.specs.build", "agentrt.specs.loader"]]
