"""Writing files without ever leaving a half-written or clobbered one."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_new(path: Path, text: str | bytes) -> None:
    """Create `path` with `text`; refuse (FileExistsError) if it already exists.

    The text goes to a temporary file in the same folder first, then is linked
    into place: an interrupted write leaves no partial file, and a concurrent
    writer cannot be overwritten.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_file(path, text, new_file_mode())
    try:
        os.link(tmp, path)  # fails with FileExistsError instead of replacing
    finally:
        os.unlink(tmp)


def replace(path: Path, text: str | bytes) -> None:
    """Atomically replace the contents of a regular file (or create it).

    A symbolic link is written through: its target gets the new text and the link stays
    a link. The file keeps its permissions; a new one gets those the umask gives."""
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        raise IsADirectoryError(f"{path} is not a regular file")
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else new_file_mode()
    tmp = _temp_file(target, text, mode)
    try:
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    return 0o666 & ~umask()


def new_folder_mode() -> int:
    return 0o777 & ~umask()


def _temp_file(path: Path, text: str | bytes, mode: int) -> str:
    """A temporary file beside `path` holding `text` (str is written as UTF-8), with `mode`.

    Its name is short and fixed in length, so that any name that fits the file system
    can be written (a temporary name built from it could not)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".qms-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # mkstemp makes it 0600
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp
