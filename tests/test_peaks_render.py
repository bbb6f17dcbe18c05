"""The Peaks section's text pieces."""

from __future__ import annotations

from slreport.render_peaks import sparkline


def test_sparkline_scales_to_the_largest_value() -> None:
    assert sparkline([0, 1, 2, 4]) == "▁▃▅█"
    assert sparkline([None, 3, 3]) == "▁██"


def test_sparkline_of_nothing_is_flat() -> None:
    assert sparkline([0] * 24) == "▁" * 24
    assert sparkline([]) == ""
