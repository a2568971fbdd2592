"""The sample data agrees with itself: every figure a record quotes is what the data says as
of the record's own date, recomputed here with the engine's KPI functions from the data
files as they stood then; and no data file holds an event after the date of its record."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

import pandas as pd
import pytest

from checks import load_manual
from checks.evaluating import kpis as k
from checks.evaluating.asof import end_of
from checks.evaluating.kpis import source_frame
from checks.evaluating.periods import Period, period_from_label
from checks.evaluating.rules import Context
from checks.loading.data import DataCache
from checks.model import Evidence, Manual
from conftest import REPO


@cache
def manual() -> Manual:
    loaded = load_manual(REPO)
    assert loaded.valid
    return loaded.manual


def records(type_id: str) -> list[Evidence]:
    return sorted((r for r in manual().evidence.values() if r.type == type_id), key=lambda r: r.id)


def ids(type_id: str) -> list[str]:
    return [r.id for r in records(type_id)]


def frame_as_of(kpi_id: str, day: dt.date) -> pd.DataFrame:
    """The source data of a KPI as the records dated up to `day` give it."""
    m = manual()
    return source_frame(m.kpis[kpi_id], Context(m, day))


def measure(kpi_id: str, day: dt.date, period: Period, projects: list[str] | None = None) -> float | None:
    frame = frame_as_of(kpi_id, day)
    if projects is not None:
        frame = frame[frame["project"].isin(projects)]
    found = getattr(k, manual().kpis[kpi_id].compute.partition(":")[2])(frame, period, manual())
    return None if found is None else found.value


def close(quoted: Any, value: float | None, places: int = 2) -> bool:
    return value is not None and quoted is not None and round(value, places) == pytest.approx(quoted, abs=10**-places)


def body(record: Evidence) -> str:
    return record.source.body or ""


# --- no data file holds what happened after its record was written -------------------------------


def test_no_data_file_holds_an_event_after_its_record_date() -> None:
    late = []
    for record in manual().evidence.values():
        columns = manual().evidence_types[record.type].data_columns
        dated = [c.name for c in columns if c.dates is not None]
        if not dated or record.date is None:
            continue
        ctx = Context(manual(), record.date)
        for path in record.data_files:
            frame = ctx.data.table(path, columns, path.name)
            for name in dated:
                after = frame[name] >= end_of(record.date)
                if after.any():
                    late.append(f"{record.id}: {int(after.sum())} {name} after {record.date}")
    assert late == []


# --- incident exports -------------------------------------------------------------------------------


@pytest.mark.parametrize("rid", ids("incident-log"))
def test_incident_export_quotes_its_own_rows(rid: str) -> None:
    record = manual().evidence[rid]
    assert record.date is not None
    columns = manual().evidence_types[record.type].data_columns
    frame = pd.concat([DataCache().table(p, columns, p.name) for p in record.data_files])  # the file as written
    assert record.data["tickets"] == len(frame) and record.data["exported_on"] == record.date
    month = period_from_label(record.period or "")
    opened = k._within(frame.sort_values("opened_at"), "opened_at", month)
    assert f"当月受理 {len(opened)} 件" in body(record)
    resolved = int((opened["status"] == "已解决").sum())
    assert f"导出时已解决 {resolved} 件" in body(record)
    fcr = k.first_contact_resolution_rate(opened, month, manual())
    mttr = k.mean_resolution_time(opened, month, manual())
    assert fcr is not None and f"一次性解决率 {round(fcr.value, 2)}%" in body(record)
    assert mttr is None or f"平均解决时间 {round(mttr.value, 2)} 小时" in body(record)


def test_the_nonconformity_on_unscored_call_backs_is_in_the_logs() -> None:
    """NC-2025-02: the April 2025 audit found 2 call-backs with no customer score."""
    nc = manual().nonconformities["NC-2025-02"]
    audit = manual().evidence[nc.found_in or ""]
    assert audit.date is not None
    frame = frame_as_of("mean-resolution-time", audit.date)
    unscored = frame[
        (frame["status"] == "已解决") & frame["callback_at"].notna() & frame["callback_satisfaction"].isna()
    ]
    assert len(unscored) == 2 and "2 件回访记录只有回访时间" in nc.description


# --- reports that quote KPIs ------------------------------------------------------------------------


def test_the_quality_report_quotes_the_year_as_of_its_own_date() -> None:
    report = manual().evidence["QMR-2025"]
    assert report.date is not None
    year = period_from_label("2025")
    for quoted in report.data["kpi_results"]:
        assert close(quoted["value"], measure(quoted["kpi"], report.date, year)), quoted
    assert "截至 2025-11-28" in report.data["data_basis"]


def test_the_objectives_review_quotes_the_whole_year() -> None:
    review = manual().evidence["OBJ-2025"]
    assert review.date is not None
    year = period_from_label("2025")
    names = {
        "SLA 达成率": "sla-achievement-rate",
        "客户满意度": "customer-satisfaction",
        "内审覆盖率": "internal-audit-coverage",
        "项目验收合格率": "project-acceptance-rate",
    }
    for objective in review.data["objectives"]:
        quoted = float(re.match(r"[\d.]+", objective["actual"]).group())  # type: ignore[union-attr]
        assert close(quoted, measure(names[objective["objective"]], review.date, year)), objective


@pytest.mark.parametrize("rid", ids("indicator-statistics-report"))
def test_department_reports_quote_their_projects(rid: str) -> None:
    report = manual().evidence[rid]
    assert report.date is not None
    half = period_from_label(report.period or "")
    for quoted in report.data["indicators"]:
        value = measure(quoted["kpi"], report.date, half, report.data["projects"])
        assert (quoted["value"] is None and value is None) or close(quoted["value"], value), (rid, quoted, value)


@pytest.mark.parametrize("rid", ids("service-report"))
def test_service_reports_quote_their_project(rid: str) -> None:
    report = manual().evidence[rid]
    assert report.date is not None
    half, project = period_from_label(report.period or ""), report.project
    sla = frame_as_of("sla-achievement-rate", report.date)
    sla = k._in_months(sla[sla["project"] == project], "month", half)
    assert (report.data["sla_items"], report.data["sla_items_met"]) == (
        sla["sla_items"].sum(),
        sla["sla_items_met"].sum(),
    )
    tickets = frame_as_of("mean-resolution-time", report.date)
    opened = k._within(tickets[tickets["project"] == project].sort_values("opened_at"), "opened_at", half)
    assert report.data["incidents"] == len(opened)


def test_the_miss_analysis_quotes_march_as_it_stood_then() -> None:
    analysis = manual().evidence["KMA-2026-03-MTTR"]
    assert analysis.date is not None
    march = measure("mean-resolution-time", analysis.date, period_from_label("2026-03"))
    assert close(analysis.data["actual"], march)


# --- surveys, knowledge base, SLA statistics, people ------------------------------------------------


@pytest.mark.parametrize("rid", ids("satisfaction-survey-report"))
def test_survey_reports_quote_their_results(rid: str) -> None:
    report = manual().evidence[rid]
    result = manual().evidence[report.data["result_record"]]
    assert report.date is not None and result.date is not None and result.date <= report.date
    frame = next(Context(manual(), report.date).tables(result))[1]
    everything = Period(dt.date(2000, 1, 1), dt.date(2100, 1, 1), dt.date(2100, 1, 1), "all")
    assert close(report.data["overall_score"], k.customer_satisfaction(frame, everything, manual()).value)  # type: ignore[union-attr]
    per_item = frame.groupby("item")["score"].mean()
    assert {i["item"]: i["score"] for i in report.data["item_scores"]} == {n: round(v, 2) for n, v in per_item.items()}
    assert result.data["respondents"] == frame["respondent_id"].nunique()


@pytest.mark.parametrize("rid", ids("knowledge-base-review"))
def test_knowledge_base_reviews_quote_the_half(rid: str) -> None:
    review = manual().evidence[rid]
    assert review.date is not None
    half = period_from_label(review.period or "")
    usage = k._in_months(frame_as_of("knowledge-base-utilization", review.date), "month", half)
    assert len(usage) == 6  # every month of the half is in
    assert (review.data["new_articles"], review.data["updated_articles"]) == (
        usage["new_articles"].sum(),
        usage["updated_articles"].sum(),
    )
    assert close(review.data["utilization_rate"], k.knowledge_base_utilization(usage, half, manual()).value)  # type: ignore[union-attr]


@pytest.mark.parametrize("rid", ids("sla-statistics"))
def test_sla_statistics_quote_their_rows(rid: str) -> None:
    record = manual().evidence[rid]
    frame = next(Context(manual(), record.date or dt.date.max).tables(record))[1]
    rate = k.sla_achievement_rate(frame, period_from_label(record.period or ""), manual())
    assert record.data["projects"] == frame["project"].nunique()
    assert rate is not None and f"项目平均 SLA 达成率 {round(rate.value, 2)}%" in body(record)


@pytest.mark.parametrize("rid", ids("performance-appraisal") + ids("training-record"))
def test_people_records_count_their_lists(rid: str) -> None:
    record = manual().evidence[rid]
    frame = next(Context(manual(), record.date or dt.date.max).tables(record))[1]
    if record.type == "performance-appraisal":
        appraised = int(frame["appraised"].sum())
        assert (record.data["headcount"], record.data["appraised_count"]) == (len(frame), appraised)
        assert close(record.data["coverage_rate"], appraised / len(frame) * 100)
    else:
        assert (record.data["attendees"], record.data["passed_count"]) == (len(frame), int(frame["passed"].sum()))
        assert close(record.data["coverage_rate"], len(frame) / record.data["planned_attendees"] * 100)
