"""The canonical-parquet reader: a dataset written by ``slreport convert`` (or one Parquet file of the
canonical columns).

The dataset is hive-partitioned ``company=…/month=YYYY-MM/part-<run id>-<n>.parquet`` (month of the
arrival in UTC). Rows were checked when they were converted, so they are used as they are. When
``ReadOptions.arrival_window`` is set, only the months that overlap it are read (partition pruning)
and only contacts inside it are used.

A dataset read on its own is not copied: ``create_staged_view`` makes ``staged`` a view over the
files, so a 100 M-contact dataset is read in place rather than written again to DuckDB's memory and
spill files. Among several inputs it is copied into the staging table like any export
(``stage_file``). Either way, duplicates across conversions (overlapping exports converted twice)
are rejected: in place, by searching the partitions that hold more than one conversion run.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from slreport.errors import InputError
from slreport.ingest.sources import Source, is_dataset
from slreport.ingest.sql import inside_window_sql, quote_literal
from slreport.ingest.staging import STAGED, duplicate_order, insert_sql, staged_select
from slreport.options.read import ReadOptions
from slreport.schema import COLUMN_NAMES

NAME = "canonical-parquet"
DESCRIPTION = "Parquet dataset written by `slreport convert` (company=…/month=…/*.parquet), or one such file"
PARTITION_KEYS = ("company", "month")
# convert names its files part-<run id>-<n>.parquet; any other name counts as a run of its own.
_RUN_OF_FILE = re.compile(r"part-(.+)-\d+\.parquet")


def detect(source: Source) -> bool:
    return is_dataset(source.path)


def read_sql(path: Path) -> str:
    """The dataset as a DuckDB table function; partition values stay text (a company called 2024 is a name)."""
    if path.is_file():
        return f"read_parquet({quote_literal(_files(path))}, file_row_number = true, filename = true)"
    return (
        f"read_parquet({quote_literal(_files(path))}, hive_partitioning = true, "
        "hive_types = {'company': VARCHAR, 'month': VARCHAR}, file_row_number = true, filename = true)"
    )


def _files(path: Path) -> str:
    """The file, or the glob of the dataset's files (DuckDB names each file as this glob expands)."""
    return path.as_posix() if path.is_file() else path.as_posix() + "/**/*.parquet"


def window_filter(options: ReadOptions, partitioned: bool) -> str:
    """WHERE clause for the arrival window [lo, hi): months for pruning, instants for the exact cut."""
    if options.arrival_window is None:
        return ""
    since, until = options.arrival_window
    months = []
    if since is not None:  # months are UTC months, as convert names them
        months.append(f"month >= strftime(timezone('UTC', CAST({quote_literal(since)} AS TIMESTAMPTZ)), '%Y-%m')")
    if until is not None:
        months.append(f"month <= strftime(timezone('UTC', CAST({quote_literal(until)} AS TIMESTAMPTZ)), '%Y-%m')")
    return "WHERE " + " AND ".join([inside_window_sql(options.arrival_window), *(months if partitioned else [])])


def stage_file(
    con: duckdb.DuckDBPyConnection, source: Source, file_index: int, options: ReadOptions
) -> dict[str, object]:
    """Copy the dataset's contacts into the staging table (when it is one input among several)."""
    columns = _checked_columns(con, source)
    try:
        con.execute(insert_sql(_staged_exprs(columns, file_index), f"FROM {_rows(source, options)}"))
    except duckdb.Error as exc:
        raise _unreadable(exc, source) from exc
    return _detected(columns)


def create_staged_view(con: duckdb.DuckDBPyConnection, source: Source, options: ReadOptions) -> dict[str, object]:
    """Make ``staged`` a view over the dataset (its only input), its duplicates rejected, nothing copied."""
    columns = _checked_columns(con, source)
    rows = _rows(source, options)
    exprs = _staged_exprs(columns, 0)
    try:
        join = ""
        if "contact_id" in columns and _create_duplicate_rows(con, source, rows):
            join = "LEFT JOIN duplicate_rows d ON d.dup_file = filename AND d.dup_row = file_row_number"
            exprs |= {
                "reject_reason": "CASE WHEN d.dup_file IS NOT NULL THEN 'duplicate' END",
                "reject_column": "CASE WHEN d.dup_file IS NOT NULL THEN 'contact_id' END",
                "reject_value": "CASE WHEN d.dup_file IS NOT NULL THEN contact_id END",
            }
        con.execute(f"CREATE OR REPLACE VIEW {STAGED} AS SELECT {staged_select(exprs)} FROM {rows} r {join}")
    except duckdb.Error as exc:
        raise _unreadable(exc, source) from exc
    return _detected(columns)


def _create_duplicate_rows(con: duckdb.DuckDBPyConnection, source: Source, rows: str) -> int:
    """The rows to reject as duplicates (table ``duplicate_rows``); returns how many.

    A contact's arrival fixes its partition, so a contact converted twice (overlapping exports)
    sits in one company/month folder under two run ids. Only folders holding more than one run
    are searched: a dataset converted once costs one listing of its files, not a pass over its rows.
    Within a search, the row kept is chosen by content, as for any export (staging.duplicate_order)."""
    files = [name for (name,) in con.execute(f"SELECT file FROM glob({quote_literal(_files(source.path))})").fetchall()]
    run_of = {name: _RUN_OF_FILE.fullmatch(name.rpartition("/")[2]) for name in files}
    runs: dict[str, set[str]] = {}
    for name, match in run_of.items():
        runs.setdefault(name.rpartition("/")[0], set()).add(match.group(1) if match else name)
    searched = [quote_literal(name) for name, match in run_of.items()
                if match is None or len(runs[name.rpartition("/")[0]]) > 1]
    con.execute("CREATE OR REPLACE TEMP TABLE duplicate_rows (dup_file VARCHAR, dup_row BIGINT)")
    if not searched:
        return 0
    con.execute(
        f"""INSERT INTO duplicate_rows
            WITH candidates AS (
              SELECT * FROM {rows} WHERE filename IN ({', '.join(searched)}) AND contact_id IS NOT NULL)
            SELECT filename, file_row_number FROM candidates
            WHERE hash(company, contact_id) IN (
              SELECT hash(company, contact_id) AS h FROM candidates GROUP BY h HAVING count(*) > 1)
            QUALIFY row_number() OVER (
              PARTITION BY company, contact_id ORDER BY {duplicate_order("filename, file_row_number")}) > 1"""
    )
    return con.execute("SELECT count(*) FROM duplicate_rows").fetchall()[0][0]


def _checked_columns(con: duckdb.DuckDBPyConnection, source: Source) -> set[str]:
    columns = _columns(con, source)
    missing = [c for c in ("arrived_at", "outcome", "company") if c not in columns]
    if missing:
        raise InputError(
            f"not a canonical contact dataset: column(s) {', '.join(missing)} missing",
            "write the dataset with `slreport convert`, or read the files with --profile generic",
            file=source.display,
        )
    return columns


def _rows(source: Source, options: ReadOptions) -> str:
    """The dataset's rows inside the arrival window, as a subquery."""
    return f"(SELECT * FROM {read_sql(source.path)} {window_filter(options, source.path.is_dir())})"


def _staged_exprs(columns: set[str], file_index: int) -> dict[str, str]:
    """Staged column → expression over the dataset's rows; line is the row within its Parquet file,
    source the original file:line."""
    select = [c if c in columns else "NULL" for c in COLUMN_NAMES]
    select[COLUMN_NAMES.index("source")] = (
        "coalesce(source, filename || ':' || (file_row_number + 1))" if "source" in columns
        else "filename || ':' || (file_row_number + 1)"
    )
    exprs = dict(zip(COLUMN_NAMES, select, strict=True))
    return exprs | {"file_index": str(file_index), "line": "file_row_number + 1"}


def _detected(columns: set[str]) -> dict[str, object]:
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
