"""`qms init` makes a manual that validates and builds; it never writes into a non-empty folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import run_qms


def mkdocs_build(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), *extra],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_init_validates_and_builds(tmp_path: Path) -> None:
    target = tmp_path / "acme-manual"
    result = run_qms("init", target, "--date", "2025-02-01", "--language", "en")
    assert result.returncode == 0, result.stderr
    assert (target / ".gitignore").is_file()
    assert "effective: 2025-02-01" in (target / "policy/QM-01.md").read_text(encoding="utf-8")
    assert "language: en" in (target / "mkdocs.yml").read_text(encoding="utf-8")

    validate = run_qms("--root", target, "validate")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    # Who approves is data from the start: the first revision's approver is the role's member.
    assert "approving_role: general-manager" in (target / "policy/QM-01.md").read_text(encoding="utf-8")
    assert "  - name: 总经理\n" in (target / "policy/roles/general-manager.yaml").read_text(encoding="utf-8")

    build = mkdocs_build(target, "-d", str(tmp_path / "site"))
    assert build.returncode == 0, build.stderr
    page = (tmp_path / "site/QM-01/index.html").read_text(encoding="utf-8")
    assert "内审要求" in page
    assert "fonts.googleapis.com" not in page


def test_init_refuses_non_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "existing"
    target.mkdir()
    keep = target / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    result = run_qms("init", target)
    assert result.returncode == 2
    assert "is not empty" in result.stderr
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert keep.read_text(encoding="utf-8") == "mine"


def test_init_into_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    assert run_qms("init", target, "--date", "2025-02-01").returncode == 0
    assert (target / "policy/checkpoints/cp-internal-audit.yaml").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def test_strict_build_fails_on_invalid_manual_naming_the_file(minimal: Path, tmp_path: Path) -> None:
    bad = minimal / "policy/roles/bad.yaml"
    bad.write_text("id: bad\nkind: role\nname: X\nparent: ghost\n", encoding="utf-8")
    build = mkdocs_build(minimal, "-d", str(tmp_path / "site"))
    assert build.returncode != 0
    assert "policy/roles/bad.yaml:4: parent: unknown role 'ghost'" in build.stderr
