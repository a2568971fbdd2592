"""Rules that read what the records say, on the small fixture manual: verdicts, a record for
each project or for each record of another type, yearly windows, document reviews, the
data of a record as it stood on a date, each period's own status, and what a result
verified."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from checks import load_manual
from checks.evaluating.evaluate import evaluate
from checks.evaluating.rules import Context
from checks.results import CheckpointResult
from conftest import run_qms
from test_check import checkpoint, no_waivers, status_of, write

D = dt.date.fromisoformat


def result_of(root: Path, as_of: str, cp: str) -> CheckpointResult:
    loaded = load_manual(root)
    assert loaded.valid, [str(i) for i in loaded.issues]
    return next(r for r in evaluate(loaded.manual, D(as_of), with_kpis=False).checkpoints if r.id == cp)


# --- verdicts: a nonconforming result passes only through its nonconformities ------------

PROCESS_TYPE = """id: process-audit-record
kind: evidence-type
title: 过程质量检查记录
fields:
  type: object
  properties:
    process: {type: string}
    conforming: {type: boolean}
  required: [process, conforming]
"""


def process_audit(root: Path, conforming: bool) -> None:
    write(root, "policy/evidence-types/process-audit-record.yaml", PROCESS_TYPE)
    write(
        root,
        "evidence/2025/audit/PAR-1.yaml",
        "id: PAR-1\nkind: evidence\ntitle: 变更管理过程检查\ntype: process-audit-record\ndate: 2025-06-10\n"
        f"owner: quality-group\nprocess: 变更管理\nconforming: {str(conforming).lower()}\n",
    )
    checkpoint(
        root,
        "cp-change",
        "  - evidence: process-audit-record\n    every: P6M\n    where: {process: 变更管理}\n"
        "    verdict: {conforming: true}\n",
    )


def nc_in(root: Path, found_in: str, due: str, closed: str | None = None, verified: str | None = None) -> None:
    text = (
        f"id: NC-9\nkind: nonconformity\ntitle: 紧急变更未补审批\nfound_in: {found_in}\ndescription: d\n"
        f"owner: mgmt-dept\ndue: {due}\nstatus: {'verified' if verified else 'closed' if closed else 'open'}\n"
    )
    text += f"closed: {closed}\n" if closed else ""
    text += f"verified: {verified}\nverified_by: 张总\n" if verified else ""
    write(root, "evidence/2025/audit/NC-9.yaml", text)


def test_a_nonconforming_result_needs_a_nonconformity_closed_and_verified_on_time(minimal: Path) -> None:
    process_audit(minimal, conforming=False)
    assert status_of(minimal, "2025-07-01", "cp-change") == (
        "fail",
        "PAR-1 records a nonconforming result (conforming is False, expected True) and no nonconformity refers to it",
    )
    nc_in(minimal, "PAR-1", "2025-08-31")
    assert status_of(minimal, "2025-07-01", "cp-change")[0] == "pass"  # being corrected, not due yet
    assert status_of(minimal, "2025-08-15", "cp-change") == ("due-soon", "NC-9 is open, due 2025-08-31")
    assert status_of(minimal, "2025-09-10", "cp-change") == (
        "fail",
        "NC-9 is still open, 10 days past its due date 2025-08-31",
    )
    nc_in(minimal, "PAR-1", "2025-08-31", closed="2025-08-20", verified="2025-09-05")
    assert status_of(minimal, "2025-09-10", "cp-change") == (
        "fail",
        "NC-9 was verified 2025-09-05, after its due date 2025-08-31",
    )
    nc_in(minimal, "PAR-1", "2025-08-31", closed="2025-08-20", verified="2025-08-25")
    assert status_of(minimal, "2025-09-10", "cp-change") == ("pass", "PAR-1 for 2025-H1")


def test_a_conforming_result_needs_no_nonconformity(minimal: Path) -> None:
    process_audit(minimal, conforming=True)
    assert status_of(minimal, "2025-07-01", "cp-change") == ("pass", "PAR-1 for 2025-H1")


# --- a record for each project, or for each record of another type -------------------------

REPORT_TYPE = """id: service-report
kind: evidence-type
title: 服务报告
fields:
  type: object
  properties:
    acceptance: {type: string}
"""


def project(root: Path, pid: str, start: str, end: str | None = None) -> None:
    text = (
        f"id: {pid}\nkind: project\nname: 项目 {pid}\ndepartment: mgmt-dept\ncustomer: 示例客户\n"
        f"contract: HT-{pid}\nstart: {start}\nstatus: {'closed' if end else 'active'}\n"
    )
    write(root, f"policy/projects/{pid}.yaml", text + (f"end: {end}\n" if end else ""))


def report(root: Path, rid: str, day: str, project_id: str, extra: str = "") -> None:
    write(
        root,
        f"evidence/2025/reports/{rid}.yaml",
        f"id: {rid}\nkind: evidence\ntitle: 服务报告\ntype: service-report\ndate: {day}\nowner: mgmt-dept\n"
        f"project: {project_id}\n{extra}",
    )


def projects(root: Path) -> None:
    write(root, "policy/evidence-types/service-report.yaml", REPORT_TYPE)
    project(root, "P-A", "2024-01-01")
    project(root, "P-B", "2025-03-01")
    project(root, "P-C", "2023-01-01", end="2024-12-31")  # over before the period


def test_a_record_for_each_project_active_in_the_period(minimal: Path) -> None:
    projects(minimal)
    checkpoint(minimal, "cp-report", "  - evidence: service-report\n    every: P6M\n    for_each: project\n")
    report(minimal, "SR-A", "2025-06-20", "P-A")
    result = result_of(minimal, "2025-07-05", "cp-report")
    assert (result.status, result.reason) == (
        "missing",
        "no 服务报告 (service-report) for P-B in 2025-H1, due 2025-06-30",
    )
    h1 = [(p.label, p.subject, p.status, p.records) for p in result.periods if p.label == "2025-H1"]
    assert h1 == [("2025-H1", "P-A", "pass", ("SR-A",)), ("2025-H1", "P-B", "missing", ())]
    report(minimal, "SR-B", "2025-06-25", "P-B")
    assert status_of(minimal, "2025-07-05", "cp-report") == ("pass", "SR-A for P-A in 2025-H1")


def test_a_record_for_each_project_within_a_time_of_its_start(minimal: Path) -> None:
    projects(minimal)
    checkpoint(minimal, "cp-plan", "  - evidence: service-report\n    for_each: project\n    within: P30D\n")
    # P-A and P-C started before the manual's first record: nothing can be asked of them here.
    assert status_of(minimal, "2025-04-15", "cp-plan") == (
        "missing",
        "no 服务报告 (service-report) for P-B, due 2025-03-31",
    )
    report(minimal, "QP-B", "2025-04-05", "P-B")  # too late: outside the month after the start
    assert status_of(minimal, "2025-04-15", "cp-plan")[0] == "missing"
    report(minimal, "QP-B", "2025-03-10", "P-B")
    assert status_of(minimal, "2025-04-15", "cp-plan") == ("pass", "QP-B for P-B")


ACCEPTANCE_TYPE = """id: project-acceptance
kind: evidence-type
title: 项目验收记录
fields:
  type: object
  properties:
    passed: {type: boolean}
  required: [passed]
"""


def test_a_record_for_each_record_of_another_type_that_names_it(minimal: Path) -> None:
    projects(minimal)
    write(minimal, "policy/evidence-types/project-acceptance.yaml", ACCEPTANCE_TYPE)
    for rid, day, passed in (("ACC-1", "2025-05-10", "true"), ("ACC-2", "2025-05-20", "false")):
        write(
            minimal,
            f"evidence/2025/projects/{rid}.yaml",
            f"id: {rid}\nkind: evidence\ntitle: 验收\ntype: project-acceptance\ndate: {day}\nowner: mgmt-dept\n"
            f"project: P-A\npassed: {passed}\n",
        )
    rule = (
        "  - evidence: service-report\n    within: P30D\n"
        "    for_each: {evidence: project-acceptance, where: {passed: true}, field: acceptance}\n"
    )
    checkpoint(minimal, "cp-survey", rule)
    assert status_of(minimal, "2025-06-30", "cp-survey") == (
        "missing",
        "no 服务报告 (service-report) for ACC-1, due 2025-06-09",
    )
    report(minimal, "PSS-1", "2025-05-17", "P-A", "acceptance: ACC-1\n")
    assert status_of(minimal, "2025-06-30", "cp-survey") == ("pass", "PSS-1 for ACC-1")
    assert status_of(minimal, "2025-05-12", "cp-survey") == (  # before the survey
        "due-soon",
        "服务报告 (service-report) for ACC-1 due 2025-06-09",
    )


def test_an_unknown_project_is_named_with_file_line_and_field(minimal: Path) -> None:
    projects(minimal)
    report(minimal, "SR-X", "2025-06-20", "P-X")
    result = run_qms("--root", minimal, "validate")
    assert result.returncode == 2
    assert "evidence/2025/reports/SR-X.yaml:7: project: unknown project 'P-X'" in result.stdout + result.stderr
    write(
        minimal,
        "policy/projects/P-C.yaml",
        "id: P-C\nkind: project\nname: n\ndepartment: mgmt-dept\n"
        "customer: c\ncontract: h\nstart: 2023-01-01\nstatus: closed\n",
    )
    closed = run_qms("--root", minimal, "validate")
    assert "policy/projects/P-C.yaml:1: end: missing required field 'end'" in closed.stdout + closed.stderr


# --- "in April": a yearly window that opens on a month-day -----------------------------------


def test_a_yearly_window_can_open_after_january(minimal: Path) -> None:
    no_waivers(minimal)
    path = minimal / "policy/checkpoints/cp-audit.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('due: "04-30"', 'due: "04-30"\n    from: "04-01"'), "utf-8"
    )
    assert status_of(minimal, "2025-12-31")[0] == "pass"  # IAR-2025 of 2025-04-20
    audit = minimal / "evidence/2025/audit/IAR-2025.md"
    audit.write_text(audit.read_text(encoding="utf-8").replace("date: 2025-04-20", "date: 2025-03-20"), "utf-8")
    assert status_of(minimal, "2025-12-31") == (
        "missing",
        "no 内审报告 (internal-audit-report) for 2025, due 2025-04-30",
    )


# --- a scope of roles by activities and types ------------------------------------------------


def test_a_scope_names_roles_of_several_activities_and_types(minimal: Path) -> None:
    no_waivers(minimal)
    write(
        minimal,
        "policy/roles/rnd-dept.yaml",
        "id: rnd-dept\nkind: role\nname: 研发部\ntype: department\nduties:\n  - text: 提供运维工具。\n"
        "    activities: [运维服务支持]\n",
    )
    write(
        minimal,
        "policy/roles/engineer.yaml",
        "id: engineer\nkind: role\nname: 工程师\ntype: position\nduties:\n  - text: 处理事件。\n"
        "    activities: [运维服务实施]\n",
    )
    path = minimal / "policy/checkpoints/cp-audit.yaml"
    scope = "{roles_with_activity: [运维服务实施, 运维服务支持], role_types: [department, group]}"
    path.write_text(path.read_text(encoding="utf-8").replace("{roles_with_activity: 运维服务实施}", scope), "utf-8")
    # the fixture's mgmt-dept implements the service; a position is not a department
    assert status_of(minimal, "2025-12-31") == (
        "fail",
        "IAR-2025 (2025) does not meet: audited_departments lacks rnd-dept",
    )


# --- a document's review: one fact, one answer ----------------------------------------------


def test_a_review_rule_gives_the_documents_own_review_status(minimal: Path) -> None:
    no_waivers(minimal)
    write(
        minimal,
        "policy/evidence-types/policy-review-record.yaml",
        "id: policy-review-record\nkind: evidence-type\ntitle: 审订记录\nfields:\n  type: object\n"
        "  properties:\n    policy: {type: string}\n  required: [policy]\n",
    )
    checkpoint(minimal, "cp-review", "  - review: QP-01\n")
    qp = minimal / "policy/QP-01.md"
    qp.write_text(qp.read_text(encoding="utf-8").replace("  last: 2026-01-05\n", ""), encoding="utf-8")
    for as_of in ("2025-12-01", "2026-01-20", "2026-02-01"):
        loaded = load_manual(minimal)
        results = evaluate(loaded.manual, D(as_of), with_kpis=False)
        document = next(d for d in results.documents if d.id == "QP-01")
        checked = next(r for r in results.checkpoints if r.id == "cp-review")
        assert checked.status == document.status, as_of
    assert status_of(minimal, "2026-02-01", "cp-review")[0] == "stale"  # approved 2025-01-08, cycle P1Y
    write(
        minimal,
        "evidence/2026/PRR-2026.yaml",
        "id: PRR-2026\nkind: evidence\ntitle: 审订\ntype: policy-review-record\ndate: 2026-01-06\n"
        "owner: quality-group\npolicy: QP-01\n",
    )
    assert status_of(minimal, "2026-02-01", "cp-review") == (
        "pass",
        "QP-01: reviewed 2026-01-06; next review due 2027-01-06",
    )


# --- data as it stood on the evaluation date ------------------------------------------------

DATED_TYPE = """id: incident-log
kind: evidence-type
title: 事件记录
data_columns:
  - {name: ticket_id, type: string, required: true, key: true}
  - {name: opened_at, type: datetime, required: true, dates: row}
  - {name: resolved_at, type: datetime, dates: [status]}
  - {name: status, type: string}
  - {name: callback_at, type: datetime, dates: []}
"""


def export(root: Path, rid: str, day: str, rows: str) -> None:
    folder = root / "evidence/2025/incidents"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{rid}.csv").write_text("ticket_id,opened_at,resolved_at,status,callback_at\n" + rows, "utf-8")
    write(
        root,
        f"evidence/2025/incidents/{rid}.md",
        f"---\nid: {rid}\nkind: evidence\ntitle: 事件导出\ntype: incident-log\ndate: {day}\nowner: mgmt-dept\n"
        f"data: [{rid}.csv]\n---\n",
    )


def frames(root: Path, as_of: str) -> dict[str, pd.DataFrame]:
    loaded = load_manual(root)
    assert loaded.valid, [str(i) for i in loaded.issues]
    ctx = Context(loaded.manual, D(as_of))
    return {r.id: next(ctx.tables(r))[1] for r in ctx.records_of("incident-log")}


def test_rows_and_events_are_seen_as_they_stood_on_the_date(minimal: Path) -> None:
    write(minimal, "policy/evidence-types/incident-log.yaml", DATED_TYPE)
    export(
        minimal,
        "IL-12",
        "2025-12-31",
        "INC-1,2025-12-30 09:00,2025-12-30 11:00,已解决,2025-12-31 10:00\n"
        "INC-2,2025-12-30 20:00,2026-01-02 08:00,已解决,2026-01-03 10:00\n"  # written after its export
        "INC-3,2026-01-01 09:00,,处理中,\n",
    )
    seen = frames(minimal, "2025-12-31")["IL-12"]
    assert list(seen["ticket_id"]) == ["INC-1", "INC-2"]  # INC-3 was not opened yet
    inc2 = seen.iloc[1]
    assert pd.isna(inc2["resolved_at"]) and pd.isna(inc2["status"]) and pd.isna(inc2["callback_at"])
    assert seen.iloc[0]["status"] == "已解决"
    later = frames(minimal, "2026-01-05")["IL-12"]
    assert list(later["ticket_id"]) == ["INC-1", "INC-2", "INC-3"] and later.iloc[1]["status"] == "已解决"


def test_a_newer_record_replaces_the_rows_it_holds(minimal: Path) -> None:
    write(minimal, "policy/evidence-types/incident-log.yaml", DATED_TYPE)
    export(minimal, "IL-11", "2025-11-30", "INC-1,2025-11-29 09:00,2025-11-29 11:00,已解决,\n")
    export(minimal, "IL-12", "2025-12-31", "INC-1,2025-11-29 09:00,2025-11-29 11:00,已解决,2025-12-02 10:00\n")
    checkpoint(
        minimal,
        "cp-callback",
        "  - evidence: incident-log\n    every: P1M\n"
        "    rows: {where: {status: 已解决}, within: {from: resolved_at, to: callback_at, max: P7D}}\n",
    )
    assert list(frames(minimal, "2025-12-01")["IL-11"]["ticket_id"]) == ["INC-1"]  # IL-12 does not exist yet
    assert frames(minimal, "2025-12-31")["IL-11"].empty  # IL-12 holds INC-1 now
    # On 2025-12-10 the November export cannot show the call-back due 2025-12-06; IL-12 later does.
    assert status_of(minimal, "2025-12-10", "cp-callback")[0] == "missing"
    assert status_of(minimal, "2025-12-31", "cp-callback")[0] == "pass"


def test_validation_of_dated_columns(minimal: Path) -> None:
    bad = DATED_TYPE.replace("dates: [status]", "dates: [state]").replace(
        "{name: status, type: string}", "{name: status, type: string, dates: row, key: true}"
    )
    write(minimal, "policy/evidence-types/incident-log.yaml", bad)
    out = run_qms("--root", minimal, "validate")
    text = out.stdout + out.stderr
    assert out.returncode == 2
    assert "data_columns[2].dates: no data column 'state' to date" in text
    assert "data_columns[3].dates: only one column may have dates: row (already 'opened_at')" in text
    assert "data_columns[3].key: only one column may have key: true (already 'ticket_id')" in text
    assert "data_columns[3].dates: 'status' dates events but is a string column, not a date or datetime" in text


# --- each period reports its own status --------------------------------------------------------


def test_each_period_reports_its_own_rows_and_records(minimal: Path) -> None:
    write(minimal, "policy/evidence-types/incident-log.yaml", DATED_TYPE)
    export(minimal, "IL-Q3", "2025-09-30", "INC-1,2025-08-01 09:00,2025-08-01 11:00,已解决,2025-08-20 10:00\n")
    export(minimal, "IL-Q4", "2025-10-31", "INC-2,2025-10-01 09:00,2025-10-01 11:00,已解决,2025-10-02 10:00\n")
    checkpoint(
        minimal,
        "cp-callback",
        "  - evidence: incident-log\n    every: P3M\n"
        "    rows: {where: {status: 已解决}, within: {from: resolved_at, to: callback_at, max: P7D}}\n",
    )
    result = result_of(minimal, "2025-11-15", "cp-callback")
    assert result.status == "fail"  # Q4 so far has its record, and its rows are fine
    assert [(p.label, p.status) for p in result.periods] == [("2025-Q3", "fail"), ("2025-Q4", "pass")]
    (minimal / "evidence/2025/incidents/IL-Q4.md").unlink()
    result = result_of(minimal, "2025-11-15", "cp-callback")
    assert [(p.label, p.status) for p in result.periods] == [("2025-Q3", "fail"), ("2025-Q4", "not-due")]


# --- what a result verified ---------------------------------------------------------------------


def test_each_result_says_what_it_verified(minimal: Path) -> None:
    checkpoint(minimal, "cp-any", "  - evidence: management-review-report\n    every: P1Y\n")
    loaded = load_manual(minimal)
    results = evaluate(loaded.manual, D("2025-12-31"), with_kpis=False)
    by_id = {r.id: r.verified for r in results.checkpoints}
    audit, anything = by_id["cp-audit"], by_id["cp-any"]
    assert audit is not None and anything is not None
    assert audit.level == "conditions" and audit.existence == ()
    assert audit.conditions == (
        "内审报告 (internal-audit-report): audited_departments includes every role with a duty in 运维服务实施",
    )
    assert anything.level == "existence" and anything.conditions == ()
    assert anything.existence == (
        "a 管理评审报告 (management-review-report) record exists every P1Y; its content is for the auditor to judge",
    )
    assert results.verification_counts() == {"conditions": 1, "partial": 0, "existence": 1}
