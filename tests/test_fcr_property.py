"""The repeat-method FCR query against a brute-force reading of its definition on random sequences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import run_analyze

START = datetime(2024, 1, 1, tzinfo=UTC)
WINDOWS = {"24h": 24, "72h": 72, "7d": 168, "30d": 720}
SHORT_S = 5

contact = st.tuples(
    st.sampled_from(["A", "B"]),
    st.sampled_from(["+358401000001", "+358401000002", "+358401000003", ""]),  # "" = withheld
    st.sampled_from(["answered", "answered", "abandoned", "flowout"]),
    st.integers(0, 10),  # wait: abandons of 5 s or less are short
)


def brute_force(rows: list[tuple[str, str, str, int, int]], company: str) -> dict[str, float | None]:
    """rows: (company, caller, outcome, wait, quarter-hours since START)."""
    end = max(r[4] for r in rows)
    out: dict[str, float | None] = {}
    for name, hours in WINDOWS.items():
        w = hours * 4
        judged = resolved = 0
        for i, (comp, caller, outcome, _, t) in enumerate(rows):
            if comp != company or outcome != "answered" or not caller or end - t < w:
                continue
            judged += 1
            # any other contact of the caller from this instant on (one at the same instant too)
            repeated = any(
                j != i and c == comp and k == caller and t <= u <= t + w and not (o == "abandoned" and wt <= SHORT_S)
                for j, (c, k, o, wt, u) in enumerate(rows)
            )
            resolved += not repeated
        out[name] = round(100 * resolved / judged, 4) if judged else None
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    contacts=st.lists(contact, min_size=10, max_size=25),
    # about half the contacts at one of two instants, so that one caller's contacts often share one
    # (each is then the other's repeat)
    times=st.lists(st.one_of(st.integers(0, 4 * 24 * 40), st.sampled_from([400, 1000])), min_size=25, max_size=25),
)
def test_repeat_fcr_matches_brute_force(write_csv, contacts, times):
    rows = [(*c, t) for c, t in zip(contacts, times, strict=False)]
    lines = [
        f"x{i},{comp},{caller},{(START + timedelta(minutes=15 * t)).isoformat()},{wait},60,{outcome}"
        for i, (comp, caller, outcome, wait, t) in enumerate(rows)
    ]
    path = write_csv("random.csv", "contact_id,company,caller,arrived_at,wait_s,talk_s,outcome", *lines)
    report = run_analyze([path], fcr_method="repeat", short_abandon_s=SHORT_S)
    for row in report["by_company"]:
        assert row["fcr_by_window"] == brute_force(rows, row["company"])
