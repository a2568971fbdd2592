"""What is due: the calendar feeds and `qms todo`, checked against `qms check --format json`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from checks import load_manual
from checks.evaluating.duedates import due_items
from checks.outputs.calendar import calendar_ics
from conftest import REPO, run_qms

AS_OF = "2026-06-30"


def expected_events(doc: dict[str, Any], root: Path) -> set[tuple[str, str, str]]:
    """(kind, id, due) of everything still owed on or after the as-of date, read off the results
    document (checkpoint periods without a passing record, document reviews) and the manual's
    nonconformities that are open then."""
    as_of = doc["as_of"]
    found: set[tuple[str, str, str]] = set()
    for result in doc["checkpoints"]:
        for period in result["periods"]:
            done = period["status"] == "pass" and period["records"]
            if period["due"] >= as_of and not done and result["status"] != "waived":
                found.add(("checkpoint", result["id"], period["due"]))
    for review in doc["documents"]:
        if review["next_review"] and review["next_review"] >= as_of:
            found.add(("document", review["id"], review["next_review"]))
    manual = load_manual(root).manual
    for nc in manual.nonconformities.values():
        source = manual.evidence.get(nc.found_in or "")
        open_then = nc.closed is None or nc.closed.isoformat() > as_of
        known = source is None or source.date is None or source.date.isoformat() <= as_of
        if nc.due and nc.due.isoformat() >= as_of and open_then and known:
            found.add(("nonconformity", nc.id, nc.due.isoformat()))
    return found


def events(ics: bytes) -> list[Any]:
    return list(Calendar.from_ical(ics).walk("VEVENT"))


def event_key(event: Any) -> tuple[str, str, str]:
    kind, object_id, _ = str(event["UID"]).split("@")[0].split(":", 2)
    return kind, object_id, event.decoded("DTSTART").isoformat()


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    done = run_qms("--root", REPO, "check", "--as-of", AS_OF, "--format", "json")
    return json.loads(done.stdout)


def test_feed_events_are_the_due_dates_of_the_results(results: dict[str, Any]) -> None:
    manual = load_manual(REPO).manual
    ics = calendar_ics(due_items(manual, results), name="质量手册", as_of=dt.date.fromisoformat(AS_OF))
    found = events(ics)
    keys = [event_key(e) for e in found]
    assert len(keys) == len(set(keys))  # one event per due date
    assert set(keys) == expected_events(results, REPO)
    assert ("checkpoint", "cp-quality-analysis-meeting", "2026-06-30") in keys  # due today: still upcoming
    assert ("document", "TFDL-ITSS-08-01", "2026-01-08") not in keys  # overdue: for qms todo, not the calendar
    meeting = next(e for e in found if event_key(e)[1] == "cp-quality-analysis-meeting")
    assert str(meeting["SUMMARY"]) == "通信部、信息部每半年召开质量分析会 (2026-H1)"
    assert str(meeting["X-QMS-STATUS"]) == "due-soon" and str(meeting["X-QMS-OWNER"]) == "comms-dept"
    assert meeting.decoded("DTEND") == dt.date(2026, 7, 1)  # an all-day event
    alarm = next(iter(meeting.walk("VALARM")))
    assert alarm.decoded("TRIGGER") == -dt.timedelta(days=7)


def test_feed_bytes_depend_only_on_the_manual_and_the_date(results: dict[str, Any]) -> None:
    manual = load_manual(REPO).manual
    as_of = dt.date.fromisoformat(AS_OF)
    first = calendar_ics(due_items(manual, results), name="x", as_of=as_of)
    again = calendar_ics(due_items(manual, results), name="x", as_of=as_of)
    assert first == again
    assert b"DTSTAMP:20260630T000000Z" in first


def test_plan_months_nothing_covers_are_due_until_a_record_fills_them(tmp_path: Path) -> None:
    root = tmp_path / "manual"
    shutil.copytree(REPO / "policy", root / "policy")
    shutil.copytree(REPO / "evidence", root / "evidence")
    plan = root / "policy/plans/todo-plan.yaml"
    plan.write_text(
        "id: todo-plan\nkind: plan\nyear: 2026\nschedule:\n"
        "  - {id: drill, activity: 应急演练, owner: comms-dept, due: ['2026-05', '2026-08'],\n"
        "     produces: complaint-analysis}\n"
        "  - {id: analysis, activity: 项目质量分析, owner: rnd-dept, due: ['2026-05'],\n"
        "     produces: project-quality-analysis}\n",
        encoding="utf-8",
    )
    manual = load_manual(root).manual
    doc = json.loads(run_qms("--root", root, "check", "--as-of", AS_OF, "--format", "json").stdout)
    plan_items = {(i.id, i.period, i.status, i.overdue) for i in due_items(manual, doc) if i.kind == "plan"}
    # May is filled by the complaint analysis dated 2026-05-08; August is still ahead;
    # no project quality analysis was ever recorded, so its May is missing
    assert plan_items == {
        ("todo-plan#drill", "2026-08", "scheduled", False),
        ("todo-plan#analysis", "2026-05", "missing", True),
    }


def test_todo_groups_what_is_overdue_and_due_soon_by_owner() -> None:
    done = run_qms("--root", REPO, "todo", "--as-of", AS_OF, "--within", "31", "--format", "json")
    assert done.returncode == 0, done.stderr
    todo = json.loads(done.stdout)
    owners = {o["owner"]: o for o in todo["owners"]}
    # the two documents were due for review in January: overdue, 173 and 171 days
    assert [i["id"] for i in owners["quality-group"]["overdue"]] == ["TFDL-ITSS-08-01"]
    assert [i["id"] for i in owners["quality-efficiency-dept"]["overdue"]] == ["XDYJ-04-09"]
    # within 31 days: the half-year meeting due today and the nonconformity due 2026-07-31
    assert [(i["id"], i["due"]) for i in owners["comms-dept"]["due_soon"]] == [
        ("cp-quality-analysis-meeting", "2026-06-30")
    ]
    assert [(i["id"], i["due"]) for i in owners["rnd-dept"]["due_soon"]] == [("NC-2026-02", "2026-07-31")]
    assert todo["owners"][0]["overdue"]  # the owners with overdue items come first
    # 30 days leave the nonconformity out
    short = json.loads(run_qms("--root", REPO, "todo", "--as-of", AS_OF, "--format", "json").stdout)
    assert "rnd-dept" not in {o["owner"] for o in short["owners"]}


def test_todo_text_and_markdown_for_one_owner() -> None:
    text = run_qms("--root", REPO, "todo", "--as-of", AS_OF, "--owner", "quality-group")
    assert text.returncode == 0, text.stderr
    assert "综合管理部质量管理组 (quality-group): 1 overdue, 0 due within 30 days" in text.stdout
    assert "2026-01-08  TFDL-ITSS-08-01 运维服务质量管理制度  [stale, 173 days late]" in text.stdout
    assert "comms-dept" not in text.stdout
    markdown = run_qms("--root", REPO, "todo", "--as-of", AS_OF, "--format", "markdown", "--owner", "comms-dept")
    assert "## 通信部 (comms-dept): 0 overdue, 1 due within 30 days" in markdown.stdout
    assert "| 2026-06-30 | cp-quality-analysis-meeting (2026-H1) 通信部、信息部每半年召开质量分析会 | due soon |" in (
        markdown.stdout
    )
    unknown = run_qms("--root", REPO, "todo", "--owner", "nobody")
    assert unknown.returncode == 2 and "unknown role 'nobody'" in unknown.stderr
