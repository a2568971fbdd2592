from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Messages follow the locale when neither --language nor the manual's theme.language says:
# every test starts from the same one, as it starts from a fixed date.
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A private copy of the small valid fixture manual."""
    target = tmp_path / "manual"
    shutil.copytree(FIXTURES / "minimal", target)
    return target


def run_qms(
    *args: str | Path, cwd: Path | None = None, language: str | None = "en"
) -> subprocess.CompletedProcess[str]:
    """Run the real `qms` command in a subprocess, as a user would: in English (`--language en`)
    unless `language` says otherwise, None for the language the manual or the locale gives."""
    chosen = ["--language", language] if language else []
    return subprocess.run(
        [sys.executable, "-m", "checks.cli", *chosen, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
