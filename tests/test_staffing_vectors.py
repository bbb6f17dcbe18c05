"""The queueing models against published values (tests/data/erlang/expected_values.csv, every row).

Each expected value is compared to the precision it is published with: the file's ``precision``
column caps the decimals, and a value written with fewer decimals (0.909) is held only to those.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from slreport.queueing import erlang, erlang_a
from slreport.queueing.required import required_agents
from slreport.queueing.targets import StaffingTargets, scheduled

VECTORS = Path(__file__).parent / "data" / "erlang" / "expected_values.csv"
ROWS = list(csv.DictReader(VECTORS.open(encoding="utf-8")))


def decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def assert_published(actual: float | None, row: dict[str, str], column: str, scale: float = 1.0) -> None:
    text = row[column]
    if not text:
        return
    places = min(int(row["precision"]), decimals(text)) if column != "expected_asa_s" else decimals(text)
    assert actual is not None, column
    assert abs(actual * scale - float(text)) <= 0.5 * 10 ** -places + 1e-12, (column, actual, text)


def num(row: dict[str, str], column: str) -> float | None:
    return float(row[column]) if row[column] else None


def targets_of(row: dict[str, str]) -> StaffingTargets:
    sl = num(row, "sl_target")
    return StaffingTargets(
        sl_pct=None if sl is None else 100 * sl, sl_threshold_s=num(row, "answer_target_s"),
        max_occupancy=num(row, "max_occupancy"), max_abandon=num(row, "max_abandon"),
        shrinkage=num(row, "shrinkage") or 0.0,
    )


def measure(row: dict[str, str], agents: int):
    calls, interval, aht = (float(row[c]) for c in ("calls_per_interval", "interval_s", "aht_s"))
    threshold = float(row["answer_target_s"])
    if row["model"] == "erlang_a":
        return erlang_a.performance(calls, interval, aht, float(row["patience_s"]), agents, threshold)
    return erlang.performance(calls, interval, aht, agents, threshold)


@pytest.mark.parametrize("row", ROWS, ids=[f"{i + 2}-{r['model']}" for i, r in enumerate(ROWS)])
def test_published_vector(row: dict[str, str]) -> None:
    agents = int(row["agents"]) if row["agents"] else None
    if row["expected_raw_agents"]:
        patience = num(row, "patience_s") if row["model"] == "erlang_a" else None
        found = required_agents(
            float(row["calls_per_interval"]), float(row["interval_s"]), float(row["aht_s"]), targets_of(row), patience
        )
        assert found == int(row["expected_raw_agents"])
        if row["expected_scheduled_agents"]:
            assert scheduled(found, targets_of(row).shrinkage) == int(row["expected_scheduled_agents"])
        agents = agents or found
    perf = measure(row, agents)
    assert_published(perf.p_wait, row, "expected_p_wait")
    assert_published(perf.service_level, row, "expected_service_level")
    assert_published(perf.occupancy, row, "expected_occupancy")
    assert_published(perf.p_abandon, row, "expected_p_abandon")
    minutes = re.search(r"\(([\d.]+) min\)", row["notes"])
    if minutes:  # the source gives ASA in minutes; the seconds column is a conversion of it
        assert abs(perf.asa_s / 60 - float(minutes.group(1))) <= 0.5 * 10 ** -decimals(minutes.group(1))
    else:
        assert_published(perf.asa_s, row, "expected_asa_s")


def test_every_published_row_checks_something() -> None:
    assert len(ROWS) == 9
    for row in ROWS:
        assert row["expected_raw_agents"] or row["agents"]
