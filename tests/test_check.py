"""Checkpoint statuses as of fixed dates, on small fixture manuals."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import types
from pathlib import Path

import jsonschema
import pytest
from junitparser import JUnitXml
from junitparser import junitparser as jp

from checks import load_manual
from checks.evaluating.evaluate import GitInfo, evaluate
from checks.results import Outcome, checkpoint_document, document_json, to_document
from conftest import REPO, run_qms

D = dt.date.fromisoformat
AUDIT = "evidence/2025/audit/IAR-2025.md"


def status_of(root: Path, as_of: str, cp: str = "cp-audit") -> tuple[str, str]:
    loaded = load_manual(root)
    assert loaded.valid, [str(i) for i in loaded.issues]
    results = evaluate(loaded.manual, D(as_of), with_kpis=False)
    result = next(r for r in results.checkpoints if r.id == cp)
    return result.status, result.reason


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def no_waivers(root: Path) -> None:
    (root / "policy/waivers/w-2026.yaml").unlink()


def checkpoint(root: Path, cp_id: str, rule: str, extra: str = "") -> None:
    write(
        root,
        f"policy/checkpoints/{cp_id}.yaml",
        f"id: {cp_id}\nkind: checkpoint\ntitle: t\nclause: QP-01#7.3.1\narea: process\nowner: quality-group\n"
        f"remedy: 补齐记录。\n{extra}requires:\n{rule}",
    )


# --- "due by MM-DD each year" ----------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        ("2025-03-01", "pass"),  # 2024's audit was due before the policy took effect; 2025's is 60 days off
        ("2025-04-10", "due-soon"),  # due 04-30, within the 30-day window, no record yet
        ("2025-12-31", "pass"),
        ("2026-03-15", "pass"),  # 2025 done, 2026 not due for 46 days
        ("2026-04-15", "due-soon"),
        ("2026-05-01", "stale"),  # 2026's audit is late; the newest is 2025's
    ],
)
def test_yearly_due_by_month_day(minimal: Path, as_of: str, status: str) -> None:
    no_waivers(minimal)
    assert status_of(minimal, as_of)[0] == status


def test_missing_when_never_produced(minimal: Path) -> None:
    no_waivers(minimal)
    (minimal / AUDIT).unlink()
    (minimal / "evidence/2025/audit/NC-2025-01.yaml").unlink()
    status, reason = status_of(minimal, "2025-12-31")
    assert status == "missing"
    assert reason == "no 内审报告 (internal-audit-report) for 2025, due 2025-04-30"


def test_record_after_the_due_date_does_not_count(minimal: Path) -> None:
    no_waivers(minimal)
    text = (minimal / AUDIT).read_text(encoding="utf-8").replace("date: 2025-04-20", "date: 2025-05-20")
    (minimal / AUDIT).write_text(text, encoding="utf-8")
    assert status_of(minimal, "2025-12-31")[0] == "missing"


def test_record_dated_after_as_of_is_ignored(minimal: Path) -> None:
    no_waivers(minimal)
    assert status_of(minimal, "2025-04-19")[0] == "due-soon"
    assert status_of(minimal, "2025-04-20")[0] == "pass"


def test_fields_condition_fails_naming_the_gap(minimal: Path) -> None:
    no_waivers(minimal)
    write(
        minimal,
        "policy/roles/service-desk.yaml",
        "id: service-desk\nkind: role\nname: 服务台\nduties:\n  - text: 受理事件。\n    raci: R\n"
        "    activities: [运维服务实施]\n",
    )
    status, reason = status_of(minimal, "2025-12-31")
    assert status == "fail"
    assert reason == "IAR-2025 (2025) does not meet: audited_departments lacks service-desk"
    loaded = load_manual(minimal)
    result = evaluate(loaded.manual, D("2025-12-31"), with_kpis=False).checkpoints[0]
    assert result.remedy == "完成内审并提交内审报告。"


# --- "N records every P" and plan occurrences -------------------------------------------


def test_count_per_period(minimal: Path) -> None:
    checkpoint(minimal, "cp-two", "  - evidence: internal-audit-report\n    count: 2\n    every: P1Y\n")
    status, reason = status_of(minimal, "2026-01-10", "cp-two")
    assert (status, reason) == ("missing", "1 of 2 内审报告 (internal-audit-report) for 2025, due 2025-12-31")


def test_half_yearly_is_stale_when_last_half_has_none(minimal: Path) -> None:
    checkpoint(minimal, "cp-half", "  - evidence: internal-audit-report\n    every: P6M\n")
    assert status_of(minimal, "2025-07-01", "cp-half")[0] == "pass"  # H1 2025 has the April record
    assert status_of(minimal, "2025-12-15", "cp-half")[0] == "due-soon"
    assert status_of(minimal, "2026-01-02", "cp-half")[0] == "stale"


def test_a_period_takes_records_labelled_for_it_or_dated_in_it_oldest_first(minimal: Path) -> None:
    for rid, period, day in [
        ("AR-late", "2025-Q3", "2025-10-05"),  # labelled for Q3, written after it ended
        ("AR-year", "2025", "2025-08-01"),  # a label of another granularity: its date counts
        ("AR-q2", "2025-Q2", "2025-08-15"),  # labelled for another quarter: not Q3's
        ("AR-none", None, "2025-09-01"),
    ]:
        label = f"period: '{period}'\n" if period else ""
        write(
            minimal,
            f"evidence/2025/audit/{rid}.yaml",
            f"id: {rid}\nkind: evidence\ntitle: t\ntype: internal-audit-report\ndate: {day}\n{label}"
            "owner: quality-group\naudited_departments: [mgmt-dept]\n",
        )
    checkpoint(minimal, "cp-q", "  - evidence: internal-audit-report\n    every: P3M\n    count: 4\n")
    loaded = load_manual(minimal)
    assert loaded.valid, [str(i) for i in loaded.issues]
    result = next(r for r in evaluate(loaded.manual, D("2025-10-10"), with_kpis=False).checkpoints if r.id == "cp-q")
    assert [(p.label, p.records) for p in result.periods] == [
        ("2025-Q3", ("AR-year", "AR-none", "AR-late")),
        ("2025-Q4", ()),  # AR-late is labelled for another quarter
    ]
    assert result.reason == "3 of 4 内审报告 (internal-audit-report) for 2025-Q3, due 2025-09-30"


def test_plan_row_needs_one_record_per_scheduled_month(minimal: Path) -> None:
    plan = minimal / "policy/plans/plan-2025.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace('["2025-04"]', '["2025-04", "2025-10"]'), encoding="utf-8")
    checkpoint(minimal, "cp-plan", "  - evidence: internal-audit-report\n    due: plan-2025#audit\n")
    assert status_of(minimal, "2025-09-01", "cp-plan")[0] == "pass"
    assert status_of(minimal, "2025-10-05", "cp-plan")[0] == "due-soon"
    assert status_of(minimal, "2025-11-01", "cp-plan") == (
        "missing",
        "no 内审报告 (internal-audit-report) for 2025-10, due 2025-10-31",
    )


# --- nonconformities ----------------------------------------------------------------------

NC_RULE = "  - nonconformities: {evidence: internal-audit-report}\n"


def nc(root: Path, status: str, due: str, closed: str | None = None, verified: str | None = None) -> None:
    text = (
        f"id: NC-2\nkind: nonconformity\ntitle: 检查表不完整\nfound_in: IAR-2025\ndescription: d\nowner: mgmt-dept\n"
        f"due: {due}\nstatus: {status}\n"
    )
    if closed:
        text += f"closed: {closed}\n"
    if verified:
        text += f"verified: {verified}\nverified_by: 张总\n"
    write(root, "evidence/2025/audit/NC-2.yaml", text)


def test_nonconformity_open_past_due_fails(minimal: Path) -> None:
    checkpoint(minimal, "cp-nc", NC_RULE)
    nc(minimal, "open", "2025-09-30")
    assert status_of(minimal, "2025-09-10", "cp-nc") == ("due-soon", "NC-2 is open, due 2025-09-30")
    assert status_of(minimal, "2025-10-10", "cp-nc") == (
        "fail",
        "NC-2 is still open, 10 days past its due date 2025-09-30",
    )


def test_nonconformity_closed_late_or_unverified_fails(minimal: Path) -> None:
    checkpoint(minimal, "cp-nc", NC_RULE)
    nc(minimal, "closed", "2025-09-30", closed="2025-10-03")
    assert status_of(minimal, "2025-12-31", "cp-nc")[1] == "NC-2 was closed 2025-10-03, after its due date 2025-09-30"
    nc(minimal, "closed", "2025-09-30", closed="2025-09-20")
    assert (
        status_of(minimal, "2025-12-31", "cp-nc")[1] == "NC-2 was closed 2025-09-20 but its correction is not verified"
    )
    nc(minimal, "verified", "2025-09-30", closed="2025-09-20", verified="2025-09-25")
    assert status_of(minimal, "2025-12-31", "cp-nc") == (
        "pass",
        "all 2 nonconformities closed and verified on time",
    )
    # As of a date before the closure, the same NC was still open.
    assert status_of(minimal, "2025-09-15", "cp-nc")[0] == "due-soon"


# --- rows of a data file ---------------------------------------------------------------------

INCIDENT_TYPE = """id: incident-log
kind: evidence-type
title: 事件记录
data_columns:
  - {name: ticket_id, type: string, required: true}
  - {name: status, type: string, required: true}
  - {name: resolved_at, type: datetime}
  - {name: callback_at, type: datetime}
"""


def incident_log(root: Path, csv_text: str, encoding: str = "utf-8") -> None:
    write(root, "policy/evidence-types/incident-log.yaml", INCIDENT_TYPE)
    folder = root / "evidence/2025/incidents"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "incidents.csv").write_bytes(csv_text.encode(encoding))
    write(
        root,
        "evidence/2025/incidents/IL-2025.md",
        "---\nid: IL-2025\nkind: evidence\ntitle: 2025 事件记录\ntype: incident-log\ndate: 2025-12-01\n"
        "period: '2025'\nowner: mgmt-dept\ndata: [incidents.csv]\n---\n",
    )
    checkpoint(
        root,
        "cp-callback",
        "  - evidence: incident-log\n    every: P1Y\n"
        "    rows: {where: {status: 已解决}, within: {from: resolved_at, to: callback_at, max: P7D}}\n",
    )


CSV_OK = (
    "ticket_id,status,resolved_at,callback_at\n"
    "INC-1,已解决,2025-03-01 10:00,2025-03-03 09:00\n"
    "INC-2,处理中,,\n"
    "INC-3,已解决,2025-11-28 10:00,\n"  # not yet 7 days before 2025-12-01
)


def test_callbacks_within_a_week(minimal: Path) -> None:
    incident_log(minimal, CSV_OK)
    assert status_of(minimal, "2025-12-01", "cp-callback")[0] == "pass"  # INC-3 still has time
    # The export of 2025-12-01 cannot show INC-3's call-back, due 2025-12-05: no record shows it.
    assert status_of(minimal, "2026-01-02", "cp-callback") == (
        "missing",
        "evidence/2025/incidents/incidents.csv: 1 row(s) fell due after the file was written on 2025-12-01"
        " and no newer record shows them, first at row 4 (callback_at must be within P7D of resolved_at)",
    )


def test_late_callback_fails_in_gbk_file(minimal: Path) -> None:
    late = CSV_OK.replace("2025-03-03 09:00", "2025-03-10 09:00")
    incident_log(minimal, late, encoding="gbk")
    assert status_of(minimal, "2025-12-01", "cp-callback") == (
        "fail",
        "evidence/2025/incidents/incidents.csv: 1 row(s) fail, first at row 2"
        " (callback_at must be within P7D of resolved_at)",
    )


def test_unreadable_data_is_an_error_naming_the_file(minimal: Path) -> None:
    incident_log(minimal, "ticket_id,status,resolved_at,callback_at\nINC-1,已解决,yesterday,\n")
    assert status_of(minimal, "2025-12-01", "cp-callback") == (
        "error",
        "evidence/2025/incidents/incidents.csv:2: resolved_at: not a datetime: 'yesterday'",
    )


# --- custom checks ---------------------------------------------------------------------------


@pytest.fixture
def check_module(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("checks.fixture_checks")

    def ok(checkpoint, evidence, manual, as_of):  # type: ignore[no-untyped-def]
        return Outcome("pass", f"{len(evidence)} record(s) looked at as of {as_of}")

    def boom(checkpoint, evidence, manual, as_of):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("division by zero")

    def garbage(checkpoint, evidence, manual, as_of):  # type: ignore[no-untyped-def]
        return "looks fine to me"

    def twice(checkpoint, evidence, manual, as_of):  # type: ignore[no-untyped-def]
        return Outcome("pass", "named twice", (), ["IAR-2025", "IAR-2025"])

    module.ok, module.boom, module.garbage, module.twice = ok, boom, garbage, twice  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "checks.fixture_checks", module)
    return module


def test_custom_check_result_and_failures(minimal: Path, check_module: types.ModuleType) -> None:
    for name in ("ok", "boom", "garbage"):
        write(
            minimal,
            f"policy/checkpoints/cp-{name}.yaml",
            f"id: cp-{name}\nkind: checkpoint\ntitle: t\nclause: QP-01#1\narea: system\nowner: mgmt-dept\n"
            f"check: fixture_checks:{name}\n",
        )
    assert status_of(minimal, "2025-12-31", "cp-ok") == ("pass", "0 record(s) looked at as of 2025-12-31")
    assert status_of(minimal, "2025-12-31", "cp-boom") == (
        "error",
        "check fixture_checks:boom of cp-boom raised ZeroDivisionError: division by zero",
    )
    status, reason = status_of(minimal, "2025-12-31", "cp-garbage")
    assert status == "error"
    assert reason == "check fixture_checks:garbage of cp-garbage returned 'looks fine to me', not an Outcome"
    # The run went on: the other checkpoints still have their real status.
    assert status_of(minimal, "2025-12-31")[0] == "pass"


def test_a_record_a_custom_check_names_twice_is_listed_once(minimal: Path, check_module: types.ModuleType) -> None:
    write(
        minimal,
        "policy/checkpoints/cp-twice.yaml",
        "id: cp-twice\nkind: checkpoint\ntitle: t\nclause: QP-01#1\narea: system\nowner: mgmt-dept\n"
        "check: fixture_checks:twice\n",
    )
    results = evaluate(load_manual(minimal).manual, D("2025-12-31"), with_kpis=False)
    result = next(r for r in results.checkpoints if r.id == "cp-twice")
    assert [e.id for e in result.evidence] == ["IAR-2025"]


# --- waivers ---------------------------------------------------------------------------------


def test_waiver_valid_until_expiry_then_real_status_with_warning(minimal: Path) -> None:
    loaded = load_manual(minimal)
    during = evaluate(loaded.manual, D("2026-06-30"), with_kpis=False)
    result = during.checkpoints[0]
    assert result.status == "waived" and result.real_status == "stale"
    assert during.ok and during.counts()["pass"] == 0 and [r.id for r in during.waived] == ["cp-audit"]
    after = evaluate(loaded.manual, D("2026-07-01"), with_kpis=False).checkpoints[0]
    assert after.status == "stale"
    assert after.warnings == ("waiver w-2026 expired on 2026-07-01; the real status applies",)


# --- outputs and exit codes -----------------------------------------------------------------------


def test_json_output_validates_against_shipped_schema(minimal: Path) -> None:
    result = run_qms("--root", minimal, "check", "--as-of", "2026-08-01", "--format", "json", "--trend", "12")
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    schema = json.loads((REPO / "checks/schemas/results.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)
    assert doc["summary"]["failing"] == ["cp-audit"]
    assert [p["date"] for p in doc["trend"]][:2] == ["2025-08-31", "2025-09-30"]
    assert doc["trend"][-1] == {"date": "2026-08-01", "by_status": doc["summary"]["by_status"]}
    evidence = doc["checkpoints"][0]["evidence"][0]
    assert evidence["path"] == AUDIT
    assert evidence["attachments"][0]["path"] == "evidence/2025/audit/report.txt"
    assert doc["commit"] is None and evidence["commit"] is None  # not a git checkout
    assert result.stdout.startswith('{\n  "$schema": ')  # a small document is indented


def test_the_json_document_is_indented_json_equal_to_the_document(minimal: Path) -> None:
    doc = to_document(evaluate(load_manual(minimal).manual, D("2026-08-01")), "test")
    text = document_json(doc).decode("utf-8")
    assert text.startswith('{\n  "$schema": ') and text.endswith("\n}\n")
    assert json.loads(text) == doc
    assert text == json.dumps(doc, ensure_ascii=False, indent=2) + "\n"  # as the json module writes it


def test_checkpoints_share_the_entry_of_a_record_they_both_use(minimal: Path) -> None:
    checkpoint(minimal, "cp-any", "  - evidence: internal-audit-report\n")
    results = evaluate(load_manual(minimal).manual, D("2025-12-31"), with_kpis=False)
    doc = to_document(results, "test")
    first, second = (c["evidence"][0] for c in doc["checkpoints"])
    assert first is second and first["id"] == "IAR-2025"
    assert doc["checkpoints"] == [checkpoint_document(r) for r in results.checkpoints]


def test_junit_output_parses_with_failures(minimal: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.xml"
    result = run_qms("--root", minimal, "check", "--as-of", "2026-08-01", "--format", "junit", "--output", out)
    assert result.returncode == 1 and result.stdout == ""
    xml = JUnitXml.fromfile(str(out))
    cases = [case for suite in xml for case in suite]
    assert [case.name for case in cases] == ["cp-audit 每年 4 月进行内审", "QP-01 review"]
    assert cases[1].is_passed
    assert isinstance(cases[0].result[0], jp.Failure)
    assert cases[0].result[0].type == "stale"


def test_github_annotations_point_at_the_checkpoint_file(minimal: Path) -> None:
    result = run_qms("--root", minimal, "check", "--as-of", "2026-08-01", "--format", "github")
    assert result.stdout.splitlines()[0].startswith(
        "::error file=policy/checkpoints/cp-audit.yaml,line=1,title=cp-audit stale::"
    )


def test_exit_codes(minimal: Path) -> None:
    assert run_qms("--root", minimal, "check", "--as-of", "2025-12-31").returncode == 0
    assert run_qms("--root", minimal, "check", "--as-of", "2026-08-01").returncode == 1
    lenient = run_qms("--root", minimal, "check", "--as-of", "2026-08-01", "--fail-on", "fail,error")
    assert lenient.returncode == 0
    write(minimal, "policy/roles/bad.yaml", "id: bad\nkind: role\n")
    invalid = run_qms("--root", minimal, "check", "--as-of", "2025-12-31")
    assert invalid.returncode == 2
    assert "policy/roles/bad.yaml:1: name: missing required field 'name'" in invalid.stderr


def test_text_report_lists_waived_apart(minimal: Path) -> None:
    result = run_qms("--root", minimal, "check", "--as-of", "2026-06-01")
    assert result.returncode == 0
    assert "Waived (not counted as passes)" in result.stdout
    assert "1 checkpoint: 1 waived. OK" in result.stdout


def test_evidence_names_its_git_commit(minimal: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(minimal), *args], check=True, capture_output=True, text=True).stdout

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "manual")
    head = git("rev-parse", "HEAD").strip()
    doc = to_document(evaluate(load_manual(minimal).manual, D("2025-12-31"), with_kpis=False), "test")
    assert doc["commit"] == head
    assert doc["checkpoints"][0]["evidence"][0]["commit"] == head
    assert GitInfo.read_in_background(minimal).result() == GitInfo.read(minimal)
    shown = json.loads(run_qms("--root", minimal, "check", "--as-of", "2025-12-31", "--format", "json").stdout)
    assert shown["commit"] == head and shown["checkpoints"][0]["evidence"][0]["commit"] == head


def test_annual_plan_custom_check(minimal: Path) -> None:
    write(
        minimal,
        "policy/checkpoints/cp-plan-in-force.yaml",
        "id: cp-plan-in-force\nkind: checkpoint\ntitle: 当年质量管理计划已批准\nclause: QP-01#1\narea: system\n"
        "owner: quality-group\ncheck: custom:annual_plan_in_force\n",
    )
    assert status_of(minimal, "2025-06-30", "cp-plan-in-force") == (
        "pass",
        "plan-2025 (QP-01 V1.1) approved 2025-01-08 by 张总",
    )
    assert status_of(minimal, "2025-01-05", "cp-plan-in-force")[1].startswith("plan-2025 (QP-01 V1.0)")
    assert status_of(minimal, "2026-01-15", "cp-plan-in-force")[0] == "due-soon"
    assert status_of(minimal, "2026-03-01", "cp-plan-in-force") == (
        "fail",
        "no approved, effective quality plan for 2026 (plans for 2026: none)",
    )


def test_output_to_a_device_or_a_folder(minimal: Path, tmp_path: Path) -> None:
    import os
    import stat

    devnull = Path(os.devnull)
    assert run_qms("--root", minimal, "check", "--as-of", "2025-12-31", "--output", devnull).returncode == 0
    assert stat.S_ISCHR(devnull.stat().st_mode)  # written to, never replaced by a file
    folder = run_qms("--root", minimal, "check", "--as-of", "2025-12-31", "--output", tmp_path)
    assert folder.returncode == 2 and "is a folder" in folder.stderr and "Traceback" not in folder.stderr


def test_an_unwritable_output_is_a_clear_error(minimal: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    target = locked / "missing-folder" / "results.xml"
    result = run_qms("--root", minimal, "check", "--as-of", "2025-12-31", "--format", "junit", "--output", target)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "missing-folder" in result.stderr
