"""The environment: consoles that cannot show Chinese, and dates and sizes at the edges, get
their output or a clear usage or configuration error, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from test_site import mkdocs_build, write_config


def qms(*args: str | Path, encoding: str | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    return subprocess.run(
        [sys.executable, "-m", "checks.cli", *map(str, args)], capture_output=True, env=env, cwd=REPO, timeout=300
    )


@pytest.mark.parametrize(
    ("encoding", "command"),
    [
        ("ascii", ["check", "--as-of", "2025-12-31"]),
        ("cp1252", ["check", "--as-of", "2026-11-30", "--format", "github"]),
        ("ascii", ["kpi", "--as-of", "2025-12-31", "--format", "csv"]),
        ("cp1252", ["kpi", "--as-of", "2025-12-31"]),
    ],
    ids=["ascii-check-text", "cp1252-check-findings", "ascii-kpi-csv", "cp1252-kpi-text"],
)
def test_a_console_that_cannot_show_chinese_gets_the_output_escaped(encoding: str, command: list[str]) -> None:
    utf8 = qms("--root", REPO, *command, encoding="utf-8")
    narrow = qms("--root", REPO, *command, encoding=encoding)
    assert b"Traceback" not in narrow.stderr, narrow.stderr.decode(encoding, "replace")[-2000:]
    assert narrow.returncode == utf8.returncode
    expected = utf8.stdout.decode("utf-8")
    assert any(ord(c) > 0xFF for c in expected)  # there is Chinese to show
    assert narrow.stdout.decode(encoding) == expected.encode(encoding, "backslashreplace").decode(encoding)


def test_messages_about_a_broken_manual_reach_an_ascii_console(minimal: Path) -> None:
    role = minimal / "policy/roles/quality-group.yaml"
    role.write_text(role.read_text(encoding="utf-8").replace("name: 质量管理组", "name: [质量管理组"), encoding="utf-8")
    result = qms("--root", minimal, "validate", encoding="ascii")
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert b"policy/roles/quality-group.yaml:" in result.stdout


# --------------------------------------------------------------------------- extreme values


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--as-of", "9999-12-31"], "9999-12-31 is outside the dates a manual is evaluated at"),
        (["check", "--as-of", "0001-01-01"], "0001-01-01 is outside the dates a manual is evaluated at"),
        (["kpi", "--as-of", "9999-12-31"], "9999-12-31 is outside the dates"),
        (["check", "--trend", "100000"], "'100000' is not a number of months from 0 to 120"),
        (["check", "--trend", "-3"], "'-3' is not a number of months from 0 to 120"),
        (["check", "--check-timeout", "nan"], "'nan' is not a number of seconds"),
        (["check", "--check-timeout", "-1"], "'-1' is not a number of seconds"),
        (["--max-workbook-mb", "-1", "check"], "'-1' is not a whole number of at least 1"),
        (
            [
                "new",
                "internal-audit-report",
                "--id",
                "X",
                "--title",
                "T",
                "--owner",
                "quality-group",
                "--date",
                "9999-12-31",
            ],
            "9999-12-31 is outside the dates",
        ),
    ],
)
def test_extreme_command_values_are_usage_errors(minimal: Path, args: list[str], message: str) -> None:
    result = qms("--root", minimal, *args)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2 and "Traceback" not in stderr
    assert message in stderr


def test_the_edges_of_the_date_range_evaluate(minimal: Path) -> None:
    for day in ("1900-01-01", "2999-12-31"):
        result = qms("--root", minimal, "check", "--as-of", day, "--trend", "120", "--format", "json")
        assert result.returncode in (0, 1), result.stderr.decode("utf-8")
        doc = json.loads(result.stdout)
        assert [r["status"] for r in doc["checkpoints"] if r["status"] == "error"] == []
        assert len(doc["trend"]) == 121


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("trend_months: 100000", "Plugin 'qms' option 'trend_months': expected a whole number from 0 to 120"),
        ("due_days: -1", "Plugin 'qms' option 'due_days': expected a whole number from 0 to 3660, got -1"),
        ("data_preview_rows: -5", "Plugin 'qms' option 'data_preview_rows': expected a whole number from 0"),
        ("max_workbook_mb: 0", "Plugin 'qms' option 'max_workbook_mb': expected a whole number from 1"),
        ("as_of: 9999-12-31", "Plugin 'qms' option 'as_of': 9999-12-31 is outside the dates"),
        ("as_of: 0001-01-01", "Plugin 'qms' option 'as_of': 0001-01-01 is outside the dates"),
    ],
)
def test_extreme_plugin_options_are_configuration_errors(
    minimal: Path, tmp_path: Path, option: str, message: str
) -> None:
    config = write_config(minimal, "en", f"      {option}\n")
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert message in result.stderr


def test_an_extreme_qms_as_of_is_a_clear_build_error(minimal: Path, tmp_path: Path) -> None:
    config = write_config(minimal, "en", "      enabled: true\n")
    result = mkdocs_build(config, tmp_path / "site", env={"QMS_AS_OF": "9999-12-31"})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "qms: QMS_AS_OF: 9999-12-31 is outside the dates a manual is evaluated at" in result.stderr
