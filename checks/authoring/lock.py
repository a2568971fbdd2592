"""One writer at a time: the commands that change the manual hold a lock on it.

`qms new`, `revise`, `approve` and `confirm` read the manual, decide, then write; two of
them at once could each decide from what the other is about to change (two revision rows,
or one lost). Each holds the lock from before it reads until its file is written.

The lock file is `.qms.lock` in the manual's root folder: beside policy/ and evidence/,
never inside them, so the loader and MkDocs never read it; hidden, and listed in the
`.gitignore` that `qms init` writes, so it is not committed. It is in the manual's folder
rather than in a temporary folder so that every process working on the same manual,
whoever started it, finds the same lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..i18n import _

LOCK_NAME = ".qms.lock"
WAIT_SECONDS = 60.0  # an edit takes well under a second; a lock held this long is stuck


class ManualBusy(Exception):
    """Another command kept the manual locked for longer than we wait."""


@contextmanager
def manual_lock(root: Path, timeout: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the manual's lock inside the block, waiting up to `timeout` seconds for it."""
    lock = FileLock(root / LOCK_NAME, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        message = _("another qms command has been changing the manual for {seconds:g} s (lock: {path}); try again")
        raise ManualBusy(message.format(seconds=timeout, path=root / LOCK_NAME)) from None
    try:
        yield
    finally:
        lock.release()
