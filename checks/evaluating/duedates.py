"""What each owner still owes, and by when, as of the evaluation date.

Made from the results document and the manual: every checkpoint period that has no
passing record yet, every month a plan row schedules that neither a checkpoint covers
nor a record of its type fills, every open nonconformity, and every document's next
review. `qms todo` and the site's calendar feeds read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..model import Evidence, Manual
from ..results import worst
from .registers import nonconformity_register

KINDS = ("checkpoint", "plan", "nonconformity", "document")


@dataclass(frozen=True)
class DueItem:
    due: dt.date
    kind: str  # one of KINDS
    id: str  # checkpoint, `PLAN#row`, nonconformity or policy id
    title: str
    owner: str  # role id
    status: str  # the period's status (open: not yet due), missing/scheduled, open/fail, or the review's
    overdue: bool  # due before the evaluation date and still owed
    period: str | None = None  # the period label or scheduled month, where there is one
    path: str | None = None  # the source file, relative to the manual root

    @property
    def name(self) -> str:
        """How a list names it: the id and title (a document's title starts with its number;
        a plan row has no id of its own worth reading)."""
        return self.title if self.kind in ("plan", "document") else f"{self.id} {self.title}"

    @property
    def uid(self) -> str:
        """Stable across evaluations: the same obligation keeps its identity (calendar UIDs)."""
        return f"{self.kind}:{self.id}:{self.period or self.due.isoformat()}"


def due_items(manual: Manual, doc: dict[str, Any]) -> list[DueItem]:
    """Everything still owed, overdue or not, by due date."""
    as_of = dt.date.fromisoformat(doc["as_of"])
    covered: set[tuple[str, str]] = set()  # (checkpoint, period label) the results look at
    items = []
    for result in doc["checkpoints"]:
        labels: dict[str, list[dict[str, Any]]] = {}  # a checkpoint with several rules lists a period once per rule
        for period in result["periods"]:
            labels.setdefault(period["label"], []).append(period)
            covered.add((result["id"], period["label"]))
        if result["status"] == "waived":
            continue
        for label, periods in labels.items():
            owed = [p for p in periods if not (p["status"] == "pass" and p["records"])]
            if not owed:
                continue
            due = min(dt.date.fromisoformat(p["due"]) for p in owed)
            # a period not yet due (or passing without a record) is still open
            status = worst(["pass" if p["status"] == "not-due" else p["status"] for p in owed])
            items.append(
                DueItem(
                    due=due,
                    kind="checkpoint",
                    id=result["id"],
                    title=result["title"],
                    owner=result["owner"],
                    status="open" if status == "pass" else status,
                    overdue=due < as_of,
                    period=label,
                    path=result["source"]["path"],
                )
            )
    items += _plan_items(manual, covered, as_of)
    for nc in nonconformity_register(manual, as_of):  # those found by the date
        if nc.due is None or nc.state != "open":
            continue
        late = nc.days_late is not None
        status = "fail" if late else "open"  # as the nonconformities rule says once it is past due
        items.append(DueItem(nc.due, "nonconformity", nc.id, nc.title, nc.owner, status, late, None, nc.path))
    for review in doc["documents"]:
        policy = manual.policies.get(review["id"])
        if review["next_review"] is None or policy is None:
            continue
        due = dt.date.fromisoformat(review["next_review"])
        title = f"{review['doc_no'] or review['id']} {review['title']}"
        items.append(
            DueItem(
                due, "document", review["id"], title, policy.owner, review["status"], due < as_of, None, review["path"]
            )
        )
    return sorted(items, key=lambda i: (i.due, i.kind, i.id, i.period or ""))


def _plan_items(manual: Manual, covered: set[tuple[str, str]], as_of: dt.date) -> list[DueItem]:
    """Scheduled months no checkpoint result looks at, unless a record of the row's type, made by the
    evaluation date, is dated in the month or labelled with it."""
    referring: dict[str, set[str]] = {}
    for checkpoint in manual.checkpoints.values():
        for rule in checkpoint.requires:
            if isinstance(rule.due, str) and "#" in rule.due:
                referring.setdefault(rule.due, set()).add(checkpoint.id)
    months: dict[str, set[str]] = {}  # evidence type -> months its records fill by the evaluation date
    for record in manual.evidence.values():
        if record.date is not None and record.date <= as_of:
            months.setdefault(record.type, set()).update(_months(record))
    items = []
    for plan in sorted(manual.plans.values(), key=lambda p: p.id):
        for row in plan.schedule:
            checkpoints = referring.get(f"{plan.id}#{row.id}", set())
            for month in row.due:
                if any((cp, month) in covered for cp in checkpoints) or month in months.get(row.produces, ()):
                    continue
                due = month_end(month)
                items.append(
                    DueItem(
                        due=due,
                        kind="plan",
                        id=f"{plan.id}#{row.id}",
                        title=row.activity,
                        owner=row.owner,
                        status="missing" if due < as_of else "scheduled",
                        overdue=due < as_of,
                        period=month,
                        path=plan.source.rel,
                    )
                )
    return items


def _months(record: Evidence) -> set[str]:
    """The month a record is dated in, and the one its period label names, if a month."""
    assert record.date is not None
    return {record.date.isoformat()[:7], *([record.period] if record.period else [])}


def month_end(month: str) -> dt.date:
    """'2025-04' -> 2025-04-30."""
    year, mon = (int(x) for x in month.split("-"))
    return dt.date(year + mon // 12, mon % 12 + 1, 1) - dt.timedelta(days=1)
