"""Why a row was rejected or ignored: one place for the codes, their meaning and the fix."""

from __future__ import annotations

REJECT_REASONS: dict[str, tuple[str, str]] = {
    "missing_arrival": ("no arrival time", "every contact needs arrived_at; map it with --map arrived_at=HEADER"),
    "bad_timestamp": ("a timestamp could not be read", "write ISO-8601 times such as 2024-01-31 08:15:00+02:00"),
    "timestamp_without_offset": (
        "a timestamp has no UTC offset and no --tz was given",
        "pass --tz with the phone system's time zone, e.g. --tz Europe/Helsinki",
    ),
    "bad_duration": ("a duration is not a number of seconds", "durations must be seconds, e.g. 12 or 12.5"),
    "negative_duration": ("a duration is negative", "fix the export; durations cannot be below 0"),
    "missing_outcome": ("no outcome", "map the outcome column with --map outcome=HEADER"),
    "unknown_outcome": (
        "the outcome value is not known",
        "map it with --outcome answered=VALUE or --outcome abandoned=VALUE",
    ),
    "answer_before_arrival": ("answered before it arrived", "check the time columns of the export"),
    "unknown_direction": ("direction is neither inbound nor outbound", "use inbound/outbound (or in/out)"),
    "bad_flag": ("resolved is not a yes/no value", "use true/false, yes/no, y/n or 1/0"),
    "bad_score": ("a survey score is not a number in range", "NPS is 0-10; CSAT a number"),
    "duplicate": ("the same contact id appears again", "nothing to do: the first copy is used"),
}

IGNORE_REASONS: dict[str, str] = {
    "outbound": "outbound contacts are not offered to a queue",
    "outside_period": "arrived outside the report period (--period, --since/--until)",
}


def describe(reason: str) -> str:
    if reason in REJECT_REASONS:
        return REJECT_REASONS[reason][0]
    return IGNORE_REASONS.get(reason, reason)


def hint(reason: str) -> str:
    return REJECT_REASONS.get(reason, ("", "see README, 'Data quality'"))[1]
