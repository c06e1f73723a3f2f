"""Plain values of the Files service (``client.files``): no protobuf in them.

``FileInfo`` is a stored file, ``PublicUrl`` a link made for one, ``UploadOutcome``
one result of :meth:`~agentrt.xai.files.Files.upload_many`. ``UploadSource`` and
``Progress`` name what an upload accepts and the callback it reports to.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agentrt.errors import AgentrtError

__all__ = ["FileInfo", "Progress", "PublicUrl", "UploadOutcome", "UploadSource"]

UploadSource = str | os.PathLike[str] | bytes | AsyncIterable[bytes]
"""What an upload reads: a path, the bytes themselves, or an async iterable of bytes."""

Progress = Callable[[int, int | None], None]
"""Called on the event loop with (bytes done so far, total bytes or ``None`` when unknown)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class FileInfo:
    """A file stored by the Files service.

    Attributes:
        id: the file id (``file_...``), what every other call takes.
        filename: the name it was uploaded with.
        size: its length in bytes.
        created_at: when it was uploaded (UTC).
        expires_at: when the service deletes it, or ``None`` for never.
        public_url: its public URL, when one was created ("" otherwise).
        public_url_expires_at: when that URL stops working, if it does.
    """

    id: str
    filename: str
    size: int
    created_at: datetime
    expires_at: datetime | None = None
    public_url: str = ""
    public_url_expires_at: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PublicUrl:
    """A public URL of a file, and when it expires (``None``: when revoked)."""

    url: str
    expires_at: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class UploadOutcome:
    """One upload of :meth:`~agentrt.xai.files.Files.upload_many`: a file or an error.

    Attributes:
        source: the source as given (a path as text; ``"<bytes>"`` or ``"<stream>"`` otherwise).
        file: the stored file, when the upload succeeded.
        error: why it failed, when it did (exactly one of ``file`` and ``error`` is set).
    """

    source: str
    file: FileInfo | None = None
    error: AgentrtError | None = None

    @property
    def ok(self) -> bool:
        """Whether the upload succeeded."""
        return self.file is not None
