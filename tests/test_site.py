"""The published site: real `mkdocs build --strict` runs, checked with an HTML parser."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import FIXTURES, REPO, run_qms
from tools.english_text import site_runs

AS_OF = "2025-12-31"
XSS = "<script>alert(1)</script>"
STATUSES = ("pass", "fail", "missing", "stale", "due-soon", "waived", "error")
STATUS_LABELS = {
    "en": dict(zip(STATUSES, ("Pass", "Fail", "Missing", "Stale", "Due soon", "Waived", "Error"), strict=True)),
    "zh": dict(zip(STATUSES, ("通过", "不符合", "缺失", "过期", "即将到期", "已豁免", "错误"), strict=True)),
}
WORST_FIRST = ("error", "fail", "missing", "stale", "due-soon", "waived", "pass")


# --- a small DOM on the standard library's HTML parser ---------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, tag: str | None = None, **attrs: str) -> Iterator[Node]:
        """Descendants with this tag whose attributes match (class_="x": one of the classes is x)."""
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and all(child.has(k.rstrip("_"), v) for k, v in attrs.items()):
                    yield child
                yield from child.iter(tag, **attrs)

    def has(self, name: str, value: str) -> bool:
        found = self.attrs.get(name)
        return found is not None and (found == value or (name == "class" and value in found.split()))

    def first(self, tag: str | None = None, **attrs: str) -> Node:
        found = next(self.iter(tag, **attrs), None)
        assert found is not None, f"no <{tag} {attrs}>"
        return found

    def by_id(self, element_id: str) -> Node | None:
        return next((n for n in self.iter() if n.attrs.get("id") == element_id), None)


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(path: Path) -> Node:
    builder = TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    return builder.root


@functools.cache
def ids_in(path: Path) -> frozenset[str]:
    return frozenset(n.attrs["id"] for n in parse(path).iter() if "id" in n.attrs)


def content(page: Node) -> Node:
    return page.first("article")


def resolve(site: Path, page: Path, href: str) -> tuple[Path, str] | None:
    """The built file a relative link points to, and its fragment (None for other hosts)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("/"):
        return None
    target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def follow(site: Path, page: Path, link: Node) -> Path:
    """Follow a link, asserting that its file and its anchor exist."""
    resolved = resolve(site, page, link.attrs["href"])
    assert resolved is not None, link.attrs["href"]
    target, fragment = resolved
    assert target.is_file(), f"{page.relative_to(site)}: {link.attrs['href']} -> missing {target}"
    assert target.resolve().is_relative_to(site.resolve())
    if fragment and target.suffix == ".html":
        assert fragment in ids_in(target), f"{page}: no #{fragment} in {target}"
    return target


def table_rows(table: Node) -> list[list[Node]]:
    return [list(tr.iter("td")) or list(tr.iter("th")) for tr in table.iter("tr")]


def section(page: Node, anchor: str) -> list[Node]:
    """The elements after the heading with this id, up to the next heading of its level."""
    heading = page.by_id(anchor)
    assert heading is not None and heading.parent is not None, anchor
    siblings = [c for c in heading.parent.children if isinstance(c, Node)]
    out = []
    for node in siblings[siblings.index(heading) + 1 :]:
        if node.tag == heading.tag:
            break
        out.append(node)
    return out


# --- building ------------------------------------------------------------------------------


def mkdocs_build(config: Path, site: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )


def write_config(root: Path, language: str, plugin: str, top: str = "") -> Path:
    config = root / "mkdocs.yml"
    config.write_text(
        "site_name: Fixture manual\n"
        "docs_dir: policy\n"
        f"{top}"
        f"theme: {{name: material, language: {language}, font: false, features: [navigation.prune]}}\n"
        "plugins:\n"
        "  - search\n"
        f"  - qms:\n{plugin}",
        encoding="utf-8",
    )
    return config


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def fixture_copy(tmp: Path, name: str) -> Path:
    root = tmp / name
    shutil.copytree(FIXTURES / "minimal", root)
    return root


class Built:
    def __init__(self, root: Path, site: Path, result: subprocess.CompletedProcess[str], language: str) -> None:
        self.root, self.site, self.result, self.language = root, site, result, language
        assert result.returncode == 0, result.stderr[-4000:]
        status = site / "status.json"
        self.status = json.loads(status.read_text(encoding="utf-8")) if status.is_file() else {}

    def page(self, rel: str) -> Path:
        """A page's file, with directory URLs (rel/index.html) or without (rel.html)."""
        for path in (self.site / rel / "index.html", self.site / f"{rel}.html"):
            if path.is_file():
                return path
        raise AssertionError(f"no page {rel} in {self.site}")

    def html_files(self) -> list[Path]:
        return sorted(p for p in self.site.rglob("*.html") if p.name != "404.html")


@pytest.fixture(scope="module")
def en_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The fixture manual in English, with hostile titles and references in the policy text."""
    tmp = tmp_path_factory.mktemp("en")
    root = fixture_copy(tmp, "manual")
    edit(root / "policy/checkpoints/cp-audit.yaml", "title: 每年 4 月进行内审", f'title: "内审 | 每年 {XSS}"')
    edit(root / "evidence/2025/audit/IAR-2025.md", "title: 2025 年内审报告", f'title: "2025 年内审报告 {XSS}"')
    edit(root / "evidence/2025/audit/NC-2025-01.yaml", "title: 服务报告未按时提交", f'title: "服务报告 {XSS}"')
    edit(root / "policy/QP-01.md", "title: 质量管理制度", f'title: "质量管理制度 {XSS}"')
    edit(root / "policy/QP-01.md", "为确保运维服务质量", "见 [[cp-audit]] 与 [[IAR-2025|内审报告]]。为确保运维服务质量")
    config = write_config(root, "en", f"      as_of: {AS_OF}\n")  # an unquoted YAML date
    return Built(root, tmp / "site", mkdocs_build(config, tmp / "site"), "en")


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The fixture manual in Chinese, evaluated in March when the April audit is coming up,
    with plain .html links (use_directory_urls: false)."""
    tmp = tmp_path_factory.mktemp("zh")
    root = fixture_copy(tmp, "manual")
    config = write_config(root, "zh", '      as_of: "2025-03-15"\n', top="use_directory_urls: false\n")
    return Built(root, tmp / "site", mkdocs_build(config, tmp / "site"), "zh")


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """This repository's own manual, as `mkdocs build --strict` publishes it."""
    site = tmp_path_factory.mktemp("repo") / "site"
    result = mkdocs_build(REPO / "mkdocs.yml", site, env={"QMS_AS_OF": AS_OF})
    return Built(REPO, site, result, "zh")


def cli_document(root: Path, as_of: str) -> dict:
    result = run_qms("--root", root, "check", "--as-of", as_of, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["en_site", "zh_site", "repo_site"])
def test_status_json_is_what_qms_check_says(name: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(name)
    assert "WARNING" not in built.result.stderr
    cli = cli_document(built.root, built.status["as_of"])
    assert built.status["summary"] == cli["summary"]
    assert [(r["id"], r["status"]) for r in built.status["checkpoints"]] == [
        (r["id"], r["status"]) for r in cli["checkpoints"]
    ]
    assert len(built.status["trend"]) == 13  # twelve month ends and the evaluation date


@pytest.mark.parametrize("name", ["en_site", "repo_site"])
def test_clause_headings_carry_the_worst_status_of_their_checkpoints(name: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(name)
    by_clause: dict[str, list[str]] = {}
    for result in built.status["checkpoints"]:
        by_clause.setdefault(result["clause"], []).append(result["status"])
    badges = 0
    for doc_id in sorted({clause.partition("#")[0] for clause in by_clause}):
        path = built.page(doc_id)  # policies are named by their id
        for heading in content(parse(path)).iter():
            if heading.tag[:1] != "h" or not heading.attrs.get("id", "").startswith("clause-"):
                continue
            statuses = by_clause.get(f"{doc_id}#{heading.attrs['id'].removeprefix('clause-')}")
            found = list(heading.iter("span", class_="qms-badge"))
            if not statuses:
                assert not found, f"{heading.attrs['id']} of {doc_id} has no checkpoints but a badge"
                continue
            worst = min(statuses, key=WORST_FIRST.index)
            assert len(found) == 1
            assert STATUS_LABELS[built.language][worst] in found[0].text()
            assert f"qms-{worst}" in found[0].attrs["class"]
            assert found[0].first("span", class_="qms-icon").text().strip()  # an icon, never colour alone
            follow(built.site, path, heading.first("a", class_="qms-badge-link"))
            badges += 1
    assert badges == len(by_clause)


def test_an_auditor_follows_clause_to_checkpoint_to_evidence_to_file(en_site: Built) -> None:
    site = en_site.site
    policy = en_site.page("QP-01")
    heading = parse(policy).by_id("clause-7.3.1")
    assert heading is not None and heading.text().startswith("7.3.1 内审要求")
    checkpoint = follow(site, policy, heading.first("a", class_="qms-badge-link"))
    assert checkpoint == en_site.page("checkpoints/cp-audit")
    page = content(parse(checkpoint))
    clause_link = next(a for a in page.iter("a") if a.attrs["href"].endswith("#clause-7.3.1"))
    assert follow(site, checkpoint, clause_link) == policy
    evidence_link = next(a for a in page.iter("a") if a.text() == "IAR-2025")
    assert evidence_link.attrs["href"].endswith("#IAR-2025")  # the record's own section
    evidence = follow(site, checkpoint, evidence_link)
    assert evidence == en_site.page("evidence/2025/internal-audit-report")  # the records of its type and year
    record = section(content(parse(evidence)), "IAR-2025")
    attachments = next(t for n in record for t in n.iter("table", class_="qms-attachments"))
    name, size, digest = table_rows(attachments)[1]
    attachment = follow(site, evidence, name.first("a"))
    source = en_site.root / "evidence/2025/audit/report.txt"
    assert attachment.read_bytes() == source.read_bytes()
    assert size.text() == f"{source.stat().st_size} B"
    assert digest.text() == "1e6a3190ef266ffffba72b6de816af71576df0d91c390629fae7a7262a48cfb9"


@pytest.mark.parametrize("name", ["en_site", "zh_site", "repo_site"])
def test_every_link_and_asset_is_local_and_resolves(name: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(name)
    for path in built.html_files():
        page = parse(path)
        for tag, attribute in (("link", "href"), ("script", "src"), ("img", "src")):
            for node in page.iter(tag):
                url = node.attrs.get(attribute)
                if url:
                    assert resolve(built.site, path, url) is not None, f"{path}: {tag} from another host: {url}"
        for link in content(page).iter("a"):
            href = link.attrs.get("href", "")
            if href and resolve(built.site, path, href) is not None:
                follow(built.site, path, link)
        assert "fonts.googleapis.com" not in path.read_text(encoding="utf-8")


def test_titles_from_the_manual_are_escaped(en_site: Built) -> None:
    for path in en_site.html_files():
        assert "<script>alert" not in path.read_text(encoding="utf-8"), path
    pages = (
        "checkpoints/cp-audit",
        "checkpoints",
        "evidence/2025/internal-audit-report",
        "nonconformities",
        "traceability",
    )
    for rel in pages:
        page = parse(en_site.page(rel))
        assert XSS in content(page).text(), rel  # shown as text
    row = table_rows(content(parse(en_site.page("checkpoints"))).first("table"))[1]
    assert row[1].text() == f"内审 | 每年 {XSS}"  # the `|` did not split the cell
    for svg in (en_site.site / "badges").glob("*.svg"):
        ET.fromstring(svg.read_text(encoding="utf-8"))


def test_references_in_policy_text_become_links(en_site: Built) -> None:
    path = en_site.page("QP-01")
    links = {a.text(): a for a in content(parse(path)).iter("a")}
    assert follow(en_site.site, path, links["cp-audit"]) == en_site.page("checkpoints/cp-audit")
    assert links["内审报告"].attrs["href"].endswith("#IAR-2025")
    assert follow(en_site.site, path, links["内审报告"]) == en_site.page("evidence/2025/internal-audit-report")


def test_an_unknown_reference_fails_the_strict_build_naming_the_file(tmp_path: Path) -> None:
    root = fixture_copy(tmp_path, "manual")
    edit(root / "policy/QP-01.md", "为确保运维服务质量", "见 [[cp-nowhere]]。为确保运维服务质量")
    result = mkdocs_build(write_config(root, "en", f"      as_of: {AS_OF}\n"), tmp_path / "site")
    assert result.returncode != 0
    assert "policy/QP-01.md: reference [[cp-nowhere]] names no object of the manual" in result.stderr


def test_policy_pages_show_document_control_and_revisions(en_site: Built) -> None:
    page = content(parse(en_site.page("QP-01")))
    control = page.first("table", class_="qms-doc-control")
    cells = {th.text(): td for th, td in zip(control.iter("th"), control.iter("td"), strict=True)}
    assert cells["Document no."].text() == "QP-01"
    assert cells["Version"].text() == "V1.1"
    assert cells["Owner"].text() == "质量管理组"
    assert cells["Approved by"].text() == "张总"
    assert cells["Effective"].text() == "2025-01-08"
    assert cells["Next review due"].text() == "2026-01-08"
    assert "Pass" in cells["Compliance"].text()
    for document in en_site.status.get("documents", []):  # checks' review status of the document
        assert STATUS_LABELS["en"][document["status"]] in cells["Review"].text()
        assert cells["Next review due"].text() == document["next_review"]
    revisions = table_rows(section(page, "qms-revisions")[0])
    assert [c.text() for c in revisions[0]][:2] == ["Version", "Author"]
    assert [r[0].text() for r in revisions[1:]] == ["V1.0", "V1.1"]


def test_manual_source_files_are_not_published(en_site: Built) -> None:
    assert not list(en_site.site.rglob("*.yaml"))
    assert (en_site.site / "checkpoints/cp-audit/index.html").is_file()


def test_checkpoint_page_states_the_rule_periods_and_remedy(en_site: Built) -> None:
    page = content(parse(en_site.page("checkpoints/cp-audit")))
    rule = " ".join(n.text() for n in section(page, "rule"))
    assert "At least 1 record(s) of 内审报告 every year, due by 04-30 each year" in rule
    assert "audited_departments includes every role with the activity “运维服务实施”" in rule
    periods = table_rows(section(page, "periods")[0])
    assert [c.text().strip() for c in periods[1][:4]] == ["2025", "2025-01-01", "2025-04-30", "2025-04-30"]
    assert "Pass" in periods[1][4].text()
    assert "完成内审并提交内审报告。" in " ".join(n.text() for n in section(page, "remedy"))


def test_suspect_records_are_flagged_on_their_checkpoint_and_record(repo_site: Built) -> None:
    for result in repo_site.status["checkpoints"]:
        if not result.get("suspect"):
            continue
        page = content(parse(repo_site.page(f"checkpoints/{result['id']}")))
        flag = page.first("span", class_="qms-suspect")
        assert flag.parent is not None and all(r in flag.parent.text() for r in result["suspect"])
        link = next(a for a in flag.parent.iter("a") if a.text() == result["suspect"][0])
        target = follow(repo_site.site, repo_site.page(f"checkpoints/{result['id']}"), link)
        record = section(content(parse(target)), result["suspect"][0])
        marks = [n for node in record for n in node.iter("span", class_="qms-suspect")]
        assert marks and marks[0].parent is not None and result["id"] in marks[0].parent.text()


def test_raci_matrix_has_the_letters_of_the_duties(en_site: Built) -> None:
    rows = table_rows(content(parse(en_site.page("raci"))).first("table"))
    header = [c.text() for c in rows[0]]
    cells = {r[0].text(): {header[i]: c.text() for i, c in enumerate(r)} for r in rows[1:]}
    assert cells["运维服务实施"]["综合管理部"] == "R"
    assert cells["内部审核"]["质量管理组"] == "R"
    assert cells["内部审核"]["综合管理部"] == ""


def test_role_page_lists_duties_and_what_the_role_owns(en_site: Built) -> None:
    page = content(parse(en_site.page("roles/quality-group")))
    duties = table_rows(section(page, "duties")[0])
    assert duties[1][0].text() == "负责组织每年至少一次的内审。"
    assert duties[1][1].text() == "QP-01 7.3.1"
    assert "Pass" in " ".join(n.text() for n in section(page, "checkpoints"))


def test_roles_index_lists_the_members_with_their_days_in_the_role(en_site: Built) -> None:
    rows = table_rows(content(parse(en_site.page("roles"))).first("table"))
    members = {r[1].text(): r[3].text() for r in rows[1:]}
    assert members["general-manager"] == "张总 (–2025-12-31), 张远明 (2026-01-01–)"
    assert members["quality-group"] == "王工, 吴工, 吴艳"  # the older form: a list of names


def test_kpi_page_shows_every_value_with_a_chart(repo_site: Built) -> None:
    page = content(parse(repo_site.page("kpis")))
    assert repo_site.status["kpis"]
    for kpi in repo_site.status["kpis"]:
        nodes = section(page, f"kpi-{kpi['id']}")
        assert not kpi["error"], kpi["error"]
        assert [svg for n in nodes for svg in n.iter("svg", class_="qms-chart")]
        values = next(n for n in nodes if n.tag == "table" and n.first("th").text() == "期间")
        shown = {r[0].text().removesuffix("（截至评价日）"): r[3].text() for r in table_rows(values)[1:]}
        assert set(shown) == {v["period"] for v in kpi["values"]}
        for value in kpi["values"]:
            if value["value"] is None:
                assert shown[value["period"]] == "—"
            else:
                number = float(shown[value["period"]].removesuffix(kpi["unit"]).strip())
                assert number == pytest.approx(value["value"], abs=0.005), (kpi["id"], value)


def test_dashboard_shows_counts_trend_and_what_is_due(zh_site: Built, repo_site: Built) -> None:
    page = content(parse(zh_site.site / "index.html"))
    assert list(page.iter("svg", class_="qms-chart"))
    tiles = {
        tile.first("span", class_="qms-badge").text().strip()[2:]: tile.first("span", class_="qms-tile-number").text()
        for tile in page.first("div", class_="qms-tiles").iter("div", class_="qms-tile")
    }
    counts = zh_site.status["summary"]["by_status"]
    assert tiles == {STATUS_LABELS["zh"][s]: str(n) for s, n in counts.items() if n}
    due = " ".join(n.text() for n in section(page, "qms-due"))
    assert "cp-audit" in due and "2025-04-30" in due  # the April audit is due within 60 days
    assert "○ 已安排" in due  # and so is the plan's April activity, which no checkpoint follows
    repo = content(parse(repo_site.site / "index.html"))
    assert len(list(repo.iter("div", class_="qms-kpi-tile"))) == len(repo_site.status["kpis"])


@pytest.mark.parametrize(("name", "kinds"), [("repo_site", {"document"}), ("zh_site", {"checkpoint", "plan"})])
def test_the_dashboard_lists_what_is_due_as_todo_and_the_calendars_do(
    name: str, kinds: set[str], request: pytest.FixtureRequest
) -> None:
    from checks import load_manual
    from checks.evaluating.duedates import due_items

    built: Built = request.getfixturevalue(name)
    start = dt.date.fromisoformat(built.status["as_of"])
    items = due_items(load_manual(built.root).manual, built.status)
    window = [i for i in items if start <= i.due <= start + dt.timedelta(days=60)]  # due_days' default
    assert {i.kind for i in window} >= kinds
    nodes = section(content(parse(built.site / "index.html")), "qms-due")
    rows = [row for node in nodes for row in node.iter("tr") if next(row.iter("td"), None) is not None]
    assert sorted(row.first("td").text().strip() for row in rows) == sorted(i.due.isoformat() for i in window)
    shown = " ".join(row.text() for row in rows)
    assert all(i.name in shown for i in window)


def test_svg_badges_for_every_checkpoint_and_the_manual(repo_site: Built) -> None:
    badges = repo_site.site / "badges"
    for result in repo_site.status["checkpoints"]:
        svg = ET.fromstring((badges / f"{result['id']}.svg").read_text(encoding="utf-8"))
        title = svg.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and STATUS_LABELS["zh"][result["status"]] in (title.text or "")
    manual = (badges / "manual.svg").read_text(encoding="utf-8")
    assert "质量手册" in manual and "Noto Sans CJK SC" in manual


LANGUAGES = [("en_site", ("Checkpoints", "Evidence", "Pass")), ("zh_site", ("检查点", "证据", "通过"))]


@pytest.mark.parametrize(("name", "words"), LANGUAGES)
def test_labels_follow_the_theme_language(
    name: str, words: tuple[str, str, str], request: pytest.FixtureRequest
) -> None:
    built: Built = request.getfixturevalue(name)
    checkpoints, evidence, passed = words
    index = content(parse(built.page("checkpoints")))
    assert index.first("h1").text().strip() == checkpoints
    assert passed in index.first("span", class_="qms-badge").text()
    assert content(parse(built.page("evidence"))).first("h1").text().strip() == evidence
    nav = parse(built.site / "index.html").first("nav", class_="md-nav--primary").text()
    assert checkpoints in nav and evidence in nav


def test_the_chinese_site_has_no_english_sentence(repo_site: Built) -> None:
    """This manual (zh) outside ids, code, file paths, URLs, numbers and a few names
    (tests/tools/english_text.py): reasons, labels, MkDocs' and Material's own words, the 404 page."""
    built = repo_site
    found = site_runs(built.site)
    assert not found, "\n".join(f"{page}: {run}" for page, runs in found.items() for run in dict.fromkeys(runs))
    assert built.status["language"] == "zh"
    assert all(re.search(r"[\u4e00-\u9fff]", r["reason"]) for r in built.status["checkpoints"])


def test_generate_option_leaves_out_pages_and_their_links(tmp_path: Path) -> None:
    root = fixture_copy(tmp_path, "manual")
    config = write_config(root, "en", f"      as_of: {AS_OF}\n      generate: [checkpoints, policies]\n")
    built = Built(root, tmp_path / "site", mkdocs_build(config, tmp_path / "site"), "en")  # strict: no broken link
    page = content(parse(built.page("checkpoints/cp-audit")))
    assert "IAR-2025" in page.text()
    assert not [a for a in page.iter("a") if "evidence/" in a.attrs.get("href", "")]
    assert not (built.site / "evidence").exists() and not (built.site / "status.json").exists()
    assert not list(content(parse(built.site / "index.html")).iter("div", class_="qms-tiles"))  # no dashboard


def test_the_search_index_holds_titles_and_clauses_not_every_table(repo_site: Built) -> None:
    index = json.loads((repo_site.site / "search/search_index.json").read_text(encoding="utf-8"))
    entries = {d["location"]: d for d in index["docs"]}
    record = entries["evidence/2025/internal-audit-report/#IAR-2025-04"]
    assert "IAR-2025-04" in record["title"] and "内审报告" in record["title"].replace("\u200b", "")
    assert "2025-04-24" in record["text"]
    assert "TFDL-ITSS-08-01/#clause-7.3.1" in entries
    everything = " ".join(d["text"] for d in index["docs"]).replace("\u200b", "")  # jieba's word breaks
    # A record's fields are on its page, not in the index (the conclusion of IAR-2025-04).
    assert "运维服务管理体系运行基本有效" not in everything
    assert not [loc for loc in entries if loc.endswith(("#periods", "#evidence"))]
    # What a result verified is part of the result, on the page only; the rule itself is searched.
    on_checkpoints = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("checkpoints/"))
    assert "核验方式" not in on_checkpoints.replace("\u200b", "") and "本结果核验的条件" not in everything
    assert [loc for loc in entries if loc.endswith("/#rule")]
    digests = [a["sha256"] for r in repo_site.status["checkpoints"] for e in r["evidence"] for a in e["attachments"]]
    assert digests and not [d for d in digests if d in everything]
