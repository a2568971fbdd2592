"""Printable HTML into PDF through WeasyPrint (CSS paged media), offline: every resource
the page shows is inside it (data: URIs); WeasyPrint may fetch nothing else."""

from __future__ import annotations

import logging
from typing import Any

from ..i18n import _


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs (pango) are missing; the message says which."""


def pdf_bytes(html: str) -> bytes:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: pango is not installed
        raise PdfUnavailable(
            _("cannot make PDF files: {problem} (install weasyprint and the pango libraries)").format(problem=exc)
        ) from None
    # WeasyPrint reports CSS it ignores (screen-only rules of print.css) as warnings: not the user's concern.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return bytes(weasyprint.HTML(string=html, url_fetcher=_offline).write_pdf())


def _offline(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return dict(default_url_fetcher(url, *args, **kwargs))
    raise ValueError(_("{url}: an exported document fetches nothing from outside").format(url=url))
