"""SQL expressions that turn raw text into typed values, shared by every reader.

A value that cannot be parsed becomes NULL here; the reader's checks then reject the row
with a reason (``bad_timestamp``, ``bad_duration``…) instead of failing the whole file.
"""

from __future__ import annotations

from slreport.ingest.sql import quote_literal
from slreport.schema import DURATION_TYPE

# A time of day followed by Z or ±HH[:MM]: the value carries its own UTC offset.
OFFSET_RE = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)$"
# Seconds (10 digits) or milliseconds (13 digits) since 1970: also carry their own offset.
EPOCH_RE = r"^\d{10}(\.\d+)?$|^\d{13}$"

# Local-time layouts tried after ISO-8601 when no --time-format is given. Only unambiguous
# ones: day-first with dots (Nordic/German), year-first with slashes (spreadsheets).
DEFAULT_TIME_FORMATS = (
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H.%M.%S", "%d.%m.%Y %H:%M", "%d.%m.%Y %H.%M",
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
)
TRUE_VALUES = ("1", "true", "t", "yes", "y", "kyllä", "k", "ja", "j")
FALSE_VALUES = ("0", "false", "f", "no", "n", "ei", "e", "nej")
MS_HEADER_RE = r"(?i)(\(ms\)|\bms\b|_ms$|msec|millis)"


def _formats_list(formats: tuple[str, ...]) -> str:
    return "[" + ", ".join(quote_literal(f) for f in formats) + "]"


def local_parse_sql(text: str, time_formats: tuple[str, ...]) -> str:
    """TIMESTAMP (no zone) of a local-time text: --time-format first, then ISO, then defaults."""
    parts = []
    if time_formats:
        parts.append(f"try_strptime({text}, {_formats_list(time_formats)})")
    # A cast that fails costs 7× a strptime, and every day-first local time fails it. Only a text
    # that starts with a four-digit year casts to a year plausible_sql keeps (the others cast to
    # years before 1000, 1970 or infinity, or not at all), so the guard changes no parsed time.
    parts.append(f"CASE WHEN regexp_matches({text}, '^\\d{{4}}') THEN TRY_CAST({text} AS TIMESTAMP) END")
    parts.append(f"try_strptime({text}, {_formats_list(DEFAULT_TIME_FORMATS)})")
    return f"CAST(COALESCE({', '.join(parts)}) AS TIMESTAMP)"


def timestamp_kind_sql(text: str) -> str:
    """'offset' when the text carries its own UTC offset, 'epoch' when it is seconds or ms since
    1970, NULL otherwise (a local time, or unreadable). The two patterns cannot both match: an
    offset follows a time of day, which has a colon, and an epoch is digits only."""
    return (f"CASE WHEN regexp_matches({text}, {quote_literal(OFFSET_RE)}) THEN 'offset' "
            f"WHEN regexp_matches({text}, {quote_literal(EPOCH_RE)}) THEN 'epoch' END")


def offset_text_sql(text: str) -> str:
    """The UTC offset a timestamp text ends with ("+02:00", "+0200", "Z"), else ''."""
    return f"regexp_extract({text}, {quote_literal(OFFSET_RE)}, 3)"


def normal_offset(offset: str) -> str | None:
    """An offset as ±HH:MM ("+0200" and "+02" are "+02:00"); None for UTC itself (Z, ±00:00)."""
    digits = offset[1:].replace(":", "")
    if offset in ("Z", "z", "") or not digits.isdigit() or int(digits) == 0:
        return None
    return f"{offset[0]}{digits[:2]}:{(digits[2:] or '00')[:2]}"


def has_own_offset_sql(text: str, kind: str | None = None) -> str:
    """True when the text carries its own offset or is an epoch. ``kind`` is the text's
    timestamp_kind_sql when the caller has it computed already (each use re-evaluates it)."""
    return f"(({kind or timestamp_kind_sql(text)}) IS NOT NULL)"


def timestamp_sql(
    text: str, input_tz: str | None, time_formats: tuple[str, ...] = (), kind: str | None = None,
    wall: str | None = None,
) -> str:
    """TIMESTAMPTZ of a text: its own offset or epoch if it has one, else local time in input_tz.
    ``kind``: as for has_own_offset_sql; ``wall``: the text's local_parse_sql, likewise."""
    epoch = (
        f"CASE WHEN length({text}) = 13 THEN to_timestamp(CAST({text} AS DOUBLE) / 1000) "
        f"ELSE to_timestamp(CAST({text} AS DOUBLE)) END"
    )
    wall = wall or local_parse_sql(text, time_formats)
    in_zone = f"timezone({quote_literal(input_tz)}, {wall})" if input_tz else "NULL"
    parsed = (
        f"CASE WHEN {text} IS NULL THEN NULL ELSE (CASE {kind or timestamp_kind_sql(text)} "
        f"WHEN 'epoch' THEN {epoch} WHEN 'offset' THEN TRY_CAST({text} AS TIMESTAMPTZ) "
        f"ELSE {in_zone} END) END"
    )
    return plausible_sql(parsed)


# Contact records from before digital exports or from the far future are clock or parsing
# errors; one of them would also stretch every interval table over centuries.
PLAUSIBLE_FROM, PLAUSIBLE_UNTIL = "1990-01-01 00:00:00+00", "2100-01-01 00:00:00+00"


def plausible_sql(ts: str) -> str:
    """The TIMESTAMPTZ expression, or NULL (then bad_timestamp) outside 1990..2099."""
    return (f"list_transform([{ts}], lambda t: CASE WHEN t >= TIMESTAMPTZ '{PLAUSIBLE_FROM}' "
            f"AND t < TIMESTAMPTZ '{PLAUSIBLE_UNTIL}' THEN t END)[1]")


def without_offset_sql(text: str, time_formats: tuple[str, ...] = (), kind: str | None = None) -> str:
    """True when the text is a readable local time with no offset (so --tz is needed).
    ``kind``: as for has_own_offset_sql."""
    return (
        f"({text} IS NOT NULL AND NOT {has_own_offset_sql(text, kind)} "
        f"AND {local_parse_sql(text, time_formats)} IS NOT NULL)"
    )


def duration_sql(text: str, unit: str = "s") -> str:
    """Seconds as DECIMAL of `12`, `12.5`, `12,5` (decimal comma), `1:05` (M:SS), `0:01:05`
    (H:MM:SS); ``unit="ms"`` divides plain numbers by 1000."""
    number = f"TRY_CAST(replace({text}, ',', '.') AS DECIMAL(21,3))"
    if unit == "ms":
        number = f"{number} / 1000"

    def part(pattern: str, group: int) -> str:
        extracted = f"regexp_extract({text}, {quote_literal(pattern)}, {group})"
        return f"TRY_CAST(replace({extracted}, ',', '.') AS DECIMAL(21,3))"

    hms = r"^(\d+):(\d{2}):(\d{2}([.,]\d+)?)$"
    ms = r"^(\d+):(\d{2}([.,]\d+)?)$"
    return (
        f"CAST(CASE WHEN {text} IS NULL THEN NULL "
        f"WHEN regexp_matches({text}, '^-?\\d+([.,]\\d+)?$') THEN {number} "
        f"WHEN regexp_matches({text}, {quote_literal(hms)}) "
        f"THEN {part(hms, 1)} * 3600 + {part(hms, 2)} * 60 + {part(hms, 3)} "
        f"WHEN regexp_matches({text}, {quote_literal(ms)}) THEN {part(ms, 1)} * 60 + {part(ms, 2)} "
        f"END AS {DURATION_TYPE})"
    )


def flag_sql(text: str) -> str:
    """BOOLEAN of Y/N, yes/no, 1/0, TRUE/FALSE (and Finnish/Swedish kyllä/ei, ja/nej); else NULL."""
    # A CASE, not IN (...): DuckDB plans a long IN list (and list_contains of a constant list) as a
    # join, and a join may reorder the rows of a parallel read, whose file order gives the line
    # numbers (slreport.ingest.readers.generic).
    whens = [f"WHEN {quote_literal(v)} THEN true" for v in TRUE_VALUES]
    whens += [f"WHEN {quote_literal(v)} THEN false" for v in FALSE_VALUES]
    return f"CASE lower({text}) {' '.join(whens)} END"


def decimal_sql(text: str, sql_type: str) -> str:
    """A number that may be written with a decimal comma."""
    return f"TRY_CAST(replace({text}, ',', '.') AS {sql_type})"
