"""`qms revise`, `qms approve` and `qms confirm`: document control edits, written atomically.

Each edit changes only the front matter values it must (see `docedit`), checks the
result against its schema before writing, and replaces the file in one rename.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..evaluating.doccontrol import fingerprint
from ..i18n import _
from ..loading.build import build
from ..loading.loader import load_text
from ..loading.people import approves, membership_problem, reviews
from ..loading.schema import evidence_schema, validate_document
from ..loading.suggestions import suggest_id
from ..model import Evidence, Manual, Policy, Source
from .docedit import EditError, FrontMatter
from .fsio import replace


def _policy(manual: Manual, doc: str) -> Policy:
    policy = manual.policies.get(doc) or next((p for p in manual.policies.values() if p.doc_no == doc), None)
    if policy is None:
        raise EditError(_("unknown document '{id}'{hint}").format(id=doc, hint=suggest_id(manual, "policy", doc)))
    if policy.source.body is None:
        raise EditError(_("{path} is not a Markdown file with front matter").format(path=policy.source.rel))
    return policy


def _write(source: Source, fm: FrontMatter, manual: Manual) -> None:
    """Check the edited text like `qms validate` would, then replace the file atomically."""
    result = load_text(fm.text, source.path, source.rel)
    problems = list(result.issues)
    if result.document is not None:
        data = result.document.data
        etype = manual.evidence_types.get(str(data.get("type"))) if data.get("kind") == "evidence" else None
        schema = evidence_schema(etype.id, etype.fields) if etype else None
        problems += validate_document(result.document, schema)
    if problems:
        message = _("the edited file would be invalid, nothing written: {problems}")
        raise EditError(message.format(problems="; ".join(map(str, problems))))
    replace(source.path, fm.text)


def _read(path: Path) -> FrontMatter:
    return FrontMatter.parse(path.read_bytes().decode("utf-8"))


def _reread(policy: Policy) -> tuple[FrontMatter, Policy]:
    """The policy as its file is now, not as it was loaded: the caller holds the manual's
    lock (checks.authoring.lock), and another command may have changed the file before."""
    text = policy.source.path.read_bytes().decode("utf-8")
    result = load_text(text, policy.source.path, policy.source.rel)
    doc = result.document
    if doc is None or result.issues or validate_document(doc) or doc.data.get("id") != policy.id:
        message = _("{path} changed since the manual was read and is no longer a valid policy; run `qms validate`")
        raise EditError(message.format(path=policy.source.rel))
    current = build(doc)
    assert isinstance(current, Policy)
    return FrontMatter.parse(text), current


def revise(manual: Manual, doc: str, *, version: str, author: str, change: str, date: dt.date) -> Policy:
    """Start a new version: add its revision row, bump `version`, set `review.last`."""
    fm, policy = _reread(_policy(manual, doc))
    if version == policy.version or any(r.version == version for r in policy.revisions):
        raise EditError(_("{doc} already has a version {version}").format(doc=policy.id, version=version))
    if policy.revisions and policy.revisions[-1].approved is None:
        pending = policy.revisions[-1].version
        raise EditError(
            _("{doc} {version} still awaits approval; run `qms approve {doc} --by NAME` first").format(
                doc=policy.id, version=pending
            )
        )
    fm.set(("version",), version)
    fm.set(("review", "last"), date)
    fm.append_item(("revisions",), {"version": version, "author": author, "date": date, "change": change})
    _write(policy.source, fm, manual)
    return policy


def approve(manual: Manual, doc: str, *, by: str, date: dt.date, reviewed_by: str | None = None) -> Policy:
    """Complete the pending revision: approver and date, and the version takes effect."""
    fm, policy = _reread(_policy(manual, doc))
    if not policy.revisions:
        raise EditError(_("{doc} has no revision row to approve").format(doc=policy.id))
    index = len(policy.revisions) - 1
    last = policy.revisions[index]
    if last.approved is not None:
        message = _("{doc} {version} was already approved on {date} by {name}")
        raise EditError(message.format(doc=policy.id, version=last.version, date=last.approved, name=last.approved_by))
    if date < last.date:
        raise EditError(
            _("approval date {date} is before the revision's date {revised}").format(date=date, revised=last.date)
        )
    _may_act(manual, policy.approving_role, by, date, approves(policy.id))
    if reviewed_by:
        _may_act(manual, policy.reviewing_role, reviewed_by, date, reviews(policy.id))
    if reviewed_by:
        fm.set(("revisions", index, "reviewed_by"), reviewed_by)
        fm.set(("revisions", index, "reviewed"), date)
    fm.set(("revisions", index, "approved_by"), by)
    fm.set(("revisions", index, "approved"), date)
    fm.set(("effective",), date)
    _write(policy.source, fm, manual)
    return policy


def _may_act(manual: Manual, role_id: str | None, name: str, date: dt.date, duty: str) -> None:
    """Refuse a name that is not a member of the role on the date (no role named: anyone)."""
    if role_id is None:
        return
    role = manual.roles.get(role_id)
    if role is None:
        raise EditError(_("unknown role '{role}' (see `qms validate`)").format(role=role_id))
    problem = membership_problem(role, name, date, duty)
    if problem:
        raise EditError(problem)


def confirm(manual: Manual, record: Evidence, checkpoints: list[str] | None = None) -> list[str]:
    """Stamp the record with the fingerprint of each checkpoint it satisfies (clears `suspect`)."""
    if record.source.body is None:
        raise EditError(_("{path}: only Markdown records can be confirmed").format(path=record.source.rel))
    chosen = checkpoints or list(record.satisfies)
    unknown = [c for c in chosen if c not in record.satisfies]
    if unknown:
        raise EditError(
            _("{record} does not satisfy {checkpoints}").format(record=record.id, checkpoints=", ".join(unknown))
        )
    fm = _read(record.source.path)
    stamped = []
    current = record.data.get("confirmed") or {}
    for cp_id in chosen:
        stamp = fingerprint(manual.checkpoints[cp_id], manual)
        if current.get(cp_id) == stamp:
            continue
        fm.set(("confirmed", cp_id), stamp)
        stamped.append(cp_id)
    if stamped:
        _write(record.source, fm, manual)
    return stamped
