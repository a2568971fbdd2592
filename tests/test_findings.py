"""Issue 16's findings, each reproduced on a copy of this repository's manual: a status
is a claim about the world, not about the existence of a record."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from checks import load_manual
from checks.evaluating.evaluate import evaluate
from checks.results import Results
from conftest import REPO

D = dt.date.fromisoformat


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    root = tmp_path / "manual"
    shutil.copytree(REPO / "policy", root / "policy")
    shutil.copytree(REPO / "evidence", root / "evidence")
    return root


def results(root: Path, as_of: str, kpis: bool = False) -> Results:
    loaded = load_manual(root)
    assert loaded.valid, [str(i) for i in loaded.errors][:5]
    return evaluate(loaded.manual, D(as_of), with_kpis=kpis)


def status(root: Path, as_of: str) -> dict[str, tuple[str, str]]:
    return {r.id: (r.status, r.reason) for r in results(root, as_of).checkpoints}


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def write(root: Path, rel: str, text: str) -> None:
    (root / rel).write_text(text, encoding="utf-8")


def kpi_value(root: Path, as_of: str, kpi_id: str, period: str) -> dict:
    kpi = next(k for k in results(root, as_of, kpis=True).kpis if k["id"] == kpi_id)
    return next(v for v in kpi["values"] if v["period"] == period)


INCIDENT_CHECK = "evidence/2025/process-audit/PAR-2025-H2-incident.md"


# 1. A nonconforming finding passes only through a nonconformity closed and verified on time.
def test_1_a_nonconforming_process_check_needs_its_nonconformity(copy: Path) -> None:
    edit(
        copy,
        INCIDENT_CHECK,
        "findings: [未发现不符合]\nconforming: true",
        "findings: [2 件 P2 事件超时解决]\nconforming: false",
    )
    found = status(copy, "2025-12-31")["cp-process-incident"]
    assert found[0] == "fail" and "no nonconformity refers to it" in found[1]
    nc = (
        "id: NC-T1\nkind: nonconformity\ntitle: P2 事件超时\nfound_in: PAR-2025-H2-incident\n"
        "description: 2 件 P2 事件超时解决。\nowner: ops-dept\ndue: 2025-12-20\n"
    )
    write(copy, "evidence/2025/nonconformities/NC-T1.yaml", nc + "status: open\n")
    assert status(copy, "2025-12-31")["cp-process-incident"][0] == "fail"  # open past its due date
    write(
        copy,
        "evidence/2025/nonconformities/NC-T1.yaml",
        nc + "status: verified\nclosed: 2025-12-15\nverified: 2025-12-18\nverified_by: 吴艳\n",
    )
    assert status(copy, "2025-12-31")["cp-process-incident"][0] == "pass"


def test_1_an_acceptance_that_failed_is_read_by_the_rule(copy: Path) -> None:
    edit(copy, "evidence/2025/projects/ACC-2025-04.md", "passed: true", "passed: false")
    found = status(copy, "2025-12-31")
    assert found["cp-kpi-project-acceptance"][0] == "fail"  # 3 of 4 passed: 75 % < 100 %, no miss analysis


def test_1_training_below_full_attendance_needs_a_nonconformity(copy: Path) -> None:
    edit(copy, "evidence/2025/people/TR-2025-03.md", "coverage_rate: 100.0", "coverage_rate: 89.5")
    assert status(copy, "2025-12-31")["cp-training"][0] == "fail"


# 2. The audit scope is every department that implements or supports the service.
def test_2_an_audit_that_skips_supporting_departments_fails(copy: Path) -> None:
    for rel in ("evidence/2025/internal-audit/IAR-2025-04.md", "evidence/2025/internal-audit/IAR-2025-11.md"):
        text = (copy / rel).read_text(encoding="utf-8")
        for dept in ("rnd-dept", "hr-dept", "mgmt-dept"):
            text = text.replace(f", {dept}", "").replace(f"- {dept}\n", "")
        (copy / rel).write_text(text, encoding="utf-8")
    found = status(copy, "2025-12-31")["cp-internal-audit-coverage"]
    assert found[0] == "fail" and "hr-dept" in found[1] and "mgmt-dept" in found[1] and "rnd-dept" in found[1]
    assert kpi_value(copy, "2025-12-31", "internal-audit-coverage", "2025")["value"] < 100


# 3. The audit report needs the general manager's approval.
def test_3_an_audit_report_without_the_gm_approval_fails(copy: Path) -> None:
    edit(copy, "evidence/2025/internal-audit/IAR-2025-04.md", "approved_by_gm: true", "approved_by_gm: false")
    assert status(copy, "2025-12-31")["cp-internal-audit-yearly"][0] == "fail"


# 4. Duties that apply to each project, named per project.
def test_4_every_active_project_needs_its_own_service_report(copy: Path) -> None:
    for name in ("SR-2025-H2-PRJ-TX-01.md", "SR-2025-H2-PRJ-TX-01.txt"):
        (copy / "evidence/2025/service-reports" / name).unlink(missing_ok=True)
    found = status(copy, "2026-01-05")["cp-service-report"]
    assert found[0] == "missing" and "PRJ-TX-01 in 2025-H2" in found[1]


def test_4_every_accepted_project_needs_its_survey_and_every_new_project_its_quality_plan(copy: Path) -> None:
    (copy / "evidence/2025/projects/PSS-2025-04.md").unlink()
    found = status(copy, "2026-01-10")["cp-project-satisfaction"]
    assert found[0] == "missing" and "ACC-2025-04" in found[1]
    (copy / "evidence/2025/projects/PQP-PRJ-XX-02.md").unlink()
    found = status(copy, "2025-12-31")["cp-project-quality-plan"]
    assert found[0] == "missing" and "PRJ-XX-02" in found[1]


# 5. As of a date means as of that date.
def test_5_december_resolution_time_as_of_the_last_day_of_december(copy: Path) -> None:
    december = kpi_value(copy, "2025-12-31", "mean-resolution-time", "2025-12")
    # 184 incidents opened in December; 3 were resolved on 2026-01-02/03, after that day
    assert (december["value"], december["denominator"]) == (7.4033, 181.0)
    later = kpi_value(copy, "2026-03-31", "mean-resolution-time", "2025-12")
    assert later["denominator"] == 184.0


# 6. Periods tell their own status.
def test_6_each_period_entry_reports_its_own_status(copy: Path) -> None:
    found = next(r for r in results(copy, "2026-11-30").checkpoints if r.id == "cp-incident-callback")
    periods = {p.label: p.status for p in found.periods}
    assert found.status == "fail" and periods["2026-Q3"] == "fail"
    report = next(r for r in results(copy, "2026-11-30").checkpoints if r.id == "cp-service-report")
    assert {p.status for p in report.periods if p.label == "2026-H2"} == {"not-due"}


# 7. One fact, one answer: the policy's review.
def test_7_the_policy_review_checkpoint_and_the_document_review_agree(copy: Path) -> None:
    for as_of in ("2025-06-30", "2025-12-31", "2026-11-30"):
        found = results(copy, as_of)
        checkpoint = next(r for r in found.checkpoints if r.id == "cp-policy-annual-review")
        document = next(d for d in found.documents if d.id == "TFDL-ITSS-08-01")
        assert checkpoint.status == document.status, as_of


# 8. Loose encodings.
def test_8_the_yearly_quality_targets_of_section_4_are_read(copy: Path) -> None:
    edit(copy, "evidence/2025/planning/CMP-2025.md", "客户满意度 ≥ 96 分, ", "")
    by_clause = [r for r in results(copy, "2025-12-31").checkpoints if r.clause == "TFDL-ITSS-08-01#4"]
    assert by_clause and any(r.status == "fail" for r in by_clause)


def test_8_the_internal_audit_is_held_in_april(copy: Path) -> None:
    edit(copy, "evidence/2025/internal-audit/IAR-2025-04.md", "date: 2025-04-24", "date: 2025-03-20")
    assert status(copy, "2025-12-31")["cp-internal-audit-yearly"][0] != "pass"
    mapping = (REPO / "policy/seed-mapping.md").read_text(encoding="utf-8")
    assert "内审时间冲突" in mapping and "本手册的决定" in mapping


def test_8_the_acceptance_formula_is_the_corrected_one() -> None:
    kpi = load_manual(REPO).manual.kpis["project-acceptance-rate"]
    assert kpi.formula == "验收通过项目数量 / 申请验收项目数量 × 100%"
