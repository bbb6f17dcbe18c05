"""Translate slreport's metric SQL (written once, in DuckDB's dialect) to Spark SQL with SQLGlot.

SQLGlot does the translation; the few DuckDB functions it maps to something else are rewritten
here on the parsed tree, each with the reason. The metric SQL itself prefers constructs that
translate as they are: ``ts AT TIME ZONE zone`` (FROM_UTC_TIMESTAMP), ``unnest(range(n))`` and
``unnest(generate_series(…))`` (EXPLODE(SEQUENCE(…))), ``count(x) FILTER (WHERE …)``.
"""

from __future__ import annotations

from typing import Any


def to_spark(sql: str) -> str:
    """The Spark SQL text of one DuckDB statement. Needs the optional sqlglot (pip install 'slreport[spark]')."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    tree = tree.transform(lambda node: _rewrite(node, exp))
    if isinstance(tree, exp.Create) and tree.kind in ("VIEW", "TABLE"):
        # Views and temp tables become session views (Spark's views over DataFrames are temporary),
        # replaced when they exist, as DuckDB's CREATE OR REPLACE does.
        tree.set("kind", "VIEW")
        tree.set("replace", True)
        tree.set("properties", exp.Properties(expressions=[exp.TemporaryProperty()]))
    return tree.sql(dialect="spark")


def created_table(sql: str) -> tuple[str, str] | None:
    """(name, Spark SELECT) when ``sql`` is CREATE [OR REPLACE] TEMP TABLE name AS SELECT …, else None."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    if not (isinstance(tree, exp.Create) and tree.kind == "TABLE" and isinstance(tree.expression, exp.Query)):
        return None
    return tree.this.name, to_spark(tree.expression.sql(dialect="duckdb"))


def _rewrite(node: Any, exp: Any) -> Any:
    # DuckDB's timezone(zone, timestamptz) is the local wall-clock time, as ts AT TIME ZONE zone.
    if isinstance(node, exp.Anonymous) and node.name.lower() == "timezone" and len(node.expressions) == 2:
        zone, ts = node.expressions
        return exp.Anonymous(this="FROM_UTC_TIMESTAMP", expressions=[ts, zone])
    # epoch_ms(timestamp) is milliseconds since the epoch; SQLGlot reads it as the inverse (ms → timestamp).
    # slreport applies epoch_ms only to timestamps, so it is Spark's unix_millis.
    if isinstance(node, exp.UnixToTime) and node.args.get("scale") is not None:
        return exp.Anonymous(this="UNIX_MILLIS", expressions=[node.this])
    return node
