"""The corpus of bad inputs (tests/corpus/NN-name/): each gets one clear message, never a traceback.

A case holds `files/` (laid over a copy of tests/fixtures/minimal), `mode` (`validate`:
the exit code and exactly the lines of `expected`; `check`: the exit code and the checkpoint
statuses and reasons of `expected`; `run`: the command in `args`, one argument a line, and
the exit code, standard output and standard error of `expected`), optionally `args` (for
`validate` and `check`: arguments added to the command), `huge` ("PATH SIZE": a file made
at run time) and `links` ("PATH TARGET" lines: symbolic links made at run time, each to a
folder made for it, so that no link in this repository leads out of it).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checks.cli import main
from conftest import FIXTURES

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())


def lay_out(case: Path, root: Path) -> None:
    shutil.copytree(FIXTURES / "minimal", root)
    if (case / "files").is_dir():
        shutil.copytree(case / "files", root, symlinks=True, dirs_exist_ok=True)
    if (case / "links").is_file():
        for line in (case / "links").read_text(encoding="utf-8").splitlines():
            link, target = (root / line.split()[0]), line.split()[1]
            (link.parent / target).mkdir(parents=True, exist_ok=True)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(target)
    if (case / "huge").is_file():
        rel, size = (case / "huge").read_text(encoding="utf-8").split()
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        line = b"id: x\nkind: role\nname: X\n" + b"# padding padding padding padding padding padding\n" * 10
        target.write_bytes(line * (int(size) // len(line) + 1))


def run(case: Path, root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    mode = (case / "mode").read_text(encoding="utf-8").strip()
    args = (case / "args").read_text(encoding="utf-8").splitlines() if (case / "args").is_file() else []
    if mode == "run":
        argv = ["--root", str(root), *args]
    elif mode == "validate":
        argv = ["--root", str(root), "validate", *args]
    else:
        argv = ["--root", str(root), "check", "--as-of", "2025-12-31", "--format", "json", *args]
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def actual(case: Path, code: int, out: str, err: str = "") -> list[str]:
    """What the tool said, in the form `expected` records."""
    mode = (case / "mode").read_text(encoding="utf-8").strip()
    if mode == "validate":
        return [f"exit {code}", *out.splitlines()]
    if mode == "run":
        return [f"exit {code}", *out.splitlines(), *err.splitlines()]
    doc = json.loads(out)
    broken = [r for r in doc["checkpoints"] if r["status"] not in ("pass", "due-soon")]
    return [f"exit {code}", *(f"{r['id']} {r['status']}: {r['reason']}" for r in broken)]


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_one_clear_message(case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "manual"
    lay_out(case, root)
    code, out, err = run(case, root, capsys)
    assert "Traceback" not in out + err
    expected = (case / "expected").read_text(encoding="utf-8").splitlines()
    assert actual(case, code, out, err) == expected
    if (case / "mode").read_text(encoding="utf-8").strip() == "validate":
        for line in expected[1:]:  # path:line: field: message
            path, _, rest = line.partition(":")
            assert (root / path).exists() or (root / path).is_symlink(), line
            assert rest.split(": ", 2)[0].isdigit() or rest.startswith(" "), line
