"""Amazon Connect contact trace records (CTR): JSON Lines or a JSON array, one record per
contact, nested as in the CTR data model (Queue, Agent, CustomerEndpoint…).

Mapping: arrived_at = Queue.EnqueueTimestamp; answered_at = Agent.ConnectedToAgentTimestamp;
wait = Queue.Duration (else Dequeue − Enqueue); talk = Agent.AgentInteractionDuration; hold =
Agent.CustomerHoldDuration; ACW = Agent.AfterContactWorkDuration (so AHT is Connect's own
definition); answered when connected to an agent, else abandoned when DisconnectReason is
CUSTOMER_DISCONNECT (or missing), else flowout (the flow took it out of the queue).
Only inbound contacts are offered: INBOUND, TRANSFER, QUEUE_TRANSFER, and API for chats and
tasks. CALLBACK, OUTBOUND/API voice and other methods are ignored by reason, as are contacts
never queued. CTRs are delivered at least once: the latest LastUpdateTimestamp of a ContactId
is used, earlier versions are counted as duplicates.
"""

from __future__ import annotations

import duckdb

from slreport.errors import InputError
from slreport.ingest.callers import caller_sql
from slreport.ingest.dst import dst_note_sql
from slreport.ingest.parse_sql import duration_sql, timestamp_sql
from slreport.ingest.sources import Source
from slreport.ingest.sql import quote_literal
from slreport.ingest.staging import insert_sql
from slreport.ingest.text import as_utf8, decode_head, read_head
from slreport.options.read import ReadOptions

NAME = "amazon_connect"
DESCRIPTION = "Amazon Connect contact trace records (JSON Lines or JSON array), de-duplicated on ContactId"

INBOUND = ("INBOUND", "TRANSFER", "QUEUE_TRANSFER", "WEBRTC_API")
OUTBOUND = ("OUTBOUND", "EXTERNAL_OUTBOUND", "AGENT_REPLY", "CAMPAIGN")


def detect(head: bytes) -> int:
    text = decode_head(head).lstrip()
    if not text.startswith(("{", "[")):
        return 0
    if '"ContactId"' in text and ('"InitiationMethod"' in text or '"Queue"' in text):
        return 95
    return 0


def _records_sql(source: Source, file_index: int) -> tuple[str, str]:
    """(FROM-able relation with columns line, j; the JSON layout)."""
    utf8, _ = as_utf8(source, source.work_dir, file_index)
    path = quote_literal(utf8.duckdb_path)
    if decode_head(read_head(utf8.path)).lstrip().startswith("["):
        return (f"(SELECT row_number() OVER () AS line, CAST(json AS VARCHAR) AS j "
                f"FROM read_json_objects({path}, format = 'array'))", "json")
    lines = (f"read_csv({path}, columns = {{'j': 'VARCHAR'}}, header = false, delim = chr(30), quote = '', "
             "escape = '', auto_detect = false, parallel = false)")
    return f"(SELECT * FROM (SELECT row_number() OVER () AS line, j FROM {lines}) WHERE j IS NOT NULL)", "jsonl"


def _fields_sql(records: str, options: ReadOptions) -> str:
    def s(path: str) -> str:
        return f"NULLIF(TRIM(json_extract_string(CASE WHEN ok THEN j END, '$.{path}')), '')"

    ts = {n: timestamp_sql(s(p), options.input_tz) for n, p in (
        ("enqueued", "Queue.EnqueueTimestamp"), ("dequeued", "Queue.DequeueTimestamp"),
        ("connected", "Agent.ConnectedToAgentTimestamp"), ("ended", "DisconnectTimestamp"),
        ("updated", "LastUpdateTimestamp"))}
    return f"""SELECT line, ok, {s('ContactId')} AS contact_id, upper({s('InitiationMethod')}) AS method,
        lower(COALESCE({s('Channel')}, 'VOICE')) AS channel, {s('Queue.Name')} AS queue,
        {s('Agent.Username')} AS agent, {s('CustomerEndpoint.Address')} AS caller_raw,
        {s('DisconnectReason')} AS reason,
        ({s('TransferCompletedTimestamp')} IS NOT NULL OR {s('TransferredToEndpoint.Address')} IS NOT NULL)
            AS transferred, {s('Queue.EnqueueTimestamp')} AS enqueued_raw,
        {ts['enqueued']} AS arrived_at, {ts['dequeued']} AS dequeued_at, {ts['connected']} AS answered_at,
        {ts['ended']} AS ended_at, {ts['updated']} AS updated_at,
        {duration_sql(s('Queue.Duration'))} AS queue_s, {duration_sql(s('Agent.AgentInteractionDuration'))} AS talk_s,
        {duration_sql(s('Agent.CustomerHoldDuration'))} AS hold_s,
        {duration_sql(s('Agent.AfterContactWorkDuration'))} AS acw_s,
        {dst_note_sql([s('Queue.EnqueueTimestamp'), s('Agent.ConnectedToAgentTimestamp'), s('DisconnectTimestamp')],
                      options.input_tz)} AS dst_note
      FROM (SELECT line, j, COALESCE(json_valid(j) AND starts_with(ltrim(j), '{{'), false) AS ok FROM {records})"""


# (condition, reason, column, value): the first that holds rejects the record.
_REJECTS = (
    ("NOT r.ok", "'bad_json'", "'record'", "NULL"),
    ("r.contact_id IS NULL", "'missing_contact_id'", "'ContactId'", "NULL"),
    ("r.enqueued_raw IS NOT NULL AND r.arrived_at IS NULL", "'bad_timestamp'", "'Queue.EnqueueTimestamp'",
     "r.enqueued_raw"),
)


def _case(index: int) -> str:
    return "CASE " + " ".join(f"WHEN {cond} THEN {parts[index - 1]}" for cond, *parts in _REJECTS) + " END"


_IGNORE = f"""CASE
    WHEN r.method = 'CALLBACK' THEN 'callback'
    WHEN r.method IN {OUTBOUND} OR (r.method = 'API' AND r.channel = 'voice') THEN 'outbound'
    WHEN NOT (r.method IN {INBOUND} OR r.method = 'API') THEN 'other_contact'
    WHEN r.arrived_at IS NULL THEN 'not_queued' END"""


def stage_file(
    con: duckdb.DuckDBPyConnection, source: Source, file_index: int, options: ReadOptions
) -> dict[str, object]:
    records, layout = _records_sql(source, file_index)
    wait = ("COALESCE(r.queue_s, CAST(CAST(epoch_ms(COALESCE(r.dequeued_at, r.answered_at, r.ended_at)) "
            "- epoch_ms(r.arrived_at) AS DECIMAL(18,3)) / 1000 AS DECIMAL(18,3)))")
    outcome = ("CASE WHEN r.answered_at IS NOT NULL THEN 'answered' "
               "WHEN COALESCE(r.reason, 'CUSTOMER_DISCONNECT') = 'CUSTOMER_DISCONNECT' THEN 'abandoned' "
               "ELSE 'flowout' END")
    exprs = {
        "contact_id": "r.contact_id", "company": quote_literal(source.default_company), "queue": "r.queue",
        "channel": "r.channel", "direction": "CASE WHEN r.method IN " + str(OUTBOUND) + " THEN 'outbound' "
                                              "ELSE 'inbound' END",
        "caller": caller_sql("r.caller_raw", options.country), "arrived_at": "r.arrived_at",
        "answered_at": "r.answered_at", "ended_at": "r.ended_at", "wait_s": wait, "talk_s": "r.talk_s",
        "hold_s": "r.hold_s", "acw_s": "r.acw_s", "outcome": outcome, "outcome_detail": "r.reason",
        "agent": "r.agent", "source": f"{quote_literal(source.display + ':')} || r.line",
        "transferred": "CASE WHEN r.answered_at IS NOT NULL THEN r.transferred END",
        "file_index": str(file_index), "line": "r.line",
        "reject_reason": _case(1), "reject_column": _case(2), "reject_value": _case(3),
        "ignore_reason": _IGNORE, "version_at": "r.updated_at", "local_time_note": "r.dst_note",
    }
    from_sql = f"FROM ({_fields_sql(records, options)}) r ORDER BY r.line"
    try:
        con.execute(insert_sql(exprs, from_sql))
    except duckdb.Error as exc:
        raise InputError(f"cannot read contact trace records: {str(exc).splitlines()[0]}",
                         "export them as JSON Lines (one record a line) or one JSON array",
                         file=source.display) from exc
    return {"profile": NAME, "format": layout}
