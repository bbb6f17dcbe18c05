"""Tabular inputs as DuckDB relations of text columns: delimited text, .xlsx, Parquet, JSON.

Every value is read as text (a caller number must never become a float); the readers parse
them in SQL so that a bad value rejects its row instead of the file.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

from slreport.errors import InputError
from slreport.ingest.sources import Source
from slreport.ingest.sql import quote_literal
from slreport.ingest.text import DELIMITER_NAMES, as_utf8, head_lines, read_head, sniff_delimiter

XLSX_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"


def file_kind(head: bytes) -> str:
    """xlsx, parquet, json or delimited, from the magic bytes (and the name for JSON)."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return "json"
    return "delimited"


@dataclasses.dataclass(frozen=True)
class Relation:
    sql: str  # a FROM-able relation whose columns are the file's columns
    info: dict[str, Any]  # what was detected: format, encoding, delimiter, sheet
    first_line: int = 2  # line number of the first data row
    text_path: Path | None = None  # the delimited text DuckDB reads, to find a line it refuses
    trusted_utf8: bool = False  # taken as UTF-8 from its head alone (text.as_utf8): DuckDB checks the rest


class NotUtf8(Exception):
    """DuckDB found a file taken as UTF-8 from its head is not: read it again with its encoding detected."""


def check_utf8(exc: duckdb.Error, relation: Relation) -> None:
    """Raise NotUtf8 when ``exc`` is DuckDB refusing the bytes of a file trusted to be UTF-8."""
    if relation.trusted_utf8 and "not utf-8 encoded" in str(exc):
        raise NotUtf8(str(exc)) from exc


# The longest line DuckDB's CSV reader takes (its default is 2 MiB, and a longer line failed the whole
# file as "CSV Error on Line: 1"). Real fields (a transcript, a JSON blob) fit in 16 MiB; the read
# buffer stays DuckDB's default 32 MiB, which must be at least this.
MAX_LINE_BYTES = 16 << 20
CSV_BUFFER_BYTES = 32 << 20


def csv_relation(path: str, delimiter: str, header: bool = True, parallel: bool = True) -> str:
    return (
        f"read_csv({quote_literal(path)}, all_varchar = true, header = {str(header).lower()}, "
        f"null_padding = true, delim = {quote_literal(delimiter)}, quote = '\"', escape = '\"', "
        f"strict_mode = false, auto_detect = true, parallel = {str(parallel).lower()}, "
        f"max_line_size = {MAX_LINE_BYTES}, buffer_size = {CSV_BUFFER_BYTES})"
    )


def delimited(source: Source, scratch: Path, index: int, trust_utf8: bool = False) -> Relation:
    utf8, encoding = as_utf8(source, scratch, index, trust_utf8)
    lines = head_lines(read_head(utf8.path), 1)
    delimiter = sniff_delimiter(lines[0]) if lines else ","
    info = {"format": "csv", "encoding": encoding, "delimiter": DELIMITER_NAMES[delimiter]}
    # Quoted newlines need DuckDB's serial reader; small files lose nothing by it.
    parallel = utf8.path.stat().st_size > 64 << 20
    return Relation(csv_relation(utf8.duckdb_path, delimiter, parallel=parallel), info, text_path=utf8.path,
                    trusted_utf8=utf8.path == source.path and trust_utf8)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx(source: Source, scratch: Path, index: int, sheet: str | None) -> Relation:
    """The worksheet as a UTF-8 CSV in the scratch folder (cell values as text)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise InputError(
            f"cannot read as .xlsx: {exc}", "save the workbook again from Excel", file=source.display
        ) from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise InputError(f"no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}", "choose one with --sheet",
                         file=source.display)
    ws = book[sheet] if sheet else book.worksheets[0]
    target = scratch / f"{index}-sheet.csv"
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for row in ws.iter_rows(values_only=True):
            writer.writerow([_cell(v) for v in row])
    book.close()
    info = {"format": "xlsx", "sheet": ws.title}
    return Relation(csv_relation(str(target), ",", parallel=False), info, text_path=target)


def parquet(source: Source) -> Relation:
    return Relation(f"read_parquet({quote_literal(source.duckdb_path)})", {"format": "parquet"}, first_line=1)


def json_records(source: Source, head: bytes) -> Relation:
    fmt = "array" if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[") else "newline_delimited"
    sql = f"read_json({quote_literal(source.duckdb_path)}, format = {quote_literal(fmt)}, records = true)"
    return Relation(sql, {"format": "json" if fmt == "array" else "jsonl"}, first_line=1)


def relation_for(source: Source, index: int, sheet: str | None = None, trust_utf8: bool = False) -> Relation:
    head = read_head(source.path)
    kind = file_kind(head)
    if kind == "xlsx":
        return xlsx(source, source.work_dir, index, sheet)
    if kind == "parquet":
        return parquet(source)
    if kind == "json":
        return json_records(source, head)
    return delimited(source, source.work_dir, index, trust_utf8)


def columns_of(con: duckdb.DuckDBPyConnection, relation: Relation, display: str) -> list[str]:
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {relation.sql}").fetchall()
    except duckdb.Error as exc:
        check_utf8(exc, relation)
        if (too_long := line_too_long(exc, relation, display)) is not None:
            raise too_long from exc
        raise InputError(
            f"cannot read as {relation.info.get('format', 'CSV')}: {str(exc).splitlines()[0]}",
            "check that it is an export with a header row (delimiter, quoting, encoding)",
            file=display,
        ) from exc
    return [r[0] for r in rows]


def line_too_long(exc: duckdb.Error, relation: Relation, display: str) -> InputError | None:
    """The error for a line over MAX_LINE_BYTES, naming the line (DuckDB's own message says
    "Line: 1" whatever the line); None for any other error."""
    if "Maximum line size" not in str(exc) or relation.text_path is None:
        return None
    line = _first_long_line(relation.text_path, MAX_LINE_BYTES)
    return InputError(f"a line is longer than {MAX_LINE_BYTES >> 20} MiB, the longest a row may be",
                      "fix that row of the export (an unclosed quote joins every line after it), or leave it out",
                      file=display, line=line)


def _first_long_line(path: Path, limit: int) -> int | None:
    """The number of the first line of ``path`` longer than ``limit`` bytes, reading 1 MiB at a time."""
    number, length = 1, 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            start = 0
            while (end := chunk.find(b"\n", start)) != -1:
                if length + end - start > limit:
                    return number
                number, length, start = number + 1, 0, end + 1
            length += len(chunk) - start
            if length > limit:
                return number
    return None
