"""The site's weight: pages that do not grow with their number of siblings, the records of a
type and year on one page, and the progress of a build in the log (the search index is
tested in test_site, on this repository's manual)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_plugins.progress import Progress
from test_site import (
    AS_OF,
    Built,
    content,
    fixture_copy,
    follow,
    ids_in,
    mkdocs_build,
    parse,
    resolve,
    section,
    write_config,
)

SIBLINGS = 40
POLICIES = 5


def add_siblings(root: Path) -> None:
    """Forty more checkpoints on another clause, forty more records of another type, and five
    more policies."""
    policy = (root / "policy/QP-01.md").read_text(encoding="utf-8")
    for n in range(POLICIES):
        text = policy.replace("id: QP-01", f"id: QP-9{n}", 1).replace("doc_no: QP-01", f"doc_no: QP-9{n}", 1)
        text = text.replace("title: 质量管理制度", f"title: 附加制度 {n}", 1)
        (root / f"policy/QP-9{n}.md").write_text(text, encoding="utf-8")
    for n in range(SIBLINGS):
        (root / f"policy/checkpoints/cp-review-{n:02d}.yaml").write_text(
            f"id: cp-review-{n:02d}\nkind: checkpoint\ntitle: 管理评审 {n}\nclause: QP-01#7.3.2\narea: system\n"
            "owner: mgmt-dept\nseverity: minor\nrequires:\n  - evidence: management-review-report\n    every: P1Y\n",
            encoding="utf-8",
        )
        (root / f"evidence/2025/review/MR-2025-{n:02d}.md").write_text(
            f"---\nid: MR-2025-{n:02d}\nkind: evidence\ntitle: 管理评审报告 {n}\ntype: management-review-report\n"
            f"date: 2025-02-{n % 28 + 1:02d}\nowner: quality-group\nparticipants: [quality-group]\n---\n\n摘要 {n}。\n",
            encoding="utf-8",
        )


def build(tmp: Path, name: str, siblings: bool) -> Built:
    root = fixture_copy(tmp, name)
    if siblings:
        add_siblings(root)
    config = write_config(root, "en", f"      as_of: {AS_OF}\n")
    return Built(root, tmp / f"{name}-site", mkdocs_build(config, tmp / f"{name}-site"), "en")


@pytest.fixture(scope="module")
def few_and_many(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, Built]:
    tmp = tmp_path_factory.mktemp("weight")
    return build(tmp, "few", siblings=False), build(tmp, "many", siblings=True)


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The manual with its siblings, ten rows a page in the lists of every checkpoint."""
    tmp = tmp_path_factory.mktemp("paged")
    root = fixture_copy(tmp, "paged")
    add_siblings(root)
    config = write_config(root, "en", f"      as_of: {AS_OF}\n      page_rows: 10\n")
    return Built(root, tmp / "site", mkdocs_build(config, tmp / "site"), "en")


def list_pages(built: Built, first: str, folder: str) -> list[Path]:
    """The pages of a list split over pages, in order, following its pager from the first."""
    pages = [built.page(first)]
    pager = content(parse(pages[0])).first("nav", class_="qms-pager")
    links = [a for a in pager.iter("a")]
    pages += [follow(built.site, pages[0], a) for a in links]
    assert pages[1:] == [built.page(f"{folder}/{n}") for n in range(2, len(pages) + 1)]
    return pages


LISTS = [("traceability", "traceability", 1), ("checkpoints", "checkpoints/all", 0)]


@pytest.mark.parametrize(("first", "folder", "column"), LISTS)
def test_the_lists_of_every_checkpoint_are_split_over_pages_that_link_across(
    paged: Built, first: str, folder: str, column: int
) -> None:
    pages = list_pages(paged, first, folder)
    listed, unchecked = [], []
    for n, path in enumerate(pages, start=1):
        body = content(parse(path))
        assert body.first("h1").text().strip().endswith(f"({n}/{len(pages)})")
        pager = body.first("nav", class_="qms-pager")
        assert [follow(paged.site, path, a) for a in pager.iter("a")] == [p for p in pages if p != path]
        rows = [list(tr.iter("td")) for tr in body.first("table").iter("tr")][1:]
        assert 0 < len(rows) <= 10
        for row in rows:
            if row[column].text().strip() == "no checkpoint":  # the matrix's row of a clause none checks
                unchecked.append(row[0].text().strip())
                continue
            link = row[column].first("a")
            assert follow(paged.site, path, link) == paged.page(f"checkpoints/{link.text().strip()}")
            listed.append(link.text().strip())
    assert sorted(listed) == sorted(r["id"] for r in paged.status["checkpoints"])  # each exactly once
    assert len(pages) == -(-(len(listed) + len(unchecked)) // 10) >= 5
    assert unchecked == (uncovered_view(paged) if first == "traceability" else [])


def uncovered_view(built: Built) -> list[str]:
    """The clauses the uncovered-clause view lists, each linking to its row of the matrix."""
    clauses = []
    first = built.page("traceability/uncovered")
    paged = content(parse(first)).iter("nav", class_="qms-pager")
    pages = list_pages(built, "traceability/uncovered", "traceability/uncovered") if any(paged) else [first]
    for path in pages:
        for tr in list(content(parse(path)).first("table").iter("tr"))[1:]:
            clause, row = list(tr.iter("td"))
            target = follow(built.site, path, row.first("a"))
            assert row.first("a").attrs["href"].split("#")[1] in ids_in(target)
            clauses.append(clause.text().strip())
    return clauses


def test_a_clause_anchor_of_the_matrix_is_on_the_page_of_its_first_row(paged: Built) -> None:
    pages = list_pages(paged, "traceability", "traceability")
    anchors = [i for p in pages for i in ids_in(p) if i.startswith("trace-")]
    clauses = {r["clause"] for r in paged.status["checkpoints"]}
    assert len(anchors) == len(set(anchors)) == len(clauses) + len(uncovered_view(paged))  # each clause once
    assert {"trace-" + c.replace("#", "-") for c in clauses} <= set(anchors)


def primary_nav_links(page: Path) -> list[str]:
    nav = parse(page).first("nav", class_="md-nav--primary")
    return [a.attrs["href"] for a in nav.iter("a") if "href" in a.attrs]


def test_a_page_weighs_the_same_however_many_siblings_it_has(few_and_many: tuple[Built, Built]) -> None:
    few, many = few_and_many
    assert len(many.status["checkpoints"]) == len(few.status["checkpoints"]) + SIBLINGS
    for rel in ("checkpoints/cp-audit", "evidence/2025/internal-audit-report", "roles/quality-group"):
        assert many.page(rel).read_bytes() == few.page(rel).read_bytes(), rel
    # The navigation of every page lists the section indexes, never the pages of single
    # objects, nor the policies (the register of the policies lists them).
    single = re.compile(r"(checkpoints|roles|changes)/[^/]+/|evidence/\d{4}/|QP-\d+/")
    for page in many.html_files():
        links = primary_nav_links(page)
        assert not [h for h in links if single.search(h)], page
        register = many.page("policies")
        assert [h for h in links if (resolve(many.site, page, h) or (None,))[0] == register], page


def test_the_register_of_the_policies_lists_each_with_its_version_and_status(few_and_many: tuple[Built, Built]) -> None:
    _, many = few_and_many
    path = many.page("policies")
    body = content(parse(path))
    assert body.first("h1").text().strip() == "Policies"
    rows = [[td.text().strip() for td in tr.iter("td")] for tr in body.iter("tr")][1:]
    assert [r[0] for r in rows] == ["QP-01", *(f"QP-9{n}" for n in range(POLICIES))]
    assert rows[1][1:4] == ["附加制度 0", "V1.1", "effective"]
    for tr in list(body.iter("tr"))[1:]:
        link = tr.first("a")
        assert follow(many.site, path, link) == many.page(link.text().strip())


def test_the_records_of_a_type_and_year_are_sections_of_one_page(few_and_many: tuple[Built, Built]) -> None:
    _, many = few_and_many
    page = many.page("evidence/2025/management-review-report")
    body = content(parse(page))
    dates = {"MR-2025": "2025-01-15", **{f"MR-2025-{n:02d}": f"2025-02-{n % 28 + 1:02d}" for n in range(SIBLINGS)}}
    assert [h.attrs["id"] for h in body.iter("h2")] == sorted(dates, key=lambda i: (dates[i], i))  # oldest first
    record = section(body, "MR-2025-07")
    assert "2025-02-08" in record[0].text()
    assert "摘要 7。" in " ".join(n.text() for n in record)
    years = section(content(parse(many.page("evidence"))), "type-management-review-report")[-1]
    assert [[c.text() for c in tr.iter("td")] for tr in years.iter("tr")][1:] == [["2025", "41"]]


def test_a_build_logs_its_phases_with_counts_and_times(few_and_many: tuple[Built, Built]) -> None:
    _, many = few_and_many
    log = many.result.stderr
    checkpoints = len(many.status["checkpoints"])
    assert f"qms: evaluated as of {AS_OF}: {checkpoints} checkpoints, 0 KPIs (" in log
    for phase in ("loaded the manual", "generated", "converted from Markdown", "built the site"):
        assert f"qms: {phase}: " in log
    pages = len(many.html_files())
    assert f"qms: rendered with the theme: {pages} of {pages} pages (" in log


def test_long_passes_report_each_quarter() -> None:
    said: list[str] = []
    ticks = iter(range(1000))
    progress = Progress(said.append, clock=lambda: float(next(ticks)))
    progress.start_pages("{done} of {total} ({seconds:.0f} s)", 400)
    for _ in range(400):
        progress.page()
    assert [s.split(" (")[0] for s in said] == ["100 of 400", "200 of 400", "300 of 400", "400 of 400"]
    said.clear()
    progress.start_pages("{done} of {total} ({seconds:.0f} s)", 12)
    for _ in range(12):
        progress.page()
    assert [s.split(" (")[0] for s in said] == ["12 of 12"]  # a short pass: one line


def test_the_traceability_matrix_names_a_few_records_and_counts_the_rest(few_and_many: tuple[Built, Built]) -> None:
    _, many = few_and_many
    path = many.page("traceability")
    row = next(tr for tr in content(parse(path)).iter("tr") if "cp-review-00" in tr.text())
    evidence = list(row.iter("td"))[2]
    used = next(r for r in many.status["checkpoints"] if r["id"] == "cp-review-00")["evidence"]
    assert len(used) == SIBLINGS + 1
    links = list(evidence.iter("a"))
    assert [a.text() for a in links[:-1]] == [e["id"] for e in used[:5]]
    assert links[-1].text() == f"{SIBLINGS + 1 - 5} more"
    assert follow(many.site, path, links[-1]) == many.page("checkpoints/cp-review-00")
    assert links[-1].attrs["href"].endswith("#evidence")


def test_references_in_record_texts_link_and_an_unknown_one_names_the_record(tmp_path: Path) -> None:
    root = fixture_copy(tmp_path, "manual")
    record = root / "evidence/2025/audit/IAR-2025.md"
    record.write_text(record.read_text(encoding="utf-8") + "\n依据 [[cp-audit]] 执行。\n", encoding="utf-8")
    config = write_config(root, "en", f"      as_of: {AS_OF}\n")
    built = Built(root, tmp_path / "site", mkdocs_build(config, tmp_path / "site"), "en")
    page = built.page("evidence/2025/internal-audit-report")
    link = next(a for n in section(content(parse(page)), "IAR-2025") for a in n.iter("a") if a.text() == "cp-audit")
    assert follow(built.site, page, link) == built.page("checkpoints/cp-audit")

    record.write_text(record.read_text(encoding="utf-8") + "\n另见 [[cp-nowhere]]。\n", encoding="utf-8")
    result = mkdocs_build(config, tmp_path / "site2")
    assert result.returncode != 0
    assert "evidence/2025/audit/IAR-2025.md: reference [[cp-nowhere]] names no object of the manual" in result.stderr
