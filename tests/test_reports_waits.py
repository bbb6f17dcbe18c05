"""wait_distribution: right-closed 5-second bins up to the cap, an overflow bin, unknown waits apart."""

from __future__ import annotations

from tests.conftest import HEADER, run_analyze
from tests.peaks_data import hours as hours_policy


def bins_of(report, company=None):
    return {
        b["from_s"]: (b["answered"], b["abandoned"], b["flowout"])
        for b in report["wait_distribution"]["bins"] if b["company"] == company
    }


def test_bins_are_closed_on_the_right_like_the_threshold(write_csv):
    path = write_csv(
        "w.csv", HEADER,
        "1,X,,2024-01-01T08:00:00Z,0,10,answered",      # bin 0 (0..5)
        "2,X,,2024-01-01T08:01:00Z,5,10,answered",      # bin 0: 5 is the bin's inclusive top
        "3,X,,2024-01-01T08:02:00Z,5.001,10,answered",  # bin 5 (5, 10]
        "4,X,,2024-01-01T08:03:00Z,20,10,answered",     # bin 15 (15, 20]: within a 20 s threshold
        "5,X,,2024-01-01T08:04:00Z,20.5,,abandoned",    # bin 20 (20, 25]
        "6,X,,2024-01-01T08:05:00Z,300,,flowout",       # last regular bin (295, 300]
        "7,X,,2024-01-01T08:06:00Z,300.5,10,answered",  # overflow
        "8,X,,2024-01-01T08:07:00Z,,10,answered",       # unknown wait
    )
    report = run_analyze([path])
    section = report["wait_distribution"]
    assert (section["bin_s"], section["cap_s"]) == (5, 300)
    assert section["unknown_wait"] == {"answered": 1, "abandoned": 0, "flowout": 0}
    bins = bins_of(report)
    assert len(bins) == 61  # 60 regular bins + overflow, empty ones included
    nonzero = {k: v for k, v in bins.items() if any(v)}
    assert nonzero == {0: (2, 0, 0), 5: (1, 0, 0), 15: (1, 0, 0), 20: (0, 1, 0), 295: (0, 0, 1), 300: (1, 0, 0)}
    overflow = [b for b in section["bins"] if b["company"] is None][-1]
    assert (overflow["from_s"], overflow["to_s"]) == (300, None)
    # The bins up to the threshold add up to the service-level count.
    within = sum(v[0] for k, v in bins.items() if k + 5 <= 20)
    assert within == report["summary"]["answered_within_threshold"] == 4


def test_every_company_gets_every_bin_and_overall_is_their_sum(write_csv):
    path = write_csv(
        "w.csv", HEADER,
        "1,A,,2024-01-01T08:00:00Z,3,10,answered",
        "2,B,,2024-01-01T08:00:00Z,3,,abandoned",
        "3,B,,2024-01-01T08:00:00Z,42,10,answered",
    )
    report = run_analyze([path])
    a, b, overall = bins_of(report, "A"), bins_of(report, "B"), bins_of(report, None)
    assert len(a) == len(b) == len(overall) == 61
    assert a[0] == (1, 0, 0) and b[0] == (0, 1, 0) and b[40] == (1, 0, 0) and a[40] == (0, 0, 0)
    assert all(overall[k] == tuple(x + y for x, y in zip(a[k], b[k], strict=True)) for k in overall)


def _within_threshold(report, company, threshold_s):
    return sum(b["answered"] for b in report["wait_distribution"]["bins"]
               if b["company"] == company and b["to_s"] is not None and b["to_s"] <= threshold_s)


def test_bins_count_the_service_levels_contacts_with_opening_hours_on(write_csv):
    # 2024-01-06 is a Saturday: with "mon-fri 08:00-18:00" the 07:00, 19:00 and Saturday calls are
    # outside opening hours, so the service level leaves them out, and so must the bins.
    path = write_csv(
        "w.csv", HEADER,
        "1,X,,2024-01-05T07:00:00Z,3,10,answered",   # before opening
        "2,X,,2024-01-05T09:00:00Z,3,10,answered",   # in hours, within 20 s
        "3,X,,2024-01-05T10:00:00Z,15,10,answered",  # in hours, within 20 s
        "4,X,,2024-01-05T11:00:00Z,25,10,answered",  # in hours, over 20 s
        "5,X,,2024-01-05T19:00:00Z,4,10,answered",   # after closing
        "6,X,,2024-01-06T10:00:00Z,2,10,answered",   # Saturday
    )
    report = run_analyze([path], hours=hours_policy("mon-fri 08:00-18:00"))
    assert report["summary"]["answered"] == 3
    assert _within_threshold(report, None, 20) == report["summary"]["answered_within_threshold"] == 2
    assert sum(b["answered"] for b in report["wait_distribution"]["bins"] if b["company"] is None) == 3
    closed = run_analyze([path], hours=hours_policy("mon-fri 08:00-18:00"), include_closed=True)
    assert _within_threshold(closed, None, 20) == closed["summary"]["answered_within_threshold"] == 5


def test_bins_add_up_to_the_threshold_count_per_company_on_the_sample_through_the_cli():
    import json

    from tests.conftest import ROOT, run_cli

    done = run_cli("analyze", str(ROOT / "sample_data" / "calls.csv"), "--config",
                   str(ROOT / "sample_data" / "slreport.toml"), "-f", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["settings"]["opening_hours"]  # the sample's config has opening hours
    thresholds = {c["company"]: int(c["service_level"].split("/")[1]) for c in report["settings"]["companies"]}
    for row in report["by_company"]:
        assert _within_threshold(report, row["company"], thresholds[row["company"]]) == \
            row["answered_within_threshold"], row["company"]
