"""tables.xlsx: the report folder's tables as one Excel workbook, written by xlsxwriter.

What an analyst keeps (docs/reports.md, "Excel"):

- an ``about`` sheet first (the workbook opens on the first table): the report's period and time
  zone, and how to read the columns;
- a sheet per table, in the sections' order: a bold header row, frozen, with an autofilter over
  the header and data rows; columns as wide as their content (capped at ``WIDTH_MAX``);
- every value typed: numbers as numbers, flags as TRUE/FALSE, ``interval_start`` (and every local
  time column) as an Excel datetime in the report zone's wall time, ``day`` as a date;
- ``*_pct`` holds the same number as the JSON and CSV (0–100, shown with one decimal), ``*_s``
  seconds with one decimal; weekdays as Mon…Sun (the sections' table views name them);
- a null company is "All companies" (the CSV leaves it empty); by_company ends, below a blank
  row and outside the autofilter, with the total row (the report's ``summary``), so sorting or
  filtering the companies never moves it.

Text goes through ``names.spreadsheet`` (visible, formula-looking text behind an apostrophe) and
is written with ``write_string`` only: with ``strings_to_formulas``, ``strings_to_urls`` and
``strings_to_numbers`` off, no text becomes a formula, link or number. xlsxwriter escapes a
literal ``_xHHHH_`` in text, so a name cannot smuggle a control character in through Excel's own
escape. The workbook is byte-stable: the same tables give the same bytes (no time of writing).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from slreport.names import sheet_name, spreadsheet
from slreport.render.csv import flat

# xlsxwriter's defaults turn text that looks like a formula, a URL or a number into one; here no
# text is anything but text. NaN and infinity (none expected) become #NUM! instead of an error.
BOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                "strings_to_numbers": False, "nan_inf_to_errors": True}
# docProps/core.xml's created/modified: a constant, so that the same tables give the same bytes
# (xlsxwriter dates every zip entry 1980-01-01 when it writes in memory).
STABLE_TIME = datetime(1980, 1, 1)
ALL_COMPANIES = "All companies"
LOCAL_TIME_COLUMNS = frozenset({"interval_start", "window_start", "window_end"})  # ISO 8601 with offset
DAY_COLUMNS = frozenset({"day"})
DATETIME_FORMAT, DATE_FORMAT, ONE_DECIMAL = "yyyy-mm-dd hh:mm", "yyyy-mm-dd", "0.0"
WIDTH_MAX = 50  # characters: longer text is cut on screen, not in the cell
FILTER_BUTTON = 2  # characters the autofilter's drop-down takes in a header cell
GENERAL_DIGITS = 11  # Excel's General format shows at most this many characters of a number


@dataclass(frozen=True)
class Notes:
    """What the workbook says beyond its tables: the report zone and period, and total rows."""

    timezone: str
    period: str
    totals: dict[str, dict[str, Any]] = field(default_factory=dict)  # table name → its total row
    comparison: str = ""  # with --compare: the comparison period, as its sheet's note says


def notes(report: dict[str, Any]) -> Notes:
    period = report.get("period") or {}
    span = f"{(period.get('first_arrival') or '—')[:10]} .. {(period.get('last_arrival') or '—')[:10]}"
    total = flat(report["summary"]) | {"company": ALL_COMPANIES} if report.get("summary") else None
    compared = report.get("comparison")
    comparison = ""
    if compared:
        p = compared["period"]
        comparison = (f"value is this period's, comparison is {p['label']}'s ({p['name']}), change is value − "
                      "comparison (*_pct in percentage points); empty where either has no value")
    return Notes(report["settings"]["timezone"], span, {"by_company": total} if total else {}, comparison)


@dataclass(frozen=True)
class Column:
    """How one column is written: its cells' kind, number format and width."""

    name: str
    kind: str  # "text", "number", "bool", "datetime", "date" or "empty" (every value null)
    number_format: str | None
    width: int
    arrow_type: Any


def xlsx_bytes(tables: dict[str, Any], info: Notes) -> bytes:
    """The workbook of ``tables`` (name → pyarrow Table), an ``about`` sheet first."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, BOOK_OPTIONS)
    book.set_properties({"created": STABLE_TIME})
    formats = Formats(book)
    _about_sheet(book, formats, info)
    for index, (name, table) in enumerate(tables.items()):
        sheet = book.add_worksheet(sheet_name(name))
        _table_sheet(sheet, formats, table, info.totals.get(name))
        if index == 0:
            sheet.activate()  # open on the first table; the about sheet is one click left
    book.close()
    return buffer.getvalue()


class Formats:
    """The workbook's cell formats, made once per (number format, bold)."""

    def __init__(self, book: Any) -> None:
        self._book = book
        self._made: dict[tuple[str | None, bool], Any] = {}

    def get(self, number_format: str | None = None, bold: bool = False) -> Any:
        key = (number_format, bold)
        if key not in self._made:
            props: dict[str, Any] = {"bold": True} if bold else {}
            self._made[key] = self._book.add_format(props | ({"num_format": number_format} if number_format else {}))
        return self._made[key]


def _about_sheet(book: Any, formats: Formats, info: Notes) -> None:
    sheet = book.add_worksheet("about")
    lines = [
        ("period", info.period),
        ("time zone", f"{info.timezone}: interval_start and every other time is local wall time in this zone "
                      "(Excel times have no zone). In the hour the clocks go back, two intervals show the same "
                      "time; the rows are in time order."),
        ("*_pct columns", "percentages from 0 to 100, the same numbers as summary.json and the CSV files "
                          "(88.0 means 88.0 %)"),
        ("*_s columns", "seconds"),
        ("weekday", "Mon … Sun"),
        ("company", f"\"{ALL_COMPANIES}\" marks the rows of all companies together"),
        ("by_company", f"the last row, below a blank row and outside the filter, is {ALL_COMPANIES.lower()} "
                       "together (summary.json's summary): sorting or filtering the companies leaves it in place"),
        ("by_week", "rolling_4w_service_level_pct: the service level of the 4 weeks ending with the week, from "
                    "their pooled calls (rolling_4w_weeks: how many of the report's weeks it pools)"),
        *([("comparison", info.comparison)] if info.comparison else []),
    ]
    sheet.write_string(0, 0, "slreport tables", formats.get(bold=True))
    for row, (key, text) in enumerate(lines, start=2):
        sheet.write_string(row, 0, key, formats.get(bold=True))
        sheet.write_string(row, 1, text)
    sheet.set_column(0, 0, max(len(k) for k, _ in lines) + 2)
    sheet.set_column(1, 1, 100)


def _table_sheet(sheet: Any, formats: Formats, table: Any, total: dict[str, Any] | None) -> None:
    header = formats.get(bold=True)
    columns = []
    for col, name in enumerate(table.column_names):
        column, cells = plan_column(name, table.schema.field(col).type, table.column(col).to_pylist())
        sheet.write_string(0, col, spreadsheet(name), header)
        _write_cells(sheet, col, column, cells, formats.get(column.number_format))
        sheet.set_column(col, col, column.width)
        columns.append(column)
    sheet.autofilter(0, 0, max(table.num_rows, 1), len(columns) - 1)  # a filter needs a row below its header
    sheet.freeze_panes(1, 0)
    if total is not None:
        _write_total(sheet, formats, columns, total, table.num_rows + 2)


def _write_total(sheet: Any, formats: Formats, columns: list[Column], total: dict[str, Any], row: int) -> None:
    """The total row, bold, at ``row`` (0-based): one blank row above keeps it out of the filter."""
    import pyarrow as pa

    for col, column in enumerate(columns):
        value = total.get(column.name)
        # typed as its column, or by its own value where no row had one
        arrow_type = pa.array([value]).type if column.kind == "empty" else column.arrow_type
        cell, cells = plan_column(column.name, arrow_type, [value])
        _write_cells(sheet, col, cell, cells, formats.get(cell.number_format, bold=True), first_row=row)


def _write_cells(sheet: Any, col: int, column: Column, cells: list[Any], fmt: Any, first_row: int = 1) -> None:
    """A column's cells as ``plan_column`` made them; nulls stay empty cells. (The innermost loop:
    at 200,000 cells per report folder every call in it counts.)"""
    write = _WRITE[column.kind]
    if write is None:
        return
    method = getattr(sheet, write)
    for row, value in enumerate(cells, start=first_row):
        if value is not None:
            method(row, col, value, fmt)


_WRITE = {"text": "write_string", "number": "write_number", "bool": "write_boolean", "datetime": "write_datetime",
          "date": "write_datetime", "empty": None}


def plan_column(name: str, arrow_type: Any, values: list[Any]) -> tuple[Column, list[Any]]:
    """How the column ``name`` (values of this pyarrow type) is written, and its cells: text made
    safe (a null company is "All companies"), local times as wall times, days as dates, numbers
    and flags as they are. Its width: the longest of its header (with the filter's button) and its
    cells as Excel shows them, capped at WIDTH_MAX."""
    kind = column_kind(name, arrow_type, values)
    number_format = _number_format(name, kind)
    cells = _cells(name, kind, values)
    width = max(len(name) + FILTER_BUTTON, _cells_width(kind, number_format, arrow_type, cells))
    return Column(name, kind, number_format, min(WIDTH_MAX, width + 1), arrow_type), cells


def _cells(name: str, kind: str, values: list[Any]) -> list[Any]:
    if name == "company":  # null: the rows of all companies together
        return [ALL_COMPANIES if v is None else _text(v) for v in values]
    if kind == "text":
        return [None if v is None else _text(v) for v in values]
    if kind == "datetime":
        return [None if v is None else _local_time(v) for v in values]
    if kind == "date":
        return [v if v is None or isinstance(v, date) else date.fromisoformat(v) for v in values]
    return values


def _text(value: Any) -> str:
    return spreadsheet(value if isinstance(value, str) else str(value))


def _local_time(value: str) -> datetime:
    """The wall time of a local ISO 8601 time: "2026-01-05T08:00:00+02:00" → 2026-01-05 08:00."""
    return datetime.fromisoformat(value).replace(tzinfo=None)


def _cells_width(kind: str, number_format: str | None, arrow_type: Any, cells: list[Any]) -> int:
    """The most characters Excel shows in one of these cells."""
    import pyarrow as pa

    shown = [v for v in cells if v is not None]
    if not shown:
        return 0
    if kind in ("datetime", "date", "bool"):
        return {"datetime": len(DATETIME_FORMAT), "date": len(DATE_FORMAT), "bool": len("FALSE")}[kind]
    if kind == "text":
        return max(map(len, shown))
    if number_format == ONE_DECIMAL:  # fixed decimals: the longest is the least or the greatest
        return max(len(f"{v:.1f}") for v in (min(shown), max(shown)))
    if pa.types.is_integer(arrow_type):
        return max(len(str(v)) for v in (min(shown), max(shown)))
    return min(GENERAL_DIGITS, max(len(repr(v)) for v in shown))


def column_kind(name: str, arrow_type: Any, values: list[Any]) -> str:
    import pyarrow as pa

    if name == "company":
        return "text"
    if pa.types.is_null(arrow_type):
        return "empty"
    if pa.types.is_boolean(arrow_type):
        return "bool"
    if pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type):
        return "number"
    if pa.types.is_date(arrow_type) or (name in DAY_COLUMNS and _all_parse(date.fromisoformat, values)):
        return "date"
    if name in LOCAL_TIME_COLUMNS and _all_parse(datetime.fromisoformat, values):
        return "datetime"
    return "text"


def _all_parse(parse: Callable[[str], Any], values: list[Any]) -> bool:
    """Every value is text that ``parse`` reads (else the column stays text, as written)."""
    try:
        return all(isinstance(v, str) and parse(v) is not None for v in values if v is not None)
    except ValueError:
        return False


def _number_format(name: str, kind: str) -> str | None:
    if kind == "datetime":
        return DATETIME_FORMAT
    if kind == "date":
        return DATE_FORMAT
    if kind == "number" and (name.endswith("_pct") or name.endswith("_s")):
        return ONE_DECIMAL
    return None
