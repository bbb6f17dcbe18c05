"""`--tables xlsx`: the workbook an analyst keeps (docs/reports.md, "Excel"), read back with openpyxl.

The bundled sample through the real CLI, once as xlsx and once as CSV, checked against its own
summary.json: local datetimes, autofilters and frozen headers, the by_company total row, one
weekday convention, *_pct as in the JSON, widths that fit. Then the column planner itself, and
names from the data that try to become formulas, links or control characters.
"""

from __future__ import annotations

import csv
import json
import stat
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from slreport.folder import excel
from slreport.sections.text import WEEKDAYS
from tests.conftest import DATA, HEADER, ROOT, run_cli

SAMPLE = ("analyze", str(ROOT / "sample_data" / "calls.csv"), "--config", str(ROOT / "sample_data" / "slreport.toml"))
TABLE_SHEETS = ["by_company", "targets", "by_hour", "by_day", "by_week", "by_month", "hour_profile", "intervals",
                "peaks", "unusual_days", "wait_distribution", "staffing_profile", "staffing"]


def sample_folder(target: Path, tables: str) -> Path:
    result = run_cli(*SAMPLE, "--out", str(target), "--tables", tables, "--chart-format", "svg")
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Any, dict[str, Any], Path]:
    """(the sample's workbook, its summary.json, its CSV report folder)."""
    from openpyxl import load_workbook

    book_folder = sample_folder(tmp_path_factory.mktemp("xlsx") / "rep", "xlsx")
    csv_folder = sample_folder(tmp_path_factory.mktemp("csv") / "rep", "csv")
    assert stat.S_IMODE((book_folder / "tables.xlsx").stat().st_mode) == 0o600
    report = json.loads((book_folder / "summary.json").read_text(encoding="utf-8"))
    return load_workbook(book_folder / "tables.xlsx"), report, csv_folder


def header(sheet: Any) -> list[str]:
    return [c.value for c in sheet[1]]


def column(sheet: Any, name: str, rows: int | None = None) -> list[Any]:
    """The cells of column ``name`` below the header (``rows`` of them, default: to the last row)."""
    index = header(sheet).index(name) + 1
    last = sheet.max_row if rows is None else rows + 1
    return [sheet.cell(row=r, column=index) for r in range(2, last + 1)]


def test_sheets_follow_the_sections_after_an_about_sheet_naming_the_zone(sample):
    book, report, _ = sample
    assert book.sheetnames == ["about", *TABLE_SHEETS]
    assert book.active.title == "by_company"  # it opens on the first table
    about = {row[0]: row[1] for row in book["about"].iter_rows(values_only=True) if row[0]}
    assert about["time zone"].startswith("Europe/Helsinki: ") and "wall time" in about["time zone"]
    assert report["settings"]["timezone"] == "Europe/Helsinki"
    assert "0 to 100" in about["*_pct columns"]


def test_local_times_are_excel_datetimes_equal_to_the_json_local_times(sample):
    book, report, _ = sample
    peaks = report["peaks"]
    cells = column(book["peaks"], "interval_start", len(peaks))
    assert all(c.is_date and c.number_format == excel.DATETIME_FORMAT for c in cells)
    # the JSON's local time with its offset, as the wall time it names (10:00 at +02:00 is 10:00)
    assert [c.value for c in cells] == [datetime.fromisoformat(p["interval_start"]).replace(tzinfo=None)
                                        for p in peaks]
    assert cells[0].value == datetime(2026, 2, 11, 10, 0)
    days = column(book["peaks"], "day", len(peaks))
    assert all(c.is_date and c.number_format == excel.DATE_FORMAT for c in days)
    assert [c.value.date() for c in days] == [date.fromisoformat(p["day"]) for p in peaks]
    # the long tables too: the first interval of the period at local midnight
    for name in ("intervals", "staffing"):
        first = column(book[name], "interval_start", 1)[0]
        assert first.is_date and first.value == datetime(2026, 1, 5, 0, 0), name
    # a day that is a date already (the interval table's, typed by DuckDB), on every row
    intervals = book["intervals"]
    days = column(intervals, "day")
    assert len(days) == report["by_interval_summary"]["rows"]
    assert all(c.is_date and c.number_format == excel.DATE_FORMAT for c in days)
    assert [c.value for c in days[:2]] == [datetime(2026, 1, 5)] * 2 and days[-1].value == datetime(2026, 3, 1)
    assert [c.value.date() for c in days] == [t.value.date() for t in column(intervals, "interval_start")]


def test_every_table_sheet_has_a_frozen_header_and_an_autofilter_over_its_rows(sample):
    from openpyxl.utils import get_column_letter

    book, report, _ = sample
    rows = {"by_company": len(report["by_company"]), "peaks": len(report["peaks"]),
            "unusual_days": len(report["unusual_days"]["days"]), "targets": len(report["targets"])}
    for name in TABLE_SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        last_row = rows.get(name, sheet.max_row - 1) + 1
        assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header(sheet)))}{last_row}", name
        assert all(c.font.b for c in sheet[1]), name


def test_by_company_ends_with_the_summary_as_total_row_outside_the_filter(sample):
    book, report, _ = sample
    sheet = book["by_company"]
    companies = len(report["by_company"])
    assert sheet.auto_filter.ref.endswith(str(companies + 1))  # header and companies only
    assert all(c.value is None for c in sheet[companies + 2])  # a blank row between
    total = {h: c for h, c in zip(header(sheet), sheet[companies + 3], strict=True)}
    assert sheet.max_row == companies + 3
    assert total["company"].value == "All companies" and total["company"].font.b
    summary = report["summary"]
    compared = [k for k, v in summary.items() if isinstance(v, int | float) and not isinstance(v, bool)]
    assert {"offered", "answered", "service_level_pct", "asa_s", "fcr_pct"} <= set(compared)
    for key in compared:
        assert total[key].value == pytest.approx(summary[key]), key
    assert total["offered"].value == 21786 and total["service_level_pct"].value == pytest.approx(78.6571)
    assert total["fcr_by_window_24h"].value == pytest.approx(summary["fcr_by_window"]["24h"])


def test_weekdays_use_one_convention_on_every_sheet_and_in_the_csv_files(sample):
    book, report, csv_folder = sample
    seen = {}
    for name in TABLE_SHEETS:
        if "weekday" in header(book[name]):
            seen[name] = {c.value for c in column(book[name], "weekday")}
    assert set(seen) == {"unusual_days", "staffing_profile", "staffing"}
    assert all(values <= set(WEEKDAYS) for values in seen.values()), seen
    assert seen["staffing"] == seen["staffing_profile"] == set(WEEKDAYS)
    assert seen["unusual_days"] == {"Wed"}  # 2026-02-11
    for name in seen:  # the CSV files say the same
        with open(csv_folder / f"{name}.csv", newline="", encoding="utf-8") as f:
            assert {r["weekday"] for r in csv.DictReader(f)} == seen[name], name
    # the JSON keeps its own keys
    assert {d["weekday"] for d in report["unusual_days"]["days"]} == {"wed"}
    assert {r["weekday"] for r in report["staffing_profile"]} == set(WEEKDAYS)


def test_pct_columns_hold_the_json_percentages(sample):
    book, report, csv_folder = sample
    cells = column(book["by_company"], "service_level_pct", len(report["by_company"]))
    assert [c.value for c in cells] == [r["service_level_pct"] for r in report["by_company"]]
    assert cells[0].value == pytest.approx(88.0292) and cells[0].number_format == "0.0"
    with open(csv_folder / "by_company.csv", newline="", encoding="utf-8") as f:
        assert [float(r["service_level_pct"]) for r in csv.DictReader(f)] == [c.value for c in cells]
    # a target and its actual value are on the same scale as the column they name
    target = next(r for r in book["targets"].iter_rows(min_row=2, values_only=True) if r[1] == "service_level_pct")
    assert target[3] == 80 and target[4] == cells[0].value
    peaks = column(book["peaks"], "service_level_pct", 1)[0]
    assert peaks.value == report["peaks"][0]["service_level_pct"] == pytest.approx(44.4444)


def test_column_widths_fit_their_longest_cell_up_to_the_cap(sample):
    from openpyxl.utils import get_column_letter

    book, _, _ = sample

    def width(sheet: Any, name: str) -> float:
        index = header(sheet).index(name) + 1
        # openpyxl keeps one <col> per run of equal widths, under its first letter
        for dim in sheet.column_dimensions.values():
            if dim.min <= index <= dim.max:
                return dim.width
        raise AssertionError(f"no width for {get_column_letter(index)}")

    sheet = book["by_company"]
    longest = max(len(c.value or "") for c in column(sheet, "company"))
    assert longest == len("Perinta Collections")
    assert longest + 1 <= width(sheet, "company") <= longest + 3
    # a header longer than its numbers sets the width, with room for the filter's button
    assert width(sheet, "answered_within_threshold") >= len("answered_within_threshold") + excel.FILTER_BUTTON
    # a datetime is shown as yyyy-mm-dd hh:mm
    assert len("2026-01-05 00:00") + 1 <= width(book["intervals"], "interval_start") <= len("interval_start") + 5
    assert width(book["intervals"], "day") >= len("2026-01-05") + 1
    assert all(d.width <= excel.WIDTH_MAX + 1 for s in book.worksheets[1:] for d in s.column_dimensions.values())


# --- the column planner ---------------------------------------------------------------------

def test_plan_column_types_local_times_days_and_companies():
    import pyarrow as pa

    times, cells = excel.plan_column("interval_start", pa.string(),
                                     ["2024-10-27T03:00:00+03:00", "2024-10-27T03:00:00+02:00", None])
    assert times.kind == "datetime" and times.number_format == excel.DATETIME_FORMAT
    assert cells == [datetime(2024, 10, 27, 3, 0), datetime(2024, 10, 27, 3, 0), None]  # wall times, in row order
    days, cells = excel.plan_column("day", pa.string(), ["2024-03-31"])
    assert days.kind == "date" and cells == [date(2024, 3, 31)]
    typed, cells = excel.plan_column("day", pa.date32(), [date(2024, 3, 31), None])
    assert typed.kind == "date" and cells == [date(2024, 3, 31), None] and typed.width == len("2024-03-31") + 1
    # not every value a time: the column stays text, as written
    odd, cells = excel.plan_column("interval_start", pa.string(), ["2024-03-31T10:00:00+03:00", "soon"])
    assert odd.kind == "text" and cells == ["2024-03-31T10:00:00+03:00", "soon"]
    company, cells = excel.plan_column("company", pa.string(), [None, "=1+1", "x" * 300])
    assert cells == ["All companies", "'=1+1", "x" * 300] and company.width == excel.WIDTH_MAX
    pct, _ = excel.plan_column("service_level_pct", pa.float64(), [100.0, 5.25])
    assert pct.number_format == "0.0" and pct.width == len("service_level_pct") + excel.FILTER_BUTTON + 1
    wide, _ = excel.plan_column("n", pa.int64(), [-1234567, 5])
    assert wide.width == len("-1234567") + 1


# --- names from the data --------------------------------------------------------------------

def test_names_stay_text_never_formulas_links_or_escaped_controls(write_csv, tmp_path):
    from openpyxl import load_workbook

    names = ["_x001B_[31mred", "https://evil.example/x", "=HYPERLINK(\"http://x\")", "12345", "Tab\there"]
    rows = [f'{i},"{n.replace(chr(34), chr(34) * 2)}",,2024-01-01T08:00:00Z,3,10,answered' for i, n in enumerate(names)]
    data = write_csv("names.csv", HEADER, *rows)
    result = run_cli("analyze", str(data), "--tz", "UTC", "--out", str(tmp_path / "rep"), "--tables", "xlsx")
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(tmp_path / "rep" / "tables.xlsx")["by_company"]
    cells = column(sheet, "company", len(names))
    assert all(c.data_type == "s" for c in cells)  # no formula, number or link cell
    assert not sheet._hyperlinks
    # Excel's own escape _x001B_ is written escaped: it reads back as the text, not ESC
    assert sorted(c.value for c in cells) == sorted(["_x001B_[31mred", "https://evil.example/x",
                                                     "'=HYPERLINK(\"http://x\")", "12345", "Tab\\there"])


def test_a_small_report_has_its_total_below_a_blank_row(tmp_path):
    from openpyxl import load_workbook

    result = run_cli("analyze", str(DATA / "reports" / "calls.csv"), "--tz", "Europe/Helsinki",
                     "--out", str(tmp_path / "rep"), "--tables", "xlsx", "--chart-format", "svg")
    assert result.returncode == 0, result.stderr
    book = load_workbook(tmp_path / "rep" / "tables.xlsx")
    sheet = book["by_company"]
    assert [c.value for c in column(sheet, "company")] == ["Alpha Oy", "Beta Oy", None, "All companies"]
    assert [c.value for c in column(sheet, "offered")] == [9, 5, None, 14]
