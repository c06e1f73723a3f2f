"""The pictures and files of a batch line (``images``, ``files``), read when the line runs.

A line's picture that is missing, not a picture, too large or of a format xAI
does not read is that line's error (recorded in the results); the other lines run.
"""

from __future__ import annotations

from collections.abc import Sequence

from agentrt.xai.media import file_part, image_part
from agentrt.xai.messages import Content

__all__ = ["line_parts"]


def line_parts(images: Sequence[str], files: Sequence[str]) -> tuple[Content, ...]:
    """A line's pictures, then its files, as message parts (files inline).

    Raises:
        UsageError: a picture or file that cannot be sent (the message names it).
    """
    pictures = [image_part(s, where="images:") for s in images]
    return (*pictures, *(file_part(s, where="files:") for s in files))
