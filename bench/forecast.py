"""Time `slreport forecast --plan`: a year of 15-minute history for 8 companies (interval tables).

    python bench/forecast.py            # writes the tables to a temporary folder, runs once, prints seconds

Target (issue 22): forecast, backtest and plan in ≤ 10 s on the 2-core machine. The history is made
here, deterministically: Poisson counts with a weekday × time-of-day shape (07:00–20:00, quiet
weekends) and a slow trend, AHT 200–260 s. The time is the command's, in a fresh subprocess.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
WEEKDAY = np.array([1.3, 1.1, 1.0, 1.0, 0.9, 0.2, 0.05])


def write_history(folder: Path, companies: int = 8, days: int = 365) -> list[Path]:
    rng = np.random.default_rng(22)
    start = dt.datetime(2025, 1, 6)
    slot_hours = np.arange(96) / 4
    shape = np.where((slot_hours >= 7) & (slot_hours < 20), np.exp(-((slot_hours - 11.5) / 3.5) ** 2), 0.0)
    paths = []
    for c in range(companies):
        base = 6 + 3 * c
        lines = ["interval_start,offered,aht_s,company"]
        for d in range(days):
            day = start + dt.timedelta(days=d)
            mean = base * WEEKDAY[day.weekday()] * (1 + 0.2 * d / days) * shape
            counts = rng.poisson(mean)
            for s in np.flatnonzero(shape):
                stamp = (day + dt.timedelta(minutes=15 * int(s))).strftime("%Y-%m-%d %H:%M")
                lines.append(f"{stamp},{counts[s]},{200 + 8 * c},company-{c + 1}")
        path = folder / f"company-{c + 1}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=8)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_history(Path(tmp), args.companies, args.days)
        cmd = [sys.executable, "-m", "slreport", "forecast", *map(str, paths), "--tz", "Europe/Helsinki",
               "--interval", "15", "--plan", "--sl", "80/20", "--format", "json"]
        began = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, env={"PYTHONPATH": str(ROOT)}, check=True)
        seconds = time.perf_counter() - began
    rows = done.stdout.count(b'"interval_start"')
    print(f"forecast --plan, {args.companies} companies × {args.days} days of 15-minute intervals: "
          f"{seconds:.2f} s ({rows} forecast rows); target ≤ 10 s: {'met' if seconds <= 10 else 'missed'}")


if __name__ == "__main__":
    main()
