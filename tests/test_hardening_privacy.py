"""Caller numbers are personal data: no output of a default run holds them, raw or pseudonymised;
the rejects file pseudonymises them unless --show-callers; written tables and rejects are 0600."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_cli

# Known callers in the forms phone systems write them; the digits below must appear nowhere.
ROWS = (
    "contact_id,company,caller,arrived_at,wait_s,talk_s,outcome,resolved",
    "1,Alpha Oy,+358 40 123 4567,2024-03-04T10:00:00Z,5,60,answered,N",
    "2,Alpha Oy,0401234567,2024-03-04T11:00:00Z,25,60,answered,Y",  # the same caller again (FCR repeat)
    "3,Beta Oy,\"Matti <00358409876543>\",2024-03-04T12:00:00Z,8,0,abandoned,",
    "4,Beta Oy,sip:+358409876543@pbx.example,2024-03-05T09:00:00Z,3,90,answered,Y",
    "5,Beta Oy,+358501112223,not a time,5,60,answered,Y",  # rejected: its caller goes to --rejects only
)
SECRETS = (b"1234567", b"9876543", b"1112223", b"123 4567")


def _leaks(data: bytes) -> list[bytes]:
    return [s for s in SECRETS if s in data] + ([b"caller:"] if b"caller:" in data else [])


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _content(path: Path) -> bytes:
    if path.suffix == ".xlsx":  # zipped XML: look inside
        with zipfile.ZipFile(path) as z:
            return b"".join(z.read(n) for n in z.namelist())
    return path.read_bytes()


@pytest.fixture
def calls(write_csv):
    return write_csv("calls.csv", *ROWS)


@pytest.mark.parametrize("fmt", ["json", "table", "markdown", "csv"])
def test_stdout_formats_hold_no_caller(calls, fmt):
    result = run_cli("analyze", str(calls), "--country", "FI", "--fcr-method", "repeat", "-f", fmt, "--verbose")
    assert result.returncode == 0, result.stderr
    assert b"Alpha Oy" in result.stdout  # the report is there …
    assert _leaks(result.stdout) == [] and _leaks(result.stderr) == []  # … the callers are not


@pytest.mark.parametrize("tables", ["csv", "xlsx", "parquet"])
def test_report_folder_holds_no_caller_and_tables_are_private(calls, tmp_path, tables):
    out = tmp_path / "report"
    result = run_cli("analyze", str(calls), "--country", "FI", "--fcr-method", "repeat", "--out", str(out),
                     "--tables", tables, "--chart-format", "svg")
    assert result.returncode == 0, result.stderr
    files = _files(out)
    assert {"summary.json", "report.html"} <= {p.name for p in files} and any(p.suffix == ".svg" for p in files)
    for path in files:
        assert _leaks(_content(path)) == [], path.name
        if path.suffix in (".csv", ".xlsx", ".parquet"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert any(p.suffix == f".{tables}" for p in files)


def test_rejects_file_pseudonymises_by_default_and_is_private(calls, tmp_path):
    rejects = tmp_path / "rejects.csv"
    result = run_cli("analyze", str(calls), "--country", "FI", "--rejects", str(rejects), "-f", "json")
    assert result.returncode == 0, result.stderr
    data = rejects.read_bytes()
    assert _leaks(data) == [b"caller:"]  # a pseudonym, never the number
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600


def test_show_callers_is_the_explicit_opt_out(calls, tmp_path):
    rejects = tmp_path / "rejects.csv"
    result = run_cli("analyze", str(calls), "--country", "FI", "--rejects", str(rejects), "-f", "json",
                     "--show-callers")
    assert result.returncode == 0, result.stderr
    assert b"+358501112223" in rejects.read_bytes() and b"caller:" not in rejects.read_bytes()
    assert _leaks(result.stdout) == []  # the report itself still holds no caller
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600


def test_same_key_gives_the_same_pseudonym_from_env_or_option(calls, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    run_cli("analyze", str(calls), "--country", "FI", "--rejects", str(a), "--pseudonym-key", "k1-sixteen-bytes",
            "-f", "json")
    run_cli("analyze", str(calls), "--country", "FI", "--rejects", str(b), "-f", "json",
            env={"SLREPORT_PSEUDONYM_KEY": "k1-sixteen-bytes"})
    assert a.read_bytes() == b.read_bytes()
    assert b"caller:" in a.read_bytes()
