"""`qms export`: controlled documents as PDF or Word files for the auditor.

Both formats are made from the printable form the audit pack's manual.html uses
(`printable.policy_section`): one renderer, so a document reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..authoring.fsio import write_new
from ..i18n import _
from ..model import Manual, Policy
from .fonts import PREFERRED, FontMissing, cjk_font
from .printable import Context, policy_section
from .printable.document import NO_RESULTS, render_document, running_text

FORMATS = ("pdf", "docx")


class ExportError(Exception):
    """The export cannot be made as asked; the message is for the user."""


@dataclass(frozen=True)
class Exported:
    policy: Policy
    path: Path


def find_document(manual: Manual, ref: str) -> Policy:
    """A policy by id or document number."""
    policy = manual.policies.get(ref) or next((p for p in manual.policies.values() if p.doc_no == ref), None)
    if policy is None:
        raise ExportError(_("unknown document '{ref}'").format(ref=ref))
    if policy.source.body is None:
        raise ExportError(_("{path} has no text to export").format(path=policy.source.rel))
    return policy


def effective_documents(manual: Manual, as_of: dt.date) -> list[Policy]:
    """Every document in force on `as_of`, by id."""
    return [
        p
        for p in sorted(manual.policies.values(), key=lambda p: p.id)
        if p.status == "effective" and (p.effective is None or p.effective <= as_of) and p.source.body is not None
    ]


def file_name(policy: Policy, fmt: str) -> str:
    """`TFDL-ITSS-08-01-V1.2.pdf`: the document number and version, safe on any file system."""
    stem = "-".join(part for part in (policy.doc_no or policy.id, policy.version) if part)
    return re.sub(r"[^\w.-]+", "_", stem).strip("._") + f".{fmt}"


def document_bytes(manual: Manual, policy: Policy, fmt: str, as_of: dt.date) -> bytes:
    """The document as a PDF or Word file."""
    if fmt == "pdf":
        from .pdf import pdf_bytes

        try:
            family = cjk_font().family
        except FontMissing as exc:
            raise ExportError(str(exc)) from None
        return pdf_bytes(render_document(manual, policy, as_of, font_family=family))
    if fmt == "docx":
        from .word import docx_bytes

        try:
            family = cjk_font().family
        except FontMissing:  # Word finds a Chinese font on the reader's machine
            family = PREFERRED[0]
        section = policy_section(Context.make(manual, NO_RESULTS), policy, as_of)
        return docx_bytes(section, running_text(policy), font_family=family)
    raise ExportError(_("unknown format '{fmt}' (choose pdf or docx)").format(fmt=fmt))


def export(
    manual: Manual, policies: list[Policy], fmt: str, as_of: dt.date, target: Path, *, folder: bool
) -> list[Exported]:
    """Write each document to `target` (a file, or a folder of `file_name`s); never replaces a file.

    Every file is made before any is written, so a document that cannot be made leaves nothing behind."""
    paths = [target / file_name(p, fmt) for p in policies] if folder else [target]
    taken = [p for p in paths if p.exists() or p.is_symlink()]
    if taken:
        raise ExportError(_("{path} already exists; an export never overwrites a file").format(path=taken[0]))
    made = [document_bytes(manual, policy, fmt, as_of) for policy in policies]
    written: list[Exported] = []
    for policy, path, data in zip(policies, paths, made, strict=True):
        try:
            write_new(path, data)
        except FileExistsError:
            raise ExportError(_("{path} already exists; an export never overwrites a file").format(path=path)) from None
        written.append(Exported(policy, path))
    return written
