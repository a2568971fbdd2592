"""Declarative checkpoint rules, each evaluated as of a date into an `Outcome`."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..cache import BuildCache, stamp
from ..i18n import _, ngettext
from ..loading.data import DataCache, DataError
from ..loading.loader import relpath
from ..model import Checkpoint, Evidence, Manual, Nonconformity, Project, Rule, Waiver
from ..results import SEVERITY_ORDER, Outcome, PeriodResult, worst
from .asof import as_of_view, end_of, held_in, key_column, newer_keys
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
    _ncs: dict[str, list[Nonconformity]] | None = None
    _projects: list[Project] | None = None
    _replaced: dict[str, dict[str, pd.Index]] = field(default_factory=dict)
    _viewed: dict[str, list[tuple[str, pd.DataFrame]]] = field(default_factory=dict)
    # What each checkpoint's result verified: the same for every date, so shared by the
    # contexts of one evaluation (the trend's month ends).
    verified: dict[str, Any] = field(default_factory=dict)

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
        effective dates), roles (audit scope), plans (schedules), projects and where records begin."""
        if self._shared is None:
            m = self.manual
            self._shared = tuple(
                tuple(o.source.version for o in objects.values())
                for objects in (m.policies, m.roles, m.plans, m.projects)
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
        """Each data file of a record (path relative to the manual, typed rows) as it stood
        at the end of the evaluation date (checks.evaluating.asof): rows not yet there and
        events not yet happened left out, rows a newer record holds (by key) replaced.
        Read once per evaluation; a DataError names the file, column and row."""
        key = key_column(self.manual.evidence_types[record.type].data_columns)
        replaced = self._replaced_keys(record.type, key).get(record.id) if key else None
        for rel, frame in self._views(record):
            if replaced is not None and len(replaced):
                frame = frame[~held_in(frame[key], replaced)]
            yield rel, frame

    def _views(self, record: Evidence) -> list[tuple[str, pd.DataFrame]]:
        """The record's data files as of the date (once per evaluation: KPIs, row rules and
        the keys of newer records all ask)."""
        if record.id not in self._viewed:
            columns = self.manual.evidence_types[record.type].data_columns
            views = []
            for path in record.data_files:
                rel = relpath(path, self.manual.root)
                views.append((rel, as_of_view(self.data.table(path, columns, rel, record.type), columns, self.as_of)))
            self._viewed[record.id] = views
        return self._viewed[record.id]

    def _replaced_keys(self, type_id: str, key: str) -> dict[str, pd.Index]:
        """For each record of a keyed type, the keys of its rows that newer records hold."""
        if type_id not in self._replaced:
            newest_first = self.records_of(type_id)[::-1]
            keys = [_keys(self._views(r), key) for r in newest_first] if len(newest_first) > 1 else []
            self._replaced[type_id] = {r.id: k for r, k in zip(newest_first, newer_keys(keys), strict=False)}
        return self._replaced[type_id]

    def nonconformities_of(self, record_id: str) -> list[Nonconformity]:
        """The nonconformities found in a record (grouped once per evaluation)."""
        if self._ncs is None:
            grouped: dict[str, list[Nonconformity]] = defaultdict(list)
            for nc in sorted(self.manual.nonconformities.values(), key=lambda n: n.id):
                if nc.found_in:
                    grouped[nc.found_in].append(nc)
            self._ncs = dict(grouped)
        return self._ncs.get(record_id, [])

    @property
    def projects(self) -> list[Project]:
        """The project register, by id."""
        if self._projects is None:
            self._projects = sorted(self.manual.projects.values(), key=lambda p: p.id)
        return self._projects

    def type_title(self, type_id: str) -> str:
        etype = self.manual.evidence_types.get(type_id)
        return _("{title} ({id})").format(title=etype.title, id=type_id) if etype else type_id

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


def _keys(views: list[tuple[str, pd.DataFrame]], key: str) -> pd.Series:
    """The key column of a record's data files."""
    if len(views) == 1:
        return views[0][1][key]
    return pd.concat([frame[key] for _, frame in views] or [pd.Series([], dtype=object)])


def evaluate_rule(rule: Rule, cp: Checkpoint, ctx: Context) -> Outcome:
    if rule.evidence is not None:
        return evidence_rule(rule, cp, ctx)
    if rule.nonconformities is not None:
        return nonconformity_rule(rule.nonconformities, ctx)
    if rule.kpi is not None:
        from .kpis import kpi_rule  # kpis builds on this module

        return kpi_rule(rule.kpi, ctx)
    if rule.review is not None:
        from .doccontrol import review_rule  # as for kpis

        return review_rule(rule.review, ctx)
    return Outcome("error", _("rule names no evidence, nonconformities, kpi or review"))


# --- "N records of type T every P / by MM-DD / per plan occurrence" -----------------


@dataclass(frozen=True)
class _Occurrence:
    period: Period
    by_date_only: bool  # a 'due by MM-DD' window counts records by date, never by label
    subject: tuple[str, str] | None = None  # (field, value): only records whose field holds it count

    @property
    def name(self) -> str:
        """The period, or the project or record a `for_each` rule asks a record for."""
        if self.subject is None or self.subject[1] == self.period.label:
            return self.period.label
        return _("{subject} in {period}").format(subject=self.subject[1], period=self.period.label)


def _occurrences(rule: Rule, cp: Checkpoint, ctx: Context) -> tuple[list[_Occurrence], bool]:
    """The windows to look at, and whether every past one must be met (plan rows, and the
    projects or records a `for_each` rule names)."""
    windows, every_past = _windows(rule, ctx)
    for_each = rule.raw.get("for_each")
    if for_each is None:
        return windows, every_past
    as_of = ctx.as_of
    if for_each == "project" and rule.every:  # each project active in each period
        return [
            _Occurrence(w.period, w.by_date_only, ("project", p.id))
            for w in windows
            for p in ctx.projects
            if p.active_in(w.period.start, min(w.period.end, as_of))
        ], every_past
    span = parse_duration(rule.raw["within"])
    if for_each == "project":  # once per project, within `within` of its start
        started = [(p.id, p.start) for p in ctx.projects if p.start is not None and p.start <= as_of]
        return [_Occurrence(_window_after(day, span, pid), True, ("project", pid)) for pid, day in started], True
    # once per record of another type, by a record that names it in `field` within `within`
    where = for_each.get("where") or {}
    sources = [r for r in ctx.records_of(for_each["evidence"]) if not unmet_conditions(r.data, where, ctx.manual)]
    return [_Occurrence(_window_after(r.date, span, r.id), True, (for_each["field"], r.id)) for r in sources], True


def _window_after(start: dt.date | None, span: Duration, label: str) -> Period:
    assert start is not None
    end = span.after(start)
    return Period(start, end, end, label)


def _windows(rule: Rule, ctx: Context) -> tuple[list[_Occurrence], bool]:
    as_of, due = ctx.as_of, rule.due
    if due and "#" in due:
        plan_id, _sep, row_id = due.partition("#")
        plan = ctx.manual.plans[plan_id]
        row = next(r for r in plan.schedule if r.id == row_id)
        return [_Occurrence(month_period(m), False) for m in row.due], True
    if due:
        years = range(as_of.year - 1, as_of.year + 1)
        return [_Occurrence(yearly_by(y, due, rule.raw.get("from")), True) for y in years], False
    if rule.every:
        every = parse_duration(rule.every)
        months = calendar_unit(every)
        if months is None:  # rolling window
            start = every.before(as_of) + dt.timedelta(days=1)
            return [_Occurrence(Period(start, as_of, as_of, f"{start}..{as_of}"), True)], False
        current = calendar_period(as_of, months)
        previous = calendar_period(current.start - dt.timedelta(days=1), months)
        return [_Occurrence(previous, False), _Occurrence(current, False)], False
    return [_Occurrence(Period(dt.date.min, as_of, as_of, _("any time")), True)], False


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
        inside = window
    else:
        label = period.label  # most records are unlabelled or labelled for this period: `_in` says yes without a call
        inside = [r for r in window if r.period is None or r.period == label or _in(r, occ)]
        # Labelled for this period but dated outside it (e.g. a Q4 report written in January).
        late = [r for r in index.by_label.get(period.label, []) if r.date is not None and not period.contains(r.date)]
        inside = sorted(inside + late, key=_by_date) if late else inside
    if occ.subject is None:
        return inside
    name, value = occ.subject
    return [r for r in inside if r.data.get(name) == value]


def _by_date(record: Evidence) -> tuple[dt.date, str]:
    return (record.date or dt.date.min, record.id)


NOT_DUE = "not-due"  # a period's own status while nothing is owed for it yet (never a checkpoint's)


def evidence_rule(rule: Rule, cp: Checkpoint, ctx: Context) -> Outcome:
    as_of = ctx.as_of
    assert rule.evidence is not None
    where = rule.raw.get("where") or {}
    warn = parse_duration(rule.raw.get("warn", DEFAULT_WARN))
    occurrences, every_past = _occurrences(rule, cp, ctx)
    since = ctx.required_from(cp.clause)
    # A period due today is the latest due one: met today, or not late until tomorrow.
    past = [o for o in occurrences if o.period.due <= as_of and (since is None or o.period.due >= since)]
    if not every_past and past:
        past = [o for o in past if o.period == past[-1].period]  # the latest due period (for each subject)
    upcoming = [o for o in occurrences if o.period.due > as_of and o.period.start <= warn.after(as_of)]

    periods: list[PeriodResult] = []
    outcomes: list[tuple[str, str]] = []
    used: list[Evidence] = []
    what = ctx.type_title(rule.evidence)
    index = ctx.type_index(rule.evidence)
    own = _RecordChecks(rule, ctx)
    for occ in past + upcoming:
        inside = _records_in(index, occ)
        matching = [r for r in inside if not unmet_conditions(r.data, where, ctx.manual)] if where else inside
        name, due = occ.name, occ.period.due
        is_late = occ in past and due < as_of
        if len(matching) >= rule.count:
            status, reason = (
                "pass",
                _("{records} for {period}").format(records=", ".join(r.id for r in matching), period=name),
            )
            used += matching
        elif inside and len(inside) >= rule.count:
            bad = next(r for r in inside if r not in matching)
            status = "fail"
            reason = _("{record} ({period}) does not meet: {unmet}").format(
                record=bad.id, period=name, unmet="; ".join(unmet_conditions(bad.data, where, ctx.manual))
            )
            used += inside
        elif not is_late:
            soon = due <= warn.after(as_of)
            status = "due-soon" if soon else NOT_DUE
            reason = (
                _("{what} for {period} due {due}") if soon else _("{what} for {period} not due until {due}")
            ).format(what=what, period=name, due=due)
            used += inside
        else:
            have = _("{n} of {count}").format(n=len(inside), count=rule.count) if inside else _("no")
            opens = occ.period.start.replace(month=1, day=1) if rule.raw.get("from") else occ.period.start
            before = index.in_window(dt.date(1, 1, 1), opens - dt.timedelta(days=1))  # records of earlier periods
            newest = next((r for r in reversed(before) if not unmet_conditions(r.data, where, ctx.manual)), None)
            if newest is not None and not every_past and not inside and occ.subject is None:
                status = "stale"
                reason = _("newest {what} is {record} of {date}; none for {period}, due {due}").format(
                    what=what, record=newest.id, date=newest.date, period=name, due=due
                )
                used.append(newest)
            else:
                status = "missing"
                reason = _("{have} {what} for {period}, due {due}").format(have=have, what=what, period=name, due=due)
                used += inside
        # What the records that count say of themselves: their verdicts and their data rows.
        found = own.problems(matching if status == "pass" else inside)
        worse = [f for f in found if _rank(f[0]) < _rank(status)]
        if worse:
            status = min(worse, key=lambda f: _rank(f[0]))[0]
            reason = "; ".join(dict.fromkeys(r for s, r in worse if s == status))
        periods.append(
            PeriodResult(
                occ.period.label,
                occ.period.start,
                occ.period.end,
                due,
                status,
                tuple([r.id for r in inside]),
                occ.subject[1] if occ.subject else None,
            )
        )
        outcomes.append(("pass" if status == NOT_DUE else status, reason))

    if not outcomes:
        return Outcome("pass", _("nothing due yet ({what})").format(what=what), tuple(periods), ())
    status = worst([s for s, _r in outcomes])
    reasons = list(dict.fromkeys(r for s, r in outcomes if s == status))
    reason = (
        reasons[0]
        if len(reasons) == 1 or status == "pass"
        else _("{first} (also: {others})").format(first=reasons[0], others="; ".join(reasons[1:]))
    )
    return Outcome(status, reason, tuple(periods), tuple(dict.fromkeys([r.id for r in used])))


def _rank(status: str) -> int:
    return SEVERITY_ORDER.index("pass" if status == NOT_DUE else status)


class _RecordChecks:
    """A rule's checks of each record it counts: the `verdict` it states (a nonconforming
    one passes only through its nonconformities, closed and verified on time) and the
    `rows` of its data files. Worked out once per record, however many periods list it."""

    def __init__(self, rule: Rule, ctx: Context) -> None:
        self.verdict = rule.raw.get("verdict") or {}
        self.rows = rule.raw.get("rows")
        self.ctx = ctx
        self.seen: dict[str, list[tuple[str, str]]] = {}

    def problems(self, records: list[Evidence]) -> list[tuple[str, str]]:
        if not self.verdict and not self.rows:
            return []
        found = []
        for record in records:
            if record.id not in self.seen:
                self.seen[record.id] = self._verdict(record) + self._rows(record)
            found += self.seen[record.id]
        return found

    def _verdict(self, record: Evidence) -> list[tuple[str, str]]:
        unmet = unmet_conditions(record.data, self.verdict, self.ctx.manual) if self.verdict else []
        if not unmet:
            return []
        ncs = self.ctx.nonconformities_of(record.id)
        if not ncs:
            message = _("{record} records a nonconforming result ({unmet}) and no nonconformity refers to it")
            return [("fail", message.format(record=record.id, unmet="; ".join(unmet)))]
        return [state for nc in ncs if (state := nonconformity_state(nc, self.ctx.as_of)) is not None]

    def _rows(self, record: Evidence) -> list[tuple[str, str]]:
        if not self.rows:
            return []
        found = []
        try:
            for rel, frame in self.ctx.tables(record):
                found += _row_problems(rel, frame, self.rows, self.ctx.as_of, record.date)
        except DataError as exc:
            return [("error", str(exc))]
        return found


# --- conditions on record fields ------------------------------------------------------


def role_scope(manual: Manual, spec: dict[str, Any]) -> list[str]:
    """The roles a scope names: those with a duty in any of `roles_with_activity` (one
    activity or a list), of one of `role_types` when given (e.g. department, group)."""
    wanted = spec["roles_with_activity"]
    activities = {wanted} if isinstance(wanted, str) else set(wanted)
    types = spec.get("role_types")
    return sorted(
        r.id
        for r in manual.roles.values()
        if (types is None or r.type in types) and any(not activities.isdisjoint(d.activities) for d in r.duties)
    )


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
        message = _("{field} is {value}, expected {expected}")
        return None if value == expected else message.format(field=name, value=repr(value), expected=repr(expected))
    if op == "in":
        message = _("{field} is {value}, expected one of {expected}")
        return None if value in expected else message.format(field=name, value=repr(value), expected=expected)
    if op in ("min", "max"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return _("{field} is {value}, expected a number").format(field=name, value=repr(value))
        ok = value >= expected if op == "min" else value <= expected
        message = (
            _("{field} is {value}, expected at least {limit}")
            if op == "min"
            else _("{field} is {value}, expected at most {limit}")
        )
        return None if ok else message.format(field=name, value=value, limit=expected)
    if op == "nonempty":
        empty = value is None or value == "" or value == [] or value == {}
        message = _("{field} is empty") if empty else _("{field} is not empty")
        return None if empty != bool(expected) else message.format(field=name)
    if op == "includes":
        wanted = role_scope(manual, expected) if isinstance(expected, dict) else expected
        have = value if isinstance(value, list) else []
        lacking = [w for w in wanted if w not in have]
        return (
            _("{field} lacks {missing}").format(field=name, missing=", ".join(map(str, lacking))) if lacking else None
        )
    return _("unknown condition '{op}'").format(op=op)


# --- conditions on the rows of a record's data files -----------------------------------


def _row_problems(
    rel: str, frame: pd.DataFrame, rows: dict[str, Any], as_of: dt.date, recorded: dt.date | None
) -> list[tuple[str, str]]:
    """What the rows of one data file (as it stood on the date) break: rows that fail the
    rule, and rows whose event fell due after the file was written (`recorded`), which only
    a newer record can show."""
    bad, unknown = _row_violations(frame, rows, as_of, recorded or as_of)
    found = []
    if bad.any():
        found.append(
            (
                "fail",
                _("{file}: {count} row(s) fail, first at row {row}{rule}").format(
                    file=rel, count=int(bad.sum()), row=_file_row(frame, bad), rule=_describe_rows(rows)
                ),
            )
        )
    if unknown.any():
        found.append(
            (
                "missing",
                _(
                    "{file}: {count} row(s) fell due after the file was written on {date} "
                    "and no newer record shows them, first at row {row}{rule}"
                ).format(
                    file=rel,
                    count=int(unknown.sum()),
                    date=recorded,
                    row=_file_row(frame, unknown),
                    rule=_describe_rows(rows),
                ),
            )
        )
    return found


def _file_row(frame: pd.DataFrame, mask: np.ndarray) -> int:
    """The file row (header = 1) of the first row marked: frames keep the index of the file's rows."""
    return int(frame.index[mask.argmax()]) + 2


def _describe_rows(rows: dict[str, Any]) -> str:
    within = rows.get("within")
    if within:
        return _(" ({to} must be within {max} of {start})").format(
            to=within["to"], max=within["max"], start=within["from"]
        )
    return _(" ({columns} must not be empty)").format(columns=", ".join(rows.get("nonempty", [])))


def _row_violations(
    frame: pd.DataFrame, rows: dict[str, Any], as_of: dt.date, recorded: dt.date
) -> tuple[np.ndarray, np.ndarray]:
    """The rows that break the rule, and the rows whose event fell due after `recorded` (the
    file cannot show it) but by the end of `as_of`. In NumPy arrays: a log is read once but
    looked at on every date of the trend, and pandas' per-operation cost outweighs small files."""
    scope = np.ones(len(frame), dtype=bool)
    for name, condition in (rows.get("where") or {}).items():
        ops = condition if isinstance(condition, dict) else {"equals": condition}
        for op, expected in ops.items():
            column = frame[name]
            if op == "equals":
                holds = column == expected
            elif op == "in":
                holds = column.isin(expected)
            elif op == "min":
                holds = column >= expected
            elif op == "max":
                holds = column <= expected
            elif op == "nonempty":
                holds = column.notna() if expected else column.isna()
            else:
                continue
            scope &= holds.to_numpy(dtype=bool, na_value=False)
    bad = np.zeros(len(frame), dtype=bool)
    unknown = np.zeros(len(frame), dtype=bool)
    end_of_day = end_of(as_of).to_datetime64()
    written = end_of(min(recorded, as_of)).to_datetime64()
    within = rows.get("within")
    if within:
        start = frame[within["from"]].to_numpy(dtype="datetime64[ns]")
        finish = frame[within["to"]].to_numpy(dtype="datetime64[ns]")
        limit = _timedelta(parse_duration(within["max"])).to_timedelta64()
        happened = scope & ~np.isnat(start) & (start < end_of_day)
        deadline, blank = start + limit, np.isnat(finish)
        bad |= happened & ~blank & (finish - start > limit)
        bad |= happened & blank & (deadline < written)
        unknown |= happened & blank & (deadline >= written) & (deadline < end_of_day)
    for name in rows.get("nonempty", []):
        bad |= scope & frame[name].isna().to_numpy(dtype=bool)
    return bad, unknown


def _timedelta(duration: Duration) -> pd.Timedelta:
    if duration.total_months:
        raise ValueError(_("row windows must be given in weeks or days, e.g. P7D"))
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
    outcomes = [state for nc in items if (state := nonconformity_state(nc, as_of)) is not None]
    records = tuple(dict.fromkeys(nc.found_in for nc in items if nc.found_in))
    if not outcomes:
        what = (
            ngettext(
                "the {count} nonconformity closed and verified on time",
                "all {count} nonconformities closed and verified on time",
                len(items),
            ).format(count=len(items))
            if items
            else _("no nonconformities")
        )
        return Outcome("pass", what, (), records)
    status = worst([s for s, _r in outcomes])
    reasons = [r for s, r in outcomes if s == status]
    if len(reasons) > 1:
        return Outcome(
            status, _("{reason} (and {count} more)").format(reason=reasons[0], count=len(reasons) - 1), (), records
        )
    return Outcome(status, reasons[0], (), records)


def nonconformity_state(nc: Nonconformity, as_of: dt.date) -> tuple[str, str] | None:
    """What is wrong with one nonconformity as of a date (None: nothing, or nothing yet): it
    must be closed and verified by its due date."""
    assert nc.due is not None
    closed = nc.closed if nc.closed and nc.closed <= as_of else None
    verified = nc.verified if nc.verified and nc.verified <= as_of else None
    if nc.due >= as_of:
        if closed is None and nc.due <= parse_duration(DEFAULT_WARN).after(as_of):
            return "due-soon", _("{nc} is open, due {due}").format(nc=nc.id, due=nc.due)
        return None
    if closed is None:
        return "fail", _("{nc} is still open, {days} days past its due date {due}").format(
            nc=nc.id, days=(as_of - nc.due).days, due=nc.due
        )
    if closed > nc.due:
        return "fail", _("{nc} was closed {closed}, after its due date {due}").format(
            nc=nc.id, closed=closed, due=nc.due
        )
    if verified is None:
        return "fail", _("{nc} was closed {closed} but its correction is not verified").format(nc=nc.id, closed=closed)
    if verified > nc.due:
        return "fail", _("{nc} was verified {verified}, after its due date {due}").format(
            nc=nc.id, verified=verified, due=nc.due
        )
    return None
