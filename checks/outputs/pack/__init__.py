"""`qms pack`: an auditor's bundle for one period, and its verification.

A pack holds:

- `manual.html`: the whole manual on one self-contained, printable page (cover,
  every policy with its document control and revision history, then the
  checkpoint results, document reviews, KPIs, nonconformities and evidence index);
- `results.json`: the canonical results document of the evaluation, unmodified;
- the source files it rests on, at their paths relative to the manual root: every
  evidence record the results used or dated within the period (with attachments
  and data files), the nonconformities and waivers behind them, and every policy;
- `documents/`: every document in force on the evaluation date as a PDF (as `qms export` makes it);
- `manifest.json`: the sha256 and size of every other file, so `verify_pack`
  can tell whether anything was changed, removed or added since, and the commit the
  copies came from (with any that had uncommitted changes), so that `--verify --repo`
  can recompute their digests from git's objects;
- `manifest.json.sig` (with `--sign KEYFILE`): an SSH signature of the manifest.

The parts: `select` (what goes in), `..printable` (manual.html, shared with the
exports), `write` (folder or zip, whole or not at all), `verify` (with `reader`,
`citations`, `custody` and `signing`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...evaluating.evaluate import evaluate
from ...evaluating.periods import Period, period_from_label
from ...i18n import _
from ...loading.data import DataCache
from ...loading.gitlog import GitError
from ...model import Manual
from ...progress import NO_PROGRESS, Progress
from ...results import document_json, to_document
from ..export import ExportError, document_bytes, effective_documents, file_name
from ..pdf import PdfUnavailable
from ..printable import Context, render_manual
from .custody import Origin, origin_of, untraced
from .layout import DOCUMENTS, MANIFEST, MANUAL_HTML, PACK_FORMAT, RESULTS_JSON, SIGNATURE, made_by_pack
from .select import select
from .signing import Signers, check_key, sign, signers_from
from .verify import PackCheck, check_pack, verify_pack
from .write import PackError, manifest_bytes, write_folder, write_zip

__all__ = [
    "MANIFEST",
    "PACK_FORMAT",
    "PackCheck",
    "PackError",
    "PackSummary",
    "Signers",
    "build_pack",
    "check_pack",
    "parse_period",
    "signers_from",
    "verify_pack",
]

_PERIOD = re.compile(r"^\d{4}(?:-(?:H[12]|Q[1-4]|0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class PackSummary:
    path: Path
    period: str
    as_of: dt.date
    files: int  # files in the pack, manifest.json included
    records: int  # evidence records included
    by_status: dict[str, int] = field(hash=False)  # checkpoints by status
    ok: bool = True  # the evaluation's CI verdict
    skipped: tuple[str, ...] = ()  # files the manual names that could not be included, with why
    commit: str | None = None  # the commit its copies come from; None outside git
    uncommitted: tuple[str, ...] = ()  # copies that differ from that commit
    signed: bool = False


def build_pack(
    manual: Manual,
    period: str,
    output: Path,
    *,
    as_of: dt.date | None = None,
    generator: str = "quality-manual",
    progress: Progress = NO_PROGRESS,
    trusted_html: bool = False,
    data: DataCache | None = None,
    sign_with: Path | None = None,
) -> PackSummary:
    """Evaluate the manual as of `as_of` (default: the period's last day) and write the pack.

    `output` ending in `.zip` gives a zip file, anything else a folder; neither
    may already hold anything. The pack appears in one rename, complete or not at all.
    `sign_with` names an SSH key to sign the manifest with.
    """
    window = parse_period(period)
    as_of = as_of or window.end
    if as_of < window.start:
        raise PackError(
            _("as-of date {date} is before period {period} starts ({start})").format(
                date=as_of, period=period, start=window.start
            )
        )
    output = Path(output).absolute()
    _check_output(manual, output)
    if sign_with is not None:
        check_key(sign_with)

    results = evaluate(manual, as_of, data=data, progress=progress)
    doc = to_document(results, generator)
    progress.start(_("Writing the audit pack"))
    selection = select(manual, doc, window, as_of)
    ctx = Context.make(
        manual,
        doc,
        records=selection.records,
        nonconformities=selection.nonconformities,
        packed=frozenset(selection.files),
        used_by=selection.used_by,
        trusted_html=trusted_html,
    )
    page = render_manual(ctx, period, window, as_of, generator)

    entries: dict[str, Path | bytes] = {
        MANUAL_HTML: page.encode("utf-8"),
        RESULTS_JSON: document_json(doc),
    }
    entries.update(selection.files)
    documents, unmade = _documents(manual, as_of)
    entries.update(documents)
    origin = origin_of(manual.root, doc["commit"])
    head: dict[str, Any] = {
        "format": PACK_FORMAT,
        "period": period,
        "as_of": as_of.isoformat(),
        "generated_by": generator,
        "commit": doc["commit"],
        "manual_root": origin.manual_root,
    }
    uncommitted: list[str] = []

    def seal(listed: list[dict[str, Any]]) -> dict[str, bytes]:
        """The manifest of what was written, naming the copies the commit does not hold; its signature."""
        uncommitted.extend(_uncommitted(manual.root, origin, listed))
        manifest = manifest_bytes({**head, "uncommitted": uncommitted}, listed)
        return {MANIFEST: manifest} | ({SIGNATURE: sign(manifest, sign_with)} if sign_with else {})

    if output.suffix.lower() == ".zip":
        count = write_zip(output, entries, seal, as_of)
    else:
        count = write_folder(output, entries, seal)
    return PackSummary(
        path=output,
        period=period,
        as_of=as_of,
        files=count,
        records=len(selection.records),
        by_status=dict(doc["summary"]["by_status"]),
        ok=bool(doc["summary"]["ok"]),
        skipped=(*selection.skipped, *unmade),
        commit=origin.commit,
        uncommitted=tuple(uncommitted),
        signed=sign_with is not None,
    )


def _uncommitted(root: Path, origin: Origin, listed: list[dict[str, Any]]) -> list[str]:
    """The copies (not the files the pack makes) whose bytes the pack's commit does not hold."""
    if origin.commit is None:
        return []
    copies = {f["path"]: f["sha256"] for f in listed if not made_by_pack(f["path"])}
    try:
        return sorted(untraced(root, origin, copies))
    except GitError as exc:
        raise PackError(_("cannot read commit {commit}: {problem}").format(commit=origin.commit, problem=exc)) from None


def _documents(manual: Manual, as_of: dt.date) -> tuple[dict[str, bytes], list[str]]:
    """The PDF of every document in force, under documents/; those that cannot be made, with why."""
    made: dict[str, bytes] = {}
    unmade: list[str] = []
    for policy in effective_documents(manual, as_of):
        name = f"{DOCUMENTS}/{file_name(policy, 'pdf')}"
        try:
            made[name] = document_bytes(manual, policy, "pdf", as_of)
        except (ExportError, PdfUnavailable) as exc:
            unmade.append(_("{name}: not made: {problem}").format(name=name, problem=exc))
    return made, unmade


def parse_period(label: str) -> Period:
    """'2025', '2025-H1', '2025-Q3' or '2025-04' as a Period; anything else is a PackError."""
    if not isinstance(label, str) or not _PERIOD.match(label):
        raise PackError(
            _("period '{label}' is not a year (2025), half (2025-H1), quarter (2025-Q3) or month (2025-04)").format(
                label=label
            )
        )
    return period_from_label(label)


def _check_output(manual: Manual, output: Path) -> None:
    exists = _("{path} already exists; the pack never overwrites anything").format(path=output)
    if output.is_symlink():
        raise PackError(exists)
    if output.suffix.lower() == ".zip":
        if output.exists():
            raise PackError(exists)
    elif output.exists():
        if not output.is_dir():
            raise PackError(exists)
        if any(output.iterdir()):
            raise PackError(_("{path} is not empty; choose a new or empty folder").format(path=output))
    where = output.parent.resolve() / output.name
    for source in (manual.policy_dir, manual.evidence_dir):
        folder = source.resolve()
        if where == folder or folder in where.parents:
            raise PackError(
                _("{path} is inside {source}: the pack's copies would be read as part of the manual").format(
                    path=output, source=source
                )
            )
