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


def test_a_command_s_own_version_option_is_not_the_global_one(tmp_path: Path) -> None:
    # `qms revise DOC --version V1.3` must revise, not print the tool's version.
    result = run_qms("--root", tmp_path, "revise", "NO-SUCH-DOC", "--version", "V9.9", "--author", "a", "--change", "b")
    assert result.returncode == 2
    assert "quality-manual" not in result.stdout
