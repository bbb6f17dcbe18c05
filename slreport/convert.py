"""convert(): ingest exports once and append them to a partitioned Parquet dataset of canonical contacts.

Layout (hive style, zstd): ``DIR/company=<name>/month=YYYY-MM/part-<run id>-<n>.parquet``. The month
is that of the arrival in UTC. Company names are percent-encoded by DuckDB in the path (``/`` → %2F,
``\\`` → %5C, ``=`` → %3D, space → %20…), so a name can never leave its folder, and decoded on read;
a name like ``..`` becomes the folder ``company=..``, not a parent folder. The files also carry the
company and month columns, so readers that do not decode hive paths (Spark without partition
discovery) still see the exact name.

The run id is a content hash of the inputs (their bytes, the read options and the profile): a
nightly job that converts yesterday's export adds new files without touching old partitions, and
converting the same export again replaces that run's own files instead of adding duplicates. No
clock is involved.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import duckdb

from slreport import engine, ingest
from slreport.errors import InputError
from slreport.ingest.options import ReadOptions
from slreport.ingest.sources import expand_arguments
from slreport.ingest.sql import quote_literal
from slreport.schema import COLUMN_NAMES

FORMAT_VERSION = 1  # of the dataset layout; part of the run id so a layout change never overwrites old files


def convert(
    inputs: list[str], to: Path, read: ReadOptions | None = None, profile: str | None = None,
    memory_limit: str | None = None,
) -> dict[str, Any]:
    """Ingest ``inputs`` (same readers and rejects accounting as analyze) and append their contacts to ``to``."""
    read = read or ReadOptions()
    with tempfile.TemporaryDirectory(prefix="slreport-") as tmp:
        scratch = Path(tmp)
        con = engine.connect(scratch, memory_limit)
        try:
            run_id = run_id_of(inputs, read, profile)  # first: it refuses stdin before anything is read
            input_section = ingest.load(con, inputs, read, scratch, profile)
            files = write_dataset(con, "contacts", to, run_id)
            return {"dataset": str(to), "run_id": run_id, "files_written": files, "input": input_section}
        finally:
            con.close()


def run_id_of(inputs: list[str], read: ReadOptions, profile: str | None) -> str:
    """A content hash of what a conversion reads: the input bytes in order, the options and the profile."""
    h = hashlib.sha256(json.dumps([FORMAT_VERSION, asdict(read), profile], sort_keys=True, default=str).encode())
    for arg in expand_arguments(inputs):
        if arg == "-":
            raise InputError("convert cannot read stdin", "save the export to a file first")
        path = Path(arg)
        if not path.exists():
            raise InputError(f"cannot read {arg}: no such file", "check the path")
        for file in sorted(path.rglob("*.parquet")) if path.is_dir() else [path]:
            h.update(file.relative_to(path).as_posix().encode() if path.is_dir() else b"")
            _hash_file(h, file)
        h.update(b"\0")
    return h.hexdigest()[:16]


def _hash_file(h: Any, path: Path) -> None:
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", "check the path", file=str(path)) from exc


def write_dataset(con: duckdb.DuckDBPyConnection, relation: str, to: Path, run_id: str) -> int:
    """Append ``relation`` (canonical columns) to the dataset at ``to``; return how many files this run has there."""
    to.mkdir(parents=True, exist_ok=True)
    for old in to.glob(f"company=*/month=*/part-{run_id}-*.parquet"):
        old.unlink()  # a rerun of the same content: replace its own files, leave every other file alone
    columns = ", ".join(COLUMN_NAMES)
    con.execute(
        f"""COPY (SELECT {columns}, strftime(arrived_at, '%Y-%m') AS month FROM {relation})
            TO {quote_literal(to.as_posix())} (
              FORMAT parquet, COMPRESSION zstd, PARTITION_BY (company, month), WRITE_PARTITION_COLUMNS true,
              OVERWRITE_OR_IGNORE true, FILENAME_PATTERN {quote_literal(f'part-{run_id}-{{i}}')})"""
    )
    return len(list(to.glob(f"company=*/month=*/part-{run_id}-*.parquet")))


def replicate(src: str, dst: str, copies: int) -> None:
    """Benchmark helper: ``copies`` × the dataset at ``src`` into ``dst``, copy k's companies suffixed " #k"
    and its contact ids prefixed "k-" (so nothing is a duplicate). Streams; never holds the data in memory."""
    with tempfile.TemporaryDirectory(prefix="slreport-") as tmp:
        con = engine.connect(Path(tmp))
        source = f"read_parquet({quote_literal(Path(src).as_posix() + '/**/*.parquet')}, hive_partitioning = false)"
        for k in range(copies):
            cols = [
                f"company || ' #{k}' AS company" if c == "company" and k else
                f"'{k}-' || contact_id AS contact_id" if c == "contact_id" and k else c
                for c in COLUMN_NAMES
            ]
            con.execute(f"CREATE OR REPLACE VIEW copy AS SELECT {', '.join(cols)} FROM {source}")
            write_dataset(con, "copy", Path(dst), f"copy{k:02d}")
        con.close()
