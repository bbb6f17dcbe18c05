"""`slreport erlang`: the calculator through the real command line (exit codes, table, JSON)."""

from __future__ import annotations

import json

import pytest

from slreport.queueing.required import calculate, parse_interval
from slreport.queueing.targets import StaffingTargets
from tests.conftest import run_cli

BASE = ("erlang", "--calls", "100", "--interval", "30m", "--aht", "180")


def test_table_shows_rows_around_the_recommendation():
    out = run_cli(*BASE, "--sl", "80/20", "--shrinkage", "0.3", "--format", "table")
    assert out.returncode == 0 and out.stderr == b""
    text = out.stdout.decode()
    assert "Erlang C: 100 calls per 30 min, AHT 180 s = 10 Erlangs" in text
    assert "Recommended: 14 agents on the phones, 20 scheduled (shrinkage 30 %)" in text
    lines = [line for line in text.splitlines() if "│" in line]
    assert lines[0].split("│")[1].strip() == "11"  # Erlang C starts above the 10 Erlangs
    recommended = [line for line in lines if "recommended" in line]
    assert len(recommended) == 1
    assert [c.strip() for c in recommended[0].split("│")[1:7]] == ["14", "20", "0.1741", "88.8", "7.8", "71.4"]
    assert "P(abandon)" not in text


def test_json_has_the_recommendation_and_equals_the_library():
    out = run_cli(*BASE, "--sl", "80/20", "--max-occupancy", "0.7", "--shrinkage", "0.3", "--format", "json")
    assert out.returncode == 0 and out.stderr == b""
    result = json.loads(out.stdout)
    assert result["recommended"] == {
        "agents": 15, "scheduled": 22, "p_wait": 0.102, "service_level_pct": 94.1453, "asa_s": 3.6735,
        "occupancy_pct": 66.6667, "p_abandon": None,
    }
    assert [r["agents"] for r in result["table"]] == list(range(11, 20))
    library = calculate(100.0, 1800.0, 180.0, StaffingTargets(80, 20, max_occupancy=0.7, shrinkage=0.3))
    assert result == json.loads(json.dumps(library))


def test_erlang_a_with_patience():
    out = run_cli(*BASE, "--sl", "80/20", "--patience", "300", "--max-abandon", "0.05", "--max-occupancy", "0.85",
                  "--format", "json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["model"] == "erlang_a"
    assert (result["recommended"]["agents"], round(result["recommended"]["p_abandon"], 3)) == (13, 0.025)
    table = run_cli(*BASE, "--sl", "80/20", "--patience", "300", "--format", "table").stdout.decode()
    assert "P(abandon)" in table and "Erlang A (mean patience 300 s)" in table


def test_only_the_given_targets_apply():
    out = json.loads(run_cli(*BASE, "--max-asa", "30", "--format", "json").stdout)
    assert out["targets"]["service_level"] is None
    assert all(r["service_level_pct"] is None for r in out["table"])  # no threshold: no SL to show
    # The published Erlang C table for 10 Erlangs: ASA 40.4 s with 12 agents, 17.1 s with 13.
    assert out["recommended"]["agents"] == 13
    assert [r["asa_s"] for r in out["table"][:3]] == [122.7813, 40.4449, 17.1162]


def test_decimal_calls_and_zero_calls():
    out = json.loads(run_cli("erlang", "--calls", "6.75", "--interval", "1h", "--aht", "180", "--sl", "80/20",
                             "--format", "json").stdout)
    assert out["inputs"]["calls"] == 6.75 and out["inputs"]["traffic_erlangs"] == 0.3375
    assert out["recommended"]["agents"] == 2
    zero = run_cli("erlang", "--calls", "0", "--aht", "180", "--sl", "80/20", "--format", "json")
    assert zero.returncode == 0
    assert json.loads(zero.stdout)["recommended"]["agents"] == 0 and json.loads(zero.stdout)["table"] == []
    text = run_cli("erlang", "--calls", "0", "--aht", "180", "--sl", "80/20", "--format", "table").stdout.decode()
    assert "No calls: no agents needed." in text


@pytest.mark.parametrize(("text", "seconds"), [("30m", 1800), ("1800s", 1800), ("0.5h", 1800), ("1h", 3600),
                                               ("15m", 900), ("60", 3600), ("15min", 900)])
def test_interval_forms(text, seconds):
    assert parse_interval(text) == seconds


def test_interval_forms_give_the_same_answer_through_the_cli():
    answers = {
        json.loads(run_cli("erlang", "--calls", "100", "--interval", form, "--aht", "180", "--sl", "80/20",
                           "--format", "json").stdout)["recommended"]["agents"]
        for form in ("30m", "1800s")
    }
    assert answers == {14}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (BASE, b"no staffing target given"),
        ((*BASE, "--max-abandon", "0.05"), b"--max-abandon needs a patience"),
        (("erlang", "--calls", "100", "--interval", "half an hour", "--aht", "180", "--sl", "80/20"),
         b"--interval 'half an hour' is not a duration"),
        (("erlang", "--calls", "-1", "--aht", "180", "--sl", "80/20"), b"--calls -1 must be 0 or more"),
        (("erlang", "--calls", "100", "--aht", "0", "--sl", "80/20"), b"--aht 0 must be above 0"),
        ((*BASE, "--sl", "80"), b"--sl '80' is not allowed; use \"PERCENT/SECONDS\" such as \"80/20\""),
        ((*BASE, "--sl", "80/20", "--shrinkage", "1"), b"--shrinkage '1' is not allowed; use a number in [0, 1)"),
        ((*BASE, "--max-asa", "0"), b"no number of agents up to"),
        ((*BASE, "--sl", "80/20", "--patience", "0"), b"--patience 0 must be above 0"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args, message):
    out = run_cli(*args)
    assert out.returncode == 2
    assert out.stdout == b""
    assert message in out.stderr and out.stderr.count(b"\n") == 1


def test_missing_required_option_is_a_usage_error():
    out = run_cli("erlang", "--aht", "180", "--sl", "80/20")
    assert out.returncode == 2 and b"--calls" in out.stderr


def test_csv_and_markdown_output():
    csv_out = run_cli(*BASE, "--sl", "80/20", "--patience", "300", "--format", "csv")
    assert csv_out.returncode == 0
    lines = csv_out.stdout.decode().splitlines()
    assert lines[0] == "agents,scheduled,p_wait,service_level_pct,asa_s,occupancy_pct,p_abandon"
    assert lines[1].startswith("9,9,0.7345,")  # 13 recommended, rows from 9
    md = run_cli(*BASE, "--sl", "80/20", "--format", "markdown").stdout.decode()
    assert "| 14 | 14 | 0.1741 | 88.8 | 7.8 | 71.4 | ◀ recommended |" in md
