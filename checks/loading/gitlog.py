"""The little of git the manual needs: run it, and read which commits touched which file."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import IO

from ..i18n import _


class GitError(Exception):
    pass


def run_git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(_("cannot run git: {reason}").format(reason=exc)) from None
    if done.returncode != 0:
        raise GitError(done.stderr.strip() or _("{command} failed").format(command=f"git {' '.join(args)}"))
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
        _top, prefix = checkout_top(root)
    log = run_git(root, "log", "--format=%x00%H", "--name-only", "--no-renames", "--", *pathspecs)
    commits: dict[str, list[str]] = {}
    current = ""
    for line in log.splitlines():
        if line.startswith("\x00"):
            current = line[1:]
        elif line.startswith(prefix) and line:
            commits.setdefault(line[len(prefix) :], []).append(current)
    return commits


def blob_digests(root: Path, specs: list[str]) -> dict[str, str | None]:
    """The sha256 of each `REV:PATH` blob as git stores it (None: no such file there),
    from a single `git cat-file --batch`. A spec with a line break cannot be asked this
    way and is left out."""
    found: dict[str, str | None] = {}
    try:
        process = subprocess.Popen(
            ["git", "-C", str(root), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise GitError(_("cannot run git: {reason}").format(reason=exc)) from None
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    with process:
        # git flushes after each object, so asking one at a time never blocks either side
        for spec in (s for s in specs if "\n" not in s):
            try:
                process.stdin.write(spec.encode("utf-8") + b"\n")
                process.stdin.flush()
            except BrokenPipeError:
                break
            header = process.stdout.readline()
            if not header:
                break
            if header.endswith((b" missing\n", b" ambiguous\n")):
                found[spec] = None
                continue
            _name, kind, size = header.split()
            digest = _digest(process.stdout, int(size))
            process.stdout.read(1)  # the line break after the content
            found[spec] = digest if kind == b"blob" else None
        process.stdin.close()
        problem = process.stderr.read().decode("utf-8", "replace").strip()
    if process.returncode != 0:
        raise GitError(problem or _("git cat-file failed"))
    return found


def checkout_digests(root: Path, spec: str) -> set[str]:
    """The sha256 of `REV:PATH` as checkouts write it (empty when there is no such file): as
    git converts it here (`git cat-file --filters`: line endings, smudge filters), and, for
    text without carriage returns, with CRLF line endings, as a Windows checkout
    (core.autocrlf) writes it."""
    try:
        process = subprocess.Popen(
            ["git", "-C", str(root), "cat-file", "--filters", spec],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError as exc:
        raise GitError(_("cannot run git: {reason}").format(reason=exc)) from None
    assert process.stdout is not None
    here, crlf, text = hashlib.sha256(), hashlib.sha256(), True
    with process:
        while chunk := process.stdout.read(1 << 20):
            here.update(chunk)
            text = text and b"\r" not in chunk and b"\0" not in chunk
            if text:
                crlf.update(chunk.replace(b"\n", b"\r\n"))
    if process.returncode != 0:
        return set()
    return {here.hexdigest(), crlf.hexdigest()} if text else {here.hexdigest()}


def _digest(stream: IO[bytes], size: int) -> str:
    """The sha256 of the next `size` bytes of `stream`, read in chunks."""
    digest = hashlib.sha256()
    while size > 0 and (chunk := stream.read(min(1 << 20, size))):
        digest.update(chunk)
        size -= len(chunk)
    return digest.hexdigest()
