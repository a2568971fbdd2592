"""Every checkpoint can fail: for each checkpoint of this repository's manual, mutations of
the evidence derived from its rules (drop the records of a period, break a `where`
condition, record a nonconforming verdict without a nonconformity, move a date out of its
window, remove one project's record, break a row of a data file, open a nonconformity past
its due date, push a KPI under its target, take a document's review away) must each make
its status one that fails CI. Checkpoints for which nothing can be derived are listed; for
this manual the list is empty.

Everything runs in-process on the loaded manual: a mutation replaces a few objects (or the
frame of a data file) in a copy of the manual, and only the mutated checkpoint is evaluated.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from checks import load_manual
from checks.cache import stamp
from checks.evaluating.asof import end_of
from checks.evaluating.doccontrol import POLICY_REVIEW
from checks.evaluating.evaluate import GitInfo, evaluate_checkpoint
from checks.evaluating.periods import parse_duration
from checks.evaluating.rules import Context, role_scope
from checks.loading.data import DataCache
from checks.loading.loader import relpath
from checks.model import Checkpoint, Evidence, Manual, Nonconformity, Rule
from checks.results import DEFAULT_FAIL_ON, CheckpointResult
from conftest import REPO

# The day after the sample's compliant year: every period of 2025 is due, none of 2026 yet.
AS_OF = dt.date(2026, 1, 1)


@dataclass
class Mutation:
    what: str
    records: Mapping[str, Evidence | None] = field(default_factory=dict)  # id -> replacement (None: removed)
    ncs: Mapping[str, Nonconformity | None] = field(default_factory=dict)
    policies: Mapping[str, Any] = field(default_factory=dict)
    frames: Mapping[Path, pd.DataFrame] = field(default_factory=dict)  # data file -> its rows, replaced


@dataclass
class Subject:
    """The manual, its data files as read, and each checkpoint's result before any mutation."""

    manual: Manual
    data: DataCache
    baseline: dict[str, CheckpointResult]

    def context(self, manual: Manual | None = None, data: DataCache | None = None) -> Context:
        return Context(manual or self.manual, AS_OF, data=data or self.data)

    def evaluate(self, cp: Checkpoint, mutation: Mutation) -> CheckpointResult:
        manual = copy.copy(self.manual)
        manual.evidence = _replaced(self.manual.evidence, mutation.records)
        manual.nonconformities = _replaced(self.manual.nonconformities, mutation.ncs)
        manual.policies = {**self.manual.policies, **mutation.policies}
        data = DataCache(tables=dict(self.data.tables))
        for path, frame in mutation.frames.items():
            etype = next(t for t in manual.evidence_types.values() if _reads(manual, t.id, path))
            data.tables[(path, etype.data_columns)] = (stamp(path), frame)
        return evaluate_checkpoint(cp, self.context(manual, data), GitInfo())


def _replaced(objects: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**objects, **changes}
    return {k: v for k, v in merged.items() if v is not None}


def _reads(manual: Manual, type_id: str, path: Path) -> bool:
    return any(path in r.data_files for r in manual.evidence.values() if r.type == type_id)


@pytest.fixture(scope="module")
def subject() -> Subject:
    loaded = load_manual(REPO)
    assert loaded.valid
    data = DataCache()
    ctx = Context(loaded.manual, AS_OF, data=data)
    baseline = {cp.id: evaluate_checkpoint(cp, ctx, GitInfo()) for cp in loaded.manual.checkpoints.values()}
    return Subject(loaded.manual, data, baseline)


# --- mutations derived from a checkpoint's rules ---------------------------------------------


def mutations(cp: Checkpoint, s: Subject) -> Iterator[Mutation]:
    for index, rule in enumerate(cp.requires):
        if rule.evidence is not None:
            yield from _evidence_mutations(cp, index, rule, s)
        elif rule.nonconformities is not None:
            yield from _nonconformity_mutations(rule, s)
        elif rule.kpi is not None:
            yield from _kpi_mutations(rule, s)
        elif rule.review is not None:
            yield from _review_mutations(rule, s)


def _counted(cp: Checkpoint, rule: Rule, s: Subject) -> tuple[list[Evidence], str]:
    """The records of the rule's type in the latest period (or window) due by AS_OF, of one
    project or asking record when the rule asks for one each."""
    periods = [p for p in s.baseline[cp.id].periods if p.due <= AS_OF]
    if not periods:
        return [], ""
    last = periods[-1]
    chosen = [p for p in periods if (p.label, p.subject) == (last.label, last.subject)]
    ids = {r for p in chosen for r in p.records}
    records = [s.manual.evidence[r] for r in sorted(ids) if s.manual.evidence[r].type == rule.evidence]
    return records, f"{last.label}" + (f" for {last.subject}" if last.subject else "")


def _evidence_mutations(cp: Checkpoint, index: int, rule: Rule, s: Subject) -> Iterator[Mutation]:
    records, period = _counted(cp, rule, s)
    if not records:
        return
    yield Mutation(f"rule {index}: drop the records of {period}", records={r.id: None for r in records})
    yield Mutation(
        f"rule {index}: move the records of {period} out of its window",
        records={r.id: _moved(r, s.baseline[cp.id], period) for r in records},
    )
    for key in ("where", "verdict"):
        for name, condition in (rule.raw.get(key) or {}).items():
            ops = condition if isinstance(condition, dict) else {"equals": condition}
            for op, expected in ops.items():
                broken = {r.id: _with(r, name, _breaking(op, expected, r.data.get(name), s.manual)) for r in records}
                # a nonconforming verdict, and no nonconformity that follows it up
                ncs = {n.id: None for r in records for n in s.manual.nonconformities.values() if n.found_in == r.id}
                yield Mutation(f"rule {index}: break {key} {name} {op} in {period}", records=broken, ncs=ncs)
    if rule.raw.get("rows"):
        frames = _broken_rows(rule.raw["rows"], records, s)
        if frames:
            yield Mutation(f"rule {index}: break a row of {period}", frames=frames)


def _moved(record: Evidence, result: CheckpointResult, period: str) -> Evidence:
    """The record dated the day before its period opened, and no longer labelled for it."""
    start = min(p.start for p in result.periods if p.due <= AS_OF and period.startswith(p.label))
    day = start - dt.timedelta(days=1)
    data = {k: v for k, v in record.data.items() if k != "period"} | {"date": day}
    return dataclasses.replace(record, date=day, period=None, data=data)


def _with(record: Evidence, name: str, value: Any) -> Evidence:
    return dataclasses.replace(record, data={**record.data, name: value})


def _breaking(op: str, expected: Any, current: Any, manual: Manual) -> Any:
    """A value of the field that breaks the condition."""
    if op == "equals":
        return (not expected) if isinstance(expected, bool) else f"not {expected}"
    if op == "in":
        return "none of them"
    if op == "min":
        return expected - 1
    if op == "max":
        return expected + 1
    if op == "nonempty":
        return ([] if isinstance(current, list) else None) if expected else "filled in"
    if op == "includes":
        wanted = role_scope(manual, expected) if isinstance(expected, dict) else expected
        return [v for v in current or [] if v != wanted[0]]
    raise AssertionError(f"no mutation for condition {op}")


def _broken_rows(rows: dict[str, Any], records: list[Evidence], s: Subject) -> dict[Path, pd.DataFrame]:
    """One row in scope, in the newest record that shows one, made to break the rule."""
    ctx = s.context()
    for record in reversed(records):
        for path, (rel, shown) in zip(record.data_files, ctx.tables(record), strict=True):
            scope = pd.Series(True, index=shown.index)
            for name, value in (rows.get("where") or {}).items():
                scope &= shown[name] == (value if not isinstance(value, dict) else value.get("equals"))
            within = rows.get("within")
            if within:
                scope &= shown[within["from"]].notna()
            if not scope.any():
                continue
            at = scope.index[scope.to_numpy().argmax()]
            columns = s.manual.evidence_types[record.type].data_columns
            frame = s.data.table(path, columns, rel).copy()
            if within:
                late = frame.at[at, within["from"]] + pd.Timedelta(days=parse_duration(within["max"]).days + 1)
                # late, yet written by the record's date: a later time is not seen as of it
                frame.at[at, within["to"]] = min(late, end_of(record.date or AS_OF) - pd.Timedelta(seconds=1))
            for name in rows.get("nonempty", []):
                frame[name] = frame[name].where(frame.index != at)
            return {path: frame}
    return {}


def _nonconformity_mutations(rule: Rule, s: Subject) -> Iterator[Mutation]:
    """A nonconformity found in a record of the scope, open and past its due date."""
    scope = rule.nonconformities or {}
    due = AS_OF - dt.timedelta(days=10)
    found = [r for r in s.context().records_of(scope.get("evidence") or "") if r.date is not None and r.date < due]
    if not found:
        return
    nc = Nonconformity(
        id="NC-MUTATED",
        kind="nonconformity",
        source=found[-1].source,
        data={},
        title="mutated",
        found_in=found[-1].id,
        clause=scope.get("clause"),
        owner="quality-group",
        due=due,
        status="open",
    )
    yield Mutation(f"an open nonconformity found in {found[-1].id}, past its due date", ncs={nc.id: nc})


def _kpi_mutations(rule: Rule, s: Subject) -> Iterator[Mutation]:
    """The KPI's source data with every number, yes/no and list at zero: under any '>=' target."""
    kpi = s.manual.kpis[rule.kpi or ""]
    etype = s.manual.evidence_types[kpi.source_type]
    records = s.context().records_of(kpi.source_type)
    if not records or not (kpi.target or "").startswith(">"):
        return
    if not etype.data_columns:
        zeroed = {r.id: dataclasses.replace(r, data={k: _zero(v) for k, v in r.data.items()}) for r in records}
        yield Mutation(f"KPI {kpi.id}: its records' values at zero", records=zeroed)
        return
    frames = {}
    for record in records:
        for path in record.data_files:
            frame = s.data.table(path, etype.data_columns, relpath(path, s.manual.root)).copy()
            for column in etype.data_columns:
                if column.type in ("integer", "number"):
                    frame[column.name] = 0
                elif column.type == "boolean":
                    frame[column.name] = pd.array([False] * len(frame), dtype="boolean")
            frames[path] = frame
    yield Mutation(f"KPI {kpi.id}: its data at zero", frames=frames)


def _zero(value: Any) -> Any:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return 0
    return [] if isinstance(value, list) else value


def _review_mutations(rule: Rule, s: Subject) -> Iterator[Mutation]:
    """The document's review taken away: its review records gone, its review.last unset."""
    policy = s.manual.policies[rule.review or ""]
    assert policy.review is not None
    gone = {
        r.id: None for r in s.manual.evidence.values() if r.type == POLICY_REVIEW and r.data.get("policy") == policy.id
    }
    unreviewed = dataclasses.replace(policy, review=dataclasses.replace(policy.review, last=None))
    yield Mutation(f"no review of {policy.id} since its last approval", records=gone, policies={policy.id: unreviewed})


# --- the test -----------------------------------------------------------------------------------


def test_every_checkpoint_can_fail(subject: Subject) -> None:
    underived, survived = [], []
    for cp in sorted(subject.manual.checkpoints.values(), key=lambda c: c.id):
        derived = list(mutations(cp, subject))
        if not derived:
            underived.append(cp.id)
        for mutation in derived:
            result = subject.evaluate(cp, mutation)
            if result.status not in DEFAULT_FAIL_ON:
                survived.append(f"{cp.id}: {mutation.what} -> {result.status} ({result.reason})")
    assert survived == [], "mutations the checkpoint did not notice:\n" + "\n".join(survived)
    assert underived == [], f"no mutation could be derived for: {', '.join(underived)}"


def test_the_baseline_passes(subject: Subject) -> None:
    """The mutations start from a manual whose checkpoints pass (the policy's review falls due
    on 2026-01-08: due soon)."""
    not_passing = [f"{r.id}: {r.status}" for r in subject.baseline.values() if r.status != "pass"]
    assert not_passing == ["cp-policy-annual-review: due-soon"]
