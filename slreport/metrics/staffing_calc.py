"""The Python half of the staffing section: required agents per interval, the summary for the
JSON, and the weekly profile. Works on the interval table that ``metrics.staffing`` queries, as
NumPy columns (one element per company × interval): NaN is an unknown real number, and the agent
counts are masked arrays whose masked elements are unknown (null in JSON and files).

NumPy only, no pandas: importing pandas alone would take a fifth of a small report's run time.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from slreport.engine import plain
from slreport.options.settings import Settings
from slreport.queueing import erlang
from slreport.queueing.batch import required_erlang_a_many
from slreport.queueing.targets import CEIL_SLACK, StaffingTargets

MIN_AHT_CALLS = 5  # answered calls with a handle time an interval needs for its own AHT
WORST_PER_COMPANY = 10  # understaffed intervals listed per company in the JSON summary
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

ROW_KEYS = (
    "company", "interval_start", "offered", "answered", "abandoned", "service_level_pct", "aht_s", "aht_source",
    "theta_s", "required_c", "required_a", "scheduled_c", "scheduled_a", "agents_seen", "gap_c", "gap_a",
)
AGENT_COLUMNS = ("required_c", "required_a", "scheduled_c", "scheduled_a")

Columns = dict[str, Any]  # column name → NumPy array, one element per interval
Groups = dict[str, np.ndarray]  # company → its row numbers in the columns (company_rows)
Targets = dict[str, StaffingTargets]  # company → its targets (its own service level, shared others)


def erlang_c_targets(targets: StaffingTargets) -> StaffingTargets:
    """Erlang C has no abandonment: a --max-abandon target applies to Erlang A only."""
    return replace(targets, max_abandon=None)


def columns_of(fetched: dict[str, Any]) -> Columns:
    """DuckDB's fetchnumpy() result as plain columns: NULL reals → NaN, NULL agents seen → masked."""
    out: Columns = {}
    for name, values in fetched.items():
        mask = np.ma.getmaskarray(values)
        data = np.ma.getdata(values)
        if name == "agents_seen":
            out[name] = np.ma.array(data.astype(np.int64), mask=mask)
        elif data.dtype.kind == "f" or (mask.any() and data.dtype.kind in "iu"):
            out[name] = np.where(mask, np.nan, data.astype(float))
        else:
            out[name] = data
    return out


def company_rows(company: np.ndarray) -> Groups:
    """Each company's row numbers, companies in name order (found once: comparing a column of
    company names costs a pass over every interval)."""
    return {name: np.flatnonzero(company == name) for name in sorted(set(company.tolist()))}


def required_columns(
    cols: Columns, groups: Groups, interval_s: float, targets: Targets, theta: dict[str | None, float | None]
) -> None:
    """Add aht_s/aht_source, theta_s, required/scheduled agents by Erlang C and A, and the gaps."""
    own = cols["aht_calls"] >= MIN_AHT_CALLS
    company_aht = cols["company_aht_s"].astype(float)
    aht = np.where(own, cols["interval_aht_s"].astype(float), company_aht)
    cols["aht_s"] = np.round(aht, 4)
    source = np.where(own, "interval", "company").astype(object)
    source[~(own | np.isfinite(company_aht))] = None
    cols["aht_source"] = source
    cols["theta_s"] = per_company(groups, theta, aht.size)
    agents = required_by_company(groups, cols["offered"].astype(float), aht, cols["theta_s"], interval_s, targets)
    for column, values in agents.items():
        cols[column] = np.ma.masked_less(values, 0)
    cols["gap_c"] = cols["agents_seen"] - cols["required_c"]
    cols["gap_a"] = cols["agents_seen"] - cols["required_a"]


def required_by_company(
    groups: Groups, calls: np.ndarray, aht: np.ndarray, theta: np.ndarray, interval_s: float, targets: Targets
) -> dict[str, np.ndarray]:
    """required_c/a and scheduled_c/a (−1 = unknown), each company by its own targets."""
    out = {k: np.full(calls.size, -1, dtype=np.int64) for k in AGENT_COLUMNS}
    for name, rows in groups.items():
        t = targets[name]
        # Many intervals share (calls, AHT) – quiet ones use the company's AHT – so solve each pair once.
        pair_calls, pair_aht, back = unique_pairs(calls[rows], aht[rows])
        req_c = erlang.required_many(pair_calls, pair_aht, interval_s, erlang_c_targets(t))
        req_a = required_erlang_a_many(pair_calls, pair_aht, np.full(pair_calls.size, theta[rows][0]), interval_s, t,
                                       req_c)
        req_c, req_a = req_c[back], req_a[back]
        out["required_c"][rows], out["required_a"][rows] = req_c, req_a
        out["scheduled_c"][rows] = scheduled_many(req_c, t.shrinkage)
        out["scheduled_a"][rows] = scheduled_many(req_a, t.shrinkage)
    return out


def unique_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct pairs (a[i], b[i]) in sorted order, and for each i the index of its pair (NaN
    equals NaN). One lexsort: np.unique(axis=0) sorts the rows as records, 0.4 s for a year of
    15-minute intervals."""
    order = np.lexsort((b, a))
    a_sorted, b_sorted = a[order], b[order]
    same_b = (b_sorted[1:] == b_sorted[:-1]) | (np.isnan(b_sorted[1:]) & np.isnan(b_sorted[:-1]))
    starts = np.concatenate((np.ones(min(a.size, 1), dtype=bool), (a_sorted[1:] != a_sorted[:-1]) | ~same_b))
    back = np.empty(a.size, dtype=np.int64)
    back[order] = np.cumsum(starts) - 1
    return a_sorted[starts], b_sorted[starts], back


def per_company(groups: Groups, values: dict[str | None, float | None], size: int) -> np.ndarray:
    """``values[c]`` for the company c of every row, NaN where it has none."""
    out = np.full(size, math.nan)
    for name, rows in groups.items():
        out[rows] = _nan_if_none(values.get(name))
    return out


def scheduled_many(agents: np.ndarray, shrinkage: float) -> np.ndarray:
    """``targets.scheduled`` on an array (−1 stays −1)."""
    return np.where(agents < 0, -1, np.ceil(agents / (1 - shrinkage) - CEIL_SLACK)).astype(np.int64)


def json_rows(cols: Columns, rows: np.ndarray) -> list[dict[str, Any]]:
    return [{k: plain(_python(cols[k], i)) for k in ROW_KEYS} for i in rows]


def _python(column: Any, i: int) -> Any:
    """Element i as a JSON-ready Python value (None when unknown)."""
    if np.ma.is_masked(column) and np.ma.getmaskarray(column)[i]:
        return None
    value = np.ma.getdata(column)[i]
    if isinstance(value, np.floating | float):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def summary(
    cols: Columns, groups: Groups, settings: Settings, targets: Targets, theta: dict[str | None, float | None]
) -> dict[str, Any]:
    """JSON ``staffing``: the report's default targets, per-company summaries (each with its own
    service level), totals and the most understaffed intervals."""
    hours = settings.interval_minutes / 60
    companies = [
        {"company": company, "service_level": targets[company].as_json()["service_level"]}
        | company_summary(company, cols, rows, hours, theta.get(company))
        for company, rows in groups.items()
    ]
    default = settings.staffing.with_service_level(settings.target_pct, settings.threshold_s)
    return {
        "targets": default.as_json(),
        "interval_minutes": settings.interval_minutes,
        "min_aht_calls": MIN_AHT_CALLS,
        "by_company": companies,
        "totals": totals(companies),
        "worst_understaffed": worst_understaffed(cols),
    }


def company_summary(company: str, cols: Columns, rows: np.ndarray, hours: float, theta: float | None) -> dict[str, Any]:
    offered = cols["offered"][rows]
    return {
        "company": company,
        "intervals": int(rows.size),
        "intervals_with_calls": int((offered > 0).sum()),
        "intervals_aht_from_company": int(((cols["aht_source"][rows] == "company") & (offered > 0)).sum()),
        "theta_s": theta,
        "peak_required_c": _max(cols["required_c"][rows]),
        "peak_required_a": _max(cols["required_a"][rows]),
        "required_agent_hours_c": _hours(cols["required_c"][rows], hours),
        "required_agent_hours_a": _hours(cols["required_a"][rows], hours),
        "seen_agent_hours": _hours(cols["agents_seen"][rows], hours),
        "understaffed_intervals_c": _count_below_zero(cols["gap_c"][rows]),
        "understaffed_intervals_a": _count_below_zero(cols["gap_a"][rows]),
    }


def totals(companies: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("intervals_with_calls", "required_agent_hours_c", "required_agent_hours_a", "seen_agent_hours",
            "understaffed_intervals_c", "understaffed_intervals_a")
    out: dict[str, Any] = {}
    for key in keys:
        values = [c[key] for c in companies if c[key] is not None]
        out[key] = round(sum(values), 4) if values else None
    return out


def worst_understaffed(cols: Columns) -> list[dict[str, Any]]:
    """Per company, the intervals with the largest shortfall of agents seen against Erlang C."""
    gap = cols["gap_c"]
    short = np.flatnonzero(np.ma.filled(gap, 0) < 0)
    # by company, largest shortfall, earlier interval (np.lexsort: the last key sorts first)
    order = short[np.lexsort((cols["interval_start"][short], np.ma.getdata(gap)[short], cols["company"][short]))]
    picked, taken = [], dict[str, int]()
    for i in order:
        company = cols["company"][i]
        if taken.get(company, 0) < WORST_PER_COMPANY:
            taken[company] = taken.get(company, 0) + 1
            picked.append(i)
    return json_rows(cols, np.array(picked, dtype=np.int64))


def _max(agents: np.ma.MaskedArray) -> int | None:
    return None if agents.count() == 0 else int(agents.max())


def _hours(agents: np.ma.MaskedArray, hours: float) -> float | None:
    return None if agents.count() == 0 else round(float(agents.sum()) * hours, 4)


def _count_below_zero(gap: np.ma.MaskedArray) -> int:
    return int((np.ma.filled(gap, 0) < 0).sum())


def _nan_if_none(value: float | None) -> float:
    return math.nan if value is None else float(value)


def profile_rows(
    slots: Columns, interval_s: float, targets: Targets, theta: dict[str | None, float | None]
) -> list[dict[str, Any]]:
    """Required agents per company × weekday × time of day, from the mean volume of that slot
    (``slots``: the interval table summed per slot, metrics.staffing.SLOTS_SQL)."""
    mean_calls = slots["offered"] / slots["intervals"]
    own = slots["aht_calls"] >= MIN_AHT_CALLS
    with np.errstate(invalid="ignore", divide="ignore"):
        aht = np.where(own, slots["handle_sum"] / slots["aht_calls"], slots["company_aht_s"].astype(float))
    groups = company_rows(slots["company"])
    agents = required_by_company(groups, mean_calls, aht, per_company(groups, theta, aht.size), interval_s, targets)
    out = []
    for i in range(len(slots["company"])):
        known = bool(np.isfinite(aht[i]))
        seen = slots["mean_agents_seen"][i]
        out.append({
            "company": slots["company"][i], "weekday": WEEKDAYS[int(slots["weekday"][i]) - 1],
            "time": slots["time_of_day"][i], "intervals": int(slots["intervals"][i]),
            "mean_offered": round(float(mean_calls[i]), 4),
            "aht_s": round(float(aht[i]), 4) if known else None,
            "aht_source": "slot" if own[i] else ("company" if known else None),
            **{key: _or_none(values[i]) for key, values in agents.items()},
            "mean_agents_seen": None if math.isnan(seen) else round(float(seen), 4),
        })
    return out


def _or_none(agents: np.integer) -> int | None:
    return None if agents < 0 else int(agents)
