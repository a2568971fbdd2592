"""KPIs: values per period computed from evidence data, verdicts against targets.

Each `compute` function takes the source data as one DataFrame and a period,
and returns a `Measure` (or None when the period has no data). The functions
are deliberately small: one indicator each, as the policy writes its formula.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..i18n import N_, _
from ..loading.data import DataError
from ..loading.localcode import describe_raise
from ..loading.references import resolve_function
from ..model import Kpi, Manual
from ..results import Outcome
from .periods import Period, calendar_period, period_from_label
from .rules import Context, role_scope

KPI_MISS_ANALYSIS = "kpi-miss-analysis"  # evidence type: cause and action for a missed target
PERIOD_MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}
_TARGET = re.compile(r"^(>=|<=|>|<|==)\s*(-?\d+(?:\.\d+)?)$")
_OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq}


@dataclass(frozen=True)
class Measure:
    value: float
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class KpiValue:
    period: Period
    measure: Measure | None
    verdict: str  # met / missed / no-target / no-data
    partial: bool  # the period has not ended as of the evaluation date
    analysis: str | None = None  # id of the miss analysis record, if any
    reason: str | None = None  # why a period has no data, when a data file says why


def verdict(target: str | None, measure: Measure | None) -> str:
    if measure is None:
        return "no-data"
    if not target:
        return "no-target"
    match = _TARGET.match(target.strip())
    if match is None:
        raise ValueError(f"bad target {target!r}")
    op, bound = match.groups()
    return "met" if _OPS[op](round(measure.value, 6), float(bound)) else "missed"


# --- the source data -----------------------------------------------------------------


def source_frame(kpi: Kpi, ctx: Context) -> pd.DataFrame:
    """All data of the KPI's source type as of the date, as one DataFrame.

    A type with data columns gives its rows; a type without gives one row per
    record with the record's fields (e.g. the audited departments of an audit).
    """
    manual = ctx.manual
    etype = manual.evidence_types[kpi.source_type]
    records = ctx.records_of(kpi.source_type)
    if not etype.data_columns:
        rows = [
            {**r.data, "id": r.id, "date": pd.Timestamp(r.date) if r.date else pd.NaT, "period": r.period}
            for r in records
        ]
        return pd.DataFrame(rows)
    frames = [frame for record in records for _, frame in ctx.tables(record)]
    if not frames:
        return pd.DataFrame(columns=[c.name for c in etype.data_columns])
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    # Sorted by its first date column, periods of that column are slices (see _within).
    dated = [c.name for c in etype.data_columns if c.type in ("date", "datetime")]
    if dated and not frame[dated[0]].is_monotonic_increasing and frame[dated[0]].notna().all():
        frame = frame.sort_values(dated[0], kind="stable", ignore_index=True)
    return frame


def kpi_periods(kpi: Kpi, as_of: dt.date, since: dt.date | None = None, years: int = 2) -> list[Period]:
    """The periods of the last `years` calendar years up to the one holding `as_of`,
    leaving out those that ended before `since` (the manual's first record)."""
    months = PERIOD_MONTHS[kpi.period]
    periods = []
    period = calendar_period(as_of, months)
    first = dt.date(as_of.year - years + 1, 1, 1)
    while period.start >= first and (since is None or period.end >= since):
        periods.append(period)
        period = calendar_period(period.start - dt.timedelta(days=1), months)
    return sorted(periods)


def evaluate_kpi(kpi: Kpi, ctx: Context) -> list[KpiValue]:
    """The KPI's values, computed once per evaluation however many checkpoints name it."""
    if kpi.id not in ctx.kpi_values:
        ctx.kpi_values[kpi.id] = _evaluate_kpi(kpi, ctx)
    values: list[KpiValue] = ctx.kpi_values[kpi.id]
    return values


def _evaluate_kpi(kpi: Kpi, ctx: Context) -> list[KpiValue]:
    func = resolve_function(kpi.compute, ctx.manual.root)
    frame = source_frame(kpi, ctx)
    analyses = _analyses(ctx, kpi.id)
    empty = _header_only(kpi, ctx)
    values = []
    for period in kpi_periods(kpi, ctx.as_of, ctx.records_start):
        measure = func(frame, period, ctx.manual) if len(frame) else None
        if measure is not None and not isinstance(measure, Measure):
            raise TypeError(f"{kpi.compute} returned {measure!r}, not a Measure")
        reason = next((why for window, why in empty if measure is None and _overlap(window, period)), None)
        values.append(
            KpiValue(
                period,
                measure,
                verdict(kpi.target, measure),
                period.end > ctx.as_of,
                analyses.get(period.label),
                reason,
            )
        )
    return values


def _header_only(kpi: Kpi, ctx: Context) -> list[tuple[Period, str]]:
    """The periods of the source records whose data files have a header but no rows, each
    with the sentence that says so (the files were read for the KPI's frame already)."""
    found = []
    for record in ctx.records_of(kpi.source_type):
        for rel, frame in ctx.tables(record):
            if frame.empty and record.date is not None:  # records without a date do not exist as of any day
                window = period_from_label(record.period) if record.period else calendar_period(record.date, 1)
                found.append((window, _("{file} has a header but no rows").format(file=rel)))
    return found


def _overlap(a: Period, b: Period) -> bool:
    return a.start <= b.end and b.start <= a.end


def _analyses(ctx: Context, kpi_id: str) -> dict[str, str]:
    found = {}
    for record in ctx.records_of(KPI_MISS_ANALYSIS):
        if record.data.get("kpi") == kpi_id:
            found[str(record.data.get("period") or record.period)] = record.id
    return found


def kpi_rule(kpi_id: str, ctx: Context) -> Outcome:
    """A checkpoint rule: the last complete period meets the target, or its miss is analysed."""
    kpi = ctx.manual.kpis[kpi_id]
    try:
        values = evaluate_kpi(kpi, ctx)
    except DataError as exc:
        return Outcome("error", str(exc))
    except Exception as exc:  # the KPI's function failed: say where
        return Outcome(
            "error", _("{kpi}: {problem}").format(kpi=kpi.id, problem=describe_raise(exc, ctx.manual.root, kpi.compute))
        )
    since = ctx.required_from(kpi.clause) if kpi.clause else ctx.records_start
    complete = [v for v in values if not v.partial and (since is None or v.period.end >= since)]
    if not complete:
        message = _(_NOTHING_COMPLETE.get(kpi.period, _NOTHING_COMPLETE["month"]))
        return Outcome("pass", message.format(kpi=kpi.title))
    last = complete[-1]
    facts = {"kpi": kpi.title, "period": last.period.label, "value": _show(kpi, last), "target": kpi.target}
    if last.verdict == "met":
        return Outcome("pass", _("{kpi} {period}: {value}, target {target}").format(**facts))
    if last.verdict == "no-target":
        return Outcome("pass", _("{kpi} {period}: {value} (monitored, no target)").format(**facts))
    if last.verdict == "no-data":
        return Outcome("missing", _("{kpi}: no data for {period}").format(**facts))
    if last.analysis:
        message = _("{kpi} {period}: {value} missed {target}; analysed in {record}")
        return Outcome("pass", message.format(record=last.analysis, **facts), (), (last.analysis,))
    return Outcome("fail", _("{kpi} {period}: {value} misses target {target} and has no miss analysis").format(**facts))


_NOTHING_COMPLETE = {
    "year": N_("{kpi}: no complete year yet"),
    "half": N_("{kpi}: no complete half year yet"),
    "quarter": N_("{kpi}: no complete quarter yet"),
    "month": N_("{kpi}: no complete month yet"),
}


def _show(kpi: Kpi, value: KpiValue) -> str:
    if value.measure is None:
        return _("no data")
    return f"{value.measure.value:.2f}{kpi.unit}" if kpi.unit != "%" else f"{value.measure.value:.2f}%"


def kpi_documents(ctx: Context) -> list[dict[str, Any]]:
    """KPI results for the canonical results document."""
    documents = []
    for kpi in sorted(ctx.manual.kpis.values(), key=lambda k: k.id):
        doc: dict[str, Any] = {
            "id": kpi.id,
            "title": kpi.title,
            "formula": kpi.formula,
            "target": kpi.target,
            "unit": kpi.unit,
            "period": kpi.period,
            "owner": kpi.owner,
            "source": kpi.source_type,
            "path": kpi.source.rel,
            "error": None,
            "values": [],
        }
        try:
            values = evaluate_kpi(kpi, ctx)
        except Exception as exc:  # one broken KPI must not hide the others
            failed = str(exc) if isinstance(exc, DataError) else describe_raise(exc, ctx.manual.root, kpi.compute)
            doc["error"] = failed
            values = []
        for value in values:
            m = value.measure
            doc["values"].append(
                {
                    "period": value.period.label,
                    "start": value.period.start.isoformat(),
                    "end": value.period.end.isoformat(),
                    "value": None if m is None else round(m.value, 4),
                    "numerator": None if m is None else m.numerator,
                    "denominator": None if m is None else m.denominator,
                    "verdict": value.verdict,
                    "partial": value.partial,
                    "analysis": value.analysis,
                    "reason": value.reason,
                }
            )
        documents.append(doc)
    return documents


# --- the eight indicators of the seeds ----------------------------------------------------


def _within(frame: pd.DataFrame, column: str, period: Period) -> pd.DataFrame:
    stamps = frame[column]
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end) + pd.Timedelta(days=1)
    if stamps.is_monotonic_increasing:  # the source is sorted by its first date column: slice, don't copy
        return frame.iloc[stamps.searchsorted(start) : stamps.searchsorted(end)]
    return frame[(stamps >= start) & (stamps < end)]


def _rate(numerator: float, denominator: float) -> Measure | None:
    if not denominator:
        return None
    return Measure(numerator / denominator * 100, float(numerator), float(denominator))


def _in_months(frame: pd.DataFrame, column: str, period: Period) -> pd.DataFrame:
    """Rows whose `YYYY-MM` column falls in the period."""
    months = pd.to_datetime(frame[column].astype(str) + "-01", format="%Y-%m-%d", errors="coerce")
    return frame[(months >= pd.Timestamp(period.start)) & (months <= pd.Timestamp(period.end))]


def sla_achievement_rate(frame: pd.DataFrame, period: Period, manual: Manual) -> Measure | None:
    """Σ 运维服务项目 SLA 达成率 / 运维服务项目数: each project's Σ met ÷ Σ items, averaged."""
    rows = _in_months(frame, "month", period)
    totals = rows.groupby("project")[["sla_items_met", "sla_items"]].sum()
    totals = totals[totals["sla_items"] > 0]
    if totals.empty:
        return None
    per_project = totals["sla_items_met"] / totals["sla_items"] * 100
    return Measure(float(per_project.mean()), float(per_project.sum()), float(len(per_project)))


def customer_satisfaction(frame: pd.DataFrame, period: Period, manual: Manual) -> Measure | None:
    """Σ 各调查项满意度 / 调查项数: the mean over survey items of each item's mean score (0–100)."""
    rows = _within(frame, "surveyed_on", period)
    if rows.empty:
        return None
    per_item = rows.groupby("item")["score"].mean()
    return Measure(float(per_item.mean()), float(per_item.sum()), float(len(per_item)))


# 体系覆盖部门 in the seeds (7.3.1 (2)): the departments and groups that implement or support
# the O&M service. cp-internal-audit-coverage names the same scope in its condition.
AUDIT_SCOPE = {"roles_with_activity": ["运维服务实施", "运维服务支持"], "role_types": ["department", "group"]}


def internal_audit_coverage(frame: pd.DataFrame, period: Period, manual: Manual) -> Measure | None:
    """内审受审核部门 / 体系覆盖部门: the departments in scope (AUDIT_SCOPE) covered by the
    period's audit reports."""
    audits = _within(frame, "date", period)
    if audits.empty:
        return None
    scope = set(role_scope(manual, AUDIT_SCOPE))
    audited = {d for departments in audits["audited_departments"] for d in (departments or [])}
    return _rate(len(scope & audited), len(scope))


def project_acceptance_rate(frame: pd.DataFrame, period: Period, manual: Manual) -> Measure | None:
    """验收通过项目数量 / 申请验收项目数量 × 100% (the policy's table has it upside down), over
    the acceptance records (one per acceptance, dated by its verdict) by the date applied."""
    applied = _within(frame.assign(applied_on=pd.to_datetime(frame["applied_on"])), "applied_on", period)
    return _rate(int(applied["passed"].astype(bool).sum()), len(applied))


def first_contact_resolution_rate(frame: pd.DataFrame, period: Period, manual: Manual) -> Measure | None:
    """服务台首次接触即解决的事件数 / 服务台受理的事件总数 × 100%, by the month opened."""
    opened = _within(frame, "opened_at", period)
    return _rate(int(opened["first_contact_resolved"].fillna(False).sum()), len(opened))


def mean_resolution_time(frame: pd.DataFrame, period: Period, manual: Manual) -> Measure | None:
    """Σ(事件解决时间 − 事件受理时间) / 已解决事件数, in hours, by the month opened."""
    opened = _within(frame, "opened_at", period)[["opened_at", "resolved_at", "status"]]  # only what it filters
    resolved = opened[(opened["status"] == "已解决") & opened["resolved_at"].notna()]
    if resolved.empty:
        return None
    hours = (resolved["resolved_at"] - resolved["opened_at"]).dt.total_seconds() / 3600
    return Measure(float(hours.mean()), float(hours.sum()), float(len(hours)))


def spare_parts_turnover(frame: pd.DataFrame, period: Period, manual: Manual) -> Measure | None:
    """出库金额 / 平均库存金额: the average of the month-end stock (结存) values in the period."""
    rows = _within(frame, "date", period)
    issued = float(rows.loc[rows["movement"] == "出库", "amount"].sum())
    stock = rows[rows["movement"] == "结存"].groupby("date")["amount"].sum()
    if stock.empty or not stock.mean():
        return None
    average = float(stock.mean())
    return Measure(issued / average, issued, average)


def knowledge_base_utilization(frame: pd.DataFrame, period: Period, manual: Manual) -> Measure | None:
    """引用或新建知识库条目的已解决事件数 / 已解决事件数 × 100%."""
    rows = _in_months(frame, "month", period)
    return _rate(float(rows["incidents_using_kb"].sum()), float(rows["resolved_incidents"].sum()))
