"""A company adopts it, as its quality manager would: the built wheel installed in a fresh
environment, `qms init`, a KPI function of their own, and the pre-commit hooks.

These install real packages (a wheel and its dependencies, pre-commit's hook environment)
and take a few minutes; they need no network beyond the package index pip is set up with.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

KPI_FUNCTION = '''\
"""Our own KPI: the share of tickets closed within four hours."""

import pandas as pd

from checks import Measure


def closed_within_four_hours(frame, period, manual):
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end) + pd.Timedelta(days=1)
    opened = frame[(frame["opened_at"] >= start) & (frame["opened_at"] < end)]
    if opened.empty:
        return None
    quick = int(((opened["closed_at"] - opened["opened_at"]) <= pd.Timedelta(hours=4)).sum())
    return Measure(quick / len(opened) * 100, quick, len(opened))
'''
TYPE = """\
id: ticket-export
kind: evidence-type
title: 工单导出
data_columns:
  - {name: ticket_id, type: string, required: true}
  - {name: opened_at, type: datetime, required: true}
  - {name: closed_at, type: datetime, required: true}
"""
KPI = """\
id: kpi-closed-within-4h
kind: kpi
title: 四小时内关闭率
formula: 四小时内关闭的工单数 / 受理的工单总数 × 100%
source: ticket-export
compute: checks/our_kpis.py:closed_within_four_hours
target: ">= 90"
unit: "%"
period: month
owner: operations
clause: QM-01#3
"""
RECORD = """\
---
id: TK-2025-03
kind: evidence
title: 2025 年 3 月工单导出
type: ticket-export
date: 2025-04-01
period: 2025-03
owner: operations
data: [tickets.csv]
---
"""
TICKETS = (
    "ticket_id,opened_at,closed_at\n"
    "T1,2025-03-03 09:00,2025-03-03 10:00\nT2,2025-03-04 09:00,2025-03-04 15:00\n"
    "T3,2025-03-05 09:00,2025-03-05 12:59\nT4,2025-03-06 09:00,2025-03-06 09:30\n"
)


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: int = 900) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_a_company_installs_the_wheel_and_adds_its_own_kpi(tmp_path: Path) -> None:
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", REPO, cwd=tmp_path)
    [wheel] = (tmp_path / "dist").glob("quality_manual-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    bin_dir = venv / "bin"
    run(bin_dir / "python", "-m", "pip", "install", "-q", wheel, "pytest", cwd=tmp_path)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "QMS_AS_OF": "2025-04-30"}
    env.pop("PYTHONPATH", None)

    manual = tmp_path / "acme"
    run("qms", "init", manual, "--date", "2025-01-02", cwd=tmp_path, env=env)
    (manual / "checks/our_kpis.py").write_text(KPI_FUNCTION, encoding="utf-8")
    (manual / "policy/evidence-types/ticket-export.yaml").write_text(TYPE, encoding="utf-8")
    (manual / "policy/kpis/closed-within-4h.yaml").write_text(KPI, encoding="utf-8")
    (manual / "evidence/2025/tickets").mkdir(parents=True)
    (manual / "evidence/2025/tickets/TK-2025-03.md").write_text(RECORD, encoding="utf-8")
    (manual / "evidence/2025/tickets/tickets.csv").write_text(TICKETS, encoding="utf-8")

    run("qms", "validate", cwd=manual, env=env)
    kpis = json.loads(run("qms", "kpi", "--as-of", "2025-04-30", "--format", "json", cwd=manual, env=env))["kpis"]
    ours = next(k for k in kpis if k["id"] == "kpi-closed-within-4h")
    march = next(v for v in ours["values"] if v["period"] == "2025-03")
    assert (march["value"], march["numerator"], march["denominator"], march["verdict"]) == (75.0, 3, 4, "missed")

    run("mkdocs", "build", "--strict", "-d", tmp_path / "site", cwd=manual, env=env)
    page = (tmp_path / "site/kpis/index.html").read_text(encoding="utf-8")
    assert "四小时内关闭率" in page
    assert "<title>2025-03: 75% — " in page  # its chart, labelled in the manual's language

    tested = run("pytest", "-q", "-p", "no:cacheprovider", cwd=manual, env=env)  # the scaffolded tests
    assert "4 passed" in tested


@pytest.fixture(scope="module")
def manual_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new manual in a git repository of its own, effective today: nothing is due yet, so
    `qms check` (as of today, as a hook runs it) passes whatever today is."""
    manual = tmp_path_factory.mktemp("adopt") / "acme"
    subprocess.run(
        [sys.executable, "-m", "checks.cli", "init", str(manual), "--date", dt.date.today().isoformat()],
        check=True,
        capture_output=True,
    )
    git(manual, "init", "-q")
    git(manual, "add", "-A")
    git(manual, "commit", "-qm", "a new quality manual")
    return manual


def git(root: Path, *args: str) -> None:
    identity = ["-c", "user.name=质量管理组", "-c", "user.email=quality@example.invalid"]
    subprocess.run(["git", "-C", str(root), *identity, *args], check=True, capture_output=True)


def pre_commit(manual: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("pre-commit")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PATH": f"{script.parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([str(script), *args], cwd=manual, env=env, capture_output=True, text=True, timeout=1800)


def test_the_hooks_of_this_repository_run_in_a_manual_repository(manual_repository: Path, tmp_path: Path) -> None:
    home = tmp_path / "pre-commit"
    passed = pre_commit(manual_repository, "try-repo", str(REPO), "--all-files", home=home)
    assert passed.returncode == 0, passed.stdout[-3000:] + passed.stderr[-3000:]
    assert "qms validate" in passed.stdout and "qms check" in passed.stdout
    assert "Failed" not in passed.stdout

    policy = manual_repository / "policy/QM-01.md"
    original = policy.read_text(encoding="utf-8")
    policy.write_text(original.replace("\nreview:", "\nreveiw:", 1), encoding="utf-8")
    try:
        failed = pre_commit(manual_repository, "try-repo", str(REPO), "qms-validate", "--all-files", home=home)
    finally:
        policy.write_text(original, encoding="utf-8")
    assert failed.returncode == 1
    assert "qms validate" in failed.stdout and "Failed" in failed.stdout
    # `qms init` makes a Chinese manual (theme.language: zh): the hook speaks its language.
    assert "policy/QM-01.md:12: reveiw: 未知的字段 'reveiw'（您是否指 'review'？）" in failed.stdout


def test_the_scaffolded_pre_commit_config_runs_the_installed_qms(manual_repository: Path, tmp_path: Path) -> None:
    assert shutil.which("git")
    result = pre_commit(manual_repository, "run", "--all-files", home=tmp_path / "pre-commit")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "qms validate" in result.stdout and "Passed" in result.stdout
