"""Acceptance on this repository's own manual (the seeds' quality system)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_qms

KPI_IDS = [
    "customer-satisfaction",
    "first-contact-resolution-rate",
    "internal-audit-coverage",
    "knowledge-base-utilization",
    "mean-resolution-time",
    "project-acceptance-rate",
    "sla-achievement-rate",
    "spare-parts-turnover",
]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    root = tmp_path / "manual"
    shutil.copytree(REPO / "policy", root / "policy")
    shutil.copytree(REPO / "evidence", root / "evidence")
    return root


def test_repository_manual_validates() -> None:
    result = run_qms("--root", REPO, "validate")
    assert result.returncode == 0, result.stdout
    assert "70 checkpoints, 8 KPIs" in result.stderr and "6 projects" in result.stderr


def test_every_section_of_both_seeds_is_addressable() -> None:
    from checks import load_manual

    manual = load_manual(REPO).manual
    policy, plan = manual.policies["TFDL-ITSS-08-01"], manual.policies["XDYJ-04-09"]
    expected_policy = {"1", "2", "3", "4", "5", "6", "7", "7.3", "7.3.1", "7.3.2", "8", "9", "10", "11"}
    expected_policy |= {f"5.{i}" for i in range(1, 7)} | {f"6.{i}" for i in range(1, 5)}
    expected_policy |= {"7.1", "7.2"} | {f"8.{i}" for i in range(1, 5)}
    assert set(policy.clauses) == expected_policy
    assert [r.version for r in policy.revisions] == ["V1.0", "V1.1", "V1.2"]
    assert {"1.3.1", "1.3.5", "3.3", "4.2", "4.4"} <= set(plan.clauses)
    clauses_with_checkpoints = {cp.clause for cp in manual.checkpoints.values()}
    for number in ("6.2", "7.1", "7.2", "7.3.1", "7.3.2", "8", "8.1", "8.2", "8.3", "8.4", "9", "10"):
        assert f"TFDL-ITSS-08-01#{number}" in clauses_with_checkpoints
    rows = manual.plans["XDYJ-04-09-2025"].schedule
    assert len(rows) == 9
    covered = {cp.requires[0].due for cp in manual.checkpoints.values() if cp.requires and cp.requires[0].due}
    assert {f"XDYJ-04-09-2025#{row.id}" for row in rows} <= covered


def test_2025_is_clean() -> None:
    result = run_qms("--root", REPO, "check", "--as-of", "2025-12-31", "--format", "json")
    assert result.returncode == 0, result.stdout[-2000:]
    doc = json.loads(result.stdout)
    assert doc["summary"]["total"] == 70 and doc["summary"]["by_status"]["pass"] == 69
    # The one exception is true: the policy's yearly review falls due on 2026-01-08.
    status = {r["id"]: r["status"] for r in doc["checkpoints"] if r["status"] != "pass"}
    assert status == {"cp-policy-annual-review": "due-soon"}
    documents = {d["id"]: d["status"] for d in doc["documents"]}
    assert documents["TFDL-ITSS-08-01"] == "due-soon"


def test_2026_shows_honest_gaps() -> None:
    result = run_qms("--root", REPO, "check", "--as-of", "2026-11-21", "--format", "json")
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    status = {r["id"]: r["status"] for r in doc["checkpoints"] if r["status"] != "pass"}
    assert status == {
        "cp-internal-audit-nc": "fail",  # NC-2026-02 open past its due date
        "cp-nc-tracking": "fail",
        "cp-incident-callback": "fail",  # six call-backs in August 2026 came after more than 7 days
        "cp-service-desk-compliance": "fail",  # the Q3 inspection found it, and no NC follows it up
        "cp-quality-analysis-meeting": "stale",  # no meeting in 2026-H1
        "cp-policy-annual-review": "stale",  # the policy was due for review on 2026-01-08
        "cp-spare-parts-availability": "waived",
    }


def test_deleting_a_required_record_fails_then_a_waiver_covers_it(copy: Path) -> None:
    for name in ("IAP-2025-04.md", "IAP-2025-04.txt"):
        (copy / "evidence/2025/internal-audit" / name).unlink()
    result = run_qms("--root", copy, "check", "--as-of", "2025-12-31")
    assert result.returncode == 1
    assert "cp-internal-audit-plan" in result.stdout
    assert "1 missing" in result.stdout
    (copy / "policy/waivers/waiver-test.yaml").write_text(
        "id: waiver-test\nkind: waiver\ncheckpoint: cp-internal-audit-plan\nreason: 内审计划原件补录中\n"
        "approved_by: 张远明\ngranted: 2025-12-15\nexpires: 2026-01-31\n",
        encoding="utf-8",
    )
    waived = run_qms("--root", copy, "check", "--as-of", "2025-12-31", "--format", "json")
    assert waived.returncode == 0
    doc = json.loads(waived.stdout)
    assert doc["summary"]["waived"] == ["cp-internal-audit-plan"]
    assert doc["summary"]["by_status"]["pass"] == 68


def test_kpi_command_prints_all_eight() -> None:
    result = run_qms("--root", REPO, "kpi", "--as-of", "2025-12-31", "--format", "json")
    assert result.returncode == 0
    kpis = {k["id"]: k for k in json.loads(result.stdout)["kpis"]}
    assert sorted(kpis) == KPI_IDS
    for kpi in kpis.values():
        assert kpi["error"] is None
        assert any(v["value"] is not None for v in kpi["values"]), kpi["id"]
    year = {v["period"]: v for v in kpis["customer-satisfaction"]["values"]}["2025"]
    assert year["verdict"] == "met" and year["value"] >= 96
    text = run_qms("--root", REPO, "kpi", "--as-of", "2025-12-31")
    for kpi_id in KPI_IDS:
        assert kpi_id in text.stdout
