"""Custom checks named by checkpoints as `check: custom:<function>`.

A check gets the checkpoint, the evidence records that bear on it, the manual
and the evaluation date, and returns an `Outcome`.
"""

from __future__ import annotations

import datetime as dt

from ..i18n import _
from ..model import Checkpoint, Evidence, Manual
from ..results import Outcome

PLAN_GRACE_DAYS = 31  # a year's plan may be approved during its first month


def annual_plan_in_force(checkpoint: Checkpoint, evidence: list[Evidence], manual: Manual, as_of: dt.date) -> Outcome:
    """The year of `as_of` has a plan schedule whose controlled document is effective and approved."""
    year = as_of.year
    plans = [p for p in manual.plans.values() if p.year == year]
    for plan in plans:
        document = manual.policies.get(plan.document or "")
        if document is None or document.status != "effective":
            continue
        approved = [r for r in document.revisions if r.approved and r.approved <= as_of]
        if approved:
            last = approved[-1]
            message = _("{plan} ({doc_no} {version}) approved {date} by {name}")
            return Outcome(
                "pass",
                message.format(
                    plan=plan.id,
                    doc_no=document.doc_no,
                    version=last.version,
                    date=last.approved,
                    name=last.approved_by,
                ),
            )
    deadline = dt.date(year, 1, 1) + dt.timedelta(days=PLAN_GRACE_DAYS - 1)
    found = ", ".join(p.id for p in plans) or _("none")
    if as_of <= deadline:
        message = _("no approved {year} plan yet (plans for {year}: {plans}); due {due}")
        return Outcome("due-soon", message.format(year=year, plans=found, due=deadline))
    message = _("no approved, effective quality plan for {year} (plans for {year}: {plans})")
    return Outcome("fail", message.format(year=year, plans=found))
