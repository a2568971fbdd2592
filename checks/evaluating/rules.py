"""Declarative checkpoint rules, each evaluated as of a date into an `Outcome`."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..cache import BuildCache, stamp
from ..loading.data import DataCache, DataError
from ..loading.loader import relpath
from ..model import Checkpoint, Evidence, Manual, Rule, Waiver
from ..results import Outcome, PeriodResult, worst
from .periods import (
    Duration,
    Period,
    calendar_period,
    calendar_unit,
    label_months,
    month_period,
    parse_duration,
    period_from_label,
    yearly_by,
)

DEFAULT_WARN = "P30D"
DEFAULT_CHECK_TIMEOUT = 30.0


@dataclass(frozen=True)
class TypeIndex:
    """The records of one evidence type that exist on the evaluation date, ready for
    window lookups: sorted by date (for bisect) and grouped by their period label."""

    records: list[Evidence]
    dates: list[dt.date]
    by_label: dict[str, list[Evidence]]

    def in_window(self, start: dt.date, end: dt.date) -> list[Evidence]:
        return self.records[bisect_left(self.dates, start) : bisect_right(self.dates, end)]


@dataclass
class Context:
    """What every rule may look at: the manual, the date, and caches shared by all rules,
    so the evaluation stays linear in the number of records."""

    manual: Manual
    as_of: dt.date
    data: DataCache = field(default_factory=DataCache)
    check_timeout: float = DEFAULT_CHECK_TIMEOUT  # seconds a custom check may take
    _types: dict[str, TypeIndex] | None = None
    _satisfying: dict[str, list[Evidence]] | None = None
    _records_start: tuple[dt.date | None] | None = None
    refs: dict[str, Any] = field(default_factory=dict)  # evidence id -> its EvidenceRef in the results
    cache: BuildCache | None = None  # results kept between evaluations (mkdocs serve)
    _versions: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    _shared: tuple[Any, ...] | None = None
    _waivers: dict[str, list[Waiver]] | None = None
    kpi_values: dict[str, Any] = field(default_factory=dict)  # KPI id -> its values (checks.evaluating.kpis)

    def versions_of_type(self, type_id: str) -> tuple[Any, ...]:
        """What a rule over one evidence type reads: its records (and their data files) as of
        the date. Worked out once per type and evaluation, however many checkpoints ask."""
        if type_id not in self._versions:
            etype = self.manual.evidence_types.get(type_id)
            self._versions[type_id] = (
                etype.source.version if etype else 0,
                tuple((r.source.version, tuple(stamp(p) for p in r.data_files)) for r in self.records_of(type_id)),
            )
        return self._versions[type_id]

    def shared_versions(self) -> tuple[Any, ...]:
        """What any checkpoint may read besides its own evidence: the policies (clauses,
        effective dates), roles (audit scope), plans (schedules) and where records begin."""
        if self._shared is None:
            m = self.manual
            self._shared = tuple(
                tuple(o.source.version for o in objects.values()) for objects in (m.policies, m.roles, m.plans)
            ) + (self.records_start,)
        return self._shared

    def _index(self) -> dict[str, TypeIndex]:
        if self._types is None:
            grouped: dict[str, list[Evidence]] = defaultdict(list)
            satisfying: dict[str, list[Evidence]] = defaultdict(list)
            for record in sorted(self.manual.evidence.values(), key=_by_date):
                if record.date is None or record.date > self.as_of:
                    continue
                grouped[record.type].append(record)
                for cp_id in record.satisfies:
                    satisfying[cp_id].append(record)
            self._types = {}
            for type_id, records in grouped.items():
                labels: dict[str, list[Evidence]] = defaultdict(list)
                for record in records:
                    if record.period:
                        labels[record.period].append(record)
                self._types[type_id] = TypeIndex(records, [r.date for r in records if r.date], dict(labels))
            self._satisfying = dict(satisfying)
        return self._types

    def waivers_of(self, cp_id: str) -> list[Waiver]:
        """The waivers naming a checkpoint, by id (grouped once, not searched per checkpoint)."""
        if self._waivers is None:
            grouped: dict[str, list[Waiver]] = defaultdict(list)
            for waiver in sorted(self.manual.waivers.values(), key=lambda w: w.id):
                grouped[waiver.checkpoint].append(waiver)
            self._waivers = dict(grouped)
        return self._waivers.get(cp_id, [])

    def type_index(self, type_id: str) -> TypeIndex:
        return self._index().get(type_id) or TypeIndex([], [], {})

    def records_of(self, type_id: str) -> list[Evidence]:
        """Records of a type that exist as of the evaluation date, oldest first."""
        return self.type_index(type_id).records

    def satisfying(self, cp_id: str) -> list[Evidence]:
        """Records (as of the date) that declare they satisfy a checkpoint."""
        self._index()
        return (self._satisfying or {}).get(cp_id, [])

    def tables(self, record: Evidence) -> Iterator[tuple[str, pd.DataFrame]]:
        """Each data file of a record (path relative to the manual, typed rows), read once
        per evaluation; a DataError names the file, column and row."""
        columns = self.manual.evidence_types[record.type].data_columns
        for path in record.data_files:
            rel = relpath(path, self.manual.root)
            yield rel, self.data.table(path, columns, rel, record.type)

    def type_title(self, type_id: str) -> str:
        etype = self.manual.evidence_types.get(type_id)
        return f"{etype.title} ({type_id})" if etype else type_id

    def effective(self, clause: str) -> dt.date | None:
        policy = self.manual.policies.get(clause.partition("#")[0])
        return policy.effective if policy else None

    @property
    def records_start(self) -> dt.date | None:
        """Where the manual's evidence begins (the earliest record's period or date):
        nothing before it can be held here."""
        if self._records_start is None:
            dates = [period_from_label(r.period).start if r.period else r.date for r in self.manual.evidence.values()]
            known = [d for d in dates if d is not None]
            self._records_start = (min(known) if known else None,)
        return self._records_start[0]

    def required_from(self, clause: str) -> dt.date | None:
        """Periods due before this date are not required: the document was not in force, or
        the manual held no records yet."""
        dates = [d for d in (self.effective(clause), self.records_start) if d is not None]
        return max(dates) if dates else None


def evaluate_rule(rule: Rule, cp: Checkpoint, ctx: Context) -> Outcome:
    if rule.evidence is not None:
        return evidence_rule(rule, cp, ctx)
    if rule.nonconformities is not None:
        return nonconformity_rule(rule.nonconformities, ctx)
    if rule.kpi is not None:
        from .kpis import kpi_rule  # kpis builds on this module

        return kpi_rule(rule.kpi, ctx)
    return Outcome("error", "rule names no evidence, nonconformities or kpi")


# --- "N records of type T every P / by MM-DD / per plan occurrence" -----------------


@dataclass(frozen=True)
class _Occurrence:
    period: Period
    by_date_only: bool  # a 'due by MM-DD' window counts records by date, never by label


def _occurrences(rule: Rule, cp: Checkpoint, ctx: Context) -> tuple[list[_Occurrence], bool]:
    """The windows to look at, and whether every past one must be met (plan rows)."""
    as_of, due = ctx.as_of, rule.due
    if due and "#" in due:
        plan_id, _, row_id = due.partition("#")
        plan = ctx.manual.plans[plan_id]
        row = next(r for r in plan.schedule if r.id == row_id)
        return [_Occurrence(month_period(m), False) for m in row.due], True
    if due:
        years = range(as_of.year - 1, as_of.year + 1)
        return [_Occurrence(yearly_by(y, due), True) for y in years], False
    if rule.every:
        every = parse_duration(rule.every)
        months = calendar_unit(every)
        if months is None:  # rolling window
            start = every.before(as_of) + dt.timedelta(days=1)
            return [_Occurrence(Period(start, as_of, as_of, f"{start}..{as_of}"), True)], False
        current = calendar_period(as_of, months)
        previous = calendar_period(current.start - dt.timedelta(days=1), months)
        return [_Occurrence(previous, False), _Occurrence(current, False)], False
    return [_Occurrence(Period(dt.date.min, as_of, as_of, "any time"), True)], False


def _in(record: Evidence, occ: _Occurrence) -> bool:
    assert record.date is not None
    period = occ.period
    if occ.by_date_only or record.period is None:
        return period.contains(record.date)
    if record.period == period.label:
        return True
    # A label of another granularity (a yearly report for a half-year rule) says nothing here.
    return label_months(record.period) != label_months(period.label) and period.contains(record.date)


def _records_in(index: TypeIndex, occ: _Occurrence) -> list[Evidence]:
    """The records that count for an occurrence (the same as testing `_in` on every record),
    oldest first."""
    period = occ.period
    window = index.in_window(max(period.start, dt.date(1, 1, 1)), period.end)  # sorted as the index is
    if occ.by_date_only:
        return window
    label = period.label  # most records are unlabelled or labelled for this period: `_in` says yes without a call
    inside = [r for r in window if r.period is None or r.period == label or _in(r, occ)]
    # Labelled for this period but dated outside it (e.g. a Q4 report written in January).
    late = [r for r in index.by_label.get(period.label, []) if r.date is not None and not period.contains(r.date)]
    return sorted(inside + late, key=_by_date) if late else inside


def _by_date(record: Evidence) -> tuple[dt.date, str]:
    return (record.date or dt.date.min, record.id)


def evidence_rule(rule: Rule, cp: Checkpoint, ctx: Context) -> Outcome:
    as_of = ctx.as_of
    assert rule.evidence is not None
    where = rule.raw.get("where") or {}
    warn = parse_duration(rule.raw.get("warn", DEFAULT_WARN))
    occurrences, every_past = _occurrences(rule, cp, ctx)
    since = ctx.required_from(cp.clause)
    # A period due today is the latest due one: met today, or not late until tomorrow.
    past = [o for o in occurrences if o.period.due <= as_of and (since is None or o.period.due >= since)]
    if not every_past:
        past = past[-1:]
    upcoming = [o for o in occurrences if o.period.due > as_of and o.period.start <= warn.after(as_of)]

    periods: list[PeriodResult] = []
    outcomes: list[tuple[str, str]] = []
    used: list[Evidence] = []
    what = ctx.type_title(rule.evidence)
    index = ctx.type_index(rule.evidence)
    rows = rule.raw.get("rows")
    looked_at: dict[str, Evidence] = {}  # for `rows` only
    for occ in past + upcoming:
        inside = _records_in(index, occ)
        if rows:
            looked_at.update((r.id, r) for r in inside)
        matching = [r for r in inside if not unmet_conditions(r.data, where, ctx.manual)] if where else inside
        label, due = occ.period.label, occ.period.due
        is_late = occ in past and due < as_of
        if len(matching) >= rule.count:
            status, reason = "pass", f"{', '.join(r.id for r in matching)} for {label}"
            used += matching
        elif inside and len(inside) >= rule.count:
            bad = next(r for r in inside if r not in matching)
            status = "fail"
            reason = f"{bad.id} ({label}) does not meet: {'; '.join(unmet_conditions(bad.data, where, ctx.manual))}"
            used += inside
        elif not is_late:
            soon = due <= warn.after(as_of)
            status = "due-soon" if soon else "pass"
            reason = f"{what} for {label} due {due}" if soon else f"{what} for {label} not due until {due}"
            used += inside
        else:
            have = f"{len(inside)} of {rule.count}" if inside else "no"
            before = index.in_window(dt.date(1, 1, 1), occ.period.start - dt.timedelta(days=1))
            newest = next((r for r in reversed(before) if not unmet_conditions(r.data, where, ctx.manual)), None)
            if newest is not None and not every_past and not inside:
                status = "stale"
                reason = f"newest {what} is {newest.id} of {newest.date}; none for {label}, due {due}"
                used.append(newest)
            else:
                status, reason = "missing", f"{have} {what} for {label}, due {due}"
                used += inside
        periods.append(
            PeriodResult(label, occ.period.start, occ.period.end, due, status, tuple([r.id for r in inside]))
        )
        outcomes.append((status, reason))

    if rows:
        row_outcome = _rows_rule(rows, sorted(looked_at.values(), key=_by_date), ctx)
        if row_outcome is not None:
            outcomes.append(row_outcome)
    if not outcomes:
        return Outcome("pass", f"nothing due yet ({what})", tuple(periods), ())
    status = worst([s for s, _ in outcomes])
    reason = next(r for s, r in outcomes if s == status)
    return Outcome(status, reason, tuple(periods), tuple(dict.fromkeys([r.id for r in used])))


# --- conditions on record fields ------------------------------------------------------


def roles_with_activity(manual: Manual, activity: str) -> list[str]:
    return sorted(r.id for r in manual.roles.values() if any(activity in d.activities for d in r.duties))


def unmet_conditions(values: dict[str, Any], where: dict[str, Any], manual: Manual) -> list[str]:
    """A readable line for each condition the values do not meet (empty when all hold)."""
    problems = []
    for name, condition in where.items():
        value = values.get(name)
        ops = condition if isinstance(condition, dict) else {"equals": condition}
        for op, expected in ops.items():
            problem = _check(op, expected, value, name, manual)
            if problem:
                problems.append(problem)
    return problems


def _check(op: str, expected: Any, value: Any, name: str, manual: Manual) -> str | None:
    if op == "equals":
        return None if value == expected else f"{name} is {value!r}, expected {expected!r}"
    if op == "in":
        return None if value in expected else f"{name} is {value!r}, expected one of {expected}"
    if op in ("min", "max"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return f"{name} is {value!r}, expected a number"
        ok = value >= expected if op == "min" else value <= expected
        return None if ok else f"{name} is {value}, expected {'at least' if op == 'min' else 'at most'} {expected}"
    if op == "nonempty":
        empty = value is None or value == "" or value == [] or value == {}
        return None if empty != bool(expected) else f"{name} is {'empty' if empty else 'not empty'}"
    if op == "includes":
        wanted = (
            roles_with_activity(manual, expected["roles_with_activity"]) if isinstance(expected, dict) else expected
        )
        have = value if isinstance(value, list) else []
        lacking = [w for w in wanted if w not in have]
        return f"{name} lacks {', '.join(map(str, lacking))}" if lacking else None
    return f"unknown condition '{op}'"


# --- conditions on the rows of a record's data files -----------------------------------


def _rows_rule(rows: dict[str, Any], records: list[Evidence], ctx: Context) -> tuple[str, str] | None:
    violations: list[str] = []
    try:
        for record in records:
            for rel, frame in ctx.tables(record):
                count, first = _row_violations(frame, rows, ctx.as_of)
                if count:
                    violations.append(f"{rel}: {count} row(s) fail, first at row {first}")
    except DataError as exc:
        return "error", str(exc)
    if violations:
        return "fail", "; ".join(violations) + _describe_rows(rows)
    return None


def _describe_rows(rows: dict[str, Any]) -> str:
    within = rows.get("within")
    if within:
        return f" ({within['to']} must be within {within['max']} of {within['from']})"
    return f" ({', '.join(rows.get('nonempty', []))} must not be empty)"


def _row_violations(frame: pd.DataFrame, rows: dict[str, Any], as_of: dt.date) -> tuple[int, int | None]:
    """How many rows break the rule, and the file row (header = 1) of the first."""
    scope = pd.Series(True, index=frame.index)
    for name, condition in (rows.get("where") or {}).items():
        ops = condition if isinstance(condition, dict) else {"equals": condition}
        for op, expected in ops.items():
            column = frame[name]
            if op == "equals":
                scope &= column == expected
            elif op == "in":
                scope &= column.isin(expected)
            elif op == "min":
                scope &= column >= expected
            elif op == "max":
                scope &= column <= expected
            elif op == "nonempty":
                scope &= column.notna() if expected else column.isna()
    bad = pd.Series(False, index=frame.index)
    end_of_day = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    within = rows.get("within")
    if within:
        start, finish = frame[within["from"]], frame[within["to"]]
        limit = _timedelta(parse_duration(within["max"]))
        happened = scope & start.notna() & (start < end_of_day)
        late = happened & finish.notna() & (finish - start > limit)
        overdue = happened & finish.isna() & (start + limit < end_of_day)
        bad |= late | overdue
    for name in rows.get("nonempty", []):
        bad |= scope & frame[name].isna()
    count = int(bad.sum())
    return count, (int(bad.to_numpy().argmax()) + 2 if count else None)


def _timedelta(duration: Duration) -> pd.Timedelta:
    if duration.total_months:
        raise ValueError("row windows must be given in weeks or days, e.g. P7D")
    return pd.Timedelta(days=duration.days)


# --- "every nonconformity closed and verified by its due date" ---------------------------


def nonconformity_rule(scope: dict[str, Any], ctx: Context) -> Outcome:
    manual, as_of = ctx.manual, ctx.as_of
    found_type, clause = scope.get("evidence"), scope.get("clause")
    items = []
    for nc in sorted(manual.nonconformities.values(), key=lambda n: n.id):
        source = manual.evidence.get(nc.found_in or "")
        if found_type and (source is None or source.type != found_type):
            continue
        if clause and nc.clause != clause:
            continue
        if source is not None and source.date is not None and source.date > as_of:
            continue  # not found yet on that date
        items.append(nc)
    outcomes: list[tuple[str, str]] = []
    for nc in items:
        assert nc.due is not None
        closed = nc.closed if nc.closed and nc.closed <= as_of else None
        verified = nc.verified if nc.verified and nc.verified <= as_of else None
        if nc.due >= as_of:
            if closed is None and nc.due <= parse_duration(DEFAULT_WARN).after(as_of):
                outcomes.append(("due-soon", f"{nc.id} is open, due {nc.due}"))
            continue
        if closed is None:
            outcomes.append(("fail", f"{nc.id} is still open, {(as_of - nc.due).days} days past its due date {nc.due}"))
        elif closed > nc.due:
            outcomes.append(("fail", f"{nc.id} was closed {closed}, after its due date {nc.due}"))
        elif verified is None:
            outcomes.append(("fail", f"{nc.id} was closed {closed} but its correction is not verified"))
    records = tuple(dict.fromkeys(nc.found_in for nc in items if nc.found_in))
    if not outcomes:
        what = f"all {len(items)} nonconformities closed and verified on time" if items else "no nonconformities"
        return Outcome("pass", what, (), records)
    status = worst([s for s, _ in outcomes])
    reasons = [r for s, r in outcomes if s == status]
    more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
    return Outcome(status, reasons[0] + more, (), records)
