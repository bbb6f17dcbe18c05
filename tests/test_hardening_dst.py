"""Local times around a DST change: resolved by the documented rule and counted in data quality.

Europe/Helsinki: 2024-03-31 03:00-04:00 does not exist (clocks go 03:00 → 04:00, +02 → +03);
2024-10-27 03:00-04:00 occurs twice (04:00 → 03:00, +03 → +02)."""

from __future__ import annotations

import pytest

from tests.conftest import run_analyze, run_cli
from tests.ingest_helpers import assert_identity, cli_json, load

TZ = "Europe/Helsinki"
GAP, OVERLAP = "2024-03-31 03:30:00", "2024-10-27 03:30:00"


def _generic(write_csv):
    return write_csv(
        "dst.csv", "contact_id,arrived_at,wait_s,outcome",
        f"g,{GAP},5,answered",  # in the gap
        f"a,{OVERLAP},5,answered",  # twice
        "n,2024-10-27 04:00:00,5,answered",  # after the overlap: once
        "o,2024-03-31T03:30:00+02:00,5,answered",  # carries its own offset: no rule needed
        "p,2024-10-27 02:59:59,5,abandoned",  # before the overlap: once
    )


def test_generic_rule_and_counts(write_csv):
    report = run_analyze([_generic(write_csv)], tz=TZ, by=())
    dq = report["input"]["data_quality"]
    assert dq["nonexistent_local_time"] == 1 and dq["ambiguous_local_time"] == 1
    assert_identity(report["input"])


def test_resolved_instants(write_csv, tmp_path):
    con, _ = load(tmp_path, [_generic(write_csv)], input_tz=TZ)
    rows = dict(con.execute("SELECT contact_id, strftime(arrived_at, '%Y-%m-%d %H:%M:%S') FROM contacts").fetchall())
    assert rows["g"] == "2024-03-31 01:30:00"  # 03:30 read with +02 (before the change) = 04:30+03:00
    assert rows["a"] == "2024-10-27 01:30:00"  # the later 03:30 (+02), not 00:30 (+03)
    assert rows["o"] == "2024-03-31 01:30:00"


def test_table_data_quality_block_shows_them(write_csv):
    result = run_cli("analyze", str(_generic(write_csv)), "--tz", TZ, "-f", "table")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "1 rows have a local time in a DST gap" in out
    assert "1 rows have a local time that occurs twice" in out


def test_offset_times_and_other_zones_count_nothing(write_csv):
    data = cli_json(run_cli("analyze", str(_generic(write_csv)), "--tz", "UTC", "-f", "json"))
    assert data["input"]["data_quality"]["nonexistent_local_time"] == 0
    assert data["input"]["data_quality"]["ambiguous_local_time"] == 0


def test_gap_boundaries(write_csv):
    src = write_csv("edges.csv", "contact_id,arrived_at,wait_s,outcome",
                    "a,2024-03-31 02:59:59,1,answered", "b,2024-03-31 03:00:00,1,answered",
                    "c,2024-03-31 03:59:59,1,answered", "d,2024-03-31 04:00:00,1,answered",
                    "e,2024-10-27 03:00:00,1,answered", "f,2024-10-27 03:59:59,1,answered")
    dq = run_analyze([src], tz=TZ, by=())["input"]["data_quality"]
    assert (dq["nonexistent_local_time"], dq["ambiguous_local_time"]) == (2, 2)


def _cdr_line(n: int, start: str) -> str:
    return (f'"","04012345{n:02d}","100","queue","SIP/trunk-{n}","SIP/100-{n}","Dial","SIP/100","{start}",'
            f'"{start}","{start}","10","10","ANSWERED","DOCUMENTATION","","{n}.1","",{n}')


def _freeswitch_line(n: int, start: str) -> str:
    return (f'"Alice","04012345{n:02d}","1000","public","{start}","{start}","{start}","10","10","NORMAL_CLEARING",'
            f'"aaaaaaaa-0000-0000-0000-0000000000{n:02d}","","acct"')


def _queue_log(start: str, n: int) -> list[str]:
    return [f"{start},q{n},sales,NONE,ENTERQUEUE,,04012345{n:02d},1,,",
            f"{start},q{n},sales,Agent/7,CONNECT,8,x,3,,", f"{start},q{n},sales,Agent/7,COMPLETEAGENT,8,120,1,,"]


@pytest.mark.parametrize("profile", ["asterisk_cdr", "freeswitch", "asterisk_queue_log"])
def test_every_local_time_reader_counts(tmp_path, profile):
    if profile == "asterisk_cdr":
        lines = [_cdr_line(1, GAP), _cdr_line(2, OVERLAP), _cdr_line(3, "2024-05-01 10:00:00")]
        expected = (1, 1)
    elif profile == "freeswitch":
        lines = [_freeswitch_line(1, GAP), _freeswitch_line(2, OVERLAP), _freeswitch_line(3, "2024-05-01 10:00:00")]
        expected = (1, 1)
    else:  # every event line is a row: three lines per call
        lines = ["time,callid,queuename,agent,event,data1,data2,data3,data4,data5",
                 *_queue_log(GAP, 1), *_queue_log(OVERLAP, 2), *_queue_log("2024-05-01 10:00:00", 3)]
        expected = (3, 3)
    path = tmp_path / "in.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, section = load(tmp_path, [path], profile, input_tz=TZ)
    dq = section["data_quality"]
    assert (dq["nonexistent_local_time"], dq["ambiguous_local_time"]) == expected
    assert section["contacts"] == 3
    assert_identity(section)


def test_amazon_connect_local_times(tmp_path):
    record = ('{{"ContactId": "c{n}", "Channel": "VOICE", "InitiationMethod": "INBOUND", '
              '"DisconnectTimestamp": "{t}", "Queue": {{"Name": "Q", "EnqueueTimestamp": "{t}"}}}}')
    path = tmp_path / "ctr.jsonl"
    path.write_text("\n".join(record.format(n=i, t=t) for i, t in enumerate([GAP, OVERLAP, "2024-05-01 10:00:00"]))
                    + "\n", encoding="utf-8")
    _, section = load(tmp_path, [path], "amazon_connect", input_tz=TZ)
    dq = section["data_quality"]
    assert (dq["nonexistent_local_time"], dq["ambiguous_local_time"]) == (1, 1)
    assert_identity(section)
