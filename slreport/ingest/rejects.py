"""--rejects FILE: the rejected rows as CSV (file, line, reason, column, value, caller), written
atomically (temporary file + rename) with mode 0600, callers pseudonymised, never raw: the caller
column, and any value of another column that looks like a phone number (a row shifted by an
unquoted comma puts the caller in arrived_at).

A run that fails writes nothing: inside ``deferred_rejects()`` (the CLI wraps a whole run in
it, analyze() wraps the analysis) the temporary file is renamed into place only when the
outermost block ends without an error, and removed otherwise.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

import duckdb

from slreport.errors import InputError
from slreport.ingest.callers import caller_display, phone_sql
from slreport.ingest.options import ReadOptions
from slreport.ingest.sources import Source
from slreport.ingest.staging import STAGED

HEADER = ("file", "line", "reason", "column", "value", "caller")
BATCH = 10_000

# (temporary file, target) pairs waiting for the run to succeed; None outside deferred_rejects().
_PENDING: ContextVar[list[tuple[Path, Path]] | None] = ContextVar("slreport_pending_rejects", default=None)


@contextlib.contextmanager
def deferred_rejects() -> Iterator[None]:
    """Publish the rejects files written inside this block only if it ends without an error.
    Re-entrant: only the outermost block publishes."""
    if _PENDING.get() is not None:
        yield
        return
    pending: list[tuple[Path, Path]] = []
    token = _PENDING.set(pending)
    try:
        yield
    except BrokenPipeError:  # the report was computed; only its reader (`| head`) went away
        _publish_all(pending)
        raise
    except BaseException:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        _PENDING.reset(token)
    _publish_all(pending)


def _publish_all(pending: list[tuple[Path, Path]]) -> None:
    for tmp, target in pending:
        os.replace(tmp, target)


def write_rejects(con: duckdb.DuckDBPyConnection, sources: list[Source], options: ReadOptions) -> int:
    """Write the rejected rows to options.rejects_path; return how many."""
    assert options.rejects_path is not None
    target = Path(options.rejects_path)
    pseudonym = caller_display(options.show_callers, options.pseudonym_key)
    cursor = con.execute(
        f"SELECT file_index, line, reject_reason, reject_column, reject_value, caller, "
        f"{phone_sql('reject_value', options.country)} FROM {STAGED} "
        "WHERE reject_reason IS NOT NULL ORDER BY file_index, line"
    )
    try:
        fd, tmp = tempfile.mkstemp(prefix=".rejects-", suffix=".csv", dir=target.parent or Path("."))
    except OSError as exc:
        raise InputError(f"cannot write --rejects {target}: {exc.strerror}", "choose a writable folder") from exc
    count = 0
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(HEADER)
            while batch := cursor.fetchmany(BATCH):
                for file_index, line, reason, column, value, caller, phone in batch:
                    shown = pseudonym(caller) if column == "caller" else value
                    if phone and not options.show_callers:  # --show-callers: the value as it was read
                        shown = pseudonym(phone)
                    writer.writerow((sources[file_index].display, line, reason, column, shown, pseudonym(caller)))
                    count += 1
        _publish_or_defer(Path(tmp), target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def _publish_or_defer(tmp: Path, target: Path) -> None:
    pending = _PENDING.get()
    if pending is None:
        os.replace(tmp, target)
    else:
        pending.append((tmp, target))
