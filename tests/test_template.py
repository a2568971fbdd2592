"""`qms template TYPE`: a workbook for entering data, filled as a user would and read back."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from conftest import REPO, run_qms

TYPE = "satisfaction-survey-result"
COLUMNS = [
    "survey_id",
    "respondent_id",
    "customer",
    "project",
    "contact_role",
    "item",
    "score",
    "surveyed_on",
    "method",
]


@pytest.fixture
def manual(tmp_path: Path) -> Path:
    """The repository's policy/ (types, KPIs, roles) with an empty evidence/ folder."""
    root = tmp_path / "manual"
    shutil.copytree(REPO / "policy", root / "policy")
    (root / "evidence").mkdir()
    return root


def _template(manual: Path, etype: str = TYPE) -> Path:
    out = manual / "evidence/2025/survey/scores.xlsx"
    done = run_qms("--root", manual, "template", etype, "--output", out)
    assert done.returncode == 0, done.stderr
    return out


def _record(manual: Path) -> None:
    (manual / "evidence/2025/survey/SR-2025.md").write_text(
        "---\nid: SR-2025\nkind: evidence\ntitle: 2025 年客户满意度调查\ntype: satisfaction-survey-result\n"
        "date: 2025-09-30\nperiod: '2025'\nowner: quality-group\ndata: [scores.xlsx]\n"
        "survey_round: 2025-09\nconducted_by: service-desk\nmethods: [电话回访]\nrespondents: 2\n---\n",
        encoding="utf-8",
    )


def _fill(path: Path, rows: list[list[object]]) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_workbook_lays_out_the_type_for_data_entry(manual: Path) -> None:
    book = openpyxl.load_workbook(_template(manual))
    sheet = book.worksheets[0]  # the sheet the reader reads
    assert sheet.title == TYPE
    assert [c.value for c in sheet[1]] == COLUMNS
    assert sheet.freeze_panes == "A2"
    # descriptions (and what is allowed) as comments on the headers
    score = sheet["G1"].comment.text
    assert "该调查项得分" in score and "0 to 100" in score and "Required" in score
    assert "调查日期" in sheet["H1"].comment.text
    # typed columns: text stays text, dates show as dates
    assert sheet.column_dimensions["A"].number_format == "@"
    assert sheet.column_dimensions["H"].number_format == "yyyy-mm-dd"
    # validations: whole numbers within the declared range, dates
    checks = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert (checks["G2:G10001"].type, checks["G2:G10001"].formula1, checks["G2:G10001"].formula2) == (
        "whole",
        "0",
        "100",
    )
    assert checks["H2:H10001"].type == "date"
    assert book["lists"].sheet_state == "hidden"


def test_enumerations_and_yes_no_become_lists(manual: Path) -> None:
    book = openpyxl.load_workbook(_template(manual, "incident-log"))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    checks = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    status = checks[f"{openpyxl.utils.get_column_letter(headers.index('status') + 1)}2"]
    assert status.type == "list"
    column = status.formula1.split("!")[1].split(":")[0].replace("$", "").rstrip("0123456789")
    assert [book["lists"][f"{column}{r}"].value for r in (1, 2)] == ["已解决", "处理中"]
    solved = checks[f"{openpyxl.utils.get_column_letter(headers.index('first_contact_resolved') + 1)}2"]
    assert solved.type == "list"
    assert checks[f"{openpyxl.utils.get_column_letter(headers.index('opened_at') + 1)}2"].type == "date"


def test_filled_template_validates_and_the_kpi_reads_it(manual: Path) -> None:
    path = _template(manual)
    _fill(
        path,
        [
            ["S1", "R1", "某电力公司", "P1", "运维主管", "响应及时性", 94, dt.date(2025, 9, 10), "电话回访"],
            ["S1", "R2", "某电力公司", "P1", None, "解决效果", 99, dt.datetime(2025, 9, 11), "问卷填写"],
        ],
    )
    _record(manual)
    validated = run_qms("--root", manual, "validate")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    kpi = run_qms("--root", manual, "kpi", "--as-of", "2025-12-31", "--format", "json")
    values = {
        v["period"]: v
        for v in next(k for k in json.loads(kpi.stdout)["kpis"] if k["id"] == "customer-satisfaction")["values"]
    }
    # two items of one score each: (94 + 99) / 2
    assert (values["2025"]["value"], values["2025"]["numerator"], values["2025"]["denominator"]) == (96.5, 193.0, 2.0)
    assert values["2025"]["verdict"] == "met"


def test_a_value_outside_the_range_is_named_with_its_row(manual: Path) -> None:
    path = _template(manual)
    _fill(path, [["S1", "R1", "C", "P1", None, "响应及时性", 95, dt.date(2025, 9, 10), "电话回访"]])
    _fill(path, [["S1", "R2", "C", "P1", None, "响应及时性", 120, dt.date(2025, 9, 10), "电话回访"]])
    _record(manual)
    kpi = run_qms("--root", manual, "kpi", "--as-of", "2025-12-31", "--format", "json")
    error = next(k for k in json.loads(kpi.stdout)["kpis"] if k["id"] == "customer-satisfaction")["error"]
    assert "scores.xlsx:3: score: above the maximum 100" in error


def test_template_refuses_what_it_cannot_make(manual: Path, tmp_path: Path) -> None:
    unknown = run_qms("--root", manual, "template", "no-such-type", "--output", tmp_path / "a.xlsx")
    assert unknown.returncode == 2 and "unknown evidence type 'no-such-type'" in unknown.stderr
    no_data = run_qms("--root", manual, "template", "internal-audit-report", "--output", tmp_path / "b.xlsx")
    assert no_data.returncode == 2 and "declares no data_columns" in no_data.stderr
    csv = run_qms("--root", manual, "template", TYPE, "--output", tmp_path / "c.csv")
    assert csv.returncode == 2 and ".xlsx" in csv.stderr
    (tmp_path / "mine.xlsx").write_bytes(b"my data")
    taken = run_qms("--root", manual, "template", TYPE, "--output", tmp_path / "mine.xlsx")
    assert taken.returncode == 2 and "already exists" in taken.stderr
    assert (tmp_path / "mine.xlsx").read_bytes() == b"my data"
    assert "Traceback" not in unknown.stderr + no_data.stderr + csv.stderr + taken.stderr
