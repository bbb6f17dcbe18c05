"""The staging table every reader fills: canonical columns plus where each row came from
and why it is not used (if it is not). The canonical ``contacts`` view is its usable rows.
"""

from __future__ import annotations

import duckdb

from slreport.ingest.sql import inside_window_sql, quote_literal
from slreport.schema import COLUMN_NAMES, COLUMNS

STAGED = "staged"
BOOKKEEPING = (
    ("file_index", "INTEGER"),
    ("line", "BIGINT"),
    ("reject_reason", "VARCHAR"),
    ("reject_column", "VARCHAR"),
    ("reject_value", "VARCHAR"),
    ("ignore_reason", "VARCHAR"),
    ("version_at", "TIMESTAMPTZ"),  # of a record delivered more than once: the latest version wins
    ("local_time_note", "VARCHAR"),  # a local time resolved by the DST rule (ingest/dst.py)
)
STAGED_COLUMNS = COLUMN_NAMES + tuple(name for name, _ in BOOKKEEPING)


def create_staging(con: duckdb.DuckDBPyConnection) -> None:
    cols = [f"{c.name} {c.sql_type}" for c in COLUMNS] + [f"{n} {t}" for n, t in BOOKKEEPING]
    con.execute(f"CREATE OR REPLACE TABLE {STAGED} ({', '.join(cols)})")


def duplicate_order(tiebreak: str, versioned: bool = False) -> str:
    """ORDER BY over the rows of one (company, contact_id): the first is kept, the others are
    ``duplicate``. By content, never by position, so that shuffling the input changes nothing:

    1. the latest version, where records carry one (``versioned``: Amazon Connect LastUpdateTimestamp);
    2. the most complete row: most non-NULL canonical columns;
    3. the latest: answered_at, then ended_at, then arrived_at (a later answer has seen more);
    4. a total order over every canonical column (so the only rows left tied have identical content,
       and which of them is kept changes no number);
    5. ``tiebreak`` (file, row): which of identical rows the rejects file names.

    Plain SQL that DuckDB and Spark both run (spark_engine uses it too)."""
    content = [c for c in COLUMN_NAMES if c != "source"]  # source is the position, not the content
    filled = " + ".join(f"CAST({c} IS NOT NULL AS INTEGER)" for c in content)
    keys = (["version_at DESC NULLS LAST"] if versioned else []) + [f"{filled} DESC"]
    keys += [f"{c} DESC NULLS LAST" for c in ("answered_at", "ended_at", "arrived_at")]
    keys += [f"{c} ASC NULLS LAST" for c in content]
    return ", ".join([*keys, tiebreak])


# The longest wait and the longest talk, hold or after-contact time a contact can plausibly have: beyond
# them a value is a unit or clock error (milliseconds read as seconds, an epoch in a duration column),
# and one such row would carry the mean wait of its company and interval (407,000,016 s was accepted).
# Written channels (email, tickets, Connect tasks) are answered in hours or days: their wait may be 30 days.
MAX_WAIT_S = 24 * 3600
MAX_RESPONSE_S = 30 * 24 * 3600
WRITTEN_CHANNELS = ("email", "ticket", "task")
MAX_DURATION_S = 48 * 3600
_WAIT_LIMIT = (f"(CASE WHEN lower(channel) IN {WRITTEN_CHANNELS} THEN {MAX_RESPONSE_S} ELSE {MAX_WAIT_S} END)")
_PLAUSIBLE_LIMITS = (("wait_s", _WAIT_LIMIT), ("talk_s", MAX_DURATION_S), ("hold_s", MAX_DURATION_S),
                     ("acw_s", MAX_DURATION_S))


def mark_implausible(con: duckdb.DuckDBPyConnection) -> None:
    """Reject usable rows whose wait is over MAX_WAIT_S (MAX_RESPONSE_S on a written channel) or whose
    talk, hold or after-contact time is over MAX_DURATION_S (reason ``implausible_duration``, naming the
    first such column), for every reader at once. Before duplicates are marked, so that an implausible
    copy never wins."""
    column = "CASE " + " ".join(f"WHEN {c} > {limit} THEN '{c}'" for c, limit in _PLAUSIBLE_LIMITS) + " END"
    # In six significant digits with an exponent: enough to see how far over the limit a value is, and no
    # run of digits a moved caller number could survive in (a number in wait_s is parsed as seconds).
    value = "CASE " + " ".join(f"WHEN {c} > {limit} THEN printf('%.5e', CAST({c} AS DOUBLE))"
                               for c, limit in _PLAUSIBLE_LIMITS)
    over = " OR ".join(f"{c} > {limit}" for c, limit in _PLAUSIBLE_LIMITS)
    con.execute(
        f"UPDATE {STAGED} SET reject_reason = 'implausible_duration', reject_column = {column}, "
        f"reject_value = {value} END WHERE reject_reason IS NULL AND ignore_reason IS NULL AND ({over})"
    )


def mark_duplicates(con: duckdb.DuckDBPyConnection) -> None:
    """The same contact_id twice for one company (overlapping exports, re-deliveries): keep one by
    content (``duplicate_order``), count the others as ``duplicate``.

    Only rows whose (company, contact_id) hash occurs more than once are ordered: a hash
    aggregate over 64-bit keys finds them without sorting every row (at 10 M rows that sort
    was the second most expensive statement of ingest)."""
    usable = "contact_id IS NOT NULL AND reject_reason IS NULL AND ignore_reason IS NULL"
    con.execute(
        f"""
        UPDATE {STAGED} SET reject_reason = 'duplicate', reject_column = 'contact_id',
                            reject_value = contact_id
        WHERE rowid IN (
            SELECT rowid FROM {STAGED}
            WHERE {usable} AND hash(company, contact_id) IN (
                SELECT hash(company, contact_id) AS h FROM {STAGED} WHERE {usable} GROUP BY h HAVING count(*) > 1)
            QUALIFY row_number() OVER (
                PARTITION BY company, contact_id ORDER BY {duplicate_order("file_index, line", versioned=True)}) > 1
        )
        """
    )


def create_contacts_view(con: duckdb.DuckDBPyConnection, displays: list[str], company: str | None = None) -> None:
    """The usable staged rows (of one ``company``, or all) as canonical contacts. ``displays``: each
    input file's name as shown, by file index, for the rows whose ``source`` is left to this view."""
    columns = [source_sql(displays) if c == "source" else c for c in COLUMN_NAMES]
    only = "" if company is None else f" AND company = {quote_literal(company)}"
    con.execute(
        f"CREATE OR REPLACE VIEW contacts AS SELECT {', '.join(columns)} FROM {STAGED} "
        f"WHERE reject_reason IS NULL AND ignore_reason IS NULL{only}"
    )


def source_sql(displays: list[str]) -> str:
    """``source`` as "file:line". The generic reader leaves it NULL in ``staged``: written there, the
    file name once per row was the widest column and one more pass over every row (3.7 s at 10 M).
    A query that does not read ``source`` does not compute it."""
    names = "[" + ", ".join(quote_literal(d) for d in displays) + "]" if displays else "[NULL]"
    return f"COALESCE(source, CAST({names} AS VARCHAR[])[file_index + 1] || ':' || line) AS source"


def staged_select(exprs: dict[str, str]) -> str:
    """`expr AS column` for every staged column, in table order; columns not given are NULL.
    Readers that fold events or legs build their INSERT … SELECT from this."""
    unknown = set(exprs) - set(STAGED_COLUMNS)
    if unknown:
        raise ValueError(f"not staged columns: {sorted(unknown)}")
    return ",\n  ".join(f"{exprs.get(c, 'NULL')} AS {c}" for c in STAGED_COLUMNS)


def insert_sql(exprs: dict[str, str], from_sql: str, with_sql: str = "") -> str:
    """INSERT INTO staged [WITH …] SELECT <exprs> FROM …: ``from_sql`` starts with FROM."""
    return f"INSERT INTO {STAGED} ({', '.join(STAGED_COLUMNS)})\n{with_sql}\nSELECT {staged_select(exprs)}\n{from_sql}"


def mark_outside_window(con: duckdb.DuckDBPyConnection, window: tuple[str | None, str | None] | None) -> None:
    """Usable rows arriving outside the report period are ignored (counted, not dropped)."""
    if window is None or window == (None, None):
        return
    con.execute(
        f"UPDATE {STAGED} SET ignore_reason = 'outside_period' "
        f"WHERE reject_reason IS NULL AND ignore_reason IS NULL AND NOT ({inside_window_sql(window)})"
    )
