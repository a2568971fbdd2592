"""Writes never destroy: reports never land on the manual's files, edits never race, and a
replaced file keeps its link and its permissions."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.authoring.lock import LOCK_NAME, ManualBusy, manual_lock
from conftest import REPO, run_qms
from test_doccontrol import git

POLICY = "policy/QP-01.md"
REVISE = ["--author", "杨洁", "--change", "年度修订", "--date", "2026-02-01"]


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --------------------------------------------------------------------------- --output


@pytest.mark.parametrize(
    "command",
    [
        ["check", "--as-of", "2025-12-31", "--format", "json"],
        ["check", "--as-of", "2025-12-31"],
        ["kpi", "--as-of", "2025-12-31", "--format", "csv"],
        ["diff", "--base", "HEAD"],
    ],
    ids=["check-json", "check-text", "kpi-csv", "diff"],
)
@pytest.mark.parametrize(
    "target", [POLICY, "evidence/2025/audit/report.txt", "mkdocs.yml", "policy/new-report.md", "link-to-policy.md"]
)
def test_output_never_writes_over_the_manual(minimal: Path, command: list[str], target: str) -> None:
    git(minimal, "init", "-q", "-b", "main")
    git(minimal, "add", ".")
    git(minimal, "commit", "-qm", "manual")
    (minimal / "link-to-policy.md").symlink_to(minimal / POLICY)
    before = {p: p.read_bytes() for p in minimal.rglob("*") if p.is_file() and ".git" not in p.parts}
    result = run_qms("--root", minimal, *command, "--output", minimal / target)
    assert result.returncode == 2, result.stderr
    assert "is part of the manual; write the report elsewhere" in result.stderr
    assert "Traceback" not in result.stderr
    after = {p: p.read_bytes() for p in minimal.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before  # nothing written, nothing added


def test_output_elsewhere_is_written(minimal: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = run_qms("--root", minimal, "check", "--as-of", "2025-12-31", "--format", "json", "--output", report)
    assert result.returncode in (0, 1), result.stderr
    assert report.read_text(encoding="utf-8").startswith("{")


# --------------------------------------------------------------------------- concurrent edits


def _start(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "checks.cli", "--root", str(root), *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_revisions_at_once_one_wins_the_other_is_refused(minimal: Path) -> None:
    # Both processes are started before either has read the manual.
    first = _start(minimal, "revise", "QP-01", "--version", "V1.2", *REVISE)
    second = _start(minimal, "revise", "QP-01", "--version", "V1.3", *REVISE)
    outcomes = sorted([(p.wait(timeout=120), *p.communicate()) for p in (first, second)])
    assert [code for code, _, _ in outcomes] == [0, 2], outcomes
    winner = re.search(r"V1\.1 -> (V1\.[23])", outcomes[0][1])
    assert winner is not None, outcomes
    assert f"QP-01 {winner.group(1)} still awaits approval" in outcomes[1][2]  # names the pending revision
    text = (minimal / POLICY).read_text(encoding="utf-8")
    assert text.count("  - version: V1.2") + text.count("  - version: V1.3") == 1  # one row, none lost
    assert f"version: {winner.group(1)}\n" in text
    assert run_qms("--root", minimal, "validate").returncode == 0


def test_a_lock_held_by_another_process_is_waited_for_then_named(minimal: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from checks.authoring.lock import manual_lock\n"
            "with manual_lock(Path(sys.argv[1])):\n    print('held', flush=True); sys.stdin.readline()",
            str(minimal),
        ],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(ManualBusy, match=re.escape(str(minimal / LOCK_NAME))), manual_lock(minimal, timeout=0.5):
            pytest.fail("the lock was taken twice")
    finally:
        holder.communicate("\n", timeout=60)
    with manual_lock(minimal, timeout=5):  # released with the other process
        pass
    assert not [p for p in minimal.rglob(LOCK_NAME) if p.parent != minimal]  # never among the sources


def test_init_ignores_the_lock_file(tmp_path: Path) -> None:
    assert run_qms("init", tmp_path / "m", "--date", "2025-01-01").returncode == 0
    assert LOCK_NAME in (tmp_path / "m/.gitignore").read_text(encoding="utf-8").splitlines()
    assert LOCK_NAME in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()


# --------------------------------------------------------------------------- the replaced file


def test_revising_a_linked_policy_writes_through_the_link(minimal: Path, tmp_path: Path) -> None:
    real = tmp_path / "shared" / "QP-01.md"
    real.parent.mkdir()
    (minimal / POLICY).rename(real)
    (minimal / POLICY).symlink_to(real)
    assert run_qms("--root", minimal, "revise", "QP-01", "--version", "V1.2", *REVISE).returncode == 0
    assert (minimal / POLICY).is_symlink()
    assert "version: V1.2\n" in real.read_text(encoding="utf-8")


def test_an_edit_keeps_the_file_mode(minimal: Path) -> None:
    (minimal / POLICY).chmod(0o640)
    assert run_qms("--root", minimal, "revise", "QP-01", "--version", "V1.2", *REVISE).returncode == 0
    assert mode(minimal / POLICY) == 0o640


def test_new_files_and_folders_get_the_usual_modes(minimal: Path, tmp_path: Path, umask_022: None) -> None:
    args = ["--title", "内审", "--owner", "quality-group", "--date", "2027-04-01"]
    result = run_qms("--root", minimal, "new", "internal-audit-report", "--id", "IAR-2027", *args)
    assert result.returncode == 0, result.stderr
    record = minimal / "evidence/2027/audit/IAR-2027.md"  # where its type's records are kept
    assert mode(record) == 0o644
    assert mode(record.parent) == 0o755 and mode(record.parent.parent) == 0o755
    record.unlink()  # its fields are still to be filled in
    report = tmp_path / "report.txt"
    assert run_qms("--root", minimal, "check", "--as-of", "2025-12-31", "--output", report).returncode in (0, 1)
    assert mode(report) == 0o644
    assert run_qms("init", tmp_path / "new-manual", "--date", "2025-01-01").returncode == 0
    assert mode(tmp_path / "new-manual") == 0o755
    assert mode(tmp_path / "new-manual/policy/QM-01.md") == 0o644


# --------------------------------------------------------------------------- qms new --id


@pytest.mark.parametrize("bad", ["IAR-2027\n", "IAR\n2027", "IAR\t2027", "IAR\x1b2027", "IAR-2027\r"])
def test_new_refuses_line_breaks_and_control_characters(minimal: Path, bad: str) -> None:
    args = ["--title", "内审", "--owner", "quality-group", "--date", "2027-04-01"]
    result = run_qms("--root", minimal, "new", "internal-audit-report", "--id", bad, *args)
    assert result.returncode == 2
    assert f"{bad!r} is not an id" in result.stderr
    assert not (minimal / "evidence/2027").exists()


def test_new_takes_a_long_id_that_fits_the_file_system(minimal: Path) -> None:
    long_id = "IAR-" + "x" * 245  # with ".md", 252 of the 255 bytes a name may have
    args = ["--title", "内审", "--owner", "quality-group", "--date", "2027-04-01"]
    result = run_qms("--root", minimal, "new", "internal-audit-report", "--id", long_id, *args)
    assert result.returncode == 0, result.stderr
    assert (minimal / f"evidence/2027/audit/{long_id}.md").is_file()
    too_long = run_qms("--root", minimal, "new", "internal-audit-report", "--id", long_id + "y" * 10, *args)
    assert too_long.returncode == 2
    assert "too long for a file name" in too_long.stderr and "Traceback" not in too_long.stderr
