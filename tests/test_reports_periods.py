"""--period / --since / --until: bounds in the report time zone, and the arrival filter."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from slreport.errors import UsageError
from slreport.options.periods import resolve_period, resolve_window, today_in
from tests.conftest import DATA, run_cli
from tests.terminal import read_all

HKI = "Europe/Helsinki"
CALLS = DATA / "reports" / "calls.csv"


def hours(p) -> float:
    """Elapsed hours (Python subtracts two datetimes of one zone by wall clock: go via UTC)."""
    return (p.until.astimezone(UTC) - p.since.astimezone(UTC)).total_seconds() / 3600


def test_last_week_across_spring_dst_change_is_167_hours():
    p = resolve_period("last-week", HKI, today=date(2024, 4, 3))  # a Wednesday
    assert p.since.isoformat() == "2024-03-25T00:00:00+02:00"  # Monday
    assert p.until.isoformat() == "2024-04-01T00:00:00+03:00"
    assert hours(p) == 167
    assert p.label == "2024-W13"


def test_this_week_across_autumn_dst_change_is_169_hours_and_starts_monday():
    p = resolve_period("this-week", HKI, today=date(2024, 10, 27))  # a Sunday: the week began the 21st
    assert p.since.isoformat() == "2024-10-21T00:00:00+03:00"
    assert p.until.isoformat() == "2024-10-28T00:00:00+02:00"
    assert hours(p) == 169


def test_yesterday_and_today_on_the_dst_days():
    assert hours(resolve_period("yesterday", HKI, today=date(2024, 4, 1))) == 23
    assert hours(resolve_period("today", HKI, today=date(2024, 10, 27))) == 25
    assert resolve_period("yesterday", HKI, today=date(2024, 3, 1)).label == "2024-02-29"


def test_last_month_at_a_month_and_year_end():
    feb = resolve_period("last-month", HKI, today=date(2024, 3, 1))
    assert (feb.since.isoformat(), feb.until.isoformat()) == ("2024-02-01T00:00:00+02:00", "2024-03-01T00:00:00+02:00")
    assert hours(feb) == 29 * 24  # leap year
    dec = resolve_period("last-month", HKI, today=date(2025, 1, 31))
    assert (dec.since.date(), dec.until.date(), dec.label) == (date(2024, 12, 1), date(2025, 1, 1), "2024-12")
    assert resolve_period("this-month", HKI, today=date(2024, 12, 31)).until.date() == date(2025, 1, 1)


def test_a_month_with_a_dst_change_and_explicit_ranges():
    october = resolve_period("2024-10", HKI, today=date(2030, 1, 1))
    assert hours(october) == 31 * 24 + 1
    span = resolve_period("2024-03-30..2024-03-31", HKI, today=date(2030, 1, 1))
    assert span.until.isoformat() == "2024-04-01T00:00:00+03:00"  # the end day is included
    assert hours(span) == 47
    assert hours(resolve_period("2024-03-31", HKI, today=date(2030, 1, 1))) == 23


@pytest.mark.parametrize("text", ["last-year", "2024-13", "2024-02-30", "2024-03-31..2024-03-01", "31.3.2024"])
def test_bad_periods_are_usage_errors(text):
    with pytest.raises(UsageError):
        resolve_period(text, HKI, today=date(2024, 1, 1))


def test_since_until_bounds_and_conflicts():
    w = resolve_window(None, "2024-03-31", "2024-03-31T12:00", HKI)
    assert w.since == datetime(2024, 3, 31, tzinfo=ZoneInfo(HKI))
    assert w.until.isoformat() == "2024-03-31T12:00:00+03:00"
    assert w.window() == ("2024-03-31T00:00:00+02:00", "2024-03-31T12:00:00+03:00")
    assert resolve_window(None, None, "2024-01-01", HKI).window()[0] is None
    assert resolve_window(None, None, None, HKI) is None
    with pytest.raises(UsageError):
        resolve_window("today", "2024-01-01", None, HKI)
    with pytest.raises(UsageError):
        resolve_window(None, "2024-01-02", "2024-01-01", HKI)


def test_today_comes_from_the_injected_clock(monkeypatch):
    monkeypatch.setenv("SLREPORT_TODAY", "2024-04-01")
    assert today_in(HKI) == date(2024, 4, 1)


def test_cli_period_filters_arrivals_and_counts_the_rest_as_ignored():
    result = run_cli("analyze", str(CALLS), "--tz", HKI, "--period", "2024-03-30..2024-03-31", "-f", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # A1 arrives one second before the period, A9 exactly at its (exclusive) end.
    assert report["input"]["ignored_by_reason"] == {"outside_period": 2}
    assert report["input"]["contacts"] == 12 and report["summary"]["offered"] == 12
    assert report["settings"]["period"] == {
        "name": "2024-03-30..2024-03-31", "label": "2024-03-30..2024-03-31",
        "since": "2024-03-30T00:00:00+02:00", "until": "2024-04-01T00:00:00+03:00",
    }
    assert report["period"]["first_arrival"] == "2024-03-30T00:00:00+02:00"


def test_cli_yesterday_on_the_23_hour_day_uses_the_injected_date():
    result = run_cli("analyze", str(CALLS), "--tz", HKI, "--period", "yesterday", "-f", "json",
                     env={"SLREPORT_TODAY": "2024-04-01"})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    on_31_march = ["A5", "A6", "A7", "A8", "B3", "B4", "B5"]  # 02:59+02:00 … 23:59:59+03:00
    assert report["summary"]["offered"] == len(on_31_march)
    assert report["settings"]["period"]["label"] == "2024-03-31"


def test_cli_since_until_and_a_bad_period():
    ok = run_cli("analyze", str(CALLS), "--tz", HKI, "--since", "2024-03-31T04:00", "--until", "2024-03-31T11:00",
                 "-f", "json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["summary"]["offered"] == 2  # A6 at 04:00 (inclusive), A7 at 10:00
    bad = run_cli("analyze", str(CALLS), "--tz", HKI, "--period", "fortnight")
    assert bad.returncode == 2 and bad.stdout == b""
    assert b"--period 'fortnight' is not a period" in bad.stderr


def test_an_empty_period_gives_a_report_of_zeros():
    result = run_cli("analyze", str(CALLS), "--tz", HKI, "--period", "2024-05", "-f", "json")
    assert result.returncode == 5, result.stderr  # ExitCode.NO_CONTACTS: the report is still printed
    report = json.loads(result.stdout)
    assert report["summary"]["offered"] == 0 and report["summary"]["service_level_pct"] is None
    assert report["input"]["ignored_by_reason"] == {"outside_period": 14}


def test_progress_shows_on_a_terminal_stderr_and_never_on_stdout():
    import os
    import pty
    import subprocess
    import sys

    from tests.conftest import ROOT

    leader, follower = pty.openpty()
    env = os.environ | {"PYTHONPATH": str(ROOT), "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "slreport", "analyze", str(CALLS), "--tz", HKI, "-f", "json"],
                            stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    out, _ = proc.communicate(timeout=120)
    seen = read_all(leader)
    assert proc.returncode == 0
    assert b"reading and analysing calls.csv" in seen
    assert json.loads(out)["summary"]["offered"] == 14  # stdout: the data and nothing else
