"""Shared fixtures: write small CSVs, run the library and the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from slreport.options.read import ReadOptions
from slreport.options.settings import Settings
from slreport.pipeline import RunOptions, analyze

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

HEADER = "contact_id,company,caller,arrived_at,wait_s,talk_s,outcome"


@pytest.fixture
def write_csv(tmp_path: Path):
    """write_csv("name.csv", "header", "row", …) → Path of a file with those lines."""

    def write(name: str, *lines: str) -> Path:
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


def run_analyze(paths: list[Path | str], *, tz: str | None = "UTC", **settings: Any) -> dict[str, Any]:
    """The library call the CLI makes, with the report time zone also used for offset-less input."""
    read = ReadOptions(input_tz=tz, **settings.pop("read", {}))
    return analyze([str(p) for p in paths], Settings(timezone=tz or "UTC", **settings), RunOptions(read=read))


def run_cli(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """The real command line in a subprocess: exit code, stdout and stderr kept apart."""
    full_env = os.environ | {"PYTHONPATH": str(ROOT)} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "slreport", *args], input=stdin, capture_output=True, env=full_env, timeout=600,
        cwd=cwd,
    )
