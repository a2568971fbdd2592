"""`qms validate` on good and broken manuals: one clear line per problem, exit 2."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from checks import load_manual
from conftest import REPO, run_qms


def test_fixture_manual_is_valid(minimal: Path) -> None:
    result = run_qms("--root", minimal, "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "2 evidence records" in result.stderr


def test_model_is_typed_and_keeps_bodies(minimal: Path) -> None:
    loaded = load_manual(minimal)
    assert loaded.valid, loaded.issues
    m = loaded.manual
    policy = m.policies["QP-01"]
    assert policy.version == "V1.1"
    assert [r.version for r in policy.revisions] == ["V1.0", "V1.1"]
    assert policy.revisions[1].approved.isoformat() == "2025-01-08"
    assert set(policy.clauses) == {"1", "7", "7.3", "7.3.1", "7.3.2"}
    assert policy.clauses["7.3.1"].title == "内审要求"
    assert "4 月" in policy.clauses["7.3.1"].text
    assert "管理评审" not in policy.clauses["7.3.1"].text
    record = m.evidence["IAR-2025"]
    assert record.date.isoformat() == "2025-04-20"
    assert record.field_value("audited_departments") == ["mgmt-dept"]
    assert record.attachments[0].resolved.is_file()
    assert "内审报告摘要" in (record.source.body or "")
    assert m.checkpoints["cp-audit"].requires[0].due == "04-30"
    assert m.plans["plan-2025"].schedule[0].seq == 1
    assert m.clause("QP-01#7.3.2").title == "管理评审要求"
    assert [p.rel for p in m.pages] == ["policy/index.md"]


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


ROLE = "policy/roles/x.yaml"
CP = "policy/checkpoints/cp-x.yaml"
REC = "evidence/2025/audit/IAR-2025.md"

# (case, file written into a copy of the fixture, its content, the exact line expected)
BROKEN = [
    (
        "bad-yaml",
        ROLE,
        "id: x\nkind: role\nname: [unclosed\n",
        "policy/roles/x.yaml:4: -: invalid YAML: did not find expected ',' or ']'",
    ),
    (
        "tabs",
        ROLE,
        "id: x\nkind: role\n\tname: X\n",
        "policy/roles/x.yaml:3: -: invalid YAML: found a tab character that violates indentation"
        " (use spaces, not tabs, to indent YAML)",
    ),
    (
        "missing-closing-fence",
        "policy/p.md",
        "---\nid: p\nkind: policy\n\n## 1 目的\n",
        "policy/p.md:1: -: front matter has no closing '---' line",
    ),
    (
        "missing-opening-fence",
        "policy/p.md",
        "id: p\nkind: policy\n---\n\n## 1 目的\n",
        "policy/p.md:1: -: front matter must start with a '---' line",
    ),
    (
        "unknown-key",
        ROLE,
        "id: x\nkind: role\nname: X\nduties:\n  - text: t\n    racci: R\n",
        "policy/roles/x.yaml:6: duties[0].racci: unknown field 'racci' (did you mean 'raci'?)",
    ),
    (
        "wrong-type",
        ROLE,
        "id: x\nkind: role\nname: X\nmembers: 张三\n",
        'policy/roles/x.yaml:4: members: expected array, got string "张三"',
    ),
    (
        "bad-enum",
        CP,
        "id: cp-x\nkind: checkpoint\ntitle: t\nclause: QP-01#1\narea: money\nowner: mgmt-dept\nrequires:\n"
        "  - evidence: internal-audit-report\n",
        'policy/checkpoints/cp-x.yaml:5: area: "money" is not one of system, resources, technology, process, people',
    ),
    (
        "missing-required",
        ROLE,
        "id: x\nkind: role\n",
        "policy/roles/x.yaml:1: name: missing required field 'name'",
    ),
    (
        "impossible-date",
        "policy/waivers/w.yaml",
        "id: w\nkind: waiver\ncheckpoint: cp-audit\nreason: r\napproved_by: a\n"
        "granted: 2025-13-01\nexpires: 2026-01-01\n",
        'policy/waivers/w.yaml:6: granted: "2025-13-01" is not a valid date (use YYYY-MM-DD)',
    ),
    (
        "yaml-boolean-key",
        ROLE,
        "id: x\nkind: role\nname: X\nno: 1\n",
        "policy/roles/x.yaml:4: no: key 'no' is read by YAML as a bool; put it in quotes",
    ),
    (
        "duplicate-key",
        ROLE,
        "id: x\nkind: role\nname: X\nname: Y\n",
        "policy/roles/x.yaml:4: name: duplicate key 'name' (first at line 3)",
    ),
    (
        "duplicate-id",
        ROLE,
        "id: quality-group\nkind: role\nname: X\n",
        "policy/roles/x.yaml:1: id: duplicate id 'quality-group', already used in policy/roles/quality-group.yaml:1",
    ),
    (
        "dangling-role",
        CP,
        "id: cp-x\nkind: checkpoint\ntitle: t\nclause: QP-01#1\narea: system\nowner: nobody\nrequires:\n"
        "  - evidence: internal-audit-report\n",
        "policy/checkpoints/cp-x.yaml:6: owner: unknown role 'nobody'",
    ),
    (
        "dangling-evidence-type",
        CP,
        "id: cp-x\nkind: checkpoint\ntitle: t\nclause: QP-01#1\narea: system\nowner: mgmt-dept\nrequires:\n"
        "  - evidence: audit-reprot\n",
        "policy/checkpoints/cp-x.yaml:8: requires[0].evidence: unknown evidence type 'audit-reprot'"
        " (did you mean 'internal-audit-report'?)",
    ),
    (
        "clause-does-not-exist",
        CP,
        "id: cp-x\nkind: checkpoint\ntitle: t\nclause: QP-01#7.3.9\narea: system\nowner: mgmt-dept\nrequires:\n"
        "  - evidence: internal-audit-report\n",
        "policy/checkpoints/cp-x.yaml:4: clause: clause 'QP-01#7.3.9': QP-01 has no heading numbered 7.3.9",
    ),
    (
        "no-rule-no-check",
        CP,
        "id: cp-x\nkind: checkpoint\ntitle: t\nclause: QP-01#1\narea: system\nowner: mgmt-dept\n",
        "policy/checkpoints/cp-x.yaml:1: requires: a checkpoint needs at least one rule in 'requires' or a 'check';"
        " nothing is satisfied by default",
    ),
    (
        "unknown-plan-row",
        CP,
        "id: cp-x\nkind: checkpoint\ntitle: t\nclause: QP-01#1\narea: system\nowner: mgmt-dept\nrequires:\n"
        "  - evidence: internal-audit-report\n    due: plan-2025#review\n",
        "policy/checkpoints/cp-x.yaml:9: requires[0].due: plan 'plan-2025' has no schedule row 'review'",
    ),
    (
        "unknown-where-field",
        CP,
        "id: cp-x\nkind: checkpoint\ntitle: t\nclause: QP-01#1\narea: system\nowner: mgmt-dept\nrequires:\n"
        "  - evidence: internal-audit-report\n    where: {audited_depts: {nonempty: true}}\n",
        "policy/checkpoints/cp-x.yaml:9: requires[0].where.audited_depts: evidence type 'internal-audit-report'"
        " has no field 'audited_depts'",
    ),
]


@pytest.mark.parametrize(("case", "rel", "text", "expected"), BROKEN, ids=[c[0] for c in BROKEN])
def test_broken_file_gives_one_clear_line(minimal: Path, case: str, rel: str, text: str, expected: str) -> None:
    _write(minimal, rel, text)
    result = run_qms("--root", minimal, "validate")
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.splitlines() == [expected]


def _edit_record(root: Path, old: str, new: str) -> None:
    path = root / REC
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_attachment_outside_evidence(minimal: Path) -> None:
    (minimal / "policy" / "secret.txt").write_text("x", encoding="utf-8")
    _edit_record(minimal, "path: report.txt", "path: ../../../policy/secret.txt")
    result = run_qms("--root", minimal, "validate")
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        f"{REC}:12: attachments[0].path: '../../../policy/secret.txt' points outside evidence/"
    ]


def test_attachment_absolute_path(minimal: Path) -> None:
    _edit_record(minimal, "path: report.txt", "path: /etc/passwd")
    result = run_qms("--root", minimal, "validate")
    assert result.stdout.splitlines() == [
        f"{REC}:12: attachments[0].path: '/etc/passwd' must be a path relative to the record, not absolute"
    ]


def test_missing_attachment(minimal: Path) -> None:
    (minimal / "evidence/2025/audit/report.txt").unlink()
    result = run_qms("--root", minimal, "validate")
    assert result.returncode == 2
    assert result.stdout.splitlines() == [f"{REC}:12: attachments[0].path: file 'report.txt' does not exist"]


def test_digest_mismatch(minimal: Path) -> None:
    attachment = minimal / "evidence/2025/audit/report.txt"
    attachment.write_text("edited after approval\n", encoding="utf-8")
    actual = hashlib.sha256(attachment.read_bytes()).hexdigest()
    result = run_qms("--root", minimal, "validate")
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        f"{REC}:13: attachments[0].sha256: digest mismatch for report.txt: the file's sha256 is {actual}"
    ]


def test_evidence_field_not_in_its_type(minimal: Path) -> None:
    _edit_record(minimal, "audited_departments:", "auditors: [李工]\naudited_departments:")
    result = run_qms("--root", minimal, "validate")
    assert result.stdout.splitlines() == [
        f"{REC}:14: auditors: unknown field 'auditors'",
    ]


def test_all_problems_reported_at_once(minimal: Path) -> None:
    for rel, text, _ in [(c[1].replace("x", c[0]), c[2], c[3]) for c in BROKEN[:3]]:
        _write(minimal, rel, text)
    (minimal / "evidence/2025/audit/report.txt").write_text("changed", encoding="utf-8")
    result = run_qms("--root", minimal, "validate")
    assert result.returncode == 2
    assert len(result.stdout.splitlines()) == 4
    assert "4 problems found" in result.stderr


def test_misuse_exits_2(tmp_path: Path) -> None:
    result = run_qms("--root", tmp_path, "validate")
    assert result.returncode == 2
    assert "no policy/ folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_command_prints_shipped_schema() -> None:
    result = run_qms("schema", "checkpoint")
    assert result.returncode == 0
    assert '"$schema": "https://json-schema.org/draft/2020-12/schema"' in result.stdout
    assert (REPO / "checks/schemas/checkpoint.schema.json").read_text(encoding="utf-8") == result.stdout


def test_schema_of_an_evidence_type_adds_its_fields(minimal: Path) -> None:
    result = run_qms("--root", minimal, "schema", "evidence", "--type", "internal-audit-report")
    assert result.returncode == 0
    assert '"audited_departments"' in result.stdout
    assert '"audited_departments"' not in run_qms("schema", "evidence").stdout
