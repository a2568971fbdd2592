"""`qms new`: a new evidence record from its type's template, or a new nonconformity or
waiver, in the folder the manual already keeps its kind in; never overwriting anything."""

from __future__ import annotations

import datetime as dt
import errno
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..evaluating.doccontrol import fingerprint
from ..i18n import N_, _
from ..loading.suggestions import suggest_id
from ..model import KINDS, Manual
from .docedit import scalar
from .fsio import write_new

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_YEAR = re.compile(r"(19|2[0-9])[0-9]{2}")


class NewRecordError(Exception):
    pass


@dataclass(frozen=True)
class NewRecord:
    path: Path
    to_fill: tuple[str, ...]  # required fields still to be written


def new_record(
    manual: Manual,
    type_id: str,
    *,
    record_id: str,
    title: str,
    owner: str,
    date: dt.date,
    period: str | None = None,
    satisfies: list[str] | None = None,
    path: Path | None = None,
) -> NewRecord:
    etype = manual.evidence_types.get(type_id)
    if etype is None:
        hint = suggest_id(manual, "evidence-type", type_id)
        raise NewRecordError(_("unknown evidence type '{id}'{hint}").format(id=type_id, hint=hint))
    _check_new_id(manual, record_id)
    _check_known(manual, "role", owner)
    if satisfies is None:  # the checkpoints whose rules ask for this type
        satisfies = sorted(
            cp.id for cp in manual.checkpoints.values() if any(r.evidence == type_id for r in cp.requires)
        )
    for checkpoint in satisfies:
        _check_known(manual, "checkpoint", checkpoint)
    same_type = [r.source.path for r in manual.evidence.values() if r.type == type_id]
    target = path or usual_place(manual.root, same_type, date.year, manual.evidence_dir / str(date.year) / type_id)
    target = target.with_name(f"{record_id}{target.suffix}") if path is None else target
    _check_under(target, manual.evidence_dir, _("{path}: records belong under evidence/"))

    lines = ["---", f"id: {record_id}", "kind: evidence", f"title: {scalar(title)}", f"type: {type_id}"]
    lines += [f"date: {date.isoformat()}"] + ([f"period: {json.dumps(period)}"] if period else [])
    lines += [f"owner: {owner}"]
    if satisfies:
        lines += ["satisfies:"] + [f"  - {c}" for c in satisfies]
        lines += ["confirmed:"] + [f"  {c}: {fingerprint(manual.checkpoints[c], manual)}" for c in satisfies]
    properties = etype.fields.get("properties", {})
    required = list(etype.fields.get("required", []))
    if properties:
        lines.append(
            "# "
            + _("Fields of {title} ({id}); fill them in, then run `qms validate`:").format(
                title=etype.title, id=type_id
            )
        )
        for name, spec in properties.items():
            described = str(spec.get("description") or spec.get("type", ""))
            note = _("required; {description}").format(description=described) if name in required else described
            lines.append(f"# {name}:   # {note}")
    if etype.data_columns:
        lines.append("# data: [file.csv]   # columns: " + ", ".join(c.name for c in etype.data_columns))
    lines += ["---", "", (etype.template or f"## {title}\n").rstrip(), ""]
    _write(target, lines)
    return NewRecord(target, tuple(required))


def new_nonconformity(
    manual: Manual,
    *,
    nc_id: str,
    title: str,
    owner: str,
    due: dt.date,
    date: dt.date,
    found_in: str | None = None,
    clause: str | None = None,
    path: Path | None = None,
) -> NewRecord:
    """An open nonconformity: what was found is given, its description, cause and action are
    left for the owner to write (each a commented line in the file)."""
    _check_new_id(manual, nc_id)
    _check_known(manual, "role", owner)
    if found_in is not None:
        _check_known(manual, "evidence", found_in)
    kept = [n.source.path for n in manual.nonconformities.values()]
    default = manual.evidence_dir / str(date.year) / "nonconformities" / "x.md"
    target = path or usual_place(manual.root, kept, date.year, default.parent, default.suffix)
    target = target.with_name(f"{nc_id}{target.suffix}") if path is None else target
    _check_under(target, manual.evidence_dir, _("{path}: nonconformities belong under evidence/"))
    fields = [f"id: {nc_id}", "kind: nonconformity", f"title: {scalar(title)}"]
    fields += [f"found_in: {found_in}"] * (found_in is not None) + [f"clause: {scalar(clause)}"] * (clause is not None)
    fields += [f"owner: {owner}", f"due: {due.isoformat()}", "status: open"]
    fields += [
        "# " + _("Fill in, then run `qms validate`:"),
        "# description:   # " + _("required; what was found, with the evidence"),
        "# root_cause:   # " + _("why it happened"),
        "# action:   # " + _("the correction and the corrective action"),
    ]
    _write(target, _framed(target, fields))
    return NewRecord(target, ("description",))


def new_waiver(
    manual: Manual,
    *,
    waiver_id: str,
    title: str,
    checkpoint: str,
    approved_by: str,
    expires: dt.date,
    date: dt.date,
    path: Path | None = None,
) -> NewRecord:
    """A waiver of a checkpoint, granted on `date` until `expires`; its reason is left to write."""
    _check_new_id(manual, waiver_id)
    _check_known(manual, "checkpoint", checkpoint)
    if expires < date:
        raise NewRecordError(
            _("--expires {expires} is before the waiver is granted ({date})").format(expires=expires, date=date)
        )
    kept = [w.source.path for w in manual.waivers.values()]
    default = manual.root / "policy" / "waivers"
    target = path or usual_place(manual.root, kept, date.year, default, ".yaml")
    target = target.with_name(f"{waiver_id}{target.suffix}") if path is None else target
    _check_under(target, manual.root / "policy", _("{path}: waivers belong under policy/"))
    fields = [f"id: {waiver_id}", "kind: waiver", f"title: {scalar(title)}", f"checkpoint: {checkpoint}"]
    fields += [f"approved_by: {scalar(approved_by)}", f"granted: {date.isoformat()}", f"expires: {expires.isoformat()}"]
    fields += ["# reason:   # " + _("required; why the checkpoint cannot be met, and what is done instead")]
    _write(target, _framed(target, fields))
    return NewRecord(target, ("reason",))


def usual_place(root: Path, kept: Iterable[Path], year: int, default: Path, suffix: str = ".md") -> Path:
    """Where the manual keeps a new file of a kind: beside the newest file it already has of
    that kind (the year in its folder made the new one's), else `default`. The file name is a
    placeholder with the suffix the kind's files have."""

    def when(path: Path) -> tuple[int, str]:
        years = [int(p) for p in path.relative_to(root).parent.parts if _YEAR.fullmatch(p)]
        return (years[-1] if years else 0, str(path))

    newest = max(kept, key=when, default=None)
    if newest is None:
        return default / f"x{suffix}"
    seen = when(newest)[0]
    parts = [str(year) if seen and part == str(seen) else part for part in newest.relative_to(root).parent.parts]
    return root.joinpath(*parts) / f"x{newest.suffix}"


def _check_new_id(manual: Manual, new_id: str) -> None:
    if not _ID.fullmatch(new_id):  # whole: `$` alone would let a final line break through
        shown = repr(new_id) if not new_id.isprintable() else f"'{new_id}'"
        raise NewRecordError(_("{id} is not an id: use ASCII letters, digits, '.', '_' and '-'").format(id=shown))
    taken = {i.casefold() for kind in KINDS for i in manual.collection(kind)}
    if new_id.casefold() in taken or new_id in manual.broken:
        raise NewRecordError(_("id '{id}' is already used in the manual").format(id=new_id))


_UNKNOWN = {
    "role": N_("unknown role '{id}'{hint}"),
    "checkpoint": N_("unknown checkpoint '{id}'{hint}"),
    "evidence": N_("unknown evidence record '{id}'{hint}"),
}


def _check_known(manual: Manual, kind: str, given: str) -> None:
    if given not in manual.collection(kind):
        raise NewRecordError(_(_UNKNOWN[kind]).format(id=given, hint=suggest_id(manual, kind, given)))


def _check_under(target: Path, folder: Path, message: str) -> None:
    if not target.resolve().is_relative_to(folder.resolve()):
        raise NewRecordError(message.format(path=target))


def _framed(target: Path, fields: list[str]) -> list[str]:
    """YAML fields as a YAML file, or as a Markdown file's front matter."""
    return ["---", *fields, "---", ""] if target.suffix == ".md" else fields


def _write(target: Path, lines: list[str]) -> None:
    try:
        write_new(target, "\n".join(lines) + ("" if lines[-1] == "" else "\n"))
    except FileExistsError:
        raise NewRecordError(_("{path} already exists; nothing was written").format(path=target)) from None
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
        raise NewRecordError(
            _("{name}: the id is too long for a file name here; nothing was written").format(name=target.name)
        ) from None
