"""Rolling-origin backtest: how well the model and two baselines forecast the next week, on the
history itself.

For each of the last BACKTEST_WEEKS whole weeks of the history that have at least MIN_TRAIN_DAYS
days before them (the origin), everything from the origin on is hidden, the model is fitted on
the days before and forecasts the 7 days from the origin, interval by interval; so do

- ``same_slot_last_week``: the same slot 7 days earlier (seasonal naive);
- ``same_slot_mean_4_weeks``: the mean of the same slot 7, 14, 21 and 28 days earlier.

Scored are the test days with at least one contact (a day without any is closed, or missing from
the export: there is nothing to score). Over all scored intervals of all origins:

    WAPE = Σ |actual − forecast| / Σ actual            (null when Σ actual = 0)
    MASE = mean over origins of  MAE(test week) / MAE of the seasonal naive in the training days

where the MASE scale is the mean |y(t) − y(t − 7 days)| over the training days whose day and the
day a week before both have contacts (null when that is 0). A MASE below 1 beats, on the test
week, what the same-slot-last-week rule achieved on the history it had.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from slreport.forecast import model as fm

BACKTEST_WEEKS = 8
MIN_TRAIN_DAYS = 28
METHODS = ("model", "same_slot_last_week", "same_slot_mean_4_weeks")

Predictor = Callable[[int, np.ndarray], np.ndarray]  # (origin index, test day numbers) → [7, slots]


def origins(n_days: int, weeks: int = BACKTEST_WEEKS) -> list[int]:
    """Indexes of the first day of each backtest week (oldest first)."""
    return [n_days - 7 * w for w in range(weeks, 0, -1) if n_days - 7 * w >= MIN_TRAIN_DAYS]


def backtest(y: np.ndarray, days: np.ndarray, predict: Predictor, weeks: int = BACKTEST_WEEKS) -> dict[str, Any]:
    """The backtest of one series; ``residuals`` (actual, model forecast) feed the prediction intervals."""
    found = origins(days.size, weeks)
    abs_err = {m: 0.0 for m in METHODS}
    mase_parts: dict[str, list[float]] = {m: [] for m in METHODS}
    actual_sum, scored_days, used = 0.0, 0, []
    act_all, fc_all = [], []
    for o in found:
        test_days = days[o:o + 7]
        actual = y[o:o + 7]
        scored = actual.sum(axis=1) > 0
        if not scored.any():
            continue
        forecasts = {
            "model": predict(o, test_days),
            "same_slot_last_week": fm.seasonal_naive(y[:o], 7, 7),
            "same_slot_mean_4_weeks": fm.four_week_mean(y[:o], 7),
        }
        scale = naive_scale(y[:o])
        a = actual[scored]
        actual_sum += float(a.sum())
        scored_days += int(scored.sum())
        used.append(o)
        for m, f in forecasts.items():
            err = np.abs(a - f[scored])
            abs_err[m] += float(err.sum())
            if scale:
                mase_parts[m].append(float(err.mean()) / scale)
        act_all.append(a.ravel())
        fc_all.append(forecasts["model"][scored].ravel())
    result: dict[str, Any] = {
        "origins": [fm_day(days[o]) for o in used], "weeks": len(used), "scored_days": scored_days,
        "actual_offered": round(actual_sum),
    }
    for m in METHODS:
        result[m] = {
            "wape_pct": round(100 * abs_err[m] / actual_sum, 2) if actual_sum > 0 else None,
            "mase": round(float(np.mean(mase_parts[m])), 3) if mase_parts[m] else None,
        }
    best = [result[m]["wape_pct"] for m in METHODS[1:] if result[m]["wape_pct"] is not None]
    model_wape = result["model"]["wape_pct"]
    result["better_baseline_wape_pct"] = min(best) if best else None
    result["improvement_pct"] = (round(100 * (1 - model_wape / min(best)), 1)
                                 if best and model_wape is not None and min(best) > 0 else None)
    residuals = (np.concatenate(act_all), np.concatenate(fc_all)) if act_all else None
    return result | {"_residuals": residuals}


def naive_scale(train: np.ndarray) -> float | None:
    """Mean |y(t) − y(t − 7 days)| over the training days where both days have contacts."""
    if train.shape[0] <= 7:
        return None
    totals = train.sum(axis=1)
    both = (totals[7:] > 0) & (totals[:-7] > 0)
    if not both.any():
        return None
    scale = float(np.abs(train[7:][both] - train[:-7][both]).mean())
    return scale if scale > 0 else None


def dispersion(residuals: tuple[np.ndarray, np.ndarray] | None) -> float | None:
    """φ = Σ (actual − forecast)² / Σ forecast over the backtest intervals with a forecast above 0:
    the variance of an interval's count is taken as φ × its forecast (φ = 1: Poisson)."""
    if residuals is None:
        return None
    actual, fc = residuals
    keep = fc > 0
    if not keep.any():
        return None
    return float(((actual[keep] - fc[keep]) ** 2).sum() / fc[keep].sum())


def fm_day(day: int) -> str:
    from slreport.forecast.days import to_date

    return to_date(int(day)).isoformat()
