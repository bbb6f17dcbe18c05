"""Messy exports: encodings, delimiters, decimal comma, quoted newlines, trailing columns,
split date/time, explicit time formats, units, flags, missing waits, overlapping files."""

from __future__ import annotations

import datetime as dt

import duckdb
import openpyxl
import pytest

from tests.conftest import run_analyze, run_cli
from tests.ingest_helpers import INGEST, assert_identity, cli_json, load

FINNISH_MAP = {"contact_id": "Puhelu ID", "queue": "Jono", "caller": "Soittaja", "arrived_at": "Saapui",
               "wait_s": "Jonotus", "talk_s": "Puheaika", "outcome": "Tulos"}


def test_cp1252_semicolon_decimal_comma():
    report = run_analyze([INGEST / "cp1252_semicolon.csv"], tz="Europe/Helsinki", by=("queue",),
                         read={"column_map": FINNISH_MAP})
    f = report["input"]["files"][0]
    assert (f["encoding"], f["delimiter"]) == ("cp1252", "semicolon")
    assert {g["queue"] for g in report["by_group"]} == {"Myynti Ä", "Tuki Ö", "Asiakaspalvelu Å", "Støtte Ø"}
    s = report["summary"]
    # waits 12,5 / 30,25 (abandoned) / 5 / 1:05 → ASA (12.5 + 5 + 65) / 3
    assert (s["answered"], s["abandoned"]) == (3, 1)
    assert s["asa_s"] == pytest.approx(27.5)
    assert s["aht_s"] == pytest.approx((60 + 120.5 + 30) / 3, abs=1e-4)
    assert s["answered_within_threshold"] == 2


def test_cp1252_byte_past_the_head_and_duckdbs_sample_is_found(tmp_path):
    # The head is plain UTF-8, so the file is read as UTF-8 without decoding it first; DuckDB refuses
    # the Windows-1252 "é" on line 25 002, and the file is read again with its encoding detected.
    header = "contact_id,company,direction,caller,arrived_at,wait_s,talk_s,outcome\n"
    rows = [f"{i},{'Café' if i > 25_000 else 'Cafe'},inbound,+35840{i:07d},2026-03-02T09:00:00+02:00,10,40,answered\n"
            for i in range(25_010)]
    path = tmp_path / "late_cp1252.csv"
    path.write_bytes((header + "".join(rows)).encode("cp1252"))
    report = cli_json(run_cli("analyze", str(path), "--format", "json"))
    f = report["input"]["files"][0]
    assert (f["encoding"], f["rows_read"], f["rows_used"]) == ("cp1252", 25_010, 25_010)
    assert {c["company"]: c["offered"] for c in report["by_company"]} == {"Cafe": 25_001, "Café": 9}


def test_utf16_excel_unicode_text():
    report = run_analyze([INGEST / "utf16_tab.txt"], by=("queue",))
    f = report["input"]["files"][0]
    assert (f["encoding"], f["delimiter"]) == ("utf-16", "tab")
    assert [g["queue"] for g in report["by_group"]] == ["Söderby"]
    assert (report["summary"]["answered"], report["summary"]["abandoned"]) == (1, 1)


def test_utf8_bom_and_pipe():
    report = run_analyze([INGEST / "utf8_bom_pipe.csv"], by=("queue",))
    f = report["input"]["files"][0]
    assert (f["encoding"], f["delimiter"]) == ("utf-8-sig", "pipe")
    assert f["columns"]["contact_id"] == "contact_id"  # the BOM is not part of the first header
    assert report["summary"]["offered"] == 3 and report["summary"]["short_abandoned"] == 1


def test_quoted_newlines_keep_rows_together_and_name_the_row():
    report = run_analyze([INGEST / "quoted_newlines.csv"])
    inp = report["input"]
    assert inp["rows_read"] == 3 and inp["contacts"] == 2
    assert inp["rejected_by_reason"] == {"bad_timestamp": 1}
    assert_identity(inp)


def test_quoted_newlines_rejects_file_names_row(tmp_path):
    out = tmp_path / "rejects.csv"
    result = run_cli("analyze", str(INGEST / "quoted_newlines.csv"), "--rejects", str(out), "-f", "json")
    cli_json(result)
    lines = out.read_text().splitlines()
    assert lines[0] == "file,line,reason,column,value,caller"
    assert lines[1] == f"{INGEST / 'quoted_newlines.csv'},4,bad_timestamp,arrived_at,yesterday,"


def test_trailing_empty_columns():
    inp = run_analyze([INGEST / "trailing_columns.csv"])["input"]
    assert (inp["rows_read"], inp["contacts"], inp["rows_rejected"]) == (3, 3, 0)


def test_split_date_and_time_columns_with_nordic_formats():
    read = {"column_map": {"arrived_at": "{Päivä} {Aika}", "wait_s": "Jonotusaika", "talk_s": "Puheaika",
                           "outcome": "Vastattu", "resolved": "Ratkaistu"}}
    report = run_analyze([INGEST / "split_date_time.csv"], tz="Europe/Helsinki", read=read)
    s = report["summary"]
    # waits 0:00:12 and 0:00:20 (the boundary counts) answered; 0:01:05 abandoned (flag E)
    assert (s["offered"], s["answered"], s["abandoned"]) == (3, 2, 1)
    assert s["answered_within_threshold"] == 2
    assert s["aht_s"] == pytest.approx(160.0)
    assert report["period"]["first_arrival"] == "2024-01-31T08:15:00+02:00"


def test_split_date_time_cli_mapping_note():
    result = run_cli("analyze", "--verbose", str(INGEST / "split_date_time.csv"), "--tz", "Europe/Helsinki",
                     "--map", "arrived_at={Päivä} {Aika}", "--map", "outcome=Vastattu", "-f", "json")
    data = cli_json(result)
    assert data["input"]["files"][0]["columns"]["arrived_at"] == "{Päivä} {Aika}"
    assert "generic (detected)" in result.stderr.decode()
    assert "arrived_at={Päivä} {Aika}" in result.stderr.decode()


def test_time_format_option_reads_us_times():
    args = ["analyze", str(INGEST / "us_time_format.csv"), "--tz", "America/New_York", "--map", "contact_id=Call",
            "--map", "arrived_at=Start", "--map", "wait_s=Wait", "--map", "outcome=Outcome", "-f", "json"]
    without = run_cli(*args)
    assert without.returncode == 1
    assert b"us_time_format.csv:2" in without.stderr and b"timestamp" in without.stderr
    data = cli_json(run_cli(*args, "--time-format", "%m/%d/%Y %I:%M %p"))
    assert data["period"]["first_arrival"] == "2024-03-04T13:05:00-05:00"
    assert data["summary"]["offered"] == 2


def test_milliseconds_from_header_and_threshold_boundary():
    read = {"column_map": {"contact_id": "Call", "arrived_at": "Start", "wait_s": "Wait (ms)", "outcome": "Outcome"}}
    report = run_analyze([INGEST / "wait_ms.csv"], read=read)
    assert report["input"]["files"][0]["units"] == {"wait_s": "ms"}
    s = report["summary"]
    assert s["answered_within_threshold"] == 2  # 1.5 s and 20.000 s; 20.001 s is over
    assert s["max_wait_s"] == pytest.approx(20.001)


def test_missing_wait_is_offered_but_never_within_threshold():
    report = run_analyze([INGEST / "missing_wait.csv"])
    s, dq = report["summary"], report["input"]["data_quality"]
    assert dq["missing_wait"] == 2
    assert (s["offered"], s["answered"], s["abandoned"]) == (4, 2, 2)
    assert s["short_abandoned"] == 1  # only the 3 s abandon; the one without wait is not short
    assert s["answered_within_threshold"] == 1
    assert s["service_level_pct"] == pytest.approx(100 / 3, abs=1e-4)  # 1 / (4 − 1)
    assert s["asa_s"] == pytest.approx(10.0)


def test_missing_wait_in_table_data_quality():
    result = run_cli("analyze", str(INGEST / "missing_wait.csv"), "-f", "table")
    assert result.returncode == 0
    assert "2 contacts have no wait time" in result.stdout.decode()


def test_overlapping_files_by_glob_count_duplicates():
    report = run_analyze([str(INGEST / "overlap_week*.csv")])
    inp = report["input"]
    assert [f["path"].rsplit("/", 1)[-1] for f in inp["files"]] == ["overlap_week1.csv", "overlap_week2.csv"]
    assert inp["rejected_by_reason"] == {"duplicate": 1}
    assert report["summary"]["offered"] == 5
    assert_identity(inp)


@pytest.mark.parametrize(("country", "distinct", "withheld"), [("FI", 2, 5), (None, 4, 5)])
def test_caller_normalisation(tmp_path, country, distinct, withheld):
    con, section = load(tmp_path, [INGEST / "callers.csv"], country=country)
    sql = "SELECT count(DISTINCT caller), count(*) FILTER (caller IS NULL) FROM contacts"
    n, nulls = con.execute(sql).fetchall()[0]
    assert (n, nulls) == (distinct, withheld)
    assert section["data_quality"]["withheld_caller"] == withheld


def test_caller_forms_are_one_caller_with_country(tmp_path):
    con, _ = load(tmp_path, [INGEST / "callers.csv"], country="FI")
    rows = con.execute("SELECT DISTINCT caller FROM contacts WHERE caller IS NOT NULL ORDER BY 1").fetchall()
    assert rows == [("+358401234567",), ("+46701234567",)]


def test_unknown_country_is_usage_error():
    result = run_cli("analyze", str(INGEST / "callers.csv"), "--country", "XX")
    assert result.returncode == 2 and b"--country" in result.stderr


def test_xlsx_sheet_and_flags(tmp_path):
    path = tmp_path / "calls.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    book.active.append(["nothing here"])
    ws = book.create_sheet("Calls")
    ws.append(["Call", "Started", "Wait", "Answered"])
    ws.append([1, dt.datetime(2024, 3, 4, 10, 0, 0), 12, "Y"])
    ws.append([2, dt.datetime(2024, 3, 4, 10, 5, 0), 45.5, "N"])
    ws.append([3, dt.datetime(2024, 3, 4, 10, 9, 0), "0:00:21", "TRUE"])
    book.save(path)
    read = {"sheet": "Calls",
            "column_map": {"contact_id": "Call", "arrived_at": "Started", "wait_s": "Wait", "outcome": "Answered"}}
    report = run_analyze([path], tz="Europe/Helsinki", read=read)
    assert report["input"]["files"][0]["sheet"] == "Calls"
    s = report["summary"]
    assert (s["answered"], s["abandoned"], s["answered_within_threshold"]) == (2, 1, 1)
    assert report["period"]["first_arrival"] == "2024-03-04T10:00:00+02:00"


def test_xlsx_unknown_sheet_names_the_sheets(tmp_path):
    path = tmp_path / "calls.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Calls"
    book.save(path)
    result = run_cli("analyze", str(path), "--sheet", "Nope")
    assert result.returncode == 1 and b"Calls" in result.stderr and b"--sheet" in result.stderr


def test_parquet_with_typed_columns(tmp_path):
    path = tmp_path / "calls.parquet"
    duckdb.connect().execute(
        f"""COPY (SELECT 'c' || i AS contact_id, TIMESTAMPTZ '2024-03-04 10:00:00+00' + i * INTERVAL 1 MINUTE
                   AS arrived_at, i * 10 AS wait_s, CASE WHEN i % 2 = 0 THEN 'answered' ELSE 'abandoned' END
                   AS outcome FROM range(4) t(i)) TO '{path}' (FORMAT parquet)""")
    report = run_analyze([path], tz=None)
    assert report["input"]["files"][0]["format"] == "parquet"
    s = report["summary"]
    assert (s["answered"], s["abandoned"], s["asa_s"]) == (2, 2, 10.0)


def test_generic_json_lines():
    report = run_analyze([INGEST / "generic.jsonl"])
    assert report["input"]["files"][0]["format"] == "jsonl"
    assert (report["summary"]["answered"], report["summary"]["abandoned"]) == (1, 1)


def test_answered_flag_column_is_the_outcome_without_map(write_csv):
    path = write_csv("flags.csv", "contact_id,arrived_at,wait_s,answered",
                     "f1,2024-03-04T10:00:00Z,5,Y", "f2,2024-03-04T10:01:00Z,9,N", "f3,2024-03-04T10:02:00Z,30,1")
    report = run_analyze([path])
    assert report["input"]["files"][0]["columns"]["outcome"] == "answered"
    s = report["summary"]
    assert (s["answered"], s["abandoned"], s["answered_within_threshold"]) == (2, 1, 1)


def test_outcome_from_empty_answer_time(write_csv):
    path = write_csv("times.csv", "contact_id,arrived_at,answered_at",
                     "a1,2024-03-04T10:00:00Z,2024-03-04T10:00:12Z", "a2,2024-03-04T10:01:00Z,")
    s = run_analyze([path])["summary"]
    assert (s["answered"], s["abandoned"], s["asa_s"]) == (1, 1, 12.0)


def test_stdin_is_detected(write_csv):
    data = (INGEST / "queue_log_flat.log").read_bytes()
    result = run_cli("analyze", "-", "-f", "json", "--verbose", stdin=data)
    assert cli_json(result)["input"]["files"][0]["profile"] == "asterisk_queue_log"
    assert b"<stdin>: asterisk_queue_log (detected)" in result.stderr
