"""Opening-hours grammar, holidays, and which contacts count as in hours."""

from __future__ import annotations

from datetime import date

import pytest

from slreport.errors import UsageError
from slreport.metrics.opening_hours import holiday_dates
from slreport.options.hours import HOLIDAY, check_country, parse_opening_hours
from tests.peaks_data import hours, lines, of, run_all, write


def test_parse_weekday_range_and_single_day() -> None:
    parsed = parse_opening_hours("mon-fri 08:00-20:00, sat 10:00-14:00")
    assert parsed.ranges == tuple((d, 480, 1200) for d in range(5)) + ((5, 600, 840),)


def test_parse_wrapping_range_several_ranges_holidays_midnight_and_closed() -> None:
    parsed = parse_opening_hours(" FRI-Mon 08:00-12:00 13:00-24:00 , hol 10:00-14:00, tue closed ")
    days = (4, 5, 6, 0)
    assert set(parsed.ranges) == {(d, 480, 720) for d in days} | {(d, 780, 1440) for d in days} | {
        (HOLIDAY, 600, 840)}
    assert parse_opening_hours("daily 00:00-24:00").ranges == tuple((d, 0, 1440) for d in range(7))


@pytest.mark.parametrize(
    ("text", "bad_part"),
    [
        ("mon-fri 08:00-20:00, sta 10:00-14:00", "'sta'"),
        ("mon-fri 8-20", "'8-20'"),
        ("mon-fri 20:00-08:00", "'20:00-08:00'"),
        ("mon-fri 08:00-24:30", "'08:00-24:30'"),
        ("mon-fri 08:00-20:70", "'08:00-20:70'"),
        ("mon-fri", "'mon-fri'"),
        ("hol-fri 08:00-12:00", "'hol-fri'"),
        ("mon-fri 08:00-20:00,", "empty"),
    ],
)
def test_parse_errors_name_the_bad_part(text: str, bad_part: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_opening_hours(text)
    assert bad_part in err.value.one_line() or (bad_part == "empty" and "needs days and times" in str(err.value))
    assert err.value.hint


def test_empty_text_is_an_error() -> None:
    with pytest.raises(UsageError, match="empty"):
        parse_opening_hours("  ")


def test_holidays_lookup_and_unknown_country() -> None:
    assert holiday_dates("FI", date(2024, 12, 1), date(2024, 12, 31)) == [
        (date(2024, 12, 6), "Independence Day"), (date(2024, 12, 24), "Christmas Eve"),
        (date(2024, 12, 25), "Christmas Day"), (date(2024, 12, 26), "Second Day of Christmas"),
    ]
    assert check_country("fi") == "FI"
    assert check_country(" fin ") == "FIN"  # every code the holidays package takes, alpha-3 too
    assert holiday_dates("FIN", date(2024, 12, 6), date(2024, 12, 6)) == [(date(2024, 12, 6), "Independence Day")]
    with pytest.raises(UsageError, match="unknown holidays country 'XX'"):
        check_country("XX")


# Friday 2024-12-13 (an ordinary Friday) around the edges of 08:00-18:00 in Helsinki (UTC+2).
EDGES = ["2024-12-13 07:59:59+02:00", "2024-12-13 08:00:00+02:00", "2024-12-13 17:59:59+02:00",
         "2024-12-13 18:00:00+02:00"]


def test_edges_of_opening_hours_and_service_level_excludes_closed(tmp_path) -> None:
    path = write(tmp_path / "a.csv", lines(EDGES))
    report = run_all(path, hours=hours("mon-fri 08:00-18:00")).report
    assert report["summary"]["offered"] == 2  # 08:00:00 and 17:59:59 only
    outside = of(report["outside_hours"]["by_company"])[0]
    assert (outside["contacts"], outside["outside_hours"], outside["share_pct"]) == (4, 2, 50.0)
    assert [h for h, n in enumerate(outside["by_hour"]) if n] == [7, 18]
    assert report["settings"]["closed_hours_contacts"].startswith("excluded")
    assert report["outside_hours"]["included_in_service_level"] is False


def test_include_closed_counts_every_contact(tmp_path) -> None:
    path = write(tmp_path / "a.csv", lines(EDGES))
    report = run_all(path, hours=hours("mon-fri 08:00-18:00"), include_closed=True).report
    assert report["summary"]["offered"] == 4
    assert of(report["outside_hours"]["by_company"])[0]["outside_hours"] == 2
    assert report["settings"]["closed_hours_contacts"] == "included in service level"


def test_no_opening_hours_means_every_contact_in_hours(tmp_path) -> None:
    path = write(tmp_path / "a.csv", lines(EDGES))
    report = run_all(path).report
    assert report["summary"]["offered"] == 4
    assert report["outside_hours"]["opening_hours_given"] is False
    assert "every contact counts as in hours" in report["outside_hours"]["note"]
    assert of(report["outside_hours"]["by_company"])[0]["outside_hours"] == 0


def test_public_holiday_is_closed_unless_stated(tmp_path) -> None:
    # Friday 2024-12-06 is Finland's Independence Day; Friday 2024-12-13 an ordinary day.
    path = write(tmp_path / "a.csv", lines(["2024-12-06 10:00:00+02:00", "2024-12-13 10:00:00+02:00"]))
    weekdays = "mon-fri 08:00-18:00"
    plain = run_all(path, hours=hours(weekdays)).report
    closed = run_all(path, hours=hours(weekdays, "FI")).report
    stated = run_all(path, hours=hours(weekdays + ", hol 09:00-11:00", "FI")).report
    assert [r["summary"]["offered"] for r in (plain, closed, stated)] == [2, 1, 2]
    assert closed["outside_hours"]["holidays"] == [
        {"company": "Acme", "day": "2024-12-06", "name": "Independence Day", "open": False}]
    assert stated["outside_hours"]["holidays"][0]["open"] is True
    # A closed holiday is not an open day of the hour profile: 8 days, the holiday and the weekend out.
    assert of(closed["hour_profile"])[10]["open_days"] == 5
    # Nor a Friday of the weekday × hour matrix: only 13 December is left.
    friday = [r for r in of(closed["weekday_hour"]) if r["weekday"] == "fri"][0]
    assert friday["days"] == 1 and friday["offered_per_day"][10] == 1.0
    assert [r for r in of(plain["weekday_hour"]) if r["weekday"] == "fri"][0]["days"] == 2


def test_holidays_country_alone_closes_only_the_holidays(tmp_path) -> None:
    path = write(tmp_path / "a.csv", lines(["2024-12-06 10:00:00+02:00", "2024-12-07 03:00:00+02:00"]))
    report = run_all(path, hours=hours(None, "FI")).report
    assert report["summary"]["offered"] == 1  # the Saturday-night call; the holiday one is outside
    assert report["settings"]["opening_hours"]["holidays_country"] == "FI"


def test_per_company_hours_with_a_default(tmp_path) -> None:
    from slreport.options.hours import CompanyHours, HoursPolicy

    body = lines(["2024-12-13 19:00:00+02:00"], company="Late") + lines(["2024-12-13 19:00:00+02:00"], start=5)
    policy = HoursPolicy(CompanyHours(parse_opening_hours("mon-fri 08:00-18:00")),
                         {"Late": CompanyHours(parse_opening_hours("mon-fri 08:00-22:00"))})
    report = run_all(write(tmp_path / "a.csv", body), hours=policy).report
    assert {r["company"]: r["offered"] for r in report["by_company"]} == {"Acme": 0, "Late": 1}
    assert report["settings"]["opening_hours"]["by_company"] == {
        "Late": {"hours": "mon-fri 08:00-22:00", "holidays_country": None}}
