"""The pictures and files of a batch line (``images``, ``files``), read when the line runs.

A line's picture that is missing, not a picture, too large or of a format xAI
does not read is that line's error (recorded in the results); the other lines run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentrt.xai.media import file_part, image_part
from agentrt.xai.messages import Content, Message, user

if TYPE_CHECKING:
    from agentrt.durable.batch import BatchItem

__all__ = ["item_input", "item_parts"]


def item_parts(item: BatchItem) -> tuple[Content, ...]:
    """The line's pictures, then its files, as message parts (files inline).

    Raises:
        UsageError: a picture or file that cannot be sent (the message names it).
    """
    images = (image_part(s, where="images:") for s in item.images)
    files = (file_part(s, where="files:") for s in item.files)
    return (*images, *files)


def item_input(item: BatchItem) -> str | Message:
    """The line's input: its text, or a user message of the text, pictures and files.

    Raises:
        UsageError: as :func:`item_parts`.
    """
    if not item.images and not item.files:
        return item.input
    return user(item.input, *item_parts(item))
