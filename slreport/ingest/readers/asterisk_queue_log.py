"""Asterisk queue_log: the flat file (``epoch|callid|queue|agent|EVENT|data1|…``), a realtime
table export (``time, callid, queuename, agent, event, data1…data5``) or the QueueMetrics-style
export (``date_time, callid, queue_name, type, event, param1…3, …, htime, ttime``).

One contact per ENTERQUEUE (per queue visit; ``--stitch caller``: per call). Its first
terminal event decides the outcome:
- CONNECT → answered (wait = holdtime);
- ABANDON → abandoned (the caller hung up while queued; wait = waittime);
- EXITWITHTIMEOUT, EXITEMPTY, EXITWITHKEY → flowout (the queue's routing let the call out:
  a timeout, no members, or an exit key the caller was offered; not an abandon);
- none → ``in_progress`` (still queued at the end of the file; ignored, counted apart).
COMPLETECALLER/COMPLETEAGENT/TRANSFER/BLINDTRANSFER/ATTENDEDTRANSFER give talk time. Every
other line is counted: call events folded into their contact, agent/system/outbound events
ignored by kind, unreadable lines rejected.
"""

from __future__ import annotations

import re

import duckdb

from slreport.errors import InputError
from slreport.ingest import tabular
from slreport.ingest.callers import caller_sql
from slreport.ingest.dst import dst_note_sql
from slreport.ingest.parse_sql import duration_sql, timestamp_sql, without_offset_sql
from slreport.ingest.sources import Source
from slreport.ingest.sql import quote_literal
from slreport.ingest.staging import insert_sql
from slreport.ingest.text import as_utf8, head_lines, read_head, sniff_delimiter
from slreport.options.read import ReadOptions

NAME = "asterisk_queue_log"
DESCRIPTION = "Asterisk/FreePBX queue_log: flat file epoch|callid|queue|agent|EVENT|…, or a table export"

TERMINAL = ("CONNECT", "ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY")
COMPLETION = ("COMPLETECALLER", "COMPLETEAGENT", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER")
TRANSFERS = ("TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER")
AGENT_EVENTS = ("ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL", "AGENTLOGIN",
                "AGENTLOGOFF", "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF", "PENALTY", "SYSCOMPAT")
CONFIG_EVENTS = ("QUEUESTART", "QUEUESTOP", "CONFIGRELOAD")
_FLAT_RE = re.compile(r"^\d{9,10}(\.\d+)?\|[^|]*\|[^|]*\|[^|]*\|[A-Z_]+")

# Per layout: where each event field is. wait/talk are SQL over the layout's columns.
_STANDARD_DATA = {
    "caller": "CASE WHEN event = 'ENTERQUEUE' THEN d2 END",
    "wait": "CASE event WHEN 'CONNECT' THEN d1 WHEN 'EXITWITHKEY' THEN d4 "
            "WHEN 'ABANDON' THEN d3 WHEN 'EXITWITHTIMEOUT' THEN d3 WHEN 'EXITEMPTY' THEN d3 END",
    "talk": "CASE WHEN event IN ('COMPLETECALLER', 'COMPLETEAGENT') THEN d2 "
            "WHEN event IN ('TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER') THEN d4 END",
}
LAYOUTS: dict[str, dict[str, str]] = {
    "flat": {"time": "c0", "callid": "c1", "queue": "c2", "agent": "c3", "event": "c4",
             **{f"d{i}": f"c{i + 4}" for i in range(1, 6)}, **_STANDARD_DATA},
    "realtime": {"time": "time", "callid": "callid", "queue": "queuename", "agent": "agent", "event": "event",
                 **{f"d{i}": f"data{i}" for i in range(1, 6)}, **_STANDARD_DATA},
    # older realtime tables keep the data fields in one pipe-separated `data` column
    "realtime_data": {"time": "time", "callid": "callid", "queue": "queuename", "agent": "agent", "event": "event",
                      **{f"d{i}": f"split_part(data, '|', {i})" for i in range(1, 6)}, **_STANDARD_DATA},
    "queuemetrics": {"time": "date_time", "callid": "callid", "queue": "queue_name", "agent": "type",
                     "event": "event", "caller": "CASE WHEN event = 'ENTERQUEUE' THEN param1 END",
                     "wait": f"CASE WHEN event IN {TERMINAL} THEN htime END",
                     "talk": f"CASE WHEN event IN {COMPLETION} THEN ttime END"},
}
_HEADERS = {
    "realtime": {"time", "callid", "queuename", "agent", "event", "data1"},
    "realtime_data": {"time", "callid", "queuename", "agent", "event", "data"},
    "queuemetrics": {"date_time", "callid", "queue_name", "type", "event", "param1", "htime", "ttime"},
}


def _header_layout(line: str) -> str | None:
    names = {n.strip().strip('"').lower() for n in re.split(r"[,;\t|]", line)}
    for layout, needed in _HEADERS.items():
        if needed <= names:
            return layout
    return None


def detect(head: bytes) -> int:
    lines = head_lines(head, 10)
    if not lines:
        return 0
    if _header_layout(lines[0]):
        return 90
    flat = sum(1 for line in lines if _FLAT_RE.match(line))
    return 90 if flat >= max(1, len(lines) // 2) else 0


def _relation(source: Source, file_index: int) -> tuple[str, tabular.Relation]:
    utf8, encoding = as_utf8(source, source.work_dir, file_index)
    lines = head_lines(read_head(utf8.path), 1)
    layout = _header_layout(lines[0]) if lines else None
    if layout is None:
        cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(10)) + "}"
        sql = (f"read_csv({quote_literal(utf8.duckdb_path)}, delim = '|', header = false, quote = '', "
               f"escape = '', columns = {cols}, null_padding = true, auto_detect = false, strict_mode = false, "
               "parallel = false)")
        return "flat", tabular.Relation(sql, {"format": "queue_log", "encoding": encoding}, first_line=1)
    delimiter = sniff_delimiter(lines[0])
    sql = tabular.csv_relation(utf8.duckdb_path, delimiter, parallel=False)
    return layout, tabular.Relation(sql, {"format": "csv", "encoding": encoding}, first_line=2)


def _events_sql(layout: str, relation: tabular.Relation, options: ReadOptions) -> str:
    """One row per input line: line, at, callid, queue, agent, event, caller/wait/talk text."""
    m = LAYOUTS[layout]

    def col(name: str) -> str:
        source = m.get(name, name)
        column = source if "(" in source else f"r.{source}"
        return f"NULLIF(TRIM(CAST({column} AS VARCHAR)), '')"

    data = ", ".join(f"{col(f'd{i}')} AS d{i}" for i in range(1, 6) if f"d{i}" in m)
    base = (f"SELECT row_number() OVER () + {relation.first_line - 1} AS line, {col('time')} AS at_raw, "
            f"{col('callid')} AS callid, {col('queue')} AS queue, {col('agent')} AS agent, "
            f"upper({col('event')}) AS event{', ' + data if data else ''}"
            + ("".join(f", {col(n)} AS {n}" for n in ("param1", "htime", "ttime")) if layout == "queuemetrics" else "")
            + f" FROM {relation.sql} r")
    return f"""SELECT line, at_raw, {timestamp_sql('at_raw', options.input_tz, options.time_formats)} AS ev_at,
        {without_offset_sql('at_raw', options.time_formats)} AS needs_tz,
        {dst_note_sql(['at_raw'], options.input_tz, options.time_formats)} AS dst_note,
        callid, queue, agent, event, {m['caller']} AS caller_raw, {m['wait']} AS wait_raw, {m['talk']} AS talk_raw
      FROM ({base})"""


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(quote_literal(v) for v in values) + ")"


def _segments_sql() -> str:
    """Queue visits: events numbered by the ENTERQUEUE (per callid and queue) they follow.
    Events before a call's first ENTERQUEUE (DID, …) belong to it; events of a call whose
    ENTERQUEUE is not in the input at all are orphans."""
    return f"""
    kinds AS (
      SELECT *, CASE
          WHEN ev_at IS NULL AND needs_tz THEN 'needs_tz'
          WHEN ev_at IS NULL OR event IS NULL THEN 'malformed'
          WHEN event IN {_in(CONFIG_EVENTS)} THEN 'config_event'
          WHEN event IN {_in(AGENT_EVENTS)} THEN 'agent_event'
          WHEN event LIKE 'OUT%' THEN 'outbound_event'
          WHEN callid IS NULL OR callid = 'NONE' THEN 'config_event'
          ELSE 'call' END AS kind
      FROM ev),
    entered AS (SELECT DISTINCT callid FROM kinds WHERE kind = 'call' AND event = 'ENTERQUEUE'),
    numbered AS (
      SELECT *, sum(CASE WHEN event = 'ENTERQUEUE' THEN 1 ELSE 0 END) OVER (
          PARTITION BY callid, queue ORDER BY line ROWS UNBOUNDED PRECEDING) AS seq
      FROM kinds WHERE kind = 'call'),
    seg AS (
      SELECT callid, queue, seq,
        min(line) FILTER (WHERE event = 'ENTERQUEUE') AS enter_line,
        arg_min(ev_at, line) FILTER (WHERE event = 'ENTERQUEUE') AS arrived_at,
        arg_min(caller_raw, line) FILTER (WHERE event = 'ENTERQUEUE') AS caller_raw,
        arg_min(event, line) FILTER (WHERE event IN {_in(TERMINAL)}) AS terminal,
        arg_min(ev_at, line) FILTER (WHERE event IN {_in(TERMINAL)}) AS terminal_at,
        arg_min(wait_raw, line) FILTER (WHERE event IN {_in(TERMINAL)}) AS wait_raw,
        arg_min(agent, line) FILTER (WHERE event = 'CONNECT') AS agent,
        arg_min(talk_raw, line) FILTER (WHERE event IN {_in(COMPLETION)}) AS talk_raw,
        arg_min(ev_at, line) FILTER (WHERE event IN {_in(COMPLETION)}) AS completed_at,
        arg_min(event, line) FILTER (WHERE event IN {_in(COMPLETION)}) AS completion
      FROM numbered WHERE seq > 0 GROUP BY callid, queue, seq),
    visit AS (
      SELECT *,
        CASE WHEN terminal = 'CONNECT' THEN 'answered' WHEN terminal = 'ABANDON' THEN 'abandoned'
             WHEN terminal IS NOT NULL THEN 'flowout' END AS outcome,
        COALESCE({duration_sql('wait_raw')},
                 CAST(CAST(epoch_ms(terminal_at) - epoch_ms(arrived_at) AS DECIMAL(18,3)) / 1000
                      AS DECIMAL(18,3))) AS wait_s,
        {duration_sql('talk_raw')} AS talk_s,
        CASE WHEN terminal = 'CONNECT' THEN terminal_at END AS answered_at,
        CASE WHEN terminal = 'CONNECT' THEN completion IN {_in(TRANSFERS)} END AS transferred,
        COALESCE(completed_at, CASE WHEN terminal <> 'CONNECT' THEN terminal_at END) AS ended_at,
        callid || '@' || queue || CASE WHEN seq > 1 THEN '#' || seq ELSE '' END AS contact_id
      FROM seg WHERE enter_line IS NOT NULL)"""


def _contacts_sql(stitch: str) -> str:
    """One row per contact, keyed by the line of its ENTERQUEUE."""
    if stitch == "queue":
        return "contact AS (SELECT * FROM visit)"
    # The caller's view: the call's first queue and arrival, its last visit's outcome, the
    # time spent in all queues as its wait.
    return """contact AS (
      SELECT callid AS contact_id, min(enter_line) AS enter_line, arg_min(queue, enter_line) AS queue,
        min(arrived_at) AS arrived_at, arg_min(caller_raw, enter_line) AS caller_raw,
        CASE WHEN arg_max(COALESCE(terminal, '-'), enter_line) = '-' THEN NULL
             ELSE arg_max(outcome, enter_line) END AS outcome,
        arg_max(terminal, enter_line) AS terminal, sum(wait_s) AS wait_s, sum(talk_s) AS talk_s,
        max(answered_at) AS answered_at, arg_max(ended_at, enter_line) AS ended_at, arg_max(agent, enter_line) AS agent,
        bool_or(transferred) AS transferred
      FROM visit GROUP BY callid)"""


def _ignore_sql() -> str:
    return """CASE
        WHEN k.kind IN ('malformed', 'needs_tz') THEN NULL
        WHEN k.kind <> 'call' THEN k.kind
        WHEN c.enter_line IS NOT NULL THEN (CASE WHEN c.outcome IS NULL THEN 'in_progress' END)
        WHEN k.event = 'ENTERQUEUE' THEN 'stitched_segment'
        WHEN n.seq = 0 AND k.callid NOT IN (SELECT callid FROM entered) THEN 'orphan_event'
        ELSE 'queue_event' END"""


def stage_file(
    con: duckdb.DuckDBPyConnection, source: Source, file_index: int, options: ReadOptions
) -> dict[str, object]:
    layout, relation = _relation(source, file_index)
    events = _events_sql(layout, relation, options)
    with_sql = f"WITH ev AS ({events}),{_segments_sql()},\n{_contacts_sql(options.stitch)}"
    is_contact = "c.enter_line IS NOT NULL"
    exprs = {
        "contact_id": f"CASE WHEN {is_contact} THEN c.contact_id END",
        "company": quote_literal(source.default_company),
        "queue": "c.queue", "channel": "'voice'", "direction": "'inbound'",
        "caller": caller_sql("c.caller_raw", options.country),
        "arrived_at": "c.arrived_at", "answered_at": "c.answered_at", "ended_at": "c.ended_at",
        "wait_s": "c.wait_s", "talk_s": "c.talk_s", "outcome": "c.outcome", "outcome_detail": "c.terminal",
        "agent": "c.agent", "source": f"{quote_literal(source.display + ':')} || k.line",
        # an answered call ends with COMPLETECALLER/COMPLETEAGENT or a transfer event: known for every answer
        "transferred": "CASE WHEN c.outcome = 'answered' THEN c.transferred END",
        "file_index": str(file_index), "line": "k.line", "local_time_note": "k.dst_note",
        "reject_reason": "CASE k.kind WHEN 'malformed' THEN 'malformed_line' "
                         "WHEN 'needs_tz' THEN 'timestamp_without_offset' END",
        "reject_column": "CASE WHEN k.kind IN ('malformed', 'needs_tz') THEN 'time' END",
        "reject_value": "CASE WHEN k.kind IN ('malformed', 'needs_tz') THEN k.at_raw END",
        "ignore_reason": _ignore_sql(),
    }
    from_sql = ("FROM kinds k LEFT JOIN numbered n USING (line) "
                "LEFT JOIN contact c ON c.enter_line = k.line ORDER BY k.line")
    try:
        con.execute(insert_sql(exprs, from_sql, with_sql))
    except duckdb.Error as exc:
        raise InputError(f"cannot read as queue_log: {str(exc).splitlines()[0]}",
                         "check that it is an Asterisk queue_log (or pass --profile)", file=source.display) from exc
    return {"profile": NAME, **relation.info, "layout": layout, "stitch": options.stitch}
