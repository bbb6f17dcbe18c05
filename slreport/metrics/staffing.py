"""Staffing from the data: per company and interval, the agents the queueing models require for
the report's targets, against the agents seen answering; the weekly staffing profile.

One SQL query builds the interval table: the peaks family's interval table (every interval of
the period, empty ones as zero rows, service level achieved) plus handle time and distinct
answering agents from the cells of the same offered contacts (metrics.cells). Required agents are
then computed in NumPy:
Erlang C vectorised over all intervals, Erlang A per interval (cached) starting from the
Erlang C answer. Definitions: docs/staffing.md.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import duckdb

from slreport.metrics.cells import CELL_AGENTS
from slreport.metrics.local_time import local_time_sql
from slreport.metrics.peaks import INTERVAL_TABLE
from slreport.metrics.span import BOUNDS
from slreport.options.settings import Settings

# Handle time and agents per interval: the cells of one company × interval (metrics.cells: one per policy
# of the company) hold the service-level family's handle-time sum and count; its distinct answering
# agents are in cell_agents.
EXTRA_SQL = f"""
SELECT company, interval_start, handle_sum, aht_calls, agents_seen
FROM (SELECT company, interval_start, sum(handle_sum) AS handle_sum,
             CAST(sum(answered_with_talk) AS BIGINT) AS aht_calls
      FROM cells GROUP BY company, interval_start) LEFT JOIN {CELL_AGENTS} USING (company, interval_start)
"""

COMPANY_SQL = """
SELECT company, CAST(sum(handle_sum) / NULLIF(sum(answered_with_talk), 0) AS DOUBLE) AS company_aht_s,
       sum(agents_named) > 0 AS names_agents
FROM cells GROUP BY company
"""


def interval_sql(con: duckdb.DuckDBPyConnection, settings: Settings) -> str:
    """Every (company, interval) of the period with its counts, AHT inputs and agents seen.

    The counts and the service level achieved come from the interval table of the peaks family
    (``peak_intervals``: every interval of the period, empty ones as zero rows, opening hours
    applied), so both tables agree; handle times and agents come from the cells of the same offered
    contacts, joined on the interval.
    """
    tz = settings.timezone
    local = local_time_sql(con, tz, "p.interval_start", BOUNDS)
    return f"""
WITH extra AS ({EXTRA_SQL}),
co AS ({COMPANY_SQL})
SELECT p.company, p.local_start AS interval_start, p.interval_start AS instant,
       isodow({local}) AS weekday, strftime({local}, '%H:%M') AS time_of_day, p.open,
       p.offered, p.answered, p.abandoned, p.service_level_pct,
       coalesce(extra.aht_calls, 0) AS aht_calls,
       CAST(extra.handle_sum / NULLIF(extra.aht_calls, 0) AS DOUBLE) AS interval_aht_s,
       CAST(coalesce(extra.handle_sum, 0) AS DOUBLE) AS handle_sum,
       co.company_aht_s,
       CASE WHEN co.names_agents THEN coalesce(extra.agents_seen, 0) END AS agents_seen
FROM {INTERVAL_TABLE} p LEFT JOIN extra USING (company, interval_start) LEFT JOIN co USING (company)
WHERE p.company IS NOT NULL
ORDER BY p.company, p.interval_start
"""


def staffing_sections(
    con: duckdb.DuckDBPyConnection, settings: Settings, tables: dict[str, Any], patience: list[dict[str, Any]]
) -> dict[str, Any]:
    """The report keys ``staffing``, ``staffing_profile`` and ``patience`` (the patience section, computed
    before the contacts were dropped: Erlang A takes each company's patience from it); the full interval
    table goes to ``tables['staffing']``. Reads the interval tables, not the contacts."""
    from slreport.metrics.patience import theta_by_company
    from slreport.metrics.staffing_calc import columns_of, company_rows, profile_rows, required_columns, summary

    theta = theta_by_company(patience)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {STAFFING_TABLE} AS {interval_sql(con, settings)}")
    cols = columns_of(con.sql(f"SELECT * EXCLUDE (instant) FROM {STAFFING_TABLE} ORDER BY company, instant")
                      .fetchnumpy())
    groups = company_rows(cols["company"])
    targets = company_targets(settings, list(groups))
    required_columns(cols, groups, settings.interval_minutes * 60, targets, theta)
    # pyarrow imports pandas (≈0.3 s) to build a table from NumPy, so only when files are written
    tables["staffing"] = partial(to_arrow, cols)
    slots = columns_of(con.sql(SLOTS_SQL).fetchnumpy())
    return {
        "staffing": summary(cols, groups, settings, targets, theta),
        "staffing_profile": profile_rows(slots, settings.interval_minutes * 60, targets, theta),
        "patience": patience,
    }


STAFFING_TABLE = "staffing_intervals"
# The weekly profile's slots: every interval of the period summed per company × weekday × time of
# day (handle time summed exactly, as the DECIMAL it was).
SLOTS_SQL = f"""
SELECT company, weekday, time_of_day, count(*) AS intervals, sum(offered) AS offered,
       CAST(sum(CAST(handle_sum AS DECIMAL(38,3))) AS DOUBLE) AS handle_sum, sum(aht_calls) AS aht_calls,
       first(company_aht_s) AS company_aht_s, avg(agents_seen) AS mean_agents_seen
FROM {STAFFING_TABLE} GROUP BY company, weekday, time_of_day ORDER BY company, weekday, time_of_day
"""


def company_targets(settings: Settings, companies: list[str]) -> dict[str, Any]:
    """Each company's staffing targets: its own service level (slreport.toml or --sl), the rest shared."""
    from slreport.metrics.policy import company_policy

    out = {}
    for company in companies:
        policy = company_policy(settings, company)
        out[company] = settings.staffing.with_service_level(policy["target_pct"], policy["threshold_s"])
    return out


TABLE_COLUMNS = (
    "company", "interval_start", "weekday", "time_of_day", "open", "offered", "answered", "abandoned",
    "service_level_pct", "aht_calls", "interval_aht_s", "company_aht_s", "aht_s", "aht_source", "theta_s",
    "required_c", "required_a", "scheduled_c", "scheduled_a", "agents_seen", "gap_c", "gap_a",
)


def to_arrow(cols: dict[str, Any]) -> Any:
    """The full per-interval table, in a fixed column order (weekday: ISO 1 = Monday); NaN and
    masked (unknown) values are nulls."""
    import math

    import numpy as np
    import pyarrow as pa

    # Python lists, not arrays: pyarrow imports pandas to inspect any NumPy array it is given.
    def array(name: str) -> Any:
        values = cols[name]
        if isinstance(values, np.ma.MaskedArray):
            nulls = np.ma.getmaskarray(values).tolist()
            ints = np.ma.getdata(values).tolist()
            return pa.array([None if null else v for v, null in zip(ints, nulls, strict=True)], type=pa.int64())
        if values.dtype == object:
            return pa.array(values.tolist(), type=pa.large_string())
        if values.dtype.kind == "f":
            return pa.array([None if math.isnan(v) else v for v in values.tolist()], type=pa.float64())
        return pa.array(values.tolist(), type=pa.bool_() if values.dtype.kind == "b" else pa.int64())

    return pa.table({name: array(name) for name in TABLE_COLUMNS})
