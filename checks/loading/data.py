"""Read evidence data files (CSV, XLSX) into typed pandas DataFrames.

Columns are checked against the evidence type's `data_columns`; a problem
names the file, the column and the first bad row (as a spreadsheet shows it).
"""

from __future__ import annotations

import codecs
import contextvars
import csv
import functools
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..cache import Stamp, stamp
from ..i18n import N_, _
from ..model import DataColumn
from .workbook import WorkbookError, read_workbook

try:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    _HAS_PYARROW = True
except ImportError:  # pragma: no cover - pyarrow is a dependency; keep working without it
    _HAS_PYARROW = False

_TRUE = {"true", "1", "yes", "y", "t", "是", "√"}
_FALSE = {"false", "0", "no", "n", "f", "否", "×"}
_UTF8 = ("utf-8", "utf-8-sig")


@dataclass(frozen=True)
class DataLimits:
    """How much a data file may hold before it is refused, so that reading it takes bounded
    time and memory (`qms --max-workbook-mb ...`, or the plugin's options of the same names)."""

    max_workbook_mb: int = 32  # a workbook's sheets and strings, uncompressed (openpyxl: ~2 MB/s)
    max_workbook_rows: int = 200_000  # rows of its data sheet
    max_csv_mb: int = 1024  # a CSV file (Arrow reads tens of megabytes a second)


class DataError(Exception):
    """Unreadable or malformed data; str() is `path:row: column: message`."""

    def __init__(self, path: str, message: str, column: str = "-", row: int | None = None) -> None:
        self.path, self.column, self.row, self.message = path, column, row, message
        where = f"{path}:{row}" if row else path
        super().__init__(f"{where}: {column}: {message}")


def detect_encoding(raw: bytes) -> str:
    """UTF-8 (with or without BOM) if it decodes, else GB18030 as Chinese Excel writes."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise ValueError(_("not UTF-8 or GB18030 text")) from None


def read_table(
    path: Path,
    columns: tuple[DataColumn, ...],
    rel: str,
    encoding: str | None = None,
    *,
    threads: bool = True,
    limits: DataLimits = DataLimits(),
    type_id: str | None = None,
) -> pd.DataFrame:
    """The file as a DataFrame with one typed column per declared column (a workbook: from the
    sheet of evidence type `type_id`, see checks.loading.workbook). `threads=False` keeps
    Arrow to the calling thread: for a read in the background, which would otherwise take
    every core from the foreground."""
    csv = path.suffix.lower() == ".csv"
    if csv and _size(path) > limits.max_csv_mb << 20:
        message = _("the file is {size:.0f} MB, over the limit of {limit} MB for a CSV file (--max-csv-mb)")
        raise DataError(rel, message.format(size=_size(path) / (1 << 20), limit=limits.max_csv_mb))
    fast = _read_csv_typed(path, columns, rel, encoding, threads) if csv else None
    frame = fast if fast is not None else _read_table(path, columns, rel, encoding, limits, type_id)
    _check_allowed(frame, columns, rel)
    return frame


def _check_allowed(frame: pd.DataFrame, columns: tuple[DataColumn, ...], rel: str) -> None:
    """A value outside its column's `enum`, `minimum` or `maximum` is the file's error."""
    for column in columns:
        values = frame[column.name]
        present = values.notna()
        if column.enum:
            listed = ", ".join(column.enum)
            outside = present & ~values.astype(str).isin(column.enum)
            _first_bad(values, outside, column, rel, _("not one of {values}").format(values=listed))
        if column.type not in ("integer", "number"):
            continue
        if column.minimum is not None:
            below = (present & (values < column.minimum)).fillna(False).astype(bool)
            _first_bad(values, below, column, rel, _("below the minimum {limit}").format(limit=column.minimum))
        if column.maximum is not None:
            above = (present & (values > column.maximum)).fillna(False).astype(bool)
            _first_bad(values, above, column, rel, _("above the maximum {limit}").format(limit=column.maximum))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the read says what is wrong with it


def _read_table(
    path: Path,
    columns: tuple[DataColumn, ...],
    rel: str,
    encoding: str | None,
    limits: DataLimits,
    type_id: str | None = None,
) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            frame = read_workbook(path, limits.max_workbook_mb, limits.max_workbook_rows, type_id)
        elif suffix == ".csv":
            frame = _read_csv(path, encoding or _csv_encoding(path, rel))
        else:
            raise DataError(rel, _("unsupported data file type '{suffix}' (use .csv or .xlsx)").format(suffix=suffix))
    except DataError:
        raise
    except WorkbookError as exc:
        raise DataError(rel, str(exc), exc.column or "-", exc.row) from None
    except pd.errors.EmptyDataError:
        raise DataError(rel, _("the file is empty (no header row)")) from None
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(rel, _("cannot read data: {reason}").format(reason=exc)) from None
    except Exception as exc:  # openpyxl raises assorted errors for corrupt workbooks
        raise DataError(rel, _("cannot read data: {reason}").format(reason=f"{type(exc).__name__}: {exc}")) from None
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    _refuse_duplicate_header(path, frame, rel, encoding)
    return _typed(frame, columns, rel)


_MANGLED = re.compile(r"^(.*)\.(\d+)$")  # pandas renames a second `status` column `status.1`


def _refuse_duplicate_header(path: Path, frame: pd.DataFrame, rel: str, encoding: str | None) -> None:
    names = list(frame.columns)
    if not any((m := _MANGLED.match(n)) and m.group(1) in names for n in names):
        return
    if path.suffix.lower() == ".xlsx":
        header = list(pd.read_excel(path, header=None, nrows=1, dtype=str, engine="openpyxl").iloc[0])
    else:
        header = next(csv.reader([_first_line(path, encoding or _csv_encoding(path, rel))]), [])
    seen: dict[str, int] = {}
    for index, name in enumerate(str(h).strip().lstrip("\ufeff") for h in header):
        if name in seen:
            message = _("column '{name}' appears twice in the header (columns {first} and {second})")
            raise DataError(rel, message.format(name=name, first=seen[name] + 1, second=index + 1), name, 1)
        seen[name] = index


def _first_line(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        return handle.readline()


def _csv_encoding(path: Path, rel: str) -> str:
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    try:
        return detect_encoding(head if len(head) < (1 << 20) else _trim_partial(head))
    except ValueError as exc:
        raise DataError(rel, str(exc)) from None


def _read_csv(path: Path, encoding: str) -> pd.DataFrame:
    if encoding in _UTF8 and _HAS_PYARROW:
        try:  # Arrow's multithreaded reader is an order of magnitude faster on large logs
            return pd.read_csv(path, dtype=str, engine="pyarrow", keep_default_na=False, na_values=[""])
        except Exception:  # a malformed file: the C reader below says what is wrong, and where
            pass
    return pd.read_csv(path, dtype=str, encoding=encoding, keep_default_na=False, na_values=[""], skipinitialspace=True)


def _trim_partial(head: bytes) -> bytes:
    # A 1 MiB sample may end inside a multi-byte character; drop the last line.
    return head[: head.rfind(b"\n")] if b"\n" in head else head


def _read_csv_typed(
    path: Path, columns: tuple[DataColumn, ...], rel: str, encoding: str | None, threads: bool = True
) -> pd.DataFrame | None:
    """The frame `_typed` makes of a UTF-8 file, read by Arrow straight into typed columns
    (the text-then-pandas way costs seconds on a million-row log), or None whenever it
    cannot be sure to give the same frame: the slow way then reads the file and names
    the problem exactly.

    Arrow's parsers accept a subset of what `_convert` accepts, with the same values:
    ISO timestamps without an offset to the microsecond, the yes/no words in three case
    variants. Integers are read as text and must be plain digits (Arrow would also take
    hex and spaces); numbers are read as text and converted by `_convert` itself, as
    pandas decides between int64 and float64 from how they are written.
    """
    if not _FAST:
        return None
    try:
        if (encoding or _csv_encoding(path, rel)) not in _UTF8:
            return None
    except (DataError, OSError):
        return None
    names = [c.name for c in columns]
    options = pa_csv.ConvertOptions(
        column_types={c.name: _ARROW_TYPES.get(c.type, pa.large_string()) for c in columns},
        null_values=[""],
        strings_can_be_null=True,
        true_values=_case_variants(_TRUE),
        false_values=_case_variants(_FALSE),
    )
    try:
        table = pa_csv.read_csv(path, pa_csv.ReadOptions(use_threads=threads), convert_options=options)
        if sorted(table.column_names) != sorted(names) or not table.num_rows:
            return None  # odd or missing headers, or no rows: leave the details to `_typed`
        if any(table.column(c.name).null_count for c in columns if c.required):
            return None
        for column in columns:
            if column.type == "integer":
                values = table.column(column.name)
                if pc.all(pc.match_substring_regex(values, r"^-?[0-9]+$")).as_py() is False:  # None: no values
                    return None
                at = table.column_names.index(column.name)
                table = table.set_column(at, column.name, pc.cast(values, pa.int64()))
    except (pa.ArrowException, OSError):
        return None
    frame = table.select(names).to_pandas(types_mapper=_PANDAS_TYPES.get, use_threads=threads)
    for column in columns:
        values = frame[column.name]
        if column.type == "number" or table.column(column.name).null_count == len(frame):
            # pandas gives an empty column a dtype of its own (e.g. datetime64[s]): convert it as `_typed` does
            text = values if column.type == "number" else pd.Series(None, index=frame.index, dtype=str)
            try:
                frame[column.name] = _convert(text, column, rel)
            except DataError:
                return None
        elif column.type == "date":
            frame[column.name] = values.dt.normalize()
    return frame


def _case_variants(words: set[str]) -> list[str]:
    return sorted({variant for w in words for variant in (w, w.upper(), w.capitalize())})


# The types below are what pandas 3 makes of the text (microsecond timestamps, Arrow-backed
# `str` columns); older pandas reads the slow way.
_FAST = _HAS_PYARROW and int(pd.__version__.split(".")[0]) >= 3
if _FAST:
    _ARROW_TYPES = {"date": pa.timestamp("us"), "datetime": pa.timestamp("us"), "boolean": pa.bool_()}
    # The dtypes pandas gives `dtype=str` columns and `_convert` gives yes/no columns.
    _PANDAS_TYPES = {pa.large_string(): pd.api.types.pandas_dtype(str), pa.bool_(): pd.BooleanDtype()}


def _typed(frame: pd.DataFrame, columns: tuple[DataColumn, ...], rel: str) -> pd.DataFrame:
    declared = [c.name for c in columns]
    missing = [c.name for c in columns if c.name not in frame.columns and c.required]
    if missing:
        message = _("missing column '{column}' (the file has: {columns})")
        raise DataError(rel, message.format(column=missing[0], columns=", ".join(frame.columns)), missing[0], 1)
    unknown = [c for c in frame.columns if c not in declared]
    if unknown:
        message = _("unknown column '{column}' (declared: {columns})")
        raise DataError(rel, message.format(column=unknown[0], columns=", ".join(declared)), unknown[0], 1)
    out = pd.DataFrame(index=frame.index)
    for column in columns:
        if column.name not in frame.columns:
            out[column.name] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
            continue
        raw = frame[column.name]
        empty = raw.isna() | (raw == "")
        if column.required and empty.any():
            row = int(empty.to_numpy().argmax()) + 2
            raise DataError(rel, _("required value is empty"), column.name, row)
        out[column.name] = _convert(raw.where(~empty, None), column, rel)
    return out


def _convert(values: pd.Series, column: DataColumn, rel: str) -> pd.Series:
    """The column in its declared type; cells padded with spaces (as Excel exports some)
    are tried again stripped before a value counts as bad."""
    try:
        return _convert_as_is(values, column, rel)
    except DataError:
        if column.type == "string":
            raise
        return _convert_as_is(values.str.strip(), column, rel)


def _convert_as_is(values: pd.Series, column: DataColumn, rel: str) -> pd.Series:
    present = values.notna()
    match column.type:
        case "string":
            return values
        case "integer" | "number":
            converted = pd.to_numeric(values, errors="coerce")
            _first_bad(values, present & converted.isna(), column, rel, "not a number")
            if column.type == "integer":
                _first_bad(values, present & (converted % 1 != 0), column, rel, _("not a whole number"))
                _first_bad(values, present & ~_exact(values, converted), column, rel, _(_INEXACT))
            return converted
        case "date" | "datetime":
            converted = _to_datetime(values, column, rel)
            _first_bad(values, present & converted.isna(), column, rel, f"not a {column.type}")
            return converted.dt.normalize() if column.type == "date" else converted
        case "boolean":
            lowered = values.str.lower()
            result = pd.Series(pd.NA, index=values.index, dtype="boolean")
            result[lowered.isin(_TRUE)] = True
            result[lowered.isin(_FALSE)] = False
            _first_bad(values, present & result.isna(), column, rel, _("not a yes/no value"))
            return result
    return values


_INEXACT = N_("a whole number too large to be read exactly (beyond 64 bits, or 2^53 in a column with empty cells)")


def _exact(values: pd.Series, converted: pd.Series) -> pd.Series:
    """Whether each whole number was read as exactly the number written: pandas reads one
    beyond 64 bits as a Python int (or an unsigned one, or a float from `1e20`), and one
    above 2^53 in a column with empty cells as a float, each without a word."""
    exact = pd.Series(True, index=values.index)
    large = converted.abs() >= 2**53  # below, every whole number is held exactly
    for index in large[large.fillna(False).astype(bool)].index:
        number = converted[index]
        try:
            written = int(str(values[index]).strip())
        except ValueError:
            exact[index] = False
            continue
        exact[index] = -(2**63) <= written < 2**63 and not isinstance(number, float) and int(number) == written
    return exact


def _to_datetime(values: pd.Series, column: DataColumn, rel: str) -> pd.Series:
    """Times as written, on their own clock: a column whose times carry one UTC offset is
    read at that offset; times with different offsets (or some with and some without) are
    refused, naming the first that differs, rather than shifted without a word."""
    try:
        converted = pd.to_datetime(values, errors="coerce", format="ISO8601")
        if (values.notna() & converted.isna()).any():  # e.g. 2025/3/4 9:15 from Excel
            converted = pd.to_datetime(values, errors="coerce", format="mixed")
    except ValueError:  # "Mixed timezones detected"
        _refuse_mixed_offsets(values, column, rel)
        raise
    if isinstance(converted.dtype, pd.DatetimeTZDtype):
        converted = converted.dt.tz_localize(None)
    return converted


def _refuse_mixed_offsets(values: pd.Series, column: DataColumn, rel: str) -> None:
    first: tuple[int, object] | None = None
    for position, text in enumerate(values):
        if text is None or pd.isna(text):
            continue
        try:
            offset = pd.Timestamp(str(text).strip()).utcoffset()
        except ValueError:
            continue  # reported as not a datetime
        if first is None:
            first = (position, offset)
        elif offset != first[1]:
            message = _("{value!r} has UTC offset {offset} but row {row} has {other}: write times in one zone")
            shown = message.format(value=text, offset=_offset(offset), row=first[0] + 2, other=_offset(first[1]))
            raise DataError(rel, shown, column.name, position + 2)


def _offset(offset: object) -> str:
    return "none" if offset is None else str(offset)


def _first_bad(values: pd.Series, bad: pd.Series, column: DataColumn, rel: str, what: str) -> None:
    if bad.any():
        position = int(bad.to_numpy().argmax())
        raise DataError(rel, f"{what}: {values.iloc[position]!r}", column.name, position + 2)


Read = tuple[Stamp | None, pd.DataFrame | DataError]  # the file's stamp when read, and what was read


@dataclass
class DataCache:
    """Each data file is read once per evaluation, however many rules and KPIs use it, and
    again only after it changed (a cache kept across `mkdocs serve` rebuilds).

    `read_early` starts reading a file in a background thread, for `table` to take up
    later: a large log is read while the rest of the manual loads (Arrow's reader does
    not hold the GIL)."""

    tables: dict[tuple[Path, tuple[DataColumn, ...]], Read] = field(default_factory=dict)
    early: dict[tuple[Path, tuple[DataColumn, ...]], Future[Read]] = field(default_factory=dict, repr=False)
    _reader: ThreadPoolExecutor | None = field(default=None, repr=False)
    limits: DataLimits = DataLimits()
    # The files read that have a header but no rows, by path (each a warning: an export that
    # came out empty looks like a period with nothing in it).
    header_only: dict[Path, str] = field(default_factory=dict)

    def table(self, path: Path, columns: tuple[DataColumn, ...], rel: str, type_id: str | None = None) -> pd.DataFrame:
        """The file read as `read_table` reads it (`type_id`: the evidence type it is data of)."""
        key, now = (path, columns), stamp(path)
        kept = self.tables.get(key)
        if kept is None or kept[0] != now or now is None:
            early = self.early.pop(key, None)
            read = functools.partial(_read, path, columns, rel, now, limits=self.limits, type_id=type_id)
            kept = early.result() if early is not None else read()
            if kept[0] != now or now is None:  # changed since the early read began
                kept = read()
            self.tables[key] = kept
        found = kept[1]
        self.header_only.pop(path, None)
        if isinstance(found, DataError):
            raise found
        if found.empty:
            self.header_only[path] = rel
        return found

    def read_early(self, path: Path, columns: tuple[DataColumn, ...], rel: str, type_id: str | None = None) -> None:
        """Start reading the file unless it is read (and unchanged) or being read already.
        One file at a time, in the order asked, by Arrow in this one thread: the foreground
        keeps its core (with all of Arrow's threads, it loses about as much time as the
        read takes). The thread is not a daemon: the process waits for it, never ending while
        Arrow's threads still run."""
        key, now = (path, columns), stamp(path)
        kept = self.tables.get(key)
        if now is None or key in self.early or (kept is not None and kept[0] == now):
            return
        if self._reader is None:
            self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qms-data")
        self.early[key] = self._reader.submit(  # in this context: its messages in the current language
            contextvars.copy_context().run,
            _read,
            path,
            columns,
            rel,
            now,
            threads=False,
            limits=self.limits,
            type_id=type_id,
        )


def _read(
    path: Path,
    columns: tuple[DataColumn, ...],
    rel: str,
    now: Stamp | None,
    threads: bool = True,
    limits: DataLimits = DataLimits(),
    type_id: str | None = None,
) -> Read:
    try:
        return (now, read_table(path, columns, rel, threads=threads, limits=limits, type_id=type_id))
    except DataError as exc:
        return (now, exc)
