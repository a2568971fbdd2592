"""The chain of custody: the commit a pack's copies come from, and whether they still match it.

When the pack is made, the manifest records the commit (HEAD), where the manual sits in
the repository, and which copies differ from that commit (uncommitted changes).
`qms pack --verify --repo` recomputes every copy's digest from the commit's git objects,
so rewriting a file together with its manifest line no longer goes unnoticed. The list
of uncommitted files only words the finding: a file it names still fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ...i18n import _
from ...loading.gitlog import GitError, blob_digests, checkout_digests, checkout_top, run_git
from .layout import MANIFEST
from .write import PackError

_COMMIT = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")  # sha-1 or sha-256 repositories


@dataclass(frozen=True)
class Origin:
    """Where a pack's copies come from: a commit, and the manual's folder in its tree."""

    commit: str | None  # None: not made from a git checkout
    manual_root: str | None = None  # "." when the manual is the repository's top

    def spec(self, name: str) -> str:
        """git's name for the copy `name` (relative to the manual root) in the commit."""
        inside = name if self.manual_root in (None, ".") else f"{self.manual_root}/{name}"
        return f"{self.commit}:{inside}"


def origin_of(root: Path, commit: str | None) -> Origin:
    """The origin of a pack of the manual at `root`, evaluated at `commit` (HEAD, or None)."""
    if commit is None:
        return Origin(None)
    try:
        _top, prefix = checkout_top(root)
    except GitError:
        return Origin(None)
    return Origin(commit, prefix.rstrip("/") or ".")


def untraced(repo: Path, origin: Origin, digests: dict[str, str]) -> dict[str, str | None]:
    """Of the copies in `digests` (path in the pack -> sha256), those the commit does not
    hold as they are, with the digest the commit has (None: no such file there).

    A copy matches the blob as stored or as a checkout writes it (`checkout_digests`): the
    pack copies working-tree files, perhaps from a Windows checkout."""
    assert origin.commit is not None
    specs = {name: origin.spec(name) for name in digests}
    stored = blob_digests(repo, list(specs.values()))
    differing: dict[str, str | None] = {}
    for name, sha256 in digests.items():
        spec = specs[name]
        got = stored.get(spec)
        if got == sha256:
            continue
        if (got is not None or spec not in stored) and sha256 in checkout_digests(repo, spec):
            continue
        differing[name] = got
    return differing


def trace(repo: Path, manifest: dict[str, Any], copies: dict[str, str]) -> tuple[list[str], int]:
    """Problems found checking each copy (path -> its sha256 in the manifest) against the
    manifest's commit in the repository at `repo`, and how many copies match it.

    A folder that is no git repository is a PackError: the check was asked of the wrong place."""
    try:
        run_git(repo, "rev-parse", "--git-dir")
    except GitError:
        raise PackError(
            _("{repo}: not a git repository (give --repo a folder of the checkout)").format(repo=repo)
        ) from None
    commit, root = manifest.get("commit"), manifest.get("manual_root")
    if commit is None:
        return [
            _("made outside git ({manifest} names no commit): its files cannot be traced").format(manifest=MANIFEST)
        ], 0
    if not isinstance(commit, str) or not _COMMIT.match(commit):
        return [_("{manifest}: commit: {value!r} is not a commit id").format(manifest=MANIFEST, value=commit)], 0
    if not isinstance(root, str) or not _relative(root):
        return [
            _("{manifest}: manual_root: {value!r} is not a folder of the repository").format(
                manifest=MANIFEST, value=root
            )
        ], 0
    try:
        run_git(repo, "cat-file", "-e", f"{commit}^{{commit}}")
    except GitError:
        return [
            _(
                "commit {commit} is not in the repository at {repo} (fetch it; a shallow clone lacks old commits)"
            ).format(commit=commit, repo=repo)
        ], 0
    try:
        differing = untraced(repo, Origin(commit, root), copies)
    except GitError as exc:
        raise PackError(
            _("{repo}: git could not read commit {commit}: {problem}").format(repo=repo, commit=commit, problem=exc)
        ) from None
    uncommitted = manifest.get("uncommitted")
    declared = set(uncommitted) if isinstance(uncommitted, list) else set()
    problems = []
    for name in sorted(differing):
        held = differing[name]
        if name in declared:
            text = _("{name}: had uncommitted changes when packed: commit {commit} does not hold it")
        elif held is None:
            text = _("{name}: not in commit {commit}")
        else:
            text = _("{name}: {manifest} lists sha256 {listed}, but commit {commit} holds {held}")
        problems.append(text.format(name=name, commit=commit, manifest=MANIFEST, listed=copies[name], held=held))
    return problems, len(copies) - len(differing)


def _relative(root: str) -> bool:
    pure = PurePosixPath(root)
    return root == "." or (bool(root) and not pure.is_absolute() and ".." not in pure.parts and "\n" not in root)
