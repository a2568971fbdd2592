"""Tests of this manual's own checks (checks/local_checks.py): `pytest`."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from checks import load_function, load_manual

ROOT = Path(__file__).resolve().parents[1]
CHECK = "checks/local_checks.py:auditor_is_independent"


def with_report(tmp_path: Path, auditor: str) -> Path:
    """A copy of this manual with one internal audit report in it."""
    root = tmp_path / "manual"
    shutil.copytree(ROOT / "policy", root / "policy")
    shutil.copytree(ROOT / "checks", root / "checks")
    record = root / "evidence" / "2025" / "internal-audit" / "IAR-2025.md"
    record.parent.mkdir(parents=True)
    record.write_text(
        "---\nid: IAR-2025\nkind: evidence\ntitle: 2025 年内审报告\ntype: internal-audit-report\n"
        f"date: 2025-04-20\nowner: quality-group\naudited_departments: [operations]\nauditor: {auditor}\n---\n",
        encoding="utf-8",
    )
    return root


def judge(root: Path) -> tuple[str, tuple[str, ...]]:
    loaded = load_manual(root)
    assert loaded.valid, "\n".join(map(str, loaded.issues))
    manual = loaded.manual
    checkpoint = manual.checkpoints["cp-internal-audit-independence"]
    outcome = load_function(root, CHECK)(
        checkpoint=checkpoint, evidence=list(manual.evidence.values()), manual=manual, as_of=dt.date(2025, 12, 31)
    )
    return outcome.status, outcome.records


def test_an_auditor_from_another_department_passes(tmp_path: Path) -> None:
    assert judge(with_report(tmp_path, "quality-group")) == ("pass", ("IAR-2025",))


def test_an_auditor_auditing_their_own_department_fails(tmp_path: Path) -> None:
    assert judge(with_report(tmp_path, "operations")) == ("fail", ("IAR-2025",))
