"""Data files are read in bounded time and memory, and their values are never wrong in
silence: real CSV files, and real workbooks written by openpyxl."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from checks.loading.data import DataCache, DataError, DataLimits, read_table
from checks.model import DataColumn
from conftest import FIXTURES, run_qms

COLUMNS = (
    DataColumn("ticket_id", "string", True),
    DataColumn("opened_at", "datetime"),
    DataColumn("minutes", "integer"),
)


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def refused(path: Path, columns: tuple[DataColumn, ...] = COLUMNS, **limits: int) -> str:
    with pytest.raises(DataError) as raised:
        read_table(path, columns, path.name, limits=DataLimits(**limits))
    return str(raised.value)


# --------------------------------------------------------------------------- bounded reading


def _bomb(path: Path, rows: int, header: tuple[str, ...] = ("ticket_id", "opened_at", "minutes")) -> Path:
    """A real workbook whose sheet repeats one row: little on disk, tens of megabytes of XML
    inside (the kind of file that took openpyxl 45 s and 880 MB)."""
    workbook(path, {"data": [list(header)]})
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode("utf-8")
    row = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>T</t></is></c><c r="C{n}"><v>1</v></c></row>'
    body = "".join(row.format(n=n) for n in range(2, rows + 2))
    members["xl/worksheets/sheet1.xml"] = sheet.replace("</row>", "</row>" + body, 1).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_workbook_too_large_uncompressed_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = _bomb(tmp_path / "bomb.xlsx", 400_000)
    inside = sum(i.file_size for i in zipfile.ZipFile(bomb).infolist())
    assert inside > 32 << 20 and inside > 10 * bomb.stat().st_size  # ten times larger inside than on disk

    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl parsed a workbook over the limit")

    monkeypatch.setattr(openpyxl, "load_workbook", parse)
    message = refused(bomb)  # the default limits
    assert message.startswith("bomb.xlsx: -: the workbook holds ")
    assert "MB uncompressed, over the limit of 32 MB (--max-workbook-mb)" in message


def test_row_and_size_limits_are_configurable(tmp_path: Path) -> None:
    path = workbook(tmp_path / "t.xlsx", {"data": [["ticket_id"], *[[f"T{i}"] for i in range(100)]]})
    columns = COLUMNS[:1]
    assert len(read_table(path, columns, "t.xlsx", limits=DataLimits(max_workbook_rows=100))) == 100
    assert "the sheet has 100 rows, over the limit of 99" in refused(path, columns, max_workbook_rows=99)
    csv = tmp_path / "t.csv"
    csv.write_text("ticket_id\n" + "T\n" * 600_000, encoding="utf-8")
    assert "over the limit of 1 MB for a CSV file (--max-csv-mb)" in refused(csv, columns, max_csv_mb=1)


def test_the_limits_reach_qms_check(tmp_path: Path) -> None:
    root = _kpi_manual(tmp_path, "t.xlsx")
    _bomb(root / "evidence/2025/tickets/t.xlsx", 2_000, ("ticket_id", "opened_at", "first_contact_resolved"))
    result = run_qms("--root", root, "--max-workbook-rows", "1000", "kpi", "--as-of", "2025-12-31", "--format", "json")
    kpi = json.loads(result.stdout)["kpis"][0]
    assert kpi["error"].startswith("evidence/2025/tickets/t.xlsx: -: the sheet has 2000 rows, over the limit of 1000")
    assert result.returncode == 1 and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_integers_beyond_64_bits_are_refused(tmp_path: Path, suffix: str) -> None:
    rows = [["ticket_id", "minutes"], ["T1", 5], ["T2", 2**70]]
    path = _write(tmp_path / f"t{suffix}", rows)
    message = refused(path, (COLUMNS[0], COLUMNS[2]))
    assert message.startswith(f"t{suffix}:3: minutes: a whole number too large to be read exactly")
    # just above 2**53 beside an empty cell: pandas would read a float, one off
    path = _write(tmp_path / f"u{suffix}", [["ticket_id", "minutes"], ["T1", None], ["T2", 2**53 + 1]])
    assert refused(path, (COLUMNS[0], COLUMNS[2])).startswith(f"u{suffix}:3: minutes: a whole number too large")
    # the largest 64-bit value, with no empty cell, is read exactly from text; a workbook
    # holds numbers as doubles, so there it is refused too
    path = _write(tmp_path / f"v{suffix}", [["ticket_id", "minutes"], ["T1", 2**63 - 1]])
    if suffix == ".csv":
        assert read_table(path, (COLUMNS[0], COLUMNS[2]), "v").loc[0, "minutes"] == 2**63 - 1
    else:
        assert refused(path, (COLUMNS[0], COLUMNS[2])).startswith("v.xlsx:2: minutes: a whole number too large")


def test_data_on_a_second_sheet_is_read_or_refused_never_dropped(tmp_path: Path) -> None:
    header, columns = ["ticket_id", "minutes"], (COLUMNS[0], COLUMNS[2])
    # the first sheet empty, the data on the second: today's reader took the empty one
    only = workbook(tmp_path / "only.xlsx", {"Sheet1": [], "工单": [header, ["T1", 5], ["T2", 7]]})
    assert list(read_table(only, columns, "only.xlsx", type_id="tickets")["ticket_id"]) == ["T1", "T2"]
    several = workbook(tmp_path / "several.xlsx", {"说明": [["导出说明"]], "工单": [header, ["T1", 5]]})
    with pytest.raises(DataError) as raised:
        read_table(several, columns, "several.xlsx", type_id="tickets")
    assert str(raised.value) == (
        "several.xlsx: -: data on several sheets (说明, 工单): keep the data on one, or name its sheet 'tickets'"
    )
    # the sheet named after the type (as `qms template` names it) is the one read
    named = workbook(tmp_path / "named.xlsx", {"说明": [["导出说明"]], "tickets": [header, ["T1", 5]]})
    assert list(read_table(named, columns, "named.xlsx", type_id="tickets")["ticket_id"]) == ["T1"]
    # a hidden sheet (a template's lists of allowed values) is no data
    book = openpyxl.Workbook()
    book.active.title = "工单"
    for row in [header, ["T1", 5]]:
        book.active.append(row)
    lists = book.create_sheet("lists")
    lists.append(["已解决", "处理中"])
    lists.sheet_state = "hidden"
    book.save(tmp_path / "template.xlsx")
    assert list(read_table(tmp_path / "template.xlsx", columns, "template.xlsx")["ticket_id"]) == ["T1"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_duplicated_header_names_the_real_column(tmp_path: Path, suffix: str) -> None:
    path = _write(tmp_path / f"t{suffix}", [["ticket_id", "minutes", "minutes"], ["T1", 5, 6]])
    assert refused(path, (COLUMNS[0], COLUMNS[2])) == (
        f"t{suffix}:1: minutes: column 'minutes' appears twice in the header (columns 2 and 3)"
    )


def test_a_formula_without_a_saved_value_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "t.xlsx", {"data": [["ticket_id", "minutes"], ["T1", 5], ["T2", "=B2*2"]]})
    assert refused(path, (COLUMNS[0], COLUMNS[2])) == (
        "t.xlsx:3: minutes: a formula without a saved value: open and save the file in Excel"
    )
    # the same formula as Excel saves it, with its value: read as the value
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    # openpyxl writes an empty <v/>, or <v></v> when lxml is installed
    members[sheet] = re.sub(rb"<v ?/>|<v></v>", b"<v>10</v>", members[sheet])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert list(read_table(path, (COLUMNS[0], COLUMNS[2]), "t.xlsx")["minutes"]) == [5, 10]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_times_in_one_zone_are_read_on_its_clock_mixed_ones_are_refused(tmp_path: Path, suffix: str) -> None:
    columns = COLUMNS[:2]
    one = _write(tmp_path / f"one{suffix}", [["ticket_id", "opened_at"], ["T1", "2025-03-04T09:15:00+08:00"]])
    assert read_table(one, columns, "one").loc[0, "opened_at"] == pd.Timestamp("2025-03-04 09:15:00")
    mixed = [["ticket_id", "opened_at"], ["T1", "2025-03-04T09:15:00+08:00"], ["T2", "2025-03-04T01:15:00Z"]]
    assert refused(_write(tmp_path / f"mixed{suffix}", mixed), columns) == (
        f"mixed{suffix}:3: opened_at: '2025-03-04T01:15:00Z' has UTC offset 0:00:00 but row 2 has 8:00:00: "
        "write times in one zone"
    )
    naive = [["ticket_id", "opened_at"], ["T1", "2025-03-04 09:15:00"], ["T2", "2025-03-04T09:15:00+08:00"]]
    assert refused(_write(tmp_path / f"naive{suffix}", naive), columns).startswith(
        f"naive{suffix}:3: opened_at: '2025-03-04T09:15:00+08:00' has UTC offset 8:00:00 but row 2 has none"
    )


def test_a_header_only_file_gives_no_data_with_the_reason_and_a_warning(tmp_path: Path) -> None:
    root = _kpi_manual(tmp_path, "t.csv")
    (root / "evidence/2025/tickets/t.csv").write_text("ticket_id,opened_at,first_contact_resolved\n", encoding="utf-8")
    result = run_qms("--root", root, "kpi", "--as-of", "2025-12-31", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "warning: evidence/2025/tickets/t.csv: the file has a header but no rows" in result.stderr.splitlines()
    values = {v["period"]: v for v in json.loads(result.stdout)["kpis"][0]["values"]}
    assert values["2025-03"]["verdict"] == "no-data"
    assert values["2025-03"]["reason"] == "evidence/2025/tickets/t.csv has a header but no rows"
    assert values["2025-04"]["reason"] is None  # a period the file does not cover


def test_the_kpi_csv_keeps_an_errored_kpi_and_defuses_formulas(tmp_path: Path) -> None:
    root = _kpi_manual(tmp_path, "t.csv", title='=HYPERLINK("http://example.org","点击")')
    (root / "evidence/2025/tickets/t.csv").write_text(
        "ticket_id,opened_at,first_contact_resolved\nT1,2025-03-04T09:15:00,maybe\n", encoding="utf-8"
    )
    result = run_qms("--root", root, "kpi", "--as-of", "2025-12-31", "--format", "csv")
    assert result.returncode == 1  # a KPI could not be computed
    rows = list(pd.read_csv(pd.io.common.StringIO(result.stdout), dtype=str, keep_default_na=False).itertuples())
    assert len(rows) == 1
    row = rows[0]
    assert row.kpi == "kpi-fcr" and row.verdict == "error"
    assert row.error == "evidence/2025/tickets/t.csv:2: first_contact_resolved: not a yes/no value: 'maybe'"
    assert row.title == '\'=HYPERLINK("http://example.org","点击")'  # shown as text, never run


# --------------------------------------------------------------------------- helpers


def _write(path: Path, rows: list[list[object]]) -> Path:
    if path.suffix == ".xlsx":
        return workbook(path, {"data": rows})
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    path.write_text(frame.to_csv(index=False), encoding="utf-8")
    return path


def _kpi_manual(tmp_path: Path, data_file: str, title: str = "首次接触解决率") -> Path:
    """The fixture manual with one monthly KPI over a ticket log recorded for 2025-03."""
    root = tmp_path / "manual"
    shutil.copytree(FIXTURES / "minimal", root)
    (root / "policy/evidence-types/tickets.yaml").write_text(
        "id: tickets\nkind: evidence-type\ntitle: 工单\n"
        "data_columns:\n  - {name: ticket_id, type: string, required: true}\n"
        "  - {name: opened_at, type: datetime}\n  - {name: first_contact_resolved, type: boolean}\n",
        encoding="utf-8",
    )
    (root / "policy/kpis").mkdir()
    (root / "policy/kpis/kpi-fcr.yaml").write_text(
        f"id: kpi-fcr\nkind: kpi\ntitle: '{title}'\nformula: 一次解决数 / 受理数\nsource: tickets\n"
        "compute: kpis:first_contact_resolution_rate\ntarget: '>= 80'\nunit: '%'\nperiod: month\n"
        "owner: quality-group\n",
        encoding="utf-8",
    )
    folder = root / "evidence/2025/tickets"
    folder.mkdir(parents=True)
    (folder / "TK-2025-03.md").write_text(
        "---\nid: TK-2025-03\nkind: evidence\ntitle: 3 月工单\ntype: tickets\ndate: 2025-03-31\nperiod: 2025-03\n"
        f"owner: mgmt-dept\ndata: [{data_file}]\n---\n",
        encoding="utf-8",
    )
    return root


def test_a_workbook_date_cell_still_reads_as_a_date(tmp_path: Path) -> None:
    """The checks above keep what worked: a real date cell is read as the date it shows."""
    path = workbook(tmp_path / "t.xlsx", {"data": [["ticket_id", "opened_at"], ["T1", dt.datetime(2025, 3, 4, 9, 15)]]})
    assert read_table(path, COLUMNS[:2], "t.xlsx").loc[0, "opened_at"] == pd.Timestamp("2025-03-04 09:15:00")
    assert DataCache().limits == DataLimits()
