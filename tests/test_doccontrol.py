"""Document control on real git repositories: qms revise / approve / diff / confirm."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from checks import load_manual
from checks.evaluating.evaluate import evaluate
from conftest import run_qms

POLICY = "policy/QP-01.md"
OLD_SENTENCE = "内审要求每年度至少执行一次，安排在每年 4 月进行。"
NEW_SENTENCE = "内审要求每年度至少执行一次，安排在每年 5 月进行。"


def git(root: Path, *args: str) -> str:
    command = ["git", "-C", str(root), "-c", "user.name=质量组", "-c", "user.email=q@example.invalid", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(minimal: Path) -> Path:
    assert run_qms("--root", minimal, "confirm", "--all").returncode == 0
    git(minimal, "init", "-q", "-b", "main")
    git(minimal, "add", ".")
    git(minimal, "commit", "-qm", "manual")
    return minimal


def edit_clause(root: Path) -> None:
    path = root / POLICY
    path.write_text(path.read_text(encoding="utf-8").replace(OLD_SENTENCE, NEW_SENTENCE), encoding="utf-8")


def annual_revision(root: Path, change: str = "年度修订") -> subprocess.CompletedProcess[str]:
    args = ["--version", "V1.2", "--author", "杨洁", "--change", change, "--date", "2026-02-01"]
    return run_qms("--root", root, "revise", "QP-01", *args)


def split(text: str) -> tuple[str, str]:
    """(front matter, body) of a Markdown file."""
    end = text.index("\n---\n", 4)
    return text[: end + 5], text[end + 5 :]


def test_pr_without_revision_row_fails_then_revise_and_approve_pass(repo: Path) -> None:
    edit_clause(repo)
    result = run_qms("--root", repo, "diff", "--base", "main")
    assert result.returncode == 1
    assert "- reworded 7.3.1 内审要求" in result.stdout
    assert f"  -{OLD_SENTENCE}" in result.stdout and f"  +{NEW_SENTENCE}" in result.stdout
    assert "**problem:** normative text changed but the version is still V1.1" in result.stdout
    assert "no revision row was added" in result.stdout

    revised = annual_revision(repo, "内审改到 5 月")
    assert revised.returncode == 0, revised.stderr
    pending = run_qms("--root", repo, "diff", "--base", "main", "--as-of", "2026-02-02")
    assert pending.returncode == 1  # revised, but not approved yet
    assert "- **pending:** QP-01 V1.2 awaits approval by a member of 总经理 (general-manager): 张远明" in pending.stdout
    approved = run_qms(
        "--root", repo, "approve", "QP-01", "--by", "张远明", "--reviewed-by", "吴艳", "--date", "2026-02-03"
    )
    assert approved.returncode == 0, approved.stderr
    passed = run_qms("--root", repo, "diff", "--base", "main")
    assert passed.returncode == 0
    assert "## QP-01 质量管理制度 (V1.1 → V1.2)" in passed.stdout

    policy = load_manual(repo).manual.policies["QP-01"]
    assert policy.version == "V1.2" and policy.effective == dt.date(2026, 2, 3)
    last = policy.revisions[-1]
    assert (last.author, last.date, last.approved_by, last.approved, last.reviewed_by) == (
        "杨洁",
        dt.date(2026, 2, 1),
        "张远明",
        dt.date(2026, 2, 3),
        "吴艳",
    )
    assert policy.review is not None and policy.review.last == dt.date(2026, 2, 1)


def test_revise_changes_only_the_touched_front_matter_lines(repo: Path) -> None:
    path = repo / POLICY
    original = path.read_text(encoding="utf-8").replace("status: effective\n", "status: effective  # 受控\n")
    path.write_text(original, encoding="utf-8")
    assert annual_revision(repo).returncode == 0
    after = path.read_text(encoding="utf-8")
    assert split(after)[1] == split(original)[1]  # the body, byte for byte
    removed = [line for line in split(original)[0].splitlines() if line not in split(after)[0].splitlines()]
    assert removed == ["version: V1.1", "  last: 2026-01-05"]
    assert "status: effective  # 受控" in after  # comments survive
    added = [line for line in split(after)[0].splitlines() if line not in split(original)[0].splitlines()]
    assert added == [
        "version: V1.2",
        "  last: 2026-02-01",
        "  - version: V1.2",
        "    author: 杨洁",
        "    date: 2026-02-01",
        "    change: 年度修订",
    ]


def test_crlf_and_bom_survive_an_edit(repo: Path) -> None:
    path = repo / POLICY
    original = b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(original)
    assert annual_revision(repo).returncode == 0
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    assert after.count(b"\n") == after.count(b"\r\n")
    body = original[original.index(b"\r\n---\r\n", 6) :]
    assert after.endswith(body)


def test_refusals_leave_the_file_untouched(repo: Path) -> None:
    path = repo / POLICY
    before = path.read_bytes()
    again = run_qms("--root", repo, "revise", "QP-01", "--version", "V1.1", "--author", "x", "--change", "y")
    assert again.returncode == 2 and "already has a version V1.1" in again.stderr
    premature = run_qms("--root", repo, "approve", "QP-01", "--by", "张远明")
    assert premature.returncode == 2 and "already approved on 2025-01-08" in premature.stderr
    bad_date = run_qms(
        "--root", repo, "revise", "QP-01", "--version", "V1.2", "--author", "x", "--change", "y", "--date", "2026-02-30"
    )
    assert bad_date.returncode == 2 and "is not a date" in bad_date.stderr
    assert path.read_bytes() == before
    assert not [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_evidence_for_an_edited_clause_becomes_suspect_until_confirmed(repo: Path) -> None:
    def suspects() -> list[str]:
        results = evaluate(load_manual(repo).manual, dt.date(2025, 12, 31), with_kpis=False)
        return results.suspect

    assert suspects() == []
    edit_clause(repo)
    assert suspects() == ["IAR-2025"]
    plain = run_qms("--root", repo, "check", "--as-of", "2025-12-31")
    assert plain.returncode == 0
    assert "suspect: cp-audit: IAR-2025 not confirmed against its current content" in plain.stdout
    strict = run_qms("--root", repo, "check", "--as-of", "2025-12-31", "--strict", "--format", "json")
    assert strict.returncode == 1
    assert json.loads(strict.stdout)["summary"]["suspect"] == ["IAR-2025"]
    confirmed = run_qms("--root", repo, "confirm", "IAR-2025")
    assert confirmed.returncode == 0
    assert suspects() == []
    # A title or remedy edit is not normative: nothing becomes suspect.
    cp = repo / "policy/checkpoints/cp-audit.yaml"
    cp.write_text(cp.read_text(encoding="utf-8").replace("remedy: 完成内审", "remedy: 尽快完成内审"), encoding="utf-8")
    assert suspects() == []


def test_review_cycle_statuses(minimal: Path) -> None:
    manual = load_manual(minimal).manual

    def status(day: str) -> tuple[str, str]:
        doc = evaluate(manual, dt.date.fromisoformat(day), with_kpis=False).documents[0]
        return doc.status, doc.reason

    # The fixture's last review is 2026-01-05 (cycle P1Y); before that, the approval of 2025-01-08 counts.
    assert status("2025-06-30") == ("pass", "reviewed 2025-01-08; next review due 2026-01-08")
    assert status("2025-11-20")[0] == "due-soon"  # 49 days before 2026-01-08
    assert status("2026-03-01") == ("pass", "reviewed 2026-01-05; next review due 2027-01-05")
    assert status("2027-01-06") == ("stale", "last reviewed 2026-01-05; with a P1Y cycle it was due 2027-01-05")
    result = run_qms("--root", minimal, "check", "--as-of", "2027-01-06", "--format", "github")
    assert "::error file=policy/QP-01.md,line=1,title=QP-01 review stale::" in result.stdout


def test_revision_table_problems_are_validation_errors(minimal: Path) -> None:
    path = minimal / POLICY
    text = path.read_text(encoding="utf-8")
    text = text.replace("version: V1.1\n", "version: V1.3\n", 1).replace("approved: 2025-01-08", "approved: 2024-12-30")
    path.write_text(text, encoding="utf-8")
    (minimal / "policy/OLD-01.md").write_text(
        "---\nid: OLD-01\nkind: policy\ntitle: 旧制度\ndoc_no: OLD-01\nversion: V1.0\nstatus: retired\n"
        "owner: quality-group\n---\n\n## 1 目的\n\n已废止。\n",
        encoding="utf-8",
    )
    path.write_text(path.read_text(encoding="utf-8") + "\n参见 OLD-01。\n", encoding="utf-8")
    result = run_qms("--root", minimal, "validate")
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        "policy/QP-01.md:6: version: version V1.3 does not match the last revision row (V1.1, revisions[1])",
        "policy/QP-01.md:28: revisions[1].approved: approved 2024-12-30 before it was reviewed 2025-01-06",
        "policy/QP-01.md:28: revisions[1].approved: approved 2024-12-30 is before the authoring date 2025-01-05",
        "policy/QP-01.md:50: body: refers to retired document OLD-01",
    ]
