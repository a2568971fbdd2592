"""Text output on a terminal: colours, the terminal's width, failing checkpoints first,
passing ones folded into a count, and a progress display for large manuals. The commands
run on a real pseudo-terminal; on a pipe the same commands print plain text."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from rich.cells import cell_len

from conftest import REPO, run_qms

sys.path.insert(0, str(REPO / "tests/bench"))
from synth import make_manual

ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
AS_OF = "2026-11-30"  # the repository's manual has failing checkpoints then


def on_terminal(*args: str | Path, columns: int = 100, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run `qms` with standard output and standard error on pseudo-terminals `columns` wide."""
    masters, slaves = zip(*(pty.openpty() for _ in range(2)), strict=True)
    for slave in slaves:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    clean = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM")}
    process = subprocess.Popen(
        [sys.executable, "-m", "checks.cli", "--language", "en", *map(str, args)],  # the layout, not the words
        stdin=subprocess.DEVNULL,
        stdout=slaves[0],
        stderr=slaves[1],
        env={**clean, "TERM": "xterm-256color", **(env or {})},
    )
    for slave in slaves:
        os.close(slave)
    read = {master: b"" for master in masters}
    open_fds = list(masters)
    while open_fds:
        ready, _, _ = select.select(open_fds, [], [], 120)
        assert ready, "qms did not finish"
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's other end is closed
                chunk = b""
            if chunk:
                read[fd] += chunk
            else:
                open_fds.remove(fd)
    for master in masters:
        os.close(master)
    code = process.wait(timeout=60)
    out, err = (read[m].decode("utf-8").replace("\r\n", "\n") for m in masters)
    return code, out, err


def lines_of(text: str) -> list[str]:
    return [ESCAPE.sub("", line) for line in text.splitlines()]


def test_on_a_terminal_failing_checkpoints_come_first_in_colour_and_passes_are_counted() -> None:
    code, out, _ = on_terminal("--root", REPO, "check", "--as-of", AS_OF, columns=120)
    assert code == 1
    assert re.search(r"\x1b\[1;31mfail *\x1b\[0m", out)  # statuses in colour
    shown = lines_of(out)
    assert shown[0] == f"Quality manual checks as of {AS_OF}"
    assert shown[1].strip() == "Failing"
    failing_end = next(i for i, line in enumerate(shown) if line.strip() == "Needs attention" or "not listed" in line)
    failing_rows = [line for line in shown[2:failing_end] if line.startswith("│ cp-")]
    assert failing_rows, out
    assert all(" pass " not in row for row in failing_rows)
    assert any(re.fullmatch(r"\d+ passing checkpoints are not listed \(--all lists them\)", line) for line in shown)
    assert not [line for line in shown if line.startswith("│ cp-") and "│ pass " in line]
    assert max(cell_len(line) for line in shown) <= 120


def test_all_lists_the_passing_checkpoints_too() -> None:
    _, out, _ = on_terminal("--root", REPO, "check", "--as-of", AS_OF, "--all", columns=120)
    shown = lines_of(out)
    assert any(line.strip() == "Passing" for line in shown)
    assert [line for line in shown if line.startswith("│ cp-") and "│ pass " in line]
    assert not [line for line in shown if "not listed" in line]


@pytest.mark.parametrize(("columns", "env"), [(60, {}), (200, {"COLUMNS": "60"})], ids=["narrow", "COLUMNS"])
def test_the_terminal_width_is_respected(columns: int, env: dict[str, str]) -> None:
    code, out, _ = on_terminal("--root", REPO, "check", "--as-of", AS_OF, columns=columns, env=env)
    assert code == 1
    shown = lines_of(out)
    assert max(cell_len(line) for line in shown) <= 60
    # Narrow: a line per checkpoint and its reason indented under it, not a squeezed table.
    assert not [line for line in shown if line.startswith("│")]
    assert any(line.startswith("cp-") and " fail " in line for line in shown)
    assert any(line.startswith("  NC-2026-02 is still open") for line in shown)


def test_no_colour_when_asked() -> None:
    _, out, _ = on_terminal("--root", REPO, "check", "--as-of", AS_OF, env={"NO_COLOR": "1"})
    assert "\x1b[" not in out
    assert "Failing" in out


def test_on_a_pipe_the_report_is_plain_text() -> None:
    result = run_qms("--root", REPO, "check", "--as-of", AS_OF)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout + result.stderr
    shown = result.stdout.splitlines()
    assert shown[1].strip() == "Failing"
    assert any("passing checkpoints are not listed" in line for line in shown)
    assert result.stderr == ""  # no progress display either


def test_the_kpi_table_fits_the_terminal_and_colours_verdicts() -> None:
    code, out, _ = on_terminal("--root", REPO, "kpi", "--as-of", AS_OF, columns=90)
    assert code == 0
    assert re.search(r"\x1b\[32mmet *\x1b\[0m", out)
    assert max(cell_len(line) for line in lines_of(out)) <= 90


@pytest.fixture(scope="module")
def large_manual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic manual of about 1,160 files: large enough for the progress display."""
    root = tmp_path_factory.mktemp("large") / "manual"
    make_manual(root, policies=5, checkpoints=40, records=1100, ticket_rows=200)
    return root


@pytest.mark.parametrize(
    ("command", "steps"),
    [
        (["check", "--as-of", AS_OF], ["Reading the manual's files", "Evaluating checkpoints"]),
        (["kpi", "--as-of", AS_OF], ["Reading the manual's files", "Computing KPIs"]),
        (["pack", "--period", "2026", "--as-of", AS_OF, "--output", "{out}"], ["Writing the audit pack"]),
    ],
    ids=["check", "kpi", "pack"],
)
def test_large_manuals_show_progress_on_a_terminal_only(
    large_manual: Path, tmp_path: Path, command: list[str], steps: list[str]
) -> None:
    args = [a.replace("{out}", str(tmp_path / "pack")) for a in command]
    code, out, err = on_terminal("--root", large_manual, *args)
    assert code in (0, 1), err
    shown = ESCAPE.sub("", err)
    for step in steps:
        assert step in shown
    assert re.search(r"\d+/\d+", shown)  # items done of the total
    assert "Reading the manual's files" not in out  # the report stays clean
    shutil.rmtree(tmp_path / "pack", ignore_errors=True)
    piped = run_qms("--root", large_manual, *args)
    assert "Reading the manual's files" not in piped.stderr


def test_small_manuals_show_no_progress(minimal: Path) -> None:
    _, _, err = on_terminal("--root", minimal, "check", "--as-of", "2025-12-31")
    assert "Reading the manual's files" not in err
