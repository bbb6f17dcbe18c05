"""Volume peaks: the interval table, top intervals, busy hours and the peak-to-average ratio.

Every count is of offered contacts by local arrival time, read from ``offered_local`` (the
in-hours contacts unless --include-closed), through the service-level family so that offered,
answered, abandoned, service level and ASA mean the same here as everywhere. Rows with company
null are all companies together. Definitions: docs/peaks.md.
"""

from __future__ import annotations

from typing import Any

from slreport.engine import rows
from slreport.metrics import local_time
from slreport.metrics.intervals import MAX_DENSE_CELLS, grid_size, interval_grid_sql, local_iso_sql
from slreport.metrics.local_time import local_time_sql
from slreport.metrics.registry import SERVICE_LEVEL_KEYS
from slreport.metrics.service_level import service_level_sql
from slreport.metrics.span import BOUNDS, COMPANIES
from slreport.options.settings import Settings

INTERVAL_TABLE = "peak_intervals"
PEAK_COLUMNS = ("offered", "answered", "abandoned", "service_level_pct", "asa_s")


# --- the interval table -----------------------------------------------------------------

def create_interval_table(con: Any, settings: Settings) -> dict[str, Any] | None:
    """Materialise ``peak_intervals``: every interval of the period per company and for all
    companies (company null), empty ones as zero rows, with the service-level family, whether
    the interval is open (any minute of it within opening hours) and its outside-hours arrivals.
    Past MAX_DENSE_CELLS only the intervals with contacts have rows; then returns the note saying so."""
    m, tz = settings.interval_minutes, settings.timezone
    # a year of 15-minute intervals per company: local times from the offset transitions (local_time)
    local = local_time_sql(con, tz, "g.interval_start", BOUNDS)
    local_f = local_time_sql(con, tz, "f.interval_start", BOUNDS)
    dense_all = interval_grid_sql(m, tz, BOUNDS)
    companies, intervals = grid_size(con, m, tz)
    sparse = companies * intervals > MAX_DENSE_CELLS
    if sparse:
        grid = "(SELECT DISTINCT company, interval_start FROM contacts_local)"
        overall_grid = "(SELECT DISTINCT interval_start FROM contacts_local)"
    else:
        grid = f"(SELECT k.company, i.interval_start FROM {COMPANIES} k CROSS JOIN " \
               f"{dense_all} i)"
        overall_grid = dense_all
    con.execute(INTERVAL_FLAGS_SQL.format(grid=grid, local=local, m=int(m)))
    per_company = service_level_sql(settings, ["company", "interval_start"], "cells c", grid=f"{grid} g")
    overall = service_level_sql(settings, ["interval_start"], "cells c", grid=f"{overall_grid} g")
    con.execute(INTERVALS_SQL.format(
        per_company=per_company, overall=overall, iso=local_time.local_iso_sql(con, tz, "f.interval_start", BOUNDS),
        local=local_f, table=INTERVAL_TABLE,
    ))
    if not sparse:
        return None
    return {"dense_cells": companies * intervals, "max_dense_cells": MAX_DENSE_CELLS,
            "note": f"{companies} companies × {intervals} intervals is more than {MAX_DENSE_CELLS:,} cells: "
                    "the interval table, by_hour and by_day have per-company rows only where there are contacts (no "
                    "zero rows), and empty_intervals and staffing cover those intervals only"}


INTERVAL_FLAGS_SQL = """
CREATE OR REPLACE TEMP TABLE interval_flags AS
WITH open_slots AS (SELECT DISTINCT hours_id, day_kind, minute - minute % {m} AS slot FROM open_minutes),
     outside AS (SELECT company, interval_start, count(*) AS outside_hours
                 FROM contacts_local WHERE NOT in_hours GROUP BY ALL)
SELECT g.company, g.interval_start, os.slot IS NOT NULL AS open, coalesce(x.outside_hours, 0) AS outside_hours
FROM {grid} g
LEFT JOIN company_days cd ON cd.company = g.company AND cd.day = CAST({local} AS DATE)
LEFT JOIN company_hours ch ON ch.company = g.company
LEFT JOIN open_slots os
       ON os.hours_id = ch.hours_id AND os.day_kind = cd.day_kind AND os.slot = hour({local}) * 60 + minute({local})
LEFT JOIN outside x ON x.company = g.company AND x.interval_start = g.interval_start
"""

INTERVALS_SQL = """
CREATE OR REPLACE TEMP TABLE {table} AS
SELECT f.company, f.interval_start, {iso} AS local_start, CAST({local} AS DATE) AS day, fl.open,
       f.* EXCLUDE (company, interval_start), fl.outside_hours
FROM ({per_company}) f JOIN interval_flags fl USING (company, interval_start)
UNION ALL BY NAME
SELECT NULL AS company, f.interval_start, {iso} AS local_start, CAST({local} AS DATE) AS day, fl.open,
       f.* EXCLUDE (interval_start), fl.outside_hours
FROM ({overall}) f
JOIN (SELECT interval_start, bool_or(open) AS open, CAST(sum(outside_hours) AS BIGINT) AS outside_hours
      FROM interval_flags GROUP BY interval_start) fl USING (interval_start)
"""


def interval_table(con: Any) -> Any:
    """The full interval table (a pyarrow Table when called: engine.deferred_table), all companies
    (company null) first, then by company and interval; ``interval_start`` is local ISO-8601 with
    the UTC offset."""
    from slreport.engine import deferred_table

    cols = ", ".join(SERVICE_LEVEL_KEYS)
    return deferred_table(
        con,
        f"SELECT p.company, p.local_start AS interval_start, p.day, p.open, {cols}, p.outside_hours "
        f"FROM {INTERVAL_TABLE} p ORDER BY p.company NULLS FIRST, p.interval_start"
    )


def interval_summary(con: Any, settings: Settings) -> dict[str, Any]:
    per_company = rows(con, f"""
        SELECT company, count(*) AS intervals, count(*) FILTER (WHERE open) AS open_intervals,
               count(*) FILTER (WHERE offered > 0) AS intervals_with_contacts,
               count(*) FILTER (WHERE offered = 0) AS empty_intervals,
               max(offered) AS max_offered,
               count(service_level_pct) AS intervals_with_service_level,
               count(*) FILTER (WHERE NOT target_met) AS intervals_target_missed
        FROM {INTERVAL_TABLE} GROUP BY company ORDER BY company NULLS FIRST""")
    return {
        "describes": "the interval table (tables['intervals'], written in full to files): one row per company "
                     "and local interval of the period plus company null = all companies, empty intervals as zero "
                     "rows; summarised here per company",
        "interval_minutes": settings.interval_minutes,
        "rows": sum(r["intervals"] for r in per_company),
        "by_company": per_company,
    }


# --- peaks --------------------------------------------------------------------------------

def top_intervals_sql(top_n: int) -> str:
    """The N intervals with most offered per company (null = all); ties: the earlier first.
    Intervals without contacts are never peaks."""
    cols = ", ".join(PEAK_COLUMNS)
    return f"""
        SELECT company, rank, interval_start, day, {cols} FROM (
            SELECT company, local_start AS interval_start, day, {cols},
                   row_number() OVER (PARTITION BY company ORDER BY offered DESC, p.interval_start) AS rank
            FROM {INTERVAL_TABLE} p WHERE offered > 0)
        WHERE rank <= {int(top_n)} ORDER BY company NULLS FIRST, rank"""


def sliding_busy_hour_sql(tz: str) -> str:
    """Per company (null = all) and local day: the 60 minutes with the most arrivals.

    Such a window can always start at an arrival, so each arrival opens one: the count of
    arrivals in [t, t + 60 min) of elapsed time (epoch microseconds, so DST cannot stretch it).
    Only that day's arrivals count. Ties: the earliest window. The busiest clock hour of the
    day is given beside it (from the cells): the window is never smaller.

    Counted exactly without a window over every arrival (DuckDB's RANGE frames grow costly with
    the partition: 12 s at 10 M contacts). A window opening at t in elapsed minute k holds the
    arrivals of minute k from t on, all of minutes k+1…k+59, and those of minute k+60 before
    t + 60 min. So per minute, from the arrivals per minute: the window opening at k's first
    arrival holds at least n(k) + inner(k), and none opening in k holds more than n(k) + inner(k)
    + n(k+60). Only minutes whose upper bound reaches the day's best lower bound can hold the
    busiest window; only their arrivals are counted one by one, against the arrivals of the
    minute 60 later moved back by an hour (`shifted`).
    """
    hour_us, minute_us = 3_600_000_000, 60_000_000
    start = "CAST(make_timestamp(-b.best.later) AS TIMESTAMPTZ)"
    iso_start, iso_end = local_iso_sql(tz, start), local_iso_sql(tz, f"{start} + INTERVAL 60 MINUTE")
    frame = "OVER (PARTITION BY company, day ORDER BY minute RANGE BETWEEN {} FOLLOWING AND {} FOLLOWING)"
    same_partition = "a.day = c.day AND (c.company IS NULL OR a.company = c.company)"
    return f"""
        WITH arrivals AS (
            SELECT company, day, epoch_us(arrived_at) AS t, epoch_us(arrived_at) // {minute_us} AS minute
            FROM offered_local),
        per_minute AS (SELECT company, day, minute, count(*) AS n FROM arrivals GROUP BY company, day, minute),
        minutes AS (
            SELECT * FROM per_minute
            UNION ALL SELECT NULL, day, minute, sum(n) FROM per_minute GROUP BY day, minute),
        bounds AS (
            SELECT company, day, minute, n,
                   coalesce(sum(n) {frame.format(1, 59)}, 0) AS inner_n,
                   coalesce(sum(n) {frame.format(60, 60)}, 0) AS edge_n
            FROM minutes),
        candidates AS (
            SELECT company, day, minute, n, inner_n FROM bounds
            QUALIFY n + inner_n + edge_n >= max(n + inner_n) OVER (PARTITION BY company, day)),
        starts AS (
            SELECT c.company, c.day, c.minute, c.n, c.inner_n, a.t, 0 AS shifted
            FROM candidates c JOIN arrivals a ON a.minute = c.minute AND {same_partition}
            UNION ALL
            SELECT c.company, c.day, c.minute, c.n, c.inner_n, a.t - {hour_us}, 1
            FROM candidates c JOIN arrivals a ON a.minute = c.minute + 60 AND {same_partition}),
        windows AS (
            SELECT company, day, t, shifted,
                   n - sum(1 - shifted) OVER w + 1 + inner_n + sum(shifted) OVER w AS arrivals
            FROM starts
            WINDOW w AS (PARTITION BY company, day, minute ORDER BY t, shifted ROWS UNBOUNDED PRECEDING)),
        best AS (
            SELECT company, day, max({{'arrivals': arrivals, 'later': -t}}) AS best FROM windows
            WHERE shifted = 0 GROUP BY company, day),
        clock AS (
            SELECT company, day, hour, sum(offered) AS n FROM cells
            GROUP BY GROUPING SETS ((company, day, hour), (day, hour))
            QUALIFY row_number() OVER (PARTITION BY company, day ORDER BY n DESC, hour) = 1)
        SELECT b.company, b.day, {iso_start} AS window_start, {iso_end} AS window_end, b.best.arrivals AS arrivals,
               c.hour AS busiest_clock_hour, CAST(c.n AS BIGINT) AS busiest_clock_hour_arrivals
        FROM best b JOIN clock c ON c.company IS NOT DISTINCT FROM b.company AND c.day = b.day
        ORDER BY b.company NULLS FIRST, b.day"""


def time_consistent_busy_hour(hour_profile: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per company: the clock hour with the highest mean offered per open day (ties: earlier)."""
    best: dict[Any, dict[str, Any]] = {}
    for r in hour_profile:
        if r["offered_per_day"] is None or not r["offered"]:
            continue
        seen = best.get(r["company"])
        if seen is None or r["offered_per_day"] > seen["offered_per_day"]:
            best[r["company"]] = r
    return [
        {"company": r["company"], "hour": r["hour"], "offered_per_day": r["offered_per_day"],
         "open_days": r["open_days"], "service_level_pct": r["service_level_pct"]}
        for r in sorted(best.values(), key=lambda r: (r["company"] is not None, r["company"] or ""))
    ]


def peak_to_average(con: Any) -> dict[str, Any]:
    per_company = rows(con, f"""
        SELECT company, max(offered) AS peak_offered,
               CASE WHEN max(offered) > 0 THEN first(local_start ORDER BY offered DESC, interval_start) END
                   AS peak_interval_start,
               count(*) FILTER (WHERE open) AS open_intervals,
               CAST(coalesce(sum(offered) FILTER (WHERE open), 0) AS BIGINT) AS offered_in_open_intervals,
               slr_round(sum(offered) FILTER (WHERE open) / NULLIF(count(*) FILTER (WHERE open), 0), 4)
                   AS mean_offered_per_open_interval,
               slr_round(max(offered) / NULLIF(sum(offered) FILTER (WHERE open)
                     / NULLIF(count(*) FILTER (WHERE open), 0), 0), 4) AS ratio
        FROM {INTERVAL_TABLE} GROUP BY company ORDER BY company NULLS FIRST""")
    return {
        "denominator": "mean offered per open interval: offered in open intervals / open intervals (an interval is "
                       "open when any minute of it is within opening hours; with no opening hours, every interval "
                       "of the period)",
        "by_company": per_company,
    }
