"""Data rows as they stood at the end of a date.

An evidence type's `data_columns` say which column dates a row's events (`dates`): the row
itself (`dates: row`: the row does not exist before that time), or the values an event
brings (`dates: [columns]`: before that time, those columns and the time itself are
blank). A `key` column identifies a row across records: the row of a newer record (an
export that shows a ticket resolved) replaces the row of an older one (the export that
showed it open).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..model import DataColumn


def end_of(day: dt.date) -> pd.Timestamp:
    """The first moment after `day`: times before it happened on or before that day."""
    return pd.Timestamp(day) + pd.Timedelta(days=1)


def as_of_view(frame: pd.DataFrame, columns: tuple[DataColumn, ...], as_of: dt.date) -> pd.DataFrame:
    """The rows that existed at the end of `as_of`, with the events after it blanked.
    The frame itself is returned when nothing in it is later (the usual case)."""
    end, view = end_of(as_of), frame
    for column in columns:
        if column.dates is None:
            continue
        latest = view[column.name].max()  # cheaper than comparing every row when none is later
        if pd.isna(latest) or latest < end:
            continue
        later = view[column.name] >= end  # blank times are never later
        if column.dates == "row":
            view = view[~later]
            continue
        view = view.copy(deep=False) if view is frame else view
        for name in (column.name, *column.dates):
            view[name] = view[name].where(~later)
    return view


def key_column(columns: tuple[DataColumn, ...]) -> str | None:
    return next((c.name for c in columns if c.key), None)


def newer_keys(keys_newest_first: list[pd.Series]) -> list[pd.Index]:
    """For each record's keys (newest record first), those of its keys that a newer record
    holds too: its rows with them have been replaced. Each newer record's keys are looked up
    among the older record's (a large export is scanned, never hashed whole)."""
    out = []
    for index, keys in enumerate(keys_newest_first):
        found = [newer[held_in(newer, keys)] for newer in keys_newest_first[:index]] if len(keys) else []
        out.append(pd.Index(pd.concat(found).unique()) if found else pd.Index([]))
    return out


def held_in(keys: pd.Series, values: pd.Series | pd.Index) -> np.ndarray:
    """`keys.isin(values)` as a boolean array, by Arrow's hash lookup: pandas' own isin turns a
    large column of Arrow strings into Python objects first (a tenth of a second per million)."""
    try:
        column = pa.array(keys)
        found = pc.is_in(column, value_set=pa.array(values).cast(column.type))
        return np.asarray(found.fill_null(False), dtype=bool)
    except (pa.ArrowException, TypeError, ValueError):  # values of another type: the slow, exact way
        return keys.isin(values).to_numpy(dtype=bool)
