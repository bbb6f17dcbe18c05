"""Peaks through the real command line, on the bundled sample and on small files."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import ROOT, run_cli
from tests.peaks_data import hours, lines, run_all, write

SAMPLE = ROOT / "sample_data" / "calls.csv"
HOURS = "mon-fri 08:00-18:00"


@pytest.fixture(scope="module")
def sample_report() -> dict:
    done = run_cli("analyze", str(SAMPLE), "--tz", "Europe/Helsinki", "--opening-hours", HOURS, "-f", "json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    return json.loads(done.stdout)


def sample_local_arrivals() -> list[tuple[str, datetime]]:
    zone = ZoneInfo("Europe/Helsinki")
    with SAMPLE.open(encoding="utf-8") as f:
        return [(r["company"], datetime.fromisoformat(r["arrived_at"]).astimezone(zone)) for r in csv.DictReader(f)]


def test_sample_snowstorm_is_an_unusual_day(sample_report: dict) -> None:
    busy = [d for d in sample_report["unusual_days"]["days"] if d["company"] == "Nordic Energy"]
    assert [(d["day"], d["kind"]) for d in busy] == [("2026-02-11", "busy")]
    assert busy[0]["ratio"] > 2.5 and busy[0]["baseline_days"] == 4
    assert busy[0]["service_level_pct"] < 60


def test_sample_evening_calls_are_outside_hours(sample_report: dict) -> None:
    arrivals = [t for _, t in sample_local_arrivals()]
    weekday_evening = sum(1 for t in arrivals if t.weekday() < 5 and 18 <= t.hour < 21)
    closed = sum(1 for t in arrivals if t.weekday() >= 5 or not 8 <= t.hour < 18)
    everyone = sample_report["outside_hours"]["by_company"][0]
    assert everyone["company"] is None and weekday_evening > 100
    assert everyone["outside_hours"] == closed
    for hour in (18, 19, 20):  # every evening call, weekday or weekend, is outside mon-fri 08-18
        assert everyone["by_hour"][hour] == sum(1 for t in arrivals if t.hour == hour) > 0
    assert sample_report["summary"]["offered"] == len(arrivals) - closed
    assert sample_report["outside_hours"]["included_in_service_level"] is False


def test_sample_terminal_shows_the_peaks_section() -> None:
    done = run_cli("analyze", str(SAMPLE), "--tz", "Europe/Helsinki", "--opening-hours", HOURS, "-f", "table")
    out = done.stdout.decode()
    assert done.returncode == 0
    section = out[out.index("Peaks: Nordic Energy"):]
    assert "hour profile 00-23" in section and "█" in section
    assert "2026-02-11" in section and "busy" in section
    assert "outside opening hours:" in section
    assert "contacts outside opening hours excluded" in out[:out.index("Peaks:")]  # the caption states the policy


def test_markdown_has_a_peaks_section_per_company(tmp_path) -> None:
    path = write(tmp_path / "a.csv", lines(["2024-01-10 09:10:00+02:00"]) + lines(["2024-01-10 09:10:00+02:00"],
                                                                                   company="Beta", start=5))
    done = run_cli("analyze", str(path), "--tz", "Europe/Helsinki", "-f", "markdown")
    out = done.stdout.decode()
    assert "## Peaks: Acme" in out and "## Peaks: Beta" in out
    assert "no opening hours given, every contact counts as in hours" in out


def test_cli_json_equals_the_library_result(tmp_path) -> None:
    path = write(tmp_path / "a.csv", lines(["2024-12-06 10:00:00+02:00", "2024-12-09 09:10:00+02:00",
                                            "2024-12-09 19:10:00+02:00"]))
    done = run_cli("analyze", str(path), "--tz", "Europe/Helsinki", "-f", "json", "--opening-hours", HOURS,
                   "--holidays-country", "fi", "--top", "2", "--unusual-factor", "2", "--interval", "30")
    assert done.returncode == 0, done.stderr
    library = run_all(path, hours=hours(HOURS, "FI"), top_n=2, unusual_factor=2.0, interval_minutes=30).report
    assert json.loads(done.stdout) == json.loads(json.dumps(library))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--opening-hours", "mon-fri 8-18"], "'8-18' is not a time range HH:MM-HH:MM"),
        (["--opening-hours", "mon-fry 08:00-18:00"], "'mon-fry' is not a day or day range"),
        (["--holidays-country", "XX"], "--holidays-country 'XX' is not allowed; use a two-letter ISO 3166 country"),
        (["--unusual-factor", "1"], "--unusual-factor '1' is not allowed; use a number above 1"),
        (["--top", "0"], "--top '0' is not allowed; use a whole number, 1 or more"),
    ],
)
def test_bad_peak_options_are_usage_errors(tmp_path, args: list[str], message: str) -> None:
    path = write(tmp_path / "a.csv", lines(["2024-01-10 09:10:00+02:00"]))
    done = run_cli("analyze", str(path), "--tz", "Europe/Helsinki", "-f", "json", *args)
    assert done.returncode == 2
    assert done.stdout == b""
    err = done.stderr.decode()
    assert err.startswith("slreport: error: ") and message in err and err.count("\n") == 1
