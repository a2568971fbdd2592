"""Raw HTML from the manual's Markdown bodies, made safe to publish.

A record, a policy or a page may hold raw HTML (Markdown passes it through) or Markdown
that makes scripts (`[x](javascript:...)`, `{onclick=...}` through attr_list). Whoever can
commit a record must not be able to run a script in an auditor's browser, so the HTML made
from those bodies goes through nh3 (the Rust sanitizer ammonia): scripts, event handlers,
`javascript:` URLs, iframes, forms and style sheets go; what Markdown, MkDocs' usual
extensions and the `qms` plugin write (tables, images, links, headings with anchors,
admonitions, code, badges, inline SVG charts) stays. A trusted repository can turn it off
(the plugin's `sanitize_html: false`, `qms pack --trusted-html`).
"""

from __future__ import annotations

import functools
from typing import Any

import nh3

_SHAPES = ("rect", "line", "polyline", "polygon", "path", "circle", "ellipse")
_SVG = {"svg", "g", "text", "tspan", "title", "desc", *_SHAPES}
_TAGS = set(nh3.ALLOWED_TAGS) | {"tfoot", "input", "label", "section"} | _SVG
_POSITION = {"x", "y", "x1", "x2", "y1", "y2", "dx", "dy", "cx", "cy"}
_GEOMETRY = _POSITION | {"r", "rx", "ry", "width", "height", "points", "d"}
_PAINT = {"fill", "stroke", "stroke-width", "stroke-dasharray", "opacity", "transform"}
_FONT = {"font-family", "font-size", "font-weight", "text-anchor", "dominant-baseline"}
_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
    # any element: what anchors, styles and screen readers need
    "*": {"class", "id", "title", "lang", "dir", "role", "style", "data-search-exclude"},  # search: not indexed
    "a": {"href", "hreflang", "name", "download"},
    "img": {"src", "alt", "width", "height", "align", "loading"},
    "input": {"type", "checked", "disabled", "name", "value"},  # task lists, content tabs
    "label": {"for"},
    "details": {"open"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "span": {"data-sort"},  # the plugin's badges sort tables by status
    "div": {"data-status"},  # and its dashboard tiles are coloured by it
    "time": {"datetime"},
    "svg": {"viewBox", "xmlns", "preserveAspectRatio", "width", "height"} | _PAINT | _FONT,
    "g": _PAINT | _FONT,
    "text": _GEOMETRY | _PAINT | _FONT,
    "tspan": _GEOMETRY | _PAINT | _FONT,
    **{tag: _GEOMETRY | _PAINT for tag in _SHAPES},
}
# Style attributes may lay out, never position, hide or load anything.
_STYLES = {"text-align", "vertical-align", "width", "max-width", "height", "font-family", "white-space"}


def sanitize(html: str, *, offline: bool = False) -> str:
    """`html` without anything that runs or loads from elsewhere. `offline` (the audit pack,
    a self-contained file): links and images may only lead inside the document, and images
    may be embedded (`data:image/...`)."""
    return _cleaner(offline).clean(html)


@functools.cache
def _cleaner(offline: bool) -> Any:
    return nh3.Cleaner(
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        generic_attribute_prefixes={"aria-"},
        filter_style_properties=_STYLES,
        link_rel=None,  # links keep their attributes: no target is allowed, so no opener to cut
        url_schemes={"data"} if offline else set(nh3.ALLOWED_URL_SCHEMES),
        attribute_filter=_embedded_images_only if offline else None,
    )


def _embedded_images_only(tag: str, attribute: str, value: str) -> str | None:
    """The only `data:` URL kept is an image's source (the pack embeds images)."""
    if value[:5].lower() != "data:":
        return value
    return value if tag == "img" and attribute == "src" and value[5:11].lower() == "image/" else None
