"""Per-company policies and targets from slreport.toml, the met/missed table and --fail-on-miss.

tests/data/fcr/three_companies.* worked out by hand:
- Kotikatu Housing (80/20): waits 5, 10, 15, 20 answered + one 30 s abandon → SL 4/5 = 80.0 (met, at the
  boundary); abandon rate 20 % > max 10 → missed.
- Nordic Energy (90/30): three answered after 25 s → SL 100 (it would be 0 at the default 20 s) → met;
  answer rate 100 ≥ 90 → met.
- Perinta Collections (80/60): all answered within 60 s → SL 100 → met; FCR 72 h: p1 is repeated by p2 an
  hour later, p2 and p3 resolved, p4 censored → 2/3 = 66.6667 ≥ 50 → met; NPS answers 3, 9, 2 →
  (1 − 2)/3 = −33.3333 < 0 → missed.
- All companies: each contact by its own threshold → 11/12 = 91.6667; no common target → target_met null.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from slreport.errors import UsageError
from slreport.options.config import build_settings, load_config
from tests.conftest import DATA, run_analyze, run_cli

CSV = DATA / "fcr" / "three_companies.csv"
TOML = DATA / "fcr" / "three_companies.toml"

EXPECTED_TARGETS = [
    ("Kotikatu Housing", "service_level_pct", ">=", 80.0, 80.0, True),
    ("Kotikatu Housing", "abandon_rate_pct", "<=", 10.0, 20.0, False),
    ("Nordic Energy", "service_level_pct", ">=", 90.0, 100.0, True),
    ("Nordic Energy", "answer_rate_pct", ">=", 90.0, 100.0, True),
    ("Perinta Collections", "service_level_pct", ">=", 80.0, 100.0, True),
    ("Perinta Collections", "fcr_pct", ">=", 50.0, 66.6667, True),
    ("Perinta Collections", "nps", ">=", 0.0, -33.3333, False),
]
MISSES = [
    "slreport: target missed: Kotikatu Housing: abandon_rate_pct 20 (target <= 10)",
    "slreport: target missed: Perinta Collections: nps -33.3333 (target >= 0)",
]


def targets(report):
    return [(t["company"], t["metric"], t["comparison"], t["target"], t["actual"], t["met"]) for t in report["targets"]]


def test_library_judges_each_company_by_its_own_policy():
    settings = build_settings(load_config(TOML), {})
    report = run_analyze([CSV], **{k: v for k, v in vars(settings).items() if k != "timezone"})
    assert targets(report) == EXPECTED_TARGETS
    energy = next(r for r in report["by_company"] if r["company"] == "Nordic Energy")
    assert (energy["service_level_pct"], energy["target_met"]) == (100.0, True)
    assert (report["summary"]["service_level_pct"], report["summary"]["target_met"]) == (91.6667, None)


def test_cli_fail_on_miss_exits_3_and_lists_each_miss():
    done = run_cli("analyze", str(CSV), "--config", str(TOML), "-f", "json", "--fail-on-miss")
    assert done.returncode == 3
    assert done.stderr.decode().splitlines() == MISSES
    report = json.loads(done.stdout)
    assert targets(report) == EXPECTED_TARGETS
    assert report["settings"]["config_file"] == str(TOML)


def test_cli_without_fail_on_miss_exits_0():
    done = run_cli("analyze", str(CSV), "--config", str(TOML), "-f", "json")
    assert (done.returncode, done.stderr) == (0, b"")


def test_cli_all_targets_met_exits_0(tmp_path: Path):
    lenient = TOML.read_text().replace("abandon_rate_max = 10", "abandon_rate_max = 20").replace(
        "nps_target = 0", "nps_target = -50")
    (tmp_path / "slreport.toml").write_text(lenient)
    done = run_cli("analyze", str(CSV), "-f", "json", "--fail-on-miss", cwd=tmp_path)  # found in the cwd
    assert (done.returncode, done.stderr) == (0, b"")
    assert all(t["met"] for t in json.loads(done.stdout)["targets"])


def test_config_is_found_in_the_working_directory(tmp_path: Path):
    shutil.copy(TOML, tmp_path / "slreport.toml")
    done = run_cli("analyze", str(CSV), "-f", "json", "--fail-on-miss", cwd=tmp_path)
    assert done.returncode == 3
    assert targets(json.loads(done.stdout)) == EXPECTED_TARGETS


def test_command_line_overrides_the_file_for_every_company():
    done = run_cli("analyze", str(CSV), "--config", str(TOML), "-f", "json", "--sl", "80/20", "--fail-on-miss")
    assert done.returncode == 3
    report = json.loads(done.stdout)
    energy = next(r for r in report["by_company"] if r["company"] == "Nordic Energy")
    assert energy["service_level_pct"] == 0.0  # 25 s waits against 20 s now
    assert "slreport: target missed: Nordic Energy: service_level_pct 0 (target >= 80)" in done.stderr.decode()
    assert {c["service_level"] for c in report["settings"]["companies"]} == {"80/20"}


def test_effective_settings_per_company_in_json():
    report = json.loads(run_cli("analyze", str(CSV), "--config", str(TOML), "-f", "json").stdout)
    energy = next(c for c in report["settings"]["companies"] if c["company"] == "Nordic Energy")
    assert energy == {
        "company": "Nordic Energy", "in_data": True, "configured": True, "service_level": "90/30",
        "sl_method": "negative", "short_abandon_s": 5, "answer_rate_target": 90.0, "abandon_rate_max": None,
        "fcr_target": None, "nps_target": None, "timezone": "UTC", "opening_hours": "mon-fri 08:00-18:00",
        "holidays_country": "FI", "business_hours": False, "scopes": [],
    }
    assert "own company" in report["settings"]["summary_policy"]


def test_plain_table_marks_met_and_missed_with_words_and_shows_policies():
    done = run_cli("analyze", str(CSV), "--config", str(TOML), "-f", "table")
    assert done.returncode == 0
    text = done.stdout.decode()
    lines = {line.split("│")[1].strip(): line for line in text.splitlines() if line.count("│") > 5}
    assert "20.0 missed" in lines["Kotikatu Housing"]
    assert "66.7 met" in lines["Perinta Collections"] and "-33.3 missed" in lines["Perinta Collections"]
    assert "100.0 met" in lines["Nordic Energy"]  # answer rate
    assert "Nordic Energy: SL 90/30 (negative), short ≤ 5 s; targets answer % ≥ 90" in text
    assert "SL target" in text
    assert "\x1b[" not in text  # no colour off a terminal


def test_markdown_lists_company_policies():
    text = run_cli("analyze", str(CSV), "--config", str(TOML), "-f", "markdown").stdout.decode()
    assert "- Perinta Collections: SL 80/60 (negative), short ≤ 5 s; targets FCR % ≥ 50, NPS ≥ 0" in text


def test_target_without_data_is_not_a_miss(write_csv, tmp_path: Path):
    path = write_csv("a.csv", "contact_id,company,arrived_at,wait_s,talk_s,outcome",
                     "a1,A,2024-01-01 10:00:00,5,60,answered")
    (tmp_path / "c.toml").write_text('[companies."A"]\nnps_target = 10\n[companies."Ghost"]\nfcr_target = 80\n')
    done = run_cli("analyze", str(path), "--tz", "UTC", "--config", str(tmp_path / "c.toml"), "-f", "json",
                   "--fail-on-miss")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    nps = next(t for t in report["targets"] if t["metric"] == "nps")
    assert (nps["actual"], nps["met"]) == (None, None)
    ghost = next(c for c in report["settings"]["companies"] if c["company"] == "Ghost")
    assert (ghost["in_data"], ghost["configured"]) == (False, True)


def test_mixed_sl_methods_pool_per_contact_judgements(write_csv):
    # A (80/20, negative, S 5): a1 within, a2 not, a3 abandoned 10 s, a4 short abandon → 1 / 3.
    # B (90/30, ignore, S 0): b1 within 30, b2 abandoned within T (left out), b3 abandoned after 40 s → 1 / 2.
    path = write_csv(
        "m.csv", "contact_id,company,arrived_at,wait_s,talk_s,outcome",
        "a1,A,2024-01-01 10:00:00,10,60,answered", "a2,A,2024-01-01 10:01:00,25,60,answered",
        "a3,A,2024-01-01 10:02:00,10,,abandoned", "a4,A,2024-01-01 10:03:00,3,,abandoned",
        "b1,B,2024-01-01 10:00:00,25,60,answered", "b2,B,2024-01-01 10:01:00,10,,abandoned",
        "b3,B,2024-01-01 10:02:00,40,,abandoned",
    )
    companies = {"B": {"threshold_s": 30, "target_pct": 90.0, "sl_method": "ignore", "short_abandon_s": 0}}
    report = run_analyze([path], companies=companies)
    a, b = report["by_company"]
    assert (a["service_level_pct"], a["short_abandoned"], a["target_met"]) == (round(100 / 3, 4), 1, False)
    assert (b["service_level_pct"], b["short_abandoned"], b["target_met"]) == (50.0, 0, False)
    assert report["summary"]["service_level_pct"] == 40.0  # (1 + 1) / (3 + 2)
    hour = next(r for r in report["by_hour"] if r["company"] is None and r["hour"] == 10)
    assert hour["service_level_pct"] == 40.0


def test_company_short_abandon_above_its_threshold_is_a_usage_error(write_csv):
    path = write_csv("a.csv", "contact_id,company,arrived_at,wait_s,talk_s,outcome",
                     "a1,A,2024-01-01 10:00:00,5,60,answered")
    with pytest.raises(UsageError, match="company 'A': short-abandon 30 s exceeds its service-level threshold 20 s"):
        run_analyze([path], companies={"A": {"short_abandon_s": 30}})


def test_terminal_table_colours_met_and_missed(monkeypatch):
    import io

    from slreport.options.settings import OutputFormat
    from slreport.render import render

    report = json.loads(run_cli("analyze", str(CSV), "--config", str(TOML), "-f", "json").stdout)
    out = io.StringIO()
    monkeypatch.setenv("COLUMNS", "250")  # a wide terminal, so that no cell wraps
    render(report, OutputFormat.TABLE, out, color=True)
    text = out.getvalue()
    assert "\x1b[31m20.0 ✗" in text  # red: Kotikatu's abandon rate
    assert "\x1b[32m66.7 ✓" in text  # green: Perinta's FCR
