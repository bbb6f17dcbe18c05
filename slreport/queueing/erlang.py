"""Erlang B and Erlang C (M/M/N, no abandonment), numerically stable for hundreds of agents.

Traffic A = calls × AHT / interval (Erlangs). Erlang B comes from the recursion
B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)), which never forms a factorial or a power of A and
stays in [0, 1]. Erlang C follows from B: C = N·B / (N − A·(1 − B)), defined only for N > A.

    P(wait)  = C(N, A)
    SL(t)    = 1 − C · exp(−(N − A)·t / AHT)
    ASA      = C · AHT / (N − A)      (mean wait over all calls)
    occupancy = A / N
"""

from __future__ import annotations

import math

import numpy as np

from slreport.queueing.targets import Performance, StaffingTargets

_SLACK = 1e-12  # relative, as in targets.Performance.meets


def traffic(calls: float, interval_s: float, aht_s: float) -> float:
    """Offered load in Erlangs."""
    return calls * aht_s / interval_s


def erlang_b(agents: int, load: float) -> float:
    """Blocking probability of N servers at load A (Erlang B), by the stable recursion."""
    b = 1.0
    for n in range(1, agents + 1):
        b = load * b / (n + load * b)
    return b


def erlang_c(agents: int, load: float) -> float:
    """Probability that an arrival waits (Erlang C); 1.0 when N ≤ A (the queue never empties)."""
    if load <= 0:
        return 0.0
    if agents <= load:
        return 1.0
    b = erlang_b(agents, load)
    return agents * b / (agents - load * (1 - b))


def performance(calls: float, interval_s: float, aht_s: float, agents: int, threshold_s: float) -> Performance:
    """Erlang C measures for ``agents``; waits/SL undefined (None) when N ≤ A."""
    load = traffic(calls, interval_s, aht_s)
    if agents <= load:
        return Performance(agents, 1.0, None, None, None if agents == 0 else 1.0)
    c = erlang_c(agents, load)
    return Performance(
        agents=agents,
        p_wait=c,
        service_level=1 - c * math.exp(-(agents - load) * threshold_s / aht_s),
        asa_s=c * aht_s / (agents - load),
        occupancy=load / agents,
    )


def required_many(
    calls: np.ndarray, aht_s: np.ndarray, interval_s: float, targets: StaffingTargets, max_agents: int = 20000,
) -> np.ndarray:
    """Smallest N meeting every target, for many intervals at once (vectorised over intervals).

    Walks n = 1, 2, … once, carrying Erlang B for every interval still unresolved, so the cost is
    about (largest N) NumPy steps whatever the number of intervals. Zero calls → 0; intervals
    whose AHT is unknown (NaN) or that no N up to the search cap satisfies → −1.
    """
    calls = np.asarray(calls, dtype=float)
    aht = np.asarray(aht_s, dtype=float)
    load = calls * aht / interval_s
    result = np.full(calls.shape, -1, dtype=np.int64)
    result[calls == 0] = 0
    todo = np.flatnonzero((calls > 0) & np.isfinite(aht) & (aht > 0))
    cap = np.nan_to_num(np.minimum(load + 40 * np.sqrt(load) + 100, max_agents)).astype(np.int64)  # search_cap
    b = np.ones(todo.size)
    for n in range(1, max_agents + 1):
        if todo.size == 0:
            break
        a = load[todo]
        b = a * b / (n + a * b)
        ok = _meets_c(n, a, b, aht[todo], targets)
        result[todo[ok]] = n
        keep = ~ok & (cap[todo] > n)
        todo, b = todo[keep], b[keep]
    return result


def _meets_c(n: int, a: np.ndarray, b: np.ndarray, aht: np.ndarray, t: StaffingTargets) -> np.ndarray:
    stable = n > a
    spare = np.where(stable, n - a, 1.0)
    c = np.where(stable, n * b / (n - a * (1 - b)), 1.0)
    ok = stable.copy()
    if t.sl_pct is not None:
        ok &= 100 * (1 - c * np.exp(-spare * t.sl_threshold_s / aht)) >= t.sl_pct * (1 - _SLACK)
    if t.max_asa_s is not None:
        ok &= c * aht / spare <= t.max_asa_s * (1 + _SLACK)
    if t.max_p_wait is not None:
        ok &= c <= t.max_p_wait * (1 + _SLACK)
    if t.max_occupancy is not None:
        ok &= a / n <= t.max_occupancy * (1 + _SLACK)
    return ok
