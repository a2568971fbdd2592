"""Pages showing how each version of a controlled document changed its clauses.

The comparison itself is `checks.authoring.changes.version_history` (git history and the
working tree); this module only renders it."""

from __future__ import annotations

from checks.authoring.changes import VersionChange
from checks.model import Policy

from .context import Site, clause_anchor
from .markup import esc, md_link, text


def changes_uri(policy_id: str, version: str) -> str:
    return f"changes/{policy_id}/{version}.md"


def changes_page(site: Site, policy: Policy, change: VersionChange) -> str:
    labels = site.labels
    uri = changes_uri(policy.id, change.version)
    title = f"{policy.id} {change.version}"
    out = [f"# {text(title)} {text(labels['changes'])}", ""]
    policy_uri = site.policy_uris.get(policy.id)
    back = md_link(text(policy.title), uri, policy_uri) if policy_uri else text(policy.title)
    previous = text(change.previous or "—")
    out += [f"{back}: {text(change.version)} ← {previous}", ""]
    if change.commit:
        out += [f"{text(labels['commit'])}: `{esc(change.commit[:12])}`", ""]
    if not change.available:
        out += [text(labels["changes.unavailable"]), ""]
        return "\n".join(out)
    if not change.clauses:
        out += [text(labels["changes.none"]), ""]
    for clause in change.clauses:
        heading = f"{clause.number} {clause.title}".strip()
        anchor = clause_anchor(clause.number)
        if clause.kind != "removed" and policy_uri:
            heading = md_link(text(heading), uri, policy_uri, anchor)
        else:
            heading = text(heading)
        out += [f"## {text(labels['changes.' + clause.kind])}: {heading}", ""]
        if clause.kind == "reworded":
            lines = clause.diff_lines()
            out += ['<pre class="qms-diff">' + "\n".join(_line(line) for line in lines) + "</pre>", ""]
        else:
            body = clause.new if clause.kind == "added" else clause.old
            out += [
                '<pre class="qms-diff">'
                + "\n".join(_line(("+" if clause.kind == "added" else "-") + line) for line in body.splitlines())
                + "</pre>",
                "",
            ]
    return "\n".join(out)


def _line(line: str) -> str:
    kind = "qms-add" if line.startswith("+") else "qms-del" if line.startswith("-") else ""
    return f'<span class="{kind}">{esc(line)}</span>' if kind else esc(line)
