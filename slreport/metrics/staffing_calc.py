"""The Python half of the staffing section: required agents per interval, the summary for the
JSON, and the weekly profile. Works on the interval table that ``metrics.staffing`` queries."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from slreport.metrics.staffing import MIN_AHT_CALLS, WEEKDAYS, WORST_PER_COMPANY
from slreport.settings import Settings
from slreport.staffing import erlang
from slreport.staffing.batch import required_erlang_a_many
from slreport.staffing.targets import CEIL_SLACK, StaffingTargets

ROW_KEYS = (
    "company", "interval_start", "offered", "answered", "abandoned", "service_level_pct", "aht_s", "aht_source",
    "theta_s", "required_c", "required_a", "scheduled_c", "scheduled_a", "agents_seen", "gap_c", "gap_a",
)


def erlang_c_targets(targets: StaffingTargets) -> StaffingTargets:
    """Erlang C has no abandonment: a --max-abandon target applies to Erlang A only."""
    return replace(targets, max_abandon=None)


Targets = dict[str, StaffingTargets]  # company → its targets (its own service level, shared others)


def required_columns(
    frame: pd.DataFrame, interval_s: float, targets: Targets, theta: dict[str | None, float | None]
) -> pd.DataFrame:
    """Add aht_s/aht_source, theta_s, required/scheduled agents by Erlang C and A, and the gaps."""
    own = frame["aht_calls"].to_numpy() >= MIN_AHT_CALLS
    company_aht = frame["company_aht_s"].to_numpy(dtype=float)
    aht = np.where(own, frame["interval_aht_s"].to_numpy(dtype=float), company_aht)
    frame["aht_s"] = np.round(aht, 4)
    frame["aht_source"] = pd.Series(np.where(own, "interval", "company"), index=frame.index).where(
        own | np.isfinite(company_aht), None
    )
    frame["theta_s"] = frame["company"].map(theta).astype(float)
    theta_s = frame["theta_s"].to_numpy(dtype=float, na_value=np.nan)
    agents = required_by_company(frame["company"], frame["offered"].to_numpy(dtype=float), aht, theta_s,
                                 interval_s, targets)
    for column, values in agents.items():
        frame[column] = _nullable(values)
    seen = frame["agents_seen"].astype("Int64")
    frame["agents_seen"] = seen
    frame["gap_c"] = seen - frame["required_c"]
    frame["gap_a"] = seen - frame["required_a"]
    return frame


def required_by_company(
    company: pd.Series, calls: np.ndarray, aht: np.ndarray, theta: np.ndarray, interval_s: float, targets: Targets
) -> dict[str, np.ndarray]:
    """required_c/a and scheduled_c/a (−1 = unknown), each company by its own targets."""
    out = {k: np.full(calls.size, -1, dtype=np.int64) for k in ("required_c", "required_a", "scheduled_c",
                                                               "scheduled_a")}
    for name, rows in company.groupby(company, sort=True).indices.items():
        t = targets[name]
        # Many intervals share (calls, AHT) – quiet ones use the company's AHT – so solve each pair once.
        pairs, back = np.unique(np.column_stack((calls[rows], aht[rows])), axis=0, return_inverse=True)
        back = back.reshape(-1)
        req_c = erlang.required_many(pairs[:, 0], pairs[:, 1], interval_s, erlang_c_targets(t))
        req_a = required_erlang_a_many(pairs[:, 0], pairs[:, 1], np.full(len(pairs), theta[rows][0]), interval_s, t,
                                       req_c)
        req_c, req_a = req_c[back], req_a[back]
        out["required_c"][rows], out["required_a"][rows] = req_c, req_a
        out["scheduled_c"][rows] = scheduled_many(req_c, t.shrinkage)
        out["scheduled_a"][rows] = scheduled_many(req_a, t.shrinkage)
    return out


def scheduled_many(agents: np.ndarray, shrinkage: float) -> np.ndarray:
    """``targets.scheduled`` on an array (−1 stays −1)."""
    return np.where(agents < 0, -1, np.ceil(agents / (1 - shrinkage) - CEIL_SLACK)).astype(np.int64)


def _nullable(agents: np.ndarray) -> Any:
    """−1 (no answer: AHT or θ unknown, or no N meets the targets) → null."""
    return pd.arrays.IntegerArray(np.where(agents < 0, 0, agents).astype(np.int64), agents < 0)


def json_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    from slreport.analysis import plain

    out = []
    for rec in frame[list(ROW_KEYS)].to_dict("records"):
        out.append({k: _json_value(v, plain) for k, v in rec.items()})
    return out


def _json_value(value: Any, plain: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return plain(float(value))
    return plain(value)


def summary(
    frame: pd.DataFrame, settings: Settings, targets: Targets, theta: dict[str | None, float | None]
) -> dict[str, Any]:
    """JSON ``staffing``: the report's default targets, per-company summaries (each with its own
    service level), totals and the most understaffed intervals."""
    hours = settings.interval_minutes / 60
    companies = [
        {"company": company, "service_level": targets[company].as_json()["service_level"]}
        | company_summary(company, part, hours, theta.get(company))
        for company, part in frame.groupby("company", sort=True)
    ]
    default = settings.staffing.targets(settings.target_pct, settings.threshold_s)
    return {
        "targets": default.as_json(),
        "interval_minutes": settings.interval_minutes,
        "min_aht_calls": MIN_AHT_CALLS,
        "by_company": companies,
        "totals": totals(companies),
        "worst_understaffed": worst_understaffed(frame),
    }


def company_summary(company: str, part: pd.DataFrame, hours: float, theta: float | None) -> dict[str, Any]:
    seen = part["agents_seen"]
    return {
        "company": company,
        "intervals": int(len(part)),
        "intervals_with_calls": int((part["offered"] > 0).sum()),
        "intervals_aht_from_company": int(((part["aht_source"] == "company") & (part["offered"] > 0)).sum()),
        "theta_s": theta,
        "peak_required_c": _int(part["required_c"].max()),
        "peak_required_a": _int(part["required_a"].max()),
        "required_agent_hours_c": _hours(part["required_c"], hours),
        "required_agent_hours_a": _hours(part["required_a"], hours),
        "seen_agent_hours": None if seen.isna().all() else _hours(seen, hours),
        "understaffed_intervals_c": int((part["gap_c"] < 0).sum()),
        "understaffed_intervals_a": int((part["gap_a"] < 0).sum()),
    }


def totals(companies: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("intervals_with_calls", "required_agent_hours_c", "required_agent_hours_a", "seen_agent_hours",
            "understaffed_intervals_c", "understaffed_intervals_a")
    out: dict[str, Any] = {}
    for key in keys:
        values = [c[key] for c in companies if c[key] is not None]
        out[key] = round(sum(values), 4) if values else None
    return out


def worst_understaffed(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Per company, the intervals with the largest shortfall of agents seen against Erlang C."""
    short = frame[frame["gap_c"].fillna(0) < 0]
    picked = (
        short.sort_values(["company", "gap_c", "interval_start"], kind="stable")
        .groupby("company", sort=True).head(WORST_PER_COMPANY)
    )
    return json_rows(picked)


def _int(value: Any) -> int | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) else int(value)


def _hours(column: pd.Series, hours: float) -> float | None:
    return None if column.isna().all() else round(float(column.fillna(0).sum()) * hours, 4)


def profile_rows(
    frame: pd.DataFrame, interval_s: float, targets: Targets, theta: dict[str | None, float | None]
) -> list[dict[str, Any]]:
    """Required agents per company × weekday × time of day, from the mean volume of that slot."""
    slots = frame.groupby(["company", "weekday", "time_of_day"], sort=True).agg(
        intervals=("offered", "size"), offered=("offered", "sum"), handle_sum=("handle_sum", "sum"),
        aht_calls=("aht_calls", "sum"), company_aht_s=("company_aht_s", "first"),
        mean_agents_seen=("agents_seen", "mean"),
    ).reset_index()
    mean_calls = (slots["offered"] / slots["intervals"]).to_numpy(dtype=float)
    own = slots["aht_calls"].to_numpy() >= MIN_AHT_CALLS
    with np.errstate(invalid="ignore", divide="ignore"):
        aht = np.where(own, slots["handle_sum"] / slots["aht_calls"], slots["company_aht_s"].to_numpy(dtype=float))
    theta_s = slots["company"].map(theta).astype(float).to_numpy(dtype=float, na_value=np.nan)
    agents = required_by_company(slots["company"], mean_calls, aht, theta_s, interval_s, targets)
    out = []
    for i, s in enumerate(slots.itertuples(index=False)):
        known = bool(np.isfinite(aht[i]))
        out.append({
            "company": s.company, "weekday": WEEKDAYS[int(s.weekday) - 1], "time": s.time_of_day,
            "intervals": int(s.intervals), "mean_offered": round(float(mean_calls[i]), 4),
            "aht_s": round(float(aht[i]), 4) if known else None,
            "aht_source": "slot" if own[i] else ("company" if known else None),
            **{key: _or_none(values[i]) for key, values in agents.items()},
            "mean_agents_seen": None if pd.isna(s.mean_agents_seen) else round(float(s.mean_agents_seen), 4),
        })
    return out


def _or_none(agents: np.integer) -> int | None:
    return None if agents < 0 else int(agents)
