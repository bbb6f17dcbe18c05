"""The shared DuckDB connection: settings that large inputs depend on."""

from __future__ import annotations

from slreport import engine


def test_no_progress_bar_on_stdout_and_a_bounded_default_memory_limit(tmp_path):
    con = engine.connect(tmp_path)
    settings = dict(con.execute(
        "SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_progress_bar', 'memory_limit')"
    ).fetchall())
    con.close()
    assert settings["enable_progress_bar"] == "false"  # DuckDB draws it on stdout, into the JSON
    assert settings["memory_limit"] == "1.8 GiB"  # DEFAULT_MEMORY_LIMIT = 2GB, shown in GiB


def test_an_explicit_memory_limit_wins(tmp_path):
    con = engine.connect(tmp_path, "300MB")
    value = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    con.close()
    assert value == "286.1 MiB"  # 300 MB
