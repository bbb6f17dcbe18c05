"""Issue 24 items 3, 7 (spill, dense grid), 10 and 11: options that reach SQL, expected faults as
one-line errors, and bounded work. Every test runs the real CLI on real files, mounts and signals."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

HEADER = "contact_id,company,caller,arrived_at,wait_s,talk_s,outcome"
ROW = "C{i},Acme,+358401234{i:03d},2026-01-05 08:{m:02d}:00+02:00,{w},60,answered"


def _rows(n: int, **over: str) -> list[str]:
    return [ROW.format(i=i, m=i % 60, w=over.get(str(i), "12")) for i in range(n)]


def _csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _error_line(result: subprocess.CompletedProcess) -> str:
    err = result.stderr.decode("utf-8", "replace")
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # one line, no traceback
    assert lines[0].startswith("slreport: error: "), err
    assert "unexpected error" not in err, err
    return lines[0]


# --- 1. --memory-limit and SQL built from user values ---------------------------------------

def test_memory_limit_injection_is_a_usage_error_and_runs_nothing(tmp_path):
    data = _csv(tmp_path / "in.csv", _rows(5))
    pwned = tmp_path / "pwned.csv"
    value = f"1GB'; COPY (SELECT 'injected') TO '{pwned}'; SET memory_limit='1GB"
    result = run_cli("analyze", str(data), "--tz", "UTC", "-f", "json", "--memory-limit", value)
    assert result.returncode == 2, result.stderr
    assert not pwned.exists()
    line = _error_line(result)
    assert "--memory-limit" in line and "KB, MB, GB, TB" in line and "KiB" in line


@pytest.mark.parametrize("value", ["abc", "0", "0GB", "-1GB", "999PB", "12", "1KB", "100000TB"])
def test_bad_memory_limits_are_usage_errors(tmp_path, value):
    data = _csv(tmp_path / "in.csv", _rows(5))
    for command in (["analyze", str(data), "--tz", "UTC", "-f", "json"], ["convert", str(data), "--tz", "UTC",
                                                                          "--to", str(tmp_path / "ds")]):
        result = run_cli(*command, "--memory-limit", value)
        assert result.returncode == 2, (command, result.stderr)
        assert "--memory-limit" in _error_line(result)
    assert not (tmp_path / "ds").exists()


@pytest.mark.parametrize("value", ["300MB", "300 mb", "1.5GiB", "512MiB", "1gb"])
def test_memory_limits_in_the_grammar_are_used(tmp_path, value):
    data = _csv(tmp_path / "in.csv", _rows(5))
    result = run_cli("analyze", str(data), "--tz", "UTC", "-f", "json", "--memory-limit", value)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["offered"] == 5


# A conservative reading of "looks like SQL": keywords and the table functions the readers call.
_SQL_TEXT = re.compile(r"\b(SELECT|SET|PRAGMA|FROM|WHERE|INSERT|CREATE|COPY|ATTACH|CASE|WHEN|JOIN|VALUES)\b|"
                       r"\b(read_csv|read_json|read_parquet|read_json_objects|glob|timezone|strptime|try_strptime)\(")
# Names under which user-given values travel through the package: options, paths, zones, formats, names.
_USER_VALUES = {"memory_limit", "threads", "scratch", "tmp", "path", "src", "dst", "to", "target", "display",
                "sheet", "time_formats", "time_format", "input_tz", "tz", "timezone", "since", "until", "company",
                "column_map", "outcome_map", "delimiter", "wanted", "mapping", "country", "rejects_path",
                "pseudonym_key", "arg", "args", "inputs", "files", "duckdb_path"}
# Calls that make a value safe in SQL text: the quoting helpers, and conversions to a number.
_SANITIZERS = {"quote_literal", "quote_ident", "int", "float", "_formats_list", "len", "bool"}
# Calls that keep a value what it was (text of a path is still the user's path).
_PASSTHROUGH = {"str", "repr", "format", "as_posix", "strip", "lower", "upper", "replace", "join", "resolve", "Path"}
# (file, expression): interpolations of a user-named variable that are safe, and why.
_ALLOWED = {
    # ``path`` there holds quote_literal(the file) already, and '$.{path}' is a JSON path built from the
    # reader's own constant field names (Queue.EnqueueTimestamp…), never from the input.
    ("slreport/ingest/amazon_connect.py", "path"),
}


def _last_name(node: ast.AST) -> str | None:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def _unsafe(node: ast.AST) -> bool:
    """Whether an interpolated expression carries a user value unquoted into the text."""
    if isinstance(node, ast.Name | ast.Attribute):
        return _last_name(node) in _USER_VALUES or (
            isinstance(node, ast.Attribute) and node.attr in _PASSTHROUGH and _unsafe(node.value))
    if isinstance(node, ast.Call):
        name = _last_name(node.func)
        if name in _SANITIZERS or name not in _PASSTHROUGH:
            return False  # a quoting helper, or another SQL builder (whose own f-strings are checked)
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        return (receiver is not None and _unsafe(receiver)) or any(_unsafe(a) for a in node.args)
    if isinstance(node, ast.Subscript):
        return _unsafe(node.value)
    if isinstance(node, ast.BinOp):
        return _unsafe(node.left) or _unsafe(node.right)
    if isinstance(node, ast.BoolOp):
        return any(_unsafe(v) for v in node.values)
    if isinstance(node, ast.IfExp):
        return _unsafe(node.body) or _unsafe(node.orelse)
    return False


def sql_interpolations(root: Path) -> list[str]:
    found = []
    for path in sorted((root / "slreport").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if not _SQL_TEXT.search(text):
                continue
            for value in node.values:
                if isinstance(value, ast.FormattedValue) and _unsafe(value.value):
                    expr = ast.unparse(value.value)
                    if (rel, expr) not in _ALLOWED:
                        found.append(f"{rel}:{node.lineno}: {{{expr}}}")
    return found


def test_no_user_value_is_interpolated_into_sql():
    assert sql_interpolations(ROOT) == []


def test_the_sql_grep_finds_what_it_looks_for(tmp_path):
    # The checker itself: the two shapes main had (engine.py's SET lines, convert.replicate's path).
    pkg = tmp_path / "slreport"
    pkg.mkdir()
    (pkg / "bad.py").write_text(
        "def f(con, scratch, memory_limit, src):\n"
        "    con.execute(f\"SET temp_directory = '{scratch.as_posix()}'\")\n"
        "    con.execute(f\"SET memory_limit = '{memory_limit or '2GB'}'\")\n"
        "    con.execute(f\"SELECT * FROM read_parquet('{Path(src).as_posix()}/*.parquet')\")\n"
        "    con.execute(f\"SELECT * FROM read_parquet({quote_literal(src)})\")\n", encoding="utf-8")
    assert [line.split(": ", 1)[1] for line in sql_interpolations(tmp_path)] == [
        "{scratch.as_posix()}", "{memory_limit or '2GB'}", "{Path(src).as_posix()}"]
