"""Helpers shared by the ingest tests: the fixture folder and a staged DuckDB connection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from slreport import engine, ingest
from slreport.options.read import ReadOptions

INGEST = Path(__file__).resolve().parent / "data" / "ingest"


def load(tmp_path: Path, paths: list[Path | str], profile: str | None = None, **read: Any
         ) -> tuple[duckdb.DuckDBPyConnection, dict[str, Any]]:
    """Stage inputs with the library's ingest.load; return the connection and the input section."""
    con = engine.connect(tmp_path)
    section = ingest.load(con, [str(p) for p in paths], ReadOptions(**read), tmp_path, profile)
    return con, section


def assert_identity(section: dict[str, Any]) -> None:
    """rows_read = rows_used + rows_rejected + rows_ignored, in total, per file and per reason."""
    assert section["rows_read"] == section["rows_used"] + section["rows_rejected"] + section["rows_ignored"]
    assert section["rows_used"] == section["contacts"]
    assert sum(section["rejected_by_reason"].values()) == section["rows_rejected"]
    assert sum(section["ignored_by_reason"].values()) == section["rows_ignored"]
    for f in section["files"]:
        assert f["rows_read"] == f["rows_used"] + f["rows_rejected"] + f["rows_ignored"]
    assert sum(f["rows_read"] for f in section["files"]) == section["rows_read"]


def cli_json(result: Any) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)
