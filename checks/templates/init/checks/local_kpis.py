"""This manual's own KPI functions, named in policy/kpis/*.yaml as
`compute: checks/local_kpis.py:FUNCTION`.

A KPI function gets
- `frame`: the rows of the KPI's source evidence type as one pandas DataFrame: the data
  files (CSV/XLSX) of every record of that type that exists on the evaluation date, with
  the columns its `data_columns` declare, already typed (datetime, boolean, number...);
- `period`: the period to compute (`period.start`, `period.end` dates, `period.label`);
- `manual`: the whole manual (roles, records...), for KPIs that need more than the rows,
and returns `Measure(value, numerator, denominator)`, or None when the period has no data.
"""

from __future__ import annotations

import pandas as pd

from checks import Manual, Measure, Period


def first_contact_resolution_rate(frame: pd.DataFrame, period: Period, manual: Manual) -> Measure | None:
    """首次接触即解决的事件数 / 受理的事件总数 × 100%, by the month a ticket was opened."""
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end) + pd.Timedelta(days=1)
    opened = frame[(frame["opened_at"] >= start) & (frame["opened_at"] < end)]
    if opened.empty:
        return None
    resolved = int(opened["first_contact_resolved"].fillna(False).astype(bool).sum())
    return Measure(resolved / len(opened) * 100, float(resolved), float(len(opened)))
