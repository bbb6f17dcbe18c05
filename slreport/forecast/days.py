"""Which days a series is fitted on, and which future days and slots are closed.

- Unusual days: the definition of slreport.metrics.unusual_days (a day's offered above k× or below
  1/k× the median of the same weekday's open days 7, 14, 21 and 28 days before, judged when at
  least 2 of them exist), applied to the series' own daily totals.
- Public holidays (``holidays_country``, from the ``holidays`` package) are closed: no volume is
  forecast on them, and they and the days next to them are left out of the fit (eves and days
  after a holiday are not ordinary days either).
- Opening hours, when configured, close the slots outside them (a slot is open when any of its
  minutes is).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from slreport.metrics.unusual_days import MIN_BASELINE_DAYS
from slreport.options.hours import HOLIDAY, CompanyHours

EPOCH = dt.date(1970, 1, 1)


def to_date(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def unusual(totals: np.ndarray, k: float) -> tuple[np.ndarray, np.ndarray]:
    """(kind per day: '' / 'busy' / 'quiet', the baseline median per day, NaN when not judged)."""
    kind = np.full(totals.size, "", dtype=object)
    baseline = np.full(totals.size, np.nan)
    for i in range(totals.size):
        if totals[i] <= 0:
            continue
        before = [totals[i - 7 * j] for j in (1, 2, 3, 4) if i - 7 * j >= 0 and totals[i - 7 * j] > 0]
        if len(before) < MIN_BASELINE_DAYS:
            continue
        base = float(np.median(before))
        if base <= 0:
            continue
        baseline[i] = base
        if totals[i] > k * base:
            kind[i] = "busy"
        elif totals[i] * k < base:
            kind[i] = "quiet"
    return kind, baseline


def holiday_names(country: str | None, days: np.ndarray) -> dict[int, str]:
    """Day number → holiday name, for the days given (none without a country)."""
    if not country or days.size == 0:
        return {}
    import holidays

    years = range(to_date(int(days.min())).year, to_date(int(days.max())).year + 1)
    calendar = holidays.country_holidays(country, years=years)
    return {int((d - EPOCH).days): str(name) for d, name in calendar.items()}


def open_slots(hours: CompanyHours, days: np.ndarray, holiday_days: set[int], interval_minutes: int) -> np.ndarray:
    """[day, slot] True where the company is open (every slot of every day without opening hours,
    except holidays when a holidays country is known)."""
    slots = 24 * 60 // interval_minutes
    ranges = hours.open_ranges()
    by_kind = np.zeros((8, slots), dtype=bool)
    start = np.arange(slots) * interval_minutes
    for kind, lo, hi in ranges:
        by_kind[kind] |= (start < hi) & (start + interval_minutes > lo)
    weekday = (days + 3) % 7
    kinds = np.array([HOLIDAY if int(d) in holiday_days else int(w) for d, w in zip(days, weekday, strict=True)],
                     dtype=np.int64)
    return by_kind[kinds] if days.size else np.zeros((0, slots), dtype=bool)


def left_out(days: np.ndarray, totals: np.ndarray, kinds: np.ndarray, baseline: np.ndarray,
             holidays_in: dict[int, str]) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """(usable mask, the list of left-out days with their reason) for one series' history."""
    usable = totals > 0
    out = []
    near = {d + s for d in holidays_in for s in (-1, 1)} - set(holidays_in)
    for i, day in enumerate(days.tolist()):
        reason = None
        if day in holidays_in:
            reason = f"public holiday ({holidays_in[day]})"
        elif day in near and totals[i] > 0:
            reason = "next to a public holiday"
        elif kinds[i]:
            reason = f"unusual ({kinds[i]})"
        if reason is None:
            continue
        usable[i] = False
        out.append({"day": to_date(day).isoformat(), "reason": reason, "offered": int(totals[i]),
                    "baseline_offered": None if np.isnan(baseline[i]) else round(float(baseline[i]), 1)})
    return usable, out
