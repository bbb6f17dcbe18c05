"""The DuckDB → Spark SQL translation (SQLGlot plus slreport's few rewrites); no Spark needed."""

from __future__ import annotations

import pytest

pytest.importorskip("sqlglot", reason="sqlglot is not installed (pip install 'slreport[spark]')")

from slreport.dialect import created_table, to_spark  # noqa: E402


def test_local_time_and_epoch_functions_are_rewritten():
    sql = to_spark("SELECT hour(timezone('Europe/Helsinki', arrived_at)), epoch_ms(min(arrived_at)) FROM contacts")
    assert sql == ("SELECT HOUR(FROM_UTC_TIMESTAMP(arrived_at, 'Europe/Helsinki')), UNIX_MILLIS(MIN(arrived_at)) "
                   "FROM contacts")


def test_grids_and_filters_translate_to_spark_constructs():
    assert to_spark("SELECT unnest(range(24)) AS hour") == "SELECT EXPLODE(SEQUENCE(0, 23)) AS hour"
    sql = to_spark("SELECT count(x) FILTER (WHERE y = 'a') FROM t GROUP BY GROUPING SETS ((), (k))")
    assert sql == "SELECT COUNT(x) FILTER(WHERE y = 'a') FROM t GROUP BY GROUPING SETS ((), (k))"


def test_views_and_temp_tables_become_replaceable_session_views():
    assert to_spark("CREATE OR REPLACE VIEW v AS SELECT 1") == "CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1"
    assert to_spark("CREATE TEMP TABLE t AS SELECT 1") == "CREATE OR REPLACE TEMPORARY VIEW t AS SELECT 1"
    assert created_table("CREATE OR REPLACE TEMP TABLE t AS SELECT 1 AS one") == ("t", "SELECT 1 AS one")
    assert created_table("CREATE OR REPLACE VIEW v AS SELECT 1") is None
    assert created_table("SELECT 1") is None
