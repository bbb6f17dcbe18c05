"""What the user tells the readers: column mappings, outcome values, the input time zone."""

from __future__ import annotations

from dataclasses import dataclass, field

from slreport.errors import UsageError
from slreport.schema import COLUMN_NAMES, OUTCOMES

MAPPABLE = tuple(c for c in COLUMN_NAMES if c != "source")


@dataclass(frozen=True)
class ReadOptions:
    column_map: dict[str, str] = field(default_factory=dict)  # canonical → source header
    outcome_map: dict[str, str] = field(default_factory=dict)  # raw value (lower) → outcome
    input_tz: str | None = None  # zone of timestamps written without an offset
    strict: bool = False  # any rejected row is an error
    csat_scale: int = 5  # CSAT answers outside 1..csat_scale are rejected (bad_score)
    time_formats: tuple[str, ...] = ()  # strptime formats for local timestamps, tried in order (--time-format)
    country: str | None = None  # ISO country of national caller numbers, e.g. FI (--country)
    stitch: str = "queue"  # queue_log: one contact per queue visit ("queue") or per call ("caller")
    rejects_path: str | None = None  # write rejected rows here as CSV (--rejects)
    pseudonym_key: str | None = None  # HMAC key for caller pseudonyms in --rejects (random per run if None)
    sheet: str | None = None  # the worksheet of an .xlsx input (--sheet); the first when None
    # Arrivals kept: since <= arrived_at < until, ISO-8601 instants with offset; None = open end.
    arrival_window: tuple[str | None, str | None] | None = None
    show_callers: bool = False  # raw caller numbers instead of pseudonyms (--show-callers, convert --keep-callers)


def parse_column_maps(items: list[str]) -> dict[str, str]:
    """`--map arrived_at="Call Start"` (repeatable) → {"arrived_at": "Call Start"}."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, header = item.partition("=")
        name = name.strip()
        if not sep or not header.strip():
            raise UsageError(f"--map {item!r} is not COLUMN=HEADER", 'write it like --map arrived_at="Call Start"')
        if name not in MAPPABLE:
            raise UsageError(
                f"--map {item!r}: {name!r} is not a canonical column", f"choose from {', '.join(MAPPABLE)}"
            )
        out[name] = header.strip()
    return out


def parse_outcome_maps(items: list[str]) -> dict[str, str]:
    """`--outcome answered=ANSWERED,AGENT` (repeatable) → {"answered": "answered", "agent": "answered"}."""
    out: dict[str, str] = {}
    for item in items:
        outcome, sep, values = item.partition("=")
        outcome = outcome.strip().lower()
        if not sep or outcome not in OUTCOMES or not values.strip():
            raise UsageError(
                f"--outcome {item!r} is not OUTCOME=VALUE[,VALUE…]",
                f"OUTCOME is one of {', '.join(OUTCOMES)}; e.g. --outcome abandoned=ABANDON,HANGUP",
            )
        for value in values.split(","):
            if value.strip():
                out[value.strip().lower()] = outcome
    return out


STITCH_MODES = ("queue", "caller")


def parse_stitch(value: str) -> str:
    if value not in STITCH_MODES:
        raise UsageError(f"--stitch {value!r} is not known", f"choose from {', '.join(STITCH_MODES)}")
    return value
