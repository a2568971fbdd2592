"""`qms pack --verify`: every file of a pack checked against its manifest."""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from ...loading.references import sha256_of
from .layout import MANIFEST, PACK_FORMAT

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


class _Reader:
    """The files of a pack, as a folder or a zip."""

    def names(self) -> list[str]:
        raise NotImplementedError

    def read(self, name: str) -> bytes:
        raise NotImplementedError

    def digest(self, name: str) -> tuple[str, int]:
        raise NotImplementedError


class _FolderReader(_Reader):
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[str] = []

    def names(self) -> list[str]:
        found = []
        for folder, dirs, files in os.walk(self.root):
            for name in sorted(dirs + files):
                path = Path(folder) / name
                rel = path.relative_to(self.root).as_posix()
                if path.is_symlink():
                    self.problems.append(f"{rel}: a symbolic link, not a file of the pack")
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


class _ZipReader(_Reader):
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.problems: list[str] = []

    def names(self) -> list[str]:
        names = [n for n in self.archive.namelist() if not n.endswith("/")]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                self.problems.append(f"{name}: appears more than once in the zip")
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


def verify_pack(path: Path) -> list[str]:
    """Problems that show the pack differs from its manifest; an empty list means it is intact.

    Never raises for a damaged pack: an unreadable zip or manifest is a problem too.
    """
    path = Path(path)
    if path.is_dir():
        folder = _FolderReader(path)
        return _verify(folder, folder.problems)
    if not path.is_file():
        return [f"{path}: no such pack (neither a folder nor a zip file)"]
    try:
        with zipfile.ZipFile(path) as archive:
            zipped = _ZipReader(archive)
            return _verify(zipped, zipped.problems)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return [f"{path}: not a readable zip file ({exc})"]


def _verify(reader: _Reader, problems: list[str]) -> list[str]:
    names = reader.names()
    if MANIFEST not in names:
        return [*problems, f"{MANIFEST}: missing, so nothing in the pack can be verified"]
    try:
        manifest = json.loads(reader.read(MANIFEST).decode("utf-8"))
    except Exception as exc:  # a damaged manifest is a finding, never a crash
        return [*problems, f"{MANIFEST}: unreadable ({type(exc).__name__}: {exc})"]
    listed, manifest_problems = _manifest_files(manifest)
    problems += manifest_problems
    present = set(names)
    for name, (sha256, size) in sorted(listed.items()):
        if name not in present:
            problems.append(f"{name}: missing (listed in {MANIFEST})")
            continue
        try:
            actual_sha, actual_size = reader.digest(name)
        except Exception as exc:  # a corrupt zip member, an unreadable file
            problems.append(f"{name}: unreadable ({type(exc).__name__}: {exc})")
            continue
        if actual_size != size:
            problems.append(f"{name}: size {actual_size} differs from the {size} bytes in {MANIFEST}")
        if actual_sha != sha256:
            problems.append(f"{name}: sha256 {actual_sha} differs from {sha256} in {MANIFEST}")
    for name in names:
        if name != MANIFEST and name not in listed:
            problems.append(f"{name}: not listed in {MANIFEST}")
    return problems


def _manifest_files(manifest: Any) -> tuple[dict[str, tuple[str, int]], list[str]]:
    problems: list[str] = []
    listed: dict[str, tuple[str, int]] = {}
    if not isinstance(manifest, dict):
        return listed, [f"{MANIFEST}: not a JSON object"]
    if manifest.get("format") != PACK_FORMAT:
        problems.append(f"{MANIFEST}: format is {manifest.get('format')!r}, expected {PACK_FORMAT!r}")
    files = manifest.get("files")
    if not isinstance(files, list):
        return listed, [*problems, f"{MANIFEST}: files: not a list"]
    for index, entry in enumerate(files):
        where = f"{MANIFEST}: files[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not an object")
            continue
        name, sha256, size = entry.get("path"), entry.get("sha256"), entry.get("size")
        if not isinstance(name, str) or not _safe(name):
            problems.append(f"{where}.path: {name!r} is not a relative path inside the pack")
        elif not isinstance(sha256, str) or not _SHA256.match(sha256):
            problems.append(f"{where}.sha256: {sha256!r} is not a sha256 digest")
        elif not isinstance(size, int) or isinstance(size, bool) or size < 0:
            problems.append(f"{where}.size: {size!r} is not a size in bytes")
        elif name in listed:
            problems.append(f"{where}.path: {name} is listed twice")
        elif name == MANIFEST:
            problems.append(f"{where}.path: {MANIFEST} cannot list itself")
        else:
            listed[name] = (sha256, size)
    return listed, problems


def _safe(name: str) -> bool:
    pure = PurePosixPath(name)
    return bool(name) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in name and "\x00" not in name
