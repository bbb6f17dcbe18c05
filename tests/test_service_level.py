"""Service-level family: every metric and every SL method against hand-computed values."""

from __future__ import annotations

import json

import pytest

from slreport.errors import UsageError
from slreport.options.settings import Settings, SlMethod
from tests.conftest import run_analyze, run_cli

HEADER = "contact_id,company,arrived_at,wait_s,talk_s,outcome"


def calls(write_csv, rows: list[tuple[float | str, str]], name: str = "calls.csv", talk: str = "60"):
    """A file of contacts with the given (wait, outcome), one minute apart on 2024-01-15."""
    lines = [HEADER]
    for i, (wait, outcome) in enumerate(rows):
        t = f"2024-01-15 09:{i // 60 % 60:02d}:{i % 60:02d}+00:00"
        lines.append(f"c{i},acme,{t},{wait},{talk if outcome == 'answered' else ''},{outcome}")
    return write_csv(name, *lines)


def cisco_example(write_csv):
    # Cisco UCCE's published example: 70 answered within T, 10 abandoned within T, 20 answered after T.
    return calls(write_csv, [(10, "answered")] * 70 + [(10, "abandoned")] * 10 + [(30, "answered")] * 20)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (SlMethod.NEGATIVE, 70.0),  # 70 / 100
        (SlMethod.IGNORE, 77.7778),  # 70 / (100 - 10)
        (SlMethod.POSITIVE, 80.0),  # (70 + 10) / 100
        (SlMethod.ANSWERED_ONLY, 77.7778),  # 70 / 90
    ],
)
def test_cisco_published_example(write_csv, method, expected):
    report = run_analyze([cisco_example(write_csv)], sl_method=method, short_abandon_s=0)
    s = report["summary"]
    assert (s["offered"], s["answered"], s["abandoned"]) == (100, 90, 10)
    assert (s["answered_within_threshold"], s["abandoned_within_threshold"]) == (70, 10)
    assert s["service_level_pct"] == expected


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (SlMethod.ANSWERED_ONLY, 86.0),  # 860 / 1000
        (SlMethod.NEGATIVE, 81.1321),  # 860 / 1060
        (SlMethod.POSITIVE, 83.0189),  # (860 + 20) / 1060
        (SlMethod.IGNORE, 82.6923),  # 860 / (1060 - 20)
    ],
)
def test_call_centre_helper_published_example(write_csv, method, expected):
    rows = [(15, "answered")] * 860 + [(45, "answered")] * 140 + [(10, "abandoned")] * 20 + [(40, "abandoned")] * 40
    report = run_analyze([calls(write_csv, rows)], sl_method=method, short_abandon_s=0)
    assert report["summary"]["service_level_pct"] == expected
    assert round(report["summary"]["service_level_pct"], 1) == {
        SlMethod.ANSWERED_ONLY: 86.0, SlMethod.NEGATIVE: 81.1, SlMethod.POSITIVE: 83.0, SlMethod.IGNORE: 82.7
    }[method]


def test_short_abandons_leave_the_denominator(write_csv):
    # 6 answered within T, 2 answered late, 1 short abandon (3 s), 1 abandon at 12 s.
    rows = [(5, "answered")] * 6 + [(40, "answered")] * 2 + [(3, "abandoned"), (12, "abandoned")]
    s = run_analyze([calls(write_csv, rows)], short_abandon_s=5)["summary"]
    assert s["short_abandoned"] == 1
    assert s["service_level_pct"] == round(100 * 6 / 9, 4)  # negative: 6 / (10 - 1)
    assert s["answer_rate_pct"] == 80.0  # 8 / 10: short abandons stay in the answer rate
    assert s["abandon_rate_pct"] == 20.0


def test_positive_method_with_short_abandons(write_csv):
    rows = [(5, "answered")] * 6 + [(40, "answered")] * 2 + [(3, "abandoned"), (12, "abandoned")]
    s = run_analyze([calls(write_csv, rows)], short_abandon_s=5, sl_method=SlMethod.POSITIVE)["summary"]
    assert s["service_level_pct"] == round(100 * (6 + 2 - 1) / 9, 4)


def test_threshold_is_inclusive_at_exactly_t(write_csv):
    rows = [(20, "answered"), ("20.001", "answered"), (20, "abandoned"), ("20.001", "abandoned")]
    s = run_analyze([calls(write_csv, rows)], short_abandon_s=0)["summary"]
    assert s["answered_within_threshold"] == 1
    assert s["abandoned_within_threshold"] == 1


def test_short_abandon_is_inclusive_at_exactly_s(write_csv):
    rows = [(5, "abandoned"), ("5.001", "abandoned"), (0, "abandoned")]
    s = run_analyze([calls(write_csv, rows)], short_abandon_s=5)["summary"]
    assert s["short_abandoned"] == 2


def test_short_abandon_zero_disables_even_zero_second_abandons(write_csv):
    s = run_analyze([calls(write_csv, [(0, "abandoned"), (5, "answered")])], short_abandon_s=0)["summary"]
    assert s["short_abandoned"] == 0
    assert s["service_level_pct"] == 50.0


def test_short_abandon_above_threshold_is_a_usage_error():
    with pytest.raises(UsageError, match="exceeds the service-level threshold"):
        Settings(threshold_s=20, short_abandon_s=30)


def test_flowouts_are_offered_but_neither_answered_nor_abandoned(write_csv):
    s = run_analyze([calls(write_csv, [(10, "answered"), (300, "flowout")])])["summary"]
    assert (s["offered"], s["answered"], s["abandoned"], s["flowout"]) == (2, 1, 0, 1)
    assert s["service_level_pct"] == 50.0
    assert s["max_wait_s"] == 300.0


def test_zero_denominators_are_null_never_zero_or_hundred(write_csv):
    # Only short abandons: negative SL has denominator 0; nothing answered: ASA, AHT null.
    s = run_analyze([calls(write_csv, [(2, "abandoned"), (3, "abandoned")])], short_abandon_s=5)["summary"]
    assert s["service_level_pct"] is None
    assert s["target_met"] is None
    assert s["asa_s"] is None and s["aht_s"] is None
    assert s["abandon_rate_pct"] == 100.0


def test_answered_only_is_null_without_answers(write_csv):
    s = run_analyze([calls(write_csv, [(30, "abandoned")])], sl_method=SlMethod.ANSWERED_ONLY)["summary"]
    assert s["service_level_pct"] is None


def test_header_only_file_gives_empty_report_with_nulls(write_csv):
    report = run_analyze([write_csv("empty.csv", HEADER)])
    s = report["summary"]
    assert s["offered"] == 0
    assert all(s[k] is None for k in ("service_level_pct", "answer_rate_pct", "asa_s", "aht_s", "max_wait_s"))
    assert report["by_company"] == []
    assert report["period"]["first_arrival"] is None


def test_asa_is_a_ratio_of_sums_and_aht_adds_hold_and_acw(write_csv):
    path = write_csv(
        "c.csv",
        "contact_id,company,arrived_at,wait_s,talk_s,hold_s,acw_s,outcome",
        "1,a,2024-01-15 09:00:00Z,10,100,20,30,answered",
        "2,b,2024-01-15 09:01:00Z,30,200,,,answered",
        "3,b,2024-01-15 09:02:00Z,50,300,0,0,answered",
        "4,b,2024-01-15 09:03:00Z,90,,,,abandoned",
    )
    report = run_analyze([path])
    s = report["summary"]
    assert s["asa_s"] == 30.0  # (10 + 30 + 50) / 3
    assert s["aht_s"] == round((150 + 200 + 300) / 3, 4)
    assert report["input"]["aht_basis"] == "talk+hold+acw"
    by = {r["company"]: r for r in report["by_company"]}
    # A ratio of sums, not an average of the companies' averages (10 and 40).
    assert by["a"]["asa_s"] == 10.0 and by["b"]["asa_s"] == 40.0
    assert s["max_wait_s"] == 90.0


def test_aht_is_average_talk_when_only_talk_exists(write_csv):
    report = run_analyze([calls(write_csv, [(1, "answered"), (2, "answered")], talk="90")])
    assert report["input"]["aht_basis"] == "talk"
    assert report["summary"]["aht_s"] == 90.0


def test_wait_and_talk_are_derived_from_timestamps(write_csv):
    path = write_csv(
        "c.csv",
        "arrived_at,answered_at,ended_at",
        "2024-01-15 09:00:00+00:00,2024-01-15 09:00:12.5+00:00,2024-01-15 09:02:12.5+00:00",
        "2024-01-15 09:05:00+00:00,,2024-01-15 09:05:40+00:00",
    )
    s = run_analyze([path])["summary"]
    assert (s["answered"], s["abandoned"]) == (1, 1)  # outcome from the answer time
    assert s["asa_s"] == 12.5
    assert s["aht_s"] == 120.0


def test_target_met_compares_with_the_target(write_csv):
    rows = [(5, "answered")] * 8 + [(40, "answered")] * 2
    met = run_analyze([calls(write_csv, rows)], target_pct=80.0)["summary"]
    missed = run_analyze([calls(write_csv, rows)], target_pct=80.5)["summary"]
    assert met["service_level_pct"] == 80.0 and met["target_met"] is True
    assert missed["target_met"] is False


def test_per_company_sums_equal_the_total(write_csv):
    report = run_analyze([cisco_example(write_csv), calls(write_csv, [(3, "abandoned"), (9, "answered")], "other.csv")])
    for key in ("offered", "answered", "abandoned", "short_abandoned", "answered_within_threshold"):
        assert sum(r[key] for r in report["by_company"]) == report["summary"][key]


def test_grouping_by_several_columns(write_csv):
    path = write_csv(
        "c.csv",
        "company,segment,arrived_at,wait_s,outcome",
        "a,VIP,2024-01-15 09:00:00Z,5,answered",
        "a,VIP,2024-01-15 09:01:00Z,50,answered",
        "a,std,2024-01-15 09:02:00Z,5,answered",
        "b,VIP,2024-01-15 09:03:00Z,5,abandoned",
    )
    report = run_analyze([path], by=("company", "segment"), short_abandon_s=0)
    groups = {(r["company"], r["segment"]): r for r in report["by_group"]}
    assert set(groups) == {("a", "VIP"), ("a", "std"), ("b", "VIP")}
    assert groups[("a", "VIP")]["service_level_pct"] == 50.0
    assert groups[("b", "VIP")]["service_level_pct"] == 0.0


def test_a_mean_exactly_halfway_between_two_reported_values_rounds_away_from_zero(write_csv):
    # 80 answered calls waiting 417.9 s in all: ASA 5.22375 s is reported as 5.2238 (README, "Rounding"),
    # through the library and the CLI alike.
    path = calls(write_csv, [(5.2, "answered")] * 79 + [(7.1, "answered")])
    assert run_analyze([path])["summary"]["asa_s"] == 5.2238
    out = run_cli("analyze", str(path), "--tz", "UTC", "--format", "json")
    assert out.returncode == 0, out.stderr.decode()
    assert json.loads(out.stdout)["summary"]["asa_s"] == 5.2238
