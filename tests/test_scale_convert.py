"""slreport convert: the partitioned Parquet dataset, appending, idempotent reruns, safe company
folders, the canonical-parquet reader and its arrival-window pruning."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from slreport.errors import InputError
from slreport.ingest.convert import convert
from slreport.options.read import ReadOptions
from slreport.options.settings import Settings
from slreport.pipeline import RunOptions, analyze
from tests.conftest import ROOT, run_cli

SAMPLE = ROOT / "sample_data" / "calls.csv"
HEADER = "contact_id,company,caller,arrived_at,wait_s,talk_s,outcome"


def parts(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.parquet"))}


def report_of(path: Path | str, **read: object) -> dict:
    return analyze([str(path)], Settings(timezone="Europe/Helsinki"), RunOptions(read=ReadOptions(**read)))


def without_input_files(report: dict) -> dict:
    out = json.loads(json.dumps(report))
    out["input"].pop("files")
    return out


def test_the_dataset_gives_the_same_report_as_the_csv(tmp_path):
    result = convert([str(SAMPLE)], tmp_path / "ds")
    rows = len(SAMPLE.read_text(encoding="utf-8").splitlines()) - 1
    assert result["input"]["contacts"] == rows
    from_csv = report_of(SAMPLE, input_tz="Europe/Helsinki")
    from_ds = report_of(tmp_path / "ds")
    assert from_ds["input"]["files"][0]["profile"] == "canonical-parquet"
    assert without_input_files(from_ds) == without_input_files(from_csv)


def test_layout_is_company_and_utc_month_with_zstd(tmp_path, write_csv):
    # 2024-04-01 01:00 in Helsinki (+03:00) is still March in UTC: the month is the UTC month.
    src = write_csv("a.csv", HEADER, "1,Acme,+1,2024-04-01 01:00:00+03:00,5,60,answered",
                    "2,Acme,+2,2024-04-01 03:00:00+03:00,5,60,answered")
    convert([str(src)], tmp_path / "ds")
    dirs = sorted({Path(p).parent.as_posix() for p in parts(tmp_path / "ds")})
    assert dirs == ["company=Acme/month=2024-03", "company=Acme/month=2024-04"]
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(next((tmp_path / "ds").rglob("*.parquet"))).metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"


def test_a_rerun_is_idempotent_and_a_new_export_appends_without_touching_old_files(tmp_path, write_csv):
    day1 = write_csv("day1.csv", HEADER, "1,Acme,+1,2024-01-10 09:00:00Z,5,60,answered")
    day2 = write_csv("day2.csv", HEADER, "2,Acme,+2,2024-01-11 09:00:00Z,50,60,abandoned")
    ds = tmp_path / "ds"
    keyed = ReadOptions(pseudonym_key="a-key-of-sixteen-bytes-or-more")  # a random key per run changes the bytes
    first = convert([str(day1)], ds, keyed)
    before = parts(ds)
    again = convert([str(day1)], ds, keyed)
    assert again["run_id"] == first["run_id"] and parts(ds) == before
    second = convert([str(day2)], ds, keyed)
    after = parts(ds)
    assert second["run_id"] != first["run_id"]
    assert {k: v for k, v in after.items() if k in before} == before  # old files byte-identical
    assert len(after) == len(before) + 1
    summary = report_of(ds)["summary"]
    assert (summary["offered"], summary["answered"], summary["abandoned"]) == (2, 1, 1)


def test_overlapping_exports_converted_twice_are_counted_once(tmp_path, write_csv):
    a = write_csv("a.csv", HEADER, "1,Acme,+1,2024-01-10 09:00:00Z,5,60,answered")
    b = write_csv("b.csv", HEADER, "1,Acme,+1,2024-01-10 09:00:00Z,5,60,answered",
                  "2,Acme,+2,2024-01-10 10:00:00Z,5,60,answered")
    convert([str(a)], tmp_path / "ds")
    convert([str(b)], tmp_path / "ds")
    report = report_of(tmp_path / "ds")
    assert report["summary"]["offered"] == 2
    assert report["input"]["rejected_by_reason"] == {"duplicate": 1}


def test_a_dataset_read_with_another_export_still_rejects_the_contact_in_both(tmp_path, write_csv):
    a = write_csv("a.csv", HEADER, "1,Acme,+1,2024-01-10 09:00:00Z,5,60,answered")
    b = write_csv("b.csv", HEADER, "1,Acme,+1,2024-01-10 09:00:00Z,5,60,answered",
                  "2,Acme,+2,2024-01-10 10:00:00Z,5,60,answered")
    convert([str(a)], tmp_path / "ds")
    report = analyze([str(tmp_path / "ds"), str(b)], Settings(timezone="Europe/Helsinki"))
    assert [f["profile"] for f in report["input"]["files"]] == ["canonical-parquet", "generic"]
    assert report["summary"]["offered"] == 2
    assert report["input"]["rejected_by_reason"] == {"duplicate": 1}
    assert [f["rows_rejected"] for f in report["input"]["files"]] == [0, 1]  # the first seen is kept


def test_a_file_not_written_by_convert_is_searched_for_duplicates_even_alone_in_its_folder(tmp_path, write_csv):
    convert([str(write_csv("a.csv", HEADER, "1,Acme,+1,2024-01-10 09:00:00Z,5,60,answered",
                           "2,Acme,+2,2024-01-10 10:00:00Z,5,60,answered"))], tmp_path / "ds")
    (part,) = (tmp_path / "ds").rglob("*.parquet")
    doubled = part.with_name("hand-made.parquet")
    duckdb.execute(f"COPY (FROM read_parquet('{part}') UNION ALL FROM read_parquet('{part}')) TO '{doubled}'")
    part.unlink()
    report = report_of(tmp_path / "ds")
    assert report["summary"]["offered"] == 2
    assert report["input"]["rejected_by_reason"] == {"duplicate": 2}


def test_the_same_id_in_two_companies_is_two_contacts_in_a_dataset(tmp_path, write_csv):
    convert([str(write_csv("a.csv", HEADER, "1,Acme,+1,2024-01-10 09:00:00Z,5,60,answered",
                           "1,Acme,+1,2024-02-10 09:00:00Z,5,60,answered",
                           "1,Beta,+1,2024-01-10 09:00:00Z,5,60,answered"))], tmp_path / "ds")
    report = report_of(tmp_path / "ds")  # convert rejected Acme's second "1" and did not write it
    assert report["input"]["rows_read"] == 2
    assert report["input"]["rejected_by_reason"] == {}
    assert [(c["company"], c["offered"]) for c in report["by_company"]] == [("Acme", 1), ("Beta", 1)]


def test_a_dataset_with_duplicates_lists_them_in_the_rejects_file(tmp_path, write_csv):
    rows = ["1,Acme,+1,2024-01-10 09:00:00Z,5,60,answered", "2,Acme,+2,2024-01-10 10:00:00Z,5,60,answered"]
    convert([str(write_csv("a.csv", HEADER, rows[0]))], tmp_path / "ds")
    convert([str(write_csv("b.csv", HEADER, rows[1], rows[0]))], tmp_path / "ds")
    out = run_cli("analyze", str(tmp_path / "ds"), "--rejects", str(tmp_path / "rejects.csv"), "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["summary"]["offered"] == 2
    lines = (tmp_path / "rejects.csv").read_text().splitlines()
    assert lines[0] == "file,line,reason,column,value,caller"
    assert len(lines) == 2 and ",duplicate,contact_id,1," in lines[1]


@pytest.mark.parametrize("name", ["a/b", "..", "../../etc", "x%2Fy", "c=d", "back\\slash", "Äiti Oy"])
def test_company_names_stay_inside_the_dataset_and_read_back_exactly(tmp_path, write_csv, name):
    quoted = '"' + name.replace('"', '""') + '"'
    src = write_csv("a.csv", HEADER, f"1,{quoted},+1,2024-01-10 09:00:00Z,5,60,answered")
    ds = tmp_path / "ds"
    convert([str(src)], ds)
    files = list(ds.rglob("*.parquet"))
    assert len(files) == 1
    assert files[0].resolve().is_relative_to(ds.resolve())
    assert files[0].relative_to(ds).parts[0].startswith("company=")
    assert len(files[0].relative_to(ds).parts) == 3  # company=…/month=…/part-….parquet: no extra levels
    assert [r["company"] for r in report_of(ds)["by_company"]] == [name]


def test_rejected_rows_are_accounted_by_convert_and_not_written(tmp_path, write_csv):
    src = write_csv("a.csv", HEADER, "1,Acme,+1,2024-01-10 09:00:00Z,5,60,answered",
                    "2,Acme,+2,2024-01-10 09:05:00Z,-4,60,answered")
    result = convert([str(src)], tmp_path / "ds")
    assert result["input"]["rows_read"] == 2
    assert result["input"]["rejected_by_reason"] == {"negative_duration": 1}
    assert report_of(tmp_path / "ds")["input"]["contacts"] == 1


def test_arrival_window_keeps_lo_drops_hi_and_prunes_other_months(tmp_path, write_csv):
    src = write_csv("a.csv", HEADER,
                    "1,Acme,+1,2024-01-31 23:59:59Z,5,60,answered",   # before the window
                    "2,Acme,+2,2024-02-01 00:00:00Z,5,60,answered",   # at lo: in
                    "3,Acme,+3,2024-02-29 23:59:59Z,5,60,answered",   # in
                    "4,Acme,+4,2024-03-01 00:00:00Z,5,60,answered",   # at hi: out
                    "5,Acme,+5,2024-06-15 12:00:00Z,5,60,answered")   # far outside
    ds = tmp_path / "ds"
    convert([str(src)], ds)
    window = ("2024-02-01T00:00:00+00:00", "2024-03-01T00:00:00+00:00")
    assert report_of(ds, arrival_window=window)["summary"]["offered"] == 2
    # Pruning: a broken file in June is never opened when the window excludes June.
    june = next(ds.glob("company=Acme/month=2024-06"))
    (june / "part-broken-0.parquet").write_bytes(b"not parquet")
    assert report_of(ds, arrival_window=window)["summary"]["offered"] == 2
    with pytest.raises(InputError):
        report_of(ds)


def test_cli_convert_prints_a_json_summary_and_analyze_reads_the_folder(tmp_path, write_csv):
    src = write_csv("a.csv", HEADER, "1,Acme,+1,2024-01-10 09:00:00Z,5,60,answered")
    done = run_cli("convert", str(src), "--to", str(tmp_path / "ds"))
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["files_written"] == 1 and summary["input"]["contacts"] == 1
    analyzed = run_cli("analyze", str(tmp_path / "ds"), "--format", "json")
    assert analyzed.returncode == 0, analyzed.stderr
    assert json.loads(analyzed.stdout)["summary"]["answered"] == 1


def test_cli_convert_of_a_missing_file_is_one_line_and_exit_1(tmp_path):
    done = run_cli("convert", str(tmp_path / "nope.csv"), "--to", str(tmp_path / "ds"))
    assert done.returncode == 1
    assert done.stderr.decode().count("\n") == 1 and "no such file" in done.stderr.decode()
    assert not (tmp_path / "ds").exists()


def test_one_parquet_file_of_the_dataset_is_read_too(tmp_path, write_csv):
    src = write_csv("a.csv", HEADER, "1,Acme,+1,2024-01-10 09:00:00Z,5,60,answered",
                    "2,Acme,+2,2024-01-10 09:05:00Z,50,0,abandoned")
    convert([str(src)], tmp_path / "ds")
    (one,) = (tmp_path / "ds").rglob("*.parquet")
    report = report_of(one)
    assert report["input"]["files"][0]["profile"] == "canonical-parquet"
    assert (report["summary"]["answered"], report["summary"]["abandoned"]) == (1, 1)
    assert report["by_company"][0]["company"] == "Acme"
