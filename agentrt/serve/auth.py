"""Who may call the server: bearer tokens from a key file (:class:`TokenAuth`).

The key file holds one token per line (blank lines and ``#`` comments are
skipped). A call must carry ``authorization: Bearer TOKEN`` with one of them;
tokens are compared in constant time and never logged, printed or echoed.
Without a key file the server accepts every call, so it binds loopback
addresses only (see :func:`check_host`) and warns.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable

from agentrt.errors import UsageError
from agentrt.xai.grpc_server import bearer_matches

__all__ = ["NO_KEY_FILE_WARNING", "TokenAuth", "caller_key", "check_host", "is_loopback_host"]

NO_KEY_FILE_WARNING = (
    "no --api-key-file: every local process may call these agents; serving on loopback only"
)


class TokenAuth:
    """Checks ``authorization`` metadata against a set of tokens (none: everyone is let in).

    Args:
        tokens: the accepted tokens; empty means no authentication.
    """

    def __init__(self, tokens: Iterable[str] = ()) -> None:
        self._expected = tuple(f"Bearer {t}".encode() for t in tokens)

    def __repr__(self) -> str:
        return f"TokenAuth(tokens={len(self._expected)})"

    @property
    def required(self) -> bool:
        """Whether calls must carry a token."""
        return bool(self._expected)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> TokenAuth:
        """Read the tokens of a key file.

        Raises:
            UsageError: the file cannot be read, has no token, or a line with spaces in it.
        """
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8"
            raise UsageError(f"--api-key-file {os.fspath(path)}: {reason}") from None
        tokens = [line.strip() for line in lines]
        tokens = [t for t in tokens if t and not t.startswith("#")]
        for number, token in enumerate(tokens, 1):
            if any(c.isspace() for c in token):
                raise UsageError(
                    f"--api-key-file {os.fspath(path)}: token {number} has a space in it; "
                    "write one token per line"
                )
        if not tokens:
            raise UsageError(f"--api-key-file {os.fspath(path)}: no token in the file")
        return cls(tokens)

    def admits(self, metadata: Iterable[tuple[str, str | bytes]] | None) -> bool:
        """Whether ``metadata`` (a call's invocation metadata) carries an accepted token."""
        return not self._expected or bearer_matches(metadata, self._expected)


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` (a --host value) is a loopback address or ``localhost``."""
    host = host.strip("[]").lower()
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_host(host: str, auth: TokenAuth) -> None:
    """Refuse a non-loopback bind address when calls need no token.

    Raises:
        UsageError: ``host`` is not loopback and ``auth`` requires nothing.
    """
    if not auth.required and not is_loopback_host(host):
        raise UsageError(
            f"--host {host}: without --api-key-file the server listens on loopback only "
            "(127.0.0.1, ::1, localhost); give --api-key-file FILE to serve other hosts"
        )


def caller_key(metadata: Iterable[tuple[str, str | bytes]] | None) -> str:
    """A digest of the call's bearer token (``"anonymous"`` without one), never the token.

    Sessions and paused runs are kept under it, so one caller cannot reach another's.
    """
    import hashlib

    for key, value in metadata or ():
        if key.lower() == "authorization":
            raw = value.encode() if isinstance(value, str) else value
            return hashlib.sha256(b"agentrt-serve-caller\0" + raw).hexdigest()[:32]
    return "anonymous"
