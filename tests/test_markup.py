"""Quick paths of the Markdown helpers agree with the plain computations they skip:
relative links with posixpath, escaping and URL quoting with the standard library."""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from site_plugins.markup import _quote, rel_path, text

folders = st.lists(st.sampled_from(["a", "b", "evidence", "2025"]), max_size=3)
files = st.sampled_from(["x.md", "index.md", "f.txt"])


@given(source=folders, source_file=files, target=folders, target_file=files)
def test_rel_path_matches_posixpath(source: list[str], source_file: str, target: list[str], target_file: str) -> None:
    """Between files (the only thing pages link to), the answers agree."""
    from_uri, to_uri = "/".join([*source, source_file]), "/".join([*target, target_file])
    assert rel_path(from_uri, to_uri) == posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


def plain_text(value: str) -> str:
    """What `text` does to a string, without its shortcut."""
    escaped = html.escape(value, quote=False).replace("|", "&#124;")
    return " ".join(re.sub(r"([\\`*_\[\]])", r"\\\1", escaped).split())


# Characters that matter to Markdown, HTML, URLs and white space, mixed with ordinary text.
tricky = st.text(st.sampled_from(list("ab 质量\t\n\r\x0b\x1c\u3000\xa0&<>|\\`*_[]/.~-%#?é")), max_size=12)


@given(value=tricky | st.text(max_size=12))
def test_text_equals_the_full_escaping(value: str) -> None:
    assert text(value) == plain_text(value)


@given(url=tricky | st.text(max_size=12))
def test_quote_shortcut_equals_urllib(url: str) -> None:
    assert _quote(url) == quote(url)


def test_the_text_shortcut_is_taken_and_escaping_still_happens() -> None:
    assert text("内审计划 2025") == "内审计划 2025"
    assert text("a  b\n<c>|*") == "a b &lt;c&gt;&#124;\\*"
