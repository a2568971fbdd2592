"""A controlled document as a Word file (python-docx), made from the same printable HTML
as its PDF and the pack's manual.html: headings, paragraphs, lists, tables and images
are carried over one by one, and every page gets the running header and page numbers."""

from __future__ import annotations

import base64
import binascii
import io
import re
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from .printable.document import RunningText

_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "wbr"}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre", "blockquote", "div", "section", "hr"}
_MONO = "Consolas"
_RED = RGBColor(0xB7, 0x1C, 0x1C)


def docx_bytes(section_html: str, running: RunningText, *, font_family: str) -> bytes:
    """The Word file of a policy section (printable.policy_section's HTML)."""
    document = Document()
    _page_setup(document, running, font_family)
    _Writer(document).blocks(_parse(section_html))
    # Reproducible bytes: the same document makes the same file.
    document.core_properties.title = running.head
    document.core_properties.author = ""
    document.core_properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- HTML in


class _TreeBuilder(HTMLParser):
    """HTML (as the printable renderer writes it) into an ElementTree, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = ET.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ET.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def _parse(html: str) -> ET.Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# --------------------------------------------------------------------------- Word out


def _page_setup(document: DocumentObject, running: RunningText, font_family: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(24), Mm(20)
    section.left_margin = section.right_margin = Mm(16)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Heading 5", "Caption"):
        style = document.styles[name]
        _east_asian(style.element.get_or_add_rPr(), font_family)
    document.styles["Normal"].font.size = Pt(10.5)

    head = section.header.paragraphs[0]
    head.text = ""
    head.add_run(running.head)
    head.add_run("\t")
    mark = head.add_run(running.mark)
    mark.bold = True
    mark.font.color.rgb = _RED
    _tab_right(head, section.page_width - section.left_margin - section.right_margin)
    _bottom_border(head)

    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in re.split(r"(\{page\}|\{pages\})", running.page):
        if piece == "{page}":
            _field(foot, "PAGE")
        elif piece == "{pages}":
            _field(foot, "NUMPAGES")
        elif piece:
            foot.add_run(piece)


def _east_asian(rpr: ET.Element, family: str) -> None:
    """Word picks the font of Chinese characters from w:eastAsia, not from the font name."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), family)


def _tab_right(paragraph: Paragraph, position: int) -> None:
    paragraph.paragraph_format.tab_stops.add_tab_stop(position, WD_TAB_ALIGNMENT.RIGHT)


def _bottom_border(paragraph: Paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"), ("w:color", "333333")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A field Word computes when it lays out the page (PAGE, NUMPAGES)."""
    run = paragraph.add_run()

    def char(kind: str) -> None:
        mark = OxmlElement("w:fldChar")
        mark.set(qn("w:fldCharType"), kind)
        run._r.append(mark)

    char("begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    run._r.append(code)
    char("separate")
    shown = OxmlElement("w:t")
    shown.text = "1"  # what Word shows until it lays out the pages
    run._r.append(shown)
    char("end")


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


class _Writer:
    def __init__(self, document: DocumentObject) -> None:
        self.document = document

    def blocks(self, parent: ET.Element, container: DocumentObject | _Cell | None = None, depth: int = 0) -> None:
        """Each block child of `parent` as Word paragraphs and tables; loose text as a paragraph."""
        target = container or self.document
        loose: list[ET.Element | str] = []
        if parent.text and parent.text.strip():
            loose.append(parent.text)
        for child in parent:
            if child.tag in _BLOCKS:
                self._flush(loose, target)
                self.block(child, target, depth)
                if child.tail and child.tail.strip():
                    loose.append(child.tail)
            else:
                loose.append(child)
        self._flush(loose, target)

    def _flush(self, loose: list[ET.Element | str], target: DocumentObject | _Cell) -> None:
        if not loose:
            return
        holder = ET.Element("p")
        for item in loose:
            if isinstance(item, str):
                ET.SubElement(holder, "span").text = item
            else:
                holder.append(item)
        loose.clear()
        self.inline(target.add_paragraph(), holder)

    def block(self, element: ET.Element, target: DocumentObject | _Cell, depth: int) -> None:
        tag = element.tag
        classes = _classes(element)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and isinstance(target, DocumentObject):
            level = int(tag[1])
            # The document title is h1; the clauses `## 1 目的` are h2 and become Word's Heading 1.
            paragraph = self.document.add_heading("", level=0 if level == 1 else min(level - 1, 9))
            self.inline(paragraph, element, skip=frozenset({"clause-status"}))
        elif tag == "p" and "control-mark" in classes:
            paragraph = target.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(_text(element))
            run.bold = True
            run.font.color.rgb = _RED
        elif tag in ("ul", "ol"):
            self.listing(element, target, depth)
        elif tag == "table":
            self.table(element, target)
        elif tag == "pre":
            paragraph = target.add_paragraph()
            run = paragraph.add_run(_text(element).rstrip("\n"))
            run.font.name = _MONO
        elif tag == "blockquote":
            for child in element:
                if child.tag == "p":
                    self.inline(target.add_paragraph(style="Quote"), child)
                else:
                    self.block(child, target, depth)
        elif tag == "hr":
            _bottom_border(target.add_paragraph())
        elif tag in ("div", "section"):
            self.blocks(element, target, depth)
        else:
            self.inline(target.add_paragraph(), element)

    def listing(self, element: ET.Element, target: DocumentObject | _Cell, depth: int) -> None:
        base = "List Number" if element.tag == "ol" else "List Bullet"
        style = base if depth == 0 else f"{base} {min(depth + 1, 3)}"
        for item in element:
            if item.tag != "li":
                continue
            nested = [c for c in item if c.tag in ("ul", "ol")]
            own = ET.Element("li")
            own.text = item.text
            for child in item:
                if child.tag not in ("ul", "ol"):
                    own.append(child)
            paragraphs = [c for c in own if c.tag == "p"]
            paragraph = target.add_paragraph(style=style)
            self.inline(paragraph, paragraphs[0] if paragraphs and not (own.text or "").strip() else own)
            for child in nested:
                self.listing(child, target, depth + 1)

    def table(self, element: ET.Element, target: DocumentObject | _Cell) -> None:
        rows = [r for r in element.iter("tr")]
        if not rows:
            return
        caption = element.find("caption")
        if caption is not None:
            paragraph = target.add_paragraph(style="Caption")
            paragraph.add_run(_text(caption)).bold = True
        width = max(sum(int(c.get("colspan", "1") or 1) for c in r if c.tag in ("td", "th")) for r in rows)
        grid = target.add_table(rows=len(rows), cols=width)
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, tr in enumerate(rows):
            c = 0
            for cell in tr:
                if cell.tag not in ("td", "th"):
                    continue
                span = max(1, int(cell.get("colspan", "1") or 1))
                word_cell = grid.cell(r, c)
                if span > 1:
                    word_cell = word_cell.merge(grid.cell(r, min(c + span, width) - 1))
                paragraph = word_cell.paragraphs[0]
                self.inline(paragraph, cell, bold=cell.tag == "th")
                c += span

    def inline(
        self, paragraph: Paragraph, element: ET.Element, *, bold: bool = False, skip: frozenset[str] = frozenset()
    ) -> None:
        """The text of `element` as runs: bold, italic, code and line breaks kept; images embedded."""

        def walk(node: ET.Element, bold: bool, italic: bool, mono: bool) -> None:
            if _classes(node) & skip:
                return
            tag = node.tag
            bold = bold or tag in ("strong", "b", "th")
            italic = italic or tag in ("em", "i")
            mono = mono or tag == "code" or "mono" in _classes(node)
            if tag == "br":
                paragraph.add_run().add_break()
            elif tag == "img":
                self.image(paragraph, node)
            elif tag in _BLOCKS and tag not in ("p", "div", "section"):
                # a list or table inside a cell: its text, on a line of its own
                paragraph.add_run().add_break()
                add(_text(node).strip(), bold, italic, mono)
                return
            add(node.text, bold, italic, mono)
            for child in node:
                walk(child, bold, italic, mono)
                add(child.tail, bold, italic, mono)

        def add(text: str | None, bold: bool, italic: bool, mono: bool) -> None:
            if not text:
                return
            run = paragraph.add_run(re.sub(r"\s*\n\s*", " ", text) if not mono else text)
            run.bold = bold or None
            run.italic = italic or None
            if mono:
                run.font.name = _MONO

        walk(element, bold, False, False)
        # a heading's or cell's text starts at its first word
        if paragraph.runs and paragraph.runs[0].text:
            paragraph.runs[0].text = paragraph.runs[0].text.lstrip()

    def image(self, paragraph: Paragraph, node: ET.Element) -> None:
        src = node.get("src", "")
        match = re.match(r"data:image/(png|jpeg|gif|bmp);base64,(.*)", src, re.S)
        if match is None:
            paragraph.add_run(f"[{node.get('alt') or src}]")
            return
        try:
            picture = io.BytesIO(base64.b64decode(match.group(2)))
            paragraph.add_run().add_picture(picture, width=Mm(150))
        except (binascii.Error, ValueError, UnrecognizedImageError, ZeroDivisionError):  # a picture Word cannot show
            paragraph.add_run(f"[{node.get('alt') or 'image'}]")


def _text(element: ET.Element) -> str:
    return "".join(element.itertext())
