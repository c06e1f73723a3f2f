"""The simulator's realtime voice API: ``/v1/realtime`` over the HTTP door.

One module per concept: :mod:`.protocol` (events in and out), :mod:`.config` (a
session's settings), :mod:`.tokens` (ephemeral client secrets), :mod:`.vad` (voice
activity from the audio's energy), :mod:`.ears` (offline speech recognition),
:mod:`.voice` (offline speech synthesis), :mod:`.conversation` (items and the model's
request), :mod:`.respond` (one response) and :mod:`.session` (one socket's state).
"""

__all__: list[str] = []
