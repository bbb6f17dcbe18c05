"""Invariants of the metrics over random contact sets (Hypothesis), through real files and DuckDB."""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slreport.options.settings import SlMethod
from tests.conftest import run_analyze

COUNTS = ("offered", "answered", "abandoned", "short_abandoned", "flowout", "answered_within_threshold",
          "abandoned_within_threshold")
PCTS = ("service_level_pct", "answer_rate_pct", "abandon_rate_pct")

contact = st.tuples(
    st.sampled_from(["north", "south", "east"]),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=400, places=1, allow_nan=False)),
    st.sampled_from(["answered", "abandoned", "flowout"]),
    st.integers(min_value=0, max_value=86_399),  # second of the day of arrival
)
contacts = st.lists(contact, max_size=40)
policy = st.tuples(st.integers(min_value=1, max_value=60), st.integers(min_value=0, max_value=10))

# Each example runs DuckDB on real files, so the default run is short; HYPOTHESIS_PROFILE=long
# (e.g. `HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py`) explores far more.
settings.register_profile("default", max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def write(rows, folder: Path, name: str = "calls.csv", first_id: int = 0) -> Path:
    lines = ["contact_id,company,arrived_at,wait_s,talk_s,outcome"]
    for i, (company, wait, outcome, second) in enumerate(rows, start=first_id):
        t = f"2024-03-{1 + second % 28:02d} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"
        talk = "60" if outcome == "answered" else ""
        lines.append(f"id{i},{company},{t},{'' if wait is None else wait},{talk},{outcome}")
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def analyze_rows(rows, threshold=20, short=5, method=SlMethod.NEGATIVE, split=False):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if split:
            half = len(rows) // 2
            paths = [write(rows[:half], folder, "a.csv"), write(rows[half:], folder, "b.csv", first_id=half)]
        else:
            paths = [write(rows, folder)]
        return run_analyze(paths, threshold_s=threshold, short_abandon_s=min(short, threshold), sl_method=method)


@given(contacts, policy)
def test_counts_add_up_and_rates_stay_in_range(rows, pol):
    report = analyze_rows(rows, *pol)
    for obj in [report["summary"], *report["by_company"], *report["by_hour"], *report["by_day"]]:
        assert obj["offered"] == obj["answered"] + obj["abandoned"] + obj["flowout"]
        assert obj["answered_within_threshold"] <= obj["answered"]
        assert obj["short_abandoned"] <= obj["abandoned_within_threshold"] <= obj["abandoned"]
        for key in PCTS:
            assert obj[key] is None or 0 <= obj[key] <= 100
        assert (obj["answer_rate_pct"] is None) == (obj["offered"] == 0)


@given(contacts, policy)
def test_service_level_methods_are_ordered_as_theory_says(rows, pol):
    sl = {m: analyze_rows(rows, *pol, method=m)["summary"]["service_level_pct"] for m in SlMethod}
    negative = sl[SlMethod.NEGATIVE]
    if negative is not None:
        # Same numerator, smaller or equal denominators (or a larger numerator over the same one).
        assert sl[SlMethod.POSITIVE] >= negative
        assert sl[SlMethod.IGNORE] is None or sl[SlMethod.IGNORE] >= negative
        assert sl[SlMethod.ANSWERED_ONLY] is None or sl[SlMethod.ANSWERED_ONLY] >= negative


@given(contacts)
def test_company_rows_add_up_to_the_total(rows):
    report = analyze_rows(rows)
    for key in COUNTS:
        assert sum(r[key] for r in report["by_company"]) == report["summary"][key]
        assert sum(r[key] for r in report["by_hour"] if r["company"] is None) == report["summary"][key]
        assert sum(r[key] for r in report["by_day"] if r["company"] is None) == report["summary"][key]


@given(contacts, st.randoms(use_true_random=False))
def test_splitting_or_shuffling_the_input_changes_nothing(rows, rnd: random.Random):
    whole = analyze_rows(rows)
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    for other in (analyze_rows(rows, split=True), analyze_rows(shuffled)):
        for key in ("summary", "by_company", "by_hour", "by_day", "period"):
            assert other[key] == whole[key]
