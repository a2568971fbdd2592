"""How long commands report how far they are (`qms check`, `kpi`, `pack` on large manuals).

The engine names each step and counts its items through a `Progress`; what shows it (a
rich progress display on a terminal, see checks.outputs.terminal) is the caller's choice.
Without one, `NO_PROGRESS` takes the calls and does nothing.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def start(self, step: str, total: int | None = None) -> None:
        """A new step of `total` items (None: a count not known in advance)."""

    def advance(self, items: int = 1) -> None:
        """`items` more of the current step are done."""


class _NoProgress:
    def start(self, step: str, total: int | None = None) -> None:
        pass

    def advance(self, items: int = 1) -> None:
        pass


NO_PROGRESS: Progress = _NoProgress()
