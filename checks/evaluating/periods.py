"""Dates, durations and the periods a requirement recurs in.

P1Y, P6M, P3M and P1M recur in calendar years, halves, quarters and months
(what an annual plan means by "every half year"); any other duration is a
rolling window ending at the evaluation date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from ..i18n import _

_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")

# An evaluation looks a few periods (of up to MAX_DURATION_YEARS) and a trend's months back
# and forward from its date: within these bounds every date it works out exists.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
MAX_DURATION_YEARS = 100
MAX_TREND_MONTHS = 120


def check_as_of(day: dt.date) -> str | None:
    """Why `day` cannot be an evaluation date, or None."""
    if EARLIEST <= day <= LATEST:
        return None
    message = _("{day} is outside the dates a manual is evaluated at ({earliest} to {latest})")
    return message.format(day=day.isoformat(), earliest=EARLIEST.isoformat(), latest=LATEST.isoformat())


def duration_problem(text: str, *, positive: bool) -> str | None:
    """Why a duration written in the manual cannot be used, or None: a period that recurs
    must not be empty (`P0Y`), and none may pass MAX_DURATION_YEARS (`P99999Y`)."""
    try:
        d = parse_duration(text)
    except ValueError:
        return None  # the schema reports its form
    days = d.total_months * 31 + d.days
    if positive and days == 0:
        return _("'{text}' is an empty duration; a period must last at least a day").format(text=text)
    if days > MAX_DURATION_YEARS * 366:
        message = _("'{text}' is longer than {years} years")
        return message.format(text=text, years=MAX_DURATION_YEARS)
    return None


@dataclass(frozen=True)
class Duration:
    years: int = 0
    months: int = 0
    days: int = 0

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    def before(self, day: dt.date) -> dt.date:
        """The date this duration before `day` (month ends are clamped)."""
        return add_months(day, -self.total_months) - dt.timedelta(days=self.days)

    def after(self, day: dt.date) -> dt.date:
        return add_months(day, self.total_months) + dt.timedelta(days=self.days)


def parse_duration(text: str) -> Duration:
    match = _DURATION.match(text)
    if not match or text == "P":
        raise ValueError(_("not an ISO 8601 duration: {text}").format(text=repr(text)))
    years, months, weeks, days = (int(g or 0) for g in match.groups())
    return Duration(years, months, weeks * 7 + days)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True, order=True)
class Period:
    """A window records must fall in, and the date by which one is due."""

    start: dt.date
    end: dt.date
    due: dt.date
    label: str

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


# Months per calendar period, and how each is labelled.
_CALENDAR = {12: "year", 6: "half", 3: "quarter", 1: "month"}


def calendar_unit(every: Duration) -> int | None:
    """Months per calendar period when `every` is one, else None (rolling)."""
    if every.days == 0 and every.total_months in _CALENDAR:
        return every.total_months
    return None


def calendar_period(day: dt.date, months: int) -> Period:
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    end = month_end(day.year, first_month + months - 1)
    return Period(start, end, end, period_label(start, months))


def period_label(start: dt.date, months: int) -> str:
    match months:
        case 12:
            return f"{start.year}"
        case 6:
            return f"{start.year}-H{1 if start.month <= 6 else 2}"
        case 3:
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        case _:
            return f"{start.year}-{start.month:02d}"


def label_months(label: str) -> int:
    """How many months a period label such as 2025, 2025-H1, 2025-Q3 or 2025-04 spans."""
    if "-" not in label:
        return 12
    suffix = label.split("-", 1)[1]
    return {"H": 6, "Q": 3}.get(suffix[0], 1)


def period_from_label(label: str) -> Period:
    year = int(label[:4])
    months = label_months(label)
    if months == 12:
        start = dt.date(year, 1, 1)
    else:
        suffix = label.split("-", 1)[1]
        index = int(suffix.lstrip("HQ"))
        start = dt.date(year, (index - 1) * months + 1, 1)
    return calendar_period(start, months)


def yearly_by(year: int, month_day: str, opens: str | None = None) -> Period:
    """The window of a 'due by MM-DD each year' requirement (from 1 January, or from the
    month-day `opens`: "in April" is from 04-01 to 04-30)."""
    due = _month_day(year, month_day)
    return Period(_month_day(year, opens or "01-01"), due, due, f"{year}")


def _month_day(year: int, month_day: str) -> dt.date:
    month, day = (int(x) for x in month_day.split("-"))
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def month_period(year_month: str) -> Period:
    year, month = (int(x) for x in year_month.split("-"))
    start = dt.date(year, month, 1)
    end = month_end(year, month)
    return Period(start, end, end, year_month)


def month_ends_before(as_of: dt.date, count: int) -> list[dt.date]:
    """The last `count` month ends strictly before `as_of`, oldest first."""
    ends = []
    day = as_of.replace(day=1) - dt.timedelta(days=1)
    for _month in range(count):
        ends.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
    return sorted(ends)
