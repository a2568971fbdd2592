"""What the commands show on a terminal: the width and colours of text reports, and the
progress display of long commands. Nothing here is used when output goes to a pipe or a
file: there, reports are plain text and no progress is drawn."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

from ..progress import NO_PROGRESS, Progress

PLAIN_WIDTH = 140  # a report written to a file or a pipe (COLUMNS describes a terminal)
# A manual with this many source files takes seconds to check: below it, a progress
# display would only flicker.
LARGE_MANUAL = 1000


@dataclass(frozen=True)
class TextStyle:
    width: int
    color: bool


def text_style(output: Path | None) -> TextStyle:
    """On a terminal: its width (COLUMNS, else its size) and colours (unless NO_COLOR or
    TERM=dumb), as rich finds them. Elsewhere: plain text, PLAIN_WIDTH wide."""
    if output is None and sys.stdout.isatty():
        console = Console()
        return TextStyle(console.width, console.color_system is not None and not console.no_color)
    return TextStyle(PLAIN_WIDTH, False)


class TerminalProgress:
    """rich's progress display on standard error, for a manual of at least LARGE_MANUAL
    files (the first step, reading the files, tells). It disappears when the command ends."""

    BATCH = 64  # items counted before rich is told (it takes a lock for each update)

    def __init__(self, console: Console, threshold: int = LARGE_MANUAL) -> None:
        self.threshold = threshold
        self.shown: bool | None = None  # decided by the first step
        self.display = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task: TaskID | None = None
        self.pending = 0

    def start(self, step: str, total: int | None = None) -> None:
        if self.shown is None:
            self.shown = total is not None and total >= self.threshold
            if self.shown:
                self.display.start()
        if not self.shown:
            return
        self._flush()
        if self.task is not None:
            self.display.update(self.task, visible=False)
        self.task = self.display.add_task(step, total=total)

    def advance(self, items: int = 1) -> None:
        if self.shown:
            self.pending += items
            if self.pending >= self.BATCH:
                self._flush()

    def _flush(self) -> None:
        if self.task is not None and self.pending:
            self.display.advance(self.task, self.pending)
        self.pending = 0

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.shown:
            self.display.stop()


@contextmanager
def progress_display() -> Iterator[Progress]:
    """A progress display when standard error is a terminal, else none."""
    console = Console(stderr=True)
    if not console.is_terminal or console.is_dumb_terminal:
        yield NO_PROGRESS
        return
    with TerminalProgress(console) as progress:
        yield progress
