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
