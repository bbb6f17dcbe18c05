"""Scoped policies (issue 23, items 1 and 2): a company's queues, segments and channels with their own
promise, thresholds in s/min/h, and business-hours clocks for email and tickets.

Every expectation is counted by hand from the rows below (docs/fcr-and-targets.md, "Scoped policies").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

# Company A: queue billing 90/30 > segment VIP 90/10 (answer-rate target 95) > channel chat 80/60 > A's 80/20.
#   1 billing VIP voice  5 s → billing's 30 s: within      (VIP, but the queue wins)
#   2 billing     voice 25 s → billing's 30 s: within
#   3 faults  VIP voice  8 s → VIP's 10 s: within
#   4 faults  VIP voice 15 s → VIP's 10 s: not within
#   5 faults      voice 15 s → A's 20 s: within
#   6 faults      chat  50 s → chat's 60 s: within
#   7 faults      Chat  70 s → chat's 60 s: not within      (channel names compared without case)
#   8 faults VIP  abandoned after 3 s → VIP's short abandon (5 s): out of the denominator (negative method)
# Company B has no scopes: its VIP contact follows B's own 80/20.
CALLS = [
    "contact_id,company,queue,segment,channel,arrived_at,wait_s,talk_s,outcome",
    "1,A,billing,VIP,voice,2026-03-02 09:00:00Z,5,60,answered",
    "2,A,billing,,voice,2026-03-02 09:05:00Z,25,60,answered",
    "3,A,faults,VIP,voice,2026-03-02 09:10:00Z,8,60,answered",
    "4,A,faults,VIP,voice,2026-03-02 09:15:00Z,15,60,answered",
    "5,A,faults,,voice,2026-03-02 09:20:00Z,15,60,answered",
    "6,A,faults,,chat,2026-03-02 09:25:00Z,50,60,answered",
    "7,A,faults,,Chat,2026-03-02 09:30:00Z,70,60,answered",
    "8,A,faults,VIP,voice,2026-03-02 09:35:00Z,3,,abandoned",
    "9,B,billing,VIP,voice,2026-03-02 09:00:00Z,15,60,answered",
]
CONFIG = """\
[companies."A"]
service_level = "80/20"
[companies."A".queues."billing"]
service_level = "90/30"
[companies."A".segments."VIP"]
service_level = "90/10"
answer_rate_target = 95
[companies."A".channels."chat"]
service_level = "80/60"
"""


@pytest.fixture
def scoped(tmp_path: Path, write_csv) -> tuple[Path, Path]:
    config = tmp_path / "slreport.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return write_csv("calls.csv", *CALLS), config


def _json(*args: str) -> dict:
    done = run_cli("analyze", *args, "-f", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _target(report: dict, company: str, metric: str = "service_level_pct", **scope: str) -> dict:
    kinds = ("queue", "segment", "channel")
    found = [t for t in report["targets"] if t["company"] == company and t["metric"] == metric
             and {k: t[k] for k in kinds if k in t} == scope]
    assert len(found) == 1, found
    return found[0]


def test_each_contact_follows_its_most_specific_policy_and_each_scope_is_judged_on_its_own(scoped):
    data, config = scoped
    report = _json(str(data), "--config", str(config))
    # billing: 1 and 2 within 30 s → 2/2
    assert _target(report, "A", queue="billing") == {
        "company": "A", "queue": "billing", "metric": "service_level_pct", "comparison": ">=", "target": 90.0,
        "actual": 100.0, "met": True}
    # VIP (not in billing): 3 within, 4 not, 8 a short abandon (out of the denominator) → 1/2
    vip = _target(report, "A", segment="VIP")
    assert (vip["target"], vip["actual"], vip["met"]) == (90.0, 50.0, False)
    # its answer rate: 2 answered of 3 offered → 66.6667 < 95
    vip_answer = _target(report, "A", "answer_rate_pct", segment="VIP")
    assert (vip_answer["target"], vip_answer["actual"], vip_answer["met"]) == (95.0, 66.6667, False)
    # chat: 6 within, 7 not → 1/2
    chat = _target(report, "A", channel="chat")
    assert (chat["target"], chat["actual"], chat["met"]) == (80.0, 50.0, False)
    # the billing queue writes no answer-rate target, so it is judged on its service level only
    assert not [t for t in report["targets"] if t.get("queue") == "billing" and t["metric"] != "service_level_pct"]
    # A pools every contact under its own policy: within 1 2 3 5 6 of 8 offered minus 1 short → 5/7
    a = next(r for r in report["by_company"] if r["company"] == "A")
    assert a["service_level_pct"] == 71.4286 and a["answered_within_threshold"] == 5
    assert a["target_met"] is False  # against A's own 80 %
    assert _target(report, "A")["actual"] == 71.4286
    # B's VIP caller follows B's own 80/20: 15 s within
    assert _target(report, "B")["actual"] == 100.0
    scopes = next(c for c in report["settings"]["companies"] if c["company"] == "A")["scopes"]
    assert [(s.get("queue"), s.get("segment"), s.get("channel"), s["service_level"]) for s in scopes] == [
        ("billing", None, None, "90/30"), (None, "VIP", None, "90/10"), (None, None, "chat", "80/60")]


def test_the_library_gives_the_cli_s_report(scoped):
    from slreport.options.config import build_settings, load_config
    from slreport.pipeline import analyze

    data, config = scoped
    settings = build_settings(load_config(config), {})
    assert analyze([str(data)], settings)["targets"] == _json(str(data), "--config", str(config))["targets"]


def test_a_scope_without_contacts_has_a_target_without_verdict(tmp_path, scoped):
    data, config = scoped
    config.write_text(CONFIG + '[companies."A".queues."empty"]\nservice_level = "95/5"\n', encoding="utf-8")
    empty = _target(_json(str(data), "--config", str(config)), "A", queue="empty")
    assert (empty["target"], empty["actual"], empty["met"]) == (95.0, None, None)


def test_by_segment_judges_each_group_by_its_contacts_own_policies(scoped):
    data, config = scoped
    report = _json(str(data), "--config", str(config), "--by", "company,segment")
    rows = {(r["company"], r["segment"]): r for r in report["by_group"]}
    # A/VIP: 1 (billing's 90 %), 3, 4 and 8 (VIP's 90 %): the targets agree → judged: 2 within of 3 → missed
    assert rows[("A", "VIP")]["service_level_pct"] == 66.6667
    assert rows[("A", "VIP")]["target_met"] is False
    # A without a segment: billing 90 %, A 80 %, chat 80 %: no one target
    assert rows[("A", None)]["target_met"] is None
    assert rows[("B", "VIP")]["target_met"] is True


def test_fail_on_miss_covers_a_scoped_target(tmp_path, scoped):
    data, config = scoped
    # A's own 50 % and B's are met; only the scopes miss
    config.write_text(CONFIG.replace('service_level = "80/20"', 'service_level = "50/20"'), encoding="utf-8")
    done = run_cli("analyze", str(data), "--config", str(config), "-f", "json", "--fail-on-miss")
    assert done.returncode == 3
    err = done.stderr.decode()
    assert "slreport: target missed: A segment VIP: service_level_pct 50 (target >= 90)" in err
    assert "target missed: A channel chat: service_level_pct 50 (target >= 80)" in err
    assert "target missed: A: " not in err and "queue billing" not in err
    assert json.loads(done.stdout)["targets"]  # the report is still written


def test_command_line_options_override_every_scope(scoped):
    data, config = scoped
    report = _json(str(data), "--config", str(config), "--sl", "80/20")
    # --sl is every policy's now: no scope has a service-level promise of its own left; VIP keeps its answer rate
    assert [(t.get("segment"), t["metric"]) for t in report["targets"] if t.get("queue") or t.get("segment")
            or t.get("channel")] == [("VIP", "answer_rate_pct")]
    # everyone at 20 s: within 1 3 4 5 of 8 offered minus 1 short → 4/7
    assert _target(report, "A")["actual"] == 57.1429


BAD_CONFIGS = [
    ('[companies."A".queues."billing"]\nservice_levle = "90/30"\n', 2, "unknown key 'service_levle' in "
     '[companies.A.queues.billing]'),
    ('[companies."A".queues."billing"]\ntimezone = "UTC"\n', 2, "unknown key 'timezone'"),
    ('[companies."A".channels."email"]\nservice_level = "90/4d"\n', 2, "service_level = '90/4d' is not allowed"),
    ('[companies."A".channels."email"]\nbusiness_hours = true\n', None, "business_hours = true needs opening hours"),
    ('[companies."A".teams."x"]\nservice_level = "90/30"\n', 1, "unknown key 'teams'"),
]


@pytest.mark.parametrize("text, line, message", BAD_CONFIGS)
def test_a_bad_scope_is_one_line_naming_file_line_and_fix(tmp_path, write_csv, text, line, message):
    data = write_csv("calls.csv", *CALLS)
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    done = run_cli("analyze", str(data), "--config", str(config), "-f", "json")
    assert done.returncode == 2 and not done.stdout
    err = done.stderr.decode()
    assert err.count("\n") == 1 and message in err, err
    if line is not None:
        assert f"bad.toml:{line}: " in err


# --- channels measured their own way -------------------------------------------------------------

# Company A, Europe/Helsinki (+03:00 in May), email promise 90 % within 4 business hours, open mon-fri
# 08:00-16:00 with Finland's holidays: Fri 1 May 2026 is May Day (closed), 2-3 May a weekend.
MAIL = [
    "contact_id,company,channel,arrived_at,answered_at,outcome",
    # Thu 15:00 → Mon 10:00: 1 h Thursday + 2 h Monday = 3 h (elapsed 91 h) → within
    "e1,A,email,2026-04-30 15:00:00+03:00,2026-05-04 10:00:00+03:00,answered",
    # Thu 14:00 → Mon 12:30: 2 h + 4.5 h = 6.5 h → not within
    "e2,A,email,2026-04-30 14:00:00+03:00,2026-05-04 12:30:00+03:00,answered",
    # Sat 10:00 (closed: the clock starts Monday 08:00) → Mon 11:59 = 3 h 59 min → within
    "e3,A,Email,2026-05-02 10:00:00+03:00,2026-05-04 11:59:00+03:00,answered",
    # Mon 07:00 → 12:00: exactly 4 h from the opening → within (the threshold is inclusive)
    "e4,A,email,2026-05-04 07:00:00+03:00,2026-05-04 12:00:00+03:00,answered",
    # one second later → not within
    "e5,A,email,2026-05-04 07:00:00+03:00,2026-05-04 12:00:01+03:00,answered",
    # voice keeps queue wait in seconds: 15 s within A's 20 s
    "v1,A,voice,2026-05-04 09:00:00+03:00,2026-05-04 09:00:15+03:00,answered",
]
MAIL_CONFIG = """\
[defaults]
timezone = "Europe/Helsinki"
[companies."A"]
service_level = "80/20"
[companies."A".channels."email"]
service_level = "90/4h"
business_hours = true
opening_hours = "mon-fri 08:00-16:00"
holidays_country = "FI"
"""


def _mail(tmp_path: Path, write_csv, config_text: str = MAIL_CONFIG) -> tuple[Path, Path]:
    config = tmp_path / "slreport.toml"
    config.write_text(config_text, encoding="utf-8")
    return write_csv("mail.csv", *MAIL), config


def test_a_business_hours_email_sla_skips_the_weekend_and_the_holiday(tmp_path, write_csv):
    data, config = _mail(tmp_path, write_csv)
    report = _json(str(data), "--config", str(config))
    email = _target(report, "A", channel="email")
    assert (email["target"], email["actual"], email["met"]) == (90.0, 60.0, False)  # e1 e3 e4 of 5
    a = next(r for r in report["by_company"] if r["company"] == "A")
    assert (a["offered"], a["answered_within_threshold"]) == (6, 4)  # every mail counted, days-long waits too
    # ASA stays elapsed time: 91 h, 94.5 h, 49 h 59 min, 5 h, 5 h 1 s and 15 s over 6
    elapsed = (91 * 3600 + 94.5 * 3600 + (49 * 3600 + 59 * 60) + 5 * 3600 + (5 * 3600 + 1) + 15) / 6
    assert a["asa_s"] == pytest.approx(elapsed, abs=1e-3)
    scope = next(c for c in report["settings"]["companies"] if c["company"] == "A")["scopes"][0]
    assert (scope["channel"], scope["service_level"], scope["business_hours"]) == ("email", "90/14400", True)


def test_without_business_hours_the_same_mails_count_elapsed_time(tmp_path, write_csv):
    data, config = _mail(tmp_path, write_csv, MAIL_CONFIG.replace("business_hours = true\n", ""))
    email = _target(_json(str(data), "--config", str(config)), "A", channel="email")
    assert email["actual"] == 0.0  # every mail waited 5 h or more of elapsed time


def test_the_threshold_unit_reads_alike_on_the_command_line_and_in_the_file(tmp_path, write_csv):
    data, _ = _mail(tmp_path, write_csv)
    on_line = _json(str(data), "--tz", "Europe/Helsinki", "--sl", "90/300min")
    assert (on_line["settings"]["threshold_s"], on_line["settings"]["service_level"]) == (18000, "90/18000")
    # within 5 h elapsed: e4 (exactly 5 h) and v1 → 2 of 6
    assert on_line["summary"]["answered_within_threshold"] == 2


def test_scoped_targets_show_in_the_terminal_html_and_table_files(tmp_path, scoped):
    data, config = scoped
    text = run_cli("analyze", str(data), "--config", str(config), "-f", "table").stdout.decode()
    assert "Targets of queues, segments and channels" in text
    line = next(x for x in text.splitlines() if "segment VIP" in x and "Service level 90/10" in x)
    assert "50.0 %" in line and "missed" in line
    assert "A queue billing: SL 90/30 (negative)" in text
    out = tmp_path / "rep"
    done = run_cli("analyze", str(data), "--config", str(config), "--out", str(out), "--tables", "xlsx")
    assert done.returncode == 0, done.stderr
    from openpyxl import load_workbook

    sheet = load_workbook(out / "tables.xlsx")["targets"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["company", "queue", "segment", "channel"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert ["A", None, "VIP", None, "service_level_pct"] in [r[:5] for r in rows]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "segment VIP" in html and "channel chat" in html and "Service level 90/30" in html


def test_a_ticket_closed_without_a_response_is_abandoned_after_its_wait_until_closed(write_csv):
    data = write_csv("tickets.csv", "contact_id,company,channel,arrived_at,first_response_at,ended_at",
                     # answered: first response after 1 h (closed a day later: not the wait)
                     "t1,A,ticket,2026-05-04 09:00:00+03:00,2026-05-04 10:00:00+03:00,2026-05-05 10:00:00+03:00",
                     # closed after 30 min without a response: abandoned, waited 30 min
                     "t2,A,ticket,2026-05-04 09:00:00+03:00,,2026-05-04 09:30:00+03:00",
                     # a voice call without an answer keeps no wait from its end (as before)
                     "v1,A,voice,2026-05-04 09:00:00+03:00,,2026-05-04 09:00:30+03:00")
    report = _json(str(data), "--tz", "Europe/Helsinki", "--sl", "80/1h", "--short-abandon", "0")
    s = report["summary"]
    assert (s["offered"], s["answered"], s["abandoned"], s["max_wait_s"]) == (3, 1, 2, 3600.0)
    assert s["abandoned_within_threshold"] == 1 and report["input"]["data_quality"]["missing_wait"] == 1


def test_the_connect_reader_s_channel_selects_the_channel_policy(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[companies."amazon_connect_ctr".channels."chat"]\nservice_level = "80/60"\n', encoding="utf-8")
    data = Path(__file__).parent / "data" / "ingest" / "amazon_connect_ctr.jsonl"
    report = _json(str(data), "--config", str(config), "--by", "company,channel")
    groups = {r["channel"]: r for r in report["by_group"]}
    assert (groups["chat"]["offered"], groups["voice"]["offered"]) == (2, 3)  # Channel CHAT / VOICE
    chat = _target(report, "amazon_connect_ctr", channel="chat")
    assert chat["actual"] == groups["chat"]["service_level_pct"] == 100.0


def test_scoped_and_business_hours_reports_follow_the_json_schema(tmp_path, write_csv, scoped):
    import jsonschema

    from tests.test_contract import schema

    data, config = scoped
    jsonschema.validate(_json(str(data), "--config", str(config), "--by", "company,segment"), schema())
    mail, mail_config = _mail(tmp_path, write_csv)
    jsonschema.validate(_json(str(mail), "--config", str(mail_config)), schema())
