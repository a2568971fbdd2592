"""The little of git the manual needs: run it, and read which commits touched which file."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    pass


def run_git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        raise GitError(done.stderr.strip() or f"git {' '.join(args)} failed")
    return done.stdout


def checkout_top(root: Path) -> tuple[Path, str]:
    """The top of the checkout holding `root`, and the prefix git puts before paths under
    `root` (the manual may sit in a folder of a larger repository)."""
    top = Path(run_git(root, "rev-parse", "--show-toplevel").strip()).resolve()
    inside = root.resolve().relative_to(top).as_posix()
    return top, "" if inside == "." else inside + "/"


def commits_by_file(root: Path, pathspecs: list[str], prefix: str | None = None) -> dict[str, list[str]]:
    """For each file under `root` (relative to it) that matches, the commits that touched
    it, newest first, from a single `git log`. `prefix` is `checkout_top`'s, if known."""
    if prefix is None:
        _, prefix = checkout_top(root)
    log = run_git(root, "log", "--format=%x00%H", "--name-only", "--no-renames", "--", *pathspecs)
    commits: dict[str, list[str]] = {}
    current = ""
    for line in log.splitlines():
        if line.startswith("\x00"):
            current = line[1:]
        elif line.startswith(prefix) and line:
            commits.setdefault(line[len(prefix) :], []).append(current)
    return commits
