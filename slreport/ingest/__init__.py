"""Ingest: read exports into the canonical contact table and account for every row.

Each phone-system profile is a module with NAME, DESCRIPTION, ``detect(head: bytes) -> int``
(a score from the first bytes only) and ``stage_file(con, source, file_index, options)`` that
inserts one staged row per input row (or line, or leg) and returns what it detected. ``load``
picks a profile per file (``--profile`` or the best score), runs the readers, marks
duplicates, creates the ``contacts`` view and returns the input account (a canonical dataset
read on its own is not staged but read in place, see canonical_parquet):
rows_read = rows_used + rows_rejected + rows_ignored, for every file and in total.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb

from slreport.engine import first, one
from slreport.errors import InputError, UsageError
from slreport.ingest.callers import caller_display, create_caller_function, phone_sql, pseudonym_key
from slreport.ingest.dst import create_dst_functions, dst_counts
from slreport.ingest.readers import (
    amazon_connect,
    asterisk_cdr,
    asterisk_queue_log,
    canonical_parquet,
    freeswitch,
    generic,
)
from slreport.ingest.reasons import REJECT_REASONS, hint
from slreport.ingest.sources import Source, resolve_sources
from slreport.ingest.staging import (
    STAGED,
    create_contacts_view,
    create_staging,
    mark_duplicates,
    mark_implausible,
    mark_outside_window,
)
from slreport.ingest.text import read_head
from slreport.options.read import ReadOptions

# Profiles detected from a file's first bytes; canonical-parquet (a dataset folder) is recognised by its path.
BYTE_PROFILES: dict[str, ModuleType] = {
    m.NAME: m for m in (generic, asterisk_queue_log, asterisk_cdr, freeswitch, amazon_connect)
}
PROFILES: dict[str, ModuleType] = BYTE_PROFILES | {canonical_parquet.NAME: canonical_parquet}


def choose_profile(name: str | None) -> ModuleType:
    if name is None:
        return generic
    if name not in PROFILES:
        raise UsageError(f"unknown profile {name!r}", f"choose from {', '.join(PROFILES)}")
    return PROFILES[name]


def profile_lines() -> list[str]:
    """One line per profile, for `slreport profiles`."""
    width = max(len(n) for n in PROFILES)
    return [f"{name:<{width}}  {m.DESCRIPTION}" for name, m in PROFILES.items()]


def detect_profile(head: bytes, display: str) -> ModuleType:
    """The profile whose detect() scores the file's first bytes highest (generic on a tie)."""
    scores = {name: m.detect(head) for name, m in BYTE_PROFILES.items()}
    best = max(scores, key=lambda n: (scores[n], n == generic.NAME))
    if scores[best] <= 0:
        raise InputError(
            "cannot tell what kind of export this is",
            f"name it with --profile ({', '.join(PROFILES)}); `slreport profiles` describes them",
            file=display,
        )
    return PROFILES[best]


def _detect(source: Source) -> ModuleType:
    if canonical_parquet.detect(source):
        return canonical_parquet
    return detect_profile(read_head(source.path), source.display)


def load(
    con: duckdb.DuckDBPyConnection, args: list[str], options: ReadOptions, scratch: Path,
    profile: str | None = None,
) -> dict[str, Any]:
    """Stage every input, build the ``contacts`` view, and return the JSON ``input`` section."""
    pseudonym_key(options.pseudonym_key)  # a key too short to protect the pseudonyms: refused before any work
    sources = resolve_sources(args, scratch)
    forced = choose_profile(profile) if profile else None
    create_caller_function(con)
    create_dst_functions(con)
    if len(sources) == 1 and forced in (None, canonical_parquet) and canonical_parquet.detect(sources[0]):
        # read in place: the dataset's rows are already checked, and copying 100 M of them costs more than the report
        info = canonical_parquet.create_staged_view(con, sources[0], options)
        detected = [{"profile": canonical_parquet.NAME, "detected": forced is None} | info]
    else:
        detected = _stage(con, sources, forced, options)
    create_contacts_view(con, [src.display for src in sources])
    _raise_for_unusable(con, sources, options)
    if options.rejects_path:  # only once the rows are usable: a run that fails writes nothing
        from slreport.ingest.rejects import write_rejects

        write_rejects(con, sources, options)
    return _account(con, sources, detected)


def _stage(
    con: duckdb.DuckDBPyConnection, sources: list[Source], forced: ModuleType | None, options: ReadOptions
) -> list[dict[str, Any]]:
    """Copy every input into the staging table with its profile's reader; return what was detected."""
    create_staging(con)
    detected = []
    for i, src in enumerate(sources):
        reader = forced or _detect(src)
        info = reader.stage_file(con, src, i, options)
        detected.append({"profile": reader.NAME, "detected": forced is None} | info)
    mark_implausible(con)
    mark_duplicates(con)
    mark_outside_window(con, options.arrival_window)
    return detected


def _first_reject(con: duckdb.DuckDBPyConnection, where: str, options: ReadOptions) -> tuple[Any, ...] | None:
    """The first rejected row matching ``where``, its value shown as the rejects file shows it
    (a caller, or a phone number in any column, as its pseudonym unless --show-callers)."""
    row = first(
        con,
        f"SELECT file_index, line, reject_reason, reject_column, reject_value, "
        f"{phone_sql('reject_value', options.country)} FROM {STAGED} "
        f"WHERE {where} ORDER BY file_index, line LIMIT 1",
    )
    if row is None:
        return None
    *head, value, phone = row
    if phone is not None and not options.show_callers:
        value = caller_display(False, options.pseudonym_key)(phone)
    return (*head, value)


def _raise_for_unusable(con: duckdb.DuckDBPyConnection, sources: list[Source], options: ReadOptions) -> None:
    """Errors that make the whole run wrong rather than one row: missing time zone, strict mode,
    or no usable row at all while rows were rejected."""
    first = _first_reject(con, "reject_reason = 'timestamp_without_offset'", options)
    if first is None and options.strict:
        first = _first_reject(con, "reject_reason IS NOT NULL", options)
    if first is None:
        # no usable row at all: rows the period left out were usable (an empty period, or an empty
        # --compare period, is a report of zeros, not the first rejected row's error)
        usable = (f"SELECT count(*) FROM {STAGED} WHERE reject_reason IS NULL "
                  "AND coalesce(ignore_reason, 'outside_period') = 'outside_period'")
        if one(con, "SELECT count(*) FROM contacts")[0] == 0 and one(con, usable)[0] == 0:
            first = _first_reject(con, "reject_reason IS NOT NULL", options)
    if first is not None:
        file_index, line, reason, column, value = first
        raise InputError(
            f"{REJECT_REASONS[reason][0]}: {column} = {value!r}" if value is not None
            else f"{REJECT_REASONS[reason][0]} ({column})",
            hint(reason),
            file=sources[file_index].display,
            line=line,
        )


_ACCOUNT_SQL = f"""
SELECT file_index, count(*),
       count(*) FILTER (reject_reason IS NULL AND ignore_reason IS NULL),
       count(*) FILTER (reject_reason IS NOT NULL),
       count(*) FILTER (reject_reason IS NULL AND ignore_reason IS NOT NULL)
FROM {STAGED} GROUP BY ALL ORDER BY 1"""


def _account(con: duckdb.DuckDBPyConnection, sources: list[Source], detected: list[dict[str, Any]]) -> dict[str, Any]:
    per_file = {r[0]: r[1:] for r in con.execute(_ACCOUNT_SQL).fetchall()}
    files = []
    for i, s in enumerate(sources):
        read, used, rejected, ignored = per_file.get(i, (0, 0, 0, 0))
        files.append({"path": s.display, "rows_read": read} | detected[i]
                     | {"rows_used": used, "rows_rejected": rejected, "rows_ignored": ignored})
    totals = [sum(f[k] for f in files) for k in ("rows_read", "rows_used", "rows_rejected", "rows_ignored")]
    ignored = _counts(con, "ignore_reason", "reject_reason IS NULL AND ignore_reason IS NOT NULL")
    return {
        "files": files,
        "rows_read": totals[0],
        "contacts": totals[1],
        "rows_rejected": totals[2],
        "rows_ignored": totals[3],
        "rejected_by_reason": _counts(con, "reject_reason", "reject_reason IS NOT NULL"),
        "ignored_by_reason": ignored,
        "rows_used": totals[1],
        "in_progress": ignored.get("in_progress", 0),
        "data_quality": data_quality(con),
    }


def data_quality(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Usable contacts with a gap: the report counts them, but some metrics cannot use them.

    missing_wait: outcome known, wait unknown (offered, never within a threshold, not a short
    abandon); withheld_caller: no usable caller number (not in repeat-caller counts);
    nonexistent_local_time / ambiguous_local_time: rows read by the DST rule (ingest/dst.py)."""
    missing_wait, withheld = one(
        con, "SELECT count(*) FILTER (wait_s IS NULL), count(*) FILTER (caller IS NULL) FROM contacts"
    )
    return {"missing_wait": missing_wait, "withheld_caller": withheld} | dst_counts(con)


def _counts(con: duckdb.DuckDBPyConnection, column: str, where: str) -> dict[str, int]:
    rows = con.execute(f"SELECT {column}, count(*) FROM {STAGED} WHERE {where} GROUP BY ALL ORDER BY 1").fetchall()
    return {reason: n for reason, n in rows}


def file_note(entry: dict[str, Any]) -> str:
    """One line for stderr: what was detected in a file and how it was read."""
    how = "detected" if entry.get("detected") else "--profile"
    parts = [f"{entry['path']}: {entry['profile']} ({how})"]
    parts += [str(entry[k]) for k in ("format", "layout", "encoding", "delimiter", "sheet") if entry.get(k)]
    note = ", ".join(parts)
    mapped = {k: v for k, v in (entry.get("columns") or {}).items() if v != k}
    if mapped:
        note += "; mapped " + ", ".join(f"{k}={v}" for k, v in mapped.items())
    elif entry.get("columns"):
        note += "; canonical column names"
    note += f"; {entry['rows_read']} rows: {entry['rows_used']} used, {entry['rows_rejected']} rejected, "
    return note + f"{entry['rows_ignored']} ignored"


__all__ = ["PROFILES", "ReadOptions", "load", "InputError", "profile_lines", "file_note"]
