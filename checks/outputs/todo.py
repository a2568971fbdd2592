"""`qms todo`: what each owner has overdue and due soon, worded for a weekly message.

The items come from `evaluating.duedates`; here they are only grouped and written as
text (for a terminal or a chat message), Markdown (for a mail or a wiki) or JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..evaluating.duedates import DueItem
from ..i18n import _
from ..model import Manual
from ..results import STATUS_NAMES, document_json


@dataclass(frozen=True)
class OwnerList:
    owner: str  # role id
    name: str  # the role's name
    overdue: tuple[DueItem, ...]
    due_soon: tuple[DueItem, ...]


def by_owner(manual: Manual, items: Iterable[DueItem]) -> list[OwnerList]:
    """Owners with something to do, most overdue first, then by name."""
    grouped: dict[str, list[DueItem]] = {}
    for item in items:
        grouped.setdefault(item.owner, []).append(item)
    lists = []
    for owner, owed in grouped.items():
        role = manual.roles.get(owner)
        owed.sort(key=lambda i: (i.due, i.kind, i.id))
        lists.append(
            OwnerList(
                owner=owner,
                name=role.name if role and role.name else owner,
                overdue=tuple(i for i in owed if i.overdue),
                due_soon=tuple(i for i in owed if not i.overdue),
            )
        )
    return sorted(lists, key=lambda o: (-len(o.overdue), o.owner))


def _what(item: DueItem) -> str:
    if item.period is None or item.name == item.title:
        return f"{item.name} ({item.period})" if item.period else item.name
    return f"{item.id} ({item.period}) {item.title}"


def _heading(group: OwnerList, within: int) -> str:
    return _("{name} ({owner}): {overdue} overdue, {soon} due within {days} days").format(
        name=group.name, owner=group.owner, overdue=len(group.overdue), soon=len(group.due_soon), days=within
    )


def _status(item: DueItem) -> str:
    return _(STATUS_NAMES[item.status]) if item.status in STATUS_NAMES else item.status


def _late(item: DueItem, as_of: dt.date) -> str:
    return _("{days} days late").format(days=(as_of - item.due).days)


def _nothing(as_of: dt.date, within: int) -> str:
    return _("Nothing overdue or due within {days} days of {date}.").format(days=within, date=as_of.isoformat())


def todo_text(manual: Manual, items: list[DueItem], as_of: dt.date, within: int) -> str:
    groups = by_owner(manual, items)
    if not groups:
        return _nothing(as_of, within) + "\n"
    lines = [_("What is due, as of {date}").format(date=as_of.isoformat()), ""]
    for group in groups:
        lines.append(_heading(group, within))
        if group.overdue:
            lines.append("  " + _("Overdue:"))
            lines += [f"    {i.due}  {_what(i)}  [{_status(i)}, {_late(i, as_of)}]" for i in group.overdue]
        if group.due_soon:
            lines.append("  " + _("Due soon:"))
            lines += [f"    {i.due}  {_what(i)}  [{_status(i)}]" for i in group.due_soon]
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def todo_markdown(manual: Manual, items: list[DueItem], as_of: dt.date, within: int) -> str:
    groups = by_owner(manual, items)
    lines = ["# " + _("What is due, as of {date}").format(date=as_of.isoformat()), ""]
    if not groups:
        return "\n".join([*lines, _nothing(as_of, within), ""])
    header = "| " + " | ".join((_("Due"), _("What"), _("Status"))) + " |\n|---|---|---|"
    for group in groups:
        lines += [f"## {_cell(_heading(group, within))}", ""]
        for title, owed in ((_("Overdue"), group.overdue), (_("Due soon"), group.due_soon)):
            if not owed:
                continue
            lines += [f"**{title}**", "", header]
            for item in owed:
                status = _status(item) + (f", {_late(item, as_of)}" if item.overdue else "")
                lines.append(f"| {item.due} | {_cell(_what(item))} | {_cell(status)} |")
            lines.append("")
    return "\n".join(lines)


def todo_json(manual: Manual, items: list[DueItem], as_of: dt.date, within: int) -> bytes:
    def entry(item: DueItem) -> dict[str, object]:
        return {
            "due": item.due.isoformat(),
            "kind": item.kind,
            "id": item.id,
            "title": item.title,
            "period": item.period,
            "status": item.status,
            "overdue": item.overdue,
            "path": item.path,
        }

    return document_json(
        {
            "as_of": as_of.isoformat(),
            "within_days": within,
            "owners": [
                {
                    "owner": g.owner,
                    "name": g.name,
                    "overdue": [entry(i) for i in g.overdue],
                    "due_soon": [entry(i) for i in g.due_soon],
                }
                for g in by_owner(manual, items)
            ],
        }
    )
