"""Results of an evaluation, and the one canonical JSON document made from them.

Every other output (text, JUnit, annotations, the site, status.json, badges)
is made from `Results` / its document, never recomputed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from .i18n import N_, _, current_language

if TYPE_CHECKING:
    from .evaluating.doccontrol import DocumentResult
    from .evaluating.verified import Verified

STATUSES = ("pass", "fail", "missing", "stale", "due-soon", "waived", "error")
DEFAULT_FAIL_ON = ("fail", "missing", "stale", "error")
# Worst first: a checkpoint with several rules takes the worst of their statuses.
SEVERITY_ORDER = ("error", "fail", "missing", "stale", "due-soon", "pass")
RESULTS_SCHEMA_ID = "urn:quality-manual:schema:results"
VERIFICATION_LEVELS = ("conditions", "partial", "existence")
# What people read for each status and verdict (the results document keeps the ids).
STATUS_NAMES = {
    "pass": N_("pass"),
    "fail": N_("fail"),
    "missing": N_("missing"),
    "stale": N_("stale"),
    "due-soon": N_("due soon"),
    "waived": N_("waived"),
    "error": N_("error"),
    "not-due": N_("not due"),
}
VERDICT_NAMES = {
    "met": N_("met"),
    "missed": N_("missed"),
    "no-target": N_("no target"),
    "no-data": N_("no data"),
    "error": N_("error"),
}


def worst(statuses: list[str]) -> str:
    return min(statuses, key=SEVERITY_ORDER.index) if statuses else "pass"


@dataclass(frozen=True)
class PeriodResult:
    label: str
    start: dt.date
    end: dt.date
    due: dt.date
    status: str  # a checkpoint status, or "not-due" while nothing is owed for the period yet
    records: tuple[str, ...] = ()
    subject: str | None = None  # the project or record a `for_each` rule asks a record for


@dataclass(frozen=True)
class Outcome:
    """What a rule or a custom check returns."""

    status: str
    reason: str
    periods: tuple[PeriodResult, ...] = ()
    records: tuple[str, ...] = ()  # ids of the evidence records it used

    def __post_init__(self) -> None:
        if self.status not in SEVERITY_ORDER:
            raise ValueError(_("unknown status '{status}'").format(status=self.status))


@dataclass(frozen=True)
class EvidenceRef:
    id: str
    path: str
    date: dt.date | None
    type: str
    commit: str | None
    attachments: tuple[tuple[str, str], ...] = ()  # (path relative to the root, sha256)


@dataclass(frozen=True)
class WaiverRef:
    id: str
    reason: str
    approved_by: str
    granted: dt.date | None
    expires: dt.date | None
    path: str


@dataclass(frozen=True)
class CheckpointResult:
    id: str
    title: str
    clause: str
    area: str
    owner: str
    severity: str
    status: str
    reason: str
    path: str
    line: int | None
    periods: tuple[PeriodResult, ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()
    remedy: str | None = None
    waiver: WaiverRef | None = None
    real_status: str | None = None  # the status a waiver covers
    warnings: tuple[str, ...] = ()
    suspect: tuple[str, ...] = ()  # records whose link to this checkpoint needs re-confirming
    verified: Verified | None = None  # what the result rests on: conditions, or a record's existence


@dataclass
class Results:
    as_of: dt.date
    checkpoints: list[CheckpointResult]
    commit: str | None = None
    fail_on: tuple[str, ...] = DEFAULT_FAIL_ON
    strict: bool = False  # suspect evidence fails too
    documents: list[DocumentResult] = field(default_factory=list)
    kpis: list[dict[str, Any]] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for result in self.checkpoints:
            counts[result.status] += 1
        return counts

    def verification_counts(self) -> dict[str, int]:
        """Checkpoints by what their results rest on (see checks.evaluating.verified)."""
        counts = dict.fromkeys(VERIFICATION_LEVELS, 0)
        for result in self.checkpoints:
            if result.verified is not None:
                counts[result.verified.level] += 1
        return counts

    @property
    def failing(self) -> list[CheckpointResult]:
        return [r for r in self.checkpoints if r.status in self.fail_on or (self.strict and r.suspect)]

    @property
    def failing_documents(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.status in self.fail_on]

    @property
    def suspect(self) -> list[str]:
        return sorted({record for r in self.checkpoints for record in r.suspect})

    @property
    def waived(self) -> list[CheckpointResult]:
        return [r for r in self.checkpoints if r.status == "waived"]

    @property
    def ok(self) -> bool:
        return not self.failing and not self.failing_documents


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _period(p: PeriodResult) -> dict[str, Any]:
    return {
        "label": p.label,
        "start": _date(p.start),
        "end": _date(p.end),
        "due": _date(p.due),
        "status": p.status,
        "records": list(p.records),
        "subject": p.subject,
    }


def _evidence(e: EvidenceRef) -> dict[str, Any]:
    return {
        "id": e.id,
        "path": e.path,
        "date": _date(e.date),
        "type": e.type,
        "commit": e.commit,
        "attachments": [{"path": p, "sha256": s} for p, s in e.attachments],
    }


def checkpoint_document(r: CheckpointResult, evidence: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The checkpoint's entry. `evidence` (by id() of the EvidenceRef) lets the entries of one
    document share the dict of a record that many checkpoints use: a record's ref is one
    object per evaluation, so it is converted once, not once per checkpoint."""
    evidence = {} if evidence is None else evidence
    return {
        "id": r.id,
        "title": r.title,
        "clause": r.clause,
        "area": r.area,
        "owner": r.owner,
        "severity": r.severity,
        "status": r.status,
        "reason": r.reason,
        "source": {"path": r.path, "line": r.line},
        "periods": [_period(p) for p in r.periods],
        "evidence": [evidence.get(id(e)) or evidence.setdefault(id(e), _evidence(e)) for e in r.evidence],
        "remedy": r.remedy,
        "waiver": None
        if r.waiver is None
        else {
            "id": r.waiver.id,
            "reason": r.waiver.reason,
            "approved_by": r.waiver.approved_by,
            "granted": _date(r.waiver.granted),
            "expires": _date(r.waiver.expires),
            "path": r.waiver.path,
            "covers": r.real_status,
        },
        "warnings": list(r.warnings),
        "suspect": list(r.suspect),
        "verified": None
        if r.verified is None
        else {
            "level": r.verified.level,
            "conditions": list(r.verified.conditions),
            "existence": list(r.verified.existence),
        },
    }


def document_document(d: DocumentResult) -> dict[str, Any]:
    """Every field of the document's review result, dates as ISO strings."""
    return {k: _date(v) if isinstance(v, dt.date) else v for k, v in dataclasses.asdict(d).items()}


def to_document(
    results: Results, generator: str, kept: dict[int, tuple[CheckpointResult, dict[str, Any]]] | None = None
) -> dict[str, Any]:
    """The canonical results document (validates against results.schema.json).

    `kept` holds the entries of earlier documents by id() of their result (with the result,
    so the id is not reused): a result the evaluation kept (checks.cache) gets its entry back."""
    counts = results.counts()
    evidence: dict[int, dict[str, Any]] = {}  # every ref stays alive in `results`, so ids are not reused
    entries = []
    for r in results.checkpoints:
        entry = kept.get(id(r)) if kept is not None else None
        entries.append(entry[1] if entry is not None else checkpoint_document(r, evidence))
    if kept is not None:
        kept.clear()
        kept.update((id(r), (r, e)) for r, e in zip(results.checkpoints, entries, strict=True))
    return {
        "$schema": RESULTS_SCHEMA_ID,
        "as_of": results.as_of.isoformat(),
        "language": current_language(),  # of the reasons and other prose in it
        "generator": generator,
        "commit": results.commit,
        "fail_on": list(results.fail_on),
        "strict": results.strict,
        "summary": {
            "total": len(results.checkpoints),
            "by_status": counts,
            "failing": [r.id for r in results.failing],
            "waived": [r.id for r in results.waived],
            "suspect": results.suspect,
            "documents_failing": [d.id for d in results.failing_documents],
            "ok": results.ok,
            "verified": results.verification_counts(),
        },
        "checkpoints": entries,
        "documents": [document_document(d) for d in results.documents],
        "kpis": results.kpis,
        "trend": results.trend,
    }


def document_json(doc: Any) -> bytes:
    """A results (or KPI) document as indented JSON, UTF-8 encoded, ending with a newline.
    orjson writes it several times faster than the json module, whose indenting encoder
    is pure Python; and bytes, since on a large manual (tens of megabytes) decoding them to
    text only for the writer to encode it again costs more than making them."""
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
