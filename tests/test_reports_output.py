"""`--out DIR`: the report folder, its table formats, atomic writes, templates and splits."""

from __future__ import annotations

import csv
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from slreport.errors import UsageError
from slreport.folder.publish import expand_template, safe_part
from tests.conftest import DATA, HEADER, ROOT, run_cli

HKI = "Europe/Helsinki"
CALLS = DATA / "reports" / "calls.csv"


def out_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return run_cli("analyze", str(CALLS), "--tz", HKI, *args, env=env)


def test_report_folder_has_json_tables_charts_and_html(tmp_path):
    target = tmp_path / "rep"
    result = out_cli("--out", str(target), "--chart-format", "svg")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"" and result.stderr == b""  # not a terminal: nothing but the files
    names = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert names.pop(0) == ".slreport-report"  # the marker --overwrite looks for
    tables = ["by_company.csv", "by_day.csv", "by_hour.csv", "by_month.csv", "by_week.csv", "hour_profile.csv",
              "intervals.csv", "peaks.csv", "staffing.csv", "staffing_profile.csv", "targets.csv",
              "wait_distribution.csv"]  # no unusual day here
    assert [n for n in names if not n.startswith("charts/")] == sorted(["report.html", "summary.json", *tables])
    charts = {n for n in names if n.startswith("charts/")}
    for scope in ("all", "alpha-oy", "beta-oy"):
        assert {f"charts/{scope}-hourly.svg", f"charts/{scope}-daily.svg", f"charts/{scope}-waits.svg"} <= charts
    assert "charts/overview-service-level.svg" in charts
    for name in tables:  # tables may hold personal data: owner only
        assert stat.S_IMODE((target / name).stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no partial folder left


def test_summary_json_is_byte_identical_to_format_json(tmp_path):
    piped = out_cli("--format", "json", "--period", "2024-03-31")
    written = out_cli("--out", str(tmp_path / "rep"), "--period", "2024-03-31")
    assert piped.returncode == written.returncode == 0, written.stderr
    assert (tmp_path / "rep" / "summary.json").read_bytes() == piped.stdout


def test_csv_tables_match_the_json(tmp_path):
    assert out_cli("--out", str(tmp_path / "rep")).returncode == 0
    report = json.loads((tmp_path / "rep" / "summary.json").read_text())
    with open(tmp_path / "rep" / "by_company.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["company"] for r in rows] == ["Alpha Oy", "Beta Oy"]
    assert [int(r["offered"]) for r in rows] == [r["offered"] for r in report["by_company"]] == [9, 5]
    assert rows[0]["target_met"] in ("true", "false") and rows[0]["service_level_pct"] != ""


def test_existing_folder_is_refused_unless_overwrite(tmp_path):
    target = tmp_path / "rep"
    target.mkdir()
    (target / "old.txt").write_text("keep me")
    refused = out_cli("--out", str(target))
    assert refused.returncode == 2 and b"already exists" in refused.stderr and b"--overwrite" in refused.stderr
    assert (target / "old.txt").exists()
    not_a_report = out_cli("--out", str(target), "--overwrite")  # no marker: not slreport's to replace
    assert not_a_report.returncode == 2 and b"not a report folder slreport wrote" in not_a_report.stderr
    assert (target / "old.txt").exists()
    (target / "old.txt").unlink()
    target.rmdir()
    assert out_cli("--out", str(target)).returncode == 0
    replaced = out_cli("--out", str(target), "--overwrite")
    assert replaced.returncode == 0, replaced.stderr
    assert (target / "summary.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]


def test_parquet_tables_keep_types(tmp_path):
    import pyarrow.parquet as pq

    assert out_cli("--out", str(tmp_path / "rep"), "--tables", "parquet").returncode == 0
    table = pq.read_table(tmp_path / "rep" / "by_company.parquet")
    assert table.column("offered").to_pylist() == [9, 5]
    assert str(table.schema.field("offered").type) == "int64"


def test_bad_table_and_chart_formats_are_usage_errors(tmp_path):
    bad = out_cli("--out", str(tmp_path / "rep"), "--tables", "ods")
    assert bad.returncode == 2 and b"--tables 'ods'" in bad.stderr
    assert out_cli("--out", str(tmp_path / "rep"), "--chart-format", "gif").returncode == 2
    assert not (tmp_path / "rep").exists()


def test_formula_cells_are_neutralised_in_csv_and_xlsx(write_csv, tmp_path):
    from openpyxl import load_workbook

    evil = write_csv("evil.csv", HEADER, '1,"=HYPERLINK(""http://x"")",,2024-01-01T08:00:00Z,3,10,answered',
                     "2,@SUM(A1),,2024-01-01T08:00:00Z,3,10,answered", "3,-2+3,,2024-01-01T08:00:00Z,3,10,answered")
    for fmt in ("csv", "xlsx"):
        target = tmp_path / fmt
        result = run_cli("analyze", str(evil), "--tz", "UTC", "--out", str(target), "--tables", fmt)
        assert result.returncode == 0, result.stderr
        if fmt == "csv":
            with open(target / "by_company.csv", newline="", encoding="utf-8") as f:
                companies = [r["company"] for r in csv.DictReader(f)]
        else:
            sheet = load_workbook(target / "tables.xlsx")["by_company"]
            cells = [sheet.cell(row=r, column=1) for r in range(2, 5)]
            assert all(c.data_type == "s" for c in cells)
            companies = [c.value for c in cells]
        assert sorted(companies) == ["'-2+3", "'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]
        summary = json.loads((target / "summary.json").read_text())  # the JSON keeps the real names
        assert "=HYPERLINK(\"http://x\")" in [r["company"] for r in summary["by_company"]]


def test_split_by_company_writes_one_dated_folder_each(tmp_path):
    template = str(tmp_path / "reports" / "{company}" / "{period}")
    result = out_cli("--out-template", template, "--split-by", "company", "--period", "2024-03-31")
    assert result.returncode == 0, result.stderr
    folders = sorted(p.relative_to(tmp_path / "reports").as_posix() for p in (tmp_path / "reports").glob("*/*"))
    assert folders == ["Alpha Oy/2024-03-31", "Beta Oy/2024-03-31"]
    alpha = json.loads((tmp_path / "reports" / "Alpha Oy" / "2024-03-31" / "summary.json").read_text())
    assert alpha["scope"] == {"split_by": "company", "company": "Alpha Oy", "folder": "Alpha Oy", "input": {
        "rows_read": 9, "contacts": 4, "rows_rejected": 0, "rows_ignored": 5,
        "rejected_by_reason": {}, "ignored_by_reason": {"outside_period": 5}}}
    assert alpha["input"]["rows_read"] == 14  # the whole input's account is kept beside it
    page = (tmp_path / "reports" / "Alpha Oy" / "2024-03-31" / "report.html").read_text(encoding="utf-8")
    assert "9 rows read = 4 contacts used + 0 rejected + 5 ignored" in page
    assert [r["company"] for r in alpha["by_company"]] == ["Alpha Oy"]
    assert alpha["summary"]["offered"] == 4  # A5-A8 arrive on 31 March
    assert {r["company"] for r in alpha["by_hour"]} == {None, "Alpha Oy"}


def test_split_company_names_cannot_escape_the_report_root(write_csv, tmp_path):
    evil = write_csv("evil.csv", HEADER, "1,../../etc,,2024-01-01T08:00:00Z,3,10,answered",
                     "2,/abs/path,,2024-01-01T09:00:00Z,3,10,answered", "3,..,,2024-01-01T09:00:00Z,3,10,answered")
    root = tmp_path / "out" / "reports"
    result = run_cli("analyze", str(evil), "--tz", "UTC", "--out-template", f"{root}/{{company}}",
                     "--split-by", "company")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in root.iterdir()) == ["_", "_.._etc", "_abs_path"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["reports"]


def test_template_parts_are_sanitised(tmp_path):
    assert safe_part("../../etc") == "_.._etc"
    assert safe_part("..") == "_" and safe_part("a\x00b\nc") == "a_b_c" and safe_part(" .hidden") == "hidden"
    assert expand_template("r/{company}/{period}", "A/B", "2024-W13") == Path("r/A_B/2024-W13")
    with pytest.raises(UsageError):
        expand_template("r/{customer}", "A", "")
    assert expand_template("{company}", "..", "") == Path("_")  # no fixed root: "." is the root
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "link").symlink_to(tmp_path)  # a folder name that resolves outside the root
    with pytest.raises(UsageError, match="outside"):
        expand_template(str(tmp_path / "root" / "{company}"), "link", "")


def test_template_without_split_and_option_conflicts(tmp_path):
    ok = out_cli("--out-template", str(tmp_path / "r" / "{period}"), "--period", "2024-03")
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "r" / "2024-03" / "report.html").exists()
    both = out_cli("--out", str(tmp_path / "a"), "--out-template", str(tmp_path / "{company}"))
    assert both.returncode == 2 and b"cannot be used together" in both.stderr
    no_field = out_cli("--out-template", str(tmp_path / "x" / "{period}"), "--split-by", "company")
    assert no_field.returncode == 2 and b"{company}" in no_field.stderr


# --- interrupted runs -------------------------------------------------------------------------

PAUSING_CLI = """
import pathlib, sys, time
import slreport.folder.publish as output
flag = pathlib.Path(sys.argv[1])
real = output.fill_folder
def pausing(analysis, folder, options):
    real(analysis, folder, options)          # every file written into the partial folder…
    flag.with_suffix(".tmp").write_text(str(folder))
    flag.with_suffix(".tmp").rename(flag)     # the test never reads a half-written flag
    time.sleep(600)                          # …and killed before it is renamed into place
output.fill_folder = pausing
sys.argv = ["slreport"] + sys.argv[2:]
from slreport.cli import main
main()
"""


def start_paused_run(tmp_path: Path, target: Path) -> tuple[subprocess.Popen, Path]:
    flag = tmp_path / "ready"
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSING_CLI, str(flag), "analyze", str(CALLS), "--tz", HKI, "--out", str(target)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        # pytest-xdist workers ignore SIGINT, and a child inherits that: give it the default back,
        # so that Python turns Ctrl-C into KeyboardInterrupt as it does in a shell.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    for _ in range(1200):  # up to 120 s on a busy machine; ends as soon as the files are written
        if flag.exists() or proc.poll() is not None:
            break
        time.sleep(0.1)
    assert flag.exists(), proc.communicate()[1]
    partial = Path(flag.read_text())
    assert (partial / "report.html").exists() and partial.parent == target.parent
    return proc, partial


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_leaves_no_report_folder(tmp_path, sig):
    target = tmp_path / "rep"
    proc, partial = start_paused_run(tmp_path, target)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=300)  # generous: a loaded CI machine unwinds slowly
    assert proc.returncode != 0
    assert not target.exists()
    if sig != signal.SIGKILL:  # unwound: the partial folder is cleaned up too
        assert not partial.exists(), err
    else:  # killed outright: only a hidden partial folder remains, and the next run removes it
        assert partial.exists() and partial.name.startswith(".rep.partial-")
        again = out_cli("--out", str(target))
        assert again.returncode == 0, again.stderr
        assert not partial.exists() and (target / "summary.json").exists()


def test_split_by_company_under_a_plain_out_folder(tmp_path):
    result = out_cli("--out", str(tmp_path / "r"), "--split-by", "company", "--tables", "xlsx")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["Alpha Oy", "Beta Oy"]
    beta = tmp_path / "r" / "Beta Oy"
    assert (beta / "tables.xlsx").exists() and (beta / "charts" / "beta-oy-hourly.png").exists()
    assert not (beta / "charts" / "overview-service-level.png").exists()  # one company: no overview


def test_split_of_an_empty_period_fails_loudly_and_writes_nothing(tmp_path):
    result = out_cli("--out-template", str(tmp_path / "r" / "{company}"), "--split-by", "company",
                     "--period", "2024-05")
    assert result.returncode == 1 and result.stdout == b""
    assert b"no contacts to split by company" in result.stderr
    assert not (tmp_path / "r").exists()


def test_split_by_without_a_folder_is_a_usage_error(tmp_path):
    result = run_cli("analyze", str(CALLS), "--split-by", "company", "-f", "json", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == b""
    assert "--split-by writes one report folder per company" in result.stderr.decode()
    assert list(tmp_path.iterdir()) == []
