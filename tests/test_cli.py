"""The `qms` command as a whole: version, usage."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import yaml

from conftest import run_qms

ROOT = Path(__file__).resolve().parents[1]


def test_version_is_the_package_s() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    result = run_qms("--version")
    assert (result.returncode, result.stdout) == (0, f"qms (quality-manual) {declared}\n")


def test_verbose_version_names_the_libraries_for_a_bug_report() -> None:
    result = run_qms("--version", "--verbose")
    lines = result.stdout.splitlines()
    assert result.returncode == 0
    for name, installed in [
        ("pyyaml", yaml.__version__),
        ("mkdocs", version("mkdocs")),
        ("mkdocs-material", version("mkdocs-material")),
        ("pandas", version("pandas")),
    ]:
        assert f"{name} {installed}" in lines


def test_no_command_is_a_usage_error() -> None:
    result = run_qms()
    assert result.returncode == 2
    assert "a command is required" in result.stderr


def test_a_command_s_own_version_option_is_not_the_program_s(minimal: Path) -> None:
    args = ["--version", "V1.2", "--author", "杨工", "--change", "年度修订", "--date", "2026-02-01"]
    result = run_qms("--root", minimal, "revise", "QP-01", *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "policy/QP-01.md: V1.1 -> V1.2, awaiting approval (qms approve QP-01 --by NAME)\n"
