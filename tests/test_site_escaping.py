"""HTML from evidence fields and data cells stays text on the published site."""

from __future__ import annotations

from pathlib import Path

from test_site import fixture_copy, mkdocs_build, write_config

SCRIPT = "<script>alert(1)</script>"


def test_fields_and_data_cells_are_escaped(tmp_path: Path) -> None:
    root = fixture_copy(tmp_path, "manual")
    config = write_config(root, "en", "      as_of: '2025-12-31'\n")
    (root / "policy/evidence-types/tickets.yaml").write_text(
        "id: tickets\nkind: evidence-type\ntitle: 事件记录\n"
        "fields: {type: object, properties: {note: {type: string}}}\n"
        "data_columns:\n  - {name: ticket_id, type: string, required: true}\n  - {name: summary, type: string}\n",
        encoding="utf-8",
    )
    folder = root / "evidence/2025/tickets"
    folder.mkdir(parents=True)
    (folder / "t.csv").write_text(f'ticket_id,summary\nT1,"{SCRIPT} & <b>bold</b>"\n', encoding="utf-8")
    (folder / "TK-2025.md").write_text(
        f"---\nid: TK-2025\nkind: evidence\ntitle: 事件\ntype: tickets\ndate: 2025-06-01\nowner: mgmt-dept\n"
        f"note: '{SCRIPT}'\ndata: [t.csv]\n---\n\n正文。\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    result = mkdocs_build(config, site)
    assert result.returncode == 0, result.stderr[-3000:]
    html = (site / "evidence/2025/tickets/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the field and the data cell, shown as text
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2
    assert "<b>bold</b>" not in html
