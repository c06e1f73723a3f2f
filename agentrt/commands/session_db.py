"""Where the CLI keeps sessions: ``--session-db``, then ``$AGENTRT_SESSION_DB``, then a file.

The default is a SQLite file in the user's data directory:
``$XDG_DATA_HOME/agentrt/sessions.db``, else ``~/.local/share/agentrt/sessions.db``.
Shared by ``agentrt run --session`` and ``agentrt sessions``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from agentrt.errors import UsageError

if TYPE_CHECKING:
    from agentrt.agents.session import SessionStore

__all__ = ["ENV_VAR", "add_session_db_option", "default_session_db", "open_cli_store"]

ENV_VAR = "AGENTRT_SESSION_DB"


def add_session_db_option(p: argparse.ArgumentParser) -> None:
    """Add ``--session-db PATH|URL``."""
    p.add_argument(
        "--session-db",
        metavar="PATH|URL",
        help=f"session store: a SQLite file, sqlite:///PATH or redis://HOST:PORT/DB "
        f"(default: ${ENV_VAR}, else {_shown_default()})",
    )


def default_session_db() -> Path:
    """The default SQLite file: under ``$XDG_DATA_HOME`` (when absolute) or ``~/.local/share``."""
    base = os.environ.get("XDG_DATA_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / "agentrt" / "sessions.db"


def _shown_default() -> str:
    return "$XDG_DATA_HOME/agentrt/sessions.db or ~/.local/share/agentrt/sessions.db"


def open_cli_store(given: str | None) -> SessionStore:
    """The store ``--session-db`` (or the environment, or the default) names.

    Raises:
        UsageError: the value is not a store (it says which forms are), or the
            default file's directory cannot be made.
    """
    from agentrt.sessions.open_store import open_store

    if given is not None:
        return open_store(_checked(given, "--session-db"))
    from_env = os.environ.get(ENV_VAR)
    if from_env:  # a value from the environment is never shown: it may hold a password
        try:
            return open_store(_checked(from_env, f"${ENV_VAR}"))
        except UsageError:
            raise UsageError(
                f"${ENV_VAR} is not a session store; give a file path, sqlite:///PATH or "
                "redis://HOST:PORT/DB"
            ) from None
    path = default_session_db()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(
            f"cannot make the session directory {path.parent}: {e.strerror or e}; "
            f"give --session-db or ${ENV_VAR}"
        ) from None
    return open_store(str(path))


def _checked(value: str, where: str) -> str:
    if "\x00" in value:
        raise UsageError(f"{where}: contains a NUL character")
    text = value.strip()
    if text and "://" not in text and text != "memory:":
        parent = Path(text).expanduser().parent
        if not parent.is_dir():
            raise UsageError(f"{where}: no such directory {str(parent)!r} for the session file")
        if Path(text).expanduser().is_dir():
            raise UsageError(f"{where}: {text!r} is a directory; name a file in it")
    return value
