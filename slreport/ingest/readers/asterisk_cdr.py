"""Asterisk CDR Master.csv (cdr_csv or cdr_custom): no header, 16–21 fields, server local time.

The columns are found from the content of the first rows, not from the field count alone:
the disposition column (ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION) sits five fields after
``start`` in every Asterisk layout, ``channel, dstchannel, lastapp, lastdata`` precede
``start``, and uniqueid/linkedid are the ``digits.digits`` columns after ``amaflags``.

One call fans out into legs (one per dialled member, Local channels, transfers). Legs are
grouped by linkedid (else uniqueid) into one contact:
- arrived_at = the earliest leg start; caller = the first leg's src;
- answered when a leg that dialled someone (Dial/Queue/… with a dstchannel) was ANSWERED;
  answered_at = its answer time; wait = answered_at − arrived_at (time to answer: it
  includes IVR and ring time, CDRs hold no queue time); talk = its billsec; no hold or ACW;
- not answered: flowout when every dialled leg was BUSY/FAILED/CONGESTION, else abandoned;
  wait = the last leg's end − arrived_at (time until the call was given up);
- a call with no dialling leg at all (answered by the dialplan: IVR, announcement) was
  never offered to an agent: ignored as ``not_offered``.
The first leg carries the contact; the other legs are ignored as ``folded_leg``.
"""

from __future__ import annotations

import re
from typing import Any

import duckdb

from slreport.errors import InputError
from slreport.ingest.callers import caller_sql
from slreport.ingest.dst import dst_note_sql
from slreport.ingest.parse_sql import duration_sql, timestamp_sql, without_offset_sql
from slreport.ingest.sources import Source
from slreport.ingest.sql import quote_literal
from slreport.ingest.staging import insert_sql
from slreport.ingest.text import as_utf8, head_lines
from slreport.options.read import ReadOptions

NAME = "asterisk_cdr"
DESCRIPTION = "Asterisk CDR Master.csv (no header, 16-21 fields, legs grouped by linkedid/uniqueid)"

DISPOSITIONS = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION")
DIAL_APPS = ("Dial", "Queue", "Followme", "RetryDial", "AppQueue")
_TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?")
_UID_RE = re.compile(r"^[\w-]*\d+\.\d+$")


def _fields(line: str) -> list[str]:
    import csv

    return next(csv.reader([line]), [])


def find_layout(rows: list[list[str]]) -> dict[str, int] | None:
    """Column positions (0-based) from sample rows, or None when they are not Asterisk CDRs."""
    rows = [r for r in rows if len(r) >= 16]
    if not rows:
        return None
    width = min(len(r) for r in rows)
    for start in range(5, width - 6):
        dispo_ok = all(r[start + 5].strip() in DISPOSITIONS for r in rows)
        start_ok = all(_TS_RE.match(r[start].strip()) for r in rows)
        if dispo_ok and start_ok:
            return _layout_from(start, rows, width)
    return None


def _layout_from(start: int, rows: list[list[str]], width: int) -> dict[str, int]:
    layout = {"src": 1, "dst": 2, "channel": start - 4, "dstchannel": start - 3, "lastapp": start - 2,
              "start": start, "answer": start + 1, "end": start + 2, "duration": start + 3,
              "billsec": start + 4, "disposition": start + 5}
    ids = [i for i in range(start + 7, width) if all(_UID_RE.match(r[i].strip()) for r in rows)]
    if ids:
        layout["uniqueid"] = ids[0]
    if len(ids) > 1:
        layout["linkedid"] = ids[-1]
    return layout


def detect(head: bytes) -> int:
    lines = head_lines(head, 20)
    if not lines:
        return 0
    return 80 if find_layout([_fields(line) for line in lines]) else 0


def _legs_sql(layout: dict[str, int], relation: str, options: ReadOptions) -> str:
    def col(name: str) -> str:
        return f"NULLIF(TRIM(column{layout[name]:02d}), '')" if name in layout else "NULL"

    ts = {n: timestamp_sql(col(n), options.input_tz, options.time_formats) for n in ("start", "answer", "end")}
    key = f"COALESCE({col('linkedid')}, {col('uniqueid')}, 'line' || line)"
    return f"""SELECT line, {key} AS call_key, {col('src')} AS src, {col('dstchannel')} AS dstchannel,
        {col('lastapp')} AS lastapp, {col('disposition')} AS disposition, {col('start')} AS start_raw,
        {col('answer')} AS answer_raw, {ts['start']} AS start_at, {ts['answer']} AS answer_at, {ts['end']} AS end_at,
        {duration_sql(col('billsec'))} AS billsec,
        {without_offset_sql(col('start'), options.time_formats)} AS needs_tz,
        {dst_note_sql([col(n) for n in ("start", "answer", "end")], options.input_tz, options.time_formats)}
          AS dst_note,
        {col('dstchannel')} IS NOT NULL OR {col('lastapp')} IN {DIAL_APPS} AS dialled
      FROM (SELECT row_number() OVER () AS line, * FROM {relation})"""


# The call's outcome and wait from its legs; the same for Asterisk and FreeSWITCH legs. The wait is the
# time to answer (or to the end, unanswered): CDRs include IVR and ring time, not only queue time.
CONTACT_CTE = """
    contact AS (
      SELECT c.*, a.answered_at, a.talk_s, a.agent,
        CASE WHEN a.answered_at IS NOT NULL THEN 'answered' WHEN c.all_failed THEN 'flowout' ELSE 'abandoned' END
          AS outcome,
        CAST(CAST(epoch_ms(COALESCE(a.answered_at, c.ended_at)) - epoch_ms(c.arrived_at) AS DECIMAL(18,3))
             / 1000 AS DECIMAL(18,3)) AS wait_s
      FROM calls c LEFT JOIN answered_leg a USING (call_key))"""

_CALLS_SQL = """
    good AS (SELECT * FROM legs WHERE start_at IS NOT NULL),
    answered_leg AS (
      SELECT call_key, arg_min(answer_at, (starts_with(dstchannel, 'Local/'), answer_at, line)) AS answered_at,
             arg_min(billsec, (starts_with(dstchannel, 'Local/'), answer_at, line)) AS talk_s,
             arg_min(regexp_replace(dstchannel, '-[0-9a-fA-F]+(;\\d)?$', ''),
                     (starts_with(dstchannel, 'Local/'), answer_at, line)) AS agent
      FROM good WHERE disposition = 'ANSWERED' AND dstchannel IS NOT NULL AND answer_at IS NOT NULL
      GROUP BY call_key),
    calls AS (
      SELECT g.call_key, min(line) AS first_line, min(start_at) AS arrived_at, arg_min(src, line) AS src,
             max(end_at) AS ended_at, bool_or(dialled) AS offered,
             bool_and(disposition IN ('BUSY', 'FAILED', 'CONGESTION')) FILTER (WHERE dialled) AS all_failed,
             string_agg(DISTINCT disposition, '/' ORDER BY disposition) AS detail
      FROM good g GROUP BY g.call_key),
""" + CONTACT_CTE


def stage_legs(
    con: duckdb.DuckDBPyConnection, source: Source, file_index: int, options: ReadOptions,
    legs_sql: str, calls_sql: str,
) -> None:
    """Insert one staged row per leg: the contact on the call's first leg, the rest folded.
    Shared with the FreeSWITCH reader (legs_sql and calls_sql give the same columns)."""
    is_contact = "c.first_line IS NOT NULL"
    exprs = {
        "contact_id": f"CASE WHEN {is_contact} THEN c.call_key END",
        "company": quote_literal(source.default_company), "channel": "'voice'", "direction": "'inbound'",
        "caller": f"CASE WHEN {is_contact} THEN {caller_sql('c.src', options.country)} END",
        "arrived_at": "c.arrived_at", "answered_at": "c.answered_at", "ended_at": "c.ended_at",
        "wait_s": "c.wait_s", "talk_s": "c.talk_s", "outcome": "c.outcome", "outcome_detail": "c.detail",
        "agent": "c.agent", "source": f"{quote_literal(source.display + ':')} || l.line",
        "file_index": str(file_index), "line": "l.line", "local_time_note": "l.dst_note",
        "reject_reason": "CASE WHEN l.start_at IS NULL AND l.needs_tz THEN 'timestamp_without_offset' "
                         "WHEN l.start_at IS NULL THEN 'bad_timestamp' END",
        "reject_column": "CASE WHEN l.start_at IS NULL THEN 'start' END",
        "reject_value": "CASE WHEN l.start_at IS NULL THEN l.start_raw END",
        "ignore_reason": "CASE WHEN l.start_at IS NULL THEN NULL WHEN c.first_line IS NULL THEN 'folded_leg' "
                         "WHEN NOT c.offered THEN 'not_offered' WHEN c.outbound THEN 'outbound' END",
    }
    with_sql = f"WITH legs AS ({legs_sql}),{calls_sql}"
    from_sql = "FROM legs l LEFT JOIN contact c ON c.first_line = l.line ORDER BY l.line"
    try:
        con.execute(insert_sql(exprs, from_sql, with_sql))
    except duckdb.Error as exc:
        raise InputError(f"cannot read the call legs: {str(exc).splitlines()[0]}",
                         "check the export (or pass --profile)", file=source.display) from exc


def _relation(con: duckdb.DuckDBPyConnection, source: Source, file_index: int) -> tuple[str, dict[str, Any]]:
    utf8, encoding = as_utf8(source, source.work_dir, file_index)
    cols = "{" + ", ".join(f"'column{i:02d}': 'VARCHAR'" for i in range(30)) + "}"
    sql = (f"read_csv({quote_literal(utf8.duckdb_path)}, delim = ',', header = false, quote = '\"', "
           f"escape = '\"', columns = {cols}, null_padding = true, auto_detect = false, strict_mode = false, "
           "parallel = false)")
    return sql, {"format": "csv", "encoding": encoding}


def _sample(con: duckdb.DuckDBPyConnection, relation: str) -> list[list[str]]:
    rows = con.execute(f"SELECT * FROM {relation} LIMIT 50").fetchall()
    return [[v or "" for v in r[: max(i for i, v in enumerate(r) if v is not None) + 1]] for r in rows if any(r)]


def stage_file(
    con: duckdb.DuckDBPyConnection, source: Source, file_index: int, options: ReadOptions
) -> dict[str, object]:
    relation, info = _relation(con, source, file_index)
    layout = find_layout(_sample(con, relation))
    if layout is None:
        raise InputError(
            "no start time and disposition (ANSWERED, NO ANSWER, BUSY…) columns found in the first rows",
            "check that this is an Asterisk Master.csv, or choose another --profile", file=source.display,
        )
    calls = _CALLS_SQL.replace("FROM calls c LEFT JOIN", "FROM (SELECT *, false AS outbound FROM calls) c LEFT JOIN")
    stage_legs(con, source, file_index, options, _legs_sql(layout, relation, options), calls)
    fields = {name: pos + 1 for name, pos in layout.items()}
    return {"profile": NAME, **info, "fields": fields, "grouped_by": "linkedid" if "linkedid" in layout else
            "uniqueid" if "uniqueid" in layout else "row"}
