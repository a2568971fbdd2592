"""The raw HTML blocks of generated pages, set aside from Markdown and from the search
index's parse.

A generated page is mostly raw HTML: tables of fields, periods and records, badges,
admonitions. Python-Markdown passes such a block through unchanged, but only after its
HTML parser (pure Python) has read it, and MkDocs' own anchor scan reads it once more;
then Material's search reads the page's HTML again, even the parts it leaves out of the
index (`data-search-exclude`). Those parses, not the plugin, made a generated page cost
several times a hand-written one.

So before Markdown runs (`on_page_markdown`), each raw HTML block the plugin wrote (a
whole paragraph of one line: an element that opens and closes on it) becomes a
placeholder paragraph; after it (`on_page_content`) the blocks the search index reads are
put back, and those it leaves out (but headings) become HTML comments, which it skips,
until the theme has rendered the page (`on_post_page`). The ids the blocks hold are added to the page's
anchors, so that MkDocs still checks links to them.

Text written by hand inside a generated page (a record's Markdown on its type's page) is
never set aside: it goes through Markdown and the sanitizer as before. On a policy page,
only the decorations the plugin adds are set aside (`RawBlocks.put`).
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from .markup import UNSEARCHED

_BLOCK = re.compile(r"<(table|section|div|nav|details|p|h[1-6]|ul|ol)(?=[\s>])[^\n]*</\1>")
_HEADING = re.compile(r"<h[1-6][\s>]")
_IDS = re.compile(r'\sid="([^"]*)"')


@dataclass
class RawBlocks:
    """The blocks set aside from one page, in order; `prefix` names their placeholders."""

    prefix: str
    blocks: list[str] = field(default_factory=list)

    def put(self, block: str) -> str:
        """Set aside one block the plugin made; what to write in its place (a paragraph of its own)."""
        self.blocks.append(block)
        return f"{self.prefix}{len(self.blocks) - 1}"

    def anchor_ids(self) -> set[str]:
        return {html.unescape(found) for block in self.blocks for found in _IDS.findall(block)}

    def put_back(self, content: str) -> str:
        """The page's HTML with the blocks the search index reads in place, the others as
        comments (see `put_back_late`)."""

        def block(match: re.Match[str]) -> str:
            number = int(match.group(1))
            found = self.blocks[number]
            return f"<!--{self.prefix}{number}-->" if _hidden(found) else found

        return re.sub(rf"(?:<p>)?{self.prefix}(\d+)(?:</p>)?", block, content)

    def put_back_late(self, output: str) -> str:
        """The rendered page with the blocks left out of the search index in place."""
        return re.sub(rf"<!--{self.prefix}(\d+)-->", lambda m: self.blocks[int(m.group(1))], output)


def _hidden(block: str) -> bool:
    """Whether the search may skip the block without reading it: an element it leaves out,
    unless a heading (an excluded heading leaves out the section it starts, up to the next one)."""
    return UNSEARCHED in block[: block.index(">")] and not _HEADING.match(block)


def new_prefix() -> str:
    """Placeholders no page text can contain by chance: letters and digits only, so that
    Markdown writes them as they are."""
    return f"qmsraw{secrets.token_hex(6)}n"


def set_aside(markdown: str, prefix: str, written: Iterable[str] = ()) -> tuple[str, RawBlocks]:
    """The Markdown with its raw HTML blocks replaced by placeholders, and the blocks.
    `written`: texts written by hand that the page holds, in order; they are left alone."""
    raw = RawBlocks(prefix)
    parts: list[tuple[str, bool]] = []
    start = 0
    scan = True
    for text in written:
        if not text:
            continue
        at = markdown.find(text, start)
        if at < 0:  # not as expected: nothing after here is set aside, so nothing written escapes the sanitizer
            scan = False
            break
        parts += [(markdown[start:at], True), (text, False)]
        start = at + len(text)
    parts.append((markdown[start:], scan))
    return "".join(_scan(p, raw) if scan else p for p, scan in parts), raw


def _scan(text: str, raw: RawBlocks) -> str:
    """Each paragraph of `text` that is a raw HTML block becomes a placeholder; blocks that
    follow each other (and the search reads alike) share one, for Markdown to go through."""
    out: list[str] = []
    joined = False  # whether the last paragraph written is a placeholder that may take the next block
    for chunk in text.split("\n\n"):
        core = chunk.rstrip("\n")
        if not _is_block(core):
            out.append(chunk)
            joined = False
        elif joined and _hidden(raw.blocks[-1]) == _hidden(core) and core == chunk:
            raw.blocks[-1] += "\n" + core
        else:
            out.append(raw.put(core) + chunk[len(core) :])
            joined = core == chunk
    return "\n\n".join(out)


def _is_block(core: str) -> bool:
    """A paragraph that is one element of the plugin's kind, opened and closed on one line."""
    if not core.startswith("<") or "\n" in core:
        return False
    found = _BLOCK.fullmatch(core)
    if found is None:
        return False
    tag = found.group(1)
    return len(re.findall(rf"<{tag}[\s>]", core)) == core.count(f"</{tag}>")  # else the element goes on
