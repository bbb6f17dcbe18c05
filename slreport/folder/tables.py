"""The tables of a report folder as CSV, Parquet or one Excel workbook.

Tables come from the sections (each declares its table files: rows of the report, or the
long tables that only live in ``Analysis.tables``). Files are created with mode 0600: with
``--by agent`` or caller-level tables they may hold personal data. CSV cells are encoded as on
stdout (slreport.render.csv); text in CSV and Excel goes through ``names.spreadsheet``: control
characters shown as escape text, and text a spreadsheet would run as a formula prefixed with an
apostrophe (OWASP "CSV injection"). Parquet keeps types and exact names and needs no such guard.
tables.xlsx is byte-stable: the same tables give the same bytes (no time of writing inside).
"""

from __future__ import annotations

import io
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from slreport import sections
from slreport.names import sheet_name, spreadsheet
from slreport.render.csv import csv_text, flat

TABLE_FORMATS = ("csv", "parquet", "xlsx")
PRIVATE = 0o600


def report_tables(report: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """name → pyarrow Table: every section's table files (slreport.sections), in their order;
    a section names rows of the report, or a long table of ``Analysis.tables``."""
    import pyarrow as pa

    tables: dict[str, Any] = {}
    for name, table in sections.table_rows(report, extra).items():
        if callable(table):  # built only when files are written (see Analysis.tables)
            table = table()
        if not isinstance(table, pa.Table):
            table = pa.Table.from_pylist([flat(row) if isinstance(row, dict) else row for row in table])
        tables[name] = table
    return tables


def _private_file(path: Path) -> Any:
    """Open a new file for binary writing, readable by its owner only."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE), "wb")


def write_csv(table: Any, path: Path) -> None:
    text = csv_text(table.column_names, (row.values() for row in table.to_pylist()))
    with _private_file(path) as f:
        f.write(text.encode("utf-8"))


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
