"""The forecast model: weekday × time-of-day profile, level and damped trend, in NumPy.

One series (a company, or a company and queue) is a matrix ``y[day, slot]`` of offered contacts
per local calendar day and interval of the day. The forecast of a future day d and slot s is

    level(weekday(d)) × trend(d) × shape(weekday(d), s)

- ``level(w)``: the exponentially weighted mean of the daily totals of the fit days that fall on
  weekday w (weight 0.5 per LEVEL_HALF_LIFE_WEEKS weeks of age);
- ``trend(d)``: the recent growth of the deseasonalised daily totals (least squares over the last
  TREND_WEEKS weeks of fit days, used only when TREND_T standard errors from 0), damped by
  TREND_DAMPING per day ahead from the level's weighted mean age and capped at ±TREND_CAP;
- ``shape(w, s)``: the share of weekday w's contacts that arrive in slot s, over the fit days of
  the last SHAPE_WEEKS weeks (optionally mixed with the all-days shape by SHAPE_PRIOR_DAYS
  pseudo-days: 0, measured no better on the bank), each open slot averaged with its open
  neighbours at weight SMOOTH (a 15-minute slot's own share is mostly Poisson noise).

Fit days are the open days (more than zero contacts) that are neither unusual nor public holidays
nor the days next to one. A weekday without any fit day is forecast closed (zero). Everything is
plain arithmetic on arrays: no iterative fit, so a year of 15-minute history for eight companies
takes well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LEVEL_HALF_LIFE_WEEKS = 3.0
FIT_WEEKS = 12  # days older than this are not used
SHAPE_WEEKS = 12
SHAPE_PRIOR_DAYS = 0.0
TREND_WEEKS = 6
TREND_DAMPING = 0.98
TREND_CAP = 0.25
MIN_TREND_DAYS = 14
TREND_T = 3.0  # a trend is used only when its slope is this many standard errors from zero


@dataclass(frozen=True)
class Fit:
    """What the model learnt from one series: per weekday level and slot shape, the trend per day."""

    level: np.ndarray  # (7,) daily total per weekday; 0 = closed (no fit day)
    shape: np.ndarray  # (7, slots) shares summing to 1 per open weekday
    trend_per_day: float  # relative growth per day (0 = none)
    fit_days: int
    last_day: int  # the last history day (day numbers are days since 1970-01-01)
    level_age_days: float  # weighted mean age of the days behind the level: where the trend starts


def weekday_of(day_numbers: np.ndarray) -> np.ndarray:
    """Monday = 0 … Sunday = 6 for days counted from 1970-01-01 (a Thursday)."""
    return (np.asarray(day_numbers) + 3) % 7


def fit(y: np.ndarray, days: np.ndarray, usable: np.ndarray) -> Fit:
    """Fit one series: ``y[i, s]`` contacts on day ``days[i]`` (consecutive day numbers) in slot s;
    ``usable[i]``: day i may be fitted (open, not unusual, not a holiday or next to one)."""
    slots = y.shape[1]
    totals = y.sum(axis=1)
    last = int(days[-1]) if days.size else 0
    keep = usable & (totals > 0) & (days > last - 7 * FIT_WEEKS)
    weekday = weekday_of(days)
    age_weeks = (last - days) / 7.0
    weight = np.where(keep, 0.5 ** (age_weeks / LEVEL_HALF_LIFE_WEEKS), 0.0)
    level = np.zeros(7)
    shape = np.zeros((7, slots))
    all_shape = _shares(y[keep].sum(axis=0))
    for w in range(7):
        mine = keep & (weekday == w)
        if not mine.any():
            continue
        level[w] = float((weight[mine] * totals[mine]).sum() / weight[mine].sum())
        recent = mine & (days > last - 7 * SHAPE_WEEKS)
        n = float(recent.sum())
        own = _shares(y[recent].sum(axis=0))
        shape[w] = _smooth(_shares(n * own + SHAPE_PRIOR_DAYS * all_shape * (own > 0)))
    trend = _trend(totals, days, keep, level[weekday])
    age = float((weight * (last - days)).sum() / weight.sum()) if weight.sum() > 0 else 0.0
    return Fit(level, shape, trend, int(keep.sum()), last, age)


SMOOTH = 0.5  # weight of each neighbouring slot in the shape (0 = none)


def _smooth(shape: np.ndarray) -> np.ndarray:
    """Each open slot's share mixed with its open neighbours' (closed slots stay closed): a
    15-minute slot holds a few dozen calls, so its own share is mostly Poisson noise."""
    if SMOOTH <= 0:
        return shape
    open_ = shape > 0
    padded = np.concatenate(([0.0], shape, [0.0]))
    near = np.concatenate(([False], open_, [False]))
    total = shape + SMOOTH * (padded[:-2] + padded[2:])
    weight = 1 + SMOOTH * (near[:-2].astype(float) + near[2:])
    return _shares(np.where(open_, total / weight, 0.0))


def _shares(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total > 0 else np.zeros_like(counts, dtype=float)


def _trend(totals: np.ndarray, days: np.ndarray, keep: np.ndarray, expected: np.ndarray) -> float:
    """Relative change per day of the deseasonalised daily totals over the last TREND_WEEKS weeks."""
    last = days[-1] if days.size else 0
    recent = keep & (days > last - 7 * TREND_WEEKS) & (expected > 0)
    if recent.sum() < MIN_TREND_DAYS:
        return 0.0
    x = (days[recent] - last).astype(float)
    ratio = totals[recent] / expected[recent]
    (slope, intercept), cov = np.polyfit(x, ratio, 1, cov=True)
    if not abs(slope) > TREND_T * np.sqrt(cov[0, 0]):  # not clearly a trend: the noise of a few weeks
        return 0.0
    return float(np.clip(slope, -TREND_CAP / 28, TREND_CAP / 28))


def predict(model: Fit, future_days: np.ndarray) -> np.ndarray:
    """The forecast ``[len(future_days), slots]`` (before holidays and closures are applied)."""
    weekday = weekday_of(future_days)
    ahead = (np.asarray(future_days) - model.last_day).astype(float)
    # the level describes the weighted centre of its days; the damped trend carries it forward
    steps = ahead + model.level_age_days
    damped = (1 - TREND_DAMPING ** steps) / (1 - TREND_DAMPING)
    factor = np.clip(1 + model.trend_per_day * damped, 1 - TREND_CAP, 1 + TREND_CAP)
    return (model.level[weekday] * factor)[:, None] * model.shape[weekday]


def seasonal_naive(y: np.ndarray, lag_days: int, horizon: int) -> np.ndarray:
    """Baseline 1: the same slot ``lag_days`` (7) before, repeated over the horizon."""
    last_week = y[-lag_days:]
    reps = -(-horizon // lag_days)
    return np.tile(last_week, (reps, 1))[:horizon]


def four_week_mean(y: np.ndarray, horizon: int) -> np.ndarray:
    """Baseline 2: the same slot's mean over the last 4 weeks (the 4 same weekdays)."""
    weeks = y[-28:].reshape(4, 7, -1).mean(axis=0) if y.shape[0] >= 28 else seasonal_naive(y, 7, 7)
    reps = -(-horizon // 7)
    return np.tile(weeks, (reps, 1))[:horizon]
