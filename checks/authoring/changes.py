"""Clause-level changes of controlled documents between two versions (`qms diff`)."""

from __future__ import annotations

import difflib
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n import _
from ..loading.clauses import parse_clauses
from ..loading.gitlog import GitError, checkout_top, commits_by_file, run_git
from ..loading.loader import load_text
from ..model import Clause, Policy


@dataclass(frozen=True)
class ClauseChange:
    number: str
    kind: str  # added / removed / reworded
    title: str
    old: str = ""
    new: str = ""

    def diff_lines(self) -> list[str]:
        old, new = self.old.splitlines(), self.new.splitlines()
        return [
            line
            for line in difflib.unified_diff(old, new, lineterm="", n=0)
            if not line.startswith(("---", "+++", "@@"))
        ]


@dataclass
class DocumentChange:
    path: str
    id: str
    title: str
    old_version: str | None
    new_version: str | None
    clauses: list[ClauseChange] = field(default_factory=list)
    new_rows: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def compare_clauses(old: dict[str, Clause], new: dict[str, Clause]) -> list[ClauseChange]:
    changes = []
    for number in sorted(set(old) | set(new), key=_number_key):
        before, after = old.get(number), new.get(number)
        if before is None and after is not None:
            changes.append(ClauseChange(number, "added", after.title, new=after.text))
        elif after is None and before is not None:
            changes.append(ClauseChange(number, "removed", before.title, old=before.text))
        elif (
            before is not None
            and after is not None
            and (before.title, _norm(before.text))
            != (
                after.title,
                _norm(after.text),
            )
        ):
            title = after.title if before.title == after.title else f"{before.title} → {after.title}"
            changes.append(ClauseChange(number, "reworded", title, before.text, after.text))
    return changes


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def _parse(text: str | None, path: Path, rel: str) -> tuple[dict[str, Any] | None, dict[str, Clause]]:
    if text is None:
        return None, {}
    result = load_text(text, path, rel)
    if result.document is None or result.document.data.get("kind") != "policy":
        return None, {}
    source = result.document.source
    clauses, _ = parse_clauses(source.body or "", source.body_line)
    return result.document.data, clauses


def document_changes(root: Path, base: str) -> list[DocumentChange]:
    """Every policy whose clauses changed between `base` and the working tree."""
    run_git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    changed = run_git(root, "diff", "--name-only", "--relative", base, "--", "policy").split("\n")
    changed += run_git(root, "ls-files", "--others", "--exclude-standard", "--", "policy").split("\n")
    results = []
    for rel in sorted({p for p in changed if p.endswith(".md")}):
        path = root / rel
        try:
            old_text: str | None = run_git(root, "show", f"{base}:./{rel}")
        except GitError:
            old_text = None  # a new file
        new_text = path.read_text(encoding="utf-8") if path.is_file() else None
        old, old_clauses = _parse(old_text, path, rel)
        new, new_clauses = _parse(new_text, path, rel)
        if old is None and new is None:
            continue
        clauses = compare_clauses(old_clauses, new_clauses)
        meta = new or old or {}
        change = DocumentChange(
            path=rel,
            id=str(meta.get("id")),
            title=str(meta.get("title", "")),
            old_version=_str(old, "version"),
            new_version=_str(new, "version"),
            clauses=clauses,
        )
        old_rows = {str(r.get("version")) for r in (old or {}).get("revisions", []) if isinstance(r, dict)}
        change.new_rows = [
            str(r.get("version"))
            for r in (new or {}).get("revisions", [])
            if isinstance(r, dict) and str(r.get("version")) not in old_rows
        ]
        if clauses and new is not None:
            if change.old_version == change.new_version:
                message = _("normative text changed but the version is still {version}")
                change.problems.append(message.format(version=change.new_version))
            if not change.new_rows:
                change.problems.append(_("normative text changed but no revision row was added (qms revise)"))
            elif change.new_version not in change.new_rows:
                message = _("the new revision rows {rows} do not include {version}")
                change.problems.append(message.format(rows=change.new_rows, version=change.new_version))
        if clauses or change.old_version != change.new_version:
            results.append(change)
    return results


# The kinds whose removal changes what the manual requires or proves.
REMOVAL_KINDS = {
    "policy": "controlled document",
    "checkpoint": "checkpoint",
    "kpi": "KPI",
    "evidence-type": "evidence type",
    "evidence": "evidence record",
}


@dataclass(frozen=True)
class Removal:
    """An object that existed at the base revision and exists no more (by id, so a moved
    file is no removal)."""

    kind: str
    id: str
    path: str  # its file at the base revision
    recorded: str | None  # where the manual records its retirement, None when it does not


def removed_objects(root: Path, base: str, current_ids: set[str], policies: dict[str, Policy]) -> list[Removal]:
    """Checkpoints, KPIs, evidence types, records and controlled documents at `base` whose id
    the working tree no longer holds. A removal is a recorded retirement when a revision row
    added since `base` names the id in its `change`, or (a document) when it was already
    `retired` at `base`. `policies`: the working tree's policies by id."""
    run_git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    listed = run_git(root, "diff", "--name-only", "--no-renames", "--relative", base, "--", "policy", "evidence")
    listed += run_git(root, "ls-files", "--others", "--exclude-standard", "--", "policy")
    rels = [p for p in listed.split("\n") if p.lower().endswith((".md", ".yaml", ".yml"))]
    before = _texts_at(root, base, rels)
    changes = [
        str(row.get("change"))
        for policy in policies.values()
        if policy.source.rel in rels  # an unchanged policy has no new revision row
        for row in _new_rows(policy, _parse(before.get(policy.source.rel), policy.source.path, policy.source.rel)[0])
    ]
    removals = []
    for rel in rels:
        if rel not in before:
            continue  # new since base
        result = load_text(before[rel], root / rel, rel)
        data = result.document.data if result.document is not None else {}
        kind, object_id = data.get("kind"), data.get("id")
        if kind not in REMOVAL_KINDS or not isinstance(object_id, str) or object_id in current_ids:
            continue
        named = re.compile(rf"(?<![A-Za-z0-9._-]){re.escape(object_id)}(?![A-Za-z0-9_-]|\.[A-Za-z0-9])")
        recorded = next((_("revision: {change}").format(change=c) for c in changes if named.search(c)), None)
        if recorded is None and kind == "policy" and data.get("status") == "retired":
            recorded = _("retired at {base}").format(base=base)
        removals.append(Removal(str(kind), object_id, rel, recorded))
    return removals


def _new_rows(policy: Policy, old: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The revision rows of a policy that the base revision's text of its file did not have."""
    known = {str(r.get("version")) for r in (old or {}).get("revisions", []) if isinstance(r, dict)}
    return [r for r in policy.data.get("revisions", []) if isinstance(r, dict) and str(r.get("version")) not in known]


def _texts_at(root: Path, revision: str, rels: list[str]) -> dict[str, str]:
    """The text of each file (relative to `root`) at a git revision; files the revision does
    not hold are left out."""
    if not rels:
        return {}
    top, prefix = checkout_top(root)
    blobs = _blobs(top, [f"{revision}:{prefix}{rel}" for rel in rels])
    return {
        rel: blob.decode("utf-8", errors="replace") for rel, blob in zip(rels, blobs, strict=True) if blob is not None
    }


def _blobs(top: Path, specs: list[str]) -> list[bytes | None]:
    """The content of each `revision:path` of the checkout at `top` (None where there is no
    such file), from one `git cat-file --batch`: a manual of thousands of files must not
    start a git process per file."""
    batch = "".join(f"{spec}\n" for spec in specs).encode("utf-8")
    try:
        done = subprocess.run(
            ["git", "-C", str(top), "cat-file", "--batch"], input=batch, capture_output=True, timeout=300, check=True
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(_("cannot run git: {reason}").format(reason=exc)) from None
    blobs: list[bytes | None] = []
    out, at = done.stdout, 0
    for _spec in specs:
        header_end = out.index(b"\n", at)
        header = out[at:header_end].split()
        at = header_end + 1
        if len(header) < 3 or header[1] != b"blob":
            blobs.append(None)  # "missing", or deleted in that commit
            continue
        size = int(header[2])
        blobs.append(out[at : at + size])
        at += size + 1
    return blobs


def _str(data: dict[str, Any] | None, key: str) -> str | None:
    return None if data is None or key not in data else str(data[key])


def markdown_summary(changes: list[DocumentChange], base: str, removals: list[Removal] | tuple[()] = ()) -> str:
    """A readable clause-by-clause summary, for a pull request description."""
    if not changes and not removals:
        return _("No controlled document changed its normative text since {base}.").format(base=base) + "\n"
    out = [_("# Controlled documents changed since {base}").format(base=base), ""] if changes else []
    for change in changes:
        versions = f"{change.old_version or _('new')} → {change.new_version or _('deleted')}"
        out += [f"## {change.id} {change.title} ({versions})", ""]
        for clause in change.clauses:
            out.append(f"- {clause.kind} {clause.number} {clause.title}")
            lines = clause.diff_lines() if clause.kind == "reworded" else []
            if lines:
                out += ["", "  ```diff", *[f"  {line}" for line in lines], "  ```", ""]
        if not change.clauses:
            out.append("- " + _("no clause text changed"))
        for problem in change.problems:
            out.append("- **" + _("problem:") + f"** {problem}")
        out.append("")
    if removals:
        out += [_("# Removed since {base}").format(base=base), ""]
        for removal in removals:
            what = f"{REMOVAL_KINDS[removal.kind]} {removal.id} ({removal.path})"
            if removal.recorded:
                out.append(_("- {what}: {recorded}").format(what=what, recorded=removal.recorded))
            else:
                hint = _("name it in the change of a new revision row, or retire the document first")
                out.append(
                    _("- **problem:** {what} was removed with no recorded retirement ({hint})").format(
                        what=what, hint=hint
                    )
                )
        out.append("")
    return "\n".join(out)


@dataclass(frozen=True)
class VersionChange:
    """How one version of a document differs from the version before it."""

    version: str
    previous: str | None
    commit: str | None  # the last commit holding this version, None for the working tree
    clauses: tuple[ClauseChange, ...]
    available: bool  # False when git holds no text of the previous version


def git_history(root: Path, rels: list[str]) -> dict[str, list[tuple[str, str]]]:
    """For each file, its (commit, text) in every commit that touched it, newest first.

    One `git log` and one `git cat-file --batch` for all the files, however many: a
    site with hundreds of policies must not start a git process per file."""
    try:
        top, prefix = checkout_top(root)
        wanted = set(rels)
        touched = {rel: c for rel, c in commits_by_file(root, rels, prefix).items() if rel in wanted}
    except GitError:
        return {}
    requests = [(rel, c) for rel, commits in touched.items() for c in commits]
    if not requests:
        return {}
    try:
        blobs = _blobs(top, [f"{c}:{prefix}{rel}" for rel, c in requests])
    except GitError:
        return {}
    history: dict[str, list[tuple[str, str]]] = {}
    for (rel, c), blob in zip(requests, blobs, strict=True):
        if blob is not None:
            history.setdefault(rel, []).append((c, blob.decode("utf-8", errors="replace")))
    return history


def version_history(
    root: Path, rel: str, current_text: str, history: list[tuple[str, str]] | None = None
) -> list[VersionChange]:
    """Each version of a policy found in git history (and the working tree), newest first.

    A version's text is the last commit in which the front matter names it; a version
    whose text git never held (e.g. revisions made before the manual was kept here)
    is reported as not available rather than guessed. `history` is this file's entry
    of `git_history` (read here when not given).
    """
    texts: dict[str, tuple[str | None, str]] = {}  # version -> (commit, text), newest wins
    order: list[str] = []

    def note(version: str | None, commit: str | None, text: str) -> None:
        if version and version not in texts:
            texts[version] = (commit, text)
            order.append(version)

    path = root / rel
    current, _ = _parse(current_text, path, rel)
    note(_str(current, "version"), None, current_text)
    if history is None:
        history = git_history(root, [rel]).get(rel, [])
    for commit, text in history:
        data, _ = _parse(text, path, rel)
        note(_str(data, "version"), commit, text)
    versions = []
    for index, version in enumerate(order):
        held_in, text = texts[version]
        previous = order[index + 1] if index + 1 < len(order) else None
        if previous is None:
            rows = [str(r.get("version")) for r in (_parse(text, path, rel)[0] or {}).get("revisions", [])]
            earlier = rows[: rows.index(version)] if version in rows else []
            versions.append(VersionChange(version, earlier[-1] if earlier else None, held_in, (), False))
            continue
        _, new_clauses = _parse(text, path, rel)
        _, old_clauses = _parse(texts[previous][1], path, rel)
        changes = tuple(compare_clauses(old_clauses, new_clauses))
        versions.append(VersionChange(version, previous, held_in, changes, True))
    return versions
