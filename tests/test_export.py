"""`qms export`: controlled documents as Word and PDF files, opened as an auditor's tools would."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pypdf
import pytest

from conftest import REPO, run_qms

DOC = "TFDL-ITSS-08-01"
CLAUSES = [str(n) for n in range(1, 12)] + ["7.3.1"]
AS_OF = "2025-12-31"


def _headings(document: docx.document.Document) -> dict[str, str]:
    """Heading paragraphs by their clause number: {'7.3.1': '7.3.1 内审要求', ...}."""
    found = {}
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            number = paragraph.text.split(" ", 1)[0]
            found[number] = paragraph.text
    return found


def _fields(table: docx.table.Table) -> dict[str, str]:
    return {row.cells[0].text: row.cells[1].text for row in table.rows}


@pytest.fixture(scope="module")
def word_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "manual.docx"
    done = run_qms("--root", REPO, "export", DOC, "--output", out, "--as-of", AS_OF, language=None)  # zh, as the manual
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    return out


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pdf")
    done = run_qms("--root", REPO, "export", DOC, "--format", "pdf", "--as-of", AS_OF, cwd=folder, language=None)
    assert done.returncode == 0, done.stderr
    out = folder / "TFDL-ITSS-08-01-V1.2.pdf"  # the document number and version name the file
    assert out.is_file()
    return out


def test_word_file_has_the_clauses_and_the_document_control(word_file: Path) -> None:
    document = docx.Document(str(word_file))
    headings = _headings(document)
    for number in CLAUSES:
        assert number in headings, number
    assert headings["7.3.1"] == "7.3.1 内审要求"
    assert headings["8.4"] == "8.4 人员检查和监督"
    assert document.paragraphs[1].style.name == "Title" and document.paragraphs[1].text == "运维服务质量管理制度"
    # the control table, filled from the front matter
    control = _fields(document.tables[0])
    assert control["文件编号"] == DOC
    assert control["版本"] == "V1.2"
    assert control["状态"] == "生效"
    assert "quality-group" in control["负责人"]
    assert control["批准人"] == "张远明"
    assert control["生效日期"] == "2023-01-06"
    assert any(p.text == "受控" for p in document.paragraphs)
    # the revision table, one row per version
    revisions = document.tables[1]
    assert [r.cells[0].text for r in revisions.rows] == ["版本", "V1.0", "V1.1", "V1.2"]
    assert revisions.rows[1].cells[7].text == "首次发布"
    # the KPI table of clause 10 stays a table
    kpis = document.tables[2]
    assert [c.text for c in kpis.rows[0].cells] == ["指标域", "指标名称", "计算公式", "考核要求", "考核周期"]
    assert [c.text for c in kpis.rows[2].cells][1:4] == ["客户满意度", "Σ 各调查项满意度 / 调查项数 × 100%", "≥ 96%"]


def test_word_file_header_names_the_document_and_footer_numbers_pages(word_file: Path) -> None:
    document = docx.Document(str(word_file))
    section = document.sections[0]
    assert DOC in section.header.paragraphs[0].text and "V1.2" in section.header.paragraphs[0].text
    assert "受控" in section.header.paragraphs[0].text
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297  # A4
    # Chinese text is set in a CJK font: Word takes it from w:eastAsia
    normal = document.styles["Normal"].element.xml
    assert re.search(r'w:eastAsia="[^"]*CJK', normal)


def test_pdf_has_the_chinese_clauses_page_numbers_and_header(pdf_file: Path) -> None:
    reader = pypdf.PdfReader(str(pdf_file))
    pages = [page.extract_text() for page in reader.pages]
    assert 4 <= len(pages) <= 12
    text = "\n".join(pages)
    for heading in (
        "1 目的",
        "5.2 综合管理部质量管理组",
        "7.3.1 内审要求",
        "7.3.2 管理评审要求",
        "10 KPI 指标",
        "11 相关文件",
    ):
        assert heading in text, heading
    for number, page in enumerate(pages, start=1):
        assert DOC in page and "V1.2" in page and "受控" in page, number  # the running header
        assert f"第 {number} 页，共 {len(pages)} 页" in page, number  # the footer
    assert "张远明" in pages[0] and "首次发布" in pages[0]  # document control and revisions come first


def test_pdf_embeds_its_cjk_font(pdf_file: Path) -> None:
    reader = pypdf.PdfReader(str(pdf_file))
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.add(str(descriptor["/FontName"]))
    assert any("CJK" in name for name in embedded), embedded


def test_export_all_writes_every_effective_document_and_never_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "exports"
    done = run_qms("--root", REPO, "export", "--all", "--format", "docx", "--output", out, "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["TFDL-ITSS-08-01-V1.2.docx", "XDYJ-04-09-V1.0.docx"]
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = run_qms("--root", REPO, "export", "--all", "--format", "docx", "--output", out, "--as-of", AS_OF)
    assert again.returncode == 2
    assert "already exists" in again.stderr and "Traceback" not in again.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_export_misuse_gets_a_message(tmp_path: Path) -> None:
    unknown = run_qms("--root", REPO, "export", "NO-SUCH-DOC", "--output", tmp_path / "x.pdf")
    assert unknown.returncode == 2 and "unknown document 'NO-SUCH-DOC'" in unknown.stderr
    both = run_qms("--root", REPO, "export", DOC, "--all")
    assert both.returncode == 2 and "--all" in both.stderr
    (tmp_path / "taken.pdf").write_text("mine")
    taken = run_qms("--root", REPO, "export", DOC, "--output", tmp_path / "taken.pdf")
    assert taken.returncode == 2 and "already exists" in taken.stderr
    assert (tmp_path / "taken.pdf").read_text() == "mine"


def test_word_file_carries_images_and_code_of_the_body(minimal: Path, tmp_path: Path) -> None:
    policy = minimal / "policy" / "QP-01.md"
    png = io.BytesIO()
    _tiny_png(png)
    (minimal / "policy" / "chart.png").write_bytes(png.getvalue())
    policy.write_text(
        policy.read_text("utf-8")
        + "\n![组织结构](chart.png)\n\n```\nqms check\n```\n\n| 指标 | 目标 |\n|---|---|\n| 满意度 | ≥ 96 |\n",
        "utf-8",
    )
    out = tmp_path / "qp.docx"
    done = run_qms("--root", minimal, "export", "QP-01", "--output", out, "--as-of", "2025-06-30")
    assert done.returncode == 0, done.stderr
    document = docx.Document(str(out))
    assert len(document.inline_shapes) == 1
    assert any(p.text == "qms check" for p in document.paragraphs)
    assert document.tables[-1].cell(1, 1).text == "≥ 96"


def _tiny_png(target: io.BytesIO) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\x00\x00"  # one red pixel
    target.write(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
