"""What stays valid between loads and evaluations of one manual (`mkdocs serve` rebuilds).

Parsed files, schema verdicts and attachment digests are kept by the stamp (mtime,
size, inode) of their file; checkpoint and KPI results by the versions of every file
they read. Each parse of a file gets a new version number, so a key made of versions
changes exactly when one of its inputs did.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .loading.build import build
from .loading.loader import LoadResult, RawDocument, load_file
from .loading.references import sha256_of
from .model import Issue, ManualObject

Stamp = tuple[int, int, int]


def stamp(path: Path) -> Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


@dataclass
class BuildCache:
    files: dict[Path, tuple[Stamp | None, LoadResult]] = field(default_factory=dict)
    schema: dict[tuple[int, str], list[Issue]] = field(default_factory=dict)
    digests: dict[Path, tuple[Stamp | None, str]] = field(default_factory=dict)
    results: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    objects: dict[int, ManualObject] = field(default_factory=dict)  # by the version of their parse
    serial: int = 0

    def load(self, path: Path, root: Path) -> LoadResult:
        """The file's parse, again only when it changed; its source carries a new version."""
        now = stamp(path)
        kept = self.files.get(path)
        if kept is not None and kept[0] == now and now is not None:
            return kept[1]
        result = load_file(path, root)
        self.serial += 1
        if result.document is not None:
            source = dataclasses.replace(result.document.source, version=self.serial)
            result = dataclasses.replace(result, document=dataclasses.replace(result.document, source=source))
        self.files[path] = (now, result)
        return result

    def build(self, doc: RawDocument, folders: dict[Path, Path]) -> ManualObject:
        """The model object of a parse, built again only with the parse (see `load`)."""
        if not doc.source.version:
            return build(doc, folders)
        if doc.source.version not in self.objects:
            self.objects[doc.source.version] = build(doc, folders)
        return self.objects[doc.source.version]

    def digest(self, path: Path) -> str:
        now = stamp(path)
        kept = self.digests.get(path)
        if kept is None or kept[0] != now or now is None:
            kept = (now, sha256_of(path))
            self.digests[path] = kept
        return kept[1]

    def forget_missing(self, seen: set[Path]) -> None:
        """Drop files that are gone, so a long `mkdocs serve` does not grow without bound."""
        for path in [p for p in self.files if p not in seen]:
            del self.files[path]
        current = {r.document.source.version for _, r in self.files.values() if r.document is not None}
        self.objects = {v: o for v, o in self.objects.items() if v in current}
        if len(self.results) > 200_000:
            self.results.clear()
