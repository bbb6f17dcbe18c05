"""The tables of a report folder as CSV, Parquet or one Excel workbook.

Tables come from the sections (each declares its table files: rows of the report, or the
long tables that only live in ``Analysis.tables``). Files are created with mode 0600: with
``--by agent`` or caller-level tables they may hold personal data. CSV cells are encoded as on
stdout (slreport.render.csv); text in CSV and Excel goes through ``names.spreadsheet``: control
characters shown as escape text, and text a spreadsheet would run as a formula prefixed with an
apostrophe (OWASP "CSV injection"). Parquet keeps types and exact names and needs no such guard.
The workbook (slreport.folder.excel) is byte-stable: the same tables give the same bytes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from slreport import sections
from slreport.folder import excel
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


def write_tables(tables: dict[str, Any], folder: Path, fmt: str, report: dict[str, Any]) -> list[Path]:
    """Write every table of ``report`` into ``folder``; returns the files written."""
    if fmt == "xlsx":
        path = folder / "tables.xlsx"
        write_xlsx(tables, path, excel.notes(report))
        return [path]
    writer = write_parquet if fmt == "parquet" else write_csv
    written = []
    for name, table in tables.items():
        path = folder / f"{name}.{fmt}"
        writer(table, path)
        written.append(path)
    return written


def write_xlsx(tables: dict[str, Any], path: Path, notes: excel.Notes) -> None:
    """One workbook, a sheet per table (slreport.folder.excel)."""
    data = excel.xlsx_bytes(tables, notes)
    with _private_file(path) as f:
        f.write(data)
