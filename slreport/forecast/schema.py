"""The JSON Schema of `slreport forecast --format json` (slreport/forecast.schema.json).

    python -m slreport.forecast.schema           # rewrite the shipped file
    python -m slreport.forecast.schema --check   # exit 1 when it is not the generated one

tests/test_forecast_views.py validates reports against it and checks the file is current.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from slreport.sections.schema import DAY, LOCAL_TIME, obj, rows

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "forecast.schema.json"
NUM = {"type": "number", "minimum": 0}
NUM_OR_NULL = {"type": ["number", "null"], "minimum": 0}
INT_OR_NULL = {"type": ["integer", "null"], "minimum": 0, "description": "null: unknown (no AHT)"}
PCT_OR_NULL = {"type": ["number", "null"], "description": "null when the denominator is 0"}
FROM: dict[str, Any] = {"from": DAY}  # "from" is a Python keyword
KEY: dict[str, Any] = {"company": {"type": "string"},
                       "queue": {"type": ["string", "null"], "description": "with --by company,queue"}}


def method() -> dict[str, Any]:
    return obj(["wape_pct", "mase"], wape_pct=PCT_OR_NULL,
               mase={"type": ["number", "null"], "description": "null when the naive scale is 0"})


def schema() -> dict[str, Any]:
    forecast_row = obj(
        ["company", "interval_start", "offered", "offered_lo80", "offered_hi80", "offered_lo95", "offered_hi95",
         "aht_s"], "one interval of the horizon", **KEY, interval_start=LOCAL_TIME, offered=NUM, offered_lo80=NUM,
        offered_hi80=NUM, offered_lo95=NUM, offered_hi95=NUM,
        aht_s={"type": ["number", "null"], "description": "null where nothing is forecast"},
        required_agents=INT_OR_NULL, scheduled=INT_OR_NULL, safe_required_agents=INT_OR_NULL,
        safe_scheduled=INT_OR_NULL)
    day_row = obj(["company", "day", "weekday", "offered", "offered_lo80", "offered_hi80"], **KEY, day=DAY,
                  weekday={"type": "string"}, offered=NUM, offered_lo80=NUM, offered_hi80=NUM,
                  required_agents_hours=NUM_OR_NULL, scheduled_hours=NUM_OR_NULL,
                  safe_required_agents_hours=NUM_OR_NULL, safe_scheduled_hours=NUM_OR_NULL,
                  peak_required_agents=INT_OR_NULL)
    backtest = obj(
        ["company", "origins", "weeks", "scored_days", "actual_offered", "model", "same_slot_last_week",
         "same_slot_mean_4_weeks", "better_baseline_wape_pct", "improvement_pct"], **KEY,
        origins=rows(DAY), weeks={"type": "integer", "minimum": 0}, scored_days={"type": "integer", "minimum": 0},
        actual_offered={"type": "integer", "minimum": 0}, model=method(), same_slot_last_week=method(),
        same_slot_mean_4_weeks=method(), better_baseline_wape_pct=PCT_OR_NULL, improvement_pct=PCT_OR_NULL,
        coverage_pct=obj(["p80", "p95"], "share of backtest intervals inside the 80 % and 95 % intervals",
                         p80=PCT_OR_NULL, p95=PCT_OR_NULL))
    left_out = obj(["day", "reason", "offered", "baseline_offered"], day=DAY, reason={"type": "string"},
                   offered={"type": "integer", "minimum": 0}, baseline_offered=NUM_OR_NULL)
    series = obj(
        ["company", "queue", "history", "fit", "left_out", "closed_in_horizon", "assumptions"], **KEY,
        history=obj(["first_day", "last_day", "days", "offered"], first_day=DAY, last_day=DAY,
                    days={"type": "integer"}, offered={"type": "integer"}),
        fit=obj(["from", "to", "days", "level_by_weekday", "trend_pct_per_week", "dispersion"], **FROM,
                to=DAY, days={"type": "integer"}, level_by_weekday={"type": "object"},
                trend_pct_per_week={"type": "number"}, dispersion=NUM_OR_NULL),
        left_out=rows(left_out, "days kept out of the fit: unusual, public holidays and the days next to them"),
        closed_in_horizon=rows(obj(["day", "reason"], day=DAY, reason={"type": "string"})),
        assumptions=rows({"type": "string"}))
    peak = obj(["agents", "interval_start"], agents=INT_OR_NULL,
               interval_start={"type": ["string", "null"]})
    plan = obj(
        ["what_if", "model", "by_series"], what_if=obj(
            ["volume_change_pct", "aht_change_pct", "service_level", "shrinkage"], volume_change_pct={"type": "number"},
            aht_change_pct={"type": "number"}, service_level={"type": ["string", "null"]},
            shrinkage={"type": ["number", "null"]}, patience_s={"type": ["number", "null"]}),
        model={"enum": ["erlang_c", "erlang_a"]},
        by_series=rows(obj(["company", "targets", "peak", "safe_peak", "weeks", "intervals_unknown"], **KEY,
                           targets={"type": "object"}, peak=peak, safe_peak=peak, weeks=rows({"type": "object"}),
                           intervals_unknown={"type": "integer", "minimum": 0})))
    out = obj(
        ["schema_version", "command", "input", "settings", "model", "backtest", "daily", "forecast"],
        "slreport forecast --format json (docs/forecast.md defines every number)",
        schema_version={"const": 1}, command={"const": "forecast"},
        input=obj(["files", "rows_read", "rows_used", "rows_rejected", "rows_ignored"], files=rows({"type": "object"})),
        settings=obj(["timezone", "interval_minutes", "horizon_days", "by", "horizon"],
                     interval_minutes={"enum": [15, 30, 60]}, horizon_days={"type": "integer", "minimum": 1},
                     horizon=obj(["from", "to"], **FROM, to=DAY)),
        model=obj(["name", "backtest_weeks", "series"], name={"type": "string"}, series=rows(series)),
        backtest=rows(backtest), daily=rows(day_row), forecast=rows(forecast_row), plan=plan)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "slreport forecast report"} | out


def schema_text() -> str:
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    if "--check" in sys.argv:
        current = SCHEMA_FILE.read_text(encoding="utf-8") == schema_text()
        print("forecast.schema.json is " + ("current" if current else "out of date"))
        sys.exit(0 if current else 1)
    SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
