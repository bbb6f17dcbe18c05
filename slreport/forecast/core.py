"""forecast(): history → fitted model per series → backtest → forecast rows → plan (the JSON contract).

The result is a plain dict (the JSON of `slreport forecast`, schema in forecast.schema.json); the
views render it. Per series (company, or company and queue with --by company,queue):

1. the history's left-out days (unusual, holidays and the days next to them);
2. the backtest (slreport.forecast.backtest), whose out-of-sample errors give the dispersion φ of
   the prediction intervals;
3. the fit on every usable day and the forecast of every interval of the horizon, closed days and
   slots (holidays, opening hours) at zero;
4. with --plan, agents per interval for the forecast and for its upper 80 % bound.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from slreport.forecast import backtest as bt
from slreport.forecast import days as fdays
from slreport.forecast import model as fm
from slreport.forecast.history import Series
from slreport.options.forecast import ForecastOptions
from slreport.options.settings import Settings

Z80, Z95 = 1.2815515655446004, 1.959963984540054
SHORT_HISTORY_DAYS = 28
AHT_NEIGHBOUR = 0.5  # weight of each neighbouring slot's handle time and calls in a slot's AHT
AHT_PRIOR_CALLS = 50.0  # pseudo-calls at the weekday's AHT that every slot's AHT is shrunk with
MODEL_NAME = "weekday-profile-level-trend"


def forecast_series(series: Series, settings: Settings, options: ForecastOptions, future: np.ndarray) -> dict[str, Any]:
    """Everything the output says about one series; ``future``: the day numbers of the horizon."""
    m = settings.interval_minutes
    hours = settings.hours.for_company(series.company)
    span = np.arange(series.days[0], max(int(future[-1]), int(series.days[-1])) + 1)
    holidays_in = fdays.holiday_names(hours.holidays_country, span)
    # What is forecast, fitted and scored is offered within opening hours (analyze's offered): contacts
    # arriving while the company is closed (outside its hours, on its holidays) need no agents.
    offered = series.offered * fdays.open_slots(hours, series.days, set(holidays_in), m)
    totals = offered.sum(axis=1)
    kinds, baseline = fdays.unusual(totals, settings.unusual_factor)
    usable, left_out = fdays.left_out(series.days, series.offered.sum(axis=1), kinds, baseline,
                                      {d: n for d, n in holidays_in.items() if series.days[0] <= d <= series.days[-1]})
    open_future = fdays.open_slots(hours, future, set(holidays_in), m)

    def predict(end: int, test_days: np.ndarray) -> np.ndarray:
        f = fm.fit(offered[:end], series.days[:end], usable[:end])
        return fm.predict(f, test_days) * fdays.open_slots(hours, test_days, set(holidays_in), m)

    tested = bt.backtest(offered, series.days, predict)
    residuals = tested.pop("_residuals")
    phi = bt.dispersion(residuals)
    tested["coverage_pct"] = coverage(residuals, phi)
    fit = fm.fit(offered, series.days, usable)
    mean = fm.predict(fit, future) * open_future
    sd = np.sqrt((phi if phi is not None else 1.0) * mean)
    aht = slot_aht(series, usable)[fm.weekday_of(future)]
    assumptions = assumptions_of(series, fit, phi)
    return {
        "key": {"company": series.company} | ({"queue": series.queue} if options.by_queue else {}),
        "mean": mean, "sd": sd, "aht": aht, "open": open_future,
        "model": model_json(series, fit, left_out, phi, assumptions, holidays_in, future),
        "backtest": tested,
    }


def coverage(residuals: tuple[np.ndarray, np.ndarray] | None, phi: float | None) -> dict[str, float | None]:
    """Share of the backtest's intervals with a forecast above 0 whose actual fell inside the 80 % and 95 %
    intervals (φ from the same backtest, so this checks the shape of the intervals, not φ itself)."""
    if residuals is None or phi is None:
        return {"p80": None, "p95": None}
    actual, fc = residuals
    keep = fc > 0
    if not keep.any():
        return {"p80": None, "p95": None}
    a, f = actual[keep], fc[keep]
    sd = np.sqrt(phi * f)
    return {name: round(100 * float(np.mean((a >= np.maximum(0, f - z * sd)) & (a <= f + z * sd))), 1)
            for name, z in (("p80", Z80), ("p95", Z95))}


def slot_aht(series: Series, usable: np.ndarray) -> np.ndarray:
    """[weekday, slot] AHT over the fit window's usable days. Handle times are heavy-tailed, so a
    slot's own mean is noisy even over hundreds of calls: each slot pools its neighbours' handle time
    and calls (weight AHT_NEIGHBOUR each) and is shrunk toward its weekday's AHT by AHT_PRIOR_CALLS
    pseudo-calls; a weekday without calls takes the series' AHT; NaN when there is none at all."""
    last = series.days[-1]
    keep = usable & (series.days > last - 7 * fm.FIT_WEEKS)
    weekday = fm.weekday_of(series.days)
    handle, calls = series.handle_sum[keep], series.aht_calls[keep]
    overall = handle.sum() / calls.sum() if calls.sum() > 0 else np.nan
    out = np.full((7, series.offered.shape[1]), overall)
    for w in range(7):
        mine = weekday[keep] == w
        h, c = _pooled(handle[mine].sum(axis=0)), _pooled(calls[mine].sum(axis=0))
        day_aht = handle[mine].sum() / calls[mine].sum() if calls[mine].sum() > 0 else overall
        if np.isfinite(day_aht):
            out[w] = (h + AHT_PRIOR_CALLS * day_aht) / (c + AHT_PRIOR_CALLS)
    return out


def _pooled(values: np.ndarray) -> np.ndarray:
    padded = np.concatenate(([0.0], values, [0.0]))
    return values + AHT_NEIGHBOUR * (padded[:-2] + padded[2:])


def assumptions_of(series: Series, fit: fm.Fit, phi: float | None) -> list[str]:
    out = []
    n = int(series.days.size)
    if n < SHORT_HISTORY_DAYS:
        out.append(f"short history ({n} days, under 4 weeks): each weekday's level is the mean of the few days "
                   "seen, no trend is fitted, and weekdays without an open day are forecast closed")
    closed = [fm_weekday(w) for w in range(7) if fit.level[w] == 0]
    if closed:
        out.append(f"closed on {', '.join(closed)}: no open day of these weekdays in the fit window")
    if phi is None:
        out.append("no backtest possible (it needs 5 weeks): prediction intervals assume Poisson counts (φ = 1)")
    return out


def fm_weekday(w: int) -> str:
    return ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[w]


def model_json(series: Series, fit: fm.Fit, left_out: list[dict[str, Any]], phi: float | None,
               assumptions: list[str], holidays_in: dict[int, str], future: np.ndarray) -> dict[str, Any]:
    first_fit = max(int(series.days[0]), fit.last_day - 7 * fm.FIT_WEEKS + 1)
    return {
        "company": series.company, "queue": series.queue,
        "history": {"first_day": fdays.to_date(series.days[0]).isoformat(),
                    "last_day": fdays.to_date(series.days[-1]).isoformat(), "days": int(series.days.size),
                    "offered": int(series.offered.sum())},
        "fit": {"from": fdays.to_date(first_fit).isoformat(), "to": fdays.to_date(fit.last_day).isoformat(),
                "days": fit.fit_days,
                "level_by_weekday": {fm_weekday(w): round(float(fit.level[w]), 1) for w in range(7)},
                "trend_pct_per_week": round(100 * 7 * fit.trend_per_day, 2), "dispersion": None if phi is None else
                round(phi, 3)},
        "left_out": left_out,
        "closed_in_horizon": [{"day": fdays.to_date(d).isoformat(), "reason": f"public holiday ({holidays_in[int(d)]})"}
                              for d in future.tolist() if int(d) in holidays_in],
        "assumptions": assumptions,
    }


def interval_starts(future: np.ndarray, slots: int, minutes: int, tz: str) -> tuple[list[str], np.ndarray]:
    """ISO interval starts with the zone's offset, and a [day, slot] mask of the local times that exist
    (the skipped hour of a spring-forward day has none; the repeated hour of a fall-back day is
    written once, at its first occurrence)."""
    zone = ZoneInfo(tz)
    out, exists = [], np.ones((future.size, slots), dtype=bool)
    for i, day in enumerate(future.tolist()):
        base = dt.datetime.combine(fdays.to_date(day), dt.time())
        for s in range(slots):
            local = (base + dt.timedelta(minutes=s * minutes)).replace(tzinfo=zone)
            round_trip = local.astimezone(dt.UTC).astimezone(zone)
            if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
                exists[i, s] = False
                continue
            out.append(local.isoformat())
    return out, exists
