"""forecast(): read the inputs, forecast every series, and assemble the JSON of `slreport forecast`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from slreport.errors import InputError
from slreport.forecast import core, history, intervals
from slreport.forecast import days as fdays
from slreport.forecast import plan as fplan
from slreport.options.analyze import RunOptions
from slreport.options.forecast import ForecastOptions
from slreport.options.settings import Settings

SCHEMA_VERSION = 1
RECENT_DAYS = 28  # actuals shown before the forecast in the charts (and the recent_actuals table)


@dataclass
class Forecast:
    """The report (the JSON) and the tables only --out writes (the recent actuals behind the charts)."""

    report: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def forecast(inputs: list[str], settings: Settings, run: RunOptions | None = None,
             options: ForecastOptions | None = None) -> dict[str, Any]:
    """The forecast report for ``inputs`` (exports analyze reads, and interval tables)."""
    return forecast_all(inputs, settings, run, options).report


def forecast_all(inputs: list[str], settings: Settings, run: RunOptions | None = None,
                 options: ForecastOptions | None = None) -> Forecast:
    """The report and the recent actuals (see ``forecast``)."""
    from slreport import engine, ingest
    from slreport.ingest.rejects import deferred_rejects
    from slreport.interrupts import handled
    from slreport.safe_paths import scratch_folder

    run, options = run or RunOptions(), options or ForecastOptions()
    m = settings.interval_minutes
    tables = [f for f in inputs if run.profile == intervals.NAME or (run.profile is None and intervals.detect(f))]
    exports = [f for f in inputs if f not in tables]
    with handled(), deferred_rejects(), scratch_folder() as scratch:
        con = engine.connect(scratch, run.memory_limit, run.threads)
        try:
            history.create_cells_table(con)
            input_section: dict[str, Any] = {"files": []}
            if exports:
                input_section = ingest.load(con, exports, run.read, scratch, run.profile)
                history.add_contacts(con, settings.timezone, m, options.by_queue, options.company)
            for path in tables:
                input_section["files"].append(intervals.add_file(con, path, settings.timezone, m, options.by_queue,
                                                                     options.company))
            series = history.series_list(con, m)
        finally:
            con.close()
    if not series:
        raise InputError("no contacts to forecast from", "give exports or interval tables with rows in them")
    return assemble(series, settings, options, account(input_section))


def account(section: dict[str, Any]) -> dict[str, Any]:
    """The input section with its totals over every file (contacts and interval tables alike)."""
    keys = ("rows_read", "rows_used", "rows_rejected", "rows_ignored")
    return section | {k: sum(int(f.get(k) or 0) for f in section["files"]) for k in keys}


def assemble(series: list[history.Series], settings: Settings, options: ForecastOptions,
             input_section: dict[str, Any]) -> Forecast:
    m = settings.interval_minutes
    slots = 24 * 60 // m
    last = max(int(s.days[-1]) for s in series)
    future = np.arange(last + 1, last + 1 + options.horizon_days)
    starts, exists = core.interval_starts(future, slots, m, settings.timezone)
    rows, daily, models, tests, plans, recent = [], [], [], [], [], []
    recent_days = np.arange(last + 1 - RECENT_DAYS, last + 1)
    recent_starts, recent_exists = core.interval_starts(recent_days, slots, m, settings.timezone)
    for s in series:
        out = core.forecast_series(s, settings, options, future)
        key = out["key"]
        models.append(out["model"])
        tests.append(key | out["backtest"])
        cols = columns(out, options, settings, s.company)
        rows += interval_rows(key, cols, starts, exists)
        daily += daily_rows(key, cols, future, exists, m)
        recent += recent_rows(key, s, recent_days, recent_starts, recent_exists)
        if options.plan:
            plans.append(key | plan_summary(cols, starts, exists, future, m, settings, s.company, options))
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION, "command": "forecast", "input": input_section,
        "settings": {"timezone": settings.timezone, "interval_minutes": m, "horizon_days": options.horizon_days,
                     "by": ["company", "queue"] if options.by_queue else ["company"],
                     "horizon": {"from": fdays.to_date(future[0]).isoformat(),
                                 "to": fdays.to_date(future[-1]).isoformat()},
                     "unusual_factor": settings.unusual_factor},
        "model": {"name": core.MODEL_NAME, "backtest_weeks": core.bt.BACKTEST_WEEKS, "series": models},
        "backtest": tests, "daily": daily, "forecast": rows,
    }
    if options.plan:
        model = "erlang_c" if options.what_if.patience_s is None else "erlang_a"
        report["plan"] = {"what_if": options.what_if.as_json(), "model": model, "by_series": plans}
    return Forecast(report, {"recent_actuals": recent})


def recent_rows(key: dict[str, Any], s: history.Series, days: np.ndarray, starts: list[str],
                exists: np.ndarray) -> list[dict[str, Any]]:
    """The series' offered per interval over ``days`` (0 on days outside its history)."""
    values = np.zeros((days.size, s.offered.shape[1]))
    inside = (days >= s.days[0]) & (days <= s.days[-1])
    values[inside] = s.offered[days[inside] - s.days[0]]
    flat = values[exists]
    return [key | {"interval_start": start, "offered": int(flat[i])} for i, start in enumerate(starts)]


def columns(out: dict[str, Any], options: ForecastOptions, settings: Settings, company: str) -> dict[str, np.ndarray]:
    mean, sd = out["mean"], out["sd"]
    cols = {"offered": np.round(mean, 2), "offered_lo80": np.round(np.maximum(0, mean - core.Z80 * sd), 2),
            "offered_hi80": np.round(mean + core.Z80 * sd, 2),
            "offered_lo95": np.round(np.maximum(0, mean - core.Z95 * sd), 2),
            "offered_hi95": np.round(mean + core.Z95 * sd, 2),
            "aht_s": np.where(mean > 0, np.round(out["aht"], 1), np.nan)}
    if options.plan:
        targets = fplan.company_targets(settings, company, options.what_if)
        interval_s = 60.0 * settings.interval_minutes
        calls, aht = fplan.adjusted(cols["offered"], cols["aht_s"], options.what_if)
        safe_calls, _ = fplan.adjusted(cols["offered_hi80"], cols["aht_s"], options.what_if)
        shape = calls.shape
        patience = options.what_if.patience_s
        req, sched = fplan.agents(calls.ravel(), aht.ravel(), interval_s, targets, patience)
        safe_req, safe_sched = fplan.agents(safe_calls.ravel(), aht.ravel(), interval_s, targets, patience)
        cols |= {"planned_offered": calls, "planned_aht_s": aht, "required_agents": req.reshape(shape),
                 "scheduled": sched.reshape(shape), "safe_required_agents": safe_req.reshape(shape),
                 "safe_scheduled": safe_sched.reshape(shape), "_targets": targets}  # type: ignore[dict-item]
    return cols


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return None if value < 0 else int(value)
    if isinstance(value, np.floating):
        return None if not np.isfinite(value) else float(value)
    return value


ROW_COLUMNS = ("offered", "offered_lo80", "offered_hi80", "offered_lo95", "offered_hi95", "aht_s")
PLAN_COLUMNS = ("required_agents", "scheduled", "safe_required_agents", "safe_scheduled")


def interval_rows(key: dict[str, Any], cols: dict[str, Any], starts: list[str], exists: np.ndarray) -> list[dict]:
    names = ROW_COLUMNS + (PLAN_COLUMNS if "required_agents" in cols else ())
    flat = {n: cols[n][exists] for n in names}
    return [key | {"interval_start": start} | {n: _plain(flat[n][i]) for n in names} for i, start in enumerate(starts)]


def daily_rows(key: dict[str, Any], cols: dict[str, Any], future: np.ndarray, exists: np.ndarray,
               minutes: int) -> list[dict]:
    out = []
    hours = minutes / 60
    for i, day in enumerate(future.tolist()):
        e = exists[i]
        row = key | {"day": fdays.to_date(day).isoformat(), "weekday": core.fm_weekday((day + 3) % 7),
                     "offered": round(float(cols["offered"][i][e].sum()), 1),
                     "offered_lo80": round(float(cols["offered_lo80"][i][e].sum()), 1),
                     "offered_hi80": round(float(cols["offered_hi80"][i][e].sum()), 1)}
        if "required_agents" in cols:
            row |= {name + "_hours": _hours(cols[name][i][e], hours) for name in PLAN_COLUMNS}
            row["peak_required_agents"] = _plain(cols["required_agents"][i][e].max()) if e.any() else None
        out.append(row)
    return out


def _hours(agents: np.ndarray, hours: float) -> float | None:
    """Σ agents × interval hours; null when any interval's agents are unknown."""
    return None if (agents < 0).any() else round(float(agents.sum()) * hours, 2)


def plan_summary(cols: dict[str, Any], starts: list[str], exists: np.ndarray, future: np.ndarray, minutes: int,
                 settings: Settings, company: str, options: ForecastOptions) -> dict[str, Any]:
    hours = minutes / 60

    def peak(name: str) -> dict[str, Any]:
        flat = cols[name][exists]
        if flat.size == 0 or flat.max() < 0:
            return {"agents": None, "interval_start": None}
        i = int(np.argmax(flat))
        return {"agents": int(flat[i]), "interval_start": starts[i]}

    weeks = []
    for w in range(0, future.size, 7):
        part = exists[w:w + 7]
        weeks.append({"from": fdays.to_date(future[w]).isoformat(),
                      "to": fdays.to_date(future[min(w + 6, future.size - 1)]).isoformat(),
                      **{name + "_hours": _hours(cols[name][w:w + 7][part], hours) for name in PLAN_COLUMNS}})
    unknown = int((cols["required_agents"][exists] < 0).sum())
    return {"targets": cols["_targets"].as_json(), "peak": peak("required_agents"),
            "safe_peak": peak("safe_required_agents"), "weeks": weeks, "intervals_unknown": unknown}
