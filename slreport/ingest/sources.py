"""Turn the FILE arguments into local files DuckDB can read.

`-` (stdin) and .bz2 are copied to a scratch folder (DuckDB reads plain, .gz and .zst
itself), up to a cap (slreport.options.limits.max_copy); globs are expanded in sorted order so that
runs are repeatable. Only regular files are read: a FIFO or a device is refused by name.
"""

from __future__ import annotations

import bz2
import glob
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from slreport.errors import InputError
from slreport.options.limits import MAX_COPY_ENV, format_size, max_copy

COMPRESSED_SUFFIXES = (".gz", ".zst", ".bz2")
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".log", ".jsonl", ".json", ".xlsx", ".parquet")


@dataclass(frozen=True)
class Source:
    display: str  # the name the user gave, used in messages and in JSON
    path: Path  # a local file DuckDB can read
    default_company: str
    scratch: Path | None = None  # where a reader may write a converted copy (transcoded text, a sheet)

    @property
    def work_dir(self) -> Path:
        return self.scratch if self.scratch is not None else self.path.parent

    @property
    def duckdb_path(self) -> str:
        return str(self.path)


def company_from_name(name: str) -> str:
    """`housing_oy.csv.gz` → `housing_oy`; rotated `queue_log.1.gz` → `queue_log`; stdin → `default`."""
    p = Path(name)
    while p.suffix.lower() in COMPRESSED_SUFFIXES + DATA_SUFFIXES or p.suffix[1:].isdigit():
        p = p.with_suffix("")
    return p.name or "default"


def expand_arguments(args: list[str]) -> list[str]:
    out: list[str] = []
    for arg in args:
        if arg != "-" and not Path(arg).exists() and glob.has_magic(arg):
            matches = sorted(glob.glob(arg))
            if not matches:
                raise InputError(f"no file matches {arg!r}", "check the pattern and the folder")
            out.extend(matches)
        else:
            out.append(arg)
    return out


def resolve_sources(args: list[str], scratch: Path) -> list[Source]:
    if not args:
        raise InputError("no input files given", "name one or more CSV files, or - for stdin")
    return [_resolve(arg, i, scratch) for i, arg in enumerate(expand_arguments(args))]


def _resolve(arg: str, index: int, scratch: Path) -> Source:
    if arg == "-":
        target = scratch / f"stdin-{index}.csv"
        copy_capped(sys.stdin.buffer, target, "<stdin>")
        _check_not_empty(target, "<stdin>")
        return Source("<stdin>", target, "default", scratch)
    path = Path(arg)
    if path.is_dir() and is_dataset(path):
        return Source(arg, path, path.name)
    if not path.is_file():
        reason = _not_a_file(path)
        hint = _NOT_A_FILE_HINT if reason.endswith("not a regular file") else "check the path"
        raise InputError(f"cannot read {arg}: {reason}", hint, file=None)
    if path.suffix.lower() == ".bz2":
        target = scratch / f"{index}-{path.stem}"
        try:
            with bz2.open(path, "rb") as src:
                copy_capped(src, target, arg)
        except (OSError, EOFError) as exc:  # EOFError: a .bz2 cut short
            if isinstance(exc, OSError) and exc.errno is not None:
                raise  # the machine's fault (a full scratch disk), named by the CLI
            raise InputError(f"cannot decompress: {exc}", "check the file", file=arg) from exc
        path = target
    _check_not_empty(path, arg)
    return Source(arg, path, company_from_name(arg), scratch)


_NOT_A_FILE_HINT = "give a regular file; a stream (a pipe, a device) can be piped in as `slreport analyze -`"


def _not_a_file(path: Path) -> str:
    """Why ``path`` is not read: missing, a folder, or a FIFO or device (one that is never a file's
    contents: a FIFO waits for a writer, /dev/zero never ends)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "no such file"
    if stat.S_ISDIR(mode):
        return "is a folder"
    kinds = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return "is " + next((name for test, name in kinds if test(mode)), "not a regular file") + ", not a regular file"


def copy_capped(src: IO[bytes], target: Path, display: str) -> None:
    """Copy a stream into the scratch folder, at most limits.max_copy() bytes. The copy is created
    0600 (stdin holds the caller's raw numbers) and exclusively (never through a planted symlink);
    it lives in the scratch folder, which every exit path removes."""
    cap = max_copy()
    copied = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := src.read(_CHUNK):
            copied += len(chunk)
            if copied > cap:
                raise InputError(
                    f"more than {format_size(cap)} to copy into the scratch folder (the cap on stdin and .bz2 copies)",
                    f"raise the cap with {MAX_COPY_ENV}=50GB (a size such as 50GB or 512MiB), or give the export "
                    "as a plain, .gz or .zst file, which is read in place", file=display,
                )
            out.write(chunk)


_CHUNK = 1 << 20


def _check_not_empty(path: Path, display: str) -> None:
    if path.stat().st_size == 0:
        raise InputError(
            "the file is empty", "export the call records again, or leave it out", file=display
        )


def is_dataset(path: Path) -> bool:
    """A folder holding Parquet files somewhere below it, or one .parquet file of such a dataset
    (in a month=… folder); any other .parquet file is an export for the generic reader."""
    if path.is_file():
        return path.suffix.lower() == ".parquet" and path.parent.name.startswith("month=")
    return path.is_dir() and next(path.rglob("*.parquet"), None) is not None

