"""A manual's own KPI functions and checks: Python files of the manual repository named by
`compute:` and `check:` (`checks/local_kpis.py:first_contact_resolution_rate`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

from conftest import run_qms

KPI = "policy/kpis/first-contact-resolution.yaml"
LOCAL_KPIS = "checks/local_kpis.py"
LOCAL_CHECKS = "checks/local_checks.py"
RECORD = """\
---
id: SD-2025-03
kind: evidence
title: 2025 年 3 月服务台工单
type: service-desk-log
date: 2025-04-01
period: 2025-03
owner: operations
data: [tickets-2025-03.csv]
---
"""
TICKETS = (
    "ticket_id,opened_at,first_contact_resolved\n"
    "T1,2025-03-01 08:00,true\nT2,2025-03-02 09:00,false\nT3,2025-03-05 10:00,true\nT4,2025-03-09 10:00,true\n"
)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def manual(tmp_path: Path) -> Path:
    """A new manual from `qms init`, with a month of service desk tickets."""
    root = tmp_path / "acme"
    assert run_qms("init", root, "--date", "2025-01-02", "--language", "en").returncode == 0
    folder = root / "evidence/2025/service-desk-log"
    folder.mkdir(parents=True)
    (folder / "SD-2025-03.md").write_text(RECORD, encoding="utf-8")
    (folder / "tickets-2025-03.csv").write_text(TICKETS, encoding="utf-8")
    return root


def script(name: str) -> str:
    """A command of this environment, run as a user types it (`mkdocs build` in the manual's
    folder): with `python -m`, the current folder comes first on sys.path and, under an
    editable install of the engine, the manual's checks/ folder would hide it."""
    return str(Path(sys.executable).with_name(name))


def kpi_values(root: Path) -> dict[str, tuple[float | None, str]]:
    result = run_qms("--root", root, "kpi", "--as-of", "2025-04-30", "--format", "json")
    assert result.returncode == 0, result.stderr
    [kpi] = json.loads(result.stdout)["kpis"]
    return {v["period"]: (v["value"], v["verdict"]) for v in kpi["values"]}


def test_the_manual_computes_its_own_kpi(manual: Path, tmp_path: Path) -> None:
    assert kpi_values(manual)["2025-03"] == (75.0, "missed")  # 3 of 4 at first contact, target >= 80
    build = subprocess.run(
        [script("mkdocs"), "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=manual,
        env={**os.environ, "QMS_AS_OF": "2025-04-30"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    page = (tmp_path / "site/kpis/index.html").read_text(encoding="utf-8")
    assert "服务台首次接触解决率" in page
    assert "<title>2025-03: 75% — Missed</title>" in page  # its chart


def test_the_scaffolded_tests_pass_in_the_new_manual(manual: Path) -> None:
    result = subprocess.run(
        [script("pytest"), "-q", "-p", "no:cacheprovider"], cwd=manual, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "4 passed" in result.stdout
    assert not list((manual / "checks").glob("__pycache__"))  # no bytecode written into the manual


def test_a_local_check_judges_the_records(manual: Path) -> None:
    record = manual / "evidence/2025/internal-audit/IAR-2025.md"
    record.parent.mkdir(parents=True)
    record.write_text(
        "---\nid: IAR-2025\nkind: evidence\ntitle: 2025 年内审报告\ntype: internal-audit-report\ndate: 2025-04-20\n"
        "owner: quality-group\naudited_departments: [operations]\nauditor: operations\n---\n",
        encoding="utf-8",
    )
    result = run_qms("--root", manual, "check", "--as-of", "2025-12-31", "--format", "json")
    assert result.returncode == 1
    statuses = {r["id"]: (r["status"], r["reason"]) for r in json.loads(result.stdout)["checkpoints"]}
    assert statuses["cp-internal-audit-independence"] == ("fail", "内审员审核了本部门的工作：IAR-2025（operations）")
    assert statuses["cp-internal-audit"][0] == "pass"


BROKEN = [
    (
        "syntax error",
        LOCAL_KPIS,
        ("    if opened.empty:", "    if opened.empty"),
        "checks/local_kpis.py:24: -: invalid Python: expected ':'",
    ),
    (
        "import error",
        LOCAL_KPIS,
        ("import pandas as pd\n", "import pandas as pd\nimport no_such_module\n"),
        "checks/local_kpis.py:16: -: cannot load: ModuleNotFoundError: No module named 'no_such_module'",
    ),
    (
        "raises as it loads",
        LOCAL_CHECKS,
        ("import datetime as dt\n", "import datetime as dt\n\nLIMIT = int('eighty')\n"),
        "checks/local_checks.py:19: -: cannot load: ValueError: invalid literal for int() with base 10: 'eighty'",
    ),
    (
        "missing function",
        KPI,
        ("local_kpis.py:first_contact_resolution_rate", "local_kpis.py:first_contact_rate"),
        "policy/kpis/first-contact-resolution.yaml:6: compute: checks/local_kpis.py has no function "
        "'first_contact_rate' (did you mean 'first_contact_resolution_rate'?)",
    ),
    (
        "missing file",
        KPI,
        ("checks/local_kpis.py:", "checks/local_kpi.py:"),
        "policy/kpis/first-contact-resolution.yaml:6: compute: file 'checks/local_kpi.py' does not exist"
        " (did you mean 'checks/local_kpis.py'?)",
    ),
    (
        "file outside the manual",
        KPI,
        ("checks/local_kpis.py:", "../outside.py:"),
        "policy/kpis/first-contact-resolution.yaml:6: compute: '../outside.py' points outside the manual",
    ),
    (
        "wrong arguments",
        LOCAL_KPIS,
        (", manual: Manual) -> Measure", ") -> Measure"),
        "checks/local_kpis.py:20: -: first_contact_resolution_rate must take (frame, period, manual):"
        " too many positional arguments",
    ),
]


@pytest.mark.parametrize(("case", "rel", "change", "expected"), BROKEN, ids=[c[0] for c in BROKEN])
def test_a_broken_local_file_is_reported_at_its_line(
    manual: Path, case: str, rel: str, change: tuple[str, str], expected: str
) -> None:
    assert run_qms("--root", manual, "validate").returncode == 0
    edit(manual / rel, *change)
    result = run_qms("--root", manual, "validate")
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.splitlines() == [expected]


def test_a_local_function_that_raises_is_an_error_naming_its_line(manual: Path) -> None:
    edit(
        manual / LOCAL_KPIS,
        "    if opened.empty:",
        "    if len(opened) == 4:\n        raise KeyError('shift')\n    if opened.empty:",
    )
    edit(
        manual / LOCAL_CHECKS,
        "    reports = [r for r",
        '    assert as_of.year < 2025, "too late"\n    reports = [r for r',
    )
    kpi = json.loads(run_qms("--root", manual, "kpi", "--as-of", "2025-04-30", "--format", "json").stdout)["kpis"][0]
    assert kpi["error"] == "KeyError: 'shift' (at checks/local_kpis.py:25)"
    result = run_qms("--root", manual, "check", "--as-of", "2025-12-31", "--format", "json")
    assert result.returncode == 1
    statuses = {r["id"]: (r["status"], r["reason"]) for r in json.loads(result.stdout)["checkpoints"]}
    assert statuses["cp-internal-audit-independence"] == (
        "error",
        "check checks/local_checks.py:auditor_is_independent of cp-internal-audit-independence raised "
        "AssertionError: too late (at checks/local_checks.py:25)",
    )
    assert statuses["cp-internal-audit"][0] == "due-soon"  # the run goes on


def test_the_manual_folder_and_the_engine_do_not_shadow_each_other(manual: Path) -> None:
    # The manual's checks/custom.py and checks/results.py, beside the engine's checks.custom
    # and checks.results: each name means what it says.
    (manual / "checks/results.py").write_text("RESULTS = 'the manual'\n", encoding="utf-8")
    (manual / "checks/custom.py").write_text(
        "from checks.results import Outcome\n"  # the engine's
        "from .results import RESULTS\n"  # the manual's, beside this file
        "\n\ndef plan(checkpoint, evidence, manual, as_of):\n"
        "    return Outcome('pass', f'{RESULTS}: {len(manual.plans)} plans')\n",
        encoding="utf-8",
    )
    for cp_id, check in (("cp-local", "checks/custom.py:plan"), ("cp-builtin", "custom:annual_plan_in_force")):
        (manual / f"policy/checkpoints/{cp_id}.yaml").write_text(
            f"id: {cp_id}\nkind: checkpoint\ntitle: 年度计划\nclause: QM-01#2\narea: system\nowner: quality-group\n"
            f"check: {check}\n",
            encoding="utf-8",
        )
    result = run_qms("--root", manual, "check", "--as-of", "2025-03-31", "--format", "json")
    statuses = {r["id"]: (r["status"], r["reason"]) for r in json.loads(result.stdout)["checkpoints"]}
    assert statuses["cp-local"] == ("pass", "the manual: 0 plans")
    assert statuses["cp-builtin"] == ("fail", "no approved, effective quality plan for 2025 (plans for 2025: none)")


def test_mkdocs_serve_picks_up_an_edit_of_a_local_file(manual: Path) -> None:
    site = manual / "served"

    def rebuild() -> str:
        # As `mkdocs serve` does: the configuration loaded again, the plugin object kept.
        config = load_config(config_file=str(manual / "mkdocs.yml"), site_dir=str(site))
        config.plugins.on_startup(command="serve", dirty=False)
        build(config)
        return (site / "kpis/index.html").read_text(encoding="utf-8")

    config = load_config(config_file=str(manual / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(site))
    try:
        config.plugins.on_serve(server, config=config, builder=lambda: None)
        assert str((manual / "checks").resolve()) in {str(Path(p).resolve()) for p in server._watched_paths}
    finally:
        server.server_close()

    assert "2025-03: 75% — Missed" in rebuild()
    # Same size, within the same second: what an editor's quick fix looks like.
    edit(manual / LOCAL_KPIS, "resolved / len(opened) * 100", "resolved / len(opened) * 200")
    assert "2025-03: 150% — Met" in rebuild()
