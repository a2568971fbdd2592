"""Who may approve: the members of a role on a date, and every approver the manual names.

A policy names the role whose members approve its revisions (`approving_role`) and the
one whose members review them (`reviewing_role`); an evidence type may name the role
whose members approve its records. Each name is checked against the members on the day
of the approval, so that someone who has left the role stays valid for what they
approved while they held it.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator

from ..i18n import _
from ..model import Issue, Manual, Member, Role


def role_label(role: Role) -> str:
    return _("{name} ({id})").format(name=role.name, id=role.id)


def membership_problem(role: Role, name: str, day: dt.date, duty: str) -> str | None:
    """Why `name` may not act for `role` on `day`, or None when a member may.

    `duty` says what the role does here ("which approves QP-01"): the message reads
    "'李四' is not a member of 总经理 (general-manager), which approves QP-01; ...".
    """
    listed = [m for m in role.members if m.name == name]
    if any(m.current(day) for m in listed):
        return None
    who = role_label(role)
    if listed:
        spans = "; ".join(_span(m) for m in listed)
        return _("'{name}' is a member of {role}, {duty}, only {spans}, not on {day}").format(
            name=name, role=who, duty=duty, spans=spans, day=day
        )
    # Chinese names are two or three characters: one wrong character scores 0.5 to 0.67.
    close = difflib.get_close_matches(name, _names(role.members), n=1, cutoff=0.5)
    if close:
        return _("'{name}' is not a member of {role}, {duty}; did you mean '{close}'?").format(
            name=name, role=who, duty=duty, close=close[0]
        )
    current = _names(role.members_on(day))
    if current:
        return _("'{name}' is not a member of {role}, {duty}; its members on {day}: {names}").format(
            name=name, role=who, duty=duty, day=day, names=", ".join(current)
        )
    return _("'{name}' is not a member of {role}, {duty}; it has no members on {day}").format(
        name=name, role=who, duty=duty, day=day
    )


def approves(doc_id: str) -> str:
    return _("which approves {doc}").format(doc=doc_id)


def reviews(doc_id: str) -> str:
    return _("which reviews {doc}").format(doc=doc_id)


def _names(members: tuple[Member, ...]) -> list[str]:
    return list(dict.fromkeys(m.name for m in members))


def _span(member: Member) -> str:
    if member.start and member.until:
        return _("from {start} until {until}").format(start=member.start, until=member.until)
    if member.start:
        return _("from {start}").format(start=member.start)
    return _("until {until}").format(until=member.until)


def check_people(manual: Manual) -> Iterator[Issue]:
    """Members' dates, and every approver and reviewer the manual names against them."""
    for role in manual.roles.values():
        yield from _members(role)
    for policy in manual.policies.values():
        approving = manual.roles.get(policy.approving_role or "")
        reviewing = manual.roles.get(policy.reviewing_role or "")
        for index, rev in enumerate(policy.revisions):
            checks = (
                (approving, "approved_by", rev.approved_by, rev.approved, approves(policy.id)),
                (reviewing, "reviewed_by", rev.reviewed_by, rev.reviewed, reviews(policy.id)),
            )
            for acting, field, name, day, duty in checks:
                # Without its date, a row is checked on the day it was written.
                problem = membership_problem(acting, name, day or rev.date, duty) if acting and name else None
                if problem:
                    yield policy.source.issue(("revisions", index, field), problem)
    for record in manual.evidence.values():
        etype = manual.evidence_types.get(record.type)
        approving = manual.roles.get(etype.approving_role or "") if etype else None
        if approving is None or etype is None or not record.approved_by or record.date is None:
            continue
        duty = _("which approves records of type '{type}'").format(type=etype.id)
        problem = membership_problem(approving, record.approved_by, record.date, duty)
        if problem:
            yield record.source.issue(("approved_by",), problem)


def _members(role: Role) -> Iterator[Issue]:
    for index, member in enumerate(role.members):
        if member.start and member.until and member.until < member.start:
            yield role.source.issue(
                ("members", index, "until"),
                _("until {until} is before from {start}").format(until=member.until, start=member.start),
            )
        for other in range(index):
            if role.members[other].name == member.name and _overlap(role.members[other], member):
                yield role.source.issue(
                    ("members", index),
                    _("'{name}' is listed twice with overlapping dates (members[{other}])").format(
                        name=member.name, other=other
                    ),
                )
                break


def _overlap(a: Member, b: Member) -> bool:
    return (a.until is None or b.start is None or b.start <= a.until) and (
        b.until is None or a.start is None or a.start <= b.until
    )
