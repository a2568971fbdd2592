"""`qms diff` on real git repositories: what was removed since the base revision, and
whether the manual records the retirement."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import run_qms
from test_doccontrol import git, repo  # noqa: F401 (the fixture)

REVISE = ["--author", "杨洁", "--date", "2026-02-01"]


def diff(root: Path) -> tuple[int, str]:
    result = run_qms("--root", root, "diff", "--base", "main")
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout


def _remove_cp_audit(root: Path) -> None:
    """Remove the checkpoint with what refers to it (a record's satisfies, its waiver)."""
    (root / "policy/checkpoints/cp-audit.yaml").unlink()
    (root / "policy/waivers/w-2026.yaml").unlink()
    record = root / "evidence/2025/audit/IAR-2025.md"
    text = record.read_text(encoding="utf-8")
    text = re.sub(r"satisfies: \[cp-audit\]\n|confirmed:\n  cp-audit: \w+\n", "", text)
    record.write_text(text, encoding="utf-8")


def test_removals_that_leave_references_behind_are_still_listed(repo: Path) -> None:  # noqa: F811
    (repo / "policy/checkpoints/cp-audit.yaml").unlink()
    code, out = diff(repo)
    assert code == 2  # the manual is invalid: a record and a waiver still name cp-audit
    assert "- **problem:** checkpoint cp-audit (policy/checkpoints/cp-audit.yaml) was removed" in out


def test_removed_objects_fail_unless_recorded(repo: Path) -> None:  # noqa: F811
    _remove_cp_audit(repo)
    (repo / "policy/evidence-types/management-review-report.yaml").unlink()
    shutil.rmtree(repo / "evidence/2025/review")
    code, out = diff(repo)
    assert code == 1
    assert "# Removed since main" in out
    assert "- **problem:** checkpoint cp-audit (policy/checkpoints/cp-audit.yaml) was removed" in out
    assert "- **problem:** evidence type management-review-report (" in out
    assert "- **problem:** evidence record MR-2025 (evidence/2025/review/MR-2025.md) was removed" in out

    # The annual revision records why each went.
    change = "删除检查点 cp-audit；管理评审报告（management-review-report, MR-2025）改在 OA 中保存"
    assert run_qms("--root", repo, "revise", "QP-01", "--version", "V1.2", "--change", change, *REVISE).returncode == 0
    code, out = diff(repo)
    assert code == 1, out  # recorded, but the revision that records it awaits approval
    assert "**problem:**" not in out
    approve = run_qms("--root", repo, "approve", "QP-01", "--by", "张远明", "--date", "2026-02-03")
    assert approve.returncode == 0, approve.stderr
    code, out = diff(repo)
    assert code == 0, out
    assert f"- checkpoint cp-audit (policy/checkpoints/cp-audit.yaml): revision: {change}" in out
    assert "**problem:**" not in out


def test_an_old_revision_row_naming_the_id_does_not_record_the_removal(repo: Path) -> None:  # noqa: F811
    policy = repo / "policy/QP-01.md"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("change: 修改", "change: 修改 cp-audit"), encoding="utf-8")
    git(repo, "commit", "-qam", "a row that names cp-audit, before the base")
    _remove_cp_audit(repo)
    code, out = diff(repo)
    assert code == 1
    assert "- **problem:** checkpoint cp-audit (policy/checkpoints/cp-audit.yaml) was removed" in out


def test_a_moved_record_is_not_a_removal(repo: Path) -> None:  # noqa: F811
    (repo / "evidence/2025/review").rename(repo / "evidence/2025/management-review")
    code, out = diff(repo)
    assert code == 0, out
    assert "Removed" not in out


def test_a_controlled_document_removed_after_its_retirement(repo: Path) -> None:  # noqa: F811
    old = repo / "policy/OLD-01.md"
    old.write_text(
        "---\nid: OLD-01\nkind: policy\ntitle: 旧制度\ndoc_no: OLD-01\nversion: V1.0\nstatus: draft\n"
        "owner: quality-group\n---\n\n## 1 目的\n\n旧的。\n",
        encoding="utf-8",
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "draft")
    old.unlink()
    code, out = diff(repo)
    assert code == 1
    assert "- **problem:** controlled document OLD-01 (policy/OLD-01.md) was removed" in out

    git(repo, "checkout", "-q", "--", "policy/OLD-01.md")
    old.write_text(old.read_text(encoding="utf-8").replace("status: draft", "status: retired"), encoding="utf-8")
    git(repo, "commit", "-qam", "retire OLD-01")
    old.unlink()
    code, out = diff(repo)
    assert code == 0, out
    assert "- controlled document OLD-01 (policy/OLD-01.md): retired at main" in out
