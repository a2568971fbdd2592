"""CI checks out a shallow clone by default: record commits are then unknown, not the tip's."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import run_qms
from test_doccontrol import git


def _record_commits(root: Path) -> tuple[dict[str, str | None], str]:
    result = run_qms("--root", root, "check", "--as-of", "2025-12-31", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    return {e["id"]: e["commit"] for r in doc["checkpoints"] for e in r["evidence"]}, result.stderr


def test_a_shallow_clone_reports_record_commits_as_unknown_with_one_warning(minimal: Path, tmp_path: Path) -> None:
    git(minimal, "init", "-q", "-b", "main")
    git(minimal, "add", ".")
    git(minimal, "commit", "-qm", "manual")
    first = git(minimal, "rev-parse", "HEAD").strip()
    (minimal / "policy/index.md").write_text("# 质量手册\n", encoding="utf-8")
    git(minimal, "commit", "-qam", "index")

    full, warnings = _record_commits(minimal)
    assert full == {"IAR-2025": first}  # the commit that last touched the record
    assert "shallow" not in warnings

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{minimal}", str(clone)], check=True)
    shallow, warnings = _record_commits(clone)
    assert shallow == {"IAR-2025": None}  # not the tip commit, which did not touch it
    assert [line for line in warnings.splitlines() if "shallow" in line] == [
        "warning: this is a shallow git clone: the commits of evidence records are unknown (fetch the whole "
        "history, e.g. actions/checkout with fetch-depth: 0)"
    ]
