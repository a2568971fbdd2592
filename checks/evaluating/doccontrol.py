"""Document control: reviews within their cycle, honest revision tables, and the
fingerprints that make evidence suspect when what it proves has changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..i18n import _
from ..model import Checkpoint, Evidence, Issue, Manual, Policy
from ..results import Outcome
from .periods import parse_duration

if TYPE_CHECKING:
    from .rules import Context

REVIEW_WARN = dt.timedelta(days=60)
# Evidence type of a document's review record: it names the reviewed document in `policy`,
# and its date counts as a review of that document (one fact: the document's review).
POLICY_REVIEW = "policy-review-record"


@dataclass(frozen=True)
class DocumentResult:
    id: str
    title: str
    doc_no: str
    version: str
    path: str
    status: str  # pass / stale / due-soon / missing
    reason: str
    last_review: dt.date | None
    next_review: dt.date | None
    approved_by: str | None
    approved: dt.date | None


def last_review(policy: Policy, as_of: dt.date, records: Sequence[Evidence] = ()) -> dt.date | None:
    """The last review known on a date: `review.last`, an approved revision or a review record
    of the document (see `review_records`), whichever is latest."""
    dates = [r.approved for r in policy.revisions if r.approved and r.approved <= as_of]
    if policy.review and policy.review.last and policy.review.last <= as_of:
        dates.append(policy.review.last)
    dates += [r.date for r in records if r.date is not None and r.date <= as_of]
    return max(dates) if dates else None


def next_review(policy: Policy, as_of: dt.date, records: Sequence[Evidence] = ()) -> dt.date | None:
    last = last_review(policy, as_of, records)
    if policy.review is None or last is None:
        return None
    return parse_duration(policy.review.cycle).after(last)


def review_records(manual: Manual) -> dict[str, list[Evidence]]:
    """The review records of each document (records of type POLICY_REVIEW, by `policy`)."""
    found: dict[str, list[Evidence]] = defaultdict(list)
    for record in sorted(manual.evidence.values(), key=lambda r: (r.date or dt.date.min, r.id)):
        if record.type == POLICY_REVIEW and isinstance(record.data.get("policy"), str):
            found[record.data["policy"]].append(record)
    return dict(found)


def review_rule(doc_id: str, ctx: Context) -> Outcome:
    """A checkpoint rule: the document's review is current. Its status is the document's own
    review status, from the same dates (one fact, one answer)."""
    policy = ctx.manual.policies[doc_id]
    records = [r for r in ctx.records_of(POLICY_REVIEW) if r.data.get("policy") == doc_id]
    result = review_result(policy, ctx.as_of, records)
    return Outcome(
        result.status,
        _("{doc_no}: {reason}").format(doc_no=policy.doc_no, reason=result.reason),
        (),
        tuple(r.id for r in records[-1:]),
    )


def review_result(policy: Policy, as_of: dt.date, records: Sequence[Evidence] = ()) -> DocumentResult:
    """Whether an effective document was reviewed within its cycle as of a date."""
    last_seen = last_review(policy, as_of, records)
    due = next_review(policy, as_of, records)
    approved = [r for r in policy.revisions if r.approved and r.approved <= as_of]
    last = approved[-1] if approved else None
    if policy.review is None:
        status, reason = "missing", _("no review cycle set (review.cycle)")
    elif due is None:
        status, reason = "missing", _("never reviewed; its cycle is {cycle}").format(cycle=policy.review.cycle)
    elif as_of > due:
        status = "stale"
        reason = _("last reviewed {last}; with a {cycle} cycle it was due {due}").format(
            last=last_seen, cycle=policy.review.cycle, due=due
        )
    elif due - as_of <= REVIEW_WARN:
        status, reason = "due-soon", _("review due {due} (last {last})").format(due=due, last=last_seen)
    else:
        status, reason = "pass", _("reviewed {last}; next review due {due}").format(last=last_seen, due=due)
    return DocumentResult(
        id=policy.id,
        title=policy.title,
        doc_no=policy.doc_no,
        version=policy.version,
        path=policy.source.rel,
        status=status,
        reason=reason,
        last_review=last_seen,
        next_review=due,
        approved_by=last.approved_by if last else None,
        approved=last.approved if last else None,
    )


def document_results(manual: Manual, as_of: dt.date) -> list[DocumentResult]:
    reviews = review_records(manual)
    return [
        review_result(p, as_of, reviews.get(p.id, ()))
        for p in sorted(manual.policies.values(), key=lambda p: p.id)
        if p.status == "effective"
    ]


def check_documents(manual: Manual) -> Iterator[Issue]:
    """Static document-control problems, reported by `qms validate`."""
    retired = {p.id: p for p in manual.policies.values() if p.status == "retired"}
    for policy in manual.policies.values():
        if policy.revisions and policy.revisions[-1].version != policy.version:
            index = len(policy.revisions) - 1
            yield policy.source.issue(
                ("version",),
                _("version {version} does not match the last revision row ({last}, revisions[{index}])").format(
                    version=policy.version, last=policy.revisions[-1].version, index=index
                ),
            )
        seen: set[str] = set()
        for index, rev in enumerate(policy.revisions):
            at = ("revisions", index)
            if rev.version in seen:
                yield policy.source.issue(
                    at + ("version",), _("version {version} appears twice in the revisions").format(version=rev.version)
                )
            seen.add(rev.version)
            for field, day, message in (
                ("reviewed", rev.reviewed, _("reviewed {day} is before the authoring date {date}")),
                ("approved", rev.approved, _("approved {day} is before the authoring date {date}")),
            ):
                if day is not None and day < rev.date:
                    yield policy.source.issue(at + (field,), message.format(day=day, date=rev.date))
            if rev.reviewed and rev.approved and rev.approved < rev.reviewed:
                yield policy.source.issue(
                    at + ("approved",),
                    _("approved {approved} before it was reviewed {reviewed}").format(
                        approved=rev.approved, reviewed=rev.reviewed
                    ),
                )
            if rev.approved is None and index < len(policy.revisions) - 1:  # two writers, or a skipped approval
                following = policy.revisions[index + 1].version
                message = _(
                    "revision {version} was never approved, yet {following} follows it: only the last "
                    "revision may await approval"
                )
                yield policy.source.issue(at, message.format(version=rev.version, following=following))
        if policy.revisions and policy.revisions[-1].approved is None and policy.status == "effective":
            yield policy.source.issue(
                ("revisions", len(policy.revisions) - 1),
                _("revision {version} awaits approval (qms approve {doc} --by NAME)").format(
                    version=policy.revisions[-1].version, doc=policy.id
                ),
                level="warning",
            )
        if policy.status != "effective":
            continue
        for other in retired.values():
            line = _mention_line(policy, other) if other.id != policy.id else None
            if line is not None:
                yield Issue(policy.source.rel, line, "body", _("refers to retired document {doc}").format(doc=other.id))
    for cp in manual.checkpoints.values():
        doc = cp.clause.partition("#")[0]
        if doc in retired:
            yield cp.source.issue(
                ("clause",), _("clause {clause} belongs to retired document {doc}").format(clause=cp.clause, doc=doc)
            )


def _mention_line(policy: Policy, other: Policy) -> int | None:
    """The file line where a policy's body first names another document, if it does."""
    names = [re.escape(n) for n in {other.id, other.doc_no} if n]
    pattern = re.compile(rf"(?<![A-Za-z0-9-])({'|'.join(names)})(?![A-Za-z0-9])")
    for offset, text in enumerate((policy.source.body or "").split("\n")):
        if pattern.search(text):
            return policy.source.body_line + offset
    return None


# --- suspect evidence -------------------------------------------------------------------------


def fingerprint(cp: Checkpoint, manual: Manual) -> str:
    """A short digest of what a record is evidence for: the checkpoint's normative fields and
    its clause's heading and text. Titles, remedies and descriptions do not count."""
    clause = manual.clause(cp.clause)
    content = {
        "clause": cp.clause,
        "requires": [r.raw for r in cp.requires],
        "check": cp.check,
        "clause_title": clause.title if clause else None,
        "clause_text": _normalise(clause.text) if clause else None,
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
