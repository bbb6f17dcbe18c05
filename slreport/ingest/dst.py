"""Local times around a daylight-saving change, counted in data quality.

A local time in the spring-forward gap does not exist; DuckDB's ``timezone(zone, local)``
reads it with the offset before the change (03:30 on 2024-03-31 in Helsinki → 04:30+03:00).
A local time in the autumn overlap occurs twice; it is read as the later instant (standard
time). Readers keep that rule and mark the row, so that ``input.data_quality`` can say how
many rows it applied to (``nonexistent_local_time``, ``ambiguous_local_time``).
"""

from __future__ import annotations

import duckdb

from slreport.ingest.parse_sql import has_own_offset_sql, local_parse_sql
from slreport.ingest.sql import quote_literal

NONEXISTENT = "nonexistent_local_time"
AMBIGUOUS = "ambiguous_local_time"

_MACROS = (
    # the UTC offset in seconds of zone at instant x
    "CREATE OR REPLACE MACRO slr_offset_s(zone, x) AS epoch(timezone(zone, x)) - epoch(x)",
    # i is the instant the rule chose for local time l. Gap: i does not read back as l.
    # Overlap: the offset a day earlier was larger, and i minus that difference also reads as l.
    # Once i reads back as l, i's own offset is epoch(l) - epoch(i), without asking the zone again.
    f"""CREATE OR REPLACE MACRO slr_dst_note_at(l, i, zone) AS CASE
          WHEN i IS NULL THEN NULL
          WHEN timezone(zone, i) <> l THEN {quote_literal(NONEXISTENT)}
          WHEN slr_offset_s(zone, i - INTERVAL 24 HOUR) > epoch(l) - epoch(i)
           AND timezone(zone, i - to_seconds(CAST(slr_offset_s(zone, i - INTERVAL 24 HOUR)
                                                  - (epoch(l) - epoch(i)) AS BIGINT))) = l
          THEN {quote_literal(AMBIGUOUS)} END""",
    "CREATE OR REPLACE MACRO slr_dst_note(l, zone) AS "
    "list_transform([timezone(zone, l)], lambda i: slr_dst_note_at(l, i, zone))[1]",
)


def create_dst_functions(con: duckdb.DuckDBPyConnection) -> None:
    for sql in _MACROS:
        con.execute(sql)


def dst_note_sql(texts: list[str], input_tz: str | None, time_formats: tuple[str, ...] = ()) -> str:
    """SQL: NONEXISTENT or AMBIGUOUS when one of the raw timestamp texts is an offset-less local
    time that the DST rule had to resolve, else NULL."""
    if input_tz is None or not texts:
        return "CAST(NULL AS VARCHAR)"
    zone = quote_literal(input_tz)
    notes = [
        f"CASE WHEN {t} IS NOT NULL AND NOT {has_own_offset_sql(t)} "
        f"THEN slr_dst_note({local_parse_sql(t, time_formats)}, {zone}) END"
        for t in texts
    ]
    return _first_note(notes)


def dst_note_of_parsed_sql(pairs: list[tuple[str, str]], input_tz: str) -> str:
    """dst_note_sql for a reader that has parsed already: (local TIMESTAMP, the instant chosen for
    it) per timestamp column, the local time NULL where the text carried an offset."""
    zone = quote_literal(input_tz)
    notes = [f"CASE WHEN {local} IS NOT NULL THEN slr_dst_note_at({local}, {instant}, {zone}) END"
             for local, instant in pairs]
    return _first_note(notes)


def _first_note(notes: list[str]) -> str:
    """The first timestamp column's note that is not NULL."""
    return notes[0] if len(notes) == 1 else f"COALESCE({', '.join(notes)})"


def dst_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows not rejected whose local time was resolved by the DST rule, per kind."""
    from slreport.engine import one
    from slreport.ingest.staging import STAGED

    gap, overlap = one(
        con,
        f"SELECT count(*) FILTER (local_time_note = {quote_literal(NONEXISTENT)}), "
        f"count(*) FILTER (local_time_note = {quote_literal(AMBIGUOUS)}) FROM {STAGED} WHERE reject_reason IS NULL",
    )
    return {NONEXISTENT: gap, AMBIGUOUS: overlap}
