"""--rejects FILE: rejected rows as CSV, mode 0600, written atomically, callers pseudonymised."""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import stat

from tests.conftest import run_cli
from tests.ingest_helpers import cli_json

ROWS = (
    "contact_id,caller,arrived_at,wait_s,outcome",
    "r1,0401234567,2024-03-04T10:00:00Z,5,answered",
    "r2,+358401234567,not a time,5,answered",
    "r3,anonymous,2024-03-04T10:02:00Z,-4,answered",
    "r4,00358401234567,2024-03-04T10:03:00Z,7,maybe",
)


def _pseudonym(key: str, number: str) -> str:
    return "caller:" + hmac.new(key.encode(), number.encode(), hashlib.sha256).hexdigest()[:20]


def _read(path):
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_rejects_file_rows_reasons_and_pseudonyms(write_csv, tmp_path):
    src = write_csv("calls.csv", *ROWS)
    out = tmp_path / "rejects.csv"
    data = cli_json(run_cli("analyze", str(src), "--country", "FI", "--rejects", str(out),
                            "--pseudonym-key", "k1-sixteen-bytes", "-f", "json"))
    assert data["input"]["rows_rejected"] == 3
    rows = _read(out)
    assert [(r["line"], r["reason"], r["column"]) for r in rows] == [
        ("3", "bad_timestamp", "arrived_at"), ("4", "negative_duration", "wait_s"), ("5", "unknown_outcome", "outcome")]
    assert all(r["file"] == str(src) for r in rows)
    # one caller however written; never the raw number; withheld stays empty
    assert rows[0]["caller"] == rows[2]["caller"] == _pseudonym("k1-sixteen-bytes", "+358401234567")
    assert rows[1]["caller"] == ""
    text = out.read_text()
    assert "401234567" not in text


def test_rejects_file_mode_is_0600_and_no_temp_file_left(write_csv, tmp_path):
    src = write_csv("calls.csv", *ROWS)
    out = tmp_path / "out" / "rejects.csv"
    out.parent.mkdir()
    cli_json(run_cli("analyze", str(src), "--rejects", str(out), "-f", "json"))
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert os.listdir(out.parent) == ["rejects.csv"]


def test_pseudonym_key_from_environment(write_csv, tmp_path):
    src = write_csv("calls.csv", *ROWS)
    out = tmp_path / "rejects.csv"
    result = run_cli("analyze", str(src), "--country", "FI", "--rejects", str(out), "-f", "json",
                     env={"SLREPORT_PSEUDONYM_KEY": "from-env-16-bytes"})
    cli_json(result)
    assert _read(out)[0]["caller"] == _pseudonym("from-env-16-bytes", "+358401234567")


def test_random_key_per_run_differs(write_csv, tmp_path):
    src = write_csv("calls.csv", *ROWS)
    seen = []
    for name in ("a.csv", "b.csv"):
        cli_json(run_cli("analyze", str(src), "--rejects", str(tmp_path / name), "-f", "json"))
        seen.append(_read(tmp_path / name)[0]["caller"])
    assert seen[0].startswith("caller:") and seen[0] != seen[1]


def test_rejects_into_missing_folder_is_clear_error(write_csv, tmp_path):
    src = write_csv("calls.csv", *ROWS)
    result = run_cli("analyze", str(src), "--rejects", str(tmp_path / "nope" / "r.csv"))
    assert result.returncode == 1 and b"--rejects" in result.stderr and b"Traceback" not in result.stderr


def test_json_report_never_holds_raw_callers(write_csv):
    src = write_csv("calls.csv", *ROWS)
    result = run_cli("analyze", str(src), "-f", "json")
    assert b"401234567" not in result.stdout and b"401234567" not in result.stderr


def test_rejects_file_is_not_written_when_no_row_is_usable(write_csv, tmp_path):
    src = write_csv("calls.csv", ROWS[0], ROWS[2], ROWS[3])
    out = tmp_path / "rejects.csv"
    result = run_cli("analyze", str(src), "--rejects", str(out), "-f", "json")
    assert result.returncode == 1
    assert b"calls.csv:2" in result.stderr  # the first rejected row, with its fix
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calls.csv"]  # a failed run writes nothing
