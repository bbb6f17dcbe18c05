"""The DuckDB → Spark SQL translation (SQLGlot plus slreport's rewrites), rule by rule; no Spark needed.

Whether the translated SQL computes the same numbers is tested by running it (tests/test_scale_spark.py);
these tests pin what each rewrite produces and why it exists."""

from __future__ import annotations

import pytest

pytest.importorskip("sqlglot", reason="sqlglot is not installed (pip install 'slreport[spark]')")

from slreport.spark.dialect import (  # noqa: E402
    created_table,
    dropped_table,
    insert_target,
    java_pattern,
    table_schema,
    to_spark,
)


def test_local_time_of_an_instant_and_instant_of_a_local_time():
    # timezone(zone, timestamptz) → local wall clock; timezone(zone, timestamp) → the instant
    assert to_spark("SELECT timezone('Europe/Helsinki', arrived_at) FROM c") == \
        "SELECT FROM_UTC_TIMESTAMP(arrived_at, 'Europe/Helsinki') FROM c"
    assert to_spark("SELECT timezone('Europe/Helsinki', CAST(d AS TIMESTAMP)) FROM c") == \
        "SELECT TO_UTC_TIMESTAMP(CAST(d AS TIMESTAMP), 'Europe/Helsinki') FROM c"
    assert to_spark("SELECT timezone('Europe/Helsinki', CAST(make_timestamp(t) AS TIMESTAMPTZ)) FROM c") == \
        "SELECT FROM_UTC_TIMESTAMP(CAST(TIMESTAMP_MICROS(t) AS TIMESTAMP), 'Europe/Helsinki') FROM c"


def test_epoch_functions_read_timestamps():
    assert to_spark("SELECT epoch_ms(t), epoch_us(t) FROM c") == "SELECT UNIX_MILLIS(t), UNIX_MICROS(t) FROM c"
    assert to_spark("SELECT epoch(t) FROM c") == "SELECT CAST(UNIX_MICROS(t) AS DOUBLE) / 1000000 FROM c"


def test_isodow_is_monday_one():
    assert to_spark("SELECT isodow(d) FROM c") == "SELECT WEEKDAY(d) + 1 FROM c"


def test_strftime_quotes_literal_letters():
    assert java_pattern("%Y-%m-%dT%H:%M:%S") == "yyyy-MM-dd'T'HH:mm:ss"
    assert java_pattern("%H:%M") == "HH:mm"
    assert to_spark("SELECT strftime(t, '%H:%M') FROM c") == "SELECT DATE_FORMAT(t, 'HH:mm') FROM c"


def test_time_bucket_counts_from_duckdbs_origin():
    sql = to_spark("SELECT time_bucket(INTERVAL 15 MINUTE, t) FROM c")
    assert sql == ("SELECT TIMESTAMP_MICROS(UNIX_MICROS(t) - PMOD(UNIX_MICROS(t) - 946857600000000, 900000000)) "
                   "FROM c")


def test_ordered_list_and_first_sort_collected_structs():
    sql = to_spark("SELECT list(x ORDER BY h) FROM c")
    assert sql.startswith("SELECT TRANSFORM(ARRAY_SORT(COLLECT_LIST(NAMED_STRUCT('k0', h, 'v', x)), (l, r) -> CASE ")
    assert sql.endswith("ELSE 0 END), s -> s.v) FROM c")
    first = to_spark("SELECT first(x ORDER BY n DESC, t) FROM c")
    assert first.startswith("SELECT GET(ARRAY_SORT(COLLECT_LIST(NAMED_STRUCT('k0', n, 'k1', t, 'v', x)), ")
    # DESC on the first key (greater first), ASC on the second, NULLs last as in DuckDB
    assert "WHEN l.k0 < r.k0 THEN 1 WHEN l.k0 > r.k0 THEN -1" in first
    assert "WHEN l.k1 < r.k1 THEN -1 WHEN l.k1 > r.k1 THEN 1" in first
    assert "WHEN l.k1 IS NULL AND NOT r.k1 IS NULL THEN 1" in first


def test_series_in_from_become_lateral_explodes():
    assert to_spark("SELECT * FROM range(24) h(hour)") == "SELECT * FROM LATERAL EXPLODE(SEQUENCE(0, 23)) AS h(hour)"
    # DuckDB's series past their end are empty; Spark's sequence would count down
    assert to_spark("SELECT * FROM range(a, b) r(m)") == \
        "SELECT * FROM LATERAL EXPLODE(IF(a > b - 1, ARRAY(), SEQUENCE(a, b - 1))) AS r(m)"
    sql = to_spark("SELECT s FROM (SELECT 1 AS lo, 3 AS hi), generate_series(lo, hi, INTERVAL 1 DAY) g(s)")
    assert sql == ("SELECT s FROM (SELECT 1 AS lo, 3 AS hi), "
                   "LATERAL EXPLODE(IF(lo > hi, ARRAY(), SEQUENCE(lo, hi, INTERVAL '1' DAY))) AS g(s)")


def test_division_is_in_double_and_slr_round_half_away_from_zero_on_the_scaled_value():
    assert to_spark("SELECT a / b FROM c") == "SELECT CAST(a AS DOUBLE) / b FROM c"
    assert to_spark("SELECT slr_round(a, 4) FROM c") == \
        "SELECT ROUND(CAST(a AS DOUBLE) * CAST(10000 AS DOUBLE), 0) / CAST(10000 AS DOUBLE) FROM c"
    assert to_spark("SELECT round(a) FROM c") == "SELECT ROUND(a) FROM c"


def test_round_to_decimals_is_refused_because_the_engines_round_it_otherwise():
    with pytest.raises(ValueError, match="use slr_round"):
        to_spark("SELECT round(a, 4) FROM c")


def test_grouping_in_order_by_names_the_input_column():
    sql = to_spark("SELECT CASE WHEN grouping(k) = 1 THEN NULL ELSE k END AS k FROM t "
                   "GROUP BY GROUPING SETS ((k), ()) ORDER BY grouping(k) DESC, k")
    assert sql.endswith("ORDER BY GROUPING(t.k) DESC, k NULLS LAST")


def test_repeated_cte_names_get_suffixes():
    sql = to_spark("SELECT * FROM (WITH counts AS (SELECT 1 AS n) SELECT n FROM counts) a, "
                   "(WITH counts AS (SELECT 2 AS n) SELECT n FROM counts) b")
    assert "counts AS (SELECT 1 AS n)" in sql and "counts_1 AS (SELECT 2 AS n)" in sql
    assert "FROM counts_1 AS counts" in sql


def test_union_by_name_lines_up_the_columns_spark_reports():
    asked = []

    def columns_of(sql: str) -> list[str]:
        asked.append(sql)
        return ["a", "b"] if "1 AS a" in sql else ["b", "a", "c"]

    sql = to_spark("SELECT 1 AS a, 2 AS b UNION ALL BY NAME SELECT 3 AS b, 4 AS a, 5 AS c", columns_of)
    assert sql == ("SELECT `a`, `b`, NULL AS `c` FROM (SELECT 1 AS a, 2 AS b) AS _side UNION ALL "
                   "SELECT `a`, `b`, `c` FROM (SELECT 3 AS b, 4 AS a, 5 AS c) AS _side")
    assert len(asked) == 2
    with pytest.raises(ValueError, match="BY NAME"):
        to_spark("SELECT 1 AS a UNION ALL BY NAME SELECT 2 AS a")


def test_union_by_name_sides_see_the_ctes_before_them():
    seen = []
    to_spark("WITH x AS (SELECT 1 AS a), y AS (SELECT a FROM x UNION ALL BY NAME SELECT a FROM x) SELECT * FROM y",
             lambda sql: seen.append(sql) or ["a"])
    assert all(s.startswith("WITH x AS (SELECT 1 AS a) SELECT a FROM x") for s in seen)


def test_views_and_tables_become_session_views():
    assert to_spark("CREATE OR REPLACE VIEW v AS SELECT 1") == "CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1"
    assert created_table("CREATE OR REPLACE TEMP TABLE t AS SELECT 1 AS one") == ("t", "SELECT 1 AS one")
    assert created_table("CREATE OR REPLACE VIEW v AS SELECT * EXCLUDE (a) FROM x") == \
        ("v", "SELECT * EXCLUDE (a) FROM x")
    assert created_table("SELECT 1") is None


def test_dropped_tables_are_named_for_the_session_catalog():
    assert dropped_table("DROP TABLE contacts_local") == "contacts_local"
    assert dropped_table("DROP VIEW IF EXISTS offered_local") == "offered_local"
    assert dropped_table("DELETE FROM t") is None


def test_tables_made_with_columns_and_their_inserts():
    assert table_schema("CREATE OR REPLACE TEMP TABLE h (company VARCHAR PRIMARY KEY, n INTEGER, d DATE, x DOUBLE)") \
        == ("h", "company STRING, n INT, d DATE, x DOUBLE")
    assert table_schema("CREATE TABLE t AS SELECT 1") is None
    assert insert_target("INSERT INTO h VALUES (?, ?, ?, ?)") == "h"
    assert insert_target("SELECT 1") is None
