"""Chart drawing functions with hand-built inputs, and the adapters that feed them from a report."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from slreport.folder import charts, figures
from slreport.sections import patience, peaks, service_level, staffing
from tests.conftest import ROOT

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def svg_text(data: bytes) -> str:
    text = data.decode("utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    return text


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_MAGIC)
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_hourly_chart_has_title_when_units_and_target():
    data = charts.hourly_offered_sl([8, 9, 10], [10, 30, 0], [90.0, 70.5, None], 80, "X — by hour", "2024-03-31")
    text = svg_text(data)
    for expected in ("X — by hour", "2024-03-31", "calls offered", "service level (%)", "SL target 80 %",
                     "hour of day (local time, hour starting)", ">08<", ">10<"):
        assert expected in text, expected
    width, height = png_size(charts.hourly_offered_sl([8], [1], [None], None, "t", fmt="png"))
    assert (width, height) == (990, 462)  # 9 × 4.2 in at 110 dpi


def test_charts_are_byte_stable():
    draw = lambda: charts.daily_offered_sl(["2024-03-30", "2024-03-31"], [5, 7], [50.0, None], 80, "t", "w")  # noqa: E731
    assert draw() == draw()


def test_daily_chart_marks_unusual_days_and_labels_only_mondays_on_long_periods():
    days = [f"2024-03-{d:02d}" for d in range(1, 32)]
    text = svg_text(charts.daily_offered_sl(days, [1] * 31, [80.0] * 31, 80, "t", unusual=["2024-03-13"]))
    assert "unusual day" in text
    labels = re.findall(r">((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+\.\d+\.)<", text)
    assert labels == ["Mon 4.3.", "Mon 11.3.", "Mon 18.3.", "Mon 25.3."]
    plain = svg_text(charts.daily_offered_sl(days[:3], [1, 2, 3], [None] * 3, 80, "t"))
    assert "unusual day" not in plain and "Fri 1.3." in plain


def test_heatmap_takes_a_7_by_24_matrix_with_blanks():
    matrix = [[None if h < 8 else float(w * h) for h in range(24)] for w in range(7)]
    text = svg_text(charts.weekday_hour_heatmap(matrix, "Heat", "March", unit="calls per hour (mean)"))
    for expected in ("Heat", "Mon", "Sun", "calls per hour (mean)", "hour of day"):
        assert expected in text


def test_wait_chart_marks_the_threshold_and_states_the_hidden_tail():
    from_s = list(range(0, 305, 5))
    answered = [100] * 10 + [0] * 50 + [3]
    abandoned = [5] * 61
    text = svg_text(charts.wait_distribution(from_s, answered, abandoned, 20, "Waits", "w"))
    assert "SL threshold 20 s" in text and "answered" in text and "abandoned" in text
    hidden = re.search(r"; (\d+) longer waits not shown", text)
    assert hidden is not None and int(hidden.group(1)) > 0


def test_patience_staffing_and_overview_charts():
    assert "median patience 48 s" in svg_text(charts.patience_curve([(0, 100), (30, 60), (90, 20)], 48, "P"))
    rows = [("08:00", 3, 2), ("08:30", 4, 4), ("09:00", None, 1)]
    text = svg_text(charts.agents_needed_vs_seen(rows, "Staff", "Mon"))
    assert "agents needed for the target" in text and "shortfall" in text and "08:30" in text
    names = [f"C{i}" for i in range(40)]
    many = svg_text(charts.company_sl_overview(names, [float(i) for i in range(40)], [10] * 40, 80, "Overview"))
    assert "the 30 lowest of 40 companies" in many
    assert "C0 (10 calls)" in many and "C39 (10 calls)" not in many  # lowest first; the best are cut
    assert "target missed" in many and "SL target 80 %" in many


def test_unknown_chart_format_is_refused():
    with pytest.raises(ValueError):
        charts.patience_curve([(0, 100)], None, "P", fmt="jpg")


def test_charts_never_write_to_stdout_and_import_matplotlib_lazily():
    code = (
        "import sys, slreport.folder.charts as c, slreport.folder.figures\n"
        "assert 'matplotlib' not in sys.modules\n"
        "c.patience_curve([(0, 100), (5, 50)], 5, 'P', fmt='png')\n"
        "assert 'matplotlib' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b""


# --- adapters ---------------------------------------------------------------------------------

def tiny_report(**sections):
    hours = [{"company": c, "hour": h, "offered": 2 if 9 <= h <= 10 else 0,
              "service_level_pct": 50.0 if 9 <= h <= 10 else None} for c in (None, "A", "B") for h in range(24)]
    days = [{"company": c, "day": d, "offered": 1, "service_level_pct": 100.0}
            for c in (None, "A", "B") for d in ("2024-03-30", "2024-03-31")]
    report = {
        "settings": {"timezone": "UTC", "target_pct": 80.0, "threshold_s": 20, "service_level": "80/20"},
        "period": {"first_arrival": "2024-03-30T09:00:00+00:00", "last_arrival": "2024-03-31T10:00:00+00:00"},
        "by_company": [{"company": "A", "offered": 2, "service_level_pct": 50.0},
                       {"company": "B", "offered": 2, "service_level_pct": 50.0}],
        "summary": {"offered": 4, "service_level_pct": 50.0},
        "by_hour": hours, "by_day": days,
    }
    return report | sections


def test_hourly_adapter_trims_the_quiet_night():
    assert service_level.hourly_series(tiny_report(), "A") == ([9, 10], [2, 2], [50.0, 50.0])
    assert service_level.hourly_series(tiny_report(), "nobody") is None


def test_charts_appear_only_for_data_that_is_present():
    kinds = [(c.company, c.kind) for c in figures.chart_list(tiny_report())]
    assert kinds[0] == (None, "overview")
    assert {k for _, k in kinds} == {"overview", "hourly", "daily"}
    assert [c for c, _ in kinds].count("A") == 2
    # The shapes the peaks and staffing sections write (docs/peaks.md, docs/staffing.md).
    week = [{"company": None, "weekday": d, "days": 1, "offered_per_day": [0.0] * 9 + [2.5] + [0.0] * 14}
            for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
    more = tiny_report(
        weekday_hour=week,
        patience=[{"company": None, "abandoned": 3, "median_patience_s": 7,
                   "curve": [{"wait_s": 0, "survival": 1.0}, {"wait_s": 9, "survival": 0.4}]}],
        staffing_profile=[{"company": "A", "weekday": "Sat", "time": "09:00", "mean_offered": 1.5,
                           "required_c": 2, "mean_agents_seen": 1.0},
                          {"company": "A", "weekday": "Sat", "time": "10:00", "mean_offered": 0.0,
                           "required_c": 0, "mean_agents_seen": None}],
        unusual_days={"days": [{"company": None, "day": "2024-03-31", "kind": "busy"}]},
    )
    listed = {(c.company, c.kind): c for c in figures.chart_list(more)}
    assert {(None, "weekday-hour"), (None, "patience"), ("A", "staffing")} <= set(listed)
    assert ("B", "staffing") not in listed and (None, "staffing") not in listed
    assert peaks.weekday_hour_matrix(more, None)[0][9] == 2.5
    assert patience.patience_points(more, None) == ([(0, 100.0), (9, 40.0)], 7)
    assert staffing.staffing_rows(more, "A") == [("Sat 09:00", 2, 1.0)]  # slots without calls left out
    assert service_level.unusual_days(more, None) == ["2024-03-31"]
    for chart in listed.values():  # every listed chart draws
        assert chart.render("svg").startswith(b"<?xml")


def test_one_company_gets_one_chart_set_named_after_it():
    report = tiny_report(by_company=[{"company": "A", "offered": 2, "service_level_pct": 50.0}])
    charts_ = figures.chart_list(report)
    assert {c.company for c in charts_} == {"A"} and charts_[0].title.startswith("A — ")


def test_slugs_are_safe_and_unique():
    assert figures.slug("Nordic Energy Ää") == "nordic-energy-aa"
    assert figures.slug("../../etc") == "etc" and figures.slug("///") == "company"
    report = tiny_report(by_company=[{"company": "Ä", "offered": 1, "service_level_pct": 1.0},
                                     {"company": "A", "offered": 1, "service_level_pct": 1.0}])
    names = [c.name for c in figures.chart_list(report)]
    assert len(names) == len(set(names))


def test_png_and_svg_are_both_drawable_from_one_chart():
    chart = figures.chart_list(tiny_report())[1]
    assert chart.render("png").startswith(PNG_MAGIC)
    assert io.BytesIO(chart.render("svg")).read(5) == b"<?xml"


def test_a_one_day_report_has_no_daily_chart():
    report = tiny_report()
    report["by_day"] = [r for r in report["by_day"] if r["day"] == "2024-03-31"]
    assert service_level.daily_series(report, None) is None
    assert "daily" not in {c.kind for c in figures.chart_list(report)}


def test_the_when_line_names_whole_days_inclusively():
    def when(since, until):
        return figures.when_line(tiny_report(settings=tiny_report()["settings"] | {
            "period": {"since": since, "until": until}}))

    assert when("2024-03-25T00:00:00+02:00", "2024-04-01T00:00:00+03:00") == "2024-03-25 – 2024-03-31 · UTC"
    assert when("2024-03-31T00:00:00+02:00", "2024-04-01T00:00:00+03:00") == "2024-03-31 · UTC"
    assert when("2024-03-31T08:00:00+03:00", None) == "2024-03-31 08:00 – before … · UTC"
    assert figures.when_line(tiny_report()) == "2024-03-30 – 2024-03-31 · UTC"  # no period: first..last arrival
