"""Interval table, top intervals, busy hours and peak-to-average on hand-built contacts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.peaks_data import hours, lines, of, run_all, write


@pytest.mark.parametrize(
    ("day", "hours_in_day"), [("2024-03-31", 23), ("2024-10-27", 25), ("2024-10-28", 24)]
)
@pytest.mark.parametrize("minutes", [15, 30, 60])
def test_dst_days_have_23_or_25_hours_of_intervals(tmp_path, day: str, hours_in_day: int, minutes: int) -> None:
    path = write(tmp_path / "a.csv", lines([f"{day} 12:00:00+02:00"]))
    table = run_all(path, interval_minutes=minutes).table("intervals").to_pylist()
    expected = hours_in_day * 60 // minutes
    assert len(of(table)) == expected and len(of(table, None)) == expected
    assert sum(r["offered"] for r in table) == 2  # the one contact, once per company and once for all
    starts = [r["interval_start"] for r in of(table)]
    assert len(set(starts)) == expected


def test_the_repeated_hour_of_autumn_is_two_intervals(tmp_path) -> None:
    # 2024-10-27 04:00 EEST became 03:00 EET: local 03:30 happened twice, an hour apart.
    path = write(tmp_path / "a.csv", lines(["2024-10-27 03:30:00+03:00", "2024-10-27 03:30:00+02:00",
                                            "2024-10-27 03:40:00+02:00"]))
    table = of(run_all(path).table("intervals").to_pylist())
    by_start = {r["interval_start"]: r["offered"] for r in table}
    assert by_start["2024-10-27T03:00:00+03:00"] == 1
    assert by_start["2024-10-27T03:00:00+02:00"] == 2
    assert [r["interval_start"] for r in table][3:5] == ["2024-10-27T03:00:00+03:00", "2024-10-27T03:00:00+02:00"]
    spring = of(run_all(write(tmp_path / "b.csv", lines(["2024-03-31 12:00:00+03:00"]))).table("intervals")
                .to_pylist())
    assert [r["interval_start"][11:19] for r in spring][2:4] == ["02:00:00", "04:00:00"]  # no 03:00


def test_empty_intervals_are_zero_rows_without_rates(tmp_path) -> None:
    path = write(tmp_path / "a.csv", lines(["2024-01-10 09:10:00+02:00"]))
    analysis = run_all(path)
    table = of(analysis.table("intervals").to_pylist())
    empty = [r for r in table if r["interval_start"] != "2024-01-10T09:00:00+02:00"]
    assert len(empty) == 23
    assert all(r["offered"] == 0 and r["service_level_pct"] is None and r["asa_s"] is None for r in empty)
    summary = of(analysis.report["by_interval_summary"]["by_company"])[0]
    assert (summary["intervals"], summary["intervals_with_contacts"], summary["empty_intervals"]) == (24, 1, 23)
    assert analysis.report["by_interval_summary"]["rows"] == 48


TIES = ["2024-01-10 09:05:00+02:00", "2024-01-10 09:06:00+02:00",  # 09:00 → 2
        "2024-01-10 10:05:00+02:00", "2024-01-10 10:06:00+02:00", "2024-01-10 10:07:00+02:00",  # 10:00 → 3
        "2024-01-10 11:05:00+02:00", "2024-01-10 11:06:00+02:00",  # 11:00 → 2
        "2024-01-10 12:05:00+02:00"]  # 12:00 → 1


def test_top_intervals_order_ties_by_the_earlier_start(tmp_path) -> None:
    report = run_all(write(tmp_path / "a.csv", lines(TIES)), top_n=3).report
    top = of(report["peaks"])
    assert [(r["rank"], r["interval_start"][11:16], r["offered"]) for r in top] == [
        (1, "10:00", 3), (2, "09:00", 2), (3, "11:00", 2)]
    assert [r["interval_start"][11:16] for r in of(report["peaks"], None)] == ["10:00", "09:00", "11:00"]


def test_top_intervals_never_list_empty_intervals(tmp_path) -> None:
    report = run_all(write(tmp_path / "a.csv", lines(TIES[:1])), top_n=5).report
    assert [r["offered"] for r in of(report["peaks"])] == [1]


def test_sliding_busy_hour_straddles_the_clock_hour(tmp_path) -> None:
    # Clock hours: 09 → 2, 10 → 3; the 60 minutes from 09:40 hold 4 (10:40:00 is 60 min later: out).
    # From 09:50 there are 4 too: the earlier window wins the tie.
    arrivals = ["09:40:00", "09:50:00", "10:05:00", "10:20:00", "10:40:00"]
    path = write(tmp_path / "a.csv", lines([f"2024-01-10 {t}+02:00" for t in arrivals]))
    busy = of(run_all(path).report["busy_hour"]["sliding_60min_by_day"])
    assert busy == [{"company": "Acme", "day": "2024-01-10", "window_start": "2024-01-10T09:40:00+02:00",
                     "window_end": "2024-01-10T10:40:00+02:00", "arrivals": 4, "busiest_clock_hour": 10,
                     "busiest_clock_hour_arrivals": 3}]


def _busiest_window(seconds: list[int]) -> tuple[int, int]:
    """(arrivals, start second) of the busiest [t, t + 3600) opening at an arrival; ties: the earliest."""
    return max((sum(t <= u < t + 3600 for u in seconds), -t) for t in seconds)


# Seconds of one day (from 08:00 UTC, 10:00 in Helsinki), crowded into a few minutes around whole minutes and
# exactly an hour apart, so that windows end on arrivals, minutes hold ties, and most windows compete.
_SECONDS = st.lists(
    st.builds(lambda base, off: base * 60 + off, st.sampled_from([0, 1, 59, 60, 61, 119, 120, 180]),
              st.sampled_from([0, 0, 1, 30, 59])),
    min_size=1, max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(acme=_SECONDS, beta=_SECONDS)
def test_sliding_busy_hour_equals_the_definition_counted_one_window_at_a_time(tmp_path, acme, beta) -> None:
    def instant(s: int) -> datetime:
        return datetime(2024, 1, 10, 8, tzinfo=UTC) + timedelta(seconds=s)

    body = lines([instant(s).isoformat(sep=" ") for s in acme])
    body += lines([instant(s).isoformat(sep=" ") for s in beta], company="Beta", start=len(acme))
    report = run_all(write(tmp_path / "a.csv", body)).report
    busy = {r["company"]: r for r in report["busy_hour"]["sliding_60min_by_day"]}
    for company, seconds in (("Acme", acme), ("Beta", beta), (None, acme + beta)):
        arrivals, start = _busiest_window(seconds)
        assert busy[company]["arrivals"] == arrivals, company
        assert busy[company]["window_start"] == instant(-start).astimezone(ZoneInfo("Europe/Helsinki")).isoformat()


def test_sliding_window_on_the_autumn_dst_day_is_60_elapsed_minutes(tmp_path) -> None:
    # 03:50 EEST, 03:10 EET and 03:45 EET are 0, 20 and 55 elapsed minutes apart: one window,
    # although 03:45 is before 03:50 on the local clock.
    path = write(tmp_path / "a.csv", lines(["2024-10-27 03:50:00+03:00", "2024-10-27 03:10:00+02:00",
                                            "2024-10-27 03:45:00+02:00"]))
    busy = of(run_all(path).report["busy_hour"]["sliding_60min_by_day"])[0]
    assert (busy["window_start"], busy["window_end"], busy["arrivals"]) == (
        "2024-10-27T03:50:00+03:00", "2024-10-27T03:50:00+02:00", 3)


def test_time_consistent_busy_hour_and_hour_profile(tmp_path) -> None:
    # Monday 09:10, 09:20, 10:05 and Tuesday 09:30, 14:00 (x2): 2 open days (no hours given).
    body = lines(["2024-01-08 09:10:00+02:00", "2024-01-08 09:20:00+02:00", "2024-01-08 10:05:00+02:00",
                  "2024-01-09 09:30:00+02:00", "2024-01-09 14:00:00+02:00", "2024-01-09 14:01:00+02:00"])
    report = run_all(write(tmp_path / "a.csv", body)).report
    profile = {r["hour"]: r for r in of(report["hour_profile"])}
    assert len(profile) == 24
    assert (profile[9]["offered"], profile[9]["open_days"], profile[9]["offered_per_day"]) == (3, 2, 1.5)
    assert profile[10]["offered_per_day"] == 0.5 and profile[14]["offered_per_day"] == 1.0
    assert profile[3]["offered"] == 0 and profile[3]["service_level_pct"] is None
    assert of(report["busy_hour"]["time_consistent"])[0] | {} == {
        "company": "Acme", "hour": 9, "offered_per_day": 1.5, "open_days": 2, "service_level_pct": 100.0}
    # Per day the busiest windows differ from the time-consistent hour on Tuesday.
    assert [b["window_start"][11:16] for b in of(report["busy_hour"]["sliding_60min_by_day"])] == ["09:10", "14:00"]
    weekday = {r["weekday"]: r for r in of(report["weekday_hour"])}
    assert set(weekday) == {"mon", "tue"}
    assert weekday["mon"]["days"] == 1 and weekday["mon"]["offered_per_day"][9:11] == [2.0, 1.0]
    assert weekday["tue"]["offered_per_day"][9] == 1.0 and weekday["tue"]["offered_per_day"][14] == 2.0


def test_peak_to_average_over_open_intervals(tmp_path) -> None:
    # Open 09-11 every day: in-hours 09:00 → 2, 10:00 → 3; 12:00 is outside hours.
    body = lines(["2024-01-10 09:10:00+02:00", "2024-01-10 09:20:00+02:00", "2024-01-10 10:05:00+02:00",
                  "2024-01-10 10:10:00+02:00", "2024-01-10 10:15:00+02:00", "2024-01-10 12:00:00+02:00"])
    analysis = run_all(write(tmp_path / "a.csv", body), hours=hours("daily 09:00-11:00"))
    p2a = of(analysis.report["peak_to_average"]["by_company"])[0]
    assert p2a == {"company": "Acme", "peak_offered": 3, "peak_interval_start": "2024-01-10T10:00:00+02:00",
                   "open_intervals": 2, "offered_in_open_intervals": 5, "mean_offered_per_open_interval": 2.5,
                   "ratio": 1.2}
    noon = [r for r in of(analysis.table("intervals").to_pylist()) if r["interval_start"][11:13] == "12"][0]
    assert (noon["offered"], noon["outside_hours"], noon["open"]) == (0, 1, False)


def test_an_interval_is_open_when_any_minute_of_it_is(tmp_path) -> None:
    path = write(tmp_path / "a.csv", lines(["2024-01-10 09:20:00+02:00"]))
    table = of(run_all(path, interval_minutes=30, hours=hours("daily 09:15-10:00")).table("intervals").to_pylist())
    assert [r["interval_start"][11:16] for r in table if r["open"]] == ["09:00", "09:30"]


def test_no_contacts_in_any_open_interval_gives_null_ratio(tmp_path) -> None:
    path = write(tmp_path / "a.csv", lines(["2024-01-10 20:00:00+02:00"]))
    p2a = of(run_all(path, hours=hours("daily 09:00-11:00")).report["peak_to_average"]["by_company"])[0]
    assert (p2a["peak_offered"], p2a["mean_offered_per_open_interval"], p2a["ratio"]) == (0, 0.0, None)
    assert p2a["peak_interval_start"] is None


def test_opening_hours_on_the_autumn_dst_day_follow_the_local_clock(tmp_path) -> None:
    # Both 03:30s of 2024-10-27 are within "03:00-04:00" local; 04:30 is not.
    body = lines(["2024-10-27 03:30:00+03:00", "2024-10-27 03:30:00+02:00", "2024-10-27 04:30:00+02:00"])
    analysis = run_all(write(tmp_path / "a.csv", body), hours=hours("daily 03:00-04:00"))
    assert analysis.report["summary"]["offered"] == 2
    assert of(analysis.report["outside_hours"]["by_company"])[0]["outside_hours"] == 1
    table = of(analysis.table("intervals").to_pylist())
    assert [r["interval_start"] for r in table if r["open"]] == ["2024-10-27T03:00:00+03:00",
                                                                "2024-10-27T03:00:00+02:00"]
    assert of(analysis.report["peak_to_average"]["by_company"])[0]["open_intervals"] == 2
