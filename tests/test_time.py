"""Time attribution: counts by local arrival time, DST days, offsets and the --tz rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from slreport.errors import InputError
from tests.conftest import run_analyze


def hourly_calls(write_csv, first_utc: datetime, hours: int, name: str = "dst.csv"):
    """One answered call at half past every UTC hour for ``hours`` hours."""
    lines = ["arrived_at,wait_s,outcome"]
    for h in range(hours):
        t = first_utc + timedelta(hours=h, minutes=30)
        lines.append(f"{t.isoformat()},5,answered")
    return write_csv(name, *lines)


def test_spring_forward_day_has_23_hours_in_helsinki(write_csv):
    # 2024-03-31 00:00 EET = 2024-03-30 22:00 UTC; the clocks jump from 03:00 to 04:00.
    path = hourly_calls(write_csv, datetime(2024, 3, 30, 22, tzinfo=UTC), 23)
    report = run_analyze([path], tz="Europe/Helsinki")
    days = {r["day"]: r["offered"] for r in report["by_day"] if r["company"] is None}
    assert days == {"2024-03-31": 23}
    hours = {r["hour"]: r["offered"] for r in report["by_hour"] if r["company"] is None}
    assert hours[3] == 0  # 03:xx does not exist that day
    assert sum(hours.values()) == 23


def test_fall_back_day_has_25_hours_in_helsinki(write_csv):
    # 2024-10-27 00:00 EEST = 2024-10-26 21:00 UTC; 03:00-04:00 happens twice.
    path = hourly_calls(write_csv, datetime(2024, 10, 26, 21, tzinfo=UTC), 25)
    report = run_analyze([path], tz="Europe/Helsinki")
    days = {r["day"]: r["offered"] for r in report["by_day"] if r["company"] is None}
    assert days == {"2024-10-27": 25}
    hours = {r["hour"]: r["offered"] for r in report["by_hour"] if r["company"] is None}
    assert hours[3] == 2
    assert report["period"]["first_arrival"] == "2024-10-27T00:30:00+03:00"
    assert report["period"]["last_arrival"] == "2024-10-27T23:30:00+02:00"


def test_hours_are_counted_in_the_report_time_zone(write_csv):
    path = write_csv("c.csv", "arrived_at,wait_s,outcome", "2024-01-15T23:30:00Z,5,answered")
    utc = run_analyze([path], tz="UTC")
    oslo = run_analyze([path], tz="Europe/Oslo")
    assert [r["hour"] for r in utc["by_hour"] if r["company"] is None and r["offered"]] == [23]
    assert [r["hour"] for r in oslo["by_hour"] if r["company"] is None and r["offered"]] == [0]
    assert [r["day"] for r in oslo["by_day"] if r["company"] is None] == ["2024-01-16"]


def test_by_hour_has_all_24_hours_per_company(write_csv):
    path = write_csv("c.csv", "company,arrived_at,wait_s,outcome", "a,2024-01-15T10:00:00Z,5,answered",
                     "b,2024-01-15T11:00:00Z,5,answered")
    rows = run_analyze([path])["by_hour"]
    for company in (None, "a", "b"):
        assert sorted(r["hour"] for r in rows if r["company"] == company) == list(range(24))
    empty = next(r for r in rows if r["company"] == "a" and r["hour"] == 11)
    assert empty["offered"] == 0 and empty["service_level_pct"] is None


def test_local_times_without_offset_use_tz(write_csv):
    path = write_csv("c.csv", "arrived_at,wait_s,outcome", "2024-07-01 09:15:00,5,answered")
    report = run_analyze([path], tz="Europe/Helsinki")
    assert report["period"]["first_arrival"] == "2024-07-01T09:15:00+03:00"


def test_local_times_without_offset_and_without_tz_is_an_error_naming_the_option(write_csv):
    path = write_csv("c.csv", "arrived_at,wait_s,outcome", "2024-07-01 09:15:00,5,answered")
    with pytest.raises(InputError, match="no UTC offset") as err:
        run_analyze([path], tz=None)
    assert "--tz" in err.value.one_line()
    assert f"{path}:2" in err.value.one_line()


def test_nonexistent_spring_local_time_is_moved_forward(write_csv):
    # 03:30 does not exist in Helsinki on 2024-03-31: read with the pre-change offset (+02:00),
    # i.e. the instant 01:30 UTC, shown as 04:30+03:00.
    path = write_csv("c.csv", "arrived_at,wait_s,outcome", "2024-03-31 03:30:00,5,answered")
    report = run_analyze([path], tz="Europe/Helsinki")
    assert report["period"]["first_arrival"] == "2024-03-31T04:30:00+03:00"


def test_ambiguous_autumn_local_time_takes_the_later_instant(write_csv):
    path = write_csv("c.csv", "arrived_at,wait_s,outcome", "2024-10-27 03:30:00,5,answered")
    report = run_analyze([path], tz="Europe/Helsinki")
    assert report["period"]["first_arrival"] == "2024-10-27T03:30:00+02:00"
