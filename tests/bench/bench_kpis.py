"""Benchmark: the incident-log KPIs over a 1,000,000-row CSV.

Run from the repository root:  .venv/bin/python tests/bench/bench_kpis.py [ROWS]
Prints the time to read + type the CSV, to compute the incident KPIs for every
month of two years, and the ratio of the whole to a bare pandas read of the
same file (the floor). Not collected by pytest: timing tests are too noisy here.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from checks import load_manual  # noqa: E402
from checks.evaluating.kpis import first_contact_resolution_rate, kpi_periods, mean_resolution_time  # noqa: E402
from checks.loading.data import read_table  # noqa: E402


def write_log(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 1)
    span = 700 * 24 * 3600
    with path.open("w", encoding="utf-8") as out:
        out.write("ticket_id,project,category,priority,opened_at,first_contact_resolved,status,resolved_at\n")
        for i in range(rows):
            opened = start + dt.timedelta(seconds=rng.randrange(span))
            resolved = opened + dt.timedelta(minutes=rng.randrange(5, 4000))
            done = rng.random() < 0.97
            out.write(
                f"INC-{i:07d},P{rng.randrange(40):02d},网络,P{rng.randrange(1, 5)},{opened:%Y-%m-%d %H:%M:%S},"
                f"{'是' if rng.random() < 0.7 else '否'},{'已解决' if done else '处理中'},"
                f"{f'{resolved:%Y-%m-%d %H:%M:%S}' if done else ''}\n"
            )


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    manual = load_manual(REPO).manual
    columns = tuple(
        c
        for c in manual.evidence_types["incident-log"].data_columns
        if c.name
        in {
            "ticket_id",
            "project",
            "category",
            "priority",
            "opened_at",
            "first_contact_resolved",
            "status",
            "resolved_at",
        }
    )
    kpis = [manual.kpis["first-contact-resolution-rate"], manual.kpis["mean-resolution-time"]]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "incidents.csv"
        write_log(path, rows)
        size = path.stat().st_size / 1e6

        t0 = time.perf_counter()
        pd.read_csv(path, dtype=str, keep_default_na=False)
        floor = time.perf_counter() - t0

        t0 = time.perf_counter()
        frame = read_table(path, columns, "incidents.csv")
        read = time.perf_counter() - t0

        t0 = time.perf_counter()
        periods = kpi_periods(kpis[0], dt.date(2026, 11, 30))
        for period in periods:
            first_contact_resolution_rate(frame, period, manual)
            mean_resolution_time(frame, period, manual)
        compute = time.perf_counter() - t0

    total = read + compute
    print(f"rows: {rows:,} ({size:.0f} MB CSV)")
    print(f"floor, bare pandas read_csv:        {floor:6.2f} s")
    print(f"read + validate + type columns:     {read:6.2f} s")
    print(f"2 KPIs x {len(periods)} monthly periods:      {compute:6.2f} s")
    print(f"total:                              {total:6.2f} s  ({total / floor:.2f}x the floor)")


if __name__ == "__main__":
    main()
