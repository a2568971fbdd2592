"""An .xlsx data file, read in bounded time and memory, from the one sheet that holds its data.

openpyxl takes seconds per ten megabytes of sheet XML, and a workbook compresses that
XML tenfold or more: a 1 MB file can take a minute and a gigabyte. So the zip's declared
sizes are checked before anything is parsed (Python's zipfile never inflates a member past
its declared size), and the sheet's rows before pandas reads them. The sheet is the one
named after the evidence type (as `qms template` names it), else the only visible sheet
with values: data on several is refused, as reading the first would drop the rest in
silence. A formula cell without a saved value is refused rather than read as empty.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from ..i18n import _

_MB = 1 << 20
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>[^<]+<|<(?:\w+:)?is[\s>]")  # `<v />` is no value


class WorkbookError(Exception):
    """What is wrong with the workbook, and the row (as the spreadsheet numbers it) and the
    column where known."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.row, self.column = row, column


def read_workbook(path: Path, max_mb: int, max_rows: int, type_id: str | None = None) -> pd.DataFrame:
    """The data sheet of an .xlsx file (for records of evidence type `type_id`) as text cells,
    header from its first row; refused when the workbook holds more than `max_mb` megabytes
    uncompressed or the sheet more than `max_rows` rows."""
    import openpyxl  # only for workbooks: a second to import

    _check_size(path, max_mb)
    book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        sheet = _data_sheet(book, type_id)
        with zipfile.ZipFile(path) as archive:
            # openpyxl knows which member holds the sheet (its one private attribute used here)
            xml = archive.read(sheet._worksheet_path.lstrip("/"))  # bounded by _check_size
    finally:
        book.close()
    rows = len(_ROW.findall(xml)) - 1  # counted, not the <dimension> it declares, which may be wrong
    if rows > max_rows:
        message = _("the sheet has {rows} rows, over the limit of {limit} (--max-workbook-rows); save it as CSV")
        raise WorkbookError(message.format(rows=rows, limit=max_rows))
    frame = pd.read_excel(path, sheet_name=sheet.title, dtype=str, engine="openpyxl")
    _check_formulas(xml, [str(c) for c in frame.columns])
    return frame


def _check_size(path: Path, max_mb: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        message = _("cannot read data: {kind}: {error}")  # as for any file that cannot be read
        raise WorkbookError(message.format(kind=type(exc).__name__, error=exc)) from None
    if size > max_mb * _MB:
        message = _(
            "the workbook holds {size:.0f} MB uncompressed, over the limit of {limit} MB (--max-workbook-mb); "
            "save large data as CSV"
        )
        raise WorkbookError(message.format(size=size / _MB, limit=max_mb))


def sheet_name(type_id: str) -> str:
    """The name of the sheet that holds a type's data: the type's id, as far as Excel allows
    (31 characters, none of []:*?/\\)."""
    return re.sub(r"[\[\]:*?/\\]", "_", type_id)[:31]


def _data_sheet(book: Any, type_id: str | None) -> Any:
    sheets = list(book.worksheets)
    if not sheets:
        raise WorkbookError(_("the workbook has no worksheet"))
    named = [s for s in sheets if type_id is not None and s.title == sheet_name(type_id)]
    if named:
        return named[0]
    # Hidden sheets hold what the visible ones need (the lists of allowed values of a template).
    with_values = [s for s in sheets if s.sheet_state == "visible" and _has_values(s)]
    if len(with_values) > 1:
        titles = ", ".join(s.title for s in with_values)
        message = _("data on several sheets ({titles}): keep the data on one, or name its sheet '{name}'")
        raise WorkbookError(message.format(titles=titles, name=sheet_name(type_id or "data")))
    return with_values[0] if with_values else sheets[0]


def _has_values(sheet: Any) -> bool:
    return any(v is not None for row in sheet.iter_rows(values_only=True) for v in row)


def _check_formulas(xml: bytes, header: list[str]) -> None:
    """A formula cell whose value was never calculated and saved (a file written by a
    program, not by Excel) would read as empty. `header`: the column names, from column A."""
    if not _FORMULA.search(xml):
        return
    for match in _CELL.finditer(xml):
        inner = match.group(3) or b""
        if _FORMULA.search(inner) and not _VALUE.search(inner):
            index = _column_index(match.group(1).decode("ascii"))
            column = header[index] if index < len(header) else match.group(1).decode("ascii")
            message = _("a formula without a saved value: open and save the file in Excel")
            raise WorkbookError(message, int(match.group(2)), column)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1
