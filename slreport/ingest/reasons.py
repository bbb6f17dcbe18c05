"""Why a row was rejected or ignored: one place for the codes, their meaning and the fix."""

from __future__ import annotations

REJECT_REASONS: dict[str, tuple[str, str]] = {
    "missing_arrival": ("no arrival time", "every contact needs arrived_at; map it with --map arrived_at=HEADER"),
    "bad_timestamp": ("a timestamp could not be read",
                      "write ISO-8601 times such as 2024-01-31 08:15:00+02:00, between 1990 and 2099"),
    "timestamp_without_offset": (
        "a timestamp has no UTC offset and no --tz was given",
        "pass --tz with the phone system's time zone, e.g. --tz Europe/Helsinki",
    ),
    "bad_duration": ("a duration is not a number of seconds", "durations must be seconds, e.g. 12 or 12.5"),
    "negative_duration": ("a duration is negative", "fix the export; durations cannot be below 0"),
    "implausible_duration": (
        "a wait over 24 hours (30 days for email, ticket and task contacts), or a talk, hold or after-contact "
        "time over 48 hours",
        "check the export's units (milliseconds read as seconds?) and clocks; see docs/ingest.md, 'Plausibility'",
    ),
    "missing_outcome": ("no outcome", "map the outcome column with --map outcome=HEADER"),
    "unknown_outcome": (
        "the outcome value is not known",
        "map it with --outcome answered=VALUE or --outcome abandoned=VALUE",
    ),
    "answer_before_arrival": ("answered before it arrived", "check the time columns of the export"),
    "unknown_direction": ("direction is neither inbound nor outbound", "use inbound/outbound (or in/out)"),
    "bad_flag": ("resolved is not a yes/no value", "use true/false, yes/no, y/n or 1/0"),
    "bad_score": ("a survey score is not a number in range", "NPS is 0-10; CSAT 1..--csat-scale (default 5)"),
    "duplicate": (
        "the same contact id appears again",
        "nothing to do: the first copy is used (Amazon Connect: the latest LastUpdateTimestamp)",
    ),
    "malformed_line": (
        "a line has too few fields or no readable time (a live log may end in a partial line)",
        "check the export; a partial last line is written again complete on the next export",
    ),
    "bad_json": ("a line is not a JSON object", "export contact trace records as JSON Lines or a JSON array"),
    "missing_contact_id": ("a contact trace record has no ContactId", "check the export"),
}

IGNORE_REASONS: dict[str, str] = {
    "outbound": "outbound contacts are not offered to a queue",
    "queue_event": "a queue_log event folded into its call's contact (CONNECT, COMPLETE…, RINGNOANSWER…)",
    "agent_event": "a queue_log agent event (login, pause, member added…), not a call",
    "config_event": "a queue_log system event (QUEUESTART, CONFIGRELOAD), not a call",
    "outbound_event": "an agent's outbound call in the queue_log (OUTDIAL, OUTANSWER…), not offered to a queue",
    "orphan_event": "a queue_log call event whose ENTERQUEUE is not in the input (started before the file)",
    "in_progress": "the call was still in queue at the end of the input: neither answered nor abandoned",
    "stitched_segment": "a later queue visit of a call folded into its first queue (--stitch caller)",
    "folded_leg": "a further leg (dialled member, transfer) of a call folded into one contact",
    "not_offered": "a call handled by the dialplan alone (IVR, announcement): never offered to an agent",
    "callback": "a queued callback (Amazon Connect InitiationMethod CALLBACK), excluded from inbound metrics",
    "not_queued": "a contact that never entered a queue (no Queue.EnqueueTimestamp)",
    "other_contact": "an Amazon Connect contact that is not inbound (MONITOR, DISCONNECT, …)",
    "outside_period": "arrived outside the report period (--period, --since/--until)",
}


def describe(reason: str) -> str:
    if reason in REJECT_REASONS:
        return REJECT_REASONS[reason][0]
    return IGNORE_REASONS.get(reason, reason)


def describe_all() -> dict[str, str]:
    """Every code with its meaning: for docs and the data-quality block."""
    return {code: text for code, (text, _) in REJECT_REASONS.items()} | IGNORE_REASONS


def hint(reason: str) -> str:
    return REJECT_REASONS.get(reason, ("", "see README, 'Data quality'"))[1]
