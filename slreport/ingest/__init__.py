"""Ingest: read exports into the canonical contact table and account for every row.

Each phone-system profile is a module with NAME, DESCRIPTION and
``stage_file(con, source, file_index, options)`` that inserts the file's rows into the
staging table. ``load`` runs the readers, marks duplicates, creates the ``contacts`` view
and returns the input account (rows read = contacts + rejected + ignored).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb

from slreport.engine import first, one
from slreport.errors import InputError, UsageError
from slreport.ingest import canonical_parquet, generic
from slreport.ingest.options import ReadOptions
from slreport.ingest.reasons import REJECT_REASONS, hint
from slreport.ingest.sources import Source, resolve_sources
from slreport.ingest.staging import STAGED, create_contacts_view, create_staging, mark_duplicates

PROFILES: dict[str, ModuleType] = {generic.NAME: generic}
PROFILES[canonical_parquet.NAME] = canonical_parquet


def choose_profile(name: str | None) -> ModuleType:
    if name is None:
        return generic
    if name not in PROFILES:
        raise UsageError(f"unknown profile {name!r}", f"choose from {', '.join(PROFILES)}")
    return PROFILES[name]


def load(
    con: duckdb.DuckDBPyConnection, args: list[str], options: ReadOptions, scratch: Path,
    profile: str | None = None,
) -> dict[str, Any]:
    """Stage every input, build the ``contacts`` view, and return the JSON ``input`` section."""
    sources = resolve_sources(args, scratch)
    reader = choose_profile(profile)
    create_staging(con)
    detected = [_reader_for(src, reader, profile).stage_file(con, src, i, options) for i, src in enumerate(sources)]
    mark_duplicates(con)
    create_contacts_view(con)
    _raise_for_unusable(con, sources, options)
    return _account(con, sources, detected)


def _reader_for(source: Source, chosen: ModuleType, profile: str | None) -> ModuleType:
    """A Parquet dataset (folder or .parquet file) is read as canonical-parquet unless a profile was named."""
    if profile is None and canonical_parquet.detect(source):
        return canonical_parquet
    return chosen


def _first_reject(con: duckdb.DuckDBPyConnection, where: str) -> tuple[Any, ...] | None:
    return first(
        con,
        f"SELECT file_index, line, reject_reason, reject_column, reject_value FROM {STAGED} "
        f"WHERE {where} ORDER BY file_index, line LIMIT 1",
    )


def _raise_for_unusable(con: duckdb.DuckDBPyConnection, sources: list[Source], options: ReadOptions) -> None:
    """Errors that make the whole run wrong rather than one row: missing time zone, strict mode,
    or no usable row at all while rows were rejected."""
    first = _first_reject(con, "reject_reason = 'timestamp_without_offset'")
    if first is None and options.strict:
        first = _first_reject(con, "reject_reason IS NOT NULL")
    if first is None:
        if one(con, "SELECT count(*) FROM contacts")[0] == 0:
            first = _first_reject(con, "reject_reason IS NOT NULL")
    if first is not None:
        file_index, line, reason, column, value = first
        raise InputError(
            f"{REJECT_REASONS[reason][0]}: {column} = {value!r}",
            hint(reason),
            file=sources[file_index].display,
            line=line,
        )


def _account(con: duckdb.DuckDBPyConnection, sources: list[Source], detected: list[dict[str, Any]]) -> dict[str, Any]:
    per_file = dict(
        (i, n) for i, n in con.execute(f"SELECT file_index, count(*) FROM {STAGED} GROUP BY ALL").fetchall()
    )
    totals = one(
        con,
        f"""SELECT count(*),
                   count(*) FILTER (reject_reason IS NULL AND ignore_reason IS NULL),
                   count(*) FILTER (reject_reason IS NOT NULL),
                   count(*) FILTER (reject_reason IS NULL AND ignore_reason IS NOT NULL)
            FROM {STAGED}""",
    )
    rejected = _counts(con, "reject_reason", "reject_reason IS NOT NULL")
    ignored = _counts(con, "ignore_reason", "reject_reason IS NULL AND ignore_reason IS NOT NULL")
    files = [
        {"path": s.display, "rows_read": per_file.get(i, 0), **detected[i]} for i, s in enumerate(sources)
    ]
    return {
        "files": files,
        "rows_read": totals[0],
        "contacts": totals[1],
        "rows_rejected": totals[2],
        "rows_ignored": totals[3],
        "rejected_by_reason": rejected,
        "ignored_by_reason": ignored,
    }


def _counts(con: duckdb.DuckDBPyConnection, column: str, where: str) -> dict[str, int]:
    rows = con.execute(f"SELECT {column}, count(*) FROM {STAGED} WHERE {where} GROUP BY ALL ORDER BY 1").fetchall()
    return {reason: n for reason, n in rows}


__all__ = ["PROFILES", "ReadOptions", "load", "InputError"]
