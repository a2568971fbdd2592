"""Files the loader passes over that look like objects: each is reported, never dropped in
silence (a record saved as `.markdown`, kept as `.bak`, or hidden by a leading dot)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ..i18n import _
from ..model import Issue, Manual
from .loader import MAX_FILE_BYTES, looks_like_object, relpath

_HEAD = 4096  # an object's id and kind come first


def unloaded_lookalikes(skipped: list[Path], manual: Manual) -> Iterator[Issue]:
    """A warning for each file of `skipped` (not read as a source) that starts with an
    object's `id:` and `kind:`, unless a record names it as an attachment or data file."""
    named = {path for record in manual.evidence.values() for path in record.data_files}
    named.update(a.resolved for record in manual.evidence.values() for a in record.attachments)
    for path in skipped:
        if Path(os.path.realpath(path)) in named or not _looks_like_object(path):
            continue
        if path.name.startswith("."):
            why = _("hidden files are skipped")
        else:
            why = _("only .md, .yaml and .yml files are read")
        message = _("looks like a manual object (id and kind) but is not loaded: {why}").format(why=why)
        yield Issue(relpath(path, manual.root), None, "-", message, "warning")


def _looks_like_object(path: Path) -> bool:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return False
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
    except OSError:
        return False
    return b"\0" not in head and looks_like_object(head.decode("utf-8", errors="replace").lstrip("\ufeff"))
