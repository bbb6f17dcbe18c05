"""NPS and CSAT: definitions on hand-computed cases, empty groups, out-of-range answers."""

from __future__ import annotations

import json

from tests.conftest import run_analyze, run_cli

HEADER = "contact_id,company,arrived_at,wait_s,talk_s,outcome,nps_score,csat_score"


def row(i: int, company: str, nps: str = "", csat: str = "", outcome: str = "answered") -> str:
    return f"{company}{i},{company},2024-01-01 10:{i:02d}:00,5,60,{outcome},{nps},{csat}"


def test_nps_and_csat_by_hand(write_csv):
    path = write_csv(
        "s.csv", HEADER,
        # A: NPS 10, 9, 8, 7, 6, 0 → 2 promoters, 2 detractors → 0; CSAT 5, 4, 3, 1 → mean 3.25, top-2 2/4.
        row(1, "A", "10", "5"), row(2, "A", "9", "4"), row(3, "A", "8", "3"), row(4, "A", "7", "1"),
        row(5, "A", "6"), row(6, "A", "0"),
        # B: NPS 9, 10, 10, 5 → (3 − 1) / 4 = 50; an abandoned caller's answer counts too; CSAT 3.5 is not top-2.
        row(1, "B", "9", "3.5"), row(2, "B", "10"), row(3, "B", "10"), row(4, "B", "5", outcome="abandoned"),
        # C: no answers at all → null, not 0.
        row(1, "C"),
    )
    report = run_analyze([path])
    a, b, c = report["by_company"]
    assert (a["nps"], a["nps_responses"], a["csat_mean"], a["csat_top2_pct"], a["csat_responses"]) == (
        0.0, 6, 3.25, 50.0, 4)
    assert (b["nps"], b["nps_responses"], b["csat_mean"], b["csat_top2_pct"], b["csat_responses"]) == (
        50.0, 4, 3.5, 0.0, 1)
    assert (c["nps"], c["nps_responses"], c["csat_mean"], c["csat_top2_pct"], c["csat_responses"]) == (
        None, 0, None, None, 0)
    s = report["summary"]  # 10 NPS answers: 5 promoters (10, 9, 9, 10, 10), 3 detractors (6, 0, 5)
    assert (s["nps"], s["nps_responses"]) == (round(100 * (5 - 3) / 10, 4), 10)
    assert s["csat_mean"] == round((5 + 4 + 3 + 1 + 3.5) / 5, 4)


def test_all_negative_and_all_positive_nps_bounds(write_csv):
    path = write_csv("b.csv", HEADER, row(1, "A", "0"), row(2, "A", "6"), row(1, "B", "9"), row(2, "B", "10"))
    a, b = run_analyze([path])["by_company"]
    assert (a["nps"], b["nps"]) == (-100.0, 100.0)


def test_top_two_box_follows_the_scale(write_csv):
    path = write_csv("t.csv", HEADER, row(1, "A", csat="9"), row(2, "A", csat="8"), row(3, "A", csat="10"))
    a = run_analyze([path], csat_scale=10, read={"csat_scale": 10})["by_company"][0]
    assert (a["csat_mean"], a["csat_top2_pct"], a["csat_responses"]) == (9.0, round(200 / 3, 4), 3)


def test_out_of_range_scores_are_rejected_with_a_reason(write_csv):
    path = write_csv(
        "r.csv", HEADER,
        row(1, "A", "11"), row(2, "A", "-1"), row(3, "A", csat="6"), row(4, "A", csat="0"), row(5, "A", csat="x"),
        row(6, "A", "10", "5"),
    )
    report = run_analyze([path])
    assert report["input"]["rejected_by_reason"] == {"bad_score": 5}
    assert report["input"]["contacts"] == 1
    assert (report["summary"]["nps_responses"], report["summary"]["csat_responses"]) == (1, 1)
    # On a 1-7 scale the 6 is a valid answer.
    wider = run_analyze([path], csat_scale=7, read={"csat_scale": 7})
    assert wider["input"]["rejected_by_reason"] == {"bad_score": 4}


def test_cli_csat_scale_option(write_csv):
    path = write_csv("c.csv", HEADER, row(1, "A", csat="6"), row(2, "A", csat="7"))
    done = run_cli("analyze", str(path), "--tz", "UTC", "-f", "json", "--csat-scale", "7")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)["summary"]
    assert (summary["csat_mean"], summary["csat_top2_pct"]) == (6.5, 100.0)
    strict = run_cli("analyze", str(path), "--tz", "UTC", "-f", "json", "--strict")
    assert strict.returncode == 1
    assert "c.csv:2: a survey score is not a number in range: csat_score = '6'" in strict.stderr.decode()
