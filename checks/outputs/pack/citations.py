"""What a pack's own pages cite, checked against its manifest.

`results.json` and `manual.html` name the commit the evaluation ran at and the sha256 of
the attachments and data files they rest on. A file rewritten together with its
manifest line still disagrees with them, unless they were rewritten too (then only the
commit, `custody`, or a signature tells).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

from ...i18n import _
from .layout import MANIFEST, MANUAL_HTML, RESULTS_JSON
from .reader import Reader

_CITED_DIGEST = re.compile(r"^sha256 ([0-9a-f]{64})$")
_NO_COMMIT = "—"  # how manual.html shows a missing value


@dataclass
class Cited:
    """The commit a page names and the files it cites, with the digests it gives."""

    commit: str | None = None
    digests: dict[str, str] = field(default_factory=dict)  # path in the pack -> sha256
    files: set[str] = field(default_factory=set)  # paths named without a digest


def from_results(data: bytes) -> Cited:
    doc = json.loads(data.decode("utf-8"))
    cited = Cited(commit=doc["commit"])
    for checkpoint in doc["checkpoints"]:
        for ref in checkpoint["evidence"]:
            cited.files.add(ref["path"])
            for attachment in ref["attachments"]:
                cited.digests[attachment["path"]] = attachment["sha256"]
    return cited


class _ManualPage(HTMLParser):
    """The commit on the cover, and each `sha256 …` span of the evidence index with the
    file link before it (as `printable` writes them); nothing from the policies' text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cited = Cited()
        self._part: str | None = None  # "cover" or "evidence" while inside one
        self._link: str | None = None  # the last file link in the evidence index
        self._field: str | None = None  # the last heading cell on the cover
        self._collecting: str | None = None  # the tag whose text is being read
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("header", "section") and values.get("id") in ("cover", "evidence"):
            self._part = values["id"]
        elif self._part == "evidence" and tag == "a" and not (values.get("href") or "#").startswith("#"):
            self._link = unquote(values.get("href") or "")
        elif (self._part, tag) in (("evidence", "span"), ("cover", "th"), ("cover", "td")):
            self._collecting, self._text = tag, []

    def handle_data(self, data: str) -> None:
        if self._collecting:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("header", "section"):
            self._part = None
        if tag != self._collecting:
            return
        text, self._collecting = "".join(self._text).strip(), None
        if tag == "span":
            match = _CITED_DIGEST.match(text)
            if match and self._link:
                self.cited.digests[self._link] = match.group(1)
        elif tag == "th":
            self._field = text
        elif self._field == "Commit":
            self.cited.commit = None if text == _NO_COMMIT else text


def from_manual(data: bytes) -> Cited:
    page = _ManualPage()
    page.feed(data.decode("utf-8"))
    page.close()
    return page.cited


_PAGES = ((RESULTS_JSON, from_results), (MANUAL_HTML, from_manual))


def cited_problems(reader: Reader, present: set[str], listed: dict[str, tuple[str, int]], commit: Any) -> list[str]:
    """Where results.json or manual.html cite another commit than the manifest, a digest the
    manifest does not list for that file, or a file the pack does not hold."""
    problems = []
    for page, parse in _PAGES:
        if page not in present:
            if page not in listed:  # else reported as missing already
                problems.append(_("{page}: missing, so what it cites cannot be checked").format(page=page))
            continue
        try:
            cited = parse(reader.read(page))
        except Exception as exc:  # a damaged page is a finding, never a crash
            problems.append(
                _("{page}: unreadable ({problem}), so what it cites cannot be checked").format(
                    page=page, problem=f"{type(exc).__name__}: {exc}"
                )
            )
            continue
        if cited.commit != commit:
            problems.append(
                _("{page}: cites commit {cited}, {manifest} {commit}").format(
                    page=page, cited=cited.commit, manifest=MANIFEST, commit=commit
                )
            )
        for path in sorted(cited.files | set(cited.digests)):
            if path not in listed:
                problems.append(_("{path}: cited by {page}, but not in the pack").format(path=path, page=page))
            elif path in cited.digests and cited.digests[path] != listed[path][0]:
                problems.append(
                    _("{path}: {page} cites sha256 {cited}, {manifest} lists {listed}").format(
                        path=path, page=page, cited=cited.digests[path], manifest=MANIFEST, listed=listed[path][0]
                    )
                )
    return problems
