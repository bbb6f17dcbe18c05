"""Personal data in every field (issue 24 items 4 and 12): a caller number that lands in another
column is pseudonymised wherever it is quoted; convert datasets pseudonymise callers by default
and stay private; pseudonyms are wide and keys long enough; duplicate contact ids are resolved by
content, not by the order of the rows."""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import random
import stat
from pathlib import Path

import pytest

from tests.conftest import run_cli

KEY = "a-test-key-of-32-bytes-0123456789"
HEADER = "contact_id,company,caller,arrived_at,wait_s,talk_s,outcome"
GOOD = "1,Alpha Oy,+358401234567,2024-03-04T10:00:00Z,5,60,answered"
# An unquoted comma in the company shifts every later field: the caller lands in arrived_at.
# One number per form a phone system writes; (raw form, its last seven digits, normalised number).
SHIFTED = (
    ("+358 40 999 8871", "9998871", "+358409998871"),
    ("040-999 8872", "9998872", "+358409998872"),
    ('"Matti" <00358409998873>', "9998873", "+358409998873"),
    ("sip:+358409998874@pbx.example", "9998874", "+358409998874"),
    ("(040) 999.8875", "9998875", "+358409998875"),
    ("0409998876", "9998876", "+358409998876"),
)


def _shifted_rows() -> list[str]:
    rows = []
    for i, (form, _, _) in enumerate(SHIFTED, start=2):
        field = form.replace('"', '""')
        rows.append(f'{i},Alpha, Oy,"{field}",2024-03-04T11:00:00Z,5,60,answered')
    return rows


def _pseudonym(number: str, key: str = KEY) -> str:
    return "caller:" + hmac.new(key.encode(), number.encode(), hashlib.sha256).hexdigest()[:20]


def _leaked(data: bytes) -> list[str]:
    text = data.decode()
    return [form for form, digits, _ in SHIFTED if digits in text.replace(" ", "").replace(".", "").replace("-", "")
            or form in text]


def _rejects(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def shifted(write_csv):
    readable = (  # rejected values that are not phone numbers stay as they were
        "20,Alpha Oy,0401112220,2024-02-30,5,60,answered",
        "21,Alpha Oy,0401112221,2024-03-04T12:00:00Z,12 s,60,answered",
        "22,Alpha Oy,0401112222,2024-03-04T12:00:00Z,-12,60,answered",
        "23,Alpha Oy,0401112223,2024-03-04 10:00 o'clock,5,60,answered",
    )
    return write_csv("calls.csv", HEADER, GOOD, *_shifted_rows(), *readable)


def test_phone_number_in_any_rejected_column_is_pseudonymised(shifted, tmp_path):
    rejects = tmp_path / "rejects.csv"
    result = run_cli("analyze", str(shifted), "--country", "FI", "--rejects", str(rejects), "-f", "json",
                     "--pseudonym-key", KEY)
    assert result.returncode == 0, result.stderr
    rows = _rejects(rejects)
    moved = [r for r in rows if r["column"] == "arrived_at" and r["reason"] == "bad_timestamp"]
    assert [r["value"] for r in moved][:len(SHIFTED)] == [_pseudonym(n) for _, _, n in SHIFTED]
    assert _leaked(rejects.read_bytes()) == [] and _leaked(result.stderr) == []
    values = {r["value"] for r in rows}
    assert {"2024-02-30", "12 s", "-12", "2024-03-04 10:00 o'clock"} <= values  # still readable


def test_show_callers_shows_the_moved_numbers(shifted, tmp_path):
    rejects = tmp_path / "rejects.csv"
    result = run_cli("analyze", str(shifted), "--country", "FI", "--rejects", str(rejects), "-f", "json",
                     "--show-callers")
    assert result.returncode == 0, result.stderr
    assert _leaked(rejects.read_bytes()) == [form for form, _, _ in SHIFTED]  # the opt-out, so the check can fail
    assert b"caller:" not in rejects.read_bytes()


@pytest.mark.parametrize("case", ["strict", "no-usable-row"])
def test_error_messages_quote_the_pseudonym_not_the_number(write_csv, case):
    lines = [HEADER, *_shifted_rows()] if case == "no-usable-row" else [HEADER, GOOD, *_shifted_rows()]
    src = write_csv("calls.csv", *lines)
    extra = ["--strict"] if case == "strict" else []
    result = run_cli("analyze", str(src), "--country", "FI", "-f", "json", "--pseudonym-key", KEY, *extra)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.startswith("slreport: error: ") and err.count("\n") == 1
    assert _pseudonym(SHIFTED[0][2]) in err and _leaked(result.stderr) == []
    shown = run_cli("analyze", str(src), "--country", "FI", "-f", "json", "--show-callers", *extra)
    assert SHIFTED[0][0].encode() in shown.stderr  # --show-callers: the number, as in the rejects file


def test_header_names_quoted_in_an_error_hide_phone_numbers(write_csv):
    # no header: the first line of data is taken for one, and "columns seen" used to quote the caller
    src = write_csv("calls.csv", *(row for row in _shifted_rows()[:1]), GOOD.replace("+358401234567", "040 999 8871"))
    result = run_cli("analyze", str(src), "-f", "json")
    assert result.returncode == 1 and b"columns seen" in result.stderr
    assert _leaked(result.stderr) == [] and b"<a phone number>" in result.stderr


@pytest.mark.parametrize("where", ["option", "env"])
def test_short_pseudonym_key_is_refused(write_csv, tmp_path, where):
    src = write_csv("calls.csv", HEADER, GOOD)
    rejects = tmp_path / "rejects.csv"
    args = ["analyze", str(src), "--rejects", str(rejects), "-f", "json"]
    result = (run_cli(*args, "--pseudonym-key", "secret") if where == "option"
              else run_cli(*args, env={"SLREPORT_PSEUDONYM_KEY": "secret"}))
    assert result.returncode == 2, result.stderr
    assert b"at least 16" in result.stderr and result.stderr.count(b"\n") == 1
    assert not rejects.exists()


def test_pseudonyms_are_80_bits(shifted, tmp_path):
    rejects = tmp_path / "rejects.csv"
    assert run_cli("analyze", str(shifted), "--rejects", str(rejects), "-f", "json").returncode == 0
    callers = {r["caller"] for r in _rejects(rejects) if r["caller"]}
    assert callers and all(len(c) == len("caller:") + 20 and int(c[7:], 16) >= 0 for c in callers)


# ---- convert: pseudonymised by default, private, FCR unchanged ----------------------------------------

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "calls.csv"


def _dataset_callers(ds: Path) -> list[str | None]:
    import duckdb

    con = duckdb.connect()
    return [c for (c,) in con.execute("SELECT caller FROM read_parquet(?)", [f"{ds}/**/*.parquet"]).fetchall()]


def _dataset_metadata(ds: Path) -> set[tuple[bytes, bytes]]:
    import duckdb

    con = duckdb.connect()
    return {(k, v) for _, k, v in con.execute("SELECT * FROM parquet_kv_metadata(?)", [f"{ds}/**/*.parquet"])
            .fetchall()}


def _convert(*args: str) -> dict:
    result = run_cli("convert", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_convert_pseudonymises_callers_and_repeat_contact_fcr_is_unchanged(tmp_path):
    ds = tmp_path / "ds"
    summary = _convert(str(SAMPLE), "--to", str(ds))
    assert summary["callers"]["callers"] == "pseudonymised"
    callers = _dataset_callers(ds)
    raw = {r["caller"] for r in csv.DictReader(SAMPLE.open(encoding="utf-8")) if r["caller"]}
    assert raw and not raw & set(callers)
    assert all(c is None or (c.startswith("caller:") and len(c) == 27) for c in callers)
    blob = b"".join(p.read_bytes() for p in ds.rglob("*.parquet"))
    assert not any(number.encode() in blob for number in list(raw)[:200])  # not even in statistics
    assert (b"slreport.callers", b"pseudonymised") in _dataset_metadata(ds)
    reports = []
    for source in (SAMPLE, ds):
        result = run_cli("analyze", str(source), "--fcr-method", "repeat", "-f", "json")
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        del report["input"]["files"]  # the only part that names the file read
        reports.append(report)
    assert reports[0]["summary"]["fcr_judged"] > 1000 and reports[0]["summary"]["fcr_pct"] is not None
    assert reports[1] == reports[0]  # every number, FCR included


def test_convert_dataset_is_private(tmp_path):
    ds = tmp_path / "ds"
    _convert(str(SAMPLE), "--to", str(ds))
    folders = [ds, *(p for p in ds.rglob("*") if p.is_dir())]
    files = list(ds.rglob("*.parquet"))
    assert len(folders) > 3 and files
    assert {stat.S_IMODE(p.stat().st_mode) for p in folders} == {0o700}
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}


def test_convert_key_gives_the_rejects_files_pseudonym_and_keep_callers_opts_out(write_csv, tmp_path):
    src = write_csv("calls.csv", HEADER, GOOD, "2,Alpha Oy,040 123 4567,2024-03-04T11:00:00Z,5,60,answered")
    keyed, kept = tmp_path / "keyed", tmp_path / "kept"
    _convert(str(src), "--to", str(keyed), "--country", "FI", "--pseudonym-key", KEY)
    assert _dataset_callers(keyed) == [_pseudonym("+358401234567")] * 2  # normalised first, then hashed
    _convert(str(src), "--to", str(kept), "--country", "FI", "--keep-callers")
    assert _dataset_callers(kept) == ["+358401234567"] * 2
    assert (b"slreport.callers", b"raw") in _dataset_metadata(kept)


def test_convert_refuses_to_mix_raw_and_pseudonymised_and_notes_another_key(write_csv, tmp_path):
    day1 = write_csv("day1.csv", HEADER, GOOD)
    day2 = write_csv("day2.csv", HEADER, "2,Alpha Oy,+358401234567,2024-03-05T10:00:00Z,5,60,answered")
    ds = tmp_path / "ds"
    _convert(str(day1), "--to", str(ds))
    mixed = run_cli("convert", str(day2), "--to", str(ds), "--keep-callers")
    assert mixed.returncode == 2 and b"pseudonymised" in mixed.stderr and mixed.stderr.count(b"\n") == 1
    assert len(list(ds.rglob("*.parquet"))) == 1  # nothing written
    other_key = run_cli("convert", str(day2), "--to", str(ds))  # random key again: cannot be linked
    assert other_key.returncode == 0 and b"another key" in other_key.stderr
    assert json.loads(other_key.stdout)["callers"]["linked"] is False


def test_convert_short_key_is_refused(write_csv, tmp_path):
    src = write_csv("calls.csv", HEADER, GOOD)
    result = run_cli("convert", str(src), "--to", str(tmp_path / "ds"), "--pseudonym-key", "short")
    assert result.returncode == 2 and b"at least 16" in result.stderr
    assert not (tmp_path / "ds").exists()


# ---- duplicate contact ids: the row kept is chosen by content, not by position -------------------------

DUP_HEADER = "contact_id,company,caller,arrived_at,answered_at,ended_at,wait_s,talk_s,outcome,agent"
DUPLICATES = (
    # d1 three ways: the abandoned version has fewer fields (loses on completeness); of the two answered
    # ones, equally complete, the later answer wins (wait 5, not 3)
    "d1,Acme,+358401000001,2024-03-04T10:00:00Z,,2024-03-04T10:00:40Z,40,,abandoned,",
    "d1,Acme,+358401000001,2024-03-04T10:00:00Z,2024-03-04T10:00:05Z,2024-03-04T10:01:05Z,5,60,answered,anna",
    "d1,Acme,+358401000001,2024-03-04T10:00:00Z,2024-03-04T10:00:03Z,2024-03-04T10:01:03Z,3,60,answered,anna",
    # d2: equally complete, equal times, different agent: the total order over the content keeps "anna"
    "d2,Acme,+358401000002,2024-03-04T11:00:00Z,2024-03-04T11:00:10Z,2024-03-04T11:02:10Z,10,120,answered,bert",
    "d2,Acme,+358401000002,2024-03-04T11:00:00Z,2024-03-04T11:00:10Z,2024-03-04T11:02:10Z,10,120,answered,anna",
    # d3 twice with identical content: harmless whichever is kept
    "d3,Acme,+358401000003,2024-03-04T12:00:00Z,,2024-03-04T12:00:30Z,30,,abandoned,",
    "d3,Acme,+358401000003,2024-03-04T12:00:00Z,,2024-03-04T12:00:30Z,30,,abandoned,",
    "d4,Acme,+358401000004,2024-03-04T13:00:00Z,2024-03-04T13:00:20Z,2024-03-04T13:03:20Z,20,180,answered,bert",
)


def _analyze_order(tmp_path: Path, name: str, rows: list[str], *extra: str) -> bytes:
    folder = tmp_path / name
    folder.mkdir()
    src = folder / "calls.csv"  # the same name each time: the JSON names the file
    src.write_text("\n".join([DUP_HEADER, *rows]) + "\n", encoding="utf-8")
    result = run_cli("analyze", "calls.csv", "-f", "json", "--tz", "UTC", *extra, cwd=folder)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_conflicting_duplicates_give_the_same_report_in_any_row_order(tmp_path):
    orders = [list(DUPLICATES), list(reversed(DUPLICATES))]
    for seed in range(3):
        rows = list(DUPLICATES)
        random.Random(seed).shuffle(rows)
        orders.append(rows)
    assert len({tuple(o) for o in orders}) == 5
    for args in ((), ("--by", "agent")):
        outputs = {_analyze_order(tmp_path, f"{'-'.join(args) or 'all'}{i}", rows, *args)
                   for i, rows in enumerate(orders)}
        assert len(outputs) == 1, "the report depends on the row order"


def test_the_most_complete_then_latest_row_wins(tmp_path):
    rejects = tmp_path / "rejects.csv"
    report = json.loads(_analyze_order(tmp_path, "one", list(DUPLICATES), "--by", "agent", "--rejects",
                                       str(rejects)))
    summary = report["summary"]
    # kept: d1 answered after 5 s (anna), d2 anna after 10 s, d3 abandoned, d4 bert after 20 s
    assert (summary["offered"], summary["answered"], summary["abandoned"]) == (4, 3, 1)
    assert summary["asa_s"] == pytest.approx((5 + 10 + 20) / 3, abs=1e-4)
    assert report["input"]["rejected_by_reason"] == {"duplicate": 4}
    answered = {g["agent"]: g["answered"] for g in report["by_group"]}
    assert answered == {"anna": 2, "bert": 1, None: 0}  # None: the abandoned, who reached no agent
    losers = [(r["line"], r["value"]) for r in _rejects(rejects)]  # header is line 1
    assert losers == [("2", "d1"), ("4", "d1"), ("5", "d2"), ("8", "d3")]



def test_a_contact_converted_twice_keeps_its_most_complete_version(tmp_path):
    abandoned, answered = DUPLICATES[0], DUPLICATES[1]  # d1: the answered version has more fields
    reports = []
    for name, first, second in (("ab", abandoned, answered), ("ba", answered, abandoned)):
        ds = tmp_path / name / "ds"
        ds.parent.mkdir()
        for i, row in enumerate((first, second)):
            src = tmp_path / name / f"day{i}.csv"
            src.write_text(f"{DUP_HEADER}\n{row}\n", encoding="utf-8")
            _convert(str(src), "--to", str(ds), "--pseudonym-key", KEY)
        result = run_cli("analyze", str(ds), "-f", "json", "--tz", "UTC")
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["input"]["rejected_by_reason"] == {"duplicate": 1}
        reports.append(report["summary"])
    assert reports[0] == reports[1] and (reports[0]["answered"], reports[0]["abandoned"]) == (1, 0)
