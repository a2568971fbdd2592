"""Reading a pack's files, whether it is a folder or a zip."""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ...i18n import _
from ...loading.references import sha256_of

_CHUNK = 1 << 20


class Unreadable(Exception):
    """Not a pack that can be opened at all; the message says why."""


class Reader:
    """The files of a pack; `problems` collects what listing them found (links, duplicates)."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def names(self) -> list[str]:
        raise NotImplementedError

    def read(self, name: str) -> bytes:
        raise NotImplementedError

    def digest(self, name: str) -> tuple[str, int]:
        raise NotImplementedError


class FolderReader(Reader):
    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def names(self) -> list[str]:
        found = []
        for folder, dirs, files in os.walk(self.root):
            for name in sorted(dirs + files):
                path = Path(folder) / name
                rel = path.relative_to(self.root).as_posix()
                if path.is_symlink():
                    self.problems.append(_("{path}: a symbolic link, not a file of the pack").format(path=rel))
                elif name in files:
                    found.append(rel)
        return sorted(found)

    def _path(self, name: str) -> Path:
        path = self.root / name
        if path.is_symlink() or not path.is_file():
            raise FileNotFoundError(name)
        return path

    def read(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def digest(self, name: str) -> tuple[str, int]:
        path = self._path(name)
        return sha256_of(path), path.stat().st_size


class ZipReader(Reader):
    def __init__(self, archive: zipfile.ZipFile) -> None:
        super().__init__()
        self.archive = archive

    def names(self) -> list[str]:
        names = [n for n in self.archive.namelist() if not n.endswith("/")]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                self.problems.append(_("{path}: appears more than once in the zip").format(path=name))
            seen.add(name)
        return sorted(seen)

    def read(self, name: str) -> bytes:
        return self.archive.read(name)

    def digest(self, name: str) -> tuple[str, int]:
        digest, size = hashlib.sha256(), 0
        with self.archive.open(name) as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size


@contextmanager
def open_pack(path: Path) -> Iterator[Reader]:
    """A reader of the pack at `path`; Unreadable when it is neither a folder nor a readable zip."""
    if path.is_dir():
        yield FolderReader(path)
        return
    if not path.is_file():
        raise Unreadable(_("{path}: no such pack (neither a folder nor a zip file)").format(path=path))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise Unreadable(_("{path}: not a readable zip file ({problem})").format(path=path, problem=exc)) from None
    with archive:
        yield ZipReader(archive)
