"""The canonical-parquet reader: a dataset written by ``slreport convert`` (or one Parquet file of the
canonical columns).

The dataset is hive-partitioned ``company=…/month=YYYY-MM/part-….parquet`` (month of the arrival
in UTC). Rows were checked when they were converted, so they are staged as they are; duplicates
across conversions (overlapping exports converted twice) are still caught by the staging table.
When ``ReadOptions.arrival_window`` is set, only the months that overlap it are read (partition
pruning) and only contacts inside it are staged.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from slreport.errors import InputError
from slreport.ingest.options import ReadOptions
from slreport.ingest.sources import Source
from slreport.ingest.sql import quote_literal
from slreport.ingest.staging import insert_sql
from slreport.schema import COLUMN_NAMES

NAME = "canonical-parquet"
DESCRIPTION = "Parquet dataset written by `slreport convert` (company=…/month=…/*.parquet), or one such file"
PARTITION_KEYS = ("company", "month")


def is_dataset(path: Path) -> bool:
    """A folder holding Parquet files somewhere below it, or one .parquet file of such a dataset
    (in a month=… folder); any other .parquet file is an export for the generic reader."""
    if path.is_file():
        return path.suffix.lower() == ".parquet" and path.parent.name.startswith("month=")
    return path.is_dir() and next(path.rglob("*.parquet"), None) is not None


def detect(source: Source) -> bool:
    return is_dataset(source.path)


def read_sql(path: Path) -> str:
    """The dataset as a DuckDB table function; partition values stay text (a company called 2024 is a name)."""
    if path.is_file():
        return f"read_parquet({quote_literal(path.as_posix())}, file_row_number = true, filename = true)"
    return (
        f"read_parquet({quote_literal(path.as_posix() + '/**/*.parquet')}, hive_partitioning = true, "
        "hive_types = {'company': VARCHAR, 'month': VARCHAR}, file_row_number = true, filename = true)"
    )


def window_filter(options: ReadOptions, partitioned: bool) -> str:
    """WHERE clause for the arrival window [lo, hi): months for pruning, instants for the exact cut."""
    if options.arrival_window is None:
        return ""
    since, until = options.arrival_window
    exact, months = ["true"], ["true"]
    if since is not None:  # months are UTC months, as convert names them
        exact.append(f"arrived_at >= CAST({quote_literal(since)} AS TIMESTAMPTZ)")
        months.append(f"month >= strftime(timezone('UTC', CAST({quote_literal(since)} AS TIMESTAMPTZ)), '%Y-%m')")
    if until is not None:
        exact.append(f"arrived_at < CAST({quote_literal(until)} AS TIMESTAMPTZ)")
        months.append(f"month <= strftime(timezone('UTC', CAST({quote_literal(until)} AS TIMESTAMPTZ)), '%Y-%m')")
    where = exact + (months if partitioned else [])
    return "WHERE " + " AND ".join(where)


def stage_file(
    con: duckdb.DuckDBPyConnection, source: Source, file_index: int, options: ReadOptions
) -> dict[str, object]:
    """Stage the dataset's contacts; line is the row within its Parquet file, source the original file:line."""
    columns = _columns(con, source)
    missing = [c for c in ("arrived_at", "outcome", "company") if c not in columns]
    if missing:
        raise InputError(
            f"not a canonical contact dataset: column(s) {', '.join(missing)} missing",
            "write the dataset with `slreport convert`, or read the files with --profile generic",
            file=source.display,
        )
    select = [c if c in columns else "NULL" for c in COLUMN_NAMES]
    select[COLUMN_NAMES.index("source")] = (
        "coalesce(source, filename || ':' || (file_row_number + 1))" if "source" in columns
        else "filename || ':' || (file_row_number + 1)"
    )
    exprs = dict(zip(COLUMN_NAMES, select, strict=True))
    exprs |= {"file_index": str(file_index), "line": "file_row_number + 1"}
    try:
        con.execute(insert_sql(exprs, f"FROM {read_sql(source.path)} {window_filter(options, source.path.is_dir())}"))
    except duckdb.Error as exc:
        raise _unreadable(exc, source) from exc
    return {"profile": NAME, "columns": {c: c for c in COLUMN_NAMES if c in columns}}


def _columns(con: duckdb.DuckDBPyConnection, source: Source) -> set[str]:
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {read_sql(source.path)}").fetchall()
    except duckdb.Error as exc:
        raise _unreadable(exc, source) from exc
    return {r[0] for r in rows}


def _unreadable(exc: Exception, source: Source) -> InputError:
    return InputError(
        f"cannot read as Parquet: {str(exc).splitlines()[0]}",
        "check that the folder holds only Parquet files written by `slreport convert`",
        file=source.display,
    )
