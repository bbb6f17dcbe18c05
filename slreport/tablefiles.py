"""The tables of a report folder as CSV, Parquet or one Excel workbook.

Tables come from the report's row lists (by_company, by_hour, by_day, …) and from the
long tables that only live in ``Analysis.tables``. Files are created with mode 0600: with
``--by agent`` or caller-level tables they may hold personal data. Text cells in CSV and
Excel go through ``names.spreadsheet``: control characters shown as escape text, and text a
spreadsheet would run as a formula prefixed with an apostrophe (OWASP "CSV injection");
Parquet keeps types and exact names and needs no such guard. tables.xlsx is byte-stable:
the same tables give the same bytes (no time of writing inside).
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from slreport.names import sheet_name, spreadsheet

TABLE_FORMATS = ("csv", "parquet", "xlsx")
# Report keys whose row lists become table files, in this order (when present).
REPORT_TABLES = ("by_company", "by_group", "by_hour", "by_day", "targets", "hour_profile", "peaks", "staffing_profile")
# Row lists nested one level down: (file name, report key, key inside it).
NESTED_TABLES = (("unusual_days", "unusual_days", "days"), ("wait_distribution", "wait_distribution", "bins"))
PRIVATE = 0o600


def report_tables(report: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """name → pyarrow Table: the report's row lists, the wait bins, then ``Analysis.tables``."""
    import pyarrow as pa

    tables: dict[str, Any] = {}
    for key in REPORT_TABLES:
        if report.get(key):
            tables[key] = pa.Table.from_pylist([flat(row) for row in report[key]])
    for name, key, inner in NESTED_TABLES:
        if (report.get(key) or {}).get(inner):
            tables[name] = pa.Table.from_pylist([flat(row) for row in report[key][inner]])
    for name, table in extra.items():
        if callable(table):  # built only when files are written (see Analysis.tables)
            table = table()
        tables[name] = table if isinstance(table, pa.Table) else pa.Table.from_pylist(list(table))
    return tables


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """A table row of plain cells: a nested object becomes one column per key
    (fcr_by_window → fcr_by_window_24h, …), a list becomes its JSON text."""
    import json

    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out |= {f"{key}_{k}": v for k, v in value.items()}
        elif isinstance(value, list):
            out[key] = json.dumps(value, ensure_ascii=False)
        else:
            out[key] = value
    return out


def _private_file(path: Path) -> Any:
    """Open a new file for binary writing, readable by its owner only."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE), "wb")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(spreadsheet(value))


def write_csv(table: Any, path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([spreadsheet(n) for n in table.column_names])
    for row in table.to_pylist():
        writer.writerow([_csv_cell(v) for v in row.values()])
    with _private_file(path) as f:
        f.write(buffer.getvalue().encode("utf-8"))


def write_parquet(table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    with _private_file(path) as f:
        pq.write_table(table, f)


def write_tables(tables: dict[str, Any], folder: Path, fmt: str) -> list[Path]:
    """Write every table into ``folder``; returns the files written."""
    if fmt == "xlsx":
        path = folder / "tables.xlsx"
        write_xlsx(tables, path)
        return [path]
    writer = write_parquet if fmt == "parquet" else write_csv
    written = []
    for name, table in tables.items():
        path = folder / f"{name}.{fmt}"
        writer(table, path)
        written.append(path)
    return written


# --- Excel -----------------------------------------------------------------------------

def write_xlsx(tables: dict[str, Any], path: Path) -> None:
    """One workbook, a sheet per table: numbers as numbers, *_pct columns as Excel percentages
    (stored as fractions, shown as 71.8 %), days as dates, bold frozen header row."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, table in tables.items():
        _fill_sheet(book.create_sheet(sheet_name(name)), table)
    with _private_file(path) as f:
        f.write(_stable_xlsx_bytes(book))


# The workbook's "created" and "modified" properties and every zip entry's date: a constant
# (the zip format's first date), so that the same tables give the same bytes. openpyxl's
# save() writes the time of saving into both.
STABLE_TIME = datetime(1980, 1, 1)


def _stable_xlsx_bytes(book: Any) -> bytes:
    """``book`` as openpyxl saves it, then re-packed: the same entries in the same order with
    the same bytes, but STABLE_TIME as every entry's date and in docProps/core.xml."""
    import zipfile

    from openpyxl.xml.functions import tostring

    saved = io.BytesIO()
    book.save(saved)
    book.properties.created = book.properties.modified = STABLE_TIME
    core = tostring(book.properties.to_tree())  # what openpyxl writes, without the time of saving
    stable = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=STABLE_TIME.timetuple()[:6])
            fixed.compress_type, fixed.external_attr = entry.compress_type, entry.external_attr
            target.writestr(fixed, core if entry.filename == "docProps/core.xml" else source.read(entry))
    return stable.getvalue()


def _fill_sheet(sheet: Any, table: Any) -> None:
    from openpyxl.styles import Font

    columns = table.column_names
    sheet.append([spreadsheet(c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.to_pylist():
        sheet.append([_xlsx_value(c, row[c]) for c in columns])
    for index, column in enumerate(columns, start=1):
        fmt = _number_format(column)
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(10, min(40, len(column) + 2))
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = fmt
    sheet.freeze_panes = "A2"


def _number_format(column: str) -> str | None:
    if column.endswith("_pct"):
        return "0.0%"
    if column.endswith("_s"):
        return "0.0"
    if column == "day":
        return "yyyy-mm-dd"
    return None


def _xlsx_value(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column.endswith("_pct") and isinstance(value, int | float) and not isinstance(value, bool):
        return value / 100
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.isoformat()  # Excel has no time zones: keep the offset visible as text
    if column == "day" and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return spreadsheet(value)
    return spreadsheet(value)
