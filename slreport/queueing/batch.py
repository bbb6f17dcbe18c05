"""Erlang A for many intervals at once: the formulas of ``erlang_a`` on NumPy arrays, and a
vectorised search for the smallest N meeting the targets.

A report over a year has tens of thousands of intervals; one Python evaluation per candidate N
per interval would take a minute, so every step here works on all unresolved intervals at once.
The scalar module stays the reference: tests check that both give the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from slreport.queueing.targets import StaffingTargets

CHUNK_CELLS = 2_000_000  # intervals × series terms held in memory at once
_SLACK = 1e-12  # relative, as in targets.Performance.meets


def series_terms(b: np.ndarray, y: np.ndarray) -> np.ndarray:
    """How many terms of Σ_j y^j/((b+1)…(b+j)) matter: past the peak at j = y − b the terms fall
    like exp(−d²/2y), so 9·√y more make the rest below e^−40 of the sum."""
    return np.ceil(np.maximum(0.0, y - b) + 9 * np.sqrt(y + 1) + 30).astype(np.int64)


def chunks(terms: np.ndarray) -> list[np.ndarray]:
    """Index blocks of similar series length, each small enough for memory."""
    order = np.argsort(terms, kind="stable")
    out, start = [], 0
    while start < order.size:
        rows = max(1, CHUNK_CELLS // int(terms[order[min(start + CHUNK_CELLS, order.size) - 1]] + 2))
        out.append(order[start:start + rows])
        start += rows
    return out


def _lse(logs: np.ndarray) -> np.ndarray:
    """log Σ exp along rows; −inf for a row of −inf."""
    top = logs.max(axis=1)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return safe + np.log(np.exp(logs - safe[:, None]).sum(axis=1))


def kummer_logs(a: np.ndarray, x: np.ndarray, u: np.ndarray) -> dict[str, np.ndarray]:
    """The four series Erlang A needs, from one table of log terms T_j = x^j/((a+1)…(a+j)):

    F(a, x) = Σ T_j;  Σ j·T_j;  F(a+1, x) = Σ T_j·(a+1)/(a+j+1);  F(a+1, xu) = Σ T_j·(a+1)/(a+j+1)·u^j.
    """
    out = {k: np.empty(a.size) for k in ("f", "weighted", "f1", "f1u")}
    terms = series_terms(a, x)
    for idx in chunks(terms):
        width = int(terms[idx].max())
        j = np.arange(0, width + 1, dtype=float)
        log_den = np.log(a[idx, None] + j[None, 1:])  # log(a + k), k = 1…width
        logs = np.concatenate((np.zeros((idx.size, 1)), np.cumsum(np.log(x[idx, None]) - log_den, axis=1)), axis=1)
        top = logs.max(axis=1, keepdims=True)
        scaled = np.exp(logs - top)  # shared by F(a, x), Σ j·T_j and F(a+1, x)
        ratio = (a[idx, None] + 1) / (a[idx, None] + j[None, :] + 1)
        with np.errstate(divide="ignore"):
            out["f"][idx] = top[:, 0] + np.log(scaled.sum(axis=1))
            out["weighted"][idx] = top[:, 0] + np.log((scaled[:, 1:] * j[None, 1:]).sum(axis=1))
            out["f1"][idx] = top[:, 0] + np.log((scaled * ratio).sum(axis=1))
            out["f1u"][idx] = _lse(logs + np.log(ratio) + np.log(u[idx])[:, None] * j[None, :])
    return out


def log_below_many(agents: np.ndarray, load: np.ndarray) -> np.ndarray:
    """log(1/B(N, A) − 1) = log Σ_{m=1..N} Π_{i<m} (N−i)/A per element (agents ≥ 1).

    The terms rise while N − i > A and then fall like a Poisson tail, so beyond
    max(0, N − A) + 9·√A + 30 of them the rest is below e^−40 of the sum."""
    width = np.minimum(agents, np.ceil(np.maximum(0.0, agents - load) + 9 * np.sqrt(load + 1) + 30)).astype(np.int64)
    out = np.empty(agents.size)
    for idx in chunks(width):
        i = np.arange(int(width[idx].max()), dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            steps = np.log(np.maximum(agents[idx, None] - i[None, :], 0.0)) - np.log(load[idx])[:, None]
        out[idx] = _lse(np.cumsum(steps, axis=1))  # m > N gives log 0 = −inf: no contribution
    return out


def performance_many(
    lam: np.ndarray, aht: np.ndarray, theta: np.ndarray, agents: np.ndarray, threshold_s: float
) -> dict[str, np.ndarray]:
    """Erlang A measures for every element (all calls > 0), as in ``erlang_a.performance``."""
    n = np.maximum(agents, 1).astype(float)
    load, x, a = lam * aht, lam * theta, n * theta / aht
    u = np.exp(-threshold_s / theta)
    series = kummer_logs(a, x, u)
    log_pn = -np.logaddexp(log_below_many(n, load), series["f"])
    p_wait = np.exp(log_pn + series["f"])
    p_ab = np.exp(log_pn + series["weighted"] - np.log(x))
    log_late = -(a + 1) * threshold_s / theta + x * (1 - u) + series["f1u"]
    within = np.exp(log_pn + np.log(a / (a + 1)) + series["f1"]) * -np.expm1(log_late - series["f1"])
    zero = agents == 0  # nobody answers: all wait, all abandon
    return {
        "p_wait": np.where(zero, 1.0, p_wait),
        "service_level": np.where(zero, 0.0, 1 - p_wait + (within if threshold_s > 0 else 0.0)),
        "asa_s": np.where(zero, theta, theta * p_ab),
        "occupancy": np.where(zero, np.nan, load * (1 - p_ab) / n),
        "p_abandon": np.where(zero, 1.0, p_ab),
    }


def meets_many(perf: dict[str, np.ndarray], t: StaffingTargets) -> np.ndarray:
    ok = np.ones(perf["p_wait"].size, dtype=bool)
    with np.errstate(invalid="ignore"):
        if t.sl_pct is not None:
            ok &= 100 * perf["service_level"] >= t.sl_pct * (1 - _SLACK)
        for limit, key in ((t.max_asa_s, "asa_s"), (t.max_p_wait, "p_wait"), (t.max_abandon, "p_abandon"),
                           (t.max_occupancy, "occupancy")):
            if limit is not None:
                ok &= perf[key] <= limit * (1 + _SLACK)  # NaN (undefined) never meets a target
    return ok


def required_erlang_a_many(
    calls: np.ndarray, aht: np.ndarray, theta: np.ndarray, interval_s: float, targets: StaffingTargets,
    guess: np.ndarray,
) -> np.ndarray:
    """Smallest N meeting every target under Erlang A, per element; 0 for zero calls; −1 when
    AHT or θ is unknown or no N up to the search cap does."""
    from slreport.queueing.required import search_cap

    calls, aht, theta = (np.asarray(v, dtype=float) for v in (calls, aht, theta))
    result = np.where(calls == 0, 0, -1).astype(np.int64)
    todo = np.flatnonzero((calls > 0) & np.isfinite(aht) & (aht > 0) & np.isfinite(theta) & (theta > 0))
    if todo.size == 0:
        return result
    lam = calls[todo] / interval_s
    load = lam * aht[todo]
    cap = (load + 40 * np.sqrt(load) + 100).astype(np.int64)
    assert search_cap(float(load[0])) == cap[0]

    def ok(i: np.ndarray, n: np.ndarray) -> np.ndarray:
        return meets_many(performance_many(lam[i], aht[todo][i], theta[todo][i], n, targets.sl_threshold_s or 0.0),
                          targets)

    # Erlang A usually needs the Erlang C answer or one or two fewer: start one below it.
    start = np.where(np.asarray(guess)[todo] > 0, np.asarray(guess)[todo] - 1, np.maximum(1, np.ceil(load)))
    result[todo] = smallest_many(ok, np.minimum(start, cap).astype(np.int64), cap)
    return result


def smallest_many(
    ok: Callable[[np.ndarray, np.ndarray], np.ndarray], guess: np.ndarray, cap: np.ndarray
) -> np.ndarray:
    """Per element, the smallest n in [0, cap] with ok(n) (monotone), searching out from guess; −1 if none."""
    hi, lo = guess.copy(), np.full(guess.size, -1)
    alive = np.ones(guess.size, dtype=bool)
    good = ok(np.arange(guess.size), hi)
    _search_up(ok, hi, lo, alive, cap, np.flatnonzero(~good))
    _search_down(ok, hi, lo, np.flatnonzero(good))
    while True:  # bisection, invariant: not ok(lo) (or lo = −1), ok(hi)
        i = np.flatnonzero(alive & (hi - lo > 1))
        if i.size == 0:
            return np.where(alive, hi, -1)
        mid = (lo[i] + hi[i]) // 2
        g = ok(i, mid)
        hi[i[g]], lo[i[~g]] = mid[g], mid[~g]


def _search_up(ok, hi, lo, alive, cap, i) -> None:
    lo[i] = hi[i]
    step = np.ones(i.size, dtype=np.int64)
    while i.size:
        cand = np.minimum(lo[i] + step, cap[i])
        g = ok(i, cand)
        hi[i[g]] = cand[g]
        dead = ~g & (cand >= cap[i])
        alive[i[dead]] = False
        more = ~g & ~dead
        lo[i[more]] = cand[more]
        i, step = i[more], step[more] * 2


def _search_down(ok, hi, lo, i) -> None:
    step = np.ones(i.size, dtype=np.int64)
    while i.size:
        cand = hi[i] - step
        floor = cand < 0
        lo[i[floor]] = -1
        i, cand, step = i[~floor], cand[~floor], step[~floor]
        g = ok(i, cand)
        hi[i[g]] = cand[g]
        lo[i[~g]] = cand[~g]
        i, step = i[g], step[g] * 2
