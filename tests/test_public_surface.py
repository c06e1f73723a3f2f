"""The public surface: each package's ``__all__``, and every name the README, docs and ``--help`` show.

A name shown to users is a promise: ``from agentrt.x import Y`` in a code block, a dotted
``agentrt.x.Y`` in prose, a path ``agentrt/x.py``. Each one must import, resolve or exist,
so a module that moves takes its documentation with it.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import agentrt

ROOT = Path(agentrt.__file__).resolve().parent.parent

# Every package of agentrt and its __all__. A layer package re-exports nothing: importing one
# module of a layer must not import its siblings (and ``import agentrt`` stays free of gRPC);
# agentrt.xai names its public classes, resolved lazily so that still holds.
ALL: dict[str, list[str]] = {
    "agentrt": [
        "__version__",
        "AgentrtError",
        "Client",
        "ChatRequest",
        "ChatResponse",
        "Agent",
        "SearchCollections",
        "Limits",
        "MCPStdio",
        "MCPHttp",
        "MCPPool",
        "ModelSettings",
        "RunResult",
        "AgentSpec",
        "load_agent",
        "Tool",
        "ToolContext",
        "tool",
        "Telemetry",
        "events",
        "FileInfo",
        "PublicUrl",
        "UploadOutcome",
        "ChunkConfig",
        "CollectionInfo",
        "DocumentInfo",
        "FieldDefinition",
        "SearchMatch",
        "BatchCounts",
        "BatchInfo",
        "BatchItem",
        "BatchRequestInfo",
        "BatchResult",
        "ImageRequest",
        "Keyframe",
        "VideoJob",
        "VideoResult",
        "VideoStatus",
    ],
    "agentrt.sim": ["FaultConfig", "Realism", "SimOptions", "Simulator"],
    "agentrt.agents": [],
    "agentrt.batchrun": [],
    "agentrt.commands": [],
    "agentrt.durable": [],
    "agentrt.launch": [],
    "agentrt.load": [],
    "agentrt.load.locust": ["GrokUser", "plan_of"],
    "agentrt.serve": [],
    "agentrt.serve.rest": [],
    "agentrt.sessions": [],
    "agentrt.sim.realtime": [],
    "agentrt.sim.rest": [],
    "agentrt.specs": [],
    "agentrt.telemetry": [],
    "agentrt.xai.realtime": [],
    "agentrt.xai.rest": [],
    "agentrt.xai": [
        "Client",
        "Files",
        "Collections",
        "Documents",
        "FileInfo",
        "PublicUrl",
        "UploadOutcome",
        "ChunkConfig",
        "CollectionInfo",
        "DocumentInfo",
        "FieldDefinition",
        "SearchMatch",
        "Batches",
        "BatchCounts",
        "BatchInfo",
        "BatchItem",
        "BatchRequestInfo",
        "BatchResult",
        "ImageRequest",
        "Videos",
        "Keyframe",
        "VideoJob",
        "VideoResult",
        "VideoStatus",
    ],
}

# Dotted names in the docs that are not Python: the gRPC package of ``agentrt serve`` and
# agentrt's own metric names.
NOT_PYTHON = (
    "agentrt.v1",
    "agentrt.agent.duration",
    "agentrt.tool.duration",
    "agentrt.voice.time_to_first_audio",  # a span attribute of voice agents' responses
    "agentrt.run_extra",  # a Temporal activity's name (hooks and guardrails on workers)
    "agentrt.usage.cost_usd",  # a span attribute: a call's or a run's cost
    "agentrt.history.",  # span attributes of history compaction/summary (docs/history.md)
    "agentrt.model_fallback",  # a span event: a turn moved to a fallback model
    "agentrt.fallback.",  # that event's attributes
)

DOCS = sorted(
    [ROOT / "README.md", *ROOT.glob("docs/**/*.md"), *ROOT.glob("*/README.md")],
)
FROM_IMPORT = re.compile(r"^\s*from (agentrt(?:\.\w+)*) import ([\w, ]+)$", re.MULTILINE)
DOTTED = re.compile(r"(?<![\w./-])agentrt(?:\.[A-Za-z_]\w*)+")
PATH = re.compile(r"(?<![\w./-])agentrt/[\w/]+\.py\b")


def _packages() -> list[str]:
    package = ROOT / "agentrt"
    return sorted(".".join(p.parent.relative_to(ROOT).parts) for p in package.rglob("__init__.py"))


def test_every_package_is_in_the_table() -> None:
    assert _packages() == sorted(ALL)


# Names that import Locust, which gevent-patches the process that imports it: they are
# resolved in a child process, never in the test process (every later test would hang).
PATCHES_ON_IMPORT = ("agentrt.load.locust.",)


def _resolve_in_a_child(names: list[str]) -> None:
    code = "import sys\nfrom tests.test_public_surface import resolve\nfor n in sys.argv[1:]: resolve(n, here=True)"
    proc = subprocess.run(
        [sys.executable, "-c", code, *names], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.mark.parametrize("name", sorted(ALL))
def test_all_of_each_package(name: str) -> None:
    module = importlib.import_module(name)
    assert sorted(module.__all__) == sorted(ALL[name])
    if f"{name}.".startswith(PATCHES_ON_IMPORT):
        _resolve_in_a_child([f"{name}.{public}" for public in module.__all__])
        return
    for public in module.__all__:
        assert getattr(module, public) is not None, public


def resolve(dotted: str, *, here: bool = False) -> Any:
    """The object ``dotted`` names: the longest importable module, then attributes
    (in a child process when importing it would gevent-patch this one, unless ``here``)."""
    if dotted.startswith(PATCHES_ON_IMPORT) and not here:
        return _resolve_in_a_child([dotted])
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: ModuleType | Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ModuleNotFoundError(dotted)


def _shown(text: str) -> tuple[list[str], list[str]]:
    """The dotted names and the file paths ``text`` shows."""
    names = [f"{m[1]}.{n.strip()}" for m in FROM_IMPORT.finditer(text) for n in m[2].split(",")]
    names += [d for d in DOTTED.findall(text) if not d.startswith(NOT_PYTHON)]
    return sorted(set(names)), sorted(set(PATH.findall(text)))


def _help_texts() -> str:
    from agentrt.commands.main import build_parser

    parser = build_parser()
    texts = [parser.format_help()]
    for action in parser._subparsers._group_actions:  # argparse keeps subcommands here
        texts += [sub.format_help() for sub in action.choices.values()]
    return "\n".join(texts)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_name_the_docs_show_imports(doc: Path) -> None:
    names, paths = _shown(doc.read_text(encoding="utf-8"))
    for name in names:
        resolve(name)
    assert [p for p in paths if not (ROOT / p).is_file()] == []


def test_every_name_the_help_shows_imports() -> None:
    names, paths = _shown(_help_texts())
    for name in names:
        resolve(name)
    assert [p for p in paths if not (ROOT / p).is_file()] == []


def test_the_readme_shows_the_public_names() -> None:
    names, _ = _shown((ROOT / "README.md").read_text(encoding="utf-8"))
    assert {"agentrt.Agent", "agentrt.Client", "agentrt.tool"} <= set(names)
