"""Translate slreport's metric SQL (written once, in DuckDB's dialect) to Spark SQL with SQLGlot.

SQLGlot parses DuckDB and writes Spark; where it has no Spark equivalent, or picks one whose
meaning differs, a rewrite below replaces the node on the parsed tree first, each with its reason.
Nothing here knows about particular metric queries: the rules are about DuckDB constructs.
Needs the optional sqlglot (``pip install 'slreport[spark]'``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

# Columns of a Spark SELECT (analysed, not run): what a UNION BY NAME needs to line its sides up.
ColumnsOf = Callable[[str], list[str]]

# DuckDB's time_bucket origin for widths under a day: Monday 2000-01-03 00:00:00, in microseconds.
TIME_BUCKET_ORIGIN_US = 946_857_600_000_000
INTERVAL_US = {"MICROSECOND": 1, "MILLISECOND": 1_000, "SECOND": 1_000_000, "MINUTE": 60_000_000,
               "HOUR": 3_600_000_000}
# strftime → Java DateTimeFormatter pattern letters (the codes slreport uses, and their kin).
STRFTIME = {"%Y": "yyyy", "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm", "%S": "ss", "%y": "yy", "%j": "DDD",
            "%a": "EEE", "%b": "MMM", "%f": "SSSSSS", "%%": "%"}


def to_spark(sql: str, columns_of: ColumnsOf | None = None) -> str:
    """The Spark SQL text of one DuckDB statement.

    ``columns_of`` (the Spark session's analyser) is needed only by statements with UNION BY NAME.
    """
    import sqlglot
    from sqlglot import exp

    tree = _rewrite_tree(sqlglot.parse_one(sql, read="duckdb"))
    _unique_cte_names(tree)
    _union_by_name(tree, columns_of)
    if isinstance(tree, exp.Create) and tree.kind in ("VIEW", "TABLE"):
        # Views and temp tables become session views (Spark's views over DataFrames are temporary),
        # replaced when they exist, as DuckDB's CREATE OR REPLACE does.
        tree.set("kind", "VIEW")
        tree.set("replace", True)
        tree.set("properties", exp.Properties(expressions=[exp.TemporaryProperty()]))
    return tree.sql(dialect="spark")


def created_table(sql: str) -> tuple[str, str] | None:
    """(name, DuckDB SELECT) when ``sql`` is CREATE [OR REPLACE] [TEMP] TABLE|VIEW name AS SELECT …, else None."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    if not (isinstance(tree, exp.Create) and tree.kind in ("TABLE", "VIEW") and isinstance(tree.expression, exp.Query)):
        return None
    return tree.this.name, tree.expression.sql(dialect="duckdb")


def dropped_table(sql: str) -> str | None:
    """The name in ``DROP TABLE|VIEW [IF EXISTS] name``, else None."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    if not (isinstance(tree, exp.Drop) and tree.kind in ("TABLE", "VIEW")):
        return None
    (table,) = tree.args["tables"]
    return table.name


def table_schema(sql: str) -> tuple[str, str] | None:
    """(name, Spark DDL schema) when ``sql`` is CREATE [OR REPLACE] [TEMP] TABLE name (col type, …), else None."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    if not (isinstance(tree, exp.Create) and tree.kind == "TABLE" and isinstance(tree.this, exp.Schema)):
        return None
    columns = [c for c in tree.this.expressions if isinstance(c, exp.ColumnDef)]
    ddl = ", ".join(f"{c.name} {c.args['kind'].sql(dialect='spark')}" for c in columns)
    return tree.this.this.name, ddl


def insert_target(sql: str) -> str | None:
    """The table of ``INSERT INTO name VALUES (?, …)`` (rows given separately), else None."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    if not isinstance(tree, exp.Insert):
        return None
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    return str(target.name)


# --- the rewrites, node by node -----------------------------------------------------------

def _rewrite_tree(tree: Any) -> Any:
    """Apply every rule bottom-up (children first), so a rule sees rewritten arguments."""
    for node in list(tree.walk(bfs=False))[::-1]:
        new = _rewrite(node)
        if new is not node:
            if node is tree:
                tree = new
            else:
                node.replace(new)
    return tree


def _rewrite(node: Any) -> Any:
    from sqlglot import exp

    for kind, rule in _rules():
        if isinstance(node, kind):
            out = rule(node, exp)
            if out is not None:
                return out
    return node


def _timezone(node: Any, exp: Any) -> Any:
    # DuckDB's timezone(zone, ts) is the local wall-clock time of an instant (TIMESTAMPTZ), and the
    # instant of a local wall-clock time (TIMESTAMP): from_utc_timestamp / to_utc_timestamp in Spark,
    # whose session time zone is UTC. The argument is a plain TIMESTAMP exactly when it is a cast to one.
    if node.name.lower() != "timezone" or len(node.expressions) != 2:
        return None
    zone, ts = node.expressions
    naive = isinstance(ts, exp.Cast) and ts.to.this in (exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPNTZ)
    return exp.Anonymous(this="TO_UTC_TIMESTAMP" if naive else "FROM_UTC_TIMESTAMP", expressions=[ts, zone])


def _epoch_us(node: Any, exp: Any) -> Any:
    # epoch_us(ts): microseconds since the epoch (SQLGlot passes it through; Spark calls it unix_micros).
    if node.name.lower() == "epoch_us" and len(node.expressions) == 1:
        return exp.Anonymous(this="UNIX_MICROS", expressions=[node.expressions[0]])
    return None


def _epoch_ms(node: Any, exp: Any) -> Any:
    # epoch_ms(timestamp) is milliseconds since the epoch; SQLGlot reads it as the inverse (ms → timestamp).
    # slreport applies epoch_ms only to timestamps, so it is Spark's unix_millis.
    if node.args.get("scale") is not None and node.args["scale"].name == "3":
        return exp.Anonymous(this="UNIX_MILLIS", expressions=[node.this])
    return None


def _epoch(node: Any, exp: Any) -> Any:
    # epoch(ts) is DOUBLE seconds with the fraction; Spark's unix_timestamp drops the fraction.
    micros = exp.Anonymous(this="UNIX_MICROS", expressions=[node.this])
    return exp.Div(this=exp.Cast(this=micros, to=exp.DataType.build("DOUBLE")),
                   expression=exp.Literal.number(1_000_000))


def _isodow(node: Any, exp: Any) -> Any:
    # isodow: Monday 1 … Sunday 7. Spark's weekday() is Monday 0 … Sunday 6 (SQLGlot's dayofweek
    # arithmetic gives Monday 3).
    return exp.Add(this=exp.Anonymous(this="WEEKDAY", expressions=[node.this]), expression=exp.Literal.number(1))


def _strftime(node: Any, exp: Any) -> Any:
    # strftime → date_format with a Java pattern; literal text such as the T of ISO-8601 must be quoted
    # ('T'), which SQLGlot's format mapping leaves bare (Spark then rejects the letter).
    fmt = node.args.get("format")
    if not (isinstance(fmt, exp.Literal) and fmt.is_string):
        return None
    return exp.Anonymous(this="DATE_FORMAT", expressions=[node.this, exp.Literal.string(java_pattern(fmt.this))])


def java_pattern(strftime: str) -> str:
    out, literal, i = [], "", 0
    while i < len(strftime):
        code = strftime[i:i + 2]
        if code in STRFTIME:
            if literal:
                out.append("'" + literal.replace("'", "''") + "'" if any(ch.isalpha() for ch in literal) else literal)
                literal = ""
            out.append(STRFTIME[code])
            i += 2
        else:
            literal += strftime[i]
            i += 1
    if literal:
        out.append("'" + literal.replace("'", "''") + "'" if any(ch.isalpha() for ch in literal) else literal)
    return "".join(out)


def _time_bucket(node: Any, exp: Any) -> Any:
    # time_bucket(INTERVAL n unit, ts) for widths under a day: Spark has no time_bucket (SQLGlot writes
    # date_bin, which Spark lacks too). Buckets count from DuckDB's origin, in microseconds.
    width = node.this
    if not isinstance(width, exp.Interval) or node.args.get("origin") is not None:
        return None
    unit = width.args["unit"].name.upper().rstrip("S")
    if unit not in INTERVAL_US:
        return None
    step = int(width.this.name) * INTERVAL_US[unit]
    micros = exp.Anonymous(this="UNIX_MICROS", expressions=[node.args["expression"]])
    offset = exp.Anonymous(this="PMOD", expressions=[
        exp.Sub(this=micros.copy(), expression=exp.Literal.number(TIME_BUCKET_ORIGIN_US)), exp.Literal.number(step)])
    return exp.Anonymous(this="TIMESTAMP_MICROS", expressions=[exp.Sub(this=micros, expression=offset)])


def _ordered_aggregate(node: Any, exp: Any) -> Any:
    # list(x ORDER BY k…) and first(x ORDER BY k…): Spark's collect_list has no order and first()
    # takes none, so collect (keys, x) structs, sort them with DuckDB's order (NULLS LAST by default),
    # then take the values (list) or the first one (first; NULL when there are no rows).
    order = node.this
    if not isinstance(order, exp.Order):
        return None
    keys = order.expressions
    fields = []  # named_struct('k0', key0, 'k1', key1, …, 'v', value)
    for i, key in enumerate(keys):
        fields += [exp.Literal.string(f"k{i}"), key.this.copy()]
    fields += [exp.Literal.string("v"), order.this.copy()]
    collected = exp.Anonymous(this="COLLECT_LIST", expressions=[exp.Anonymous(this="NAMED_STRUCT", expressions=fields)])
    compare = " ".join(_compare_when(i, k) for i, k in enumerate(keys))
    comparator = _lambda(["l", "r"], f"CASE {compare} ELSE 0 END")
    ordered = exp.Anonymous(this="ARRAY_SORT", expressions=[collected, comparator])
    if isinstance(node, exp.First):
        return exp.Dot(this=exp.Anonymous(this="GET", expressions=[ordered, exp.Literal.number(0)]),
                       expression=exp.to_identifier("v"))
    return exp.Anonymous(this="TRANSFORM", expressions=[ordered, _lambda(["s"], "s.v")])


def _lambda(params: list[str], body: str) -> Any:
    from sqlglot import exp

    return exp.Lambda(this=exp.maybe_parse(body, dialect="spark"), expressions=[exp.to_identifier(p) for p in params])


def _compare_when(i: int, key: Any) -> str:
    nulls_first = bool(key.args.get("nulls_first"))
    before, after = ("-1", "1") if not key.args.get("desc") else ("1", "-1")
    null_l, null_r = ("-1", "1") if nulls_first else ("1", "-1")
    return (f"WHEN l.k{i} IS NULL AND r.k{i} IS NOT NULL THEN {null_l} "
            f"WHEN l.k{i} IS NOT NULL AND r.k{i} IS NULL THEN {null_r} "
            f"WHEN l.k{i} < r.k{i} THEN {before} WHEN l.k{i} > r.k{i} THEN {after}")


def _series_table(node: Any, exp: Any) -> Any:
    # range(n) h(x) / generate_series(lo, hi, step) g(x) in FROM: SQLGlot's Spark text for them does not
    # parse; Spark's table-valued explode(sequence(…)) does, with LATERAL so that lo and hi may come from
    # an earlier FROM item. range's end is exclusive, generate_series's inclusive, sequence's inclusive.
    # A series whose start lies past its end is empty in DuckDB; Spark's sequence would count down (or
    # fail), hence the IF (ascending series only, which is what slreport writes).
    series = node.this
    if not isinstance(series, exp.GenerateSeries):
        return None
    start, end = series.args["start"].copy(), series.args["end"].copy()
    if series.args.get("is_end_exclusive"):
        end = _minus_one(end, exp)
    args = [start, end] + ([series.args["step"].copy()] if series.args.get("step") else [])
    sequence: Any = exp.Anonymous(this="SEQUENCE", expressions=args)
    if not (start.is_int and end.is_int and int(start.this) <= int(end.this)):
        sequence = exp.If(this=exp.GT(this=start.copy(), expression=end.copy()),
                          true=exp.Array(expressions=[]), false=sequence)
    explode = exp.Anonymous(this="EXPLODE", expressions=[sequence])
    alias = node.args.get("alias")
    return exp.Lateral(this=explode, alias=alias.copy() if alias else None)


def _minus_one(value: Any, exp: Any) -> Any:
    if value.is_int:
        return exp.Literal.number(int(value.this) - 1)
    return exp.Sub(this=value, expression=exp.Literal.number(1))


def _division(node: Any, exp: Any) -> Any:
    # DuckDB's / is DOUBLE division for integers and DECIMALs alike; Spark divides DECIMALs exactly
    # (another result, and ties rounded otherwise). Dividing in DOUBLE gives DuckDB's numbers.
    if isinstance(node.this, exp.Cast) and node.this.to.this == exp.DataType.Type.DOUBLE:
        return None
    return exp.Div(this=exp.Cast(this=node.this.copy(), to=exp.DataType.build("DOUBLE")),
                   expression=node.expression.copy())


def _slr_round(node: Any, exp: Any) -> Any:
    # slreport's rounding (slreport.engine.ROUND_MACRO, a DuckDB macro): the scaled value rounded to a
    # whole number, halves away from zero; Spark's ROUND(x, 0) on a DOUBLE is that (HALF_UP).
    if node.name.lower() != "slr_round":
        return None
    value, digits = node.expressions
    scale = exp.Cast(this=exp.Literal.number(10 ** int(digits.this)), to=exp.DataType.build("DOUBLE"))
    scaled = exp.Mul(this=exp.Cast(this=value.copy(), to=exp.DataType.build("DOUBLE")), expression=scale)
    whole = exp.Round(this=scaled, decimals=exp.Literal.number(0))
    return exp.Div(this=whole, expression=scale.copy())


def _round(node: Any, exp: Any) -> Any:
    # round(x, n) with n > 0 rounds the binary value in DuckDB since 2.0.1 (5.22374999… → 5.2237) and
    # the decimal text in Spark: reports round with slr_round, which both engines do alike.
    digits = node.args.get("decimals")
    if digits is not None and not (isinstance(digits, exp.Literal) and digits.this == "0"):
        raise ValueError(f"round(x, n) gives other numbers on Spark; use slr_round(x, n): {node.sql()}")
    return None


def _timestamp_type(node: Any, exp: Any) -> Any:
    # DuckDB's TIMESTAMP (wall clock) and TIMESTAMPTZ are both Spark's TIMESTAMP in a UTC session;
    # Spark's TIMESTAMP_NTZ would not be accepted by from_utc_timestamp and its kin. (TIMESTAMPTZ stays
    # in the tree, so that timezone() can tell an instant from a wall-clock time; Spark writes it TIMESTAMP.)
    if node.this == exp.DataType.Type.TIMESTAMPNTZ:
        return exp.DataType.build("TIMESTAMP")
    return None


@functools.cache
def _grouping_in_order(node: Any, exp: Any) -> Any:
    # ORDER BY grouping(company) where the select list has `… AS company`: Spark resolves the argument
    # to the output alias and fails (GROUPING_COLUMN_MISMATCH); DuckDB means the input column. Qualify
    # it with the single FROM item's name, which only the input column has.
    order = node.args.get("order")
    source = _arg(node, "from")
    if order is None or source is None or node.args.get("joins") or not list(order.find_all(exp.Grouping)):
        return None
    item = source.this
    if not item.alias_or_name:
        item.set("alias", exp.TableAlias(this=exp.to_identifier("_grouped")))
    for grouping in order.find_all(exp.Grouping):
        for column in grouping.find_all(exp.Column):
            if not column.table:
                column.set("table", exp.to_identifier(item.alias_or_name))
    return None


@functools.cache
def _rules() -> list[tuple[type, Callable[[Any, Any], Any]]]:
    from sqlglot import exp

    return [
        (exp.Anonymous, _timezone), (exp.Anonymous, _epoch_us), (exp.Anonymous, _slr_round),
        (exp.UnixToTime, _epoch_ms), (exp.TimeToUnix, _epoch), (exp.DayOfWeekIso, _isodow), (exp.TimeToStr, _strftime),
        (exp.DateBin, _time_bucket), (exp.ArrayAgg, _ordered_aggregate), (exp.First, _ordered_aggregate),
        (exp.Table, _series_table), (exp.Select, _grouping_in_order), (exp.Round, _round), (exp.Div, _division),
        (exp.DataType, _timestamp_type),
    ]




def _unique_cte_names(tree: Any) -> None:
    """SQLGlot's Spark output lifts the WITH of a subquery to the top; two subqueries that each define
    ``counts`` (the metric families do) would then clash, so every repeated CTE name gets a suffix in
    the query that defines it."""
    from sqlglot import exp

    seen: set[str] = set()
    for with_ in list(tree.find_all(exp.With)):
        for cte in with_.expressions:
            old = cte.alias
            if old not in seen:
                seen.add(old)
                continue
            new = f"{old}_{len(seen)}"
            seen.add(new)
            cte.set("alias", exp.TableAlias(this=exp.to_identifier(new)))
            for table in with_.parent.find_all(exp.Table):
                if table.name == old and not table.args.get("db"):
                    table.set("this", exp.to_identifier(new))
                    if not table.alias:
                        table.set("alias", exp.TableAlias(this=exp.to_identifier(old)))


# --- UNION BY NAME -------------------------------------------------------------------------

def _union_by_name(tree: Any, columns_of: ColumnsOf | None) -> None:
    """UNION [ALL] BY NAME (Spark has it only as DataFrame.unionByName): select each side's columns
    in one order, DuckDB's (the left side's, then those only on the right), NULL where a side lacks one.
    The sides' columns are asked of Spark, innermost union first."""
    from sqlglot import exp

    unions = [u for u in tree.find_all(exp.Union) if u.args.get("by_name")]
    for union in reversed(unions):
        if columns_of is None:
            raise ValueError("UNION BY NAME needs the Spark session to look up the columns")
        left, right = (columns_of(_with_context(side, union)) for side in (union.this, union.expression))
        names = left + [c for c in right if c not in left]
        for key, have in (("this", left), ("expression", right)):
            side = union.args[key]
            cols = ", ".join(f"`{c}`" if c in have else f"NULL AS `{c}`" for c in names)
            union.set(key, exp.maybe_parse(f"SELECT {cols} FROM ({side.sql(dialect='spark')}) AS _side",
                                           dialect="spark"))
        union.set("by_name", None)


def _with_context(side: Any, union: Any) -> str:
    """The side as a Spark SELECT with the common table expressions it may read (those defined before it)."""
    from sqlglot import exp

    query = side.copy()
    ctes: list[Any] = []
    node, child = union.parent, union
    while node is not None:
        if isinstance(node, exp.With):
            before = node.expressions
            if isinstance(child, exp.CTE):
                before = before[: before.index(child)]
            ctes = [c.copy() for c in before] + ctes
        elif isinstance(node, exp.Query) and _arg(node, "with") is not None and child is not _arg(node, "with"):
            ctes = [c.copy() for c in _arg(node, "with").expressions] + ctes
        node, child = node.parent, node
    if ctes:
        query.set(_key(query, "with"), exp.With(expressions=ctes))
    return str(query.sql(dialect="spark"))


def _key(node: Any, name: str) -> str:
    """The arg name of a clause: SQLGlot 30 spells some with a trailing underscore (from_, with_)."""
    return f"{name}_" if f"{name}_" in node.arg_types else name


def _arg(node: Any, name: str) -> Any:
    return node.args.get(_key(node, name))
