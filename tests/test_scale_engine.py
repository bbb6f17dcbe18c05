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


def test_slr_round_rounds_the_scaled_value_halves_away_from_zero(tmp_path):
    # 417.9 / 80 = 5.22375 exactly, stored as the double 5.22374999…: DuckDB's round(x, 4) gives 5.2237
    # since 2.0.1; the report's rule (and a spreadsheet) gives 5.2238, on every DuckDB release and on Spark.
    con = engine.connect(tmp_path)
    got = con.execute("""
        SELECT slr_round(CAST(417.9 AS DECIMAL(18, 3)) / 80, 4), slr_round(-417.9 / 80, 4), slr_round(1.0005, 3),
               slr_round(100 * 2 / 3, 4), slr_round(12.5, 0), slr_round(7, 4), slr_round(NULL, 4)
    """).fetchall()[0]
    con.close()
    assert got == (5.2238, -5.2238, 1.001, 66.6667, 13.0, 7.0, None)
