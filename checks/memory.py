"""Python's cyclic garbage collector, paused while a manual is loaded or evaluated."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Loading and evaluating make many small containers that all live on (the manual,
    the results) and form no cycles: the collector would walk them again and again as
    they pile up (a fifth of the time on a large manual), to find nothing. The previous
    state is put back afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settled() -> None:
    """For a command that ends soon: what it built so far (the manual, the results) lives
    until the end, so the collector should not walk it again on every later collection.
    Not for long-lived processes such as `mkdocs serve`, where old manuals must go."""
    gc.freeze()
