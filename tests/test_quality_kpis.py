"""Quality KPIs (issue 23, item 5): transfer rate, hold rate, callback share, repeat-caller rate, where the
export carries the fields; left out and said so where it does not (docs/quality.md). Expectations by hand."""

from __future__ import annotations

import json

from tests.conftest import run_analyze, run_cli

GENERIC = [
    "contact_id,company,caller,channel,arrived_at,wait_s,talk_s,hold_s,outcome,transferred",
    "g1,A,+358401111111,voice,2026-03-02 09:00:00Z,5,60,0,answered,no",
    "g2,A,+358401111111,voice,2026-03-03 09:00:00Z,5,60,30,answered,yes",
    "g3,A,+358402222222,callback,2026-03-03 10:00:00Z,40,,,abandoned,",
    "g4,A,,voice,2026-03-03 11:00:00Z,5,60,,answered,false",
    "g5,B,+358401111111,voice,2026-03-03 11:00:00Z,5,60,10,answered,",
]


def _kpis(row: dict) -> tuple:
    return (row["transfer_rate_pct"], row["hold_rate_pct"], row["callback_share_pct"], row["repeat_caller_pct"],
            row["repeat_callers"], row["identified_callers"])


def test_the_kpis_from_a_generic_export_with_every_field(write_csv):
    data = write_csv("q.csv", *GENERIC)
    done = run_cli("analyze", str(data), "--tz", "UTC", "-f", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    rows = {r["company"]: r for r in report["by_company"]}
    # A: transfers known for g1 g2 g4 (g2 yes) → 1/3; hold known for g1 g2 (g2 > 0) → 1/2; callbacks g3 of
    # 4 → 25 %; callers 1111 (twice) and 2222 (once), g4 withheld → 1 of 2
    assert _kpis(rows["A"]) == (33.3333, 50.0, 25.0, 50.0, 1, 2)
    # B: its one answer has no transfer flag → null, not 0; hold 10 s → 100 %; its 1111 called B once
    assert _kpis(rows["B"]) == (None, 100.0, 0.0, 0.0, 0, 1)
    # all: 1/3 transfers, 2/3 held, 1/5 callbacks; (A, 1111) repeats, (A, 2222) and (B, 1111) do not
    assert _kpis(report["summary"]) == (33.3333, 66.6667, 20.0, 33.3333, 1, 3)
    assert report["quality"] == {"not_in_data": {}}
    # every row of the day table carries the cell KPIs: 2 March, A: g1 only
    day = next(r for r in report["by_day"] if r["company"] == "A" and r["day"].startswith("2026-03-02"))
    assert (day["transfer_rate_pct"], day["hold_rate_pct"], day["callback_share_pct"]) == (0.0, 0.0, 0.0)
    assert "repeat_caller_pct" not in day  # a property of the whole period
    # no caller number appears in the output
    assert "358401111111" not in done.stdout.decode()
    assert run_analyze([data])["summary"] == report["summary"]  # the library's report is the CLI's


def test_a_kpi_the_data_cannot_carry_is_left_out_and_said_so(write_csv):
    data = write_csv("plain.csv", "contact_id,company,caller,arrived_at,wait_s,talk_s,outcome",
                     "1,A,+358401111111,2026-03-02 09:00:00Z,5,60,answered",
                     "2,A,+358401111111,2026-03-02 10:00:00Z,5,60,answered")
    report = json.loads(run_cli("analyze", str(data), "--tz", "UTC", "-f", "json").stdout)
    summary = report["summary"]
    assert (summary["transfer_rate_pct"], summary["hold_rate_pct"], summary["callback_share_pct"]) == (None,) * 3
    assert summary["repeat_caller_pct"] == 100.0
    assert set(report["quality"]["not_in_data"]) == {"transfer_rate_pct", "hold_rate_pct", "callback_share_pct"}
    text = run_cli("analyze", str(data), "--tz", "UTC", "-f", "table").stdout.decode()
    assert "Quality KPIs (where the data carries them)" in text and "they are not 0" in text
    assert "Transfer rate: no transfer field" in text
    assert "Transfer %" not in text and "Hold %" not in text and "Repeat callers %" in text
    csv = run_cli("analyze", str(data), "--tz", "UTC", "-f", "csv").stdout.decode().splitlines()
    header, total = csv[0].split(","), csv[-1].split(",")
    assert total[header.index("transfer_rate_pct")] == ""  # empty, not 0


def test_withheld_callers_only_leave_the_repeat_caller_rate_out(write_csv):
    data = write_csv("anon.csv", "contact_id,company,caller,arrived_at,wait_s,talk_s,outcome",
                     "1,A,,2026-03-02 09:00:00Z,5,60,answered")
    report = json.loads(run_cli("analyze", str(data), "--tz", "UTC", "-f", "json").stdout)
    assert (report["summary"]["repeat_caller_pct"], report["summary"]["identified_callers"]) == (None, 0)
    assert "repeat_caller_pct" in report["quality"]["not_in_data"]


QUEUE_LOG = [
    "1709535610|c1|support|NONE|ENTERQUEUE||0401234567|1",
    "1709535630|c1|support|Agent/101|CONNECT|20|c1.1|5",
    "1709535750|c1|support|Agent/101|BLINDTRANSFER|200|default|20|120|1",
    "1709535810|c2|support|NONE|ENTERQUEUE||0401234568|1",
    "1709535815|c2|support|Agent/102|CONNECT|5|c2.1|5",
    "1709535900|c2|support|Agent/102|COMPLETECALLER|5|85|1",
    "1709536010|c3|support|NONE|ENTERQUEUE||0401234567|1",
    "1709536030|c3|support|NONE|ABANDON|1|1|20",
    "1709536110|c4|support|NONE|ENTERQUEUE||0401234569|1",
    "1709536115|c4|support|Agent/101|CONNECT|5|c4.1|5",
    "1709536200|c4|support|Agent/101|ATTENDEDTRANSFER|BRIDGE|x|5|85|1",
]


def test_queue_log_transfer_events_give_the_transfer_rate(tmp_path):
    log = tmp_path / "queue_log"
    log.write_text("\n".join(QUEUE_LOG) + "\n", encoding="utf-8")
    done = run_cli("analyze", str(log), "--tz", "UTC", "-f", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    s = report["summary"]
    assert (s["offered"], s["answered"]) == (4, 3)
    assert s["transfer_rate_pct"] == 66.6667  # c1 blind, c4 attended of the 3 answered; c3 abandoned is not judged
    assert s["hold_rate_pct"] is None and s["callback_share_pct"] is None  # queue_log carries neither
    assert s["repeat_caller_pct"] == 33.3333  # 0401234567 twice (c1, c3) of 3 callers
    assert set(report["quality"]["not_in_data"]) == {"hold_rate_pct", "callback_share_pct"}


def test_connect_records_say_whether_a_contact_was_transferred(tmp_path):
    base = {"AWSAccountId": "1", "Channel": "VOICE", "InitiationMethod": "INBOUND",
            "DisconnectReason": "CUSTOMER_DISCONNECT", "CustomerEndpoint": {"Address": "+358401234567"},
            "Queue": {"Name": "Support", "EnqueueTimestamp": "2024-03-04T08:00:00Z", "Duration": 15},
            "Agent": {"Username": "anna", "ConnectedToAgentTimestamp": "2024-03-04T08:00:15Z",
                      "AgentInteractionDuration": 120, "CustomerHoldDuration": 0}}
    records = [base | {"ContactId": "a", "InitiationTimestamp": "2024-03-04T08:00:00Z",
                       "DisconnectTimestamp": "2024-03-04T08:03:00Z", "LastUpdateTimestamp": "2024-03-04T08:03:00Z"},
               base | {"ContactId": "b", "InitiationTimestamp": "2024-03-04T08:00:00Z",
                       "DisconnectTimestamp": "2024-03-04T08:03:00Z", "LastUpdateTimestamp": "2024-03-04T08:03:00Z",
                       "TransferCompletedTimestamp": "2024-03-04T08:02:00Z",
                       "TransferredToEndpoint": {"Address": "+358800000000"}}]
    path = tmp_path / "ctr.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    report = json.loads(run_cli("analyze", str(path), "-f", "json").stdout)
    assert report["summary"]["answered"] == 2
    assert (report["summary"]["transfer_rate_pct"], report["summary"]["hold_rate_pct"]) == (50.0, 0.0)


def test_a_by_group_counts_the_repeat_callers_of_the_group(write_csv):
    data = write_csv("q.csv", "contact_id,company,queue,caller,arrived_at,wait_s,talk_s,outcome",
                     "1,A,billing,+358401111111,2026-03-02 09:00:00Z,5,60,answered",
                     "2,A,faults,+358401111111,2026-03-02 10:00:00Z,5,60,answered",
                     "3,A,faults,+358402222222,2026-03-02 11:00:00Z,5,60,answered",
                     "4,A,faults,+358402222222,2026-03-02 12:00:00Z,5,60,answered",
                     "5,B,faults,+358402222222,2026-03-02 12:00:00Z,5,60,answered")
    report = json.loads(run_cli("analyze", str(data), "--tz", "UTC", "--by", "queue", "-f", "json").stdout)
    groups = {r["queue"]: r for r in report["by_group"]}
    # 1111 called billing once and faults once: a repeat caller of neither; (A, 2222) twice in faults; (B, 2222) once
    assert (groups["billing"]["repeat_callers"], groups["billing"]["identified_callers"]) == (0, 1)
    assert (groups["faults"]["repeat_callers"], groups["faults"]["identified_callers"]) == (1, 3)
    # over the period: (A, 1111) and (A, 2222) repeat, (B, 2222) does not
    assert (report["summary"]["repeat_callers"], report["summary"]["identified_callers"]) == (2, 3)
