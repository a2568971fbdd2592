"""`qms pack --verify`: a pack checked against its manifest, the pages against both, and,
when asked, the copies against the commit they came from and the manifest against its
signature.

What each check can tell: the manifest alone, any file changed since the pack was made;
the digests results.json and manual.html cite, a file rewritten with its manifest line;
the commit (`--repo`), a file rewritten with its manifest line and every page that cites
it; the signature, anything at all, the generated pages included.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ...i18n import _, ngettext
from .citations import cited_problems
from .custody import trace
from .layout import MANIFEST, PACK_FORMAT, SIGNATURE, made_by_pack
from .reader import Reader, Unreadable, open_pack
from .signing import Signers, signed_by
from .write import PackError

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class PackCheck:
    """What verifying a pack found: problems (any one fails it), and what was established."""

    problems: list[str]
    notes: list[str] = field(default_factory=list)  # what was not or could not be checked
    commit: str | None = None
    traced: int | None = None  # copies that match the commit, when checked against git
    signer: str | None = None  # the identity whose good signature it carries


def verify_pack(path: Path, *, repo: Path | None = None, signers: Signers | None = None) -> list[str]:
    """Problems that show the pack differs from its manifest (and its commit, its signers);
    an empty list means it is intact. See `check_pack`."""
    return check_pack(path, repo=repo, signers=signers).problems


def check_pack(path: Path, *, repo: Path | None = None, signers: Signers | None = None) -> PackCheck:
    """Verify the pack at `path`, against the git repository at `repo` and the `signers` if given.

    Never raises for a damaged pack: an unreadable zip or manifest is a problem too. Raises
    PackError when the check itself cannot be made as asked (`repo` is no repository, the
    pack is signed but no allowed-signers file is known or it is missing)."""
    path = Path(path)
    try:
        with open_pack(path) as reader:
            return _check(reader, repo, signers)
    except Unreadable as exc:
        return PackCheck([str(exc)])


def _check(reader: Reader, repo: Path | None, signers: Signers | None) -> PackCheck:
    names = reader.names()
    present = set(names)
    check = PackCheck(reader.problems)
    if MANIFEST not in present:
        check.problems.append(f"{MANIFEST}: missing, so nothing in the pack can be verified")
        return check
    try:
        raw = reader.read(MANIFEST)
    except Exception as exc:  # a corrupt zip member
        check.problems.append(f"{MANIFEST}: unreadable ({type(exc).__name__}: {exc})")
        return check
    signature = _signature(reader, present, raw, signers, check)  # of the bytes, readable JSON or not
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except Exception as exc:  # a damaged manifest is a finding, never a crash
        check.problems += [f"{MANIFEST}: unreadable ({type(exc).__name__}: {exc})", *signature]
        return check
    listed, manifest_problems = _manifest_files(manifest)
    check.problems += manifest_problems
    if isinstance(manifest, dict):
        check.problems += _integrity(reader, names, listed)
        check.commit = manifest.get("commit")
        check.problems += cited_problems(reader, present, listed, check.commit)
        copies = {name: sha256 for name, (sha256, _size) in listed.items() if not made_by_pack(name)}
        if repo is not None:
            problems, check.traced = trace(repo, manifest, copies)
            check.problems += problems
        else:
            check.notes += _untraced_notes(manifest)
    check.problems += signature
    return check


def _signature(reader: Reader, present: set[str], raw: bytes, signers: Signers | None, check: PackCheck) -> list[str]:
    """The problems with the pack's signature of the manifest bytes `raw`; sets `check.signer`
    when it is good, and notes when the pack is not signed and nobody asked it to be."""
    if SIGNATURE not in present:
        if signers is not None and signers.required:
            return [_("{sig}: missing: the pack is not signed").format(sig=SIGNATURE)]
        check.notes.append(_("not signed: nothing vouches for who made it"))
        return []
    if signers is None:
        raise PackError(
            _(
                "the pack is signed ({sig}): say whose keys to trust with --allowed-signers FILE "
                "or git config gpg.ssh.allowedSignersFile"
            ).format(sig=SIGNATURE)
        )
    try:
        signature = reader.read(SIGNATURE)
    except Exception as exc:  # a corrupt zip member
        return [f"{SIGNATURE}: unreadable ({type(exc).__name__}: {exc})"]
    check.signer, problem = signed_by(raw, signature, signers)
    return [problem] if problem else []


def _integrity(reader: Reader, names: list[str], listed: dict[str, tuple[str, int]]) -> list[str]:
    """Every listed file present with its size and digest, and nothing else but the manifest and signature."""
    problems = []
    present = set(names)
    for name, (sha256, size) in sorted(listed.items()):
        if name not in present:
            problems.append(f"{name}: missing (listed in {MANIFEST})")
            continue
        try:
            actual_sha, actual_size = reader.digest(name)
        except Exception as exc:  # a corrupt zip member, an unreadable file
            problems.append(f"{name}: unreadable ({type(exc).__name__}: {exc})")
            continue
        if actual_size != size:
            problems.append(f"{name}: size {actual_size} differs from the {size} bytes in {MANIFEST}")
        if actual_sha != sha256:
            problems.append(f"{name}: sha256 {actual_sha} differs from {sha256} in {MANIFEST}")
    for name in names:
        if name not in (MANIFEST, SIGNATURE) and name not in listed:
            problems.append(f"{name}: not listed in {MANIFEST}")
    return problems


def _untraced_notes(manifest: dict[str, Any]) -> list[str]:
    """What a check without the repository leaves open."""
    commit, uncommitted = manifest.get("commit"), manifest.get("uncommitted")
    if commit is None:
        return [_("made outside git: nothing ties its files to a commit")]
    notes = [_("not checked against commit {commit}: give --repo to do so").format(commit=commit)]
    if isinstance(uncommitted, list) and uncommitted:
        note = ngettext(
            "{count} copied file had uncommitted changes when packed: {names}",
            "{count} copied files had uncommitted changes when packed: {names}",
            len(uncommitted),
        )
        notes.append(note.format(count=len(uncommitted), names=", ".join(map(str, uncommitted))))
    return notes


def _manifest_files(manifest: Any) -> tuple[dict[str, tuple[str, int]], list[str]]:
    problems: list[str] = []
    listed: dict[str, tuple[str, int]] = {}
    if not isinstance(manifest, dict):
        return listed, [f"{MANIFEST}: not a JSON object"]
    if manifest.get("format") != PACK_FORMAT:
        problems.append(f"{MANIFEST}: format is {manifest.get('format')!r}, expected {PACK_FORMAT!r}")
    files = manifest.get("files")
    if not isinstance(files, list):
        return listed, [*problems, f"{MANIFEST}: files: not a list"]
    for index, entry in enumerate(files):
        where = f"{MANIFEST}: files[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not an object")
            continue
        name, sha256, size = entry.get("path"), entry.get("sha256"), entry.get("size")
        if not isinstance(name, str) or not _safe(name):
            problems.append(f"{where}.path: {name!r} is not a relative path inside the pack")
        elif not isinstance(sha256, str) or not _SHA256.match(sha256):
            problems.append(f"{where}.sha256: {sha256!r} is not a sha256 digest")
        elif not isinstance(size, int) or isinstance(size, bool) or size < 0:
            problems.append(f"{where}.size: {size!r} is not a size in bytes")
        elif name in listed:
            problems.append(f"{where}.path: {name} is listed twice")
        elif name in (MANIFEST, SIGNATURE):
            problems.append(f"{where}.path: {MANIFEST} cannot list {name}")
        else:
            listed[name] = (sha256, size)
    return listed, problems


def _safe(name: str) -> bool:
    pure = PurePosixPath(name)
    return bool(name) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in name and "\x00" not in name
