"""Data files: Arrow's typed reading of a CSV gives the same frame as the text-then-pandas
way, or steps aside so that the slow way gives its exact message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.loading import data
from checks.loading.data import DataCache, DataError, read_table
from checks.model import DataColumn

COLUMNS = (
    DataColumn("id", "string", True),
    DataColumn("note", "string"),
    DataColumn("opened_at", "datetime", True),
    DataColumn("closed_on", "date"),
    DataColumn("minutes", "integer"),
    DataColumn("score", "number"),
    DataColumn("ok", "boolean"),
)
HEADER = "id,note,opened_at,closed_on,minutes,score,ok\n"
YES_NO = ["true", "True", "TRUE", "Y", "yes", "是", "√", "1", "0", "F", "No", "否", "×"]


def _compare(path: Path, columns: tuple[DataColumn, ...] = COLUMNS) -> bool:
    """Whether the fast path took the file; either way, read_table gives what the slow way gives."""
    fast = data._read_csv_typed(path, columns, "t.csv", None)
    try:
        slow = data._read_table(path, columns, "t.csv", None, data.DataLimits())
    except Exception as exc:  # a DataError, or what pandas raises today for mixed time zones
        assert fast is None
        with pytest.raises(type(exc)) as raised:
            read_table(path, columns, "t.csv")
        assert str(raised.value) == str(exc)
        return False
    if fast is not None:
        pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    pd.testing.assert_frame_equal(read_table(path, columns, "t.csv"), slow, check_exact=True)
    pd.testing.assert_frame_equal(read_table(path, columns, "t.csv", threads=False), slow, check_exact=True)
    return fast is not None


CASES = {
    "clean": (
        HEADER + "T1,磁盘告警,2025-03-04T09:15:00,2025-03-05,30,4.5,true\n"
        "T2,x,2025-03-04 10:00,2025-03-06T18:30:00,7,5,false\n",
        True,
    ),
    "empties": (HEADER + 'T1,,2025-03-04,,,,\nT2,"",2025-03-04T09:15:00.250,2025-03-05,3,,yes\n', True),
    "header in another order": (
        "ok,id,minutes,score,closed_on,opened_at,note\n是,T1,12,1e3,2025-01-31,2025-01-31,n\n",
        True,
    ),
    "whole numbers in a number column": (HEADER + "T1,,2025-03-04,,1,2,\nT2,,2025-03-04,,3,4,\n", True),
    "leading zeros and minus zero": (HEADER + "T1,,2025-03-04,,007,-0,\nT2,,2025-03-04,,-12,0.5,\n", True),
    "booleans in several spellings": (
        HEADER + "".join(f"T{i},,2025-03-04,,,,{v}\n" for i, v in enumerate(YES_NO)),
        True,
    ),
    "a boolean in odd case": (HEADER + "T1,,2025-03-04,,,,tRuE\nT2,,2025-03-04,,,,NO\n", False),
    "padded values": (HEADER + "T1, spaced ,2025-03-04, 2025-03-05 , 5 ,1.5 , true\n", False),
    "excel dates": (HEADER + "T1,,2025/3/4 9:15,2025/3/5,,,\nT2,,2025-03-04T09:15:00,,,,\n", False),
    "byte order mark": ("\ufeff" + HEADER + "T1,,2025-03-04T09:15:00,,1,,t\n", True),
    "time zone offsets": (HEADER + "T1,,2025-03-04T09:15:00+08:00,,,,\nT2,,2025-03-04T09:15:00Z,,,,\n", False),
    "nanoseconds": (HEADER + "T1,,2025-03-04T09:15:00.123456789,,,,\n", False),
    "hex integer": (HEADER + "T1,,2025-03-04,,0x10,,\n", False),
    "integer written with a fraction": (HEADER + "T1,,2025-03-04,,5.0,,\n", False),
    "huge integer": (HEADER + "T1,,2025-03-04,,99999999999999999999,,\n", False),
    "not a number": (HEADER + "T1,,2025-03-04,,,abc,\n", False),
    "nan and inf": (HEADER + "T1,,2025-03-04,,,nan,\nT2,,2025-03-04,,,inf,\n", False),
    "not a date": (HEADER + "T1,,2025-02-30,,,,\n", False),
    "not a yes/no value": (HEADER + "T1,,2025-03-04,,,,maybe\n", False),
    "required value empty": (HEADER + "T1,,2025-03-04,,,,\n,,2025-03-04,,,,\n", False),
    "unknown column": (HEADER.strip() + ",extra\nT1,,2025-03-04,,,,,x\n", False),
    "optional column missing": ("id,opened_at\nT1,2025-03-04\n", False),
    "required column missing": ("id,note\nT1,x\n", False),
    "header with spaces": (HEADER.replace("note", " note ") + "T1,,2025-03-04,,,,\n", False),
    "duplicate header": (HEADER.strip() + ",note\nT1,,2025-03-04,,,,,x\n", False),
    "header only": (HEADER, False),
    "empty file": ("", False),
    "ragged rows": (HEADER + "T1,,2025-03-04\n", False),
    "quoted line break": (HEADER + 'T1,"two\nlines",2025-03-04,,,,\n', True),
}


@pytest.mark.parametrize("name", CASES)
def test_the_fast_path_gives_the_slow_frame_or_steps_aside(tmp_path: Path, name: str) -> None:
    text, fast = CASES[name]
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    assert _compare(path) is fast


def test_gbk_files_are_read_the_slow_way(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes((HEADER + "T1,磁盘告警,2025-03-04,,3,,是\n").encode("gbk"))
    assert _compare(path) is False
    assert read_table(path, COLUMNS, "t.csv")["note"].tolist() == ["磁盘告警"]


def test_invalid_utf8_past_the_sniffed_head_is_read_the_slow_way(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    row = "T1,磁盘告警,2025-03-04,,3,,是\n".encode()
    path.write_bytes(HEADER.encode() + row * (1 + (1 << 20) // len(row)) + "T2,磁盘,2025-03-04,,,,\n".encode("gbk"))
    assert _compare(path) is False


# Cells the fast path takes, and cells that send the file the slow way (or fail it).
GOOD = {
    "id": ["T1", "工单 7"],
    "note": ["", "x", " y ", "一,二", '"q"'],
    "opened_at": ["2025-03-04", "2025-03-04T09:15", "2025-03-04 09:15:07.5", "2024-02-29T23:59:59.999999"],
    "closed_on": ["", "2025-03-05", "2025-03-05T23:59:59"],
    "minutes": ["", "0", "42", "-7", "007"],
    "score": ["", "1", "2.5", "-0.0", "1e-3"],
    "ok": ["", "true", "False", "YES", "n", "是", "×", "1"],
}
ODD = {
    "id": ["", " T2"],
    "note": [],
    "opened_at": ["", "2025/3/4 9:15", "2025-03-04Z", "20250304", "2025-02-29"],
    "closed_on": [" 2025-03-05", "2025-3-5"],
    "minutes": [" 8", "1e2", "3.0", "x", "+5", "0x1f"],
    "score": [" 4", "inf", "1,5", "NaN"],
    "ok": [" t", "maybe", "tRUE"],
}
rows_of = {
    name: st.lists(st.fixed_dictionaries({c: st.sampled_from(v) for c, v in cells.items()}), min_size=1, max_size=6)
    for name, cells in {"good": GOOD, "any": {c: GOOD[c] + ODD[c] for c in GOOD}}.items()
}


def _cell(value: str) -> str:
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in ',"') else value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_of["good"] | rows_of["any"])
def test_random_cells_give_the_same_frame_or_the_same_message(tmp_path: Path, rows: list[dict[str, str]]) -> None:
    path = tmp_path / "t.csv"
    lines = [",".join(_cell(row[c.name]) for c in COLUMNS) for row in rows]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    _compare(path)


# --- reading early, in the background, while the manual loads ----------------------------


def test_a_file_read_early_is_what_reading_it_later_gives(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "T1,磁盘告警,2025-03-04T09:15:00,2025-03-05,30,4.5,true\n", encoding="utf-8")
    cache = DataCache()
    cache.read_early(path, COLUMNS, "t.csv")
    assert (path, COLUMNS) in cache.early
    frame = cache.table(path, COLUMNS, "t.csv")
    pd.testing.assert_frame_equal(frame, read_table(path, COLUMNS, "t.csv"), check_exact=True)
    assert not cache.early  # taken up
    cache.read_early(path, COLUMNS, "t.csv")
    assert not cache.early  # read already and unchanged: not read again
    assert cache.table(path, COLUMNS, "t.csv") is frame


def test_a_file_changed_after_its_early_read_began_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "T1,,2025-03-04,,,,\n", encoding="utf-8")
    cache = DataCache()
    cache.read_early(path, COLUMNS, "t.csv")
    cache.early[(path, COLUMNS)].result()  # done, with the first text
    path.write_text(HEADER + "T1,,2025-03-04,,,,\nT2,,2025-03-05,,,,\n", encoding="utf-8")
    assert list(cache.table(path, COLUMNS, "t.csv")["id"]) == ["T1", "T2"]


def test_a_bad_file_read_early_gives_the_message_a_later_read_gives(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "T1,,2025-03-04,,,abc,\n", encoding="utf-8")
    cache = DataCache()
    cache.read_early(path, COLUMNS, "t.csv")
    with pytest.raises(DataError) as early:
        cache.table(path, COLUMNS, "t.csv")
    with pytest.raises(DataError) as later:
        read_table(path, COLUMNS, "t.csv")
    assert str(early.value) == str(later.value) == "t.csv:2: score: not a number: 'abc'"
