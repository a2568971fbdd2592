"""Calendar feeds (RFC 5545, through icalendar) of what is due: one event per upcoming due
date, for Outlook, DingTalk or Feishu to subscribe to.

Events are all-day on the due date, with a reminder a week before. Each keeps its UID
from one evaluation to the next (`DueItem.uid`), so a subscribed calendar updates an
event instead of adding it again; DTSTAMP is the evaluation date, so the same manual
evaluated on the same date gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from icalendar import Alarm, Calendar, Event

from ..evaluating.duedates import DueItem
from ..i18n import _

REMINDER = dt.timedelta(days=7)
PRODID = "-//quality-manual//qms calendar//EN"


def upcoming(items: Iterable[DueItem], as_of: dt.date) -> list[DueItem]:
    """The items due on or after the evaluation date (overdue ones are for `qms todo`)."""
    return [i for i in items if i.due >= as_of]


def calendar_ics(
    items: Iterable[DueItem],
    *,
    name: str,
    as_of: dt.date,
    owner_name: Callable[[str], str] = str,
    link: Callable[[DueItem], str | None] = lambda item: None,
) -> bytes:
    """An iCalendar feed with one event per upcoming item."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = dt.datetime.combine(as_of, dt.time(0), tzinfo=dt.UTC)
    for item in upcoming(items, as_of):
        calendar.add_component(_event(item, stamp, owner_name(item.owner), link(item)))
    return bytes(calendar.to_ical())


def _event(item: DueItem, stamp: dt.datetime, owner: str, url: str | None) -> Event:
    event = Event()
    event.add("uid", f"{item.uid}@quality-manual")
    event.add("dtstamp", stamp)
    event.add("dtstart", item.due)
    event.add("dtend", item.due + dt.timedelta(days=1))
    summary = _("{title} ({period})").format(title=item.title, period=item.period) if item.period else item.title
    event.add("summary", summary)
    lines = [
        _("Owner: {owner}").format(owner=owner),
        _("Status: {status}").format(status=item.status),
        _("{kind}: {id}").format(kind=_kind(item.kind), id=item.id),
    ]
    if url:
        lines.append(url)
        if "://" in url:  # a calendar can open only a whole address (the site's `site_url` set)
            event.add("url", url)
    event.add("description", "\n".join(lines))
    event.add("categories", [item.kind])
    event.add("contact", owner)
    event.add("transp", "TRANSPARENT")  # a deadline, not time taken in the owner's day
    event.add("x-qms-owner", item.owner)
    event.add("x-qms-status", item.status)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -REMINDER)
    event.add_component(alarm)
    return event


def _kind(kind: str) -> str:
    return {
        "checkpoint": _("Checkpoint"),
        "plan": _("Plan row"),
        "nonconformity": _("Nonconformity"),
        "document": _("Document review"),
    }.get(kind, kind)
