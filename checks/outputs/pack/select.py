"""Which records, nonconformities and files go into an audit pack for a period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...evaluating.periods import Period, period_from_label
from ...i18n import _
from ...model import Evidence, Manual, Nonconformity
from ..printable.context import inside, kpi_values
from .layout import made_by_pack


@dataclass
class Selection:
    """What goes into a pack: the records and nonconformities it shows, and every file it copies."""

    records: list[Evidence] = field(default_factory=list)
    nonconformities: list[Nonconformity] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)  # path in the pack -> source file
    skipped: list[str] = field(default_factory=list)
    used_by: dict[str, list[str]] = field(default_factory=dict)  # record id -> checkpoint ids

    def add(self, path: Path, root: Path, what: str) -> str | None:
        """Include a file at its path relative to the manual root; None if it cannot be."""
        rel = inside(path, root)
        if rel is None:
            self.skipped.append(_("{path}: {what} is outside the manual's folder").format(path=path, what=what))
            return None
        if made_by_pack(rel):
            self.skipped.append(_("{path}: {what} would clash with the pack's own file").format(path=rel, what=what))
            return None
        if path.is_symlink() or not path.is_file():
            self.skipped.append(_("{path}: {what} is missing or not a regular file").format(path=rel, what=what))
            return None
        self.files[rel] = path
        return rel


def _in_window(record: Evidence, window: Period) -> bool:
    if record.date is not None and window.contains(record.date):
        return True
    if record.period:
        try:
            labelled = period_from_label(record.period)
        except (ValueError, IndexError):
            return False
        return window.start <= labelled.start and labelled.end <= window.end
    return False


def select(manual: Manual, doc: dict[str, Any], window: Period, as_of: dt.date) -> Selection:
    selection = Selection()
    root = manual.root
    wanted: set[str] = set()
    for result in doc["checkpoints"]:
        for ref in result["evidence"]:
            wanted.add(ref["id"])
            selection.used_by.setdefault(ref["id"], []).append(result["id"])
    for kpi in doc["kpis"]:
        for value in kpi_values(kpi, window):
            if value.get("analysis"):
                wanted.add(value["analysis"])
    for record in manual.evidence.values():
        if record.date is not None and record.date <= as_of and _in_window(record, window):
            wanted.add(record.id)
    selection.records = sorted(
        (manual.evidence[i] for i in wanted if i in manual.evidence),
        key=lambda r: (r.date or dt.date.min, r.id),
    )
    for record in selection.records:
        selection.add(record.source.path, root, f"record {record.id}")
        for attachment in record.attachments:
            selection.add(attachment.resolved, root, _("attachment of {record}").format(record=record.id))
        for data in record.data_files:
            selection.add(data, root, _("data file of {record}").format(record=record.id))

    record_ids = {r.id for r in selection.records}
    selection.nonconformities = sorted(
        (
            nc
            for nc in manual.nonconformities.values()
            if nc.found_in in record_ids or (nc.due is not None and window.contains(nc.due))
        ),
        key=lambda nc: nc.id,
    )
    for nc in selection.nonconformities:
        selection.add(nc.source.path, root, f"nonconformity {nc.id}")
    for result in doc["checkpoints"]:
        if result["waiver"]:
            selection.add(root / result["waiver"]["path"], root, f"waiver {result['waiver']['id']}")
    for policy in manual.policies.values():
        selection.add(policy.source.path, root, f"policy {policy.id}")
    return selection
