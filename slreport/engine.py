"""The DuckDB connection every stage shares (in memory, spilling to a scratch folder), and the small
helpers that run a query and hand its (small) result back JSON-ready: ``one``, ``first``, ``rows``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from slreport.options.limits import parse_memory_limit, parse_size

# DuckDB's own default is 80 % of RAM. A bounded default keeps a 10 M-contact analyze near 2 GB of
# resident memory: the staged contacts beyond it go to the scratch folder, which cost little time
# in the benchmark (docs/scale.md). --memory-limit raises or lowers it.
DEFAULT_MEMORY_LIMIT = "2GB"

# Every rate and mean the metric SQL reports is rounded by slr_round(x, digits): x times 10^digits
# rounded to the nearest whole number, halves away from zero, so 417.9 s / 80 calls = 5.22375 is
# 5.2238, as a spreadsheet shows it. DuckDB's own round(x, digits) rounds the binary value since
# 2.0.1 (5.22374999… → 5.2237) and did the above before: a report must not change with the DuckDB
# release installed, nor between engines (slreport.spark.dialect writes the same for Spark).
ROUND_MACRO = ("CREATE OR REPLACE MACRO slr_round(x, digits) AS "
               "round(CAST(x AS DOUBLE) * pow(10, digits)) / pow(10, digits)")


def memory_limit_bytes(memory_limit: str | None) -> int:
    """The limit in bytes: a user's value through the size grammar (slreport.options.limits), else the default."""
    if memory_limit is None:
        return parse_size(DEFAULT_MEMORY_LIMIT, "the default memory limit")
    return parse_memory_limit(memory_limit)


def connect(scratch: Path, memory_limit: str | None = None, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    # Session time zone fixed to UTC: local times are always converted explicitly with
    # timezone(zone, …), so the machine's locale can never shift a number.
    con.execute("SET TimeZone = 'UTC'")
    # DuckDB draws a progress bar on stdout (even when it is a pipe) for queries over ~2 s: at
    # millions of rows that would corrupt the JSON or CSV written there.
    con.execute("SET enable_progress_bar = false")
    # Line numbers of a parallel read come from the order in which its rows were stored
    # (slreport.ingest.readers.generic): DuckDB's default, set here so that nothing can turn it off.
    con.execute("SET preserve_insertion_order = true")
    # Parameters, not text: the folder and the limit come from the user (TMPDIR, --memory-limit).
    con.execute("SET temp_directory = ?", [scratch.as_posix()])
    con.execute("SET memory_limit = ?", [f"{memory_limit_bytes(memory_limit)}B"])
    if threads:
        con.execute("SET threads = ?", [int(threads)])
    con.execute(ROUND_MACRO)
    return con


# DuckDB column types → pyarrow types, for tables built after the connection is closed.
_ARROW_TYPES = {"VARCHAR": "string", "DATE": "date32", "BOOLEAN": "bool_", "BIGINT": "int64", "INTEGER": "int32",
                "DOUBLE": "float64"}


def deferred_table(con: duckdb.DuckDBPyConnection, sql: str) -> Callable[[], Any]:
    """A query's result read now (as NumPy columns), turned into a pyarrow Table only when called:
    importing pyarrow (and the pandas it loads to read NumPy) costs ≈0.5 s, and only runs that
    write table files need one (see analysis.Analysis.tables)."""
    import numpy as np

    result = con.sql(sql)
    types = dict(zip(result.columns, (str(t) for t in result.types), strict=True))
    unknown = sorted(set(types.values()) - set(_ARROW_TYPES))
    if unknown:
        raise ValueError(f"no arrow type for {unknown}")
    columns = result.fetchnumpy()

    def build() -> Any:
        import pyarrow as pa

        return pa.table({
            name: pa.array(np.ma.getdata(values), mask=np.ma.getmaskarray(values),
                           type=getattr(pa, _ARROW_TYPES[types[name]])())
            for name, values in columns.items()
        })

    return build


def one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    """The single row of a query that always returns one (an aggregate), read to its end."""
    rows = con.execute(sql).fetchall()
    if len(rows) != 1:
        raise ValueError(f"expected one row, got {len(rows)}")
    return tuple(rows[0])


def first(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...] | None:
    rows = con.execute(sql).fetchall()
    return tuple(rows[0]) if rows else None


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    """Run a metric query and return JSON-ready dicts (small results only)."""
    result = con.execute(sql)  # planned once (a relation's .columns would plan it a second time)
    names = [d[0] for d in result.description]
    columns = [plain_column(values) for values in zip(*result.fetchall(), strict=True)]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def plain_column(values: tuple[Any, ...]) -> Any:
    """``plain`` of every value of a result column, without a call per value where the column's
    type says what it needs (counts, names and flags need nothing; rates are floats)."""
    kinds = {type(v) for v in values if v is not None}
    if kinds <= {int, str, bool}:
        return values
    if kinds == {float}:
        return [None if v is None else round(v, 4) for v in values]
    return [plain(v) for v in values]


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(round(value, 4))
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def insert_rows(con: Any, table: str, rows: list[tuple[Any, ...]]) -> None:
    """INSERT ``rows`` into the table ``table`` (a name of ours, never a user's). On DuckDB one
    statement unnests a list per column: ``executemany`` inserts row by row, and 15 000 companies'
    settings took 17 s that way. Other engines (slreport.spark.engine) keep their executemany."""
    if not rows:
        return
    marks = ", ".join("?" * len(rows[0]))
    if not isinstance(con, duckdb.DuckDBPyConnection):
        con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    unnests = ", ".join(f"unnest(${i})" for i in range(1, len(columns) + 1))
    con.execute(f"INSERT INTO {table} SELECT {unnests}", columns)
