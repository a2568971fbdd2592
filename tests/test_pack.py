"""The audit pack: one printable manual.html, the canonical results, the evidence and a manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pypdf
import pytest

from checks import load_manual
from checks.evaluating.evaluate import evaluate
from checks.model import Manual
from checks.outputs.pack import PACK_FORMAT, PackError, build_pack, verify_pack
from checks.results import to_document
from conftest import REPO

END_2025 = dt.date(2025, 12, 31)


def _load(root: Path) -> Manual:
    loaded = load_manual(root)
    assert loaded.valid, [str(i) for i in loaded.errors]
    return loaded.manual


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


class _Parsed(HTMLParser):
    """The tags, link targets and ids of a page, as a browser would see them."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.targets: list[str] = []
        self.ids: set[str] = set()
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "poster", "data"):
                self.targets.append(value or "")
            if name == "id":
                self.ids.add(value or "")


def _external(page: str) -> list[str]:
    return [t for t in _Parsed(page).targets if t.strip().lower().startswith(("http:", "https:", "//"))]


def _section(page: str, anchor: str) -> str:
    """The HTML of one appendix section of manual.html."""
    start = page.index(f'id="{anchor}"')
    return page[start : page.index("</section>", start)]


@pytest.fixture(scope="module")
def repository() -> Manual:
    return load_manual(REPO).manual


@pytest.fixture(scope="module")
def repository_pack(repository: Manual, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("repo-pack") / "pack-2025"
    build_pack(repository, "2025", output, generator="quality-manual test")
    return output


# --------------------------------------------------------------------------- the fixture manual


def test_folder_pack_holds_the_manual_results_and_evidence(minimal: Path, tmp_path: Path) -> None:
    summary = build_pack(_load(minimal), "2025", tmp_path / "pack")
    assert summary.path == tmp_path / "pack"
    assert summary.as_of == END_2025  # the period's last day by default
    assert summary.records == 2
    assert summary.by_status["pass"] == 1
    files = _files(tmp_path / "pack")
    assert summary.files == len(files)
    assert set(files) == {
        "manual.html",
        "results.json",
        "manifest.json",
        "policy/QP-01.md",
        "evidence/2025/audit/IAR-2025.md",
        "evidence/2025/audit/report.txt",
        "evidence/2025/audit/NC-2025-01.yaml",
        "evidence/2025/review/MR-2025.md",
        "documents/QP-01-V1.1.pdf",  # every document in force, as `qms export` makes it
    }
    assert summary.skipped == ()
    pdf = pypdf.PdfReader(io.BytesIO(files["documents/QP-01-V1.1.pdf"]))
    assert "7.3.1 内审要求" in pdf.pages[0].extract_text() and "QP-01" in pdf.pages[0].extract_text()
    # copies are byte for byte, at their paths relative to the manual root
    for rel in ("evidence/2025/audit/report.txt", "evidence/2025/audit/IAR-2025.md", "policy/QP-01.md"):
        assert files[rel] == (minimal / rel).read_bytes()


def test_manual_html_is_one_printable_self_contained_page(minimal: Path, tmp_path: Path) -> None:
    build_pack(_load(minimal), "2025", tmp_path / "pack")
    page = (tmp_path / "pack" / "manual.html").read_text("utf-8")
    # the policy, rendered from Markdown, with its clauses, document control and revision history
    for heading in ("1 目的", "7 质量管理要求", "7.3.1 内审要求", "7.3.2 管理评审要求"):
        assert re.search(rf"<h\d[^>]*>{re.escape(heading)}", page), heading
    assert 'id="clause-QP-01-7.3.1"' in page
    for value in ("QP-01", "V1.1", "effective", "2025-01-08", "张总", "首次发布", "2023-12-01", "P1Y"):
        assert value in page
    # results, review, KPIs and evidence, statuses as words with a symbol
    checkpoints = _section(page, "checkpoints")
    assert "cp-audit" in checkpoints and "✔ pass" in checkpoints and "QP-01#7.3.1" in checkpoints
    assert "QP-01" in _section(page, "documents")
    evidence = _section(page, "evidence")
    assert "IAR-2025" in evidence and "MR-2025" in evidence and "2025 年内审报告" in evidence
    assert "evidence/2025/audit/report.txt" in evidence
    assert "1e6a3190ef266ffffba72b6de816af71576df0d91c390629fae7a7262a48cfb9" in evidence
    assert "NC-2025-01" in _section(page, "nonconformities")
    # nothing fetched from anywhere: no scripts, no stylesheets or fonts to load
    parsed = _Parsed(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags and parsed.tags.count("style") == 1
    assert "@import" not in page and "url(" not in page
    assert "http://" not in page and "https://" not in page
    assert _external(page) == []
    # print styles
    assert "@media print" in page
    assert "display: table-header-group" in page
    assert "break-inside: avoid" in page
    assert '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC"' in page


def test_results_json_is_the_canonical_document(minimal: Path, tmp_path: Path) -> None:
    manual = _load(minimal)
    build_pack(manual, "2025-H1", tmp_path / "pack", generator="qms test")
    stored = json.loads((tmp_path / "pack" / "results.json").read_text("utf-8"))
    expected = to_document(evaluate(manual, dt.date(2025, 6, 30)), "qms test")
    assert stored == expected
    assert stored["as_of"] == "2025-06-30"


def test_manifest_lists_every_file_with_its_digest(minimal: Path, tmp_path: Path) -> None:
    build_pack(_load(minimal), "2025", tmp_path / "pack", as_of=dt.date(2026, 1, 31), generator="qms test")
    files = _files(tmp_path / "pack")
    manifest = json.loads(files.pop("manifest.json"))
    assert manifest["format"] == PACK_FORMAT
    assert (manifest["period"], manifest["as_of"], manifest["generated_by"]) == ("2025", "2026-01-31", "qms test")
    assert manifest["commit"] is None  # the copy is not a git checkout
    paths = [f["path"] for f in manifest["files"]]
    assert paths == sorted(paths) == sorted(files)
    for entry in manifest["files"]:
        data = files[entry["path"]]
        assert entry["sha256"] == _sha256(data)
        assert entry["size"] == len(data)
    assert verify_pack(tmp_path / "pack") == []


def test_records_used_or_dated_in_the_period(minimal: Path, tmp_path: Path) -> None:
    """A Q3 pack holds the April audit report its checkpoint still uses, not the unused January review."""
    summary = build_pack(_load(minimal), "2025-Q3", tmp_path / "pack")
    assert summary.as_of == dt.date(2025, 9, 30)
    files = _files(tmp_path / "pack")
    assert "evidence/2025/audit/IAR-2025.md" in files
    assert "evidence/2025/audit/report.txt" in files
    assert "evidence/2025/audit/NC-2025-01.yaml" in files  # found in an included record
    assert "evidence/2025/review/MR-2025.md" not in files
    assert summary.records == 1


def test_evidence_fields_are_escaped(minimal: Path, tmp_path: Path) -> None:
    record = minimal / "evidence/2025/audit/IAR-2025.md"
    text = record.read_text("utf-8").replace("title: 2025 年内审报告", 'title: "<script>alert(1)</script> & 内审"')
    record.write_text(text, encoding="utf-8")
    manual = _load(minimal)
    assert manual.evidence["IAR-2025"].title == "<script>alert(1)</script> & 内审"
    build_pack(manual, "2025", tmp_path / "pack")
    page = (tmp_path / "pack" / "manual.html").read_text("utf-8")
    assert "<script" not in page
    assert html.escape("<script>alert(1)</script> & 内审") in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 内审" in page


def test_policy_body_links_stay_inside_the_pack(minimal: Path, tmp_path: Path) -> None:
    policy = minimal / "policy/QP-01.md"
    text = policy.read_text("utf-8").replace(
        "特制订本制度。",
        "特制订本制度，参见[国家标准](https://example.org/std)与<https://example.org/auto>。\n\n"
        '![徽标](https://example.org/logo.png)\n\n<img src="http://example.org/x.png" onerror="alert(1)">\n\n'
        "见 [[cp-audit]] 与[内审报告](../evidence/2025/audit/report.txt)。",
    )
    policy.write_text(text, encoding="utf-8")
    build_pack(_load(minimal), "2025", tmp_path / "pack")
    page = (tmp_path / "pack" / "manual.html").read_text("utf-8")
    assert _external(page) == []
    assert "[徽标: https://example.org/logo.png]" in page  # an outside image becomes its description
    assert "国家标准 (https://example.org/std)" in page  # the words and the address stay readable
    assert "onerror" not in page and "x.png" not in page  # raw HTML is sanitized: nothing runs or loads
    assert '<a href="#cp-cp-audit">cp-audit</a>' in page  # [[id]] leads to the checkpoint's row
    assert 'href="evidence/2025/audit/report.txt"' in page  # a file of the pack, by its pack path


def test_raw_html_in_a_policy_is_sanitized_unless_trusted(minimal: Path, tmp_path: Path) -> None:
    policy = minimal / "policy/QP-01.md"
    raw = (
        '<table class="raw"><tr><td>内审</td><td><b>通过</b></td></tr></table>\n\n'
        '<script>alert(1)</script><a href="javascript:alert(2)" onclick="alert(3)">链接</a>\n\n'
        '<iframe src="https://example.org/"></iframe>'
    )
    policy.write_text(policy.read_text("utf-8").replace("特制订本制度。", "特制订本制度。\n\n" + raw), encoding="utf-8")
    build_pack(_load(minimal), "2025", tmp_path / "pack")
    page = (tmp_path / "pack" / "manual.html").read_text("utf-8")
    assert '<table class="raw"><tbody><tr><td>内审</td><td><b>通过</b></td></tr></tbody></table>' in page
    assert "<a>链接</a>" in page
    for gone in ("alert(", "javascript:", "<iframe", "onclick"):
        assert gone not in page, gone
    build_pack(_load(minimal), "2025", tmp_path / "trusted", trusted_html=True)
    trusted = (tmp_path / "trusted" / "manual.html").read_text("utf-8")
    assert "<script>alert(1)</script>" in trusted  # kept as written, for a trusted repository


def test_zip_pack_and_reproducible_bytes(minimal: Path, tmp_path: Path) -> None:
    manual = _load(minimal)
    summary = build_pack(manual, "2025", tmp_path / "a.zip")
    build_pack(manual, "2025", tmp_path / "b.zip")
    assert summary.path == tmp_path / "a.zip"
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        names = archive.namelist()
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in archive.infolist())
        manifest = json.loads(archive.read("manifest.json"))
        for entry in manifest["files"]:
            assert _sha256(archive.read(entry["path"])) == entry["sha256"]
    assert sorted(names) == sorted([*(f["path"] for f in manifest["files"]), "manifest.json"])
    assert summary.files == len(names)
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    assert verify_pack(tmp_path / "a.zip") == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary files left


# --------------------------------------------------------------------------- verifying


def test_verify_folder_names_each_changed_missing_or_stray_file(minimal: Path, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    build_pack(_load(minimal), "2025", pack)
    attachment = pack / "evidence/2025/audit/report.txt"
    data = bytearray(attachment.read_bytes())
    data[0] ^= 0x01  # one bit of one byte, same size
    attachment.write_bytes(bytes(data))
    problems = verify_pack(pack)
    assert len(problems) == 1 and problems[0].startswith("evidence/2025/audit/report.txt: sha256")

    (pack / "evidence/2025/review/MR-2025.md").unlink()
    (pack / "evidence/2025/audit/extra.txt").write_text("added later", encoding="utf-8")
    problems = verify_pack(pack)
    assert any(p.startswith("evidence/2025/review/MR-2025.md: missing") for p in problems)
    assert any(p.startswith("evidence/2025/audit/extra.txt: not listed") for p in problems)
    assert len(problems) == 3


def test_verify_zip_names_each_changed_missing_or_stray_file(minimal: Path, tmp_path: Path) -> None:
    original = tmp_path / "pack.zip"
    build_pack(_load(minimal), "2025", original)
    with zipfile.ZipFile(original) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}

    def rezip(name: str, changed: dict[str, bytes | None]) -> Path:
        target = tmp_path / name
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in {**members, **changed}.items():
                if data is not None:
                    archive.writestr(member, data)
        return target

    report = members["evidence/2025/audit/report.txt"]
    tampered = rezip("byte.zip", {"evidence/2025/audit/report.txt": bytes([report[0] ^ 1]) + report[1:]})
    assert [p.split(":")[0] for p in verify_pack(tampered)] == ["evidence/2025/audit/report.txt"]
    removed = rezip("removed.zip", {"policy/QP-01.md": None})
    assert verify_pack(removed) == ["policy/QP-01.md: missing (listed in manifest.json)"]
    stray = rezip("stray.zip", {"evidence/2025/stray.txt": b"x"})
    assert verify_pack(stray) == ["evidence/2025/stray.txt: not listed in manifest.json"]


def test_verify_reports_a_damaged_pack_without_raising(minimal: Path, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    build_pack(_load(minimal), "2025", pack)
    (pack / "manifest.json").write_text("{not json", encoding="utf-8")
    assert verify_pack(pack)[0].startswith("manifest.json: unreadable")
    (pack / "manifest.json").unlink()
    assert verify_pack(pack) == ["manifest.json: missing, so nothing in the pack can be verified"]

    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"PK\x03\x04 this is not really a zip")
    problems = verify_pack(garbage)
    assert len(problems) == 1 and "not a readable zip" in problems[0]
    assert "no such pack" in verify_pack(tmp_path / "nowhere")[0]

    bad_entries = tmp_path / "entries"
    bad_entries.mkdir()
    manifest = {"format": PACK_FORMAT, "files": [{"path": "../outside.txt", "sha256": "0" * 64, "size": 1}, 7]}
    (bad_entries / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    problems = verify_pack(bad_entries)
    assert any("files[0].path" in p for p in problems) and any("files[1]" in p for p in problems)


# --------------------------------------------------------------------------- refusing


def test_refuses_to_overwrite_anything(minimal: Path, tmp_path: Path) -> None:
    manual = _load(minimal)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(PackError, match="not empty"):
        build_pack(manual, "2025", busy)
    assert [p.name for p in busy.iterdir()] == ["keep.txt"]

    existing = tmp_path / "old.zip"
    existing.write_bytes(b"old")
    with pytest.raises(PackError, match="already exists"):
        build_pack(manual, "2025", existing)
    assert existing.read_bytes() == b"old"

    a_file = tmp_path / "plain"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(PackError, match="already exists"):
        build_pack(manual, "2025", a_file)

    empty = tmp_path / "empty"
    empty.mkdir()
    build_pack(manual, "2025", empty)  # an empty folder is fine
    assert (empty / "manifest.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy", "empty", "manual", "old.zip", "plain"]


@pytest.mark.parametrize("period", ["2025-13", "25", "2025-H3", "2025-Q5", "2025-1", "H1-2025", ""])
def test_refuses_a_bad_period(minimal: Path, tmp_path: Path, period: str) -> None:
    with pytest.raises(PackError, match="period"):
        build_pack(_load(minimal), period, tmp_path / "pack")
    assert not (tmp_path / "pack").exists()


def test_refuses_an_evaluation_date_before_the_period_and_output_inside_the_manual(
    minimal: Path, tmp_path: Path
) -> None:
    manual = _load(minimal)
    with pytest.raises(PackError, match="before period"):
        build_pack(manual, "2025-Q2", tmp_path / "pack", as_of=dt.date(2025, 3, 31))
    with pytest.raises(PackError, match="inside"):
        build_pack(manual, "2025", minimal / "evidence" / "pack-2025")
    assert not (minimal / "evidence" / "pack-2025").exists()


# --------------------------------------------------------------------------- the repository's own manual


def test_repository_pack_as_folder(repository: Manual, repository_pack: Path) -> None:
    assert verify_pack(repository_pack) == []
    files = {p.relative_to(repository_pack).as_posix() for p in repository_pack.rglob("*") if p.is_file()}
    results = json.loads((repository_pack / "results.json").read_text("utf-8"))
    expected = to_document(evaluate(repository, END_2025), "quality-manual test")
    assert results["summary"] == expected["summary"]
    assert results == expected
    manifest = json.loads((repository_pack / "manifest.json").read_text("utf-8"))
    assert manifest["commit"] == results["commit"]
    # every record a result used, with its attachments, and every policy
    for checkpoint in results["checkpoints"]:
        for ref in checkpoint["evidence"]:
            assert ref["path"] in files
            assert all(a["path"] in files for a in ref["attachments"])
    assert {p.source.rel for p in repository.policies.values()} <= files
    assert {f for f in files if f.startswith("documents/")} == {
        "documents/TFDL-ITSS-08-01-V1.2.pdf",
        "documents/XDYJ-04-09-V1.0.pdf",
    }
    in_2025 = {r.source.rel for r in repository.evidence.values() if r.date and r.date.year == 2025}
    assert in_2025 <= files
    assert not any(path.startswith("evidence/2026/") for path in files)

    page = (repository_pack / "manual.html").read_text("utf-8")
    for heading in ("7.3.1 内审要求", "7.3.2 管理评审要求", "8.4 人员检查和监督", "4.4"):
        assert re.search(rf"<h\d[^>]*>{re.escape(heading)}", page), heading
    checkpoints = _section(page, "checkpoints")
    for checkpoint in results["checkpoints"]:
        assert f'id="cp-{checkpoint["id"]}"' in checkpoints
    rows = checkpoints[checkpoints.index("<tbody>") :]
    assert rows.count("✔ pass") == results["summary"]["by_status"]["pass"]
    assert "运维服务质量手册" in page  # the manual's name, from policy/index.md
    parsed = _Parsed(page)
    assert _external(page) == []
    for target in parsed.targets:
        if not target.startswith("#"):
            assert unquote(target) in files, target  # links to files lead into the pack
    assert {t[1:] for t in parsed.targets if t.startswith("#")} <= parsed.ids  # and anchors to the page


def test_repository_pack_as_zip_restricts_kpis_to_the_period(repository: Manual, tmp_path: Path) -> None:
    summary = build_pack(repository, "2025-Q1", tmp_path / "q1.zip", as_of=END_2025)
    assert summary.as_of == END_2025
    assert verify_pack(tmp_path / "q1.zip") == []
    with zipfile.ZipFile(tmp_path / "q1.zip") as archive:
        page = archive.read("manual.html").decode("utf-8")
        names = set(archive.namelist())
    kpis = _section(page, "kpis")
    assert "2025-01" in kpis and "2025-03" in kpis
    assert "2025-04" not in kpis and "2025-H2" not in kpis
    assert "✔ met" in kpis or "○ no-target" in kpis
    assert "evidence/2025/incidents/IL-2025-03.csv" in names  # the March export of the incident log
    assert summary.files == len(names)


def test_pack_command_builds_and_verifies(minimal: Path, tmp_path: Path) -> None:
    from conftest import run_qms

    out = tmp_path / "audit-2025.zip"
    built = run_qms("--root", minimal, "pack", "--period", "2025", "--output", out)
    assert built.returncode == 0, built.stderr
    assert "as of 2025-12-31" in built.stdout
    assert run_qms("pack", "--verify", out).returncode == 0
    again = run_qms("--root", minimal, "pack", "--period", "2025", "--output", out)
    assert again.returncode == 2 and "Traceback" not in again.stderr
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    result = run_qms("pack", "--verify", broken)
    assert result.returncode == 1 and result.stdout.startswith(f"{broken}: ")
