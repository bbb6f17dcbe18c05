"""Unusual days: offered against the median of the same weekday in the four weeks before."""

from __future__ import annotations

import pytest

from tests.peaks_data import hours, lines, of, run_all, write


def day_of(day: str, n: int, start: int, wait: float = 5) -> list[str]:
    """n contacts on ``day`` from 10:00 (Helsinki winter time), one a minute."""
    return lines([f"{day} {10 + i // 60:02d}:{i % 60:02d}:00+02:00" for i in range(n)], start=start, wait=wait)


def wednesdays(last: int, last_slow: int = 0) -> list[str]:
    """Wednesdays of January 2024 with 10, 10, 12, 10 contacts, then ``last`` (+ slow answers)."""
    body = day_of("2024-01-03", 10, 0) + day_of("2024-01-10", 10, 100) + day_of("2024-01-17", 12, 200)
    body += day_of("2024-01-24", 10, 300) + day_of("2024-01-31", last, 400)
    return body + lines([f"2024-01-31 15:{i:02d}:00+02:00" for i in range(last_slow)], start=900, wait=30)


def test_spike_day_is_busy_with_its_service_level(tmp_path) -> None:
    report = run_all(write(tmp_path / "a.csv", wednesdays(21, last_slow=10))).report
    unusual = report["unusual_days"]
    assert unusual["factor"] == 1.5
    spike = of(unusual["days"])
    assert len(spike) == 1
    assert {k: spike[0][k] for k in ("day", "weekday", "kind", "offered", "baseline_offered", "baseline_days",
                                     "ratio", "service_level_pct")} == {
        "day": "2024-01-31", "weekday": "wed", "kind": "busy", "offered": 31, "baseline_offered": 10.0,
        "baseline_days": 4, "ratio": 3.1, "service_level_pct": 67.7419}  # 21 of 31 answered within 20 s
    assert [d["day"] for d in of(unusual["days"], None)] == ["2024-01-31"]  # all companies: the same day
    # 29 open days; judged: 17, 24 and 31 January (10 January has one earlier Wednesday, the rest a median of 0).
    assert of(unusual["by_company"])[0] == {"company": "Acme", "open_days": 29, "judged_days": 3, "busy_days": 1,
                                            "quiet_days": 0}


@pytest.mark.parametrize(
    ("last", "factor", "kind"),
    [(15, 1.5, None), (16, 1.5, "busy"), (7, 1.5, None), (6, 1.5, "quiet"), (5, 2.0, None), (4, 2.0, "quiet"),
     (20, 2.0, None), (21, 2.0, "busy")],
)
def test_threshold_boundaries(tmp_path, last: int, factor: float, kind: str | None) -> None:
    """Busy when offered > k × 10, quiet when offered × k < 10: exactly on the line is normal."""
    report = run_all(write(tmp_path / "a.csv", wednesdays(last)), unusual_factor=factor).report
    assert [d["kind"] for d in of(report["unusual_days"]["days"])] == ([kind] if kind else [])


def test_fewer_than_two_earlier_weekdays_are_not_judged(tmp_path) -> None:
    body = day_of("2024-01-03", 10, 0) + day_of("2024-01-10", 40, 100)
    unusual = run_all(write(tmp_path / "a.csv", body)).report["unusual_days"]
    assert of(unusual["days"]) == []
    assert of(unusual["by_company"])[0]["judged_days"] == 0


def test_closed_holidays_are_neither_judged_nor_part_of_a_baseline(tmp_path) -> None:
    # Wednesdays 11 and 18 Dec 2024 open; 25 Dec and 1 Jan 2025 are Finnish holidays (closed).
    body = day_of("2024-12-11", 10, 0) + day_of("2024-12-18", 12, 100) + day_of("2024-12-25", 3, 200)
    body += day_of("2025-01-01", 2, 300) + day_of("2025-01-08", 17, 400)
    unusual = run_all(write(tmp_path / "a.csv", body), hours=hours("mon-fri 08:00-18:00", "FI")).report[
        "unusual_days"]
    days = of(unusual["days"])
    assert [(d["day"], d["kind"], d["baseline_offered"], d["baseline_days"]) for d in days] == [
        ("2025-01-08", "busy", 11.0, 2)]  # 17 > 1.5 × median(10, 12)
