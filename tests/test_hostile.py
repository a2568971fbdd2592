"""Hostile input: random bytes and structures, hanging checks, interrupted writes."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import time
import types
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checks.authoring.fsio
from checks import load_manual
from checks.evaluating.evaluate import evaluate
from checks.loading.data import DataError, read_table
from checks.loading.loader import load_file
from checks.model import DataColumn
from conftest import run_qms

ISSUE_LINE = re.compile(r"^[^:\n]+(:\d+)?: [^\n]+: [^\n]+$")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20), st.dates()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
KEYS = [
    "id",
    "kind",
    "title",
    "name",
    "type",
    "date",
    "owner",
    "clause",
    "area",
    "requires",
    "duties",
    "version",
    "status",
    "revisions",
    "attachments",
    "satisfies",
    "extra",
    "due",
    "schedule",
    "fields",
    "data_columns",
]
KINDS = ["policy", "role", "checkpoint", "kpi", "plan", "evidence-type", "evidence", "nonconformity", "waiver", "x"]
front_matter = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), values, max_size=8).map(dict) | st.builds(
    lambda kind, rest: {"id": "h-1", "kind": kind, **rest},
    st.sampled_from(KINDS),
    st.dictionaries(st.sampled_from(KEYS), values, max_size=6),
)


@SETTINGS
@given(data=front_matter, as_markdown=st.booleans())
def test_random_front_matter_gives_results_or_clear_errors(minimal: Path, data: dict, as_markdown: bool) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    folder = minimal / "evidence/2025/hypothesis"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    path = folder / ("random.md" if as_markdown else "random.yaml")
    path.write_text(f"---\n{text}---\n\nbody\n" if as_markdown else text, encoding="utf-8")
    loaded = load_manual(minimal)  # must not raise
    for issue in loaded.issues:
        assert ISSUE_LINE.match(str(issue)), str(issue)
    if loaded.valid:
        evaluate(loaded.manual, dt.date(2025, 12, 31), with_kpis=False)


@SETTINGS
@given(raw=st.binary(max_size=400))
def test_random_bytes_as_a_source_file(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "policy" / "x.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    result = load_file(path, tmp_path)  # must not raise
    for issue in result.issues:
        assert ISSUE_LINE.match(str(issue)), str(issue)


COLUMNS = (
    DataColumn("ticket_id", "string", True),
    DataColumn("opened_at", "datetime", False),
    DataColumn("minutes", "integer", False),
    DataColumn("ok", "boolean", False),
)


@SETTINGS
@given(
    raw=st.binary(max_size=300) | st.text(max_size=300).map(lambda t: ("ticket_id,opened_at,minutes,ok\n" + t).encode())
)
def test_random_csv_bytes_give_a_table_or_a_data_error(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(raw)
    try:
        frame = read_table(path, COLUMNS, "data.csv")
    except DataError as exc:
        assert ISSUE_LINE.match(str(exc)), str(exc)
    else:
        assert list(frame.columns) == [c.name for c in COLUMNS]


def test_a_hanging_check_times_out_and_the_run_goes_on(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("checks.fixture_hang")

    def hang(checkpoint, evidence, manual, as_of):  # type: ignore[no-untyped-def]
        time.sleep(30)

    module.hang = hang  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "checks.fixture_hang", module)
    (minimal / "policy/checkpoints/cp-hang.yaml").write_text(
        "id: cp-hang\nkind: checkpoint\ntitle: t\nclause: QP-01#1\narea: system\nowner: mgmt-dept\n"
        "check: fixture_hang:hang\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    results = evaluate(load_manual(minimal).manual, dt.date(2025, 12, 31), with_kpis=False, check_timeout=0.5)
    assert time.monotonic() - started < 10
    status = {r.id: (r.status, r.reason) for r in results.checkpoints}
    assert status["cp-hang"] == ("error", "check fixture_hang:hang of cp-hang did not finish within 0.5 s")
    assert status["cp-audit"][0] == "pass"


def test_new_never_overwrites_and_leaves_nothing_when_interrupted(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [
        "--root",
        minimal,
        "new",
        "internal-audit-report",
        "--id",
        "IAR-2026",
        "--title",
        "2026 年内审报告",
        "--owner",
        "quality-group",
        "--date",
        "2026-04-20",
    ]
    made = run_qms(*args)
    assert made.returncode == 0, made.stderr
    target = minimal / "evidence/2026/audit/IAR-2026.md"  # beside the records of its type
    first = target.read_bytes()
    assert "fill in: audited_departments" in made.stderr
    again = run_qms(*args)
    assert again.returncode == 2 and "already used" in again.stderr
    assert target.read_bytes() == first
    clash = run_qms(*args[:5], "IAR-X", *args[6:], "--output", target)
    assert clash.returncode == 2 and "already exists; nothing was written" in clash.stderr
    assert target.read_bytes() == first

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    folder = minimal / "evidence/2026/new"
    folder.mkdir(parents=True)
    monkeypatch.setattr(checks.authoring.fsio.os, "link", interrupted)
    with pytest.raises(KeyboardInterrupt):
        checks.authoring.fsio.write_new(folder / "R.md", "---\nid: R\n---\n")
    assert list(folder.iterdir()) == []  # neither the record nor a temporary file


def test_revise_leaves_the_file_untouched_when_the_result_would_be_invalid(minimal: Path) -> None:
    policy = minimal / "policy/QP-01.md"
    before = policy.read_bytes()
    result = run_qms(
        "--root",
        minimal,
        "revise",
        "QP-01",
        "--version",
        "",
        "--author",
        "杨洁",
        "--change",
        "x",
        "--date",
        "2026-02-01",
    )
    assert result.returncode == 2
    assert "the edited file would be invalid, nothing written" in result.stderr
    assert "version: must not be empty" in result.stderr
    assert policy.read_bytes() == before
    assert not [p for p in policy.parent.iterdir() if p.name.endswith(".tmp")]


def test_interrupted_replace_keeps_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "record.md"
    path.write_text("original\n", encoding="utf-8")

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(checks.authoring.fsio.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        checks.authoring.fsio.replace(path, "half")
    assert path.read_text(encoding="utf-8") == "original\n"
    assert os.listdir(tmp_path) == ["record.md"]
