"""site_plugins.rawhtml on its own: which blocks of a generated page's Markdown are set aside
(the site's behaviour is tested through real builds in test_site_sanitize and test_site_weight)."""

from __future__ import annotations

from site_plugins.rawhtml import new_prefix, set_aside

TABLE = '<table data-search-exclude><tr><td id="a1">1</td></tr></table>'
HOSTILE = '<div onclick="steal()">x</div>'


def test_the_plugins_blocks_are_set_aside_and_put_back_in_two_steps() -> None:
    prefix = new_prefix()
    markdown, raw = set_aside(f"# T\n\n{TABLE}\n\n<p class=\"x\">y</p>\n\ntext <b>z</b>\n", prefix)
    assert raw.blocks == [TABLE, '<p class="x">y</p>'] and TABLE not in markdown
    html = f"<h1>T</h1>\n<p>{prefix}0</p>\n<p>{prefix}1</p>\n<p>text <b>z</b></p>"
    searched = raw.put_back(html)  # what the search reads: the excluded table as a comment
    assert TABLE not in searched and '<p class="x">y</p>' in searched
    assert raw.put_back_late(searched) == f'<h1>T</h1>\n{TABLE}\n<p class="x">y</p>\n<p>text <b>z</b></p>'
    assert raw.anchor_ids() == {"a1"}


def test_text_written_by_hand_is_never_set_aside() -> None:
    body = f"```\n\n{HOSTILE}\n\n```\n\n{HOSTILE}"
    markdown, raw = set_aside(f"{TABLE}\n\n{body}\n\n{TABLE}\n", new_prefix(), [body])
    assert body in markdown and raw.blocks == [TABLE, TABLE]
    # A written text that is not where it was expected: nothing from there on is set aside.
    markdown, raw = set_aside(f"{TABLE}\n\n{HOSTILE}\n\n{TABLE}\n", new_prefix(), ["not on the page"])
    assert HOSTILE in markdown and raw.blocks == []


def test_blocks_that_follow_each_other_share_a_placeholder_and_come_back_as_they_were() -> None:
    prefix = new_prefix()
    other = '<p class="qms-asof" data-search-exclude>d</p>'
    markdown, raw = set_aside(f"# T\n\n{other}\n\n{TABLE}\n\n## U\n", prefix)
    assert markdown == f"# T\n\n{prefix}0\n\n## U\n" and raw.blocks == [f"{other}\n{TABLE}"]
    html = raw.put_back_late(raw.put_back(f"<h1>T</h1>\n<p>{prefix}0</p>\n<h2>U</h2>"))
    assert html == f"<h1>T</h1>\n{other}\n{TABLE}\n<h2>U</h2>"
