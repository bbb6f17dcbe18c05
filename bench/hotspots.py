"""Where does analyze spend its time? One in-process run under cProfile, every SQL statement timed
and profiled by DuckDB (``PRAGMA enable_profiling = 'json'``, one JSON file per statement).

    python bench/hotspots.py bench/data/calls-1M.csv [-- extra analyze options]

Used by ``bench/run.py --profile``; prints (and returns) the top lines as markdown. The library is
not changed for this: ``slreport.engine.connect`` is wrapped so that every statement goes through
a recording proxy.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Statement:
    seconds: float
    sql: str
    top_operators: list[tuple[str, float]] = field(default_factory=list)


class _Fetched:
    """A fully read result standing in for a DuckDB result."""

    def __init__(self, rows: list[tuple[Any, ...]], description: Any = None) -> None:
        self._rows, self.description = rows, description

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None


class _Relation:
    """A DuckDB relation whose fetch (slreport reads relations only as NumPy columns) is the timed,
    profiled run of its statement."""

    def __init__(self, recorder: RecordingConnection, sql: str) -> None:
        self._recorder, self._sql, self._relation = recorder, sql, recorder._con.sql(sql)
        self.columns, self.types = self._relation.columns, self._relation.types

    def _fetch(self, how: str) -> Any:
        return self._recorder._timed(self._sql, lambda: getattr(self._relation, how)())

    def fetchnumpy(self) -> Any:
        return self._fetch("fetchnumpy")


class RecordingConnection:
    """Forwards to a DuckDB connection; runs each statement eagerly and records its time and profile."""

    def __init__(self, con: Any, folder: Path) -> None:
        self._con, self._folder, self.statements = con, folder, []
        con.execute("PRAGMA enable_profiling = 'json'")

    def _timed(self, sql: str, run: Any) -> Any:
        out = self._folder / f"q{len(self.statements):04d}.json"
        self._con.execute(f"SET profiling_output = '{out.as_posix()}'")
        start = time.perf_counter()
        result = run()
        self.statements.append(Statement(time.perf_counter() - start, sql, top_operators(out)))
        return result

    def execute(self, sql: str, *args: Any) -> _Fetched:
        def run() -> _Fetched:
            cursor = self._con.execute(sql, *args)
            return _Fetched(rows=cursor.fetchall(), description=cursor.description)

        return self._timed(sql, run)

    def sql(self, sql: str) -> _Relation:
        return _Relation(self, sql)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def top_operators(path: Path, n: int = 3) -> list[tuple[str, float]]:
    """The n operators of one DuckDB JSON profile with the most time of their own."""
    if not path.exists():
        return []
    found: list[tuple[str, float]] = []

    def walk(node: dict[str, Any]) -> None:
        # DuckDB 2.0 names them type/timing; older versions operator_type/operator_timing.
        name = node.get("type") or node.get("operator_type")
        if name:
            found.append((str(name), float(node.get("timing", node.get("operator_timing", 0)) or 0)))
        for child in node.get("children", []):
            walk(child)

    try:
        data = json.loads(path.read_text())
        for root in data.get("operator", []) if isinstance(data.get("operator"), list) else [data]:
            walk(root)
    except (ValueError, OSError):
        return []
    return sorted(found, key=lambda x: -x[1])[:n]


def profile(inputs: list[str], analyze_args: list[str], top: int = 12) -> str:
    """Run analyze once in-process; return markdown with the slowest statements and Python functions."""
    from slreport import cli, engine

    original = engine.connect
    recorded: list[RecordingConnection] = []
    with tempfile.TemporaryDirectory(prefix="slreport-profile-") as tmp:

        def connect(*a: Any, **kw: Any) -> Any:
            rec = RecordingConnection(original(*a, **kw), Path(tmp))
            recorded.append(rec)
            return rec

        engine.connect = connect  # type: ignore[assignment]
        prof = cProfile.Profile()
        sink = io.StringIO()
        stdout, sys.stdout = sys.stdout, sink
        start = time.perf_counter()
        try:
            prof.runcall(_run_cli, cli, ["analyze", *inputs, *analyze_args])
        finally:
            sys.stdout = stdout
            engine.connect = original  # type: ignore[assignment]
        wall = time.perf_counter() - start
    statements = [s for rec in recorded for s in rec.statements]
    return _markdown(wall, statements, prof, top)


def _run_cli(cli: Any, argv: list[str]) -> None:
    try:
        cli.app(argv, standalone_mode=False)
    except SystemExit as exc:  # typer.Exit in standalone mode
        if exc.code:
            raise


def _markdown(wall: float, statements: list[Statement], prof: cProfile.Profile, top: int) -> str:
    sql_total = sum(s.seconds for s in statements)
    lines = [
        f"In-process wall {wall:.2f} s; {len(statements)} SQL statements took {sql_total:.2f} s "
        f"({100 * sql_total / wall:.0f} %), the rest is Python (parsing options, building dicts, rendering).",
        "",
        "| s | % | statement (first 90 chars) | DuckDB's busiest operators (s) |",
        "| ---: | ---: | --- | --- |",
    ]
    for s in sorted(statements, key=lambda s: -s.seconds)[:top]:
        text = " ".join(s.sql.split())[:90].replace("|", "\\|")
        ops = ", ".join(f"{name} {t:.2f}" for name, t in s.top_operators)
        lines.append(f"| {s.seconds:.2f} | {100 * s.seconds / wall:.0f} | `{text}` | {ops} |")
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats("slreport", top)
    body = [ln for ln in buf.getvalue().splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(body) if ln.lstrip().startswith("ncalls")), 0)
    lines += ["", "cProfile, cumulative, slreport functions:", "", "```", *body[start:start + top + 1], "```"]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    inputs, extra = (argv[: argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    print(profile(inputs, extra or ["--tz", "Europe/Helsinki", "--format", "json"]))


if __name__ == "__main__":
    main(sys.argv[1:])
