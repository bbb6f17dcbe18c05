"""analyze(): run the pipeline (ingest → canonical contacts → metrics) and return the report.

The report is a plain dict that *is* the JSON contract (schema_version 1, see README); every
renderer works from it, so the terminal table, CSV, markdown and JSON always agree.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from slreport import engine, ingest
from slreport.engine import rows
from slreport.ingest.sql import quote_literal
from slreport.metrics import fcr
from slreport.metrics.cells import by_source, create_cells, metrics_sql
from slreport.metrics.intervals import dense_grids, interval_start_sql
from slreport.metrics.opening_hours import create_hours_tables, in_hours_sql
from slreport.metrics.patience import patience_section
from slreport.metrics.peaks import interval_table, peaks_sections
from slreport.metrics.service_level import SHORT_ABANDON
from slreport.metrics.staffing import staffing_sections
from slreport.metrics.waits import wait_distribution
from slreport.options.analyze import RunOptions
from slreport.options.hours import holiday_countries
from slreport.options.settings import Settings
from slreport.policy import SUMMARY_POLICY, companies_json, create_company_settings, data_companies, evaluate_targets

SCHEMA_VERSION = 1
# The contact columns the metric families read: contacts_local keeps only these and the --by keys
# (at 10 M contacts every column kept costs memory: the table outgrows the default memory limit
# and spills). Of the caller it keeps only whether one is known; the repeat search reads the
# number itself before the table is written.
LOCAL_COLUMNS = (
    "company", "agent", "arrived_at", "wait_s", "talk_s", "hold_s", "acw_s", "outcome", "resolved", "nps_score",
    "csat_score",
)


@dataclass
class Analysis:
    """The report (the JSON contract) and the full tables behind it (for --out files).

    Tables too long for JSON (every interval of a year, say) live only in ``tables``, as
    pyarrow Tables keyed by file name stem (or functions returning one, for tables that cost
    time to build and are only needed when files are written); the report summarises them.
    """

    report: dict[str, Any]
    tables: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> Any:
        """The pyarrow Table ``name``, built now if it was deferred."""
        table = self.tables[name]
        return table() if callable(table) else table


def analyze(inputs: list[str], settings: Settings, run: RunOptions | None = None) -> dict[str, Any]:
    """The report dict for ``inputs`` (see ``analyze_all`` for the full tables too)."""
    return analyze_all(inputs, settings, run).report


def analyze_all(inputs: list[str], settings: Settings, run: RunOptions | None = None) -> Analysis:
    from slreport.ingest.rejects import deferred_rejects
    from slreport.interrupts import handled
    from slreport.safe_paths import scratch_folder

    run = run or RunOptions()
    with handled(), deferred_rejects(), scratch_folder() as scratch:
        con = engine.connect(scratch, run.memory_limit, run.threads)
        warming = None
        try:
            warming = warm_imports(settings)
            input_section = ingest.load(con, inputs, run.read, scratch, run.profile)
            return analyze_loaded(con, settings, input_section)
        finally:
            con.close()
            # A run stopped early (a signal, an error) must not leave the interpreter shutting down
            # under a thread still importing C extensions: that aborts the process (SIGABRT).
            if warming is not None:
                warming.join()


def warm_imports(settings: Settings) -> threading.Thread:
    """Import what the later steps need (NumPy for staffing and patience, the holiday calendars) in a
    thread, while DuckDB reads the input: DuckDB releases the GIL while it works, so on a small
    report the ~0.2 s of imports run beside the parse instead of after it. Nothing depends on the
    thread finishing; a failing import fails again, with its real error, where it is needed."""

    def run() -> None:
        with contextlib.suppress(Exception):
            import slreport.metrics.staffing_calc  # noqa: F401  (NumPy, Erlang C and A)
            import slreport.staffing.kaplan_meier  # noqa: F401

            if countries := holiday_countries(settings.hours):
                import holidays

                for country in countries:
                    holidays.country_holidays(country)

    thread = threading.Thread(target=run, name="slreport-warm-imports", daemon=True)
    thread.start()
    return thread


def analyze_loaded(con: duckdb.DuckDBPyConnection, settings: Settings, input_section: dict[str, Any]) -> Analysis:
    """Every step after ingest, over what the ``contacts`` view holds (all companies, or one
    company's contacts for a --split-by report)."""
    create_company_settings(con, settings)
    create_local_contacts(con, settings)
    create_cells(con, settings)
    analysis = Analysis(build_report(con, settings, input_section))
    analysis.tables["intervals"] = interval_table(con)
    patience = patience_section(con)
    # The last query over single contacts is done: free them before the staffing arithmetic and the
    # JSON, which run in Python's memory, outside DuckDB's --memory-limit (at 100 M contacts the
    # table is most of what DuckDB holds).
    con.execute("DROP TABLE contacts_local")
    analysis.report |= staffing_sections(con, settings, analysis.tables, patience)
    return analysis


def create_local_contacts(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The one pass over the contacts that every metric family then reads (needs ``company_settings``).

    ``contacts_local`` holds each contact with its arrival in the report time zone (every count
    is by local arrival: ``hour``, ``day``, ``interval_start``), whether it arrived within opening hours
    (``in_hours``, always true when none are given) and its repeat gap for FCR (slreport.metrics.fcr:
    the search runs over every contact, so a call back outside opening hours is still a repeat).
    It is a table, not a view, so the time-zone conversion, the opening-hours join and the window
    run once, not once per metric query. ``offered_local`` is what the service-level family counts:
    the in-hours contacts, or all of them with ``include_closed``.
    """
    tz = settings.timezone
    create_hours_tables(con, settings.hours, tz)
    local = f"timezone({quote_literal(tz)}, arrived_at)"
    in_hours, joins = in_hours_sql(settings.hours, "c.local_at")
    interval_start = interval_start_sql(settings.interval_minutes, tz, "c.arrived_at", "c.local_at")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE contacts_local AS
            WITH localised AS (
              SELECT c.*, hour(c.local_at) AS hour, CAST(c.local_at AS DATE) AS day, {interval_start} AS interval_start,
                     {in_hours} AS in_hours,
                     epoch_ms(c.arrived_at) AS arrived_ms, {SHORT_ABANDON} AS is_short_abandon
              FROM (SELECT *, {local} AS local_at FROM contacts) c {joins}
              JOIN company_settings p ON p.company = c.company
            )
            SELECT {', '.join(local_columns(settings.by))}, hour, day, interval_start, in_hours,
                   caller IS NOT NULL AS caller_known,
                   {fcr.REPEAT_GAP_SQL}
            FROM localised"""
    )
    con.execute(
        "CREATE OR REPLACE VIEW offered_local AS SELECT * FROM contacts_local"
        + ("" if settings.include_closed else " WHERE in_hours")
    )


def local_columns(by: tuple[str, ...]) -> list[str]:
    """The contact columns ``contacts_local`` keeps for a report grouped ``--by``."""
    return [*LOCAL_COLUMNS, *(key for key in by if key not in LOCAL_COLUMNS)]


def build_report(con: duckdb.DuckDBPyConnection, settings: Settings, input_section: dict[str, Any]) -> dict[str, Any]:
    settings_json = settings.as_json() | policy_settings(con, settings)
    settings = fcr.resolve_method(con, settings)
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "settings": settings_json,
        "input": input_section | {"aht_basis": aht_basis(con)},
        "period": period(con, settings.timezone),
        "summary": metric_rows(con, settings, [], "cells c")[0],
        # every company, also one whose contacts all arrived outside opening hours
        "by_company": metric_rows(con, settings, ["company"], "cells c",
                                  grid="(SELECT DISTINCT company FROM contacts)"),
    }
    report["targets"] = evaluate_targets(settings, report["by_company"])
    if list(settings.by) != ["company"]:
        report["by_group"] = metric_rows(con, settings, list(settings.by), f"{by_source(settings.by)} c")
    report["by_hour"] = by_hour(con, settings)
    report["by_day"] = by_day(con, settings)
    report.update(peaks_sections(con, settings))
    report["wait_distribution"] = wait_distribution(con, rows, "offered_local")
    return report


def metric_rows(
    con: duckdb.DuckDBPyConnection, settings: Settings, keys: list[str], source: str,
    grid: str | None = None,
) -> list[dict[str, Any]]:
    """Every metric family grouped by ``keys`` over the cells ``source``: one row per group (and
    per row of ``grid``, see cells.rollup_sql)."""
    return rows(con, metrics_sql(settings, keys, source, grid))


def policy_settings(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, Any]:
    """JSON settings about policies: the effective settings per company and what the summary means."""
    return {"companies": companies_json(settings, data_companies(con)), "summary_policy": SUMMARY_POLICY}


def by_hour(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[dict[str, Any]]:
    """Hour-of-day profile over the whole period, all 24 hours present; company null = all (per
    company only the hours with contacts past intervals.MAX_DENSE_CELLS)."""
    per_company = ("(SELECT DISTINCT company FROM contacts) CROSS JOIN range(24) h(hour)"
                   if dense_grids(con, settings.interval_minutes, settings.timezone) else None)
    overall = "range(24) h(hour)"
    return [{"company": None} | r for r in metric_rows(con, settings, ["hour"], "cells c", grid=overall)] + metric_rows(
        con, settings, ["company", "hour"], "cells c", grid=per_company)


def by_day(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[dict[str, Any]]:
    """One row per local calendar day from the first to the last, empty days included (per company
    only the days with contacts past intervals.MAX_DENSE_CELLS)."""
    days = (
        "(SELECT CAST(d AS DATE) AS day FROM (SELECT min(day) lo, max(day) hi FROM contacts_local), "
        "generate_series(lo, hi, INTERVAL 1 DAY) s(d))"
    )
    per_company = (f"(SELECT DISTINCT company FROM contacts) CROSS JOIN {days}"
                   if dense_grids(con, settings.interval_minutes, settings.timezone) else None)
    return [{"company": None} | r for r in metric_rows(con, settings, ["day"], "cells c", grid=days)] + metric_rows(
        con, settings, ["company", "day"], "cells c", grid=per_company)


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
