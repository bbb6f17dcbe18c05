"""Every profile: detection on every fixture, the row identity on every fixture, the shared
behaviour (empty file, header only, binary data), and the synthetic per-format fixtures."""

from __future__ import annotations

import pytest

from slreport import ingest
from slreport.ingest.text import read_head
from tests.conftest import run_analyze, run_cli
from tests.ingest_helpers import INGEST, assert_identity, cli_json

# fixture → (expected profile, extra library settings)
FIXTURES = {
    "queue_log_voipoffice.csv": "asterisk_queue_log",
    "queue_log_flat.log": "asterisk_queue_log",
    "queue_log_realtime.csv": "asterisk_queue_log",
    "queue_log_realtime_data.csv": "asterisk_queue_log",
    "asterisk_Master_stadion.csv": "asterisk_cdr",
    "asterisk_Master_lab.csv": "asterisk_cdr",
    "freeswitch_Master_lab.csv": "freeswitch",
    "freeswitch_13.csv": "freeswitch",
    "amazon_connect_ctr.jsonl": "amazon_connect",
    "amazon_connect_ctr_array.json": "amazon_connect",
    "cp1252_semicolon.csv": "generic",
    "utf16_tab.txt": "generic",
    "utf8_bom_pipe.csv": "generic",
    "quoted_newlines.csv": "generic",
    "trailing_columns.csv": "generic",
    "split_date_time.csv": "generic",
    "us_time_format.csv": "generic",
    "wait_ms.csv": "generic",
    "missing_wait.csv": "generic",
    "callers.csv": "generic",
    "overlap_week1.csv": "generic",
    "overlap_week2.csv": "generic",
    "generic.jsonl": "generic",
}
MAPS = {
    "cp1252_semicolon.csv": {"contact_id": "Puhelu ID", "arrived_at": "Saapui", "wait_s": "Jonotus",
                             "outcome": "Tulos"},
    "split_date_time.csv": {"arrived_at": "{Päivä} {Aika}", "outcome": "Vastattu"},
    "us_time_format.csv": {"arrived_at": "Start", "outcome": "Outcome"},
    "wait_ms.csv": {"arrived_at": "Start", "wait_s": "Wait (ms)", "outcome": "Outcome"},
}


def test_every_fixture_is_listed():
    assert sorted(p.name for p in INGEST.iterdir()) == sorted(FIXTURES)


@pytest.mark.parametrize(("name", "profile"), sorted(FIXTURES.items()))
def test_detection_picks_the_profile(name, profile):
    assert ingest.detect_profile(read_head(INGEST / name), name).NAME == profile


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_row_identity_and_detected_profile_in_json(name):
    read = {"column_map": MAPS.get(name, {}), "time_formats": ("%m/%d/%Y %I:%M %p",)}
    report = run_analyze([INGEST / name], tz="Europe/Helsinki", read=read)
    inp = report["input"]
    assert_identity(inp)
    assert inp["rows_read"] > 0
    assert inp["files"][0]["profile"] == FIXTURES[name] and inp["files"][0]["detected"] is True


def test_profiles_command_lists_every_profile():
    result = run_cli("profiles")
    assert result.returncode == 0
    lines = result.stdout.decode().splitlines()
    assert [line.split()[0] for line in lines] == list(ingest.PROFILES)
    assert all(len(line.split(None, 1)) == 2 for line in lines)


def test_unknown_profile_is_usage_error():
    result = run_cli("analyze", str(INGEST / "missing_wait.csv"), "--profile", "nope")
    assert result.returncode == 2 and b"asterisk_queue_log" in result.stderr


def test_forced_profile_is_reported():
    result = run_cli("analyze", str(INGEST / "queue_log_flat.log"), "--profile", "asterisk_queue_log", "-f", "json",
                     "--verbose")
    data = cli_json(result)
    assert data["input"]["files"][0]["detected"] is False
    assert b"asterisk_queue_log (--profile)" in result.stderr


def test_undetectable_file_names_profile_option(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some words\nwithout any structure\n")
    result = run_cli("analyze", str(path))
    assert result.returncode == 1
    assert b"--profile" in result.stderr and b"notes.txt" in result.stderr


# --- shared behaviour every reader passes ---------------------------------------------------

@pytest.mark.parametrize("profile", list(ingest.PROFILES))
def test_empty_file_is_clear_error(tmp_path, profile):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = run_cli("analyze", str(path), "--profile", profile, "--tz", "UTC")
    assert result.returncode == 1
    assert result.stderr.decode().count("\n") == 1
    assert "empty.csv" in result.stderr.decode() and "empty" in result.stderr.decode()
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize("profile", list(ingest.PROFILES))
def test_binary_data_is_clear_error(tmp_path, profile):
    path = tmp_path / "blob.csv"
    path.write_bytes(bytes(range(256)) * 4)
    result = run_cli("analyze", str(path), "--profile", profile, "--tz", "UTC")
    assert result.returncode == 1
    expected = b"cannot read as Parquet" if profile == "canonical-parquet" else b"not a text file"
    assert b"blob.csv" in result.stderr and expected in result.stderr
    assert result.stderr.count(b"\n") == 1 and b"Traceback" not in result.stderr


@pytest.mark.parametrize(("profile", "header"), [
    ("generic", "contact_id,arrived_at,wait_s,outcome"),
    ("asterisk_queue_log", "time,callid,queuename,agent,event,data1,data2,data3,data4,data5"),
])
def test_header_only_is_an_empty_report(tmp_path, profile, header):
    path = tmp_path / "quiet_day.csv"
    path.write_text(header + "\n")
    data = cli_json(run_cli("analyze", str(path), "--profile", profile, "--tz", "UTC", "-f", "json"))
    assert data["input"]["rows_read"] == 0 and data["input"]["contacts"] == 0
    assert data["summary"]["offered"] == 0 and data["summary"]["service_level_pct"] is None


@pytest.mark.parametrize("profile", ["asterisk_cdr", "freeswitch", "amazon_connect", "asterisk_queue_log"])
def test_wrong_format_for_profile_names_the_file(tmp_path, profile):
    path = tmp_path / "calls.csv"
    path.write_text("contact_id,arrived_at,outcome\nc1,2024-03-04T10:00:00Z,answered\n")
    result = run_cli("analyze", str(path), "--profile", profile, "--tz", "UTC")
    assert result.returncode == 1
    assert b"calls.csv" in result.stderr and b"Traceback" not in result.stderr


# --- per-format synthetic fixtures ------------------------------------------------------------

def test_queue_log_flat_queue_view():
    report = run_analyze([INGEST / "queue_log_flat.log"], tz=None)
    inp, s = report["input"], report["summary"]
    assert inp["rejected_by_reason"] == {"malformed_line": 1}  # the partial last line
    assert inp["ignored_by_reason"] == {"agent_event": 2, "config_event": 1, "in_progress": 1,
                                        "orphan_event": 1, "queue_event": 11}
    # answered 20 s (boundary) and 10 s; abandoned 45 s; EXITWITHTIMEOUT, EXITWITHKEY, EXITEMPTY
    assert (s["offered"], s["answered"], s["abandoned"], s["flowout"]) == (6, 2, 1, 3)
    assert s["answered_within_threshold"] == 2
    assert s["asa_s"] == pytest.approx(15.0) and s["aht_s"] == pytest.approx(110.0)


def test_queue_log_flat_caller_view():
    read = {"stitch": "caller"}
    report = run_analyze([INGEST / "queue_log_flat.log"], tz=None, read=read)
    inp, s = report["input"], report["summary"]
    assert inp["ignored_by_reason"]["stitched_segment"] == 1
    # the call that timed out of support and was answered in overflow is one answered contact
    assert (s["offered"], s["answered"], s["abandoned"], s["flowout"]) == (5, 2, 1, 2)
    assert s["asa_s"] == pytest.approx((20 + 60 + 10) / 2)
    assert_identity(inp)


def test_queue_log_by_queue_shows_both_visits():
    report = run_analyze([INGEST / "queue_log_flat.log"], tz=None, by=("queue",))
    groups = {g["queue"]: (g["offered"], g["answered"], g["flowout"]) for g in report["by_group"]}
    assert groups == {"support": (5, 1, 3), "overflow": (1, 1, 0)}


def test_queue_log_realtime_needs_tz():
    result = run_cli("analyze", str(INGEST / "queue_log_realtime.csv"), "-f", "json")
    assert result.returncode == 1
    assert b"queue_log_realtime.csv:2" in result.stderr and b"--tz" in result.stderr
    data = cli_json(run_cli("analyze", str(INGEST / "queue_log_realtime.csv"), "--tz", "Europe/Helsinki",
                            "-f", "json"))
    s = data["summary"]
    assert (s["answered"], s["abandoned"], s["asa_s"], s["aht_s"]) == (1, 1, 8.0, 120.0)
    assert data["period"]["first_arrival"] == "2024-03-04T10:00:00+02:00"


def test_queue_log_realtime_single_data_column():
    report = run_analyze([INGEST / "queue_log_realtime_data.csv"], tz=None)
    assert report["input"]["files"][0]["layout"] == "realtime_data"
    s = report["summary"]
    assert (s["answered"], s["flowout"], s["asa_s"], s["aht_s"], s["max_wait_s"]) == (1, 1, 6.0, 60.0, 90.0)


def test_stitch_option_is_checked():
    result = run_cli("analyze", str(INGEST / "queue_log_flat.log"), "--stitch", "agent")
    assert result.returncode == 2 and b"--stitch" in result.stderr


def test_freeswitch_b_leg_folds_into_a_leg():
    report = run_analyze([INGEST / "freeswitch_13.csv"])
    inp, s = report["input"], report["summary"]
    assert inp["ignored_by_reason"] == {"folded_leg": 1}
    # answered after 9 s (talk 300), ORIGINATOR_CANCEL after 25 s, USER_BUSY → flow-out
    assert (s["answered"], s["abandoned"], s["flowout"]) == (1, 1, 1)
    assert (s["asa_s"], s["aht_s"]) == (9.0, 300.0)


def test_amazon_connect_ctr():
    report = run_analyze([INGEST / "amazon_connect_ctr.jsonl"], tz=None, by=("channel",))
    inp, s = report["input"], report["summary"]
    assert inp["rejected_by_reason"] == {"bad_json": 1, "duplicate": 1}
    assert inp["ignored_by_reason"] == {"callback": 1, "not_queued": 1, "outbound": 1}
    assert (s["offered"], s["answered"], s["abandoned"], s["flowout"]) == (5, 3, 1, 1)
    assert s["asa_s"] == pytest.approx(15.0)  # Queue.Duration 15, 25, 5
    # AHT = interaction + hold + ACW of the LATEST c1 record (ACW 25, not 20): (175 + 360 + 100) / 3
    assert s["aht_s"] == pytest.approx(211.6667, abs=1e-4)
    assert inp["aht_basis"] == "talk+hold+acw"
    assert {g["channel"]: g["offered"] for g in report["by_group"]} == {"voice": 3, "chat": 2}
    assert_identity(inp)


def test_amazon_connect_json_array():
    report = run_analyze([INGEST / "amazon_connect_ctr_array.json"], tz=None)
    assert report["input"]["files"][0]["format"] == "json"
    assert report["summary"]["offered"] == 2


def test_several_profiles_in_one_run():
    paths = [INGEST / "queue_log_flat.log", INGEST / "amazon_connect_ctr.jsonl", INGEST / "missing_wait.csv"]
    report = run_analyze(paths, tz=None)
    inp = report["input"]
    assert [f["profile"] for f in inp["files"]] == ["asterisk_queue_log", "amazon_connect", "generic"]
    assert inp["contacts"] == 6 + 5 + 4
    assert_identity(inp)


@pytest.mark.parametrize("name", ["queue_log_flat.log", "asterisk_Master_stadion.csv", "freeswitch_13.csv",
                                  "amazon_connect_ctr.jsonl", "amazon_connect_ctr_array.json", "utf16_tab.txt"])
def test_gzip_input_reads_like_plain(tmp_path, name):
    import gzip

    packed = tmp_path / (name + ".gz")
    packed.write_bytes(gzip.compress((INGEST / name).read_bytes()))
    plain = run_analyze([INGEST / name], tz="UTC")
    zipped = run_analyze([packed], tz="UTC")
    assert zipped["summary"] == plain["summary"]
    assert zipped["input"]["files"][0]["profile"] == FIXTURES[name]
    assert zipped["input"]["rows_read"] == plain["input"]["rows_read"]


def test_rotated_queue_logs_are_one_company_and_overlaps_are_duplicates(tmp_path):
    lines = (INGEST / "queue_log_flat.log").read_text().splitlines()[:-1]  # without the partial line
    (tmp_path / "queue_log.1").write_text("\n".join(lines[:14]) + "\n")
    (tmp_path / "queue_log").write_text("\n".join(lines[9:]) + "\n")  # overlaps lines 10–14
    report = run_analyze([tmp_path / "queue_log.1", tmp_path / "queue_log"], tz=None)
    inp = report["input"]
    assert [c["company"] for c in report["by_company"]] == ["queue_log"]
    # the support and overflow visits of the call in lines 10–14 are in both files
    assert inp["rejected_by_reason"] == {"duplicate": 2}
    assert report["summary"]["offered"] == 6
    assert_identity(inp)


def test_cli_notes_one_line_per_file_on_stderr():
    paths = [INGEST / "queue_log_flat.log", INGEST / "amazon_connect_ctr.jsonl", INGEST / "cp1252_semicolon.csv"]
    result = run_cli("analyze", "--verbose", *map(str, paths), "--map", "arrived_at=Saapui", "--map", "outcome=Tulos",
                     "--map", "wait_s=Jonotus", "--tz", "Europe/Helsinki", "-f", "json")
    data = cli_json(result)
    notes = result.stderr.decode().splitlines()
    assert len(notes) == 3
    assert notes[0].startswith(f"slreport: {paths[0]}: asterisk_queue_log (detected), queue_log, flat")
    assert notes[1].startswith(f"slreport: {paths[1]}: amazon_connect (detected), jsonl")
    assert "generic (detected), csv, cp1252, semicolon; mapped arrived_at=Saapui" in notes[2]
    assert "23 rows: 6 used, 1 rejected, 16 ignored" in notes[0]
    assert [f["profile"] for f in data["input"]["files"]] == ["asterisk_queue_log", "amazon_connect", "generic"]
