"""`qms new`: a new evidence record from its type's template, never overwriting anything."""

from __future__ import annotations

import datetime as dt
import errno
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..evaluating.doccontrol import fingerprint
from ..i18n import _
from ..loading.suggestions import suggest_id
from ..model import Manual
from .docedit import scalar
from .fsio import write_new

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class NewRecordError(Exception):
    pass


@dataclass(frozen=True)
class NewRecord:
    path: Path
    to_fill: tuple[str, ...]  # required fields of the type still to be written


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
    if not _ID.fullmatch(record_id):  # whole: `$` alone would let a final line break through
        shown = repr(record_id) if not record_id.isprintable() else f"'{record_id}'"
        raise NewRecordError(
            _("{id} is not an id: use ASCII letters, digits, '.', '_' and '-'").format(id=shown)
        )
    taken = {i.casefold() for kind in ("evidence", "checkpoint", "policy", "role") for i in manual.collection(kind)}
    if record_id.casefold() in taken or record_id in manual.broken:
        raise NewRecordError(_("id '{id}' is already used in the manual").format(id=record_id))
    if owner not in manual.roles:
        raise NewRecordError(_("unknown role '{id}'{hint}").format(id=owner, hint=suggest_id(manual, "role", owner)))
    if satisfies is None:  # the checkpoints whose rules ask for this type
        satisfies = sorted(
            cp.id for cp in manual.checkpoints.values() if any(r.evidence == type_id for r in cp.requires)
        )
    unknown = [c for c in satisfies if c not in manual.checkpoints]
    if unknown:
        hint = suggest_id(manual, "checkpoint", unknown[0])
        raise NewRecordError(_("unknown checkpoint '{id}'{hint}").format(id=unknown[0], hint=hint))
    target = path or manual.evidence_dir / str(date.year) / type_id / f"{record_id}.md"
    if not target.resolve().is_relative_to(manual.evidence_dir.resolve()):
        raise NewRecordError(_("{path}: records belong under evidence/").format(path=target))

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
    try:
        write_new(target, "\n".join(lines))
    except FileExistsError:
        raise NewRecordError(_("{path} already exists; nothing was written").format(path=target)) from None
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
        raise NewRecordError(
            _("{name}: the id is too long for a file name here; nothing was written").format(name=target.name)
        ) from None
    return NewRecord(target, tuple(required))
