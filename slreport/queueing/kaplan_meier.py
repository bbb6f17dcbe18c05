"""Kaplan–Meier estimate of caller patience from censored waits.

An abandoned call is an event at its wait (the caller's patience ran out then). An answered
or flowed-out call is censored at its wait: its caller's patience is only known to be longer.
At a wait shared by events and censorings, the events come first (the censored callers are
still at risk at that instant), the standard convention:

    n_i = callers whose wait ≥ t_i,   S(t) = Π_{t_i ≤ t} (1 − d_i / n_i)

The input is already aggregated: one entry per distinct wait with its event and censoring counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class KaplanMeier:
    times: np.ndarray  # distinct waits, ascending
    at_risk: np.ndarray  # n_i: callers with wait ≥ times[i]
    events: np.ndarray  # d_i: abandons at times[i]
    survival: np.ndarray  # S just after times[i]

    @classmethod
    def fit(cls, times: np.ndarray, events: np.ndarray, censored: np.ndarray) -> KaplanMeier:
        order = np.argsort(times, kind="stable")
        t, d, c = (np.asarray(a, dtype=float)[order] for a in (times, events, censored))
        leaving = d + c
        at_risk = leaving.sum() - np.concatenate(([0.0], np.cumsum(leaving)[:-1]))
        factors = np.where(at_risk > 0, 1 - d / np.where(at_risk > 0, at_risk, 1), 1.0)
        return cls(t, at_risk, d, np.cumprod(factors))

    @property
    def last_time(self) -> float | None:
        return float(self.times[-1]) if self.times.size else None

    def survival_at(self, t: float) -> float | None:
        """S(t): share of callers still willing to wait at t; None beyond the longest observed wait."""
        if self.last_time is None or t > self.last_time:
            return None
        i = int(np.searchsorted(self.times, t, side="right"))
        return 1.0 if i == 0 else float(self.survival[i - 1])

    def at_risk_at(self, t: float) -> int:
        """Callers whose wait was at least t."""
        i = int(np.searchsorted(self.times, t, side="left"))
        return 0 if i >= self.times.size else int(self.at_risk[i])

    def median(self) -> float | None:
        """The smallest wait at which S falls to 0.5 or below; None when it never does."""
        below = np.flatnonzero(self.survival <= 0.5)
        return None if below.size == 0 else float(self.times[below[0]])
