"""Required agents: the smallest N meeting every target, and the `slreport erlang` calculator.

Every measure improves with N (SL and occupancy headroom up, P(wait), ASA and abandonment
down), so the answer is found by a monotone search. Zero calls need zero agents. Staff to
schedule = ceil(N / (1 − shrinkage)).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slreport.errors import UsageError
from slreport.queueing import erlang, erlang_a
from slreport.queueing.targets import Performance, StaffingTargets, scheduled

ROWS_AROUND = 4  # rows of the calculator table either side of the answer


def search_cap(load: float) -> int:
    """No staffing level above this is tried: far beyond any real target (A + 40·√A + 100)."""
    return int(load + 40 * math.sqrt(load) + 100)


def model_performance(
    calls: float, interval_s: float, aht_s: float, patience_s: float | None, threshold_s: float | None
) -> Callable[[int], Performance]:
    """N → Performance under Erlang A when a patience is given, else Erlang C.

    Without a service-level threshold there is no service level to report (None), not SL(0).
    """
    t = threshold_s or 0.0

    def perf(n: int) -> Performance:
        if patience_s is None:
            p = erlang.performance(calls, interval_s, aht_s, n, t)
        else:
            p = erlang_a.performance(calls, interval_s, aht_s, patience_s, n, t)
        return p if threshold_s is not None else replace(p, service_level=None)

    return perf


_REQUIRED_CACHE: dict[tuple[Any, ...], int | None] = {}


def required_agents(
    calls: float, interval_s: float, aht_s: float, targets: StaffingTargets,
    patience_s: float | None = None, guess: int | None = None,
) -> int | None:
    """Smallest N meeting every target (None when no N up to the search cap does).

    Erlang A when ``patience_s`` is given, else Erlang C. ``guess`` (e.g. the Erlang C answer)
    only speeds the search up; answers are cached by their inputs, whatever the guess.
    """
    if calls <= 0:
        return 0
    key = (calls, interval_s, aht_s, targets, patience_s)
    if key not in _REQUIRED_CACHE:
        if len(_REQUIRED_CACHE) > 500_000:
            _REQUIRED_CACHE.clear()
        load = erlang.traffic(calls, interval_s, aht_s)
        perf = model_performance(calls, interval_s, aht_s, patience_s, targets.sl_threshold_s)
        stable = 0.0 if patience_s is not None else load  # Erlang C needs N > A, whatever the targets
        if patience_s is None:
            guess = math.floor(load) + 1
        start = guess or max(1, math.ceil(load))
        _REQUIRED_CACHE[key] = smallest(lambda n: n > stable and perf(n).meets(targets), start, search_cap(load))
    return _REQUIRED_CACHE[key]


def smallest(ok: Callable[[int], bool], guess: int, cap: int) -> int | None:
    """Smallest n in [0, cap] with ok(n), for a monotone ok, searching outwards from ``guess``."""
    guess = min(max(guess, 0), cap)
    if ok(guess):
        hi, step = guess, 1
        while hi > 0 and ok(hi - step if hi - step >= 0 else 0):
            hi = max(hi - step, 0)
            step *= 2
        lo = max(hi - step, -1)  # ok(lo) is false (or lo = −1)
    else:
        lo, step = guess, 1
        while True:
            hi = min(lo + step, cap)
            if ok(hi):
                break
            if hi == cap:
                return None
            lo, step = hi, step * 2
    while hi - lo > 1:  # invariant: not ok(lo), ok(hi)
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi


def calculate(
    calls: float, interval_s: float, aht_s: float, targets: StaffingTargets, patience_s: float | None = None,
) -> dict[str, Any]:
    """The `slreport erlang` result: the recommendation and a table of N around it (JSON-ready)."""
    check_inputs(calls, interval_s, aht_s, targets, patience_s)
    agents = required_agents(calls, interval_s, aht_s, targets, patience_s)
    if agents is None:
        raise UsageError(
            f"no number of agents up to {search_cap(erlang.traffic(calls, interval_s, aht_s))} meets the targets",
            "a target of 100 % or a zero wait cannot be met: relax the targets",
        )
    perf = model_performance(calls, interval_s, aht_s, patience_s, targets.sl_threshold_s)
    return {
        "model": "erlang_c" if patience_s is None else "erlang_a",
        "inputs": {
            "calls": calls, "interval_s": interval_s, "aht_s": aht_s, "patience_s": patience_s,
            "traffic_erlangs": round(erlang.traffic(calls, interval_s, aht_s), 4),
        },
        "targets": targets.as_json(),
        "recommended": performance_row(perf(agents) if calls > 0 else None, agents, targets.shrinkage),
        "table": [performance_row(perf(n), n, targets.shrinkage) for n in table_agents(calls, agents, patience_s,
                                                                                             interval_s, aht_s)],
    }


def table_agents(calls: float, agents: int, patience_s: float | None, interval_s: float, aht_s: float) -> range:
    if calls <= 0:
        return range(0)
    low = max(1, agents - ROWS_AROUND)
    if patience_s is None:  # Erlang C has no answer for N ≤ A
        low = max(low, math.floor(erlang.traffic(calls, interval_s, aht_s)) + 1)
    return range(low, agents + ROWS_AROUND + 1)


def performance_row(perf: Performance | None, agents: int, shrinkage: float) -> dict[str, Any]:
    """One JSON row: probabilities as 0-1, service level and occupancy in %, ASA in seconds."""

    def r(v: float | None, scale: float = 1.0) -> float | None:
        return None if v is None else round(v * scale, 4)

    p = perf or Performance(agents, None, None, None, None, None)
    return {
        "agents": agents, "scheduled": scheduled(agents, shrinkage), "p_wait": r(p.p_wait),
        "service_level_pct": r(p.service_level, 100), "asa_s": r(p.asa_s), "occupancy_pct": r(p.occupancy, 100),
        "p_abandon": r(p.p_abandon),
    }


def check_inputs(
    calls: float, interval_s: float, aht_s: float, targets: StaffingTargets, patience_s: float | None
) -> None:
    if not targets.any():
        raise UsageError(
            "no staffing target given",
            "give at least one of --sl 80/20, --max-asa, --max-pwait, --max-abandon, --max-occupancy",
        )
    if not math.isfinite(calls) or calls < 0:
        raise UsageError(f"--calls {calls:g} must be 0 or more", "give the calls per interval, e.g. --calls 100")
    if not math.isfinite(aht_s) or aht_s <= 0:
        raise UsageError(f"--aht {aht_s:g} must be above 0", "give the average handle time in seconds, e.g. --aht 180")
    if interval_s <= 0:
        raise UsageError("--interval must be longer than 0", "write it like 30m, 1h or 1800s")
    if patience_s is not None and (not math.isfinite(patience_s) or patience_s <= 0):
        raise UsageError(f"--patience {patience_s:g} must be above 0", "give the mean patience in seconds")
    if targets.max_abandon is not None and patience_s is None:
        raise UsageError("--max-abandon needs a patience (Erlang A)", "add --patience SECONDS, e.g. --patience 300")


_DURATION_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600}


def parse_interval(text: str) -> float:
    """'15m', '30m', '1h', '1800s' → seconds; a bare number is minutes, as in `analyze --interval`."""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|m|min|h)?\s*", text)
    if not m or float(m.group(1)) <= 0:
        raise UsageError(f"--interval {text!r} is not a duration", "write it like 15m, 30m, 1h or 1800s")
    return float(m.group(1)) * _DURATION_UNITS[m.group(2) or "m"]
