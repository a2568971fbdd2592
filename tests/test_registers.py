"""The registers people look for: `qms list nc|waivers|due`, the site's nonconformity register
with the days each open item is late, the traceability matrix with every clause (uncovered ones
too), and the templates `qms new` and `qms init` give for nonconformities, waivers and editors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from lxml import html as lxml_html

from conftest import REPO, run_qms


def _close_nothing(root: Path) -> None:
    """The fixture's nonconformity (due 2025-06-30) left open: it is late from July."""
    path = root / "evidence/2025/audit/NC-2025-01.yaml"
    kept = [line for line in path.read_text("utf-8").splitlines() if not line.startswith(("closed", "verified"))]
    path.write_text("\n".join(kept).replace("status: verified", "status: open") + "\n", encoding="utf-8")


def listed(root: Path, *args: str) -> dict:
    done = run_qms("--root", root, "list", *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# --------------------------------------------------------------------------- qms list


def test_list_nc_shows_each_nonconformity_as_it_stood_on_the_date(minimal: Path) -> None:
    before_found = listed(minimal, "nc", "--as-of", "2025-04-01")  # the audit that found it is dated 04-20
    assert before_found["entries"] == []
    open_then = listed(minimal, "nc", "--as-of", "2025-06-01")["entries"]
    assert [(e["id"], e["state"], e["days_late"]) for e in open_then] == [("NC-2025-01", "open", None)]
    closed_then = listed(minimal, "nc", "--as-of", "2025-06-15")["entries"]
    assert closed_then[0]["state"] == "closed"  # closed 06-10, verified only on 06-20
    assert listed(minimal, "nc", "--as-of", "2025-12-31")["entries"][0]["state"] == "verified"

    _close_nothing(minimal)
    late = listed(minimal, "nc", "--as-of", "2025-08-01")["entries"]
    assert [(e["id"], e["state"], e["days_late"], e["owner"]) for e in late] == [
        ("NC-2025-01", "open", 32, "mgmt-dept")
    ]
    text = run_qms("--root", minimal, "list", "nc", "--as-of", "2025-08-01")
    assert text.returncode == 0 and "NC-2025-01" in text.stdout and "32 days late" in text.stdout
    assert listed(minimal, "nc", "--as-of", "2025-08-01", "--owner", "quality-group")["entries"] == []
    assert listed(minimal, "nc", "--as-of", "2025-05-01", "--within", "30")["entries"] == []  # due in 60 days
    assert len(listed(minimal, "nc", "--as-of", "2025-06-01", "--within", "30")["entries"]) == 1


def test_list_waivers_tells_which_are_in_force(minimal: Path) -> None:
    def state(as_of: str) -> list[tuple[str, str, int | None]]:
        return [(e["id"], e["state"], e["days_left"]) for e in listed(minimal, "waivers", "--as-of", as_of)["entries"]]

    assert state("2026-02-01") == [("w-2026", "not-granted", None)]
    assert state("2026-06-01") == [("w-2026", "active", 30)]
    assert state("2026-07-01") == [("w-2026", "expired", None)]  # as the evaluation reads `expires`
    assert listed(minimal, "waivers", "--as-of", "2026-03-01", "--within", "30")["entries"] == []
    assert len(listed(minimal, "waivers", "--as-of", "2026-06-15", "--within", "30")["entries"]) == 1
    owner = listed(minimal, "waivers", "--as-of", "2026-06-01")["entries"][0]["owner"]
    assert owner == "quality-group"  # the waived checkpoint's owner


def test_list_due_is_what_todo_lists(minimal: Path) -> None:
    todo = run_qms("--root", minimal, "todo", "--as-of", "2026-03-20", "--within", "60", "--format", "json")
    assert todo.returncode == 0, todo.stderr
    expected = sorted(
        (i["due"], i["id"]) for owner in json.loads(todo.stdout)["owners"] for i in owner["overdue"] + owner["due_soon"]
    )
    found = listed(minimal, "due", "--as-of", "2026-03-20", "--within", "60")["entries"]
    assert expected and sorted((e["due"], e["id"]) for e in found) == expected


def test_list_refuses_unknown_owners_and_writes_no_source(minimal: Path) -> None:
    unknown = run_qms("--root", minimal, "list", "nc", "--owner", "mgmt-dep")
    assert unknown.returncode == 2 and "unknown role 'mgmt-dep'" in unknown.stderr and "mgmt-dept" in unknown.stderr
    policy = minimal / "policy/QP-01.md"
    before = policy.read_bytes()
    refused = run_qms("--root", minimal, "list", "nc", "--output", policy)
    assert refused.returncode == 2 and policy.read_bytes() == before


# --------------------------------------------------------------------------- the site


def _build(root: Path, as_of: str) -> Path:
    (root / "mkdocs.yml").write_text(
        "site_name: Fixture\ndocs_dir: policy\ntheme: {name: material, language: en, font: false}\n"
        f"plugins:\n  - search\n  - qms:\n      as_of: '{as_of}'\n",
        encoding="utf-8",
    )
    site = root.parent / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return site


def test_the_site_registers_show_late_items_and_uncovered_clauses(minimal: Path) -> None:
    _close_nothing(minimal)
    site = _build(minimal, "2025-08-01")
    page = lxml_html.fromstring((site / "nonconformities/index.html").read_text("utf-8"))
    [warning] = page.xpath("//div[contains(@class, 'admonition') and contains(@class, 'failure')]")
    assert "1 open past their due date" in warning.text_content()
    assert [a.get("href") for a in warning.iter("a")] == ["../roles/mgmt-dept/"]  # whose it is
    [row] = [tr for tr in page.iter("tr") if "NC-2025-01" in tr.text_content()]
    headers = [th.text_content() for th in page.iter("th")]
    assert [td.text_content() for td in row.iter("td")][headers.index("Days overdue")] == "32"

    matrix = lxml_html.fromstring((site / "traceability/index.html").read_text("utf-8"))
    rows = [[td.text_content().strip() for td in tr.iter("td")] for tr in list(matrix.iter("tr"))[1:]]
    clauses = [r[0] for r in rows if r[0]]
    assert clauses == ["QP-01 1 目的", "QP-01 7 质量管理要求", "QP-01 7.3 体系的质量管理要求"] + [
        "QP-01 7.3.1 内审要求",
        "QP-01 7.3.2 管理评审要求",
    ]
    assert rows[3][1].startswith("cp-audit") and rows[4][1] == "no checkpoint"
    [view] = [a.get("href") for a in matrix.iter("a") if a.text_content() == "Clauses without a checkpoint: 4"]
    uncovered = lxml_html.fromstring((site / "traceability" / view / "index.html").read_text("utf-8"))
    listed = [tr.xpath("td[1]")[0].text_content() for tr in list(uncovered.iter("tr"))[1:]]
    assert listed == ["QP-01 1 目的", "QP-01 7 质量管理要求", "QP-01 7.3 体系的质量管理要求"] + [
        "QP-01 7.3.2 管理评审要求"
    ]

    early = _build(minimal, "2025-04-01")  # before the audit that found it
    assert "NC-2025-01" not in (early / "nonconformities/index.html").read_text("utf-8")


# --------------------------------------------------------------------------- qms new


def test_new_nonconformity_and_waiver_from_their_templates(minimal: Path) -> None:
    made = run_qms(
        "--root", minimal, "new", "nonconformity", "--id", "NC-2026-01", "--title", "备件账实不符",
        "--owner", "mgmt-dept", "--due", "2026-06-30", "--date", "2026-04-22",
        "--found-in", "IAR-2025", "--clause", "QP-01#7.3.1",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    nc = minimal / "evidence/2026/audit/NC-2026-01.yaml"  # beside the manual's other nonconformity
    assert made.stdout.strip() == "evidence/2026/audit/NC-2026-01.yaml"
    assert "fill in: description" in made.stderr
    incomplete = run_qms("--root", minimal, "validate")
    assert incomplete.returncode == 2 and "NC-2026-01.yaml" in incomplete.stdout + incomplete.stderr
    nc.write_text(nc.read_text("utf-8").replace("# description:", "description: 2 块硬盘账实不符 #"), "utf-8")
    assert run_qms("--root", minimal, "validate").returncode == 0
    assert listed(minimal, "nc", "--as-of", "2026-07-10")["entries"][-1]["days_late"] == 10

    waiver = run_qms(
        "--root", minimal, "new", "waiver", "--id", "w-2027", "--title", "2027 年内审延期",
        "--checkpoint", "cp-audit", "--approved-by", "张总", "--expires", "2027-07-01", "--date", "2027-03-01",
    )  # fmt: skip
    assert waiver.returncode == 0, waiver.stderr
    written = minimal / "policy/waivers/w-2027.yaml"
    assert "fill in: reason" in waiver.stderr
    written.write_text(written.read_text("utf-8").replace("# reason:", "reason: 组织调整 #"), "utf-8")
    assert run_qms("--root", minimal, "validate").returncode == 0

    lacking = run_qms("--root", minimal, "new", "waiver", "--id", "w-x", "--title", "x", "--checkpoint", "cp-audit")
    assert lacking.returncode == 2 and "--approved-by, --expires" in lacking.stderr
    typo = run_qms(
        "--root", minimal, "new", "waiver", "--id", "w-x", "--title", "x", "--checkpoint", "cp-adit",
        "--approved-by", "张总", "--expires", "2027-07-01",
    )  # fmt: skip
    assert typo.returncode == 2 and "did you mean 'cp-audit'" in typo.stderr
    assert not (minimal / "policy/waivers/w-x.yaml").exists()


def test_new_records_go_where_the_manual_keeps_their_type(tmp_path: Path) -> None:
    root = tmp_path / "manual"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", ".venv*", "site", "tests", "checks"))
    made = run_qms(
        "--root", root, "new", "incident-log", "--id", "INC-2027-01", "--title", "2027 年 1 月事件台账",
        "--owner", "ops-dept", "--date", "2027-02-01",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "evidence/2027/incidents/INC-2027-01.md"  # as 2025 and 2026 keep them


# --------------------------------------------------------------------------- editors


def test_schema_write_and_the_editor_settings_init_makes(tmp_path: Path) -> None:
    target = tmp_path / "acme"
    assert run_qms("init", target, "--date", "2026-01-05").returncode == 0
    settings = json.loads((target / ".vscode/settings.json").read_text("utf-8"))["yaml.schemas"]
    checked = 0
    for schema_path, globs in settings.items():
        schema = json.loads((target / schema_path).read_text("utf-8"))
        for pattern in globs:
            for file in target.glob(pattern):
                jsonschema.validate(yaml.safe_load(file.read_text("utf-8")), schema)  # the right schema
                checked += 1
    assert checked >= 8  # the template's checkpoints, KPI, roles and evidence types
    assert {"checkpoint", "role", "kpi", "evidence-type", "waiver"} <= {
        Path(p).name.removesuffix(".schema.json") for p in settings
    }

    rewritten = run_qms("--root", target, "schema", "--write", target / "schemas")
    assert rewritten.returncode == 0 and "wrote 11 schemas" in rewritten.stdout
    theirs = target / "schemas/role.schema.json"
    theirs.write_text('{"title": "ours"}', encoding="utf-8")
    refused = run_qms("--root", target, "schema", "--write", target / "schemas")
    assert refused.returncode == 2 and "not a schema qms wrote" in refused.stderr
    assert theirs.read_text("utf-8") == '{"title": "ours"}'
    inside = run_qms("--root", target, "schema", "--write", target / "policy/schemas")
    assert inside.returncode == 2 and not (target / "policy/schemas").exists()


@pytest.mark.parametrize("args", [["schema"], ["schema", "role", "--write", "x"]])
def test_schema_usage_errors(tmp_path: Path, args: list[str]) -> None:
    done = run_qms("--root", tmp_path, *args)
    assert done.returncode == 2 and "Traceback" not in done.stderr
