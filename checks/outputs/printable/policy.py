"""One controlled document in printable HTML: its document control, revision history and
body, with clause anchors and links kept inside the page. The pack's manual.html and the
Word and PDF exports all show a policy through `policy_section`."""

from __future__ import annotations

import base64
import datetime as dt
import mimetypes
import posixpath
import re
from urllib.parse import quote, unquote, urlsplit
from xml.etree import ElementTree as ET

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ...evaluating.doccontrol import last_review, next_review, review_records
from ...i18n import _
from ...model import Policy
from ..html import sanitize
from .context import Context, inside
from .markup import POLICY_STATUSES, SYMBOLS, anchor, badge, css_class, e, href, row, table

_MAX_INLINE_IMAGE = 5 << 20  # images a policy shows are embedded up to this size


def policy_section(ctx: Context, policy: Policy, as_of: dt.date) -> str:
    approved = [r for r in policy.revisions if r.approved and r.approved <= as_of]
    last = approved[-1] if approved else None
    review = policy.review
    try:
        reviews = review_records(ctx.manual).get(policy.id, [])  # as the results document counts them
        previous, upcoming = last_review(policy, as_of, reviews), next_review(policy, as_of, reviews)
    except ValueError:  # an unreadable cycle; `qms validate` names it
        previous, upcoming = None, None
    status = ctx.doc_status(policy.id)
    review_text = "—"
    if review is not None:
        review_text = _("cycle {cycle}; last {last}; next {next}").format(
            cycle=e(review.cycle), last=e(previous), next=e(upcoming)
        )
        review_text += f" {badge(status)}" if status else ""
    control = [
        (_("Document no."), e(policy.doc_no)),
        (_("Version"), e(policy.version)),
        (_("Status"), e(_(POLICY_STATUSES[policy.status]) if policy.status in POLICY_STATUSES else policy.status)),
        (_("Owner"), ctx.role(policy.owner)),
        (_("Approved by"), e(last.approved_by) if last else "—"),
        (_("Effective"), e(policy.effective)),
        (_("Last approval"), f"{e(last.version)} {e(last.approved)} {e(last.approved_by)}" if last else "—"),
        (_("Review"), review_text),
        (_("Source"), _source(ctx, policy)),
    ]
    organisation = policy.data.get("organization")
    if organisation:
        control.insert(0, (_("Organisation"), e(organisation)))
    fields = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in control)
    revisions = [
        row(
            [
                e(r.version),
                e(r.author),
                e(r.date),
                e(r.reviewed_by),
                e(r.reviewed),
                e(r.approved_by),
                e(r.approved),
                e(r.change),
            ]
        )
        for r in policy.revisions
    ]
    history = table(
        [
            _("Version"),
            _("Author"),
            _("Date"),
            _("Reviewed by"),
            _("Reviewed on"),
            _("Approved by"),
            _("Approved on"),
            _("Change"),
        ],
        revisions,
        caption=_("Revision history"),
    )
    body = render_policy_body(ctx, policy)
    return (
        f'<section class="policy" id="{anchor("doc", policy.id)}">\n'
        f'<p class="control-mark">{e(control_mark(policy))}</p>\n'
        f"<h1>{e(policy.title)}</h1>\n"
        + '<table class="fields"><caption>'
        + _("Document control")
        + f"</caption><tbody>{fields}</tbody></table>\n"
        f"{history}\n"
        f'<div class="policy-body">\n{body}\n</div>\n</section>'
    )


def control_mark(policy: Policy) -> str:
    """受控 on an effective document: a copy of a draft or retired one is not controlled."""
    return _("Controlled") if policy.status == "effective" else _("Uncontrolled")


def _source(ctx: Context, policy: Policy) -> str:
    """The source file's path, a link when the file is beside the page (in the pack)."""
    rel = policy.source.rel
    return f'<a href="{href(rel)}">{e(rel)}</a>' if rel in ctx.packed else f'<span class="mono">{e(rel)}</span>'


# [[cp-internal-audit-yearly]] or [[cp-internal-audit-yearly|the yearly audit]], as on the site
_REFERENCE = re.compile(r"(?<![\\\[])\[\[([A-Za-z0-9][A-Za-z0-9._-]*)(?:\|([^\]\n]+))?\]\]")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_CLAUSE_TEXT = re.compile(r"^(\d+(?:\.\d+)*)\.?(?:\s|$)")


def render_policy_body(ctx: Context, policy: Policy) -> str:
    """The policy's Markdown as HTML: raw HTML sanitized (unless the context trusts it), links and
    images kept inside the pack."""
    lines, in_code = [], False
    for line in (policy.source.body or "").split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
        if not in_code and "[[" in line:
            line = _REFERENCE.sub(lambda m: _reference(ctx, m), line)
        lines.append(line)
    converter = markdown.Markdown(
        extensions=["tables", "fenced_code", "attr_list", "admonition", _PackExtension(ctx, policy)],
        output_format="html",
    )
    html = str(converter.convert("\n".join(lines)))
    return html if ctx.trusted_html else sanitize(html, offline=True)


def _reference(ctx: Context, match: re.Match[str]) -> str:
    object_id, label = match.group(1), match.group(2)
    anchor = ctx.anchors.get(object_id)
    if anchor is None:
        return match.group(0)
    return f"[{label or object_id}](#{anchor})"


class _PackExtension(Extension):
    def __init__(self, ctx: Context, policy: Policy) -> None:
        self.ctx = ctx
        self.policy = policy
        super().__init__()

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After attr_list (8): nothing may add an attribute once this has checked them.
        md.treeprocessors.register(_PackLinks(md, self.ctx, self.policy), "qms_pack_links", 7)


class _PackLinks(Treeprocessor):
    """Clause anchors and badges on headings; links and images kept inside the pack."""

    def __init__(self, md: markdown.Markdown, ctx: Context, policy: Policy) -> None:
        super().__init__(md)
        self.ctx = ctx
        self.policy = policy
        self.folder = posixpath.dirname(policy.source.rel)

    def run(self, root: ET.Element) -> None:
        for element in list(root.iter()):
            for name in [a for a in element.attrib if a.lower().startswith("on") or a.lower() == "style"]:
                del element.attrib[name]
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self._heading(element)
            elif element.tag == "a":
                self.link(element)
            elif element.tag == "img":
                self._image(element)
            else:
                for name in ("src", "href", "srcset", "poster", "data"):
                    element.attrib.pop(name, None)

    def _heading(self, element: ET.Element) -> None:
        match = _CLAUSE_TEXT.match("".join(element.itertext()).strip())
        if not match or match.group(1) not in self.policy.clauses:
            return
        number = match.group(1)
        element.set("id", f"clause-{self.policy.id}-{number}")
        ref = f"{self.policy.id}#{number}"
        results = [r for r in self.ctx.doc["checkpoints"] if r["clause"] == ref]
        if not results:
            return
        holder = ET.SubElement(element, "span", {"class": "clause-status"})
        for result in results:
            link = ET.SubElement(holder, "a", {"href": f"#{anchor('cp', result['id'])}"})
            mark = ET.SubElement(link, "span", {"class": f"badge {css_class(result['status'])}"})
            mark.text = f"{SYMBOLS.get(result['status'], '•')} {result['status']} · {result['id']}"
            link.tail = " "

    def _target(self, url: str) -> tuple[str | None, str]:
        """(the in-pack href for a link, its fragment); None when it leads outside the pack."""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith("//"):
            return None, parts.fragment
        fragment = parts.fragment
        if not parts.path:
            if fragment in self.ctx.anchors.values():  # e.g. [[cp-id]]: a row of this page
                return f"#{fragment}", fragment
            return self._fragment(self.policy.id, fragment), fragment
        rel = posixpath.normpath(posixpath.join(self.folder, unquote(parts.path)))
        if rel.startswith("../") or rel == "..":
            return None, fragment
        for policy in self.ctx.manual.policies.values():
            if policy.source.rel == rel:
                return self._fragment(policy.id, fragment), fragment
        if rel in self.ctx.files:
            return f"#{self.ctx.files[rel]}", fragment
        if rel in self.ctx.packed:
            return quote(rel, safe="/") + (f"#{quote(fragment)}" if fragment else ""), fragment
        return None, fragment

    @staticmethod
    def _fragment(policy_id: str, fragment: str) -> str:
        if fragment.startswith("clause-"):
            return f"#clause-{policy_id}-{fragment[len('clause-') :]}"
        return f"#{anchor('doc', policy_id)}"

    def link(self, element: ET.Element) -> None:
        url = element.get("href", "")
        target, _ = self._target(url)
        if target is not None:
            element.set("href", target)
            return
        # Outside the pack: keep the words (and the address, for the reader), drop the link.
        _unlink(element)
        label = "".join(element.itertext()).strip()
        if url and not url.startswith("#") and url != label and "\x02" not in url:
            suffix = f" ({url})"
            if len(element):
                last = element[-1]
                last.tail = (last.tail or "") + suffix
            else:
                element.text = (element.text or "") + suffix

    def _image(self, element: ET.Element) -> None:
        src = element.get("src", "")
        alt = element.get("alt", "")
        embedded = self._embed(src)
        if embedded is not None:
            element.set("src", embedded)
            return
        _unlink(element)
        element.text = f"[{alt or 'image'}: {src}]"

    def _embed(self, src: str) -> str | None:
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        rel = posixpath.normpath(posixpath.join(self.folder, unquote(parts.path)))
        root = self.ctx.manual.root
        path = root / rel
        if rel.startswith("..") or inside(path, root) is None or path.is_symlink() or not path.is_file():
            return None
        mime = mimetypes.guess_type(path.name)[0] or ""
        if not mime.startswith("image/") or path.stat().st_size > _MAX_INLINE_IMAGE:
            return None
        return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _unlink(element: ET.Element) -> None:
    """Turn a link or image that leads outside the page into plain, marked text."""
    element.tag = "span"
    element.attrib.clear()
    element.set("class", "ext-link")
