"""The generic reader: a delimited text file whose header names the canonical columns, or
whose headers are mapped to them with --map / [columns].

Everything is read as text (a caller number must never become a float) and parsed in SQL,
so that a value that cannot be used is counted against its row with a reason instead of
failing the whole file.
"""

from __future__ import annotations

import duckdb

from slreport.errors import InputError
from slreport.ingest.options import MAPPABLE, ReadOptions
from slreport.ingest.sources import Source
from slreport.ingest.sql import quote_ident, quote_literal
from slreport.ingest.staging import STAGED, STAGED_COLUMNS, register_file
from slreport.schema import DURATION_COLUMNS, DURATION_TYPE, OUTCOMES, TIMESTAMP_COLUMNS

NAME = "generic"
DESCRIPTION = "CSV/TSV with a header row; canonical column names or --map HEADER mappings"

# A time of day followed by Z or ±HH[:MM]: the value carries its own UTC offset.
_OFFSET_RE = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)$"
# Below this size one thread parses the file in a blink: skip the plan check and number with the window.
PARALLEL_MIN_BYTES = 8 << 20
_TRUE = ("1", "true", "t", "yes", "y")
_FALSE = ("0", "false", "f", "no", "n")
_DIRECTIONS = {"inbound": "inbound", "in": "inbound", "incoming": "inbound",
               "outbound": "outbound", "out": "outbound", "outgoing": "outbound"}


def read_csv_sql(source: Source) -> str:
    return (
        f"read_csv({quote_literal(source.duckdb_path)}, all_varchar = true, header = true, "
        "null_padding = true)"
    )


def header_of(con: duckdb.DuckDBPyConnection, source: Source) -> list[str]:
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {read_csv_sql(source)}").fetchall()
    except duckdb.Error as exc:
        raise InputError(
            f"cannot read as CSV: {str(exc).splitlines()[0]}",
            "check that it is a delimited text export with a header row",
            file=source.display,
        ) from exc
    return [r[0] for r in rows]


def resolve_columns(header: list[str], options: ReadOptions, display: str) -> dict[str, str]:
    """Canonical column → header in this file (canonical names match case-insensitively)."""
    by_lower = {h.strip().lstrip("\ufeff").lower(): h for h in header}
    resolved: dict[str, str] = {}
    for canonical in MAPPABLE:
        wanted = options.column_map.get(canonical)
        if wanted is not None:
            if wanted.lower() not in by_lower:
                raise InputError(
                    f"column {wanted!r} (mapped to {canonical}) not found; columns seen: "
                    f"{', '.join(header)}",
                    f"correct --map {canonical}=HEADER",
                    file=display,
                )
            resolved[canonical] = by_lower[wanted.lower()]
        elif canonical in by_lower:
            resolved[canonical] = by_lower[canonical]
    _require(resolved, header, display)
    return resolved


def _require(resolved: dict[str, str], header: list[str], display: str) -> None:
    if "arrived_at" not in resolved:
        raise InputError(
            f"column 'arrived_at' not found; columns seen: {', '.join(header)}",
            'map it with --map arrived_at="HEADER" (and the others with --map NAME=HEADER)',
            file=display,
        )
    if "outcome" not in resolved and "answered_at" not in resolved:
        raise InputError(
            f"neither 'outcome' nor 'answered_at' found; columns seen: {', '.join(header)}",
            'map one with --map outcome="HEADER" or --map answered_at="HEADER"',
            file=display,
        )


def stage_file(
    con: duckdb.DuckDBPyConnection, source: Source, file_index: int, options: ReadOptions
) -> dict[str, object]:
    """Parse one file into the staging table; return what was detected and mapped."""
    columns = resolve_columns(header_of(con, source), options, source.display)
    sql = build_stage_sql(source, file_index, columns, options, numbered=False)
    try:
        if source.path.stat().st_size >= PARALLEL_MIN_BYTES and keeps_file_order(con, sql):
            con.execute(sql)
            number_lines(con, file_index)
        else:
            con.execute(build_stage_sql(source, file_index, columns, options))
        register_file(con, file_index, source.display)
    except duckdb.Error as exc:
        raise InputError(
            f"cannot read as CSV: {str(exc).splitlines()[0]}",
            "check the delimiter, quoting and encoding of the export",
            file=source.display,
        ) from exc
    return {"profile": NAME, "columns": columns}


def keeps_file_order(con: duckdb.DuckDBPyConnection, insert_sql: str) -> bool:
    """Whether DuckDB plans this INSERT as an order-preserving Batch Insert.

    Line numbers from ``row_number() OVER ()`` force the whole parse onto one thread (a streaming
    window must see rows in order). When the plan is a Batch Insert, rows land in the table in file
    order even when parsed in parallel, so the line is the rowid's offset within the file
    (``number_lines``). Some plans (a join, e.g. a long IN list) lose the order: then the window is used.
    """
    plan = "\n".join(str(r[1]) for r in con.execute(f"EXPLAIN {insert_sql}").fetchall())
    return "Batch Insert" in plan


def number_lines(con: duckdb.DuckDBPyConnection, file_index: int) -> None:
    """Fill ``line`` of this file's rows: data row k (from 0) is file line k + 2."""
    first_rowid = f"(SELECT min(rowid) FROM {STAGED} WHERE file_index = {file_index})"
    con.execute(f"UPDATE {STAGED} SET line = rowid - {first_rowid} + 2 WHERE file_index = {file_index}")


def build_stage_sql(
    source: Source, file_index: int, columns: dict[str, str], options: ReadOptions, numbered: bool = True
) -> str:
    """The INSERT of one file; ``numbered=False`` leaves line NULL for ``number_lines``. ``source`` is
    left NULL: the contacts view derives file:line (staging.register_file), no string per row is stored."""
    raw = {name: f"NULLIF(TRIM(CAST({quote_ident(h)} AS VARCHAR)), '')" for name, h in columns.items()}
    parsed = _parsed_expressions(raw, columns, source, options)
    checks = _checks(raw, options)
    reason = "CASE " + " ".join(f"WHEN {cond} THEN {quote_literal(code)}" for code, _, cond in checks) + " END"
    column = "CASE " + " ".join(f"WHEN {cond} THEN {quote_literal(col)}" for _, col, cond in checks) + " END"
    value = "CASE " + " ".join(
        f"WHEN {cond} THEN {'p.raw_' + col if col in raw else 'NULL'}" for _, col, cond in checks
    ) + " END"
    ignore = "CASE WHEN p.direction = 'outbound' THEN 'outbound' END"
    select_parsed = ",\n    ".join(f"{expr} AS {name}" for name, expr in parsed.items())
    raw_cols = ",\n    ".join(f"{expr} AS raw_{name}" for name, expr in raw.items())
    final = [c for c in STAGED_COLUMNS if c not in ("reject_reason", "reject_column", "reject_value", "ignore_reason")]
    return f"""
INSERT INTO {STAGED} ({', '.join(STAGED_COLUMNS)})
WITH src AS (
  SELECT {'row_number() OVER () + 1' if numbered else 'CAST(NULL AS BIGINT)'} AS __line, * FROM {read_csv_sql(source)}
), p AS (
  SELECT
    {file_index} AS file_index,
    __line AS line,
    {select_parsed}{',' if raw_cols else ''}
    {raw_cols}
  FROM src
)
SELECT {', '.join('p.' + c for c in final)},
  {reason} AS reject_reason,
  {column} AS reject_column,
  {value} AS reject_value,
  {ignore} AS ignore_reason
FROM p
"""


def _parsed_expressions(
    raw: dict[str, str], columns: dict[str, str], source: Source, options: ReadOptions
) -> dict[str, str]:
    e: dict[str, str] = {}
    e["contact_id"] = raw.get("contact_id", "NULL")
    e["company"] = f"COALESCE({raw.get('company', 'NULL')}, {quote_literal(source.default_company)})"
    for name in ("queue", "segment", "agent", "caller"):
        e[name] = raw.get(name, "NULL")
    e["channel"] = f"COALESCE(lower({raw['channel']}), 'voice')" if "channel" in raw else "'voice'"
    e["direction"] = _direction(raw.get("direction"))
    for name in TIMESTAMP_COLUMNS:
        e[name] = _timestamp(raw[name], options.input_tz) if name in raw else "NULL"
    e.update(_durations(raw, e))
    e["outcome"] = _outcome(raw.get("outcome"), e["answered_at"], options.outcome_map)
    e["outcome_detail"] = raw.get("outcome", "NULL")
    e["resolved"] = _flag(raw["resolved"]) if "resolved" in raw else "NULL"
    e["nps_score"] = f"TRY_CAST({raw['nps_score']} AS INTEGER)" if "nps_score" in raw else "NULL"
    e["csat_score"] = f"TRY_CAST({raw['csat_score']} AS DECIMAL(9,3))" if "csat_score" in raw else "NULL"
    e["source"] = "CAST(NULL AS VARCHAR)"
    return e


def _timestamp(text: str, input_tz: str | None) -> str:
    local = f"timezone({quote_literal(input_tz)}, TRY_CAST({text} AS TIMESTAMP))" if input_tz else "NULL"
    return (
        f"CASE WHEN {text} IS NULL THEN NULL "
        f"WHEN regexp_matches({text}, {quote_literal(_OFFSET_RE)}) THEN TRY_CAST({text} AS TIMESTAMPTZ) "
        f"ELSE {local} END"
    )


def _durations(raw: dict[str, str], e: dict[str, str]) -> dict[str, str]:
    """Durations as given; wait and talk derived from timestamps where the export lacks them."""
    out = {name: (f"TRY_CAST({raw[name]} AS {DURATION_TYPE})" if name in raw else "NULL")
           for name in DURATION_COLUMNS}
    between = "CAST(epoch_ms({b}) - epoch_ms({a}) AS {t}) / 1000"
    derived_wait = between.format(a=e["arrived_at"], b=e["answered_at"], t=DURATION_TYPE)
    derived_talk = between.format(a=e["answered_at"], b=e["ended_at"], t=DURATION_TYPE)
    if "wait_s" not in raw and "answered_at" in raw:
        out["wait_s"] = f"CAST({derived_wait} AS {DURATION_TYPE})"
    if "talk_s" not in raw and "answered_at" in raw and "ended_at" in raw:
        out["talk_s"] = f"CAST({derived_talk} AS {DURATION_TYPE})"
    return out


def _outcome(text: str | None, answered_at: str, mapping: dict[str, str]) -> str:
    if text is None:
        return f"CASE WHEN {answered_at} IS NOT NULL THEN 'answered' ELSE 'abandoned' END"
    values = {o: o for o in OUTCOMES} | mapping
    whens = " ".join(f"WHEN {quote_literal(k)} THEN {quote_literal(v)}" for k, v in sorted(values.items()))
    return f"CASE lower({text}) {whens} END"


def _direction(text: str | None) -> str:
    if text is None:
        return "'inbound'"
    whens = " ".join(f"WHEN {quote_literal(k)} THEN {quote_literal(v)}" for k, v in _DIRECTIONS.items())
    return f"CASE WHEN {text} IS NULL THEN 'inbound' ELSE (CASE lower({text}) {whens} END) END"


def _flag(text: str) -> str:
    # A CASE, not IN (…): DuckDB plans an IN list as a join, and a join loses the file order (keeps_file_order).
    whens = [f"WHEN {quote_literal(v)} THEN true" for v in _TRUE]
    whens += [f"WHEN {quote_literal(v)} THEN false" for v in _FALSE]
    return f"CASE lower({text}) {' '.join(whens)} END"


def _checks(raw: dict[str, str], options: ReadOptions) -> list[tuple[str, str, str]]:
    """(reason, column, condition over the parsed row p) in the order they are tried."""
    checks: list[tuple[str, str, str]] = [("missing_arrival", "arrived_at", "p.raw_arrived_at IS NULL")]
    for name in TIMESTAMP_COLUMNS:
        if name in raw:
            if options.input_tz is None:
                checks.append((
                    "timestamp_without_offset", name,
                    f"p.raw_{name} IS NOT NULL AND NOT regexp_matches(p.raw_{name}, "
                    f"{quote_literal(_OFFSET_RE)}) AND TRY_CAST(p.raw_{name} AS TIMESTAMP) IS NOT NULL",
                ))
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
        checks.append(("bad_score", "csat_score", "p.raw_csat_score IS NOT NULL AND p.csat_score IS NULL"))
    return checks
