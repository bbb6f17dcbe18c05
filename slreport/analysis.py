"""analyze(): run the pipeline (ingest → canonical contacts → metrics) and return the report.

The report is a plain dict that *is* the JSON contract (schema_version 1, see README); every
renderer works from it, so the terminal table, CSV, markdown and JSON always agree.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from slreport import engine, ingest
from slreport.ingest.options import ReadOptions
from slreport.ingest.sql import quote_literal
from slreport.metrics.service_level import grouping_set_sql, grouping_sets_sql, rates_sql, service_level_sql
from slreport.settings import Settings

SCHEMA_VERSION = 1


@dataclass
class Analysis:
    """The report (the JSON contract) and the full tables behind it (for --out files).

    Tables too long for JSON (every interval of a year, say) live only in ``tables``, as
    pyarrow Tables keyed by file name stem; the report summarises them.
    """

    report: dict[str, Any]
    tables: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunOptions:
    """How to run, as opposed to what to compute (which is Settings)."""

    profile: str | None = None
    memory_limit: str | None = None
    threads: int | None = None
    read: ReadOptions = field(default_factory=ReadOptions)


def analyze(inputs: list[str], settings: Settings, run: RunOptions | None = None) -> dict[str, Any]:
    """The report dict for ``inputs`` (see ``analyze_all`` for the full tables too)."""
    return analyze_all(inputs, settings, run).report


def analyze_all(inputs: list[str], settings: Settings, run: RunOptions | None = None) -> Analysis:
    run = run or RunOptions()
    with tempfile.TemporaryDirectory(prefix="slreport-") as tmp:
        scratch = Path(tmp)
        con = engine.connect(scratch, run.memory_limit, run.threads)
        try:
            input_section = ingest.load(con, inputs, run.read, scratch, run.profile)
            create_local_view(con, settings.timezone)
            analysis = Analysis(build_report(con, settings, input_section))
            return analysis
        finally:
            con.close()


def create_local_view(con: duckdb.DuckDBPyConnection, tz: str) -> None:
    """Contacts with their arrival in the report time zone: every count is by local arrival."""
    local = f"timezone({quote_literal(tz)}, arrived_at)"
    con.execute(
        f"""CREATE OR REPLACE VIEW contacts_local AS
            SELECT *, {local} AS local_at, hour({local}) AS hour, CAST({local} AS DATE) AS day
            FROM contacts"""
    )


def build_report(con: duckdb.DuckDBPyConnection, settings: Settings, input_section: dict[str, Any]) -> dict[str, Any]:
    report = build_core_sections(con, settings, input_section)
    return report


def build_core_sections(
    con: duckdb.DuckDBPyConnection, settings: Settings, input_section: dict[str, Any]
) -> dict[str, Any]:
    """The sections every engine computes (DuckDB, and Spark through slreport.spark_engine)."""
    write_core_counts(con, settings)
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "settings": settings.as_json(),
        "input": input_section | {"aht_basis": aht_basis(con)},
        "period": period(con, settings.timezone),
        "summary": rows(con, rates_sql(settings, [], SUMMARY_COUNTS))[0],
        "by_company": rows(con, rates_sql(settings, ["company"], f"SELECT * FROM {core(('company',))}")),
    }
    if list(settings.by) != ["company"]:
        report["by_group"] = rows(con, service_level_sql(settings, list(settings.by)))
    report["by_hour"] = by_hour(con, settings)
    report["by_day"] = by_day(con, settings)
    return report


# The summary, company, hour and day tables come from one scan of the contacts (GROUPING SETS)
# into a small table of counts, instead of one scan per table: at 10 M contacts each scan costs
# seconds (the local time of every contact), the counts table has a few thousand rows.
CORE_COUNTS = "core_counts"
CORE_KEYS = ("company", "day", "hour")
CORE_SETS = ((), ("company",), ("hour",), ("company", "hour"), ("day",), ("company", "day"))


def write_core_counts(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {CORE_COUNTS} AS {grouping_sets_sql(settings, CORE_SETS)}")


def core(keys: tuple[str, ...]) -> str:
    """One grouping's counts from the core counts table (``write_core_counts``), as a subquery."""
    return grouping_set_sql(CORE_COUNTS, keys, CORE_KEYS)


# LEFT JOIN from one row: the summary exists even when there is no contact at all.
SUMMARY_COUNTS = f"SELECT * FROM (SELECT 1 AS one) LEFT JOIN {core(())} ON true"
# The 24 hours of a day as a grid; unnest(range(…)) translates to Spark's EXPLODE(SEQUENCE(…)) (slreport.dialect).
HOURS = "(SELECT unnest(range(24)) AS hour) h"
COMPANIES = f"(SELECT company FROM {core(('company',))})"


def by_hour(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[dict[str, Any]]:
    """Hour-of-day profile over the whole period, all 24 hours present; company null = all."""
    per_company = rates_sql(
        settings, ["company", "hour"],
        f"SELECT * FROM {COMPANIES} CROSS JOIN {HOURS} LEFT JOIN {core(('company', 'hour'))} USING (company, hour)",
    )
    overall = rates_sql(settings, ["hour"], f"SELECT * FROM {HOURS} LEFT JOIN {core(('hour',))} USING (hour)")
    return [{"company": None} | r for r in rows(con, overall)] + rows(con, per_company)


def by_day(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[dict[str, Any]]:
    """One row per local calendar day from the first to the last, empty days included."""
    days = (  # unnest(…) rather than a table function: translates to Spark's EXPLODE(SEQUENCE(…)) (slreport.dialect)
        "(SELECT CAST(d AS DATE) AS day FROM (SELECT unnest(generate_series(lo, hi, INTERVAL 1 DAY)) AS d "
        f"FROM (SELECT min(day) lo, max(day) hi FROM {core(('day',))})))"
    )
    per_company = rates_sql(
        settings, ["company", "day"],
        f"SELECT * FROM {COMPANIES} CROSS JOIN {days} LEFT JOIN {core(('company', 'day'))} USING (company, day)",
    )
    overall = rates_sql(settings, ["day"], f"SELECT * FROM {days} LEFT JOIN {core(('day',))} USING (day)")
    return [{"company": None} | r for r in rows(con, overall)] + rows(con, per_company)


def aht_basis(con: duckdb.DuckDBPyConnection) -> str | None:
    """What AHT is made of in this data: 'talk+hold+acw' where any hold or ACW exists, else 'talk'."""
    found = engine.one(
        con, "SELECT count(talk_s), count(hold_s) + count(acw_s) FROM contacts WHERE outcome = 'answered'"
    )
    if not found[0]:
        return None
    return "talk+hold+acw" if found[1] else "talk"


def period(con: duckdb.DuckDBPyConnection, tz: str) -> dict[str, str | None]:
    first, last = engine.one(con, "SELECT epoch_ms(min(arrived_at)), epoch_ms(max(arrived_at)) FROM contacts")
    zone = ZoneInfo(tz)

    def iso(ms: int | None) -> str | None:
        return None if ms is None else datetime.fromtimestamp(ms / 1000, zone).isoformat()

    return {"first_arrival": iso(first), "last_arrival": iso(last), "timezone": tz}


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    """Run a metric query and return JSON-ready dicts (small results only)."""
    table = con.sql(sql).to_arrow_table()
    return [{k: plain(v) for k, v in r.items()} for r in table.to_pylist()]


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(round(value, 4))
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
