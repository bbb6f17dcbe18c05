"""FreeSWITCH mod_cdr_csv Master.csv: no header, the shipped 13-field ``default`` or 15-field
``example`` template (caller_id_name, caller_id_number, destination_number, context,
start_stamp, answer_stamp, end_stamp, duration, billsec, hangup_cause, uuid, bleg_uuid,
accountcode[, read_codec, write_codec]); local time without offset (needs --tz).

A b-leg row (its uuid is another row's bleg_uuid) is folded into its a-leg's contact. The
contact: arrived_at = the first start; answered when a leg has an answer_stamp (wait = answer
− start, talk = billsec, agent = the answered leg's destination_number); otherwise flowout when
every leg ended with a routing failure (USER_BUSY, CALL_REJECTED, …), else abandoned. Calls
the switch originated (caller_id_name "Outbound Call", or a destination ``&application``) are
outbound and ignored.
"""

from __future__ import annotations

import csv
import re

import duckdb

from slreport.errors import InputError
from slreport.ingest.dst import dst_note_sql
from slreport.ingest.parse_sql import duration_sql, timestamp_sql, without_offset_sql
from slreport.ingest.readers.asterisk_cdr import CONTACT_CTE, stage_legs
from slreport.ingest.sources import Source
from slreport.ingest.sql import quote_literal
from slreport.ingest.text import as_utf8, head_lines, read_head
from slreport.options.read import ReadOptions

NAME = "freeswitch"
DESCRIPTION = "FreeSWITCH mod_cdr_csv Master.csv (default 13-field or example 15-field template)"

FIELDS = ("caller_id_name", "caller_id_number", "destination_number", "context", "start_stamp", "answer_stamp",
          "end_stamp", "duration", "billsec", "hangup_cause", "uuid", "bleg_uuid", "accountcode",
          "read_codec", "write_codec")
ROUTING_FAILURES = ("USER_BUSY", "CALL_REJECTED", "NO_ROUTE_DESTINATION", "UNALLOCATED_NUMBER",
                    "SUBSCRIBER_ABSENT", "DESTINATION_OUT_OF_ORDER", "NORMAL_TEMPORARY_FAILURE",
                    "NETWORK_OUT_OF_ORDER", "USER_NOT_REGISTERED")
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_CAUSE_RE = re.compile(r"^[A-Z]+(_[A-Z]+)+$")


def _looks_like_cdr(fields: list[str]) -> bool:
    return len(fields) >= 13 and bool(_UUID_RE.match(fields[10].strip())) and bool(_CAUSE_RE.match(fields[9].strip()))


def detect(head: bytes) -> int:
    lines = head_lines(head, 20)
    if not lines:
        return 0
    rows = [next(csv.reader([line]), []) for line in lines]
    good = sum(1 for r in rows if _looks_like_cdr(r))
    return 85 if good >= max(1, len(rows) // 2) else 0


def _legs_sql(relation: str, options: ReadOptions) -> str:
    def col(name: str) -> str:
        return f"NULLIF(TRIM(column{FIELDS.index(name):02d}), '')"

    ts = {n: timestamp_sql(col(n), options.input_tz, options.time_formats)
          for n in ("start_stamp", "answer_stamp", "end_stamp")}
    return f"""SELECT line, {col('uuid')} AS uuid, {col('bleg_uuid')} AS bleg_uuid, {col('caller_id_name')} AS cid_name,
        {col('caller_id_number')} AS src, {col('destination_number')} AS dst, {col('hangup_cause')} AS cause,
        {col('start_stamp')} AS start_raw, {ts['start_stamp']} AS start_at, {ts['answer_stamp']} AS answer_at,
        {ts['end_stamp']} AS end_at, {duration_sql(col('billsec'))} AS billsec,
        {without_offset_sql(col('start_stamp'), options.time_formats)} AS needs_tz,
        {dst_note_sql([col(n) for n in ("start_stamp", "answer_stamp", "end_stamp")], options.input_tz,
                      options.time_formats)} AS dst_note
      FROM (SELECT row_number() OVER () AS line, * FROM {relation})"""


_CALLS_SQL = f"""
    good AS (
      SELECT g.*, COALESCE(a.parent, g.uuid, 'line' || g.line) AS call_key FROM legs g
      LEFT JOIN (SELECT bleg_uuid, min(uuid) AS parent FROM legs WHERE bleg_uuid IS NOT NULL GROUP BY ALL) a
        ON a.bleg_uuid = g.uuid
      WHERE g.start_at IS NOT NULL),
    answered_leg AS (
      SELECT call_key, min(answer_at) AS answered_at, arg_min(billsec, (answer_at, line)) AS talk_s,
             arg_min(dst, (answer_at, line)) AS agent
      FROM good WHERE answer_at IS NOT NULL GROUP BY call_key),
    calls AS (
      SELECT call_key, min(line) AS first_line, min(start_at) AS arrived_at, arg_min(src, line) AS src,
             max(end_at) AS ended_at, true AS offered,
             bool_and(cause IN {ROUTING_FAILURES}) AS all_failed,
             bool_or(cid_name = 'Outbound Call' OR starts_with(dst, '&')) AS outbound,
             string_agg(DISTINCT cause, '/' ORDER BY cause) AS detail
      FROM good GROUP BY call_key),
""" + CONTACT_CTE


def stage_file(
    con: duckdb.DuckDBPyConnection, source: Source, file_index: int, options: ReadOptions
) -> dict[str, object]:
    utf8, encoding = as_utf8(source, source.work_dir, file_index)
    cols = "{" + ", ".join(f"'column{i:02d}': 'VARCHAR'" for i in range(len(FIELDS) + 5)) + "}"
    relation = (f"read_csv({quote_literal(utf8.duckdb_path)}, delim = ',', header = false, quote = '\"', "
                f"escape = '\"', columns = {cols}, null_padding = true, auto_detect = false, strict_mode = false, "
                "parallel = false)")
    first = head_lines(read_head(utf8.path), 1)
    if first and not _looks_like_cdr(next(csv.reader(first))):
        raise InputError("the first row has no uuid in field 11 and no hangup cause in field 10",
                         "check that this is a mod_cdr_csv Master.csv (13/15-field template)", file=source.display)
    stage_legs(con, source, file_index, options, _legs_sql(relation, options), _CALLS_SQL)
    return {"profile": NAME, "format": "csv", "encoding": encoding, "grouped_by": "uuid/bleg_uuid"}
