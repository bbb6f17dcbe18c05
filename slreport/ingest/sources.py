"""Turn the FILE arguments into local files DuckDB can read.

`-` (stdin) and .bz2 are copied to a scratch folder (DuckDB reads plain, .gz and .zst
itself); globs are expanded in sorted order so that runs are repeatable.
"""

from __future__ import annotations

import bz2
import glob
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from slreport.errors import InputError

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
        with target.open("wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out)
        _check_not_empty(target, "<stdin>")
        return Source("<stdin>", target, "default", scratch)
    path = Path(arg)
    if path.is_dir() and is_dataset(path):
        return Source(arg, path, path.name)
    if not path.is_file():
        reason = "is a folder" if path.is_dir() else "no such file"
        raise InputError(f"cannot read {arg}: {reason}", "check the path", file=None)
    if path.suffix.lower() == ".bz2":
        target = scratch / f"{index}-{path.stem}"
        try:
            with bz2.open(path, "rb") as src, target.open("wb") as out:
                shutil.copyfileobj(src, out)
        except OSError as exc:
            raise InputError(f"cannot decompress: {exc}", "check the file", file=arg) from exc
        path = target
    _check_not_empty(path, arg)
    return Source(arg, path, company_from_name(arg), scratch)


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

