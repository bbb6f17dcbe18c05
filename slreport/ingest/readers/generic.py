"""The generic reader: CSV/TSV (any of , ; tab |), .xlsx, Parquet or JSON Lines whose header
names the canonical columns, or whose headers are mapped to them with --map / [columns].

Everything is read as text (a caller number must never become a float) and parsed in SQL,
so that a value that cannot be used is counted against its row with a reason instead of
failing the whole file. A mapping may combine columns: --map arrived_at="{Date} {Time}".
"""

from __future__ import annotations

import re

import duckdb

from slreport.errors import InputError
from slreport.ingest import tabular
from slreport.ingest.callers import caller_sql, looks_like_phone
from slreport.ingest.dst import dst_note_of_parsed_sql
from slreport.ingest.parse_sql import (
    MS_HEADER_RE,
    decimal_sql,
    duration_sql,
    flag_sql,
    local_parse_sql,
    normal_offset,
    offset_text_sql,
    timestamp_kind_sql,
    timestamp_sql,
    without_offset_sql,
)
from slreport.ingest.sources import Source
from slreport.ingest.sql import quote_ident, quote_literal
from slreport.ingest.staging import STAGED, STAGED_COLUMNS
from slreport.ingest.text import decode_head, head_lines
from slreport.options.read import MAPPABLE, ReadOptions
from slreport.schema import DURATION_COLUMNS, OUTCOMES, TIMESTAMP_COLUMNS

NAME = "generic"
DESCRIPTION = "CSV/TSV/.xlsx/Parquet/JSON Lines with a header row; canonical names or --map mappings"

_TEMPLATE_RE = re.compile(r"\{([^{}]+)\}")
_DIRECTIONS = {"inbound": "inbound", "in": "inbound", "incoming": "inbound",
               "outbound": "outbound", "out": "outbound", "outgoing": "outbound"}
# Header names that mean a canonical column without --map (lower case).
_ALIASES = {"answered": "outcome", "first_response_at": "answered_at"}  # an email's or ticket's first response
# Email and ticket exports: a contact closed without a response waited until it was closed (docs/fcr-and-targets.md).
_WRITTEN = "('email', 'ticket', 'task')"


def detect(head: bytes) -> int:
    """A weak score for anything tabular: every other profile outbids it on its own format."""
    kind = tabular.file_kind(head)
    if kind in ("xlsx", "parquet"):
        return 50
    if kind == "json":
        return 20
    lines = head_lines(head, 2)
    if not lines:
        return 0
    known = sum(1 for name in MAPPABLE if name in decode_head(head[:2048]).splitlines()[0].lower())
    return 30 + known if any(d in lines[0] for d in ",;\t|") else 0  # one column cannot hold a contact


def stage_file(
    con: duckdb.DuckDBPyConnection, source: Source, file_index: int, options: ReadOptions
) -> dict[str, object]:
    """Parse one file into the staging table; return what was detected and mapped."""
    try:
        return _stage_file(con, source, file_index, options, trust_utf8=True)
    except tabular.NotUtf8:  # the failed statement inserted nothing
        return _stage_file(con, source, file_index, options, trust_utf8=False)


def _stage_file(
    con: duckdb.DuckDBPyConnection, source: Source, file_index: int, options: ReadOptions, trust_utf8: bool
) -> dict[str, object]:
    relation = tabular.relation_for(source, file_index, options.sheet, trust_utf8)
    header = tabular.columns_of(con, relation, source.display)
    columns = resolve_columns(header, options, source.display)
    first_row = con.execute(f"SELECT count(*) FROM {STAGED}").fetchone()[0]  # type: ignore[index]
    insert, number = build_stage_sql(relation, source, file_index, columns, options, first_row)
    try:
        con.execute(insert)
    except duckdb.Error as exc:
        tabular.check_utf8(exc, relation)
        if (too_long := tabular.line_too_long(exc, relation, source.display)) is not None:
            raise too_long from exc
        raise InputError(
            f"cannot read: {str(exc).splitlines()[0]}",
            "check the delimiter, quoting and encoding of the export",
            file=source.display,
        ) from exc
    con.execute(number)
    units = {n: "ms" for n in DURATION_COLUMNS if n in columns and _is_ms(columns[n])}
    offsets = [] if options.input_tz else arrival_offsets(con, relation, columns["arrived_at"])
    return ({"profile": NAME, **relation.info, "columns": columns} | ({"units": units} if units else {})
            | ({"utc_offsets": offsets} if offsets else {}))


# Rows whose arrival offsets are looked at: enough to see the data's own clock, without a second full
# read of the file (the offsets are gone once the times are parsed).
OFFSET_SAMPLE_ROWS = 1000


def arrival_offsets(con: duckdb.DuckDBPyConnection, relation: tabular.Relation, mapping: str) -> list[str]:
    """The UTC offsets other than UTC's own (±HH:MM) that the first arrivals of the file carry. With
    no zone chosen the report is in UTC, and these say the data was stamped on another clock."""
    found = con.execute(
        f"SELECT DISTINCT {offset_text_sql('raw')} FROM (SELECT {_raw(mapping)} AS raw FROM {relation.sql} "
        f"LIMIT {OFFSET_SAMPLE_ROWS})"
    ).fetchall()
    return sorted({o for (text,) in found if text and (o := normal_offset(text)) is not None})


def _is_ms(header: str) -> bool:
    return re.search(MS_HEADER_RE, header) is not None


def resolve_columns(header: list[str], options: ReadOptions, display: str) -> dict[str, str]:
    """Canonical column → header (or {template}) in this file; names match case-insensitively."""
    resolved = match_columns(header, options, display)
    _require(resolved, header, display)
    return resolved


def match_columns(header: list[str], options: ReadOptions, display: str) -> dict[str, str]:
    """resolve_columns without the check that the columns a contact needs are there."""
    by_lower = {h.strip().lstrip("\ufeff").lower(): h for h in header}
    resolved: dict[str, str] = {}
    for canonical in MAPPABLE:
        wanted = options.column_map.get(canonical)
        if wanted is not None:
            resolved[canonical] = _resolve_mapping(canonical, wanted, by_lower, header, display)
        elif canonical in by_lower:
            resolved[canonical] = by_lower[canonical]
    for alias, canonical in _ALIASES.items():
        if canonical not in resolved and alias in by_lower:
            resolved[canonical] = by_lower[alias]
    return resolved


def _resolve_mapping(canonical: str, wanted: str, by_lower: dict[str, str], header: list[str], display: str) -> str:
    names = _TEMPLATE_RE.findall(wanted) or [wanted]
    for name in names:
        if name.strip().lower() not in by_lower:
            raise InputError(
                f"column {name!r} (mapped to {canonical}) not found; columns seen: {_seen(header)}",
                f"correct --map {canonical}=HEADER (or \"{{HEADER}} {{HEADER}}\" to join columns)",
                file=display,
            )
    if _TEMPLATE_RE.search(wanted):
        return _TEMPLATE_RE.sub(lambda m: "{" + by_lower[m.group(1).strip().lower()] + "}", wanted)
    return by_lower[wanted.lower()]


def _seen(header: list[str]) -> str:
    """The header names for an error message; a name that looks like a phone number (the first line of
    a file without a header is data) is not quoted."""
    return ", ".join("<a phone number>" if looks_like_phone(name) else name for name in header)


def _require(resolved: dict[str, str], header: list[str], display: str) -> None:
    if "arrived_at" not in resolved:
        raise InputError(
            f"column 'arrived_at' not found; columns seen: {_seen(header)}",
            'map it with --map arrived_at="HEADER" (or "{Date} {Time}"; the others with --map NAME=HEADER)',
            file=display,
        )
    if "outcome" not in resolved and "answered_at" not in resolved:
        raise InputError(
            f"neither 'outcome' nor 'answered_at' found; columns seen: {_seen(header)}",
            'map one with --map outcome="HEADER" or --map answered_at="HEADER"',
            file=display,
        )


def _raw(mapping: str) -> str:
    """Text of a mapped column (NULL when blank); a {template} joins columns and literal text."""
    if not _TEMPLATE_RE.search(mapping):
        return f"NULLIF(TRIM(CAST({quote_ident(mapping)} AS VARCHAR)), '')"
    pieces = []
    for i, part in enumerate(_TEMPLATE_RE.split(mapping)):
        if i % 2:
            pieces.append(f"NULLIF(TRIM(CAST({quote_ident(part)} AS VARCHAR)), '')")
        elif part:
            pieces.append(quote_literal(part))
    return f"NULLIF(TRIM({' || '.join(pieces)}), '')"


def build_stage_sql(
    relation: tabular.Relation, source: Source, file_index: int, columns: dict[str, str], options: ReadOptions,
    first_row: int,
) -> tuple[str, str]:
    """(insert the file's parsed rows into ``staged``, number their lines), for a file whose rows
    start at ``rowid`` ``first_row`` of ``staged``.

    Line numbers come from the order of the rows, not from ``row_number() OVER ()`` during the
    read: that window holds the whole parse on one thread (10 M CSV rows took 50 s to stage, 31 s
    without it). An INSERT from a single reader through projections keeps the file's order
    (preserve_insertion_order, slreport.engine) and a table without deletes numbers its rows in
    the order they were appended, so a row's ``rowid`` minus ``first_row`` is its index in the
    file. The parse must therefore stay projections only: no join, no IN list (which DuckDB plans
    as a join); tests/test_ingest_generic.py checks the plan.
    """
    # Steps, each a projection of its own: the raw texts (r), what kind of timestamp each is (k),
    # with --tz the wall-clock time of the local ones (w), the parsed values (p), then the first
    # failed check and the DST note (checked). DuckDB does not share a repeated sub-expression, so
    # parsing from named raw columns instead of repeating TRIM(CAST(…)) in every use, and finding
    # the failed check once instead of once per reject column, made this statement 2–3× faster at
    # 1 M rows; classifying a timestamp once instead of in its parse and again in its DST note took
    # 10 % off it with --tz, and the DST note from the parsed times instead of parsing again made
    # 400 000 local times stage in 3.2 s instead of 5.6 s.
    raw = {name: _raw(h) for name, h in columns.items()}
    stamps = [name for name in TIMESTAMP_COLUMNS if name in raw]
    kinds = {name: timestamp_kind_sql(f"raw_{name}") for name in stamps}
    walls = ({name: f"CASE WHEN kind_{name} IS NULL THEN {local_parse_sql(f'raw_{name}', options.time_formats)} END"
              for name in stamps} if options.input_tz else {})
    parsed = _parsed_expressions({name: f"raw_{name}" for name in raw}, columns, source, options, walls=set(walls))
    checks = _checks(raw, options)
    failed = "CASE " + " ".join(f"WHEN {cond} THEN {i}" for i, (_, _, cond) in enumerate(checks, 1)) + " END"
    note = (dst_note_of_parsed_sql([(f"wall_{name}", name) for name in walls], options.input_tz)
            if options.input_tz and walls else "CAST(NULL AS VARCHAR)")
    reason = _pick([quote_literal(code) for code, _, _ in checks])
    column = _pick([quote_literal(col) for _, col, _ in checks])
    value = _pick([f"p.raw_{col}" if col in raw else "NULL" for _, col, _ in checks])
    ignore = "CASE WHEN p.direction = 'outbound' THEN 'outbound' END"
    select_parsed = ",\n    ".join(f"{expr} AS {name}" for name, expr in parsed.items())
    raw_cols = ",\n    ".join(f"{expr} AS raw_{name}" for name, expr in raw.items())
    kind_cols = "".join(f",\n    {expr} AS kind_{name}" for name, expr in kinds.items())
    wall_cols = "".join(f",\n    {expr} AS wall_{name}" for name, expr in walls.items())
    raw_names = ("".join(f", raw_{name}" for name in raw) + "".join(f", kind_{name}" for name in kinds)
                 + "".join(f", wall_{name}" for name in walls))
    tail = ("reject_reason", "reject_column", "reject_value", "ignore_reason", "version_at")
    final = [c for c in STAGED_COLUMNS if c not in tail and c not in ("line", "source")]
    insert = f"""
INSERT INTO {STAGED} ({', '.join(final + list(tail))})
WITH r AS (
  SELECT {raw_cols}
  FROM {relation.sql}
), k AS (
  SELECT *{kind_cols}
  FROM r
), w AS (
  SELECT *{wall_cols}
  FROM k
), p AS (
  SELECT
    {file_index} AS file_index,
    {select_parsed}{raw_names}
  FROM w
), checked AS (
  SELECT *, {failed} AS __failed, {note} AS local_time_note FROM p
)
SELECT {', '.join('p.' + c for c in final)},
  {reason} AS reject_reason,
  {column} AS reject_column,
  {value} AS reject_value,
  {ignore} AS ignore_reason,
  NULL AS version_at
FROM checked p
"""
    # The rowid filter is pushed into the scan: numbering one file does not read the others. The
    # contacts view derives source ("file:line") from file_index and line.
    number = f"UPDATE {STAGED} SET line = rowid - {first_row} + {relation.first_line} WHERE rowid >= {first_row}"
    return insert, number


def _pick(values: list[str]) -> str:
    """The value of the first failed check (NULL when none failed)."""
    return "CASE p.__failed " + " ".join(f"WHEN {i} THEN {v}" for i, v in enumerate(values, 1)) + " END"


def _parsed_expressions(
    raw: dict[str, str], columns: dict[str, str], source: Source, options: ReadOptions, walls: set[str]
) -> dict[str, str]:
    """Parsed column → expression over the raw texts ``raw_*``, their kinds ``kind_*`` and, for the
    timestamp columns in ``walls``, their wall-clock times ``wall_*``."""
    e: dict[str, str] = {}
    e["contact_id"] = raw.get("contact_id", "NULL")
    e["company"] = f"COALESCE({raw.get('company', 'NULL')}, {quote_literal(source.default_company)})"
    for name in ("queue", "segment", "agent"):
        e[name] = raw.get(name, "NULL")
    e["caller"] = caller_sql(raw["caller"], options.country) if "caller" in raw else "NULL"
    e["channel"] = f"COALESCE(lower({raw['channel']}), 'voice')" if "channel" in raw else "'voice'"
    e["direction"] = _direction(raw.get("direction"))
    for name in TIMESTAMP_COLUMNS:
        e[name] = (timestamp_sql(raw[name], options.input_tz, options.time_formats, kind=f"kind_{name}",
                                 wall=f"wall_{name}" if name in walls else None)
                   if name in raw else "NULL")
    e.update(_durations(raw, columns, e))
    e["outcome"] = _outcome(raw.get("outcome"), e["answered_at"], options.outcome_map)
    e["outcome_detail"] = raw.get("outcome", "NULL")
    e["resolved"] = flag_sql(raw["resolved"]) if "resolved" in raw else "NULL"
    e["transferred"] = flag_sql(raw["transferred"]) if "transferred" in raw else "NULL"
    # a callback flag, else a channel column says it (channel "callback"); neither: unknown
    e["callback"] = (flag_sql(raw["callback"]) if "callback" in raw
                     else f"{e['channel']} = 'callback'" if "channel" in raw else "NULL")
    e["nps_score"] = decimal_sql(raw["nps_score"], "INTEGER") if "nps_score" in raw else "NULL"
    e["csat_score"] = decimal_sql(raw["csat_score"], "DECIMAL(9,3)") if "csat_score" in raw else "NULL"
    return e


def _durations(raw: dict[str, str], columns: dict[str, str], e: dict[str, str]) -> dict[str, str]:
    """Durations as given (seconds, H:MM:SS, or ms when the header says so); wait and talk
    derived from timestamps where the export lacks them."""
    out = {name: (duration_sql(raw[name], "ms" if _is_ms(columns[name]) else "s") if name in raw else "NULL")
           for name in DURATION_COLUMNS}
    if "wait_s" not in raw and "answered_at" in raw:
        out["wait_s"] = between_sql(e["arrived_at"], e["answered_at"])
        if "ended_at" in raw:  # a written contact closed without a response waited until it was closed
            closed = f"CASE WHEN {e['channel']} IN {_WRITTEN} THEN COALESCE({e['answered_at']}, {e['ended_at']}) " \
                     f"ELSE {e['answered_at']} END"
            out["wait_s"] = between_sql(e["arrived_at"], closed)
    if "talk_s" not in raw and "answered_at" in raw and "ended_at" in raw:
        out["talk_s"] = between_sql(e["answered_at"], e["ended_at"])
    return out


def between_sql(start: str, end: str) -> str:
    """Exact elapsed seconds between two TIMESTAMPTZ expressions as DECIMAL."""
    return f"CAST(CAST(epoch_ms({end}) - epoch_ms({start}) AS DECIMAL(18,3)) / 1000 AS DECIMAL(18,3))"


def _outcome(text: str | None, answered_at: str, mapping: dict[str, str]) -> str:
    """Outcome values (and --outcome mappings) first; a yes/no "answered" flag after that."""
    if text is None:
        return f"CASE WHEN {answered_at} IS NOT NULL THEN 'answered' ELSE 'abandoned' END"
    values = {o: o for o in OUTCOMES} | mapping
    whens = " ".join(f"WHEN {quote_literal(k)} THEN {quote_literal(v)}" for k, v in sorted(values.items()))
    flag = f"CASE {flag_sql(text)} WHEN true THEN 'answered' WHEN false THEN 'abandoned' END"
    return f"COALESCE(CASE lower({text}) {whens} END, {flag})"


def _direction(text: str | None) -> str:
    if text is None:
        return "'inbound'"
    whens = " ".join(f"WHEN {quote_literal(k)} THEN {quote_literal(v)}" for k, v in _DIRECTIONS.items())
    return f"CASE WHEN {text} IS NULL THEN 'inbound' ELSE (CASE lower({text}) {whens} END) END"


def _checks(raw: dict[str, str], options: ReadOptions) -> list[tuple[str, str, str]]:
    """(reason, column, condition over the parsed row p) in the order they are tried."""
    checks: list[tuple[str, str, str]] = [("missing_arrival", "arrived_at", "p.raw_arrived_at IS NULL")]
    for name in TIMESTAMP_COLUMNS:
        if name in raw:
            if options.input_tz is None:
                # only an unparsed value can lack an offset (without --tz only offsets and epochs parse)
                needs_tz = without_offset_sql(f"p.raw_{name}", options.time_formats, kind=f"p.kind_{name}")
                checks.append(("timestamp_without_offset", name, f"p.{name} IS NULL AND {needs_tz}"))
            checks.append(("bad_timestamp", name, f"p.raw_{name} IS NOT NULL AND p.{name} IS NULL"))
    for name in DURATION_COLUMNS:
        if name in raw:
            checks.append(("bad_duration", name, f"p.raw_{name} IS NOT NULL AND p.{name} IS NULL"))
    if "answered_at" in raw:
        checks.append(("answer_before_arrival", "answered_at", "p.answered_at < p.arrived_at"))
    checks += [("negative_duration", name, f"p.{name} < 0") for name in DURATION_COLUMNS]
    if "outcome" in raw:
        checks.append(("missing_outcome", "outcome", "p.raw_outcome IS NULL"))
        checks.append(("unknown_outcome", "outcome", "p.outcome IS NULL"))
    if "direction" in raw:
        checks.append(("unknown_direction", "direction", "p.raw_direction IS NOT NULL AND p.direction IS NULL"))
    if "resolved" in raw:
        checks.append(("bad_flag", "resolved", "p.raw_resolved IS NOT NULL AND p.resolved IS NULL"))
    if "nps_score" in raw:
        checks.append(("bad_score", "nps_score",
                       "p.raw_nps_score IS NOT NULL AND (p.nps_score IS NULL OR p.nps_score NOT BETWEEN 0 AND 10)"))
    if "csat_score" in raw:
        checks.append(("bad_score", "csat_score", "p.raw_csat_score IS NOT NULL AND (p.csat_score IS NULL "
                       f"OR p.csat_score NOT BETWEEN 1 AND {int(options.csat_scale)})"))
    return checks
