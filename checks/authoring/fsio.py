"""Writing files without ever leaving a half-written or clobbered one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_new(path: Path, text: str | bytes) -> None:
    """Create `path` with `text`; refuse (FileExistsError) if it already exists.

    The text goes to a temporary file in the same folder first, then is linked
    into place: an interrupted write leaves no partial file, and a concurrent
    writer cannot be overwritten.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_file(path, text)
    try:
        os.link(tmp, path)  # fails with FileExistsError instead of replacing
    finally:
        os.unlink(tmp)


def replace(path: Path, text: str | bytes) -> None:
    """Atomically replace the contents of a regular file (or create it)."""
    if path.exists() and not path.is_file():
        raise IsADirectoryError(f"{path} is not a regular file")
    tmp = _temp_file(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _temp_file(path: Path, text: str | bytes) -> str:
    """A temporary file beside `path` holding `text` (str is written as UTF-8)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp
