"""Tests of this manual's own KPI functions (checks/local_kpis.py): `pytest`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from checks import Measure, load_function, load_manual, period_from_label

ROOT = Path(__file__).resolve().parents[1]


def test_the_manual_is_valid() -> None:
    loaded = load_manual(ROOT)
    assert loaded.valid, "\n".join(map(str, loaded.issues))


def test_first_contact_resolution_rate_counts_the_tickets_opened_in_the_month() -> None:
    rate = load_function(ROOT, "checks/local_kpis.py:first_contact_resolution_rate")
    frame = pd.DataFrame(
        {
            "ticket_id": ["T1", "T2", "T3", "T4", "T5"],
            "opened_at": pd.to_datetime(
                ["2025-02-28 23:00", "2025-03-01 08:00", "2025-03-15 12:00", "2025-03-31 23:59", "2025-04-01 00:00"]
            ),
            "first_contact_resolved": [True, True, False, True, True],
        }
    )
    march = period_from_label("2025-03")
    assert rate(frame, march, load_manual(ROOT).manual) == Measure(2 / 3 * 100, 2.0, 3.0)
    assert rate(frame[:1], march, load_manual(ROOT).manual) is None  # no ticket opened in March
