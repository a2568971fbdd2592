"""Typed, immutable objects for everything a quality manual holds.

The loader turns each validated source file into one of these; nothing here
reads files or knows about MkDocs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .i18n import _

FieldPath = tuple[str | int, ...]


def format_field(path: FieldPath) -> str:
    """Render ('revisions', 2, 'date') as 'revisions[2].date'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "-"


# The level of a problem that only follows from another object failing validation (a
# reference to a policy whose front matter has a typo): counted, not listed, so that one
# cause gives one message.
HELD_BACK = "held-back"


@dataclass(frozen=True, order=True)
class Issue:
    """One problem found in the manual; `level` is 'error', 'warning' or HELD_BACK."""

    path: str
    line: int | None
    field: str
    message: str
    level: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.level == "warning" else ""
        return f"{where}: {self.field}: {prefix}{self.message}"


@dataclass(frozen=True)
class Source:
    """Where an object came from: its file, its body and the line of each field."""

    path: Path  # absolute
    rel: str  # relative to the manual root, posix style, used in messages
    body: str | None = None
    lines: Mapping[FieldPath, int] = field(default_factory=dict, compare=False, repr=False)
    body_line: int = 1  # file line on which the body starts
    version: int = field(default=0, compare=False)  # a new number each time the file is parsed (see cache)

    def line_of(self, path: FieldPath = ()) -> int | None:
        """The line of a field, or of its nearest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def issue(self, field_path: FieldPath, message: str, level: str = "error") -> Issue:
        return Issue(self.rel, self.line_of(field_path), format_field(field_path), message, level)

    def held_back(self, field_path: FieldPath, cause: str) -> Issue:
        """The problem of a reference to `cause`, an object that failed validation."""
        return self.issue(field_path, _("'{id}' failed validation").format(id=cause), HELD_BACK)


@dataclass(frozen=True)
class Clause:
    """A numbered heading of a policy: `## 7.3.1 内审要求` is clause '7.3.1'."""

    number: str
    title: str
    level: int
    line: int
    text: str  # the heading's own section text, up to the next heading


@dataclass(frozen=True)
class Revision:
    version: str
    author: str
    date: dt.date
    change: str
    reviewed_by: str | None = None
    reviewed: dt.date | None = None
    approved_by: str | None = None
    approved: dt.date | None = None


@dataclass(frozen=True)
class Review:
    cycle: str
    last: dt.date | None = None


@dataclass(frozen=True)
class ManualObject:
    id: str
    kind: str
    source: Source
    data: dict[str, Any] = field(compare=False, repr=False)


@dataclass(frozen=True)
class Policy(ManualObject):
    title: str = ""
    doc_no: str = ""
    version: str = ""
    status: str = "draft"
    owner: str = ""
    approving_role: str | None = None  # whose members approve its revisions
    reviewing_role: str | None = None  # whose members review them
    effective: dt.date | None = None
    review: Review | None = None
    revisions: tuple[Revision, ...] = ()
    clauses: dict[str, Clause] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Duty:
    text: str
    clause: str | None = None
    raci: str | None = None
    activities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Member:
    """A person in a role; `start` and `until` (the first and last day, both optional)
    keep past approvers valid for what they approved while they held the role."""

    name: str
    login: str | None = None  # on GitHub or GitLab, for CODEOWNERS
    email: str | None = None
    start: dt.date | None = None  # `from:` in the file
    until: dt.date | None = None

    def current(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class Role(ManualObject):
    name: str = ""
    type: str | None = None
    parent: str | None = None
    members: tuple[Member, ...] = ()
    duties: tuple[Duty, ...] = ()

    def members_on(self, day: dt.date) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.current(day))


@dataclass(frozen=True)
class Rule:
    """One entry of a checkpoint's `requires`; `raw` keeps the mapping as written."""

    raw: dict[str, Any]

    @property
    def evidence(self) -> str | None:
        return self.raw.get("evidence")

    @property
    def count(self) -> int:
        return int(self.raw.get("count", 1))

    @property
    def every(self) -> str | None:
        return self.raw.get("every")

    @property
    def due(self) -> str | None:
        return self.raw.get("due")

    @property
    def kpi(self) -> str | None:
        return self.raw.get("kpi")

    @property
    def nonconformities(self) -> dict[str, Any] | None:
        return self.raw.get("nonconformities")

    @property
    def review(self) -> str | None:
        return self.raw.get("review")


@dataclass(frozen=True)
class Checkpoint(ManualObject):
    title: str = ""
    clause: str = ""
    area: str = ""
    owner: str = ""
    requires: tuple[Rule, ...] = ()
    check: str | None = None
    severity: str = "major"
    remedy: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Kpi(ManualObject):
    title: str = ""
    formula: str = ""
    source_type: str = ""
    compute: str = ""
    target: str | None = None
    unit: str = ""
    period: str = "year"
    owner: str = ""
    clause: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class ScheduleRow:
    id: str
    activity: str
    owner: str
    due: tuple[str, ...]
    produces: str
    seq: int | None = None


@dataclass(frozen=True)
class Plan(ManualObject):
    year: int = 0
    title: str | None = None
    document: str | None = None
    schedule: tuple[ScheduleRow, ...] = ()


@dataclass(frozen=True)
class DataColumn:
    name: str
    type: str
    required: bool = False
    description: str | None = None
    enum: tuple[str, ...] = ()  # the only values allowed, when given
    minimum: float | None = None
    maximum: float | None = None
    # A date/datetime column that dates events: "row" (the row exists from then on), or the
    # columns whose values it dates (they, and it, are blank as of an earlier date).
    dates: str | tuple[str, ...] | None = None
    key: bool = False  # identifies a row across records: a newer record's row replaces it


@dataclass(frozen=True)
class EvidenceType(ManualObject):
    title: str = ""
    description: str | None = None
    fields: dict[str, Any] = field(default_factory=dict, compare=False)
    data_columns: tuple[DataColumn, ...] = ()
    template: str | None = None
    approving_role: str | None = None  # whose members may approve its records (`approved_by`)


@dataclass(frozen=True)
class Attachment:
    path: str  # as written, relative to the record
    sha256: str
    resolved: Path  # absolute


@dataclass(frozen=True)
class Evidence(ManualObject):
    title: str = ""
    type: str = ""
    date: dt.date | None = None
    period: str | None = None
    owner: str = ""
    approved_by: str | None = None
    project: str | None = None
    satisfies: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    data_files: tuple[Path, ...] = ()

    def field_value(self, name: str) -> Any:
        return self.data.get(name)


@dataclass(frozen=True)
class Nonconformity(ManualObject):
    title: str = ""
    found_in: str | None = None
    clause: str | None = None
    description: str = ""
    root_cause: str | None = None
    action: str | None = None
    owner: str = ""
    due: dt.date | None = None
    status: str = "open"
    closed: dt.date | None = None
    verified: dt.date | None = None
    verified_by: str | None = None


@dataclass(frozen=True)
class Project(ManualObject):
    """One entry of the project register: records that concern it name it in `project`."""

    name: str = ""
    department: str = ""
    customer: str = ""
    contract: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    status: str = "active"

    def active_in(self, start: dt.date, end: dt.date) -> bool:
        """Whether the project runs on any day from `start` to `end`."""
        return self.start is not None and self.start <= end and (self.end is None or self.end >= start)


@dataclass(frozen=True)
class Waiver(ManualObject):
    checkpoint: str = ""
    reason: str = ""
    approved_by: str = ""
    granted: dt.date | None = None
    expires: dt.date | None = None
    title: str | None = None


KINDS: tuple[str, ...] = (
    "policy",
    "role",
    "checkpoint",
    "kpi",
    "plan",
    "evidence-type",
    "evidence",
    "nonconformity",
    "waiver",
    "project",
)


@dataclass
class Manual:
    """The whole validated manual, indexed by id."""

    root: Path
    policies: dict[str, Policy] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    checkpoints: dict[str, Checkpoint] = field(default_factory=dict)
    kpis: dict[str, Kpi] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    evidence_types: dict[str, EvidenceType] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    nonconformities: dict[str, Nonconformity] = field(default_factory=dict)
    waivers: dict[str, Waiver] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    pages: list[Source] = field(default_factory=list)  # Markdown pages that are not objects
    broken: set[str] = field(default_factory=set)  # ids of objects that exist but failed validation

    def collection(self, kind: str) -> dict[str, Any]:
        collections: dict[str, dict[str, Any]] = {
            "policy": self.policies,
            "role": self.roles,
            "checkpoint": self.checkpoints,
            "kpi": self.kpis,
            "plan": self.plans,
            "evidence-type": self.evidence_types,
            "evidence": self.evidence,
            "nonconformity": self.nonconformities,
            "waiver": self.waivers,
            "project": self.projects,
        }
        return collections[kind]

    def get(self, object_id: str) -> ManualObject | None:
        for kind in KINDS:
            found = self.collection(kind).get(object_id)
            if found is not None:
                return found
        return None

    def clause(self, ref: str) -> Clause | None:
        doc, _, number = ref.partition("#")
        policy = self.policies.get(doc)
        return policy.clauses.get(number) if policy else None

    @property
    def evidence_dir(self) -> Path:
        return self.root / "evidence"

    @property
    def policy_dir(self) -> Path:
        return self.root / "policy"
