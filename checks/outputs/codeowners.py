"""`qms codeowners`: the CODEOWNERS file that asks the people the manual names for review.

Each controlled document's file is owned by the members of its approving role (or, when
it names none, of its owner role), each checkpoint's and KPI's file by the members of its
owner role, and each role's file by its own members, so that adding oneself to the
approvers needs the approvers. Members count as they stand on a date, named by login
(`@login`) or else by e-mail; a role nobody in which has either cannot be asked, and its
files are listed in a comment instead.

The lines made here sit between a BEGIN and an END marker line. Everything outside them
is the user's and stays as it is: a file without the markers gets the block appended.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..i18n import _
from ..loading.people import role_label
from ..model import Manual, ManualObject, Member, Role

BEGIN = "# BEGIN qms codeowners"
END = "# END qms codeowners"

# Where each platform looks, in the order it looks: the first file found is the only one read.
GITHUB_PLACES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
GITLAB_PLACES = ("CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")


class BlockError(Exception):
    """The file's markers are broken; the message names the line."""


@dataclass(frozen=True)
class Section:
    name: str
    about: str
    entries: tuple[tuple[str, tuple[str, ...]], ...]  # (path pattern, owners)


@dataclass(frozen=True)
class Ownership:
    sections: tuple[Section, ...]
    unowned: tuple[tuple[Role, tuple[str, ...]], ...]  # roles nobody can be asked in, and their files

    def block(self, gitlab: bool) -> str:
        """The generated lines, markers included (GitLab: one section per kind of file)."""
        lines = [BEGIN + ": " + _("made from the manual's roles by `qms codeowners`; edit the roles, not these lines")]
        for section in self.sections:
            lines.append(f"# {section.about}")
            if gitlab:
                lines.append(f"[qms: {section.name}]")
            lines += [f"{path} {' '.join(owners)}" for path, owners in section.entries]
        if self.unowned:
            lines.append("# " + _("Not listed, as nobody in their role has a login or e-mail:"))
            lines += [f"# {role_label(role)}: {', '.join(files)}" for role, files in self.unowned]
        lines.append(END)
        return "\n".join(lines) + "\n"


def ownership(manual: Manual, as_of: dt.date, prefix: str = "") -> Ownership:
    """Who owns which file of the manual on a date; `prefix` is the manual's folder in the repository."""
    unowned: dict[str, list[str]] = {}

    def entries(owned: Sequence[tuple[ManualObject, str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        found = []
        for obj, role_id in sorted(owned, key=lambda pair: pair[0].source.rel):
            role = manual.roles[role_id]
            owners = tuple(h for h in dict.fromkeys(_handle(m) for m in role.members_on(as_of)) if h)
            if owners:
                found.append((_pattern(prefix + obj.source.rel), owners))
            else:
                unowned.setdefault(role.id, []).append(obj.source.rel)
        return tuple(found)

    kinds = (
        (
            _("Controlled documents"),
            _("Controlled documents: the members of their approving role (or else of their owner role)"),
            [(p, p.approving_role or p.owner) for p in manual.policies.values()],
        ),
        (
            _("Checkpoints"),
            _("Checkpoints: the members of their owner role"),
            [(c, c.owner) for c in manual.checkpoints.values()],
        ),
        (_("KPIs"), _("KPIs: the members of their owner role"), [(k, k.owner) for k in manual.kpis.values()]),
        (_("Roles"), _("Roles: their own members"), [(r, r.id) for r in manual.roles.values()]),
    )
    sections = [Section(name, about, entries(owned)) for name, about, owned in kinds]
    return Ownership(
        tuple(s for s in sections if s.entries),
        tuple((manual.roles[role_id], tuple(sorted(files))) for role_id, files in sorted(unowned.items())),
    )


def _handle(member: Member) -> str:
    return f"@{member.login}" if member.login else member.email or ""


def _pattern(rel: str) -> str:
    """An anchored pattern for one file (CODEOWNERS escapes spaces with a backslash)."""
    return "/" + rel.replace(" ", "\\ ")


def location(top: Path, gitlab: bool) -> Path:
    """The file the platform reads: an existing one in its search order, else the usual place."""
    places = GITLAB_PLACES if gitlab else GITHUB_PLACES
    default = ".gitlab/CODEOWNERS" if gitlab else ".github/CODEOWNERS"
    return next((top / p for p in places if (top / p).is_file()), top / default)


def read(path: Path) -> str | None:
    """The file's text as it is (line endings kept), or None when there is none."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise BlockError(_("{file} is not UTF-8 text; save it as UTF-8").format(file=path)) from None


def current_block(text: str, name: str) -> tuple[int, int] | None:
    """The first and last line (0-based) of the generated block in `text`, if it has one."""
    lines = text.splitlines()
    begins = [i for i, line in enumerate(lines) if line.startswith(BEGIN)]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if not begins and not ends:
        return None
    if len(begins) > 1 or len(ends) > 1:
        line = (begins[1:] or ends[1:])[0] + 1
        raise BlockError(_("{file}:{line}: the generated block appears twice").format(file=name, line=line))
    if not ends or (begins and ends[0] < begins[0]):
        raise BlockError(
            _("{file}:{line}: '{begin}' has no '{end}' line after it").format(
                file=name, line=begins[0] + 1, begin=BEGIN, end=END
            )
        )
    if not begins:
        raise BlockError(
            _("{file}:{line}: '{end}' has no '{begin}' line before it").format(
                file=name, line=ends[0] + 1, begin=BEGIN, end=END
            )
        )
    return begins[0], ends[0]


def merged(existing: str | None, block: str, name: str) -> str:
    """The file's new text: its own lines kept, the block replaced or appended."""
    if not existing:
        return block
    span = current_block(existing, name)
    lines = existing.splitlines(keepends=True)
    if span is None:
        own = existing if existing.endswith("\n") else existing + "\n"
        return own + "\n" + block
    first, last = span
    return "".join(lines[:first]) + block + "".join(lines[last + 1 :])


def differences(existing: str | None, block: str, name: str) -> list[str]:
    """How the file's block differs from the one it should have (empty: it is current)."""
    if existing is None:
        return [_("{file} does not exist; run `qms codeowners`").format(file=name)]
    span = current_block(existing, name)
    if span is None:
        return [_("{file} has no generated block; run `qms codeowners`").format(file=name)]
    lines = existing.splitlines()[span[0] : span[1] + 1]
    if lines == block.splitlines():
        return []
    diff = difflib.unified_diff(lines, block.splitlines(), lineterm="", n=0)
    shown = [line for line in diff if not line.startswith(("---", "+++", "@@"))]
    return [_("{file} is not current; run `qms codeowners`:").format(file=name), *shown]
