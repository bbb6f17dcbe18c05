"""wait_distribution: right-closed 5-second bins up to the cap, an overflow bin, unknown waits apart."""

from __future__ import annotations

from tests.conftest import HEADER, run_analyze


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
