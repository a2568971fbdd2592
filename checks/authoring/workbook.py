"""`qms template TYPE`: an Excel workbook for entering the data of an evidence type.

The first sheet is the one `qms validate` and the KPIs read (checks.loading.data reads a
workbook's first sheet): its header row holds the type's `data_columns` names exactly,
each with its description as a comment; the columns are typed (text, dates, numbers) and
validated as the reader will check them (lists for `enum` and yes/no, dates, whole or
decimal numbers within `minimum`/`maximum`). The allowed values sit on a hidden sheet.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..i18n import _
from ..model import DataColumn, EvidenceType, Manual
from .fsio import write_new

ROWS = 10_000  # rows the validations cover below the header
LISTS = "lists"  # the hidden sheet of allowed values
_FORMATS = {
    "string": "@",  # text: Excel must not turn "001" into 1 or "3-4" into a date
    "integer": "0",
    "number": "General",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "boolean": "@",
}
_HEADER_FILL = PatternFill("solid", start_color="DDE3EA")
_EARLIEST = dt.date(1900, 1, 1)  # Excel's first date


class TemplateError(Exception):
    """The template cannot be made as asked; the message is for the user."""


def write_template(manual: Manual, type_id: str, output: Path) -> Path:
    """Write the workbook for `type_id` to `output` (a new .xlsx file; never replaces one)."""
    etype = manual.evidence_types.get(type_id)
    if etype is None:
        raise TemplateError(_("unknown evidence type '{type}'").format(type=type_id))
    if not etype.data_columns:
        raise TemplateError(_("evidence type '{type}' declares no data_columns").format(type=type_id))
    if output.suffix.lower() != ".xlsx":
        raise TemplateError(_("{path}: a template is an .xlsx workbook").format(path=output))
    try:
        write_new(output, workbook_bytes(etype))
    except FileExistsError:
        raise TemplateError(
            _("{path} already exists; qms template never overwrites a file").format(path=output)
        ) from None
    return output


def sheet_name(etype: EvidenceType) -> str:
    """The data sheet's name: the type's id, as far as Excel allows (31 characters, no []:*?/\\)."""
    return re.sub(r"[\[\]:*?/\\]", "_", etype.id)[:31]


def workbook_bytes(etype: EvidenceType) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_name(etype)
    lists = book.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    for index, column in enumerate(etype.data_columns, start=1):
        _column(sheet, lists, index, column)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(etype.data_columns))}1"
    book.properties.title = etype.title
    book.properties.creator = "qms template"
    # Reproducible bytes: no wall-clock times in the file.
    book.properties.created = book.properties.modified = dt.datetime(2000, 1, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _column(sheet: Worksheet, lists: Worksheet, index: int, column: DataColumn) -> None:
    letter = get_column_letter(index)
    header = sheet.cell(row=1, column=index, value=column.name)
    header.font = Font(bold=True)
    header.fill = _HEADER_FILL
    header.alignment = Alignment(vertical="center")
    header.number_format = "@"
    header.comment = Comment(_note(column), "qms", width=320, height=140)
    sheet.column_dimensions[letter].width = max(12, min(40, len(column.name) + 4))
    sheet.column_dimensions[letter].number_format = _FORMATS.get(column.type, "General")

    validation = _validation(lists, index, column)
    if validation is not None:
        validation.add(f"{letter}2:{letter}{ROWS + 1}")
        sheet.add_data_validation(validation)


def _note(column: DataColumn) -> str:
    lines = [column.description] if column.description else []
    kind = {
        "string": _("text"),
        "integer": _("whole number"),
        "number": _("number"),
        "date": _("date, YYYY-MM-DD"),
        "datetime": _("date and time, YYYY-MM-DD hh:mm"),
        "boolean": _("yes or no"),
    }.get(column.type, column.type)
    lines.append(_("Type: {kind}").format(kind=kind))
    lines.append(_("Required") if column.required else _("Optional"))
    if column.enum:
        lines.append(_("One of: {values}").format(values=", ".join(column.enum)))
    if column.minimum is not None or column.maximum is not None:
        lines.append(_("Range: {low} to {high}").format(low=_limit(column.minimum), high=_limit(column.maximum)))
    return "\n".join(lines)


def _limit(value: float | None) -> str:
    if value is None:
        return "…"
    return f"{value:g}"


def _validation(lists: Worksheet, index: int, column: DataColumn) -> DataValidation | None:
    allowed = list(column.enum) or ([_("yes"), _("no")] if column.type == "boolean" else [])
    if allowed:
        letter = get_column_letter(index)
        for row, value in enumerate(allowed, start=1):
            lists.cell(row=row, column=index, value=value).number_format = "@"
        source = f"{quote_sheetname(LISTS)}!${letter}$1:${letter}${len(allowed)}"
        check = DataValidation(type="list", formula1=source, allow_blank=True)
        check.error = _("Choose one of: {values}").format(values=", ".join(allowed))
    elif column.type in ("integer", "number"):
        low = column.minimum if column.minimum is not None else -1e15
        high = column.maximum if column.maximum is not None else 1e15
        kind = "whole" if column.type == "integer" else "decimal"
        check = DataValidation(
            type=kind, operator="between", formula1=f"{low:g}", formula2=f"{high:g}", allow_blank=True
        )
        check.error = _("A number from {low} to {high}").format(low=_limit(column.minimum), high=_limit(column.maximum))
    elif column.type in ("date", "datetime"):
        start = (_EARLIEST - dt.date(1899, 12, 30)).days  # Excel's serial number of 1900-01-01
        check = DataValidation(type="date", operator="greaterThanOrEqual", formula1=str(start), allow_blank=True)
        check.error = _("A date, as YYYY-MM-DD")
    else:
        return None
    check.errorTitle = column.name
    check.showErrorMessage = True
    check.prompt = column.description or column.name
    check.showInputMessage = bool(column.description)
    return check
