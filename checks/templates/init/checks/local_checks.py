"""This manual's own checks, named in policy/checkpoints/*.yaml as
`check: checks/local_checks.py:FUNCTION`.

A check is called with, by name,
- `checkpoint`: the checkpoint being evaluated (its `id`, `clause`, `requires`...);
- `evidence`: the records that exist on the evaluation date and either list the
  checkpoint in `satisfies` or are of an evidence type its `requires` rules name;
- `manual`: the whole manual;
- `as_of`: the evaluation date,
and returns an `Outcome(status, reason, records=(ids of the records it used,))`, status
one of pass, fail, missing, stale, due-soon, error. The checkpoint takes the worst of its
rules and its check; a check that raises makes it `error`, naming this file and line.
"""

from __future__ import annotations

import datetime as dt

from checks import Manual, Outcome
from checks.model import Checkpoint, Evidence


def auditor_is_independent(checkpoint: Checkpoint, evidence: list[Evidence], manual: Manual, as_of: dt.date) -> Outcome:
    """No internal audit report has an auditor from a department it audited."""
    reports = [r for r in evidence if r.type == "internal-audit-report"]
    if not reports:
        # Whether a report is due is the `requires` rule's to say; this check judges reports.
        return Outcome("pass", "尚无内审报告，无需判断审核员的独立性")
    own = [r for r in reports if r.data.get("auditor") in (r.data.get("audited_departments") or [])]
    if own:
        names = "、".join(f"{r.id}（{r.data['auditor']}）" for r in own)
        return Outcome("fail", f"内审员审核了本部门的工作：{names}", records=tuple(r.id for r in own))
    return Outcome("pass", f"{len(reports)} 份内审报告的内审员均不属于受审核部门", records=tuple(r.id for r in reports))
