"""`slreport forecast`: hand-computed forecasts from interval tables, holidays, unusual days, the
backtest's zero denominators, short histories, the plan against `slreport erlang`, bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from slreport.forecast import backtest as bt
from slreport.forecast import model as fm
from slreport.forecast.report import forecast
from slreport.options.analyze import RunOptions
from slreport.options.forecast import ForecastOptions, parse_change, parse_horizon
from slreport.options.settings import Settings
from tests.conftest import run_cli

FIRST = dt.date(2026, 3, 16)  # a Monday; 6 weeks of weekdays end on Friday 2026-04-24, the horizon holds May Day


def interval_table(path: Path, weeks: int = 6, first: dt.date = FIRST, busy: dict[dt.date, int] | None = None,
                   aht: bool = False) -> Path:
    """Mon–Fri 08:00–16:00, 10 contacts an hour (or busy[day] an hour), naive local times."""
    lines = ["interval_start,offered" + (",aht_s" if aht else "") + ",company"]
    for d in range(7 * weeks):
        day = first + dt.timedelta(days=d)
        if day.weekday() >= 5:
            continue
        for hour in range(8, 16):
            value = (busy or {}).get(day, 10)
            lines.append(f"{day} {hour:02d}:00,{value}" + (",180" if aht else "") + ",Acme")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_json(*args: str) -> dict:
    out = run_cli("forecast", *args, "--tz", "Europe/Helsinki", "--format", "json")
    assert out.returncode == 0, out.stderr.decode()
    return json.loads(out.stdout)


def by_start(report: dict) -> dict[str, dict]:
    return {r["interval_start"]: r for r in report["forecast"]}


def test_a_flat_week_is_forecast_as_it_was_and_the_backtest_has_no_denominator(tmp_path):
    report = run_json(str(interval_table(tmp_path / "acme.csv")))
    rows = by_start(report)
    assert report["settings"]["horizon"] == {"from": "2026-04-25", "to": "2026-05-08"}
    assert len(rows) == 14 * 24  # every hour of the horizon, closed ones at 0
    assert rows["2026-04-27T08:00:00+03:00"]["offered"] == 10.0
    assert rows["2026-04-27T07:00:00+03:00"]["offered"] == 0.0
    assert rows["2026-05-01T15:00:00+03:00"]["offered"] == 10.0  # no holidays country: an ordinary Friday
    assert rows["2026-05-02T10:00:00+03:00"]["offered"] == 0.0  # Saturday: closed in the history
    daily = {d["day"]: d for d in report["daily"]}
    assert daily["2026-04-27"]["offered"] == 80.0 and daily["2026-05-03"]["offered"] == 0.0
    test = report["backtest"][0]
    assert test["weeks"] == 1  # 40 days: the week from day 33 is the only one with 28 days before it
    assert test["model"]["wape_pct"] == 0.0
    assert test["same_slot_last_week"]["wape_pct"] == 0.0
    # every method is perfect: no improvement to state, and the MASE scale (naive error on the history) is 0
    assert test["improvement_pct"] is None
    assert test["model"]["mase"] is None
    assert test["coverage_pct"] == {"p80": 100.0, "p95": 100.0}  # φ = 0: every actual is its forecast
    assert report["model"]["series"][0]["fit"]["trend_pct_per_week"] == 0.0


def test_closed_holidays_get_no_phantom_volume_and_are_left_out_of_the_fit(tmp_path):
    report = run_json(str(interval_table(tmp_path / "acme.csv")), "--holidays-country", "FI")
    rows = by_start(report)
    may_day = [r for s, r in rows.items() if s.startswith("2026-05-01")]
    assert len(may_day) == 24 and all(r["offered"] == 0 and r["offered_hi95"] == 0 for r in may_day)
    assert rows["2026-04-30T08:00:00+03:00"]["offered"] == 10.0
    model = report["model"]["series"][0]
    assert model["closed_in_horizon"] == [{"day": "2026-05-01", "reason": "public holiday (May Day)"}]
    reasons = {d["day"]: d["reason"] for d in model["left_out"]}
    assert reasons["2026-04-03"] == "public holiday (Good Friday)"
    assert reasons["2026-04-06"] == "public holiday (Easter Monday)"
    assert reasons["2026-04-02"] == "next to a public holiday"


def test_an_unusual_day_is_listed_and_kept_out_of_the_fit(tmp_path):
    busy = {dt.date(2026, 4, 22): 30}  # a Wednesday at 3× its weekday's median
    report = run_json(str(interval_table(tmp_path / "acme.csv", busy=busy)))
    left = report["model"]["series"][0]["left_out"]
    assert left == [{"day": "2026-04-22", "reason": "unusual (busy)", "offered": 240, "baseline_offered": 80.0}]
    assert by_start(report)["2026-04-29T09:00:00+03:00"]["offered"] == 10.0  # next Wednesday as before


def test_a_short_history_says_what_it_assumes_and_uses_poisson_intervals(tmp_path):
    report = run_json(str(interval_table(tmp_path / "acme.csv", weeks=2)), "--horizon", "3d")
    model = report["model"]["series"][0]
    assert any(a.startswith("short history (12 days, under 4 weeks)") for a in model["assumptions"])
    assert any("Poisson" in a for a in model["assumptions"])
    assert report["backtest"][0]["weeks"] == 0 and report["backtest"][0]["model"]["wape_pct"] is None
    row = by_start(report)["2026-03-30T08:00:00+03:00"]
    # φ = 1: 10 ± z·√10
    assert (row["offered_lo80"], row["offered_hi80"]) == (5.95, 14.05)
    assert (row["offered_lo95"], row["offered_hi95"]) == (3.8, 16.2)
    assert len(report["daily"]) == 3


def test_the_plan_for_an_interval_is_what_slreport_erlang_gives(tmp_path):
    table = interval_table(tmp_path / "acme.csv", aht=True)
    report = run_json(str(table), "--plan", "--sl", "80/20", "--shrinkage", "0.3", "--volume", "+20%")
    row = by_start(report)["2026-04-28T10:00:00+03:00"]
    assert (row["offered"], row["aht_s"]) == (10.0, 180.0)
    out = run_cli("erlang", "--calls", "12", "--aht", "180", "--interval", "60m", "--sl", "80/20",
                  "--shrinkage", "0.3", "--format", "json")
    expected = json.loads(out.stdout)["recommended"]
    assert (row["required_agents"], row["scheduled"]) == (expected["agents"], expected["scheduled"])
    assert report["plan"]["what_if"] == {"volume_change_pct": 20.0, "aht_change_pct": 0.0,
                                         "service_level": "80/20", "shrinkage": 0.3, "patience_s": None}
    day = next(d for d in report["daily"] if d["day"] == "2026-04-28")
    assert day["required_agents_hours"] == 8 * expected["agents"]  # 8 open hours
    assert report["plan"]["by_series"][0]["peak"]["agents"] == expected["agents"]
    weekend = next(d for d in report["daily"] if d["day"] == "2026-05-02")
    assert weekend["required_agents_hours"] == 0.0


def test_the_erlang_a_plan_is_what_slreport_erlang_patience_gives(tmp_path):
    table = interval_table(tmp_path / "acme.csv", aht=True)
    report = run_json(str(table), "--plan", "--sl", "80/20", "--patience", "60", "--max-abandon", "0.05",
                      "--aht", "+50%")
    row = by_start(report)["2026-04-28T10:00:00+03:00"]
    out = run_cli("erlang", "--calls", "10", "--aht", "270", "--interval", "60m", "--sl", "80/20", "--patience", "60",
                  "--max-abandon", "0.05", "--format", "json")
    assert row["required_agents"] == json.loads(out.stdout)["recommended"]["agents"]
    assert report["plan"]["model"] == "erlang_a" and report["plan"]["what_if"]["patience_s"] == 60.0
    assert report["plan"]["what_if"]["aht_change_pct"] == 50.0


def test_cli_json_equals_the_library(tmp_path):
    table = interval_table(tmp_path / "acme.csv")
    report = run_json(str(table), "--horizon", "1w")
    library = forecast([str(table)], Settings(timezone="Europe/Helsinki"), RunOptions(), ForecastOptions(7))
    assert report == json.loads(json.dumps(library))


def test_rows_of_an_interval_table_are_accounted_for(tmp_path):
    table = interval_table(tmp_path / "acme.csv")
    with table.open("a", encoding="utf-8") as f:
        f.write("not a time,5,Acme\n2026-04-20 09:00,-3,Acme\n")
    report = run_json(str(table))
    entry = report["input"]["files"][0]
    assert entry["profile"] == "intervals"
    assert (entry["rows_read"], entry["rows_used"], entry["rows_rejected"]) == (30 * 8 + 2, 30 * 8, 2)
    assert entry["rejected_by_reason"] == {"bad_interval_start": 1, "bad_offered": 1}
    assert report["input"]["rows_read"] == 242


def test_contact_exports_are_read_with_analyzes_row_accounting():
    sample = Path(__file__).resolve().parent.parent / "sample_data"
    out = run_cli("forecast", str(sample / "calls.csv"), "--config", str(sample / "slreport.toml"), "--horizon", "1w",
                  "--format", "json")
    assert out.returncode == 0, out.stderr.decode()
    report = json.loads(out.stdout)
    analyzed = json.loads(run_cli("analyze", str(sample / "calls.csv"), "--config", str(sample / "slreport.toml"),
                                  "--format", "json").stdout)
    for key in ("rows_read", "rows_used", "rows_rejected"):
        assert report["input"][key] == analyzed["input"][key]
    assert {t["company"] for t in report["backtest"]} == {"Aalto Water", "Kotikatu Housing", "Nordic Energy",
                                                          "Perinta Collections"}
    weekend = [r for r in report["forecast"] if r["interval_start"].startswith("2026-03-07")]
    assert weekend and all(r["offered"] == 0 for r in weekend)  # opening hours mon-fri


@pytest.mark.parametrize(("args", "code", "message"), [
    (("--volume", "+20%"), 2, "--volume, --aht, --sl, --shrinkage and --patience change the staffing plan; add --plan"),
    (("--plan", "--patience", "0"), 2, "--patience '0' is not a number of seconds above 0"),
    (("--horizon", "0w"), 2, "--horizon '0w' is not a horizon of 1 to 92 days"),
    (("--by", "agent"), 2, "--by 'agent' cannot be forecast"),
    (("--plan", "--aht", "ten"), 2, "--aht 'ten' is not a percentage change"),
    (("--interval", "15"), 1, "the table's intervals are 60 minutes long, longer than --interval 15"),
])
def test_bad_options_are_one_line_errors(tmp_path, args, code, message):
    out = run_cli("forecast", str(interval_table(tmp_path / "acme.csv")), "--tz", "Europe/Helsinki", *args)
    assert out.returncode == code
    err = out.stderr.decode()
    assert message in err and err.count("\n") == 1


def test_a_table_without_offered_names_the_file_and_the_fix(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("interval_start,calls\n2026-04-20 09:00,3\n", encoding="utf-8")
    out = run_cli("forecast", str(bad), "--profile", "intervals", "--tz", "Europe/Helsinki")
    assert out.returncode == 1
    assert out.stderr.decode() == (f"slreport: error: {bad}: interval table without a column 'offered'; columns "
                                   "seen: interval_start, calls; name the columns interval_start, offered[, aht_s]"
                                   "[, company][, queue]\n")


def test_baselines_and_metrics_by_hand():
    y = np.arange(1, 36, dtype=float).reshape(35, 1)  # 5 weeks, one slot a day: 1, 2, …, 35
    assert fm.seasonal_naive(y, 7, 7)[:, 0].tolist() == list(range(29, 36))
    assert fm.four_week_mean(y, 7)[:, 0].tolist() == [(a + a + 7 + a + 14 + a + 21) / 4 for a in range(8, 15)]
    assert bt.naive_scale(y) == 7.0  # every day is 7 more than a week before
    assert bt.dispersion((np.array([12.0, 8.0]), np.array([10.0, 10.0]))) == 8 / 20
    assert bt.origins(42) == [28, 35]


def test_option_values():
    assert (parse_horizon("2w"), parse_horizon("10d"), parse_horizon("5")) == (14, 10, 5)
    assert (parse_change("--volume", "+20%"), parse_change("--aht", "-10 %")) == (0.2, -0.1)


BANK = Path(__file__).resolve().parent / "data" / "forecast" / "anonymous_bank_1999_15min.csv.gz"


def test_real_bank_data_beats_the_better_baseline_by_10_percent_and_closes_holidays():
    """The Technion "Anonymous Bank" (1999, tests/data/forecast/README.md): next-week WAPE over the last 8
    weeks, 15-minute intervals, with Israel's holidays."""
    report = run_cli("forecast", str(BANK), "--company", "Anonymous Bank", "--tz", "Asia/Jerusalem", "--interval",
                     "15", "--holidays-country", "IL", "--horizon", "3w", "-f", "json")
    assert report.returncode == 0, report.stderr.decode()
    result = json.loads(report.stdout)
    test = result["backtest"][0]
    assert test["company"] == "Anonymous Bank" and test["weeks"] == 8
    assert test["model"]["wape_pct"] == 31.77 and test["same_slot_last_week"]["wape_pct"] == 41.6
    assert test["improvement_pct"] >= 10
    assert test["model"]["mase"] < 1
    assert test["coverage_pct"] == {"p80": 87.2, "p95": 96.3}
    assert test["scored_days"] == 51  # 56 days less the 5 holidays, closed: their calls are not forecast
    model = result["model"]["series"][0]
    assert any(d["reason"] == "public holiday (Yom Kippur)" for d in model["left_out"])
    # no public holiday of Israel falls in the horizon (1999-11-01..21)
    assert model["closed_in_horizon"] == []
    assert result["input"]["rows_read"] == 13744 and result["input"]["rows_rejected"] == 0


def test_unusual_day_threshold_boundary():
    from slreport.forecast.days import unusual

    totals = np.array([100.0, 0, 0, 0, 0, 0, 0, 100.0, 0, 0, 0, 0, 0, 0, 150.0, 0, 0, 0, 0, 0, 0, 150.01])
    kinds, baseline = unusual(totals, 1.5)
    assert kinds[14] == "" and baseline[14] == 100.0  # exactly k × the median: not unusual
    assert kinds[21] == "busy"  # above it (median of 100, 100, 150 = 100)
    assert kinds[7] == "" and np.isnan(baseline[7])  # one earlier day only: not judged


def test_opening_hours_close_the_slots_outside_them(tmp_path):
    report = run_json(str(interval_table(tmp_path / "acme.csv")), "--opening-hours", "mon-fri 09:00-12:00")
    rows = by_start(report)
    assert rows["2026-04-27T08:00:00+03:00"]["offered"] == 0.0
    assert rows["2026-04-27T09:00:00+03:00"]["offered"] == 10.0
    assert rows["2026-04-27T12:00:00+03:00"]["offered"] == 0.0


def test_a_fall_back_day_writes_its_repeated_hour_once(tmp_path):
    table = interval_table(tmp_path / "acme.csv", weeks=6, first=dt.date(2026, 9, 14))  # ends Fri 2026-10-23
    report = run_json(str(table))
    day = [r["interval_start"] for r in report["forecast"] if r["interval_start"].startswith("2026-10-25")]
    assert len(day) == 24 and "2026-10-25T03:00:00+03:00" in day and "2026-10-25T04:00:00+02:00" in day


def test_a_table_with_a_header_only_is_an_error(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("interval_start,offered\n", encoding="utf-8")
    out = run_cli("forecast", str(empty), "--tz", "UTC")
    assert out.returncode == 1
    assert out.stderr.decode().startswith("slreport: error: no contacts to forecast from")
