"""Erlang A (M/M/N+M): Poisson arrivals, exponential service, exponential patience with mean θ.

The exact birth-death solution, written in closed form (Garnett, Mandelbaum & Reiman 2002;
Mandelbaum & Zeltyn's M/M/n+G summary). With λ = calls / interval, μ = 1 / AHT, A = λ/μ and the
dimensionless x = λθ, a = Nμθ, the stationary probabilities relative to π_N are

    n < N:   π_n / π_N = N! / (n! · A^(N−n))            (the Erlang B part)
    N + j:   π_(N+j) / π_N = x^j / ((a+1)(a+2)…(a+j))   (callers queue and abandon at rate j/θ)

so with F(b, y) = Σ_j y^j / ((b+1)…(b+j)) (a Kummer series, summed in log space):

    π_N      = 1 / (1/B(N, A) − 1 + F(a, x))
    P(wait)  = π_N · F(a, x)                             (an arrival finds all N busy)
    P(aband.) = E[queue] / x = π_N · Σ_j j·x^j/((a+1)…(a+j)) / x
    ASA      = θ · P(abandon)  = E[queue] / λ           (mean wait of ALL arrivals, abandoners included)
    occupancy = A · (1 − P(abandon)) / N
    SL(t)    = P(answered within t) over all arrivals
             = 1 − P(wait) + π_N · a/(a+1) · [F(a+1, x) − u^(a+1)·e^(x(1−u))·F(a+1, xu)],  u = e^(−t/θ)

The SL term integrates the density of the offered wait V, λπ_(N−1)·exp(λθ(1−e^(−s/θ)) − Nμs), times
the chance e^(−s/θ) that the caller is still there, from 0 to t. No factorials or powers are formed:
every series is a cumulative sum of logarithms, so hundreds of agents are fine.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from slreport.queueing.targets import Performance


def _logsumexp(logs: np.ndarray) -> float:
    top = float(logs.max())
    return top + math.log(float(np.exp(logs - top).sum()))


def _series_logs(b: float, y: float) -> np.ndarray:
    """log of the terms y^j / ((b+1)…(b+j)), j = 0…K, with K past the point where they are negligible."""
    k_max = int(max(0.0, y - b) + 12 * math.sqrt(y + 1) + 40)
    while True:
        k = np.arange(1, k_max + 1)
        logs = np.concatenate(([0.0], np.cumsum(math.log(y) - np.log(b + k))))
        if logs[-1] < logs.max() - 45:  # the tail left out is below 1e-19 of the sum
            return logs
        k_max *= 2


def log_kummer(b: float, y: float) -> float:
    """log F(b, y) = log Σ_j y^j / ((b+1)…(b+j))."""
    return 0.0 if y <= 0 else _logsumexp(_series_logs(b, y))


def _log_kummer_weighted(b: float, y: float) -> float:
    """log Σ_j j · y^j / ((b+1)…(b+j)) (−inf when y = 0)."""
    if y <= 0:
        return -math.inf
    logs = _series_logs(b, y)
    return _logsumexp(logs[1:] + np.log(np.arange(1, logs.size)))


def _log_below(agents: int, load: float) -> float:
    """log Σ_{n<N} π_n/π_N = log(1/B(N, A) − 1)."""
    n = np.arange(1, agents + 1)
    logs = np.concatenate(([0.0], np.cumsum(math.log(load) - np.log(n))))  # log A^n/n!, n = 0…N
    return _logsumexp(logs[:-1]) - float(logs[-1])


@lru_cache(maxsize=200_000)
def performance(
    calls: float, interval_s: float, aht_s: float, patience_s: float, agents: int, threshold_s: float
) -> Performance:
    """Erlang A measures for ``agents`` (see the module docstring for the formulas)."""
    lam = calls / interval_s
    load = lam * aht_s
    if calls <= 0:
        return Performance(agents, None, None, None, None, None)
    if agents == 0:  # nobody answers: every caller waits until they give up
        return Performance(0, 1.0, 0.0, patience_s, None, 1.0)
    x, a = lam * patience_s, agents * patience_s / aht_s
    log_s = log_kummer(a, x)
    log_pn = -np.logaddexp(_log_below(agents, load), log_s)
    p_wait = math.exp(log_pn + log_s)
    p_abandon = math.exp(log_pn + _log_kummer_weighted(a, x) - math.log(x))
    return Performance(
        agents=agents,
        p_wait=p_wait,
        service_level=1 - p_wait + _answered_after_wait_within(log_pn, a, x, threshold_s / patience_s),
        asa_s=patience_s * p_abandon,
        occupancy=load * (1 - p_abandon) / agents,
        p_abandon=p_abandon,
    )


def _answered_after_wait_within(log_pn: float, a: float, x: float, t_over_theta: float) -> float:
    """P(the caller waits, is still there, and is answered within t) over all arrivals."""
    if t_over_theta <= 0:
        return 0.0
    u = math.exp(-t_over_theta)
    log_all = log_kummer(a + 1, x)
    log_late = -(a + 1) * t_over_theta + x * (1 - u) + log_kummer(a + 1, x * u)
    return math.exp(log_pn + math.log(a / (a + 1)) + log_all) * -math.expm1(log_late - log_all)
