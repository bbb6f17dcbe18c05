"""Interval keys shared by every per-interval table (volumes, peaks, staffing).

An interval is a local clock interval of m minutes (15, 30 or 60) in the report time zone,
identified by the instant it started (TIMESTAMPTZ). Keying by the instant rather than by the
local clock time keeps the two 02:00-03:00 hours of a 25-hour autumn day apart, and a 23-hour
spring day simply has no 03:00 interval. Rendered as local ISO-8601 with its UTC offset.
"""

from __future__ import annotations

from typing import Any

from slreport.ingest.sql import quote_literal
from slreport.metrics.span import BOUNDS, SPAN


def interval_start_sql(minutes: int, tz: str, ts: str = "arrived_at", local: str | None = None) -> str:
    """The instant the local m-minute interval containing ``ts`` began (``local``: ``ts`` as local
    time, when the caller has it already)."""
    local = local or f"timezone({quote_literal(tz)}, {ts})"
    return f"({ts} - ({local} - time_bucket(INTERVAL {int(minutes)} MINUTE, {local})))"


def interval_grid_sql(minutes: int, tz: str, source: str) -> str:
    """Every interval start from the local midnight of the first day to the end of the last
    day of ``source``, empty ones included (a subquery with one column ``interval_start``)."""
    zone = quote_literal(tz)
    return f"""(
        SELECT s AS interval_start FROM (
            SELECT timezone({zone}, CAST(CAST(timezone({zone}, min(arrived_at)) AS DATE) AS TIMESTAMP)) AS lo,
                   timezone({zone}, CAST(CAST(timezone({zone}, max(arrived_at)) AS DATE) + 1 AS TIMESTAMP)) AS hi
            FROM {source}
        ), generate_series(lo, hi - INTERVAL 1 MICROSECOND, INTERVAL {int(minutes)} MINUTE) g(s)
    )"""


def local_iso_sql(tz: str, ts: str = "interval_start", local: str | None = None) -> str:
    """``ts`` as local ISO-8601 text with its UTC offset, e.g. 2024-10-27T03:00:00+02:00 (``local``:
    ``ts`` as local time, when the caller has a cheaper expression for it than timezone())."""
    local = local or f"timezone({quote_literal(tz)}, {ts})"
    offset_min = f"CAST(epoch({local}::TIMESTAMP) - epoch({ts}) AS INTEGER) // 60"
    return (
        f"strftime({local}, '%Y-%m-%dT%H:%M:%S') || CASE WHEN {offset_min} < 0 THEN '-' ELSE '+' END"
        f" || lpad(CAST(abs({offset_min}) // 60 AS VARCHAR), 2, '0') || ':'"
        f" || lpad(CAST(abs({offset_min}) % 60 AS VARCHAR), 2, '0')"
    )


# Past this many company × interval cells the per-company tables are not zero-filled (the interval
# table, by_hour, by_day): 100 k companies over a month of 15-minute intervals are 288 M cells, which
# ran out of memory and left 28 GB of spill, for tables that are almost all zeros. Below it every
# company has a row for every interval, hour and day of the period.
MAX_DENSE_CELLS = 5_000_000


def grid_size(con: Any, minutes: int, tz: str) -> tuple[int, int]:
    """(companies, intervals of the period): the size of the dense company × interval grid."""
    grid = interval_grid_sql(minutes, tz, BOUNDS)
    companies, intervals = con.execute(
        f"SELECT (SELECT count(*) FROM {SPAN}), (SELECT count(*) FROM {grid})").fetchall()[0]
    return int(companies), int(intervals)


def dense_grids(con: Any, minutes: int, tz: str) -> bool:
    """Whether the per-company tables get a zero row for every empty interval, hour and day."""
    companies, intervals = grid_size(con, minutes, tz)
    return companies * intervals <= MAX_DENSE_CELLS
