"""The registers people look for, as they stood on a date: the nonconformities (open ones past
their due date with the days they are late) and the waivers (in force, expired, not yet
granted). `qms list` prints them; the site's nonconformity register shows the first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Manual, Nonconformity


@dataclass(frozen=True)
class NcEntry:
    id: str
    title: str
    owner: str  # role id
    due: dt.date | None
    state: str  # open, closed or verified, on the date
    days_late: int | None  # open and past its due date: by how many days
    clause: str | None
    found_in: str | None
    path: str


@dataclass(frozen=True)
class WaiverEntry:
    id: str
    title: str
    checkpoint: str
    owner: str  # the checkpoint's owner role
    approved_by: str
    granted: dt.date | None
    expires: dt.date | None
    state: str  # active, expired or not-granted, on the date
    days_left: int | None  # active: days until it expires
    path: str


def nc_state(nc: Nonconformity, as_of: dt.date) -> str:
    """What the nonconformity was on the date, from its dates as the nonconformities rule reads
    them: a closing or verification dated later had not happened yet."""
    if nc.closed is None or nc.closed > as_of:
        return "open"
    return "verified" if nc.verified is not None and nc.verified <= as_of else "closed"


def nonconformity_register(manual: Manual, as_of: dt.date) -> list[NcEntry]:
    """The nonconformities found by the date (the record they were found in existed), by id."""
    entries = []
    for nc in sorted(manual.nonconformities.values(), key=lambda n: n.id):
        found = manual.evidence.get(nc.found_in or "")
        if found is not None and found.date is not None and found.date > as_of:
            continue
        state = nc_state(nc, as_of)
        late = (as_of - nc.due).days if state == "open" and nc.due is not None and nc.due < as_of else None
        entries.append(NcEntry(nc.id, nc.title, nc.owner, nc.due, state, late, nc.clause, nc.found_in, nc.source.rel))
    return entries


def waiver_register(manual: Manual, as_of: dt.date) -> list[WaiverEntry]:
    """Every waiver with what it was on the date, by id."""
    entries = []
    for waiver in sorted(manual.waivers.values(), key=lambda w: w.id):
        checkpoint = manual.checkpoints.get(waiver.checkpoint)
        if waiver.granted is not None and waiver.granted > as_of:
            state, left = "not-granted", None
        elif waiver.expires is not None and as_of >= waiver.expires:  # as the evaluation reads it
            state, left = "expired", None
        else:
            state = "active"
            left = (waiver.expires - as_of).days if waiver.expires is not None else None
        entries.append(
            WaiverEntry(
                waiver.id,
                waiver.title or waiver.id,
                waiver.checkpoint,
                checkpoint.owner if checkpoint else "",
                waiver.approved_by,
                waiver.granted,
                waiver.expires,
                state,
                left,
                waiver.source.rel,
            )
        )
    return entries
