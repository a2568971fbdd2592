"""Messages that lead to the fix: "did you mean" for unknown ids, and one cause, one message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_qms


def write(root: Path, rel: str, text: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")


def checkpoint(**fields: str) -> str:
    values = {"clause": "QP-01#7.3.1", "owner": "quality-group", "evidence": "internal-audit-report"} | fields
    return (
        f"id: cp-x\nkind: checkpoint\ntitle: t\nclause: {values['clause']}\narea: system\n"
        f"owner: {values['owner']}\nrequires:\n  - evidence: {values['evidence']}\n"
    )


UNKNOWN_IDS = [
    (
        "role typo",
        "policy/checkpoints/cp-x.yaml",
        checkpoint(owner="qualty-group"),
        "policy/checkpoints/cp-x.yaml:6: owner: unknown role 'qualty-group' (did you mean 'quality-group'?)",
    ),
    (
        "role in another case",
        "policy/checkpoints/cp-x.yaml",
        checkpoint(owner="Quality-Group"),
        "policy/checkpoints/cp-x.yaml:6: owner: unknown role 'Quality-Group' (did you mean 'quality-group'?)",
    ),
    (
        "document typo",
        "policy/checkpoints/cp-x.yaml",
        checkpoint(clause="QP-0l#7.3.1"),
        "policy/checkpoints/cp-x.yaml:4: clause: clause 'QP-0l#7.3.1': unknown document 'QP-0l'"
        " (did you mean 'QP-01'?)",
    ),
    (
        "another number is not a typo",
        "policy/checkpoints/cp-x.yaml",
        checkpoint(clause="QP-02#7.3.1"),
        "policy/checkpoints/cp-x.yaml:4: clause: clause 'QP-02#7.3.1': unknown document 'QP-02'",
    ),
    (
        "checkpoint of a waiver",
        "policy/waivers/w-2026.yaml",
        "id: w-2026\nkind: waiver\ncheckpoint: cp-adit\nreason: r\napproved_by: 张总\n"
        "granted: 2026-03-01\nexpires: 2026-07-01\n",
        "policy/waivers/w-2026.yaml:3: checkpoint: unknown checkpoint 'cp-adit' (did you mean 'cp-audit'?)",
    ),
    (
        "evidence type of a record",
        "evidence/2025/review/MR-2025.md",
        "---\nid: MR-2025\nkind: evidence\ntitle: t\ntype: management-reveiw-report\ndate: 2025-01-15\n"
        "owner: quality-group\n---\n",
        "evidence/2025/review/MR-2025.md:5: type: unknown evidence type 'management-reveiw-report'"
        " (did you mean 'management-review-report'?)",
    ),
    (
        "plan row",
        "policy/checkpoints/cp-x.yaml",
        checkpoint() + '    due: "plan-2025#audt"\n',
        "policy/checkpoints/cp-x.yaml:9: requires[0].due: plan 'plan-2025' has no schedule row 'audt'"
        " (did you mean 'audit'?)",
    ),
]


@pytest.mark.parametrize(("case", "rel", "text", "expected"), UNKNOWN_IDS, ids=[c[0] for c in UNKNOWN_IDS])
def test_unknown_id_suggests_the_one_meant(minimal: Path, case: str, rel: str, text: str, expected: str) -> None:
    write(minimal, rel, text)
    result = run_qms("--root", minimal, "validate")
    assert result.returncode == 2
    assert result.stdout.splitlines() == [expected]


@pytest.fixture
def repository_copy(tmp_path: Path) -> Path:
    """A private copy of this repository's manual (2 policies, 69 checkpoints, 189 records)."""
    root = tmp_path / "manual"
    root.mkdir()
    for name in ("policy", "evidence"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root)
    return root


def test_a_typo_in_one_policy_key_gives_one_message(repository_copy: Path) -> None:
    policy = repository_copy / "policy/TFDL-ITSS-08-01.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace("\nreview:", "\nreveiw:", 1), encoding="utf-8")
    result = run_qms("--root", repository_copy, "validate")
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        "policy/TFDL-ITSS-08-01.md:13: reveiw: unknown field 'reveiw' (did you mean 'review'?)"
    ]
    summary = result.stderr.splitlines()
    assert summary[0] == "1 problem found"
    # What follows from it is counted, not dropped in silence: every clause of the policy
    # named by checkpoints, roles, KPIs and nonconformities.
    count = int(summary[1].split()[0])
    assert count > 50
    assert summary[1] == (
        f"{count} more problems are held back: they follow from the objects above that failed validation "
        "(TFDL-ITSS-08-01); fix those first"
    )


def test_a_file_yaml_cannot_read_holds_back_the_references_to_it(minimal: Path) -> None:
    write(minimal, "policy/roles/quality-group.yaml", "id: quality-group\nkind: role\nname: [质量管理组\n")
    result = run_qms("--root", minimal, "validate")
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        "policy/roles/quality-group.yaml:4: -: invalid YAML: did not find expected ',' or ']'"
    ]
    assert "more problems are held back" in result.stderr  # the checkpoint, plan and records that name it
    assert "(quality-group)" in result.stderr


def test_records_of_an_invalid_evidence_type_are_held_back(minimal: Path) -> None:
    rel = "policy/evidence-types/internal-audit-report.yaml"
    text = (minimal / rel).read_text(encoding="utf-8")
    write(minimal, rel, text.replace("title:", "titel:", 1))
    result = run_qms("--root", minimal, "validate")
    assert result.returncode == 2
    assert [line.split(": ", 2)[1] for line in result.stdout.splitlines()] == ["title", "titel"]
    assert "evidence/" not in result.stdout  # the record of that type follows from it
    assert "held back" in result.stderr


def test_commands_suggest_the_id_meant(minimal: Path) -> None:
    made = run_qms(
        "--root",
        minimal,
        "new",
        "internal-audit-reprot",
        "--id",
        "IAR-2026",
        "--title",
        "t",
        "--owner",
        "quality-group",
    )
    assert made.returncode == 2
    assert "unknown evidence type 'internal-audit-reprot' (did you mean 'internal-audit-report'?)" in made.stderr
    revised = run_qms("--root", minimal, "revise", "qp-01", "--version", "V2", "--author", "a", "--change", "c")
    assert revised.returncode == 2
    assert "unknown document 'qp-01' (did you mean 'QP-01'?)" in revised.stderr
