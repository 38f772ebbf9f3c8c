"""What the server's child processes (runs, upload checks) do first."""

from __future__ import annotations

import os

BACKGROUND_NICE = 10
"""Niceness of the child processes (runs, upload validation): the web process keeps answering
reads promptly while a run keeps a core busy (Linux CFS weight 110 vs 1024 at niceness 0)."""


def lower_priority() -> None:
    """Lower this process's CPU priority to :data:`BACKGROUND_NICE` (no-op where unsupported)."""
    try:
        step = BACKGROUND_NICE - os.nice(0)
        if step > 0:  # never raise a priority
            os.nice(step)
    except (AttributeError, OSError):  # pragma: no cover - Windows, or already lower
        pass
