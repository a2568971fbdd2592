"""Writing a pack, as a folder or a zip, so that it appears whole or not at all and never
replaces anything; the manifest lists the sha256 of exactly the bytes written.

The writers copy the entries, then ask `seal` for the closing files (the manifest, and
its signature when signed) made from the list of what was written."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Any

from ...i18n import _

_CHUNK = 1 << 20


class PackError(Exception):
    """The pack cannot be built or checked as asked (bad period, output in the way, no
    allowed-signers file, ...); the message is for the user."""


Seal = Callable[[list[dict[str, Any]]], dict[str, bytes]]  # written files -> closing files


def write_folder(output: Path, entries: dict[str, Path | bytes], seal: Seal) -> int:
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.pack-"))
    try:
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it private; the pack is for sharing

        @contextmanager
        def opener(name: str) -> Iterator[IO[bytes]]:
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "xb") as handle:
                yield handle

        count = _write_entries(opener, entries, seal)
        if output.exists():
            output.rmdir()  # empty, checked before; the rename needs the name free
        os.rename(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def write_zip(output: Path, entries: dict[str, Path | bytes], seal: Seal, as_of: dt.date) -> int:
    output.parent.mkdir(parents=True, exist_ok=True)
    stamp = (max(as_of.year, 1980), as_of.month, as_of.day, 0, 0, 0)  # reproducible: no wall-clock times
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:

            @contextmanager
            def opener(name: str) -> Iterator[IO[bytes]]:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with archive.open(info, "w", force_zip64=True) as handle:
                    yield handle

            count = _write_entries(opener, entries, seal)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; the pack is for sharing
        _publish(tmp, output)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return count


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _publish(tmp: str, output: Path) -> None:
    """Move the finished zip into place without replacing a file that appeared meanwhile."""
    try:
        os.link(tmp, output)
    except FileExistsError:
        raise PackError(_("{path} already exists; the pack never overwrites anything").format(path=output)) from None
    except OSError:  # a file system without hard links
        if output.exists():
            raise PackError(
                _("{path} already exists; the pack never overwrites anything").format(path=output)
            ) from None
        os.replace(tmp, output)
        return
    os.unlink(tmp)


def _write_entries(
    opener: Callable[[str], AbstractContextManager[IO[bytes]]], entries: dict[str, Path | bytes], seal: Seal
) -> int:
    """Write every entry, hashing exactly the bytes written, then the closing files; how many in all."""
    listed = []
    for name in sorted(entries):
        source = entries[name]
        digest, size = hashlib.sha256(), 0
        with opener(name) as handle, _open_source(source) as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                handle.write(chunk)
        listed.append({"path": name, "sha256": digest.hexdigest(), "size": size})
    closing = seal(listed)
    for name, data in closing.items():
        with opener(name) as handle:
            handle.write(data)
    return len(listed) + len(closing)


def _open_source(source: Path | bytes) -> IO[bytes]:
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")


def manifest_bytes(head: dict[str, Any], listed: list[dict[str, Any]]) -> bytes:
    manifest = {**head, "files": sorted(listed, key=lambda f: f["path"])}
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
