"""The eight seed KPIs on small hand-checked data, in every encoding and in .xlsx.

Expected values are worked out by hand in the comments, not by calling the code.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from checks import load_manual
from checks.evaluating.evaluate import evaluate
from checks.evaluating.kpis import evaluate_kpi, kpi_documents, kpi_rule
from checks.evaluating.rules import Context
from checks.loading.data import DataCache
from conftest import REPO, run_qms

AS_OF = dt.date(2025, 12, 31)


@pytest.fixture
def manual(tmp_path: Path) -> Path:
    """The repository's policy/ (types, KPIs, roles) with an empty evidence/ folder."""
    root = tmp_path / "manual"
    shutil.copytree(REPO / "policy", root / "policy")
    (root / "evidence").mkdir()
    return root


def record(root: Path, rid: str, etype: str, date: str, fields: str, data: str | None = None) -> None:
    folder = root / "evidence/2025" / etype
    folder.mkdir(parents=True, exist_ok=True)
    data_line = f"data: [{data}]\n" if data else ""
    (folder / f"{rid}.md").write_text(
        f"---\nid: {rid}\nkind: evidence\ntitle: {rid}\ntype: {etype}\ndate: {date}\nperiod: '2025'\n"
        "owner: quality-group\n"
        f"{data_line}{fields}---\n",
        encoding="utf-8",
    )


def data_file(root: Path, etype: str, name: str, text: str, encoding: str = "utf-8") -> None:
    folder = root / "evidence/2025" / etype
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(text.encode(encoding))


def kpi_values(root: Path, kpi_id: str, as_of: dt.date = AS_OF) -> dict[str, dict]:
    loaded = load_manual(root)
    assert loaded.valid, [str(i) for i in loaded.errors]
    kpi = next(k for k in evaluate(loaded.manual, as_of).kpis if k["id"] == kpi_id)
    assert kpi["error"] is None, kpi["error"]
    return {v["period"]: v for v in kpi["values"]}


def test_sla_achievement_rate(manual: Path) -> None:
    data_file(
        manual,
        "sla-statistics",
        "sla.csv",
        "month,project,sla_items,sla_items_met,sla_rate\n"
        "2025-01,P1,10,10,100\n2025-02,P1,10,9,90\n2025-01,P2,5,5,100\n2024-12,P2,5,0,0\n",
    )
    record(
        manual, "SLA-2025", "sla-statistics", "2025-12-31", "compiled_by: customer-service\nprojects: 2\n", "sla.csv"
    )
    value = kpi_values(manual, "sla-achievement-rate")["2025"]
    # P1: 19/20 = 95 %, P2: 5/5 = 100 % (its 2024 row is another year) -> (95 + 100) / 2
    assert (value["value"], value["numerator"], value["denominator"]) == (97.5, 195.0, 2.0)
    assert value["verdict"] == "missed"  # target >= 100


def test_customer_satisfaction(manual: Path) -> None:
    header = "survey_id,respondent_id,customer,project,item,score,surveyed_on,method\n"
    rows = (
        "S1,R1,C,P1,响应及时性,90,2025-09-10,电话\n"
        "S1,R2,C,P1,响应及时性,100,2025-09-11,问卷\n"
        "S1,R1,C,P1,解决效果,98,2025-09-10,电话\n"
    )
    data_file(manual, "satisfaction-survey-result", "s.csv", header + rows)
    fields = "survey_round: 2025-09\nconducted_by: service-desk\nmethods: [电话回访]\nrespondents: 2\n"
    record(manual, "SR-2025", "satisfaction-survey-result", "2025-09-30", fields, "s.csv")
    value = kpi_values(manual, "customer-satisfaction")["2025"]
    # items: 响应及时性 (90 + 100) / 2 = 95, 解决效果 98 -> (95 + 98) / 2 = 96.5
    assert (value["value"], value["numerator"], value["denominator"], value["verdict"]) == (96.5, 193.0, 2.0, "met")


def test_internal_audit_coverage(manual: Path) -> None:
    fields = (
        "audit_id: IA-2025\naudit_start: 2025-04-10\naudit_end: 2025-04-12\naspects: [PDCA]\nconclusion: 基本符合\n"
        "audited_departments: [comms-dept, info-dept, customer-service, om-staff, materials-group, ops-dept]\n"
    )
    record(manual, "IAR-2025", "internal-audit-report", "2025-04-20", fields)
    value = kpi_values(manual, "internal-audit-coverage")["2025"]
    # 9 departments and groups implement (运维服务实施) or support (运维服务支持) the service:
    # comms-dept, info-dept, customer-service, materials-group, ops-dept, service-desk, rnd-dept,
    # hr-dept, mgmt-dept. Audited: 5 of them (om-staff is a position, not a department) -> 5 / 9
    assert (value["numerator"], value["denominator"]) == (5.0, 9.0)
    assert value["value"] == pytest.approx(55.5556, abs=1e-4)
    assert value["verdict"] == "missed"


def test_project_acceptance_rate_is_passed_over_applied(manual: Path) -> None:
    for rid, applied, decided, passed in (
        ("A1", "2025-02-01", "2025-02-10", "true"),
        ("A2", "2025-05-01", "2025-05-12", "true"),
        ("A3", "2025-08-01", "2025-08-15", "false"),
        ("A4", "2025-11-01", "2025-11-10", "true"),
        ("A5", "2024-11-01", "2024-11-20", "false"),
    ):
        fields = f"project: PRJ-TX-01\napplied_on: {applied}\npassed: {passed}\n"
        record(manual, rid, "project-acceptance", decided, fields)
    value = kpi_values(manual, "project-acceptance-rate")["2025"]
    # 2025: 4 applied, 3 passed -> 75 % (the policy's upside-down formula would give 133 %)
    assert (value["value"], value["numerator"], value["denominator"]) == (75.0, 3.0, 4.0)
    # On 2025-10-31 A4 was not decided yet: 2 of the 3 decided passed
    early = kpi_values(manual, "project-acceptance-rate", dt.date(2025, 10, 31))["2025"]
    assert (early["numerator"], early["denominator"]) == (2.0, 3.0)


INCIDENTS = (
    "ticket_id,project,category,priority,opened_at,first_contact_resolved,status,resolved_at\n"
    "I1,P1,网络,P3,2025-03-02 09:00,是,已解决,2025-03-02 11:00\n"
    "I2,P1,网络,P2,2025-03-05 10:00,是,已解决,2025-03-05 14:00\n"
    "I3,P2,主机,P1,2025-03-20 08:00,否,处理中,\n"
    "I4,P2,主机,P3,2025-03-28 08:00,是,已解决,2025-04-01 08:00\n"
    "I5,P2,主机,P3,2025-04-01 08:00,否,已解决,2025-04-01 09:00\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_incident_kpis_in_each_encoding(manual: Path, encoding: str) -> None:
    data_file(manual, "incident-log", "incidents.csv", INCIDENTS, encoding)
    record(manual, "IL-2025", "incident-log", "2025-12-31", "source_system: ITSM\ntickets: 5\n", "incidents.csv")
    fcr = kpi_values(manual, "first-contact-resolution-rate")
    # March: 4 opened, 3 resolved at first contact -> 75 %; April: 1 opened, 0 -> 0 %
    assert (fcr["2025-03"]["value"], fcr["2025-03"]["numerator"], fcr["2025-03"]["denominator"]) == (75.0, 3.0, 4.0)
    assert fcr["2025-04"]["value"] == 0.0
    assert fcr["2025-05"]["verdict"] == "no-data"
    mttr = kpi_values(manual, "mean-resolution-time")
    # March-opened and resolved: 2 h, 4 h and 96 h (I4, opened 03-28) -> 102 / 3 = 34 h; I3 is unresolved
    assert (mttr["2025-03"]["value"], mttr["2025-03"]["numerator"], mttr["2025-03"]["denominator"]) == (
        34.0,
        102.0,
        3.0,
    )
    assert fcr["2025-03"]["verdict"] == "no-target"  # the plan sets no number: monitored only


def test_a_log_read_while_the_manual_loads_gives_the_same_kpis(manual: Path) -> None:
    data_file(manual, "incident-log", "incidents.csv", INCIDENTS)
    record(manual, "IL-2025", "incident-log", "2025-12-31", "source_system: ITSM\ntickets: 5\n", "incidents.csv")
    data = DataCache()
    loaded = load_manual(manual, data=data)
    log = (manual / "evidence/2025/incident-log/incidents.csv").resolve()
    assert [path for path, _ in data.early] == [log]  # started while loading
    early = evaluate(loaded.manual, AS_OF, data=data).kpis
    assert not data.early  # taken up by the evaluation
    assert early == evaluate(load_manual(manual).manual, AS_OF).kpis


def test_data_no_kpi_or_row_rule_reads_is_not_read_early(manual: Path) -> None:
    data_file(manual, "training-record", "attendance.csv", "name,role,hours\n张三,ops-dept,4\n")
    record(manual, "TR-2025", "training-record", "2025-06-30", "", "attendance.csv")
    data_file(manual, "incident-log", "incidents.csv", INCIDENTS)
    record(manual, "IL-2025", "incident-log", "2025-12-31", "", "incidents.csv")
    data = DataCache()
    load_manual(manual, data=data)
    assert [path.name for path, _ in data.early] == ["incidents.csv"]


@pytest.mark.parametrize("written", ["5", "[5]", "[{path: x.csv}]", "['../../../../x.csv']"])
def test_odd_data_fields_are_left_to_the_schema_by_the_early_reads(manual: Path, written: str) -> None:
    record(manual, "IL-2025", "incident-log", "2025-12-31", f"source_system: ITSM\ntickets: 5\ndata: {written}\n")
    data = DataCache()
    loaded = load_manual(manual, data=data)
    assert not data.early
    assert [(e.path, e.field.split("[")[0]) for e in loaded.errors] == [
        ("evidence/2025/incident-log/IL-2025.md", "data")
    ]


def test_spare_parts_turnover_from_xlsx(manual: Path) -> None:
    folder = manual / "evidence/2025/spare-parts-movements"
    folder.mkdir(parents=True)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "part_no", "movement", "quantity", "unit_cost", "amount"])
    for row in [
        ("2025-01-15", "SP-1", "出库", 1, 100, 100),
        ("2025-01-31", "SP-1", "结存", 6, 100, 600),
        ("2025-01-31", "SP-2", "结存", 2, 200, 400),
        ("2025-02-10", "SP-2", "出库", 1, 200, 200),
        ("2025-02-28", "SP-1", "结存", 8, 100, 800),
        ("2025-03-31", "SP-1", "结存", 6, 100, 600),
        ("2025-04-02", "SP-1", "出库", 5, 100, 500),
    ]:
        sheet.append(list(row))
    book.save(folder / "movements.xlsx")
    record(
        manual,
        "SP-2025",
        "spare-parts-movements",
        "2025-12-31",
        "warehouse: 库房\ncompiled_by: materials-group\n",
        "movements.xlsx",
    )
    value = kpi_values(manual, "spare-parts-turnover")["2025-Q1"]
    # Q1 issued 100 + 200 = 300; month-end stock 1000, 800, 600 -> average 800 -> 0.375
    assert (value["value"], value["numerator"], value["denominator"]) == (0.375, 300.0, 800.0)


def test_knowledge_base_utilization(manual: Path) -> None:
    data_file(
        manual,
        "knowledge-base-usage",
        "kb.csv",
        "month,resolved_incidents,incidents_using_kb\n2025-03,40,10\n2025-04,0,0\n",
    )
    record(manual, "KB-2025", "knowledge-base-usage", "2025-12-31", "compiled_by: rnd-dept\n", "kb.csv")
    values = kpi_values(manual, "knowledge-base-utilization")
    assert (values["2025-03"]["value"], values["2025-03"]["numerator"], values["2025-03"]["denominator"]) == (
        25.0,
        10.0,
        40.0,
    )
    assert values["2025-04"]["verdict"] == "no-data"  # 0 resolved: no rate, not 0 %


def test_missed_kpi_fails_its_checkpoint_until_analysed(manual: Path) -> None:
    test_customer_satisfaction(manual)
    # Lower one score so the year misses 96: items 95 and (80) -> 87.5
    path = manual / "evidence/2025/satisfaction-survey-result/s.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",98,", ",80,"), encoding="utf-8")
    loaded = load_manual(manual)
    result = next(r for r in evaluate(loaded.manual, AS_OF).checkpoints if r.id == "cp-kpi-customer-satisfaction")
    assert result.status == "fail"
    assert "87.50% misses target >= 96" in result.reason
    fields = "kpi: customer-satisfaction\ncause: 回访不及时\naction: 增加回访人手\n"
    record(manual, "KMA-2025", "kpi-miss-analysis", "2025-12-20", fields)
    loaded = load_manual(manual)
    assert loaded.valid, [str(i) for i in loaded.errors]
    result = next(r for r in evaluate(loaded.manual, AS_OF).checkpoints if r.id == "cp-kpi-customer-satisfaction")
    assert result.status == "pass"
    assert "analysed in KMA-2025" in result.reason


def test_a_kpi_is_computed_once_per_evaluation(manual: Path) -> None:
    test_customer_satisfaction(manual)
    loaded = load_manual(manual)
    ctx = Context(loaded.manual, AS_OF)
    kpi = loaded.manual.kpis["customer-satisfaction"]
    assert kpi_rule(kpi.id, ctx).status == "pass"  # the checkpoint's rule computes the values...
    assert evaluate_kpi(kpi, ctx) is ctx.kpi_values[kpi.id]  # ...which the KPI table then reuses
    table = next(d for d in kpi_documents(ctx) if d["id"] == kpi.id)
    assert table == next(d for d in evaluate(loaded.manual, AS_OF).kpis if d["id"] == kpi.id)


def test_bad_column_names_file_column_and_row(manual: Path) -> None:
    data_file(manual, "knowledge-base-usage", "kb.csv", "month,resolved_incidents,incidents_using_kb\n2025-03,40,十\n")
    record(manual, "KB-2025", "knowledge-base-usage", "2025-12-31", "compiled_by: rnd-dept\n", "kb.csv")
    result = run_qms("--root", manual, "kpi", "--as-of", "2025-12-31", "--format", "json")
    assert result.returncode == 1
    assert (
        '"error": "evidence/2025/knowledge-base-usage/kb.csv:2: incidents_using_kb: not a number: \'十\'"'
        in result.stdout
    )
