"""analyze(): run the pipeline (ingest → canonical contacts → metrics) and return the report.

The report is a plain dict that *is* the JSON contract (schema_version 1, see README); every
renderer works from it, so the terminal table, CSV, markdown and JSON always agree.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb

from slreport import engine, ingest, sections
from slreport.metrics import business_hours, fcr, quality
from slreport.metrics.cells import create_cells
from slreport.metrics.intervals import interval_start_sql
from slreport.metrics.local_time import local_time_sql
from slreport.metrics.opening_hours import create_hours_tables, in_hours_sql
from slreport.metrics.policy import create_company_settings
from slreport.metrics.service_level import SHORT_ABANDON
from slreport.metrics.span import BOUNDS, create_span
from slreport.options.analyze import RunOptions
from slreport.options.hours import holiday_countries
from slreport.options.periods import Period
from slreport.options.settings import Settings

# The contact columns the metric families read: contacts_local keeps only these and the --by keys
# (at 10 M contacts every column kept costs memory: the table outgrows the default memory limit
# and spills). Of the caller it keeps only whether one is known; the repeat search reads the
# number itself before the table is written.
LOCAL_COLUMNS = (
    "company", "agent", "arrived_at", "wait_s", "talk_s", "hold_s", "acw_s", "outcome", "resolved", "nps_score",
    "csat_score", "policy_id", "sl_wait_s", "transferred", "callback",
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


def analyze(
    inputs: list[str], settings: Settings, run: RunOptions | None = None, compare: Period | None = None
) -> dict[str, Any]:
    """The report dict for ``inputs`` (see ``analyze_all`` for the full tables too)."""
    return analyze_all(inputs, settings, run, compare, tables=False).report


def analyze_all(
    inputs: list[str], settings: Settings, run: RunOptions | None = None, compare: Period | None = None,
    tables: bool = True,
) -> Analysis:
    """The report of ``inputs`` and (``tables``) the long tables behind it, for table files; with
    ``compare``, its ``comparison`` with that period (a run of its own over the same inputs, see
    ``comparison_run``)."""
    from slreport.ingest.rejects import deferred_rejects
    from slreport.interrupts import handled
    from slreport.safe_paths import scratch_folder

    run = run or RunOptions()
    base = comparison_base(comparison_run(inputs, settings, run, compare).report, compare) if compare else None
    with handled(), deferred_rejects(), scratch_folder() as scratch:
        con = engine.connect(scratch, run.memory_limit, run.threads)
        warming = None
        try:
            warming = warm_imports(settings)
            input_section = ingest.load(con, inputs, run.read, scratch, run.profile)
            return analyze_loaded(con, settings, input_section, base, tables)
        finally:
            con.close()
            # A run stopped early (a signal, an error) must not leave the interpreter shutting down
            # under a thread still importing C extensions: that aborts the process (SIGABRT).
            if warming is not None:
                warming.join()


def comparison_settings(settings: Settings, run: RunOptions, compare: Period) -> tuple[Settings, RunOptions]:
    """The settings and read options of the comparison period's run: the same, but its period (and no
    --rejects file: the report's run writes it)."""
    read = replace(run.read, arrival_window=compare.window(), rejects_path=None)
    return replace(settings, extra=settings.extra | {"period": compare.as_json()}), replace(run, read=read)


def comparison_run(inputs: list[str], settings: Settings, run: RunOptions, compare: Period) -> Analysis:
    """The comparison period's report: a run of its own over the same inputs, so that it is exactly
    what a separate run on that period gives (the readers filter a period as they read: a Parquet
    dataset reads only that period's months)."""
    cmp_settings, cmp_run = comparison_settings(settings, run, compare)
    return analyze_all(inputs, cmp_settings, cmp_run, tables=False)


# What the comparison keeps of the comparison period's report.
COMPARISON_KEYS = ("summary", "by_company", "by_day", "by_week")


def comparison_base(report: dict[str, Any] | None, compare: Period) -> dict[str, Any]:
    """The comparison period's numbers the report compares with, from its report (None: no report, as
    for a company without contacts in that period; the comparison section then counts zeros)."""
    if report is None:
        return {"period": compare.as_json() | {"first_arrival": None, "last_arrival": None}, "summary": None,
                "by_company": [], "by_day": [], "by_week": []}
    period = report["settings"]["period"] | {
        "first_arrival": report["period"]["first_arrival"], "last_arrival": report["period"]["last_arrival"]}
    return {"period": period} | {key: report[key] for key in COMPARISON_KEYS}


def warm_imports(settings: Settings) -> threading.Thread:
    """Import what the later steps need (NumPy for staffing and patience, the holiday calendars) in a
    thread, while DuckDB reads the input: DuckDB releases the GIL while it works, so on a small
    report the ~0.2 s of imports run beside the parse instead of after it. Nothing depends on the
    thread finishing; a failing import fails again, with its real error, where it is needed."""

    def run() -> None:
        with contextlib.suppress(Exception):
            import slreport.metrics.staffing_calc  # noqa: F401  (NumPy, Erlang C and A)
            import slreport.queueing.kaplan_meier  # noqa: F401

            if countries := holiday_countries(settings.hours):
                import holidays

                for country in countries:
                    holidays.country_holidays(country)

    thread = threading.Thread(target=run, name="slreport-warm-imports", daemon=True)
    thread.start()
    return thread


def analyze_loaded(
    con: duckdb.DuckDBPyConnection, settings: Settings, input_section: dict[str, Any],
    comparison: dict[str, Any] | None = None, tables: bool = True,
) -> Analysis:
    """Every step after ingest, over what the ``contacts`` view holds (all companies, or one
    company's contacts for a --split-by report): the tables every section reads, then the
    sections (slreport.sections), in their order. ``comparison``: the comparison period's
    numbers (``comparison_base``), compared by the comparison section."""
    create_span(con)
    create_company_settings(con, settings)
    create_local_contacts(con, settings)
    create_cells(con, settings)
    quality.create_caller_contacts(con, settings.by)
    ctx = sections.Context(con, settings, fcr.resolve_method(con, settings), input_section, comparison=comparison,
                           tables_wanted=tables)

    def release_contacts() -> None:
        # The last query over single contacts is done: free them before the staffing arithmetic and
        # the JSON, which run in Python's memory, outside DuckDB's --memory-limit (at 100 M contacts
        # the table is most of what DuckDB holds).
        con.execute("DROP TABLE contacts_local")

    report = sections.compute(ctx, release_contacts)
    return Analysis(report, ctx.tables)


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
    local = local_time_sql(con, tz, "arrived_at", BOUNDS)
    in_hours, joins = in_hours_sql(settings.hours, "c.local_at")
    interval_start = interval_start_sql(settings.interval_minutes, tz, "c.arrived_at", "c.local_at")
    sl_wait, clock_joins = business_hours.create_clock(con, settings, tz)
    # the policy is joined for the wait only when a business-hours clock needs it (a hash join of every contact)
    clock = (f"JOIN policy_settings p ON p.policy_id = c.policy_id {clock_joins}"
             if sl_wait != business_hours.QUEUE_WAIT else "")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE contacts_local AS
            WITH policed AS (
              SELECT c.*, {policy_id_sql(settings)} FROM contacts c {policy_joins(settings)}
            ), localised AS (
              SELECT c.*, hour(c.local_at) AS hour, CAST(c.local_at AS DATE) AS day, {interval_start} AS interval_start,
                     ({in_hours} OR p.business_hours) AS in_hours,
                     epoch_ms(c.arrived_at) AS arrived_ms, {SHORT_ABANDON} AS is_short_abandon
              FROM (SELECT c.*, {sl_wait} AS sl_wait_s
                    FROM (SELECT *, {local} AS local_at FROM policed) c {clock}) c {joins}
              JOIN policy_settings p ON p.policy_id = c.policy_id
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


# Each contact's most specific policy (slreport.metrics.policy): its queue's, else its segment's, else
# its channel's (channel names compared without case), else its company's.
POLICY_MATCH_JOINS = """
LEFT JOIN policy_settings pq ON pq.policy_company = c.company AND pq.scope_kind = 'queue' AND pq.scope_name = c.queue
LEFT JOIN policy_settings ps ON ps.policy_company = c.company AND ps.scope_kind = 'segment'
      AND ps.scope_name = c.segment
LEFT JOIN policy_settings pc ON pc.policy_company = c.company AND pc.scope_kind = 'channel'
      AND lower(pc.scope_name) = lower(c.channel)
LEFT JOIN policy_settings p0 ON p0.policy_company = c.company AND p0.scope_kind IS NULL"""
POLICY_ID_SQL = "coalesce(pq.policy_id, ps.policy_id, pc.policy_id, p0.policy_id)"
COMPANY_POLICY_JOIN = "LEFT JOIN policy_settings p0 ON p0.policy_company = c.company AND p0.scope_kind IS NULL"


def policy_id_sql(settings: Settings) -> str:
    """Each contact's policy_id (without scoped policies, its company's: one join instead of four)."""
    return f"{POLICY_ID_SQL if settings.scopes else 'p0.policy_id'} AS policy_id"


def policy_joins(settings: Settings) -> str:
    return POLICY_MATCH_JOINS if settings.scopes else COMPANY_POLICY_JOIN


def local_columns(by: tuple[str, ...]) -> list[str]:
    """The contact columns ``contacts_local`` keeps for a report grouped ``--by``."""
    return [*LOCAL_COLUMNS, *(key for key in by if key not in LOCAL_COLUMNS)]
