"""Load a whole manual from disk: parse, schema-check, build, cross-check."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cache import BuildCache
from ..i18n import _, ngettext
from ..memory import collector_paused
from ..model import HELD_BACK, DataColumn, Issue, Manual
from ..progress import NO_PROGRESS, Progress
from .build import build, data_columns, resolve_relative
from .data import DataCache
from .loader import RawDocument, SourceWalk, iter_source_files, load_file, relpath
from .lookalikes import unloaded_lookalikes
from .references import check_manual, sha256_of
from .schema import DocumentValidator, check_type_fields, evidence_validator, open_evidence_validator, validate_document
from .suggestions import suggest_id


@dataclass
class LoadedManual:
    manual: Manual
    issues: list[Issue] = field(default_factory=list)
    # Problems that only follow from an object that failed validation (references to it):
    # counted in the summary, not listed, so that one cause gives one message.
    held_back: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def held_back_summary(self) -> str:
        """What was held back and why, so that nothing is dropped in silence."""
        broken = sorted(self.manual.broken)
        shown = ", ".join(broken[:5]) + (", ..." if len(broken) > 5 else "")
        message = ngettext(
            "{count} more problem is held back: it follows from the objects above that failed validation "
            "({objects}); fix those first",
            "{count} more problems are held back: they follow from the objects above that failed validation "
            "({objects}); fix those first",
            len(self.held_back),
        )
        return message.format(count=len(self.held_back), objects=shown)


def find_root(start: Path) -> Path:
    """The manual root: the nearest folder at or above `start` with policy/ in it."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "policy").is_dir():
            return folder
    return start


@collector_paused()
def load_manual(
    root: Path, cache: BuildCache | None = None, data: DataCache | None = None, progress: Progress = NO_PROGRESS
) -> LoadedManual:
    """The manual under `root`; with a cache, unchanged files are not parsed or checked again.
    With `data`, the data files an evaluation will read are read into it while the rest
    loads, for an evaluation with the same `data` to take up."""
    root = root.resolve()
    manual = Manual(root=root)
    issues: list[Issue] = []
    documents: list[RawDocument] = []
    seen: set[Path] = set()  # for the cache to forget the files that are gone
    early = _EarlyReads(data, root) if data is not None else None
    walk = SourceWalk()
    paths = list(iter_source_files(root, walk))
    progress.start(_("Reading the manual's files"), len(paths))
    for path in paths:
        progress.advance()
        if cache is not None:
            seen.add(path)
            result = cache.load(path, root)
        else:
            result = load_file(path, root)
        issues.extend(result.issues)
        if result.broken_id is not None:
            manual.broken.add(result.broken_id)
        if result.page is not None:
            manual.pages.append(result.page)
        if result.document is not None:
            documents.append(result.document)
            if early is not None:
                early.saw(result.document)

    documents = _unique(documents, issues)
    # Evidence types first: a record's schema depends on its type's fields.
    ordered = sorted(documents, key=lambda d: d.data.get("kind") == "evidence")
    validators: dict[str, DocumentValidator] = {}  # one per evidence type
    folders: dict[Path, Path] = {}  # the real path of each record folder
    progress.start(_("Checking schemas"), len(ordered))
    for doc in ordered:
        progress.advance()
        problems = _cached_schema_issues(doc, manual, validators, cache)
        issues.extend(problems)
        if not problems:
            obj = cache.build(doc, folders) if cache is not None else build(doc, folders)
            manual.collection(obj.kind)[obj.id] = obj
        elif isinstance(doc.data.get("id"), str):
            manual.broken.add(doc.data["id"])
    progress.start(_("Checking references and attachments"))
    issues.extend(check_manual(manual, digest=cache.digest if cache is not None else sha256_of))
    issues.extend(walk.issues)
    issues.extend(unloaded_lookalikes(walk.skipped, manual))
    if cache is not None:
        cache.forget_missing(seen)
    ordered_issues = sorted(set(issues), key=lambda i: (i.path, i.line or 0, i.field, i.message))
    return LoadedManual(
        manual,
        [i for i in ordered_issues if i.level != HELD_BACK],
        [i for i in ordered_issues if i.level == HELD_BACK],
    )


class _EarlyReads:
    """Starts reading a record's data files as soon as the record is parsed, when the
    evaluation will read them: its type is a KPI's source or is checked row by row by a
    checkpoint. KPIs, checkpoints and evidence types (under policy/) are parsed before
    records (under evidence/), so all this is known by then. Nothing is checked yet: a
    file read for a type or path that turns out wrong is never asked for, since
    `DataCache` keys what it read by path, columns and stamp."""

    def __init__(self, data: DataCache, root: Path) -> None:
        self.data, self.root = data, root
        self.columns: dict[Any, tuple[DataColumn, ...]] = {}
        self.read: set[Any] = set()  # the types whose data the evaluation reads

    def saw(self, doc: RawDocument) -> None:
        d = doc.data
        try:
            kind = d.get("kind")
            if kind == "evidence-type":
                self.columns[d.get("id")] = data_columns(d)
            elif kind == "kpi":
                self.read.add(d.get("source"))
            elif kind == "checkpoint":
                self.read.update(rule.get("evidence") for rule in d.get("requires") or [] if rule.get("rows"))
            elif kind == "evidence" and d.get("type") in self.read and (columns := self.columns.get(d.get("type"))):
                for written in d.get("data") or []:
                    path = resolve_relative(doc.source, written)
                    self.data.read_early(path, columns, relpath(path, self.root), d.get("type"))
        except Exception:  # unchecked front matter (a list of numbers, a bad path): the schema will say
            return


def _cached_schema_issues(
    doc: RawDocument, manual: Manual, validators: dict[str, DocumentValidator], cache: BuildCache | None
) -> list[Issue]:
    if cache is None or not doc.source.version:
        return _schema_issues(doc, manual, validators)
    schema_key = str(doc.data.get("kind"))
    if schema_key == "evidence":  # a record's schema is its type's: a new type version, a new verdict
        etype = manual.evidence_types.get(str(doc.data.get("type")))
        version = etype.source.version if etype else "broken" if doc.data.get("type") in manual.broken else 0
        schema_key = f"evidence:{doc.data.get('type')}:{version}"
    key = (doc.source.version, schema_key)
    if key not in cache.schema:
        cache.schema[key] = _schema_issues(doc, manual, validators)
    return cache.schema[key]


def _unique(documents: list[RawDocument], issues: list[Issue]) -> list[RawDocument]:
    """Drop every document whose id another one already holds (case-insensitively)."""
    first: dict[str, RawDocument] = {}
    kept = []
    for doc in documents:
        raw_id = doc.data.get("id")
        if not isinstance(raw_id, str):
            kept.append(doc)  # the schema reports the bad id
            continue
        other = first.get(raw_id.casefold())
        if other is None:
            first[raw_id.casefold()] = doc
            kept.append(doc)
            continue
        other_id = other.data["id"]
        where = f"{other.source.rel}:{other.source.line_of(('id',)) or 1}"
        if other_id == raw_id:
            message = _("duplicate id '{id}', already used in {where}").format(id=raw_id, where=where)
        else:
            message = _("id '{id}' differs only in case from '{other}' in {where}").format(
                id=raw_id, other=other_id, where=where
            )
        issues.append(doc.source.issue(("id",), message))
    return kept


def _schema_issues(doc: RawDocument, manual: Manual, validators: dict[str, DocumentValidator]) -> list[Issue]:
    if doc.data.get("kind") != "evidence":
        return validate_document(doc)
    type_id = doc.data.get("type")
    etype = manual.evidence_types.get(type_id) if isinstance(type_id, str) else None
    if etype is None:
        problems = validate_document(doc, open_evidence_validator())  # its type's fields cannot be known
        if isinstance(type_id, str) and type_id in manual.broken:
            problems.append(doc.source.held_back(("type",), type_id))
        elif isinstance(type_id, str):
            hint = suggest_id(manual, "evidence-type", type_id)
            message = _("unknown evidence type '{id}'{hint}").format(id=type_id, hint=hint)
            problems.append(doc.source.issue(("type",), message))
        return problems
    if etype.id not in validators:
        fields = etype.fields if check_type_fields(etype.fields) is None else {}
        validators[etype.id] = evidence_validator(etype.id, fields)
    return validate_document(doc, validators[etype.id])
