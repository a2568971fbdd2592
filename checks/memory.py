"""Python's cyclic garbage collector, paused while a manual is loaded or evaluated."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(settle: bool = False) -> Iterator[None]:
    """Loading and evaluating make many small containers that all live on (the manual,
    the results) and form no cycles: the collector would walk them again and again as
    they pile up (a fifth of the time on a large manual), to find nothing. The previous
    state is put back afterwards, and the first collection then walks once every object
    made meanwhile (about 0.2 s after loading a large manual).

    `settle` is for a command that ends soon: what it made stays until the end, so it is
    frozen (left out of every later collection, the one at exit too) before the collector
    comes back. Not for long-lived processes such as `mkdocs serve`, where old manuals
    must go."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if settle:
            gc.freeze()
        if was_enabled:
            gc.enable()


def hold() -> None:
    """Leave every object made so far out of the collector's walks until `release`: for a
    long task that keeps a large manual and its results while it makes many short-lived
    objects (a site build, whose full collections would walk the manual each time)."""
    gc.freeze()


def release() -> None:
    """Give the objects `hold` left out back to the collector (a `mkdocs serve` drops old
    builds: what of them forms cycles is collected again)."""
    gc.unfreeze()
