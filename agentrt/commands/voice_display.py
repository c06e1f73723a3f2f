"""What ``agentrt voice`` (and ``--mic``) shows on stderr while an agent listens and speaks.

One line for what the user said (``you: ...``), one per tool call (as ``agentrt
run``), one per spoken answer (``agent: ...``), as they happen.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agentrt.agents.voice_events import VoiceOutput
    from agentrt.agents.voice_result import VoiceResult

__all__ = ["show_progress", "show_written"]


def show_progress(out: VoiceOutput) -> None:
    """One stderr line for what the user said, each tool call, and each spoken answer."""
    from agentrt.agents.voice_events import AnswerTranscript, ToolFinished, UserTranscript
    from agentrt.commands.run_display import tool_line

    if isinstance(out, UserTranscript):
        line = f"you: {out.text}"
    elif isinstance(out, ToolFinished):
        line = tool_line(out.record)
    elif isinstance(out, AnswerTranscript) and out.final:
        line = f"agent: {out.text}"
    else:
        return
    print(line, file=sys.stderr, flush=True)


def show_written(result: VoiceResult, out: Path) -> None:
    """The last line: where the answer went, how long it is, how soon it began."""
    ttfa = result.time_to_first_audio_s
    first = "no audio" if ttfa is None else f"first audio after {ttfa * 1000:.0f} ms"
    print(f"agentrt: wrote {out} ({result.audio_seconds:.2f} s of audio; {first})", file=sys.stderr)
