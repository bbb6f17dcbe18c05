"""convert(): ingest exports once and append them to a partitioned Parquet dataset of canonical contacts.

Layout (hive style, zstd): ``DIR/company=<name>/month=YYYY-MM/part-<run id>-<n>.parquet``. The month
is that of the arrival in UTC. Company names are percent-encoded by DuckDB in the path (``/`` → %2F,
``\\`` → %5C, ``=`` → %3D, space → %20…), so a name can never leave its folder, and decoded on read;
a name like ``..`` becomes the folder ``company=..``, not a parent folder. The files also carry the
company and month columns, so readers that do not decode hive paths (Spark without partition
discovery) still see the exact name.

Callers are pseudonymised by default: the dataset's ``caller`` column holds ``caller:`` + 80 bits of
HMAC-SHA256(key, normalised number), the same pseudonym the rejects file shows, computed in DuckDB.
Equal numbers get equal pseudonyms under one key, so repeat-contact FCR gives the same numbers as on
the export. The key is ``--pseudonym-key`` / ``$SLREPORT_PSEUDONYM_KEY``, else random per run: then
the run's pseudonyms cannot be linked to any other run's (a repeat call across two nightly
conversions is not found), nor reversed by anyone, since the key is never stored. ``--keep-callers``
stores the raw numbers. Each file records which in its Parquet key-value metadata
(``slreport.callers`` = ``pseudonymised`` or ``raw``, and ``slreport.caller_key_id``, a keyed hash that
tells whether two runs used the same key without revealing it). The dataset is private: folders
0700, files 0600 (a folder that already existed keeps its mode).

The run id is a content hash of the inputs (their bytes, the read options and the profile): a
nightly job that converts yesterday's export adds new files without touching old partitions, and
converting the same export again replaces that run's own files instead of adding duplicates. No
clock is involved.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import duckdb

from slreport import engine, ingest
from slreport.errors import InputError, UsageError
from slreport.ingest.callers import Pseudonymizer, hmac_pads, pseudonym_key, pseudonym_sql
from slreport.ingest.sources import expand_arguments
from slreport.ingest.sql import quote_literal
from slreport.options.read import ReadOptions
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
            callers = _create_callers_view(con, read)
            callers["linked"] = _check_callers_match(con, to, run_id, callers)
            files = write_dataset(con, "converted", to, run_id, {f"slreport.{k}": str(callers[k]) for k in _META_KEYS})
            return {"dataset": str(to), "run_id": run_id, "files_written": files, "callers": callers,
                    "input": input_section}
        finally:
            con.close()


def _create_callers_view(con: duckdb.DuckDBPyConnection, read: ReadOptions) -> dict[str, Any]:
    """The view ``converted``: the contacts with their callers pseudonymised (unless --keep-callers);
    returns what the dataset's metadata records about the callers."""
    if read.show_callers:
        con.execute("CREATE OR REPLACE VIEW converted AS SELECT * FROM contacts")
        return {"callers": "raw", "caller_key_id": ""}
    key = Pseudonymizer(pseudonym_key(read.pseudonym_key)).key
    # the pads are bound as parameters into a one-row table: the key never appears in SQL text
    con.execute("CREATE OR REPLACE TEMP TABLE slr_pseudonym_key AS SELECT ? AS ipad, ? AS opad", list(hmac_pads(key)))
    columns = ", ".join(
        f"{pseudonym_sql('c.caller', 'k.ipad', 'k.opad')} AS caller" if name == "caller" else f"c.{name}"
        for name in COLUMN_NAMES
    )
    con.execute(f"CREATE OR REPLACE VIEW converted AS SELECT {columns} FROM contacts c, slr_pseudonym_key k")
    return {"callers": "pseudonymised", "caller_key_id": key_id(key)}


_META_KEYS = ("callers", "caller_key_id")


def _check_callers_match(con: duckdb.DuckDBPyConnection, to: Path, run_id: str, callers: dict[str, Any]) -> bool:
    """Refuse to mix raw and pseudonymised callers in one dataset (repeat contacts would be missed
    and raw numbers would stay); return whether the other runs' pseudonyms can be linked to this
    run's (the same key, or no other run)."""
    others = [f for f in to.glob("company=*/month=*/*.parquet") if not f.name.startswith(f"part-{run_id}-")]
    if not others:
        return True
    # files written before callers were recorded held raw numbers
    found = {(k.decode(), v.decode()) for _, k, v in con.execute(
        "SELECT * FROM parquet_kv_metadata(?) WHERE key IN ('slreport.callers', 'slreport.caller_key_id')",
        [[f.as_posix() for f in others]]).fetchall()}
    modes = {v for k, v in found if k == "slreport.callers"} or {"raw"}
    if modes != {callers["callers"]}:
        raise UsageError(
            f"{to} holds {' and '.join(sorted(modes))} callers; this conversion's are {callers['callers']}",
            "convert into a new folder (and reconvert the old exports there), or match the dataset "
            "(--keep-callers stores raw numbers)",
        )
    return {v for k, v in found if k == "slreport.caller_key_id"} == {callers["caller_key_id"]}


def key_id(key: bytes) -> str:
    """Tells whether two datasets were pseudonymised with one key; a keyed hash, so it reveals nothing of it."""
    return hmac.new(key, b"slreport caller key id", hashlib.sha256).hexdigest()[:16]


def run_id_of(inputs: list[str], read: ReadOptions, profile: str | None) -> str:
    """A content hash of what a conversion reads: the input bytes in order, the options and the profile.
    Not the pseudonym key or --keep-callers: a rerun with another key replaces the run's files
    rather than adding the same contacts again."""
    options = asdict(replace(read, pseudonym_key=None, show_callers=False))
    h = hashlib.sha256(json.dumps([FORMAT_VERSION, options, profile], sort_keys=True, default=str).encode())
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


def write_dataset(
    con: duckdb.DuckDBPyConnection, relation: str, to: Path, run_id: str, metadata: dict[str, str] | None = None
) -> int:
    """Append ``relation`` (canonical columns) to the dataset at ``to``; return how many files this run has there.
    ``metadata``: key-value pairs written into every file's Parquet footer."""
    columns = ", ".join(COLUMN_NAMES)
    kv = ", ".join(f"{quote_literal(k)}: {quote_literal(v)}" for k, v in (metadata or {}).items())
    with _private_files():
        to.mkdir(mode=0o700, parents=True, exist_ok=True)
        for old in to.glob(f"company=*/month=*/part-{run_id}-*.parquet"):
            old.unlink()  # a rerun of the same content: replace its own files, leave every other file alone
        con.execute(
            f"""COPY (SELECT {columns}, strftime(arrived_at, '%Y-%m') AS month FROM {relation})
                TO {quote_literal(to.as_posix())} (
                  FORMAT parquet, COMPRESSION zstd, PARTITION_BY (company, month), WRITE_PARTITION_COLUMNS true,
                  OVERWRITE_OR_IGNORE true, FILENAME_PATTERN {quote_literal(f'part-{run_id}-{{i}}')}
                  {f', KV_METADATA {{{kv}}}' if kv else ''})"""
        )
    return len(list(to.glob(f"company=*/month=*/part-{run_id}-*.parquet")))


@contextlib.contextmanager
def _private_files() -> Iterator[None]:
    """Files and folders created inside (by DuckDB's writer threads too) are owner-only: 0600 and
    0700. The umask is per process, and convert runs nothing else meanwhile."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


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
