"""The tables of a report folder as CSV, Parquet or one Excel workbook.

Tables come from the sections (each declares its table files: rows of the report, or the
long tables that only live in ``Analysis.tables``). Files are created with mode 0600: with
``--by agent`` or caller-level tables they may hold personal data. Text cells that a
spreadsheet would run as a formula (starting with = + - @, tab or CR) are prefixed with an
apostrophe in CSV and Excel (OWASP "CSV injection"; CSV cells are encoded by
slreport.render.csv, as on stdout); Parquet keeps types and needs no such
guard.
"""

from __future__ import annotations

import io
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from slreport import sections
from slreport.render.csv import csv_text, flat, neutralise

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
        _fill_sheet(book.create_sheet(_sheet_name(name)), table)
    buffer = io.BytesIO()
    book.save(buffer)
    with _private_file(path) as f:
        f.write(buffer.getvalue())


def _sheet_name(name: str) -> str:
    return "".join("_" if c in "[]:*?/\\" else c for c in name)[:31]


def _fill_sheet(sheet: Any, table: Any) -> None:
    from openpyxl.styles import Font

    columns = table.column_names
    sheet.append([neutralise(c) for c in columns])
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
            return neutralise(value)
    return neutralise(value)
