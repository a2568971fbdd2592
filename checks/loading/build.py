"""Turn schema-valid raw documents into typed model objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..model import (
    Attachment,
    Checkpoint,
    DataColumn,
    Duty,
    Evidence,
    EvidenceType,
    Kpi,
    ManualObject,
    Member,
    Nonconformity,
    Plan,
    Policy,
    Project,
    Review,
    Revision,
    Role,
    Rule,
    ScheduleRow,
    Source,
    Waiver,
)
from .clauses import parse_clauses
from .loader import RawDocument


def as_date(value: Any) -> dt.date | None:
    """YAML gives dates as objects, quoted ones as strings; the schema checked both."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _base(doc: RawDocument) -> dict[str, Any]:
    return {"id": str(doc.data["id"]), "kind": doc.data["kind"], "source": doc.source, "data": doc.data}


def _policy(doc: RawDocument) -> Policy:
    d = doc.data
    review = d.get("review")
    clauses, _ = parse_clauses(doc.source.body or "", doc.source.body_line)
    return Policy(
        **_base(doc),
        title=d["title"],
        doc_no=str(d["doc_no"]),
        version=str(d["version"]),
        status=d["status"],
        owner=d["owner"],
        approving_role=d.get("approving_role"),
        reviewing_role=d.get("reviewing_role"),
        effective=as_date(d.get("effective")),
        review=Review(review["cycle"], as_date(review.get("last"))) if review else None,
        revisions=tuple(
            Revision(
                version=str(r["version"]),
                author=r["author"],
                date=as_date(r["date"]) or dt.date.min,
                change=r["change"],
                reviewed_by=r.get("reviewed_by"),
                reviewed=as_date(r.get("reviewed")),
                approved_by=r.get("approved_by"),
                approved=as_date(r.get("approved")),
            )
            for r in d.get("revisions", [])
        ),
        clauses=clauses,
    )


def _role(doc: RawDocument) -> Role:
    d = doc.data
    return Role(
        **_base(doc),
        name=d["name"],
        type=d.get("type"),
        parent=d.get("parent"),
        members=tuple(_member(m) for m in d.get("members", [])),
        duties=tuple(
            Duty(x["text"], x.get("clause"), x.get("raci"), tuple(x.get("activities", []))) for x in d.get("duties", [])
        ),
    )


def _member(item: str | dict[str, Any]) -> Member:
    """A member as `{name, login, email, from, until}`, or as a bare name (the older form)."""
    if isinstance(item, str):
        return Member(item)
    return Member(
        name=item["name"],
        login=item.get("login"),
        email=item.get("email"),
        start=as_date(item.get("from")),
        until=as_date(item.get("until")),
    )


def _checkpoint(doc: RawDocument) -> Checkpoint:
    d = doc.data
    return Checkpoint(
        **_base(doc),
        title=d["title"],
        clause=d["clause"],
        area=d["area"],
        owner=d["owner"],
        requires=tuple(Rule(r) for r in d.get("requires", [])),
        check=d.get("check"),
        severity=d.get("severity", "major"),
        remedy=d.get("remedy"),
        description=d.get("description"),
    )


def _kpi(doc: RawDocument) -> Kpi:
    d = doc.data
    return Kpi(
        **_base(doc),
        title=d["title"],
        formula=d["formula"],
        source_type=d["source"],
        compute=d["compute"],
        target=d.get("target"),
        unit=d.get("unit", ""),
        period=d["period"],
        owner=d["owner"],
        clause=d.get("clause"),
        description=d.get("description"),
    )


def _plan(doc: RawDocument) -> Plan:
    d = doc.data
    return Plan(
        **_base(doc),
        year=d["year"],
        title=d.get("title"),
        document=d.get("document"),
        schedule=tuple(
            ScheduleRow(r["id"], r["activity"], r["owner"], tuple(r["due"]), r["produces"], r.get("seq"))
            for r in d["schedule"]
        ),
    )


def _evidence_type(doc: RawDocument) -> EvidenceType:
    d = doc.data
    return EvidenceType(
        **_base(doc),
        title=d["title"],
        description=d.get("description"),
        fields=d.get("fields") or {},
        data_columns=data_columns(d),
        template=d.get("template"),
        approving_role=d.get("approving_role"),
    )


def data_columns(type_data: dict[str, Any]) -> tuple[DataColumn, ...]:
    return tuple(
        DataColumn(
            c["name"],
            c["type"],
            bool(c.get("required", False)),
            c.get("description"),
            tuple(str(v) for v in c.get("enum", ())),
            c.get("minimum"),
            c.get("maximum"),
            c.get("dates") if c.get("dates") in (None, "row") else tuple(c["dates"]),
            bool(c.get("key", False)),
        )
        for c in type_data.get("data_columns", [])
    )


def resolve_relative(source: Source, written: str, folders: dict[Path, Path] | None = None) -> Path:
    """A path written in a record, relative to the record's folder, with links resolved.

    `folders` remembers the real path of each record folder (during one load: a folder
    may become a link between two). Resolving checks every folder up to the root, and
    most records attach files lying beside them: for a plain name that is no link
    itself, the real folder and the name make the real path."""
    folder = source.path.parent
    path = folder / written
    if folders is None or not _plain_name(written) or path.is_symlink():
        return path.resolve()
    if folder not in folders:
        folders[folder] = folder.resolve()
    return folders[folder] / written


def _plain_name(written: str) -> bool:
    # Separators (any system's), drives and NUL (which resolve() refuses) take the long way.
    return written not in ("", ".", "..") and not any(c in written for c in "/\\:\0")


def _evidence(doc: RawDocument, folders: dict[Path, Path] | None = None) -> Evidence:
    d = doc.data
    return Evidence(
        **_base(doc),
        title=d["title"],
        type=d["type"],
        date=as_date(d["date"]),
        period=d.get("period"),
        owner=d["owner"],
        approved_by=d.get("approved_by"),
        project=d.get("project"),
        satisfies=tuple(d.get("satisfies", [])),
        attachments=tuple(
            Attachment(a["path"], a["sha256"], resolve_relative(doc.source, a["path"], folders))
            for a in d.get("attachments", [])
        ),
        data_files=tuple(resolve_relative(doc.source, p, folders) for p in d.get("data", [])),
    )


def _nonconformity(doc: RawDocument) -> Nonconformity:
    d = doc.data
    return Nonconformity(
        **_base(doc),
        title=d["title"],
        found_in=d.get("found_in"),
        clause=d.get("clause"),
        description=d["description"],
        root_cause=d.get("root_cause"),
        action=d.get("action"),
        owner=d["owner"],
        due=as_date(d["due"]),
        status=d["status"],
        closed=as_date(d.get("closed")),
        verified=as_date(d.get("verified")),
        verified_by=d.get("verified_by"),
    )


def _waiver(doc: RawDocument) -> Waiver:
    d = doc.data
    return Waiver(
        **_base(doc),
        checkpoint=d["checkpoint"],
        reason=d["reason"],
        approved_by=d["approved_by"],
        granted=as_date(d["granted"]),
        expires=as_date(d["expires"]),
        title=d.get("title"),
    )


def _project(doc: RawDocument) -> Project:
    d = doc.data
    return Project(
        **_base(doc),
        name=d["name"],
        department=d["department"],
        customer=d["customer"],
        contract=str(d["contract"]),
        start=as_date(d["start"]),
        end=as_date(d.get("end")),
        status=d["status"],
    )


BUILDERS: dict[str, Callable[[RawDocument], ManualObject]] = {
    "policy": _policy,
    "role": _role,
    "checkpoint": _checkpoint,
    "kpi": _kpi,
    "plan": _plan,
    "evidence-type": _evidence_type,
    "evidence": _evidence,
    "nonconformity": _nonconformity,
    "waiver": _waiver,
    "project": _project,
}


def build(doc: RawDocument, folders: dict[Path, Path] | None = None) -> ManualObject:
    """The model object of a schema-valid document; pass the same `folders` to every
    build of one load (see `resolve_relative`)."""
    if doc.data["kind"] == "evidence":
        return _evidence(doc, folders)
    return BUILDERS[doc.data["kind"]](doc)
