"""The calendar feeds at the site root: `calendar.ics` with everything due, and
`calendar/<role>.ics` for each role, for owners to subscribe to. What is due comes
from `checks` (evaluating.duedates); this module only names files and page links."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from mkdocs.structure.files import File

from checks.evaluating.duedates import DueItem, due_items
from checks.outputs.calendar import calendar_ics

from .context import Site, Target

FEED = "calendar.ics"


def role_feed(role_id: str) -> str:
    return f"calendar/{role_id}.ics"


Keep = Callable[[str, tuple[Any, ...], Callable[[], bytes]], bytes]


def calendar_files(
    site: Site, site_name: str, site_url: str | None, keep: Keep = lambda uri, inputs, make: make()
) -> list[tuple[str, bytes]]:
    """`calendar.ics` and one feed per role (empty feeds too: a subscription keeps its address).

    `keep(uri, inputs, make)` may give back a feed made before from the same inputs
    (the plugin's PageMemo): a feed is made again only when its items change."""
    items = due_items(site.manual, site.doc)

    def owner_name(role_id: str) -> str:
        role = site.manual.roles.get(role_id)
        return f"{role.name} ({role_id})" if role and role.name and role.name != role_id else role_id

    def link(item: DueItem) -> str | None:
        target = due_target(site, item)
        if target is None:
            return None
        uri, anchor = target
        url = File(uri, None, "", site.use_directory_urls).url + (f"#{anchor}" if anchor else "")
        return urljoin(site_url, url) if site_url else url

    def feed(uri: str, name: str, chosen: list[DueItem]) -> tuple[str, bytes]:
        links = tuple(link(i) for i in chosen)
        names = tuple(owner_name(i.owner) for i in chosen)
        inputs = (name, site.as_of, tuple(chosen), links, names)
        make = functools.partial(calendar_ics, chosen, name=name, as_of=site.as_of, owner_name=owner_name, link=link)
        return uri, keep(uri, inputs, make)

    files = [feed(FEED, site_name, items)]
    for role_id in sorted(site.manual.roles):
        mine = [i for i in items if i.owner == role_id]
        files.append(feed(role_feed(role_id), f"{site_name} — {owner_name(role_id)}", mine))
    return files


def due_target(site: Site, item: DueItem) -> Target | None:
    """The page (and anchor) of what an item is due for."""
    if item.kind == "plan":
        plan_id, _, row_id = item.id.partition("#")
        return site.plan_row_target(plan_id, row_id)
    kind = {"checkpoint": "checkpoint", "nonconformity": "nonconformity", "document": "policy"}[item.kind]
    return site.target(kind, item.id)
