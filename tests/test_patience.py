"""Patience: Kaplan–Meier against a hand-computed example with ties, θ, the wait buckets."""

from __future__ import annotations

import numpy as np
import pytest

from slreport.queueing.kaplan_meier import KaplanMeier
from tests.conftest import run_analyze

HEADER = "contact_id,company,arrived_at,wait_s,talk_s,outcome"

# (wait, outcome): ties at 5 s (one abandon, one answer) and at 10 s (two abandons, one answer).
HAND = [(5, "abandoned"), (5, "answered"), (10, "abandoned"), (10, "abandoned"), (10, "answered"),
        (20, "flowout"), (30, "abandoned"), (40, "answered")]
# By hand, events before censorings at a tie:
#   t=5:  n=8, d=1 → S = 7/8 = 0.875
#   t=10: n=6, d=2 → S = 0.875 · 4/6 = 0.583333
#   t=20: n=3, d=0 (the flow-out is censored) → S unchanged
#   t=30: n=2, d=1 → S = 0.583333 · 1/2 = 0.291667
#   t=40: n=1, d=0 → S unchanged; beyond 40 s nobody is observed.
# θ = Σ waits / abandons = (5+5+10+10+10+20+30+40) / 4 = 32.5 s.


def write_calls(write_csv, rows, company="acme", name="calls.csv"):
    lines = [HEADER]
    for i, (wait, outcome) in enumerate(rows):
        talk = "60" if outcome == "answered" else ""
        lines.append(f"c{i},{company},2024-01-15 09:{i:02d}:00+00:00,{wait},{talk},{outcome}")
    return write_csv(name, *lines)


def test_kaplan_meier_by_hand_with_ties():
    waits = np.array([w for w, _ in HAND], dtype=float)
    times, idx = np.unique(waits, return_inverse=True)
    events = np.bincount(idx, weights=[o == "abandoned" for _, o in HAND])
    censored = np.bincount(idx, weights=[o != "abandoned" for _, o in HAND])
    km = KaplanMeier.fit(times, events, censored)
    assert list(km.at_risk) == [8, 6, 3, 2, 1]
    assert km.survival == pytest.approx([0.875, 0.875 * 4 / 6, 0.875 * 4 / 6, 0.875 * 4 / 12, 0.875 * 4 / 12])
    assert km.survival_at(4.999) == 1.0
    assert km.survival_at(5) == 0.875  # S is right-continuous: the abandons at 5 s count at 5 s
    assert km.survival_at(29.9) == pytest.approx(0.583333, abs=1e-6)
    assert km.survival_at(40) == pytest.approx(0.291667, abs=1e-6)
    assert km.survival_at(40.001) is None
    assert km.median() == 30.0
    assert km.at_risk_at(10) == 6 and km.at_risk_at(11) == 3 and km.at_risk_at(41) == 0


def test_patience_section_from_the_data(write_csv):
    report = run_analyze([write_calls(write_csv, HAND)])
    overall, acme = report["patience"]
    assert overall["company"] is None and acme["company"] == "acme"
    for p in (overall, acme):
        assert (p["offered"], p["with_wait"], p["without_wait"], p["abandoned"]) == (8, 8, 0, 4)
        assert p["theta_s"] == 32.5
        assert p["median_patience_s"] == 30.0
        assert [s["survival"] for s in p["survival"]] == [0.5833, 0.5833, 0.2917, None, None]
        assert p["curve"][:3] == [
            {"wait_s": 0, "survival": 1.0, "at_risk": 8},
            {"wait_s": 5, "survival": 0.875, "at_risk": 8},
            {"wait_s": 10, "survival": 0.5833, "at_risk": 6},
        ]
        assert p["curve"][-1]["wait_s"] == 40


def test_wait_buckets_are_half_open(write_csv):
    report = run_analyze([write_calls(write_csv, HAND)])
    buckets = {b["bucket"]: b for b in report["patience"][0]["buckets"]}
    assert list(buckets) == ["0–5", "5–10", "10–20", "20–30", "30–60", "60–120", "120+"]
    assert (buckets["0–5"]["answered"], buckets["0–5"]["abandoned"]) == (0, 0)  # 5 s belongs to 5–10
    assert (buckets["5–10"]["answered"], buckets["5–10"]["abandoned"]) == (1, 1)
    assert (buckets["10–20"]["answered"], buckets["10–20"]["abandoned"]) == (1, 2)
    assert buckets["20–30"]["flowout"] == 1
    assert (buckets["30–60"]["answered"], buckets["30–60"]["abandoned"]) == (1, 1)
    assert buckets["10–20"]["abandoned_cum_pct"] == 75.0  # 3 of 4 abandons waited under 20 s
    assert buckets["120+"]["answered_cum_pct"] == 100.0
    assert buckets["120+"]["to_s"] is None


def test_company_without_abandons_has_no_patience_estimate(write_csv):
    calm = write_calls(write_csv, [(3, "answered"), (8, "answered")], company="calm", name="calm.csv")
    busy = write_calls(write_csv, HAND, company="busy", name="busy.csv")
    report = run_analyze([calm, busy])
    by = {p["company"]: p for p in report["patience"]}
    assert by["calm"]["theta_s"] is None and by["calm"]["median_patience_s"] is None
    assert [s["survival"] for s in by["calm"]["survival"]] == [None] * 5  # nobody observed beyond 8 s
    assert by["calm"]["curve"][1] == {"wait_s": 5, "survival": 1.0, "at_risk": 1}
    assert by[None]["abandoned"] == 4 and by[None]["theta_s"] == (3 + 8 + 130) / 4
    # Erlang A cannot be sized without a patience: the staffing table says so with nulls.
    calm_rows = [r for r in report["staffing_profile"] if r["company"] == "calm" and r["mean_offered"] > 0]
    assert calm_rows and all(r["required_a"] is None and r["required_c"] == 1 for r in calm_rows)


def test_empty_input_gives_empty_patience(write_csv):
    report = run_analyze([write_csv("e.csv", "arrived_at,outcome")])
    assert report["patience"] == [
        {"company": None, "offered": 0, "with_wait": 0, "without_wait": 0, "abandoned": 0, "theta_s": None,
         "median_patience_s": None, "survival": [{"wait_s": t, "survival": None} for t in (10, 20, 30, 60, 120)],
         "curve": [], "buckets": report["patience"][0]["buckets"]}
    ]
    assert all(b["answered"] == 0 and b["answered_cum_pct"] is None for b in report["patience"][0]["buckets"])
    assert report["staffing_profile"] == [] and report["staffing"]["worst_understaffed"] == []
