"""The staffing section of analyze: per-interval table, AHT fallback, agents seen, DST days,
the weekly profile, and agreement with `slreport erlang` on the same inputs."""

from __future__ import annotations

import json

import pytest

from slreport.options.read import ReadOptions
from slreport.options.settings import Settings
from slreport.pipeline import RunOptions, analyze_all
from slreport.queueing.required import calculate
from slreport.queueing.targets import StaffingTargets
from tests.conftest import run_analyze, run_cli

HEADER = "contact_id,company,arrived_at,wait_s,talk_s,outcome,agent"


def busy_half_hour(day: str = "2024-01-15", hour: int = 9) -> list[str]:
    """46 calls in hh:00–hh:30: 40 answered after 10 s (talk 180 s) by a1–a3, 6 abandoned after 50 s."""
    rows = []
    for i in range(46):
        at = f"{day} {hour:02d}:{i // 2:02d}:{(i % 2) * 30:02d}+00:00"
        if i < 40:
            rows.append(f"b{day}{hour}{i},acme,{at},10,180,answered,a{i % 3 + 1}")
        else:
            rows.append(f"b{day}{hour}{i},acme,{at},50,,abandoned,")
    return rows


def quiet_half_hour() -> list[str]:
    """3 answered calls at 10:00–10:30 with talk 300 s: too few for their own AHT."""
    return [f"q{i},acme,2024-01-15 10:0{i}:00+00:00,5,300,answered,a1" for i in range(3)]


def analysis(path, **settings):
    s = Settings(**({"timezone": "UTC"} | settings))
    return analyze_all([str(path)], s, RunOptions(read=ReadOptions(input_tz="UTC")))


def rows_of(result, company="acme"):
    return [r for r in result.table("staffing").to_pylist() if r["company"] == company]


def test_interval_row_by_hand(write_csv):
    path = write_csv("calls.csv", HEADER, *busy_half_hour(), *quiet_half_hour())
    result = analysis(path, interval_minutes=30)
    rows = {r["interval_start"]: r for r in rows_of(result)}
    assert len(rows) == 48  # the whole local day, empty intervals included
    busy, quiet = rows["2024-01-15T09:00:00+00:00"], rows["2024-01-15T10:00:00+00:00"]
    assert (busy["offered"], busy["answered"], busy["abandoned"]) == (46, 40, 6)
    assert busy["service_level_pct"] == pytest.approx(100 * 40 / 46, abs=1e-4)
    assert (busy["aht_s"], busy["aht_source"], busy["agents_seen"]) == (180.0, "interval", 3)
    theta = round((40 * 10 + 6 * 50 + 3 * 5) / 6, 4)
    assert busy["theta_s"] == theta
    targets = StaffingTargets(sl_pct=80, sl_threshold_s=20)
    want_c = calculate(46, 1800, 180, targets)["recommended"]["agents"]
    want_a = calculate(46, 1800, 180, targets, theta)["recommended"]["agents"]
    assert (busy["required_c"], busy["required_a"]) == (want_c, want_a)
    assert (busy["gap_c"], busy["gap_a"]) == (3 - want_c, 3 - want_a)
    # Three answered calls are too few for their own AHT: the company's mean is used and flagged.
    assert quiet["aht_source"] == "company"
    assert quiet["aht_s"] == round((40 * 180 + 3 * 300) / 43, 4)
    empty = rows["2024-01-15T03:00:00+00:00"]
    assert (empty["offered"], empty["required_c"], empty["required_a"], empty["agents_seen"]) == (0, 0, 0, 0)


def test_report_and_calculator_agree_through_the_cli(write_csv):
    path = write_csv("calls.csv", HEADER, *busy_half_hour())
    analyzed = run_cli("analyze", str(path), "--tz", "UTC", "--interval", "30", "--format", "json")
    assert analyzed.returncode == 0, analyzed.stderr
    report = json.loads(analyzed.stdout)
    worst = report["staffing"]["worst_understaffed"][0]
    assert (worst["interval_start"], worst["offered"], worst["aht_s"]) == ("2024-01-15T09:00:00+00:00", 46, 180.0)
    theta = report["patience"][0]["theta_s"]
    for extra, key in (([], "required_c"), (["--patience", str(theta)], "required_a")):
        calc = run_cli("erlang", "--calls", "46", "--interval", "30m", "--aht", "180", "--sl", "80/20", *extra,
                       "--format", "json")
        assert calc.returncode == 0, calc.stderr
        assert json.loads(calc.stdout)["recommended"]["agents"] == worst[key]
    profile = [r for r in report["staffing_profile"] if r["mean_offered"]]
    assert profile == [{
        "company": "acme", "weekday": "Mon", "time": "09:00", "intervals": 1, "mean_offered": 46.0, "aht_s": 180.0,
        "aht_source": "slot", "required_c": worst["required_c"], "required_a": worst["required_a"],
        "scheduled_c": worst["required_c"], "scheduled_a": worst["required_a"], "mean_agents_seen": 3.0,
    }]


def test_targets_and_shrinkage_options_of_analyze(write_csv):
    path = write_csv("calls.csv", HEADER, *busy_half_hour())
    plain = run_analyze([path], interval_minutes=30)
    strict = run_analyze([path], interval_minutes=30,
                         staffing=StaffingTargets(max_occupancy=0.5, shrinkage=0.25, max_abandon=0.01))
    assert strict["staffing"]["targets"] == {
        "service_level": "80/20", "max_asa_s": None, "max_p_wait": None, "max_abandon": 0.01,
        "max_occupancy": 0.5, "shrinkage": 0.25,
    }
    before, after = plain["staffing"]["worst_understaffed"][0], strict["staffing"]["worst_understaffed"][0]
    assert after["required_c"] == max(before["required_c"], 10)  # A = 4.6 Erlangs at ≤ 50 % → 10 agents
    assert after["scheduled_c"] == -(-after["required_c"] * 4 // 3)  # ceil(N / 0.75)
    bad = run_cli("analyze", str(path), "--shrinkage", "1.5")
    assert bad.returncode == 2 and b"--shrinkage" in bad.stderr and bad.stdout == b""


def test_agents_seen_is_null_when_the_data_names_no_agents(write_csv):
    lines = [",".join(r.split(",")[:-1]) for r in busy_half_hour()]
    path = write_csv("calls.csv", HEADER.rsplit(",", 1)[0], *lines)
    rows = rows_of(analysis(path, interval_minutes=30))
    assert all(r["agents_seen"] is None and r["gap_c"] is None for r in rows)
    assert any(r["required_c"] for r in rows)


def test_profile_is_the_mean_volume_of_the_weekday_slot(write_csv):
    first = busy_half_hour("2024-01-15")[:20]  # 20 answered calls
    second = busy_half_hour("2024-01-22")[:10]  # 10 answered calls a week later
    result = analysis(write_csv("calls.csv", HEADER, *first, *second), interval_minutes=60)
    slot = [r for r in result.report["staffing_profile"] if (r["weekday"], r["time"]) == ("Mon", "09:00")]
    assert len(slot) == 1 and slot[0]["intervals"] == 2 and slot[0]["mean_offered"] == 15.0
    assert slot[0]["required_c"] == calculate(15, 3600, 180, StaffingTargets(80, 20))["recommended"]["agents"]
    tuesday = [r for r in result.report["staffing_profile"] if (r["weekday"], r["time"]) == ("Tue", "09:00")]
    assert tuesday[0]["intervals"] == 1 and tuesday[0]["required_c"] == 0


@pytest.mark.parametrize(("day", "hours"), [("2024-03-31", 23), ("2024-10-27", 25)])
def test_dst_days_have_their_true_number_of_intervals(write_csv, day, hours):
    path = write_csv("calls.csv", HEADER, f"x1,acme,{day} 12:00:00,10,100,answered,a1")
    result = analyze_all([str(path)], Settings(timezone="Europe/Helsinki"),
                         RunOptions(read=ReadOptions(input_tz="Europe/Helsinki")))
    rows = rows_of(result)
    assert len(rows) == hours
    starts = [r["interval_start"] for r in rows]
    if hours == 25:  # the repeated hour appears twice, with its two UTC offsets
        assert f"{day}T03:00:00+03:00" in starts and f"{day}T03:00:00+02:00" in starts
    else:
        assert not any(s.startswith(f"{day}T03:") for s in starts)
    noon = next(r for r in rows if r["interval_start"].startswith(f"{day}T12:00"))
    assert noon["offered"] == 1 and noon["required_c"] == 1


def test_terminal_and_markdown_show_the_planner_line(write_csv):
    path = write_csv("calls.csv", HEADER, *busy_half_hour())
    report = run_analyze([path], interval_minutes=30)
    worst = report["staffing"]["worst_understaffed"][0]
    line = (f"acme · Mon 2024-01-15 09:00–09:30: 46 calls, AHT 3:00, need {worst['required_c']} (C) / "
            f"{worst['required_a']} (A), seen 3, SL was 87 %")
    for fmt in ("table", "markdown"):
        out = run_cli("analyze", str(path), "--tz", "UTC", "--interval", "30", "--format", fmt)
        assert out.returncode == 0, out.stderr
        text = out.stdout.decode()
        assert line in text
        assert "median patience" in text


def test_staffing_sections_match_the_shipped_schema(write_csv):
    import jsonschema

    from tests.test_contract import schema

    report = run_analyze([write_csv("calls.csv", HEADER, *busy_half_hour(), *quiet_half_hour())], interval_minutes=30)
    jsonschema.validate(report, schema())
    broken = json.loads(json.dumps(report))
    del broken["staffing"]["worst_understaffed"][0]["required_a"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema())


def test_company_without_handle_times_has_no_required_agents(write_csv):
    lines = [f"z{i},gone,2024-01-15 09:0{i}:00+00:00,40,,abandoned," for i in range(4)]
    rows = rows_of(analysis(write_csv("calls.csv", HEADER, *lines)), company="gone")
    busy = next(r for r in rows if r["offered"])
    assert (busy["aht_s"], busy["aht_source"], busy["required_c"], busy["required_a"]) == (None, None, None, None)
    assert busy["service_level_pct"] == 0.0 and busy["theta_s"] == 40.0
    assert all(r["required_c"] == 0 for r in rows if not r["offered"])  # no calls: no agents, AHT or not


def test_terminal_says_when_agents_are_unknown(write_csv):
    lines = [",".join(r.split(",")[:-1]) for r in busy_half_hour()]
    path = write_csv("calls.csv", HEADER.rsplit(",", 1)[0], *lines)
    out = run_cli("analyze", str(path), "--tz", "UTC", "--format", "table")
    assert out.returncode == 0
    assert "The data names no agents" in out.stdout.decode()


def test_each_company_is_staffed_for_its_own_service_level(write_csv):
    other = [r.replace(",acme,", ",beta,").replace(",b2024", ",x2024") for r in busy_half_hour()]
    path = write_csv("calls.csv", HEADER, *busy_half_hour(), *other)
    report = run_analyze([path], interval_minutes=30, companies={"beta": {"target_pct": 90.0, "threshold_s": 10}})
    worst = {r["company"]: r for r in report["staffing"]["worst_understaffed"]}
    assert worst["acme"]["required_c"] == calculate(46, 1800, 180, StaffingTargets(80, 20))["recommended"]["agents"]
    assert worst["beta"]["required_c"] == calculate(46, 1800, 180, StaffingTargets(90, 10))["recommended"]["agents"]
    assert worst["beta"]["required_c"] > worst["acme"]["required_c"]
    assert {c["company"]: c["service_level"] for c in report["staffing"]["by_company"]} == {
        "acme": "80/20", "beta": "90/10"}


def test_planner_text_helpers():
    from slreport.sections.text import clock, interval_label

    assert (clock(245), clock(59.6), clock(None)) == ("4:05", "1:00", "—")
    assert interval_label("2024-01-15T09:00:00+02:00", 60, "Europe/Helsinki") == "Mon 2024-01-15 09:00–10:00"
    # The repeated hour of the 25-hour day: 03:00 EEST to 03:00 EET, an hour apart.
    assert interval_label("2024-10-27T03:00:00+03:00", 60, "Europe/Helsinki") == "Sun 2024-10-27 03:00–03:00"
    assert interval_label("2024-03-31T02:30:00+02:00", 30, "Europe/Helsinki") == "Sun 2024-03-31 02:30–04:00"


def test_staffing_counts_agree_with_the_report_and_the_interval_table(write_csv):
    path = write_csv("calls.csv", HEADER, *busy_half_hour(), *quiet_half_hour(), *busy_half_hour("2024-01-16", 14))
    result = analysis(path, interval_minutes=30)
    staffing = result.table("staffing").to_pylist()
    intervals = [r for r in result.table("intervals").to_pylist() if r["company"] is not None]
    assert sum(r["offered"] for r in staffing) == result.report["summary"]["offered"] == 95
    assert [(r["interval_start"], r["offered"], r["service_level_pct"]) for r in staffing] == [
        (r["interval_start"], r["offered"], r["service_level_pct"]) for r in intervals]


def test_contacts_outside_opening_hours_need_no_agents(write_csv):
    evening = [f"e{i},acme,2024-01-15 19:0{i}:00+00:00,30,,abandoned," for i in range(5)]
    path = write_csv("calls.csv", HEADER, *busy_half_hour(), *evening)
    out = run_cli("analyze", str(path), "--tz", "UTC", "--opening-hours", "mon-fri 08:00-17:00", "--format", "json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    slots = {(r["weekday"], r["time"]): r for r in report["staffing_profile"]}
    assert slots[("Mon", "19:00")]["mean_offered"] == 0 and slots[("Mon", "19:00")]["required_c"] == 0
    assert slots[("Mon", "09:00")]["mean_offered"] == 46
    assert report["patience"][0]["offered"] == 46  # the evening callers are not patience data either
    everything = run_cli("analyze", str(path), "--tz", "UTC", "--opening-hours", "mon-fri 08:00-17:00",
                         "--include-closed", "--format", "json")
    assert json.loads(everything.stdout)["patience"][0]["offered"] == 51
