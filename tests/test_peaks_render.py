"""The Peaks section's text pieces."""

from __future__ import annotations

from slreport.sections.text import sparkline


def test_sparkline_scales_to_the_largest_value() -> None:
    assert sparkline([0, 1, 2, 4]) == "▁▃▅█"
    assert sparkline([None, 3, 3]) == "▁██"


def test_sparkline_of_nothing_is_flat() -> None:
    assert sparkline([0] * 24) == "▁" * 24
    assert sparkline([]) == ""


def test_a_company_without_any_open_day_still_renders(tmp_path) -> None:
    import io

    from slreport.options.settings import OutputFormat
    from slreport.render import render
    from tests.peaks_data import hours, lines, run_all, write

    path = write(tmp_path / "a.csv", lines(["2024-01-10 10:00:00+02:00"]))  # a Wednesday
    report = run_all(path, hours=hours("sat 10:00-14:00")).report
    out = io.StringIO()
    render(report, OutputFormat.MARKDOWN, out)
    text = out.getvalue()
    assert "unusual days: none judged (no open day in the period)" in text
    assert "outside opening hours: 1 of 1 contacts (100.0 %, not counted in service level)" in text
