"""Weeks and months (by_week, by_month): every metric by_day carries, added up over its days; the
rolling 4-week service level from pooled counts. Hand-computed on a DST week, and checked against
by_day on the sample."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from slreport.metrics.registry import SERVICE_LEVEL_KEYS
from tests.conftest import ROOT, run_analyze, run_cli
from tests.test_sections import errors

SAMPLE = str(ROOT / "sample_data" / "calls.csv")
CONFIG = ("--config", str(ROOT / "sample_data" / "slreport.toml"))
HKI = "Europe/Helsinki"
# Helsinki moves to summer time on Sunday 2026-03-29 at 03:00 (+02:00 → +03:00): week 2026-W13 is 167
# hours long. Call 4 arrives Sunday 02:30 local (W13), call 5 Monday 01:30 local (W14), call 6
# Wednesday 1 April 00:30 local (W14, April), call 7 Tuesday 31 March 23:30 local (W14, March).
DST_CALLS = """contact_id,company,arrived_at,wait_s,talk_s,outcome
1,A,2026-03-02T08:00:00Z,10,60,answered
2,A,2026-03-10T08:00:00Z,30,60,answered
3,B,2026-03-17T08:00:00Z,5,60,answered
4,A,2026-03-29T00:30:00Z,10,60,answered
5,B,2026-03-29T22:30:00Z,40,,abandoned
6,A,2026-03-31T21:30:00Z,15,60,answered
7,A,2026-03-31T20:30:00Z,25,60,answered
"""
COUNT_KEYS = [k for k in SERVICE_LEVEL_KEYS if k not in (
    "service_level_pct", "answer_rate_pct", "abandon_rate_pct", "asa_s", "aht_s", "max_wait_s", "target_met")]


@pytest.fixture
def dst_report(tmp_path) -> dict:
    path = tmp_path / "dst.csv"
    path.write_text(DST_CALLS, encoding="utf-8")
    done = run_cli("analyze", str(path), "--tz", HKI, "--sl", "80/20", "--short-abandon", "0", "-f", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_weeks_of_a_dst_change_by_hand(dst_report):
    """80/20, negative method, no short abandons: W10 1/1, W11 0/1, W12 1/1, W13 1/1, W14 1/3 (only call 6
    within 20 s). Rolling 4 weeks pools numerators and denominators: W13 = (1+0+1+1)/(1+1+1+1) = 75 %,
    W14 = (0+1+1+1)/(1+1+1+3) = 50 % (a mean of the weekly rates would be 58.3 %)."""
    rows = [(r["company"], r["week"], r["offered"], r["service_level_pct"], r["rolling_4w_service_level_pct"],
             r["rolling_4w_weeks"]) for r in dst_report["by_week"]]
    assert rows == [
        (None, "2026-W10", 1, 100.0, 100.0, 1), (None, "2026-W11", 1, 0.0, 50.0, 2),
        (None, "2026-W12", 1, 100.0, 66.6667, 3), (None, "2026-W13", 1, 100.0, 75.0, 4),
        (None, "2026-W14", 3, 33.3333, 50.0, 4),
        ("A", "2026-W10", 1, 100.0, 100.0, 1), ("A", "2026-W11", 1, 0.0, 50.0, 2),
        ("A", "2026-W12", 0, None, 50.0, 3), ("A", "2026-W13", 1, 100.0, 66.6667, 4),
        ("A", "2026-W14", 2, 50.0, 50.0, 4),
        # B has no call before W12: an empty window has no service level (null, never 0)
        ("B", "2026-W10", 0, None, None, 1), ("B", "2026-W11", 0, None, None, 2),
        ("B", "2026-W12", 1, 100.0, 100.0, 3), ("B", "2026-W13", 0, None, 100.0, 4),
        ("B", "2026-W14", 1, 0.0, 50.0, 4),
    ]
    assert errors(dst_report) == []


def test_months_by_local_day(dst_report):
    """Call 6 (31 March 21:30 UTC) is 1 April in Helsinki; call 7 (20:30 UTC) still 31 March."""
    rows = [(r["company"], r["month"], r["offered"], r["answered"], r["abandoned"], r["service_level_pct"])
            for r in dst_report["by_month"]]
    assert rows == [
        (None, "2026-03", 6, 5, 1, 50.0), (None, "2026-04", 1, 1, 0, 100.0),
        ("A", "2026-03", 4, 4, 0, 50.0), ("A", "2026-04", 1, 1, 0, 100.0),
        ("B", "2026-03", 2, 1, 1, 50.0), ("B", "2026-04", 0, 0, 0, None),
    ]


def iso_week(day: str) -> str:
    year, week, _ = date.fromisoformat(day[:10]).isocalendar()
    return f"{year}-W{week:02d}"


def assert_sums_of_days(report: dict) -> None:
    """Every count of every week and month is the sum of its days in by_day (per company and for all),
    and every week and month with a day is listed."""
    for key, label in (("by_week", iso_week), ("by_month", lambda day: day[:7])):
        expected: dict[tuple, dict[str, int]] = {}
        for day in report["by_day"]:
            sums = expected.setdefault((day["company"], label(str(day["day"]))), dict.fromkeys(COUNT_KEYS, 0))
            for k in COUNT_KEYS:
                sums[k] += day[k]
        found = {(r["company"], r[key[3:]]): {k: r[k] for k in COUNT_KEYS} for r in report[key]}
        assert found == expected, key


def test_weeks_and_months_are_the_sums_of_their_days(dst_report):
    assert_sums_of_days(dst_report)


def test_the_sample_weeks_and_months_are_the_sums_of_their_days():
    report = json.loads((ROOT / "tests" / "expected" / "config.json").read_text(encoding="utf-8"))
    assert_sums_of_days(report)
    # the rates are those of the summed counts: February's SL from its own numerator and denominator
    feb = next(r for r in report["by_month"] if r["company"] is None and r["month"] == "2026-02")
    assert feb["answer_rate_pct"] == round(100 * feb["answered"] / feb["offered"], 4)


def test_library_and_cli_agree(tmp_path, dst_report):
    path = tmp_path / "dst.csv"
    path.write_text(DST_CALLS, encoding="utf-8")
    report = run_analyze([path], tz=HKI, threshold_s=20, target_pct=80.0, short_abandon_s=0)
    assert report["by_week"] == dst_report["by_week"] and report["by_month"] == dst_report["by_month"]


def test_views_show_weeks_and_months(tmp_path, dst_report):
    path = tmp_path / "dst.csv"
    path.write_text(DST_CALLS, encoding="utf-8")
    markdown = run_cli("analyze", str(path), "--tz", HKI, "--sl", "80/20", "--short-abandon", "0",
                       "-f", "markdown").stdout.decode("utf-8")
    assert "| Week | Offered | Answered | Abandoned | SL % | SL 4 wk % |" in markdown
    assert "| 2026-W14 | 3 | 2 | 1 | 33.3 | 50.0 |" in markdown
    assert "## By month (all companies)" in markdown and "| 2026-04 | 1 | 1 | 0 | 100.0 |" in markdown
    out = tmp_path / "rep"
    done = run_cli("analyze", str(path), "--tz", HKI, "--sl", "80/20", "--short-abandon", "0", "--out", str(out),
                   "--chart-format", "svg")
    assert done.returncode == 0, done.stderr
    assert (out / "by_week.csv").read_text(encoding="utf-8").startswith("company,week,offered,")
    assert "2026-04" in (out / "by_month.csv").read_text(encoding="utf-8")
    for scope in ("all", "a", "b"):
        assert (out / "charts" / f"{scope}-weekly.svg").exists()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "By week (all companies)" in page and "By month (all companies)" in page


def test_one_month_has_no_month_table_but_its_rows(tmp_path):
    report = json.loads((ROOT / "tests" / "expected" / "february-positive.json").read_text(encoding="utf-8"))
    assert [r["month"] for r in report["by_month"] if r["company"] is None] == ["2026-02"]
    markdown = (ROOT / "tests" / "expected" / "config.md").read_text(encoding="utf-8")
    assert "## By month" in markdown  # the sample spans January to March


def test_weekly_chart_draws_every_line():
    from slreport.folder import charts

    fig = charts.figure("weekly_offered_sl", ["2026-W01", "2026-W02"], [10, 12], [80.0, None], [80.0, 80.0],
                        90.0, "t", "w", threshold_s=30, compare=[70.0, 75.0], compare_label="2025-W01 – 2025-W02")
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert labels == ["calls offered", "service level", "service level, rolling 4 weeks",
                      "service level, 2025-W01 – 2025-W02", "SL target 90 % within 30 s"]


def test_schema_rejects_a_month_that_is_not_one():
    report = json.loads((ROOT / "tests" / "expected" / "config.json").read_text(encoding="utf-8"))
    report["by_month"][0]["month"] = "2026-13"
    assert any("by_month" in e for e in errors(report))


def test_empty_weeks_path_is_not_a_problem(tmp_path: Path):
    """A file whose only row is rejected fails as before; a period without contacts has no weeks."""
    done = run_cli("analyze", SAMPLE, *CONFIG, "--period", "2027-01", "-f", "json")
    assert done.returncode == 5
    report = json.loads(done.stdout)
    assert report["by_week"] == [] and report["by_month"] == []
