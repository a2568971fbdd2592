"""The gate of a revision pull request: what `qms diff` adds to the clause summary.

For the controlled documents a branch changed: the checkpoints whose clause changed, the
evidence that became suspect through it, and the approval of each new revision. A
revision not approved yet holds the gate, naming the role whose members must approve it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..evaluating.doccontrol import fingerprint
from ..i18n import _
from ..loading.people import role_label
from ..model import Checkpoint, Evidence, Manual, Role
from .changes import DocumentChange


@dataclass(frozen=True)
class Approval:
    """One revision row the branch added, and who approved it (or must)."""

    document: str
    version: str
    role: Role | None  # the document's approving role; None when it names none
    approved_by: str | None
    approved: dt.date | None

    @property
    def pending(self) -> bool:
        return self.approved is None or not self.approved_by


@dataclass(frozen=True)
class Suspect:
    record: Evidence
    checkpoints: tuple[str, ...]  # those of the changed clauses it is no longer confirmed for


@dataclass(frozen=True)
class Gate:
    approvals: tuple[Approval, ...]
    checkpoints: tuple[Checkpoint, ...]
    suspects: tuple[Suspect, ...]
    as_of: dt.date

    @property
    def pending(self) -> list[Approval]:
        return [a for a in self.approvals if a.pending]

    def markdown(self) -> str:
        """The sections that follow the documents in the pull request description."""
        out = ["## " + _("Checkpoints whose clause changed"), ""]
        out += [f"- {cp.id} {cp.title} ({cp.clause})" for cp in self.checkpoints] or ["- " + _("none")]
        out += ["", "## " + _("Evidence that became suspect"), ""]
        for suspect in self.suspects:
            record = suspect.record
            out.append(f"- {record.id} {record.title} ({record.source.rel}): {', '.join(suspect.checkpoints)}")
        if self.suspects:
            out += ["", _("Once a record still proves the revised clause: `qms confirm RECORD`.")]
        else:
            out.append("- " + _("none"))
        out += ["", "## " + _("Approvals"), ""]
        out += [self._approval_line(a) for a in self.approvals] or ["- " + _("none")]
        return "\n".join(out) + "\n"

    def _approval_line(self, approval: Approval) -> str:
        role = approval.role
        members = list(dict.fromkeys(m.name for m in role.members_on(self.as_of))) if role else []
        if not approval.pending:
            if role is None:
                line = _("{doc} {version} approved {day} by {name} ({doc} names no approving_role: not checked)")
            else:
                line = _("{doc} {version} approved {day} by {name}, a member of {role}")
        elif role is None:
            line = _("{doc} {version} awaits approval; {doc} names no approving_role: any name is accepted ({command})")
        elif members:
            line = _("{doc} {version} awaits approval by a member of {role}: {members} ({command})")
        else:
            line = _("{doc} {version} awaits approval by a member of {role}, which has no member on {as_of}")
        text = line.format(
            doc=approval.document,
            version=approval.version,
            day=approval.approved,
            name=approval.approved_by,
            role=role_label(role) if role else "",
            members=", ".join(members),
            as_of=self.as_of,
            command=f"`qms approve {approval.document} --by NAME`",
        )
        pending = _("pending:")
        return f"- **{pending}** {text}" if approval.pending else f"- {text}"


def review_changes(changes: list[DocumentChange], manual: Manual, as_of: dt.date) -> Gate:
    """What the changed documents ask of the pull request, read from the branch's manual."""
    approvals: list[Approval] = []
    changed_clauses: set[str] = set()
    for change in changes:
        policy = manual.policies.get(change.id)
        if policy is None or change.new_version is None:
            continue  # deleted in the branch
        changed_clauses.update(f"{policy.id}#{clause.number}" for clause in change.clauses)
        role = manual.roles.get(policy.approving_role or "")
        for rev in policy.revisions:
            if rev.version in change.new_rows:
                approvals.append(Approval(policy.id, rev.version, role, rev.approved_by, rev.approved))
    checkpoints = sorted((cp for cp in manual.checkpoints.values() if cp.clause in changed_clauses), key=lambda c: c.id)
    stamps = {cp.id: fingerprint(cp, manual) for cp in checkpoints}
    suspects = []
    for record in sorted(manual.evidence.values(), key=lambda r: r.id):
        confirmed = record.data.get("confirmed") or {}
        unconfirmed = tuple(c for c in record.satisfies if c in stamps and confirmed.get(c) != stamps[c])
        if unconfirmed:
            suspects.append(Suspect(record, unconfirmed))
    return Gate(tuple(approvals), tuple(checkpoints), tuple(suspects), as_of)
