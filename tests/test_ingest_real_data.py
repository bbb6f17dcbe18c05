"""Real exports from public phone systems (tests/data/ingest, see /work/shared/data/README.md):
the facts stated for each file, through the library and the real CLI."""

from __future__ import annotations

import pytest

from tests.conftest import run_analyze, run_cli
from tests.ingest_helpers import INGEST, assert_identity, cli_json, load

QUEUE_LOG = INGEST / "queue_log_voipoffice.csv"
STADION = INGEST / "asterisk_Master_stadion.csv"
LAB = INGEST / "asterisk_Master_lab.csv"
FS_LAB = INGEST / "freeswitch_Master_lab.csv"


def test_queue_log_counts_and_waits_library():
    report = run_analyze([QUEUE_LOG])
    s, inp = report["summary"], report["input"]
    # 108 ENTERQUEUE: 93 CONNECT, 12 ABANDON, 1 EXITWITHTIMEOUT (a flow-out), 2 still queued.
    assert (s["offered"], s["answered"], s["abandoned"], s["flowout"]) == (106, 93, 12, 1)
    assert inp["in_progress"] == 2
    assert inp["ignored_by_reason"]["in_progress"] == 2
    assert s["asa_s"] == pytest.approx(38.6989, abs=1e-4)  # mean CONNECT holdtime 38.7 s
    assert s["answered_within_threshold"] == 39
    assert run_analyze([QUEUE_LOG], threshold_s=30)["summary"]["answered_within_threshold"] == 64
    assert inp["files"][0]["profile"] == "asterisk_queue_log"
    assert inp["files"][0]["layout"] == "queuemetrics"
    assert_identity(inp)


def test_queue_log_agent_and_outbound_rows_are_ignored_not_rejected():
    inp = run_analyze([QUEUE_LOG])["input"]
    assert inp["rows_read"] == 1000 and inp["rows_rejected"] == 0
    # ADDMEMBER 26 + REMOVEMEMBER 10 + AGENTCALLBACKLOGIN 14 + AGENTCALLBACKLOGOFF 10
    assert inp["ignored_by_reason"]["agent_event"] == 60
    # OUTDIAL 128, OUTANSWER 77, OUTCANCEL 24, OUTCHANUNAVAIL 18, OUTCONGESTION 9, OUTTRANSFER 1
    assert inp["ignored_by_reason"]["outbound_event"] == 257
    # QUEUESTART 7 + CONFIGRELOAD 11
    assert inp["ignored_by_reason"]["config_event"] == 18


def test_queue_log_distinct_callers(tmp_path):
    con, _ = load(tmp_path, [QUEUE_LOG])
    callers = con.execute(
        "SELECT count(*), count(*) FILTER (n > 1) FROM "
        "(SELECT caller, count(*) AS n FROM staged WHERE contact_id IS NOT NULL GROUP BY caller)"
    ).fetchall()[0]
    assert callers == (63, 24)


def test_queue_log_cli_matches_library():
    data = cli_json(run_cli("analyze", str(QUEUE_LOG), "-f", "json"))
    assert data == run_analyze([QUEUE_LOG])
    assert data["summary"]["answered"] == 93


def test_asterisk_stadion_legs_fold_into_linkedid_calls():
    report = run_analyze([STADION], tz="Europe/Moscow")
    inp, s = report["input"], report["summary"]
    assert inp["rows_read"] == 84
    assert inp["files"][0]["grouped_by"] == "linkedid"
    # 36 linkedid: 6 answered by the dialplan alone (Hangup, no Dial leg) are not offered.
    assert inp["ignored_by_reason"] == {"folded_leg": 84 - 36, "not_offered": 6}
    assert (s["offered"], s["answered"], s["abandoned"], s["flowout"]) == (30, 24, 5, 1)
    assert inp["files"][0]["encoding"] in ("cp1252", "latin-1")  # clid bytes that are not UTF-8
    assert report["input"]["aht_basis"] == "talk"
    assert_identity(inp)


def test_asterisk_stadion_dispositions(tmp_path):
    con, _ = load(tmp_path, [STADION], input_tz="UTC")
    # disposition is field 15; every leg is staged once
    rows = con.execute("SELECT count(*) FROM staged").fetchall()[0][0]
    assert rows == 84
    detail = dict(con.execute(
        "SELECT outcome, count(*) FROM contacts GROUP BY ALL").fetchall())
    assert detail == {"answered": 24, "abandoned": 5, "flowout": 1}


def test_asterisk_lab_nondefault_field_order():
    report = run_analyze([LAB], tz="UTC")
    inp, s = report["input"], report["summary"]
    assert inp["files"][0]["fields"]["start"] == 9 and inp["files"][0]["fields"]["disposition"] == 14
    assert (s["offered"], s["answered"], s["abandoned"]) == (14, 11, 3)  # ANSWERED 11, NO ANSWER 3
    assert inp["data_quality"]["withheld_caller"] == 14  # SIP user names are not phone numbers
    assert_identity(inp)


def test_freeswitch_lab():
    report = run_analyze([FS_LAB], tz="Asia/Shanghai")
    inp, s = report["input"], report["summary"]
    assert inp["rows_read"] == 10
    # 8 "Outbound Call" originations (the last three share one uuid: one call, two folded rows)
    assert inp["ignored_by_reason"] == {"outbound": 6, "folded_leg": 2}
    # 0 → 1002 NO_USER_RESPONSE (abandoned), 1002 → 1004 answered
    assert (s["offered"], s["answered"], s["abandoned"]) == (2, 1, 1)
    assert_identity(inp)


@pytest.mark.parametrize("path", [STADION, LAB, FS_LAB])
def test_offsetless_exports_need_tz(path):
    result = run_cli("analyze", str(path), "-f", "json")
    assert result.returncode == 1
    err = result.stderr.decode()
    assert str(path) in err and "--tz" in err
    assert result.stdout == b""


@pytest.mark.parametrize(("path", "tz"), [(STADION, "Europe/Moscow"), (LAB, "UTC"), (FS_LAB, "Asia/Shanghai")])
def test_cli_json_equals_library_on_cdr_exports(path, tz):
    result = run_cli("analyze", str(path), "--tz", tz, "-f", "json", "--verbose")
    data = cli_json(result)
    assert data == run_analyze([path], tz=tz)
    assert f"{path}: " in result.stderr.decode() and "(detected)" in result.stderr.decode()


def test_help_stays_light():
    result = run_cli("--help")
    assert result.returncode == 0 and b"profiles" in result.stdout
