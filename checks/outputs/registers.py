"""`qms list nc|waivers|due`: the registers as terminal tables (rich, in the terminal's width
and colours) or JSON. What they hold is worked out in `evaluating.registers` and
`evaluating.duedates`; here it is only laid out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..evaluating.duedates import DueItem
from ..evaluating.registers import NcEntry, WaiverEntry
from ..i18n import N_, _
from ..results import STATUS_NAMES

STATE_NAMES = {
    "open": N_("open"),
    "closed": N_("closed"),
    "verified": N_("verified"),
    "active": N_("in force"),
    "expired": N_("expired"),
    "not-granted": N_("not granted yet"),
}
STATE_STYLE = {"open": "yellow", "expired": "dim", "not-granted": "dim", "verified": "green"}


def _state(state: str, late: bool = False) -> Text:
    name = STATE_NAMES.get(state) or STATUS_NAMES.get(state)
    return Text(_(name) if name else state, style="bold red" if late else STATE_STYLE.get(state, ""))


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "-"


def _render(title: str, columns: Sequence[str], rows: list[list[str | Text]], width: int, color: bool) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color, highlight=False)
    if not rows:
        console.print(title + "\n" + _("(none)"))
        return buffer.getvalue()
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    return buffer.getvalue()


def nc_table(entries: list[NcEntry], as_of: dt.date, width: int, color: bool) -> str:
    rows: list[list[str | Text]] = []
    for e in entries:
        late = _("{days} days late").format(days=e.days_late) if e.days_late is not None else ""
        rows.append([e.id, e.title, e.owner, _date(e.due), _state(e.state, e.days_late is not None), late])
    columns = [_("id"), _("title"), _("owner"), _("due"), _("status"), _("overdue")]
    title = _("Nonconformities as of {date}").format(date=as_of.isoformat())
    return _render(title, columns, rows, width, color)


def waiver_table(entries: list[WaiverEntry], as_of: dt.date, width: int, color: bool) -> str:
    rows: list[list[str | Text]] = []
    for e in entries:
        left = _("{days} days left").format(days=e.days_left) if e.days_left is not None else ""
        rows.append([e.id, e.checkpoint, e.owner, _date(e.granted), _date(e.expires), _state(e.state), left])
    columns = [_("id"), _("checkpoint"), _("owner"), _("granted"), _("expires"), _("status"), _("remaining")]
    title = _("Waivers as of {date}").format(date=as_of.isoformat())
    return _render(title, columns, rows, width, color)


def due_table(items: list[DueItem], as_of: dt.date, width: int, color: bool) -> str:
    rows: list[list[str | Text]] = []
    for item in items:
        late = _("{days} days late").format(days=(as_of - item.due).days) if item.overdue else ""
        what = f"{item.name} ({item.period})" if item.period else item.name
        rows.append([_date(item.due), what, item.owner, _state(item.status, item.overdue), late])
    columns = [_("due"), _("what"), _("owner"), _("status"), _("overdue")]
    title = _("What is due, as of {date}").format(date=as_of.isoformat())
    return _render(title, columns, rows, width, color)


def register_json(what: str, as_of: dt.date, entries: Sequence[Any]) -> bytes:
    def plain(entry: Any) -> dict[str, Any]:
        found = dataclasses.asdict(entry)
        return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in found.items()}

    document = {"register": what, "as_of": as_of.isoformat(), "entries": [plain(e) for e in entries]}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
