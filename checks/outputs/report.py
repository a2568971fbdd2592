"""Render the canonical results document as text, JUnit XML or CI annotations."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..i18n import N_, _, ngettext
from ..results import SEVERITY_ORDER, STATUS_NAMES, VERDICT_NAMES

AREA_TITLES = {
    "system": N_("System"),
    "resources": N_("Resources"),
    "technology": N_("Technology"),
    "process": N_("Process"),
    "people": N_("People"),
}
STATUS_STYLE = {
    "pass": "green",
    "fail": "bold red",
    "missing": "bold red",
    "stale": "red",
    "due-soon": "yellow",
    "waived": "cyan",
    "error": "bold magenta",
}


def _failing(doc: dict[str, Any], result: dict[str, Any]) -> bool:
    return result["status"] in doc["fail_on"]


NARROW = 80  # below this width, rows are printed one under the other instead of as a table


def text_report(doc: dict[str, Any], width: int = 140, color: bool = False, show_all: bool = False) -> str:
    """Failing checkpoints first, worst first; passing ones folded into a count unless
    `show_all`; waived ones listed apart, never among passes."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color, highlight=False)
    console.print(_("Quality manual checks as of {date}").format(date=doc["as_of"]))
    results = sorted(doc["checkpoints"], key=_worst_first)
    failing = [r for r in results if _failing(doc, r)]
    attention = [r for r in results if not _failing(doc, r) and r["status"] not in ("pass", "waived")]
    passing = [r for r in results if r["status"] == "pass"]
    headers = (_("checkpoint"), _("status"), _("area"), _("owner"), _("reason"))
    for title, listed in ((_("Failing"), failing), (_("Needs attention"), attention)):
        _table(console, title, headers, _checkpoint_rows(listed))
    waived = [r for r in doc["checkpoints"] if r["status"] == "waived"]
    if waived:
        rows = [
            (r["id"], _status(r["waiver"]["covers"]), r["waiver"]["id"], r["waiver"]["expires"], r["waiver"]["reason"])
            for r in waived
        ]
        _table(
            console,
            _("Waived (not counted as passes)"),
            (_("checkpoint"), _("covers"), _("waiver"), _("expires"), _("reason")),
            rows,
        )
    if show_all:
        _table(console, _("Passing"), headers, _checkpoint_rows(passing))
    elif passing:
        folded = ngettext(
            "{count} passing checkpoint is not listed (--all lists it)",
            "{count} passing checkpoints are not listed (--all lists them)",
            len(passing),
        )
        console.print(folded.format(count=len(passing)))
    if doc["documents"]:
        rows = [
            (
                d["id"],
                d["version"],
                _status(d["status"]),
                f"{d['approved']} {d['approved_by']}" if d["approved"] else "-",
                d["reason"],
            )
            for d in sorted(doc["documents"], key=_worst_first)
        ]
        headers = (_("document"), _("version"), _("status"), _("approved"), _("reason"))
        _table(console, _("Document control"), headers, rows)
    for result in doc["checkpoints"]:
        for warning in result["warnings"]:
            console.print(_("warning: {checkpoint}: {message}").format(checkpoint=result["id"], message=warning))
        if result["suspect"]:
            suspect = (
                _("suspect: {checkpoint}: {records} not confirmed against its current content")
                if doc["strict"]
                else _(
                    "suspect: {checkpoint}: {records} not confirmed against its current content (fails with --strict)"
                )
            )
            console.print(suspect.format(checkpoint=result["id"], records=", ".join(result["suspect"])))
    counts = doc["summary"]["by_status"]
    shown = _(", ").join(
        _("{count} {status}").format(count=n, status=_(STATUS_NAMES.get(status, status)))
        for status, n in counts.items()
        if n
    )
    failing_count = len(doc["summary"]["failing"]) + len(doc["summary"]["documents_failing"])
    verdict = _("OK") if doc["summary"]["ok"] else _("FAILED ({count} failing)").format(count=failing_count)
    total = doc["summary"]["total"]
    line = ngettext("{total} checkpoint: {counts}. {verdict}", "{total} checkpoints: {counts}. {verdict}", total)
    console.print(line.format(total=total, counts=shown, verdict=verdict))
    return buffer.getvalue()


def _worst_first(result: dict[str, Any]) -> tuple[int, int, str]:
    status, area = result["status"], result.get("area", "")
    order = SEVERITY_ORDER.index(status) if status in SEVERITY_ORDER else len(SEVERITY_ORDER)
    return (order, list(AREA_TITLES).index(area) if area in AREA_TITLES else 99, result["id"])


def _checkpoint_rows(results: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["id"], _status(r["status"]), _area(r["area"]), r["owner"], r["reason"]) for r in results]


def _status(status: str) -> Text:
    return Text(_(STATUS_NAMES.get(status, status)), style=STATUS_STYLE[status])


def _area(area: str) -> str:
    return _(AREA_TITLES[area]) if area in AREA_TITLES else area


def _table(console: Console, title: str, headers: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> None:
    """A table whose last column (the reason) takes the room left; on a narrow terminal,
    each row as a line of its short cells with the reason indented under it. Cells are
    text as written (never read as rich markup)."""
    if not rows:
        return
    if console.width < NARROW:
        console.print(Text(title, style="bold"))
        for row in rows:
            console.print(Text(" ").join(_cell(c) for c in row[:-1]))
            console.print(Padding(_cell(row[-1]), (0, 0, 0, 2)))
        return
    table = Table(title=title, title_justify="left", expand=True)
    for header in headers[:-1]:
        table.add_column(header, no_wrap=True)
    table.add_column(headers[-1], ratio=1)
    for row in rows:
        table.add_row(*(_cell(c) for c in row))
    console.print(table)


def _cell(value: str | Text | None) -> Text:
    return value if isinstance(value, Text) else Text("-" if value is None else str(value))


def junit_report(doc: dict[str, Any]) -> str:
    """One test case per checkpoint, one suite per area (what CI systems display)."""
    suites = ET.Element("testsuites", name=f"quality-manual {doc['as_of']}")
    by_area: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in doc["checkpoints"]:
        by_area[result["area"]].append(result)
    for area, results in sorted(by_area.items()):
        failures = sum(1 for r in results if _failing(doc, r) and r["status"] != "error")
        errors = sum(1 for r in results if r["status"] == "error" and _failing(doc, r))
        skipped = sum(1 for r in results if r["status"] == "waived")
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=area,
            tests=str(len(results)),
            failures=str(failures),
            errors=str(errors),
            skipped=str(skipped),
            timestamp=f"{doc['as_of']}T00:00:00",
        )
        for result in results:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"qms.{area}",
                name=f"{result['id']} {result['title']}",
                file=result["source"]["path"],
            )
            if result["source"]["line"]:
                case.set("line", str(result["source"]["line"]))
            message = f"{result['status']}: {result['reason']}"
            remedy = _("remedy: {remedy}").format(remedy=result["remedy"]) if result["remedy"] else ""
            detail = f"{message}\n{remedy}" if remedy else message
            if result["status"] == "waived":
                ET.SubElement(case, "skipped", message=message)
            elif _failing(doc, result):
                tag = "error" if result["status"] == "error" else "failure"
                ET.SubElement(case, tag, message=message, type=result["status"]).text = detail
            else:
                ET.SubElement(case, "system-out").text = message
    if doc["documents"]:
        failing_docs = [d for d in doc["documents"] if d["status"] in doc["fail_on"]]
        suite = ET.SubElement(
            suites, "testsuite", name="documents", tests=str(len(doc["documents"])), failures=str(len(failing_docs))
        )
        for d in doc["documents"]:
            name = _("{doc} review").format(doc=d["id"])
            case = ET.SubElement(suite, "testcase", classname="qms.documents", name=name, file=d["path"])
            message = f"{d['status']}: {d['reason']}"
            if d in failing_docs:
                ET.SubElement(case, "failure", message=message, type=d["status"]).text = message
            else:
                ET.SubElement(case, "system-out").text = message
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def github_report(doc: dict[str, Any]) -> str:
    """GitHub Actions workflow commands that annotate each checkpoint's file."""
    lines = []
    for result in doc["checkpoints"]:
        status = result["status"]
        level = "error" if _failing(doc, result) else "warning" if status in ("due-soon", "waived") else None
        where = f"file={_escape(result['source']['path'], prop=True)}"
        if result["source"]["line"]:
            where += f",line={result['source']['line']}"
        if level:
            title = _escape(f"{result['id']} {status}", prop=True)
            lines.append(f"::{level} {where},title={title}::{_escape(result['reason'])}")
        for warning in result["warnings"]:
            lines.append(f"::warning {where},title={_escape(result['id'], prop=True)}::{_escape(warning)}")
    for d in doc["documents"]:
        level = "error" if d["status"] in doc["fail_on"] else "warning" if d["status"] == "due-soon" else None
        if level:
            title = _escape(_("{doc} review {status}").format(doc=d["id"], status=d["status"]), prop=True)
            lines.append(f"::{level} file={_escape(d['path'], prop=True)},line=1,title={title}::{_escape(d['reason'])}")
    counts = doc["summary"]["by_status"]
    shown = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    notice = _("{total} checkpoints as of {date}: {counts}")
    lines.append("::notice::" + _escape(notice.format(total=doc["summary"]["total"], date=doc["as_of"], counts=shown)))
    return "\n".join(lines) + "\n"


VERDICT_STYLE = {"met": "green", "missed": "bold red", "no-target": "", "no-data": "yellow", "error": "bold magenta"}


def kpi_text_report(kpis: list[dict[str, Any]], as_of: str, width: int = 140, color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color, highlight=False)
    table = Table(title=_("KPIs as of {date}").format(date=as_of), title_justify="left", expand=True)
    for column in (_("KPI"), _("period"), _("value"), _("target"), _("verdict"), _("numerator / denominator")):
        table.add_column(column)
    for kpi in kpis:
        name = Text(f"{kpi['id']}\n{kpi['title']}")
        if kpi["error"]:
            table.add_row(name, "-", "-", kpi["target"] or "-", _verdict("error"), Text(kpi["error"]))
            continue
        for index, value in enumerate(kpi["values"]):
            shown = "-" if value["value"] is None else f"{value['value']:.2f} {kpi['unit']}".strip()
            ratio = "-" if value["numerator"] is None else f"{value['numerator']:g} / {value['denominator']:g}"
            label = _("{period} (so far)").format(period=value["period"]) if value["partial"] else value["period"]
            row = (
                name if index == 0 else "",
                label,
                shown,
                kpi["target"] or _("monitored"),
                _verdict(value["verdict"]),
                ratio,
            )
            table.add_row(*row)
    console.print(table)
    return buffer.getvalue()


def _verdict(verdict: str) -> Text:
    return Text(_(VERDICT_NAMES.get(verdict, verdict)), style=VERDICT_STYLE.get(verdict, ""))


def kpi_csv_report(kpis: list[dict[str, Any]]) -> str:
    """One row per KPI value; a KPI that could not be computed keeps a row with its error."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["kpi", "title", "period", "value", "unit", "target", "verdict", "numerator", "denominator", "partial"]
        + ["reason", "error"]
    )
    for kpi in kpis:
        head = [kpi["id"], kpi["title"]]
        if kpi["error"]:
            writer.writerow(
                _cells([*head, "", "", kpi["unit"], kpi["target"] or "", "error", "", "", ""] + ["", kpi["error"]])
            )
        for v in kpi["values"]:
            row = [*head, v["period"], v["value"], kpi["unit"], kpi["target"] or "", v["verdict"]]
            row += [v["numerator"], v["denominator"], v["partial"], v.get("reason") or "", ""]
            writer.writerow(_cells(row))
    return buffer.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cells(row: list[Any]) -> list[Any]:
    """Text a spreadsheet would run as a formula (`=HYPERLINK(...)` in a KPI's title) is
    written with a leading apostrophe, which shows it as text; numbers are left as they are."""
    return [f"'{cell}" if isinstance(cell, str) and cell.startswith(_FORMULA_START) else cell for cell in row]
