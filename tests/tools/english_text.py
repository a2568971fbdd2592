"""English sentences left in a built Chinese site.

Reads the text a reader sees in each HTML page (text nodes and tooltips), leaving out code
(`<code>`, `<pre>`, `<kbd>`, scripts, styles), and reports runs of two or more English words
once ids, file paths, URLs, e-mail addresses, numbers and a short list of names and
abbreviations are taken out. A run is what a translator missed: "Internal audit"; and a text
with no Chinese in it whose only English words are small ones between ids ("IAP-2025-11 for
2025-11") is a sentence all the same.

    python tests/tools/english_text.py SITE_DIR     # prints each run with its page
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

# Names, abbreviations and units a Chinese quality manual writes in Latin letters.
ALLOWED = {
    "itss", "iso", "iec", "gb", "kpi", "kpis", "sla", "pdf", "sha", "sha256", "raci", "it", "csv", "xlsx", "json",
    "svg", "ics", "git", "yaml", "markdown", "mkdocs", "material", "http", "https", "html", "url", "id", "ids",
    "min", "max", "mb", "kb", "utc", "cst", "cesa", "itil", "cmdb", "ip", "os", "db", "qms", "ok", "vs",
    "excel", "word", "github", "gitlab", "ssh", "jieba", "api", "app", "pc", "wifi", "vpn", "cpu", "ups",
}  # fmt: skip
_SKIPPED_TAGS = {"code", "pre", "kbd", "script", "style", "samp", "template"}
# Tokens that are not words: ids (a digit, or an inner '-', '_', '.', '#', '/', '@', ':'), paths, URLs.
_NOT_WORD = re.compile(
    r"https?://\S+|\S+@\S+|\S*[/\\]\S*|\S*\d\S*|[A-Za-z]+(?:[-_.#:][A-Za-z0-9]+)+|[A-Z]{2,}s?\b"
)
_RUN = re.compile(r"[A-Za-z]{2,}(?:[ \t]+[A-Za-z]{2,})+")
_WORD = re.compile(r"[A-Za-z]{2,}")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Names that are not sentences, though they have English words in them.
PROPER_NAMES = ("Material for MkDocs",)
# One of these between ids is an English sentence all the same ("IAP-2025-11 for 2025-11").
FUNCTION_WORDS = {
    "a", "an", "the", "for", "of", "in", "on", "at", "by", "to", "from", "until", "since", "after", "before",
    "and", "or", "not", "no", "is", "are", "was", "with", "due", "none", "also", "more",
}  # fmt: skip


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        for name, value in attrs:
            if name in ("title", "alt", "aria-label", "placeholder") and value and not self._skipping:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def english_runs(text: str) -> list[str]:
    """The runs of English words in one piece of text a reader sees."""
    for name in PROPER_NAMES:
        text = text.replace(name, " ")
    cleaned = _NOT_WORD.sub(" · ", text)
    runs = []
    for match in _RUN.finditer(cleaned):
        words = [w for w in match.group().split() if w.lower() not in ALLOWED]
        if len(words) >= 2:
            runs.append(match.group())
    small_words_only = not runs and not _CHINESE.search(text)
    if small_words_only and any(w.lower() in FUNCTION_WORDS for w in _WORD.findall(cleaned)):
        runs.append(" ".join(text.split()))
    return runs


def page_runs(html: str) -> Iterator[str]:
    parser = _Text()
    parser.feed(html)
    for part in parser.parts:
        yield from english_runs(part)


def site_runs(site: Path) -> dict[str, list[str]]:
    """Each page of the built site with English runs in it, by its path in the site."""
    found = {}
    for page in sorted(site.rglob("*.html")):
        runs = list(page_runs(page.read_text("utf-8")))
        if runs:
            found[page.relative_to(site).as_posix()] = runs
    return found


if __name__ == "__main__":
    for page, runs in site_runs(Path(sys.argv[1])).items():
        for run in dict.fromkeys(runs):
            print(f"{page}: {run}")
