"""Relative links between generated pages: the quick computation agrees with posixpath."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from site_plugins.markup import rel_path

folders = st.lists(st.sampled_from(["a", "b", "evidence", "2025"]), max_size=3)
files = st.sampled_from(["x.md", "index.md", "f.txt"])


@given(source=folders, source_file=files, target=folders, target_file=files)
def test_rel_path_matches_posixpath(source: list[str], source_file: str, target: list[str], target_file: str) -> None:
    """Between files (the only thing pages link to), the answers agree."""
    from_uri, to_uri = "/".join([*source, source_file]), "/".join([*target, target_file])
    assert rel_path(from_uri, to_uri) == posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")
