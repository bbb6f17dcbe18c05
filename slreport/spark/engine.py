"""analyze on Apache Spark: the same metric SQL as DuckDB, translated by slreport.spark.dialect (SQLGlot).

Reads a canonical Parquet dataset written by ``slreport convert`` (a local path or any URI Spark can
read: s3a://, abfss://, gs://, hdfs://…), registers it as the ``contacts`` view and runs
``analysis.analyze_loaded`` — every section, with the very functions the DuckDB path uses; only the
connection differs: ``SparkConnection`` offers what that code calls on a DuckDB connection. Needs
``pip install 'slreport[spark]'`` and Java 17. Definitions and limits: docs/scale.md.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

from slreport.errors import UsageError
from slreport.ingest.dst import AMBIGUOUS, NONEXISTENT
from slreport.ingest.readers.canonical_parquet import NAME as PROFILE
from slreport.ingest.readers.canonical_parquet import is_dataset
from slreport.ingest.staging import duplicate_order
from slreport.options.settings import Settings
from slreport.schema import COLUMN_NAMES

SPARK_NAME = "slreport"
INSTALL_HINT = "install with pip install 'slreport[spark]'"


class SparkConnection:
    """What the metric code calls on a DuckDB connection, on a Spark session.

    Views become temporary views; ``CREATE TABLE … AS SELECT`` becomes a cached temporary view (computed
    once, like DuckDB's table); ``CREATE TABLE name (columns)`` plus ``executemany`` INSERTs become a
    small DataFrame made on the driver; ``DROP TABLE`` drops (and uncaches) the view.
    """

    def __init__(self, spark: Any) -> None:
        self.spark = spark
        self._schemas: dict[str, str] = {}  # tables created with columns: name → Spark DDL
        self._rows: dict[str, list[tuple[Any, ...]]] = {}

    def execute(self, sql: str) -> SparkResult:
        from slreport.spark.dialect import created_table, dropped_table, table_schema

        dropped = dropped_table(sql)
        if dropped is not None:  # a session view, uncached as it goes
            self.spark.catalog.dropTempView(dropped)
            return SparkResult(None)
        schema = table_schema(sql)
        if schema is not None:
            name, ddl = schema
            self._schemas[name], self._rows[name] = ddl, []
            self._register(name)
            return SparkResult(None)
        table = created_table(sql)
        if table is not None:  # a table or view of results: a cached session view, computed once
            name, select = table
            self.sql(select).frame.cache().createOrReplaceTempView(name)
            return SparkResult(None)
        return self.sql(sql)

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        from slreport.spark.dialect import insert_target

        name = insert_target(sql)
        if name is None or name not in self._schemas:
            raise ValueError(f"executemany on Spark inserts only into tables made with columns: {sql}")
        self._rows[name] += [tuple(r) for r in rows]
        self._register(name)

    def sql(self, sql: str) -> SparkResult:
        from slreport.spark.dialect import to_spark

        return SparkResult(self.spark.sql(to_spark(sql, self._columns_of)))

    def close(self) -> None:
        """The session is left running: under spark-submit or in a notebook it belongs to the job."""

    def _register(self, name: str) -> None:
        self.spark.createDataFrame(self._rows[name], self._schemas[name]).createOrReplaceTempView(name)

    def _columns_of(self, spark_sql: str) -> list[str]:
        return list(self.spark.sql(spark_sql).columns)


class SparkResult:
    """A statement's result, read the ways the metric code reads DuckDB's.

    Rows come through Arrow, so values are what DuckDB's fetchall gives: structs as dicts, DECIMAL as
    Decimal, timestamps aware in UTC (PySpark's own collect() gives naive local-time datetimes).
    """

    def __init__(self, frame: Any) -> None:
        self.frame = frame

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    @property
    def description(self) -> list[tuple[Any, ...]]:
        """DB-API style, as DuckDB's cursor gives it: (name, …) per column."""
        return [(name, None, None, None, None, None, None) for name in self.columns]

    @property
    def types(self) -> list[str]:
        """DuckDB's names of the column types (VARCHAR, BIGINT, …)."""
        return [duckdb_type(field.dataType) for field in self.frame.schema.fields]

    def fetchall(self) -> list[tuple[Any, ...]]:
        if self.frame is None:
            return []
        table = self.frame.toArrow()
        return list(zip(*(column.to_pylist() for column in table.columns), strict=True)) if table.num_rows else []

    def fetchnumpy(self) -> dict[str, Any]:
        """As DuckDB's .fetchnumpy(): a NumPy array per column, masked where it has NULLs; DECIMAL as float64,
        text as object arrays."""
        import numpy as np
        import pyarrow as pa

        table = self.frame.toArrow()
        out = {}
        for field, column in zip(table.schema, table.columns, strict=True):
            values = column.combine_chunks()
            if pa.types.is_decimal(field.type):
                values = values.cast(pa.float64())
            mask = np.asarray(values.is_null().to_numpy(zero_copy_only=False), dtype=bool)
            if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
                data = np.array(values.to_pylist(), dtype=object)
            else:
                data = values.to_numpy(zero_copy_only=False)
            out[field.name] = np.ma.masked_array(data, mask=mask) if mask.any() else data
        return out


SPARK_TO_DUCKDB = {"StringType": "VARCHAR", "DateType": "DATE", "BooleanType": "BOOLEAN", "LongType": "BIGINT",
                   "IntegerType": "INTEGER", "DoubleType": "DOUBLE", "FloatType": "FLOAT", "ShortType": "SMALLINT",
                   "ByteType": "TINYINT", "TimestampType": "TIMESTAMP WITH TIME ZONE",
                   "TimestampNTZType": "TIMESTAMP"}


def duckdb_type(spark_type: Any) -> str:
    name = type(spark_type).__name__
    if name == "DecimalType":
        return f"DECIMAL({spark_type.precision},{spark_type.scale})"
    return SPARK_TO_DUCKDB.get(name, spark_type.simpleString().upper())


def session() -> Any:
    """The active Spark session (spark-submit, a notebook), else a local one; session time zone UTC."""
    try:
        import sqlglot  # noqa: F401
        from pyspark import SparkConf
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError("--engine spark needs PySpark and SQLGlot", INSTALL_HINT) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        active.conf.set("spark.sql.session.timeZone", "UTC")
        return active
    builder = SparkSession.builder.appName(SPARK_NAME).config("spark.sql.session.timeZone", "UTC")
    local = not SparkConf().contains("spark.master")  # not launched by spark-submit: run locally
    if local:
        builder = (builder.master(os.environ.get("SLREPORT_SPARK_MASTER", "local[*]"))
                   .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_quiet_log_config()}")
                   .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                   # small results from many small queries: one shuffle partition per query is fastest
                   # locally (a cluster, under spark-submit, keeps its own settings)
                   .config("spark.sql.shuffle.partitions", "1"))
    # PySpark warns about pandas 3 on import of its pandas helpers; slreport hands data over in Arrow.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    spark = builder.getOrCreate()
    if local:
        spark.sparkContext.setLogLevel("ERROR")
    return spark


# A local run logs only errors: Spark's start-up warnings (hostname, native Hadoop) would otherwise reach
# stderr, which cron mails; slreport's own diagnostics stay one line. The gateway logger's level keeps
# PySpark from announcing its default log level. (Java's own note on incubator modules remains.)
LOG4J2 = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
logger.repl.name = org.apache.spark.api.python.PythonGatewayServer
logger.repl.level = error
"""


def _quiet_log_config() -> str:
    user = os.getuid() if hasattr(os, "getuid") else 0
    path = Path(tempfile.gettempdir()) / f"slreport-spark-log4j2-{user}.properties"
    if not path.exists() or path.read_text() != LOG4J2:
        path.write_text(LOG4J2)
    return path.as_posix()


def check_input(inputs: list[str]) -> str:
    """The one dataset (folder or URI) --engine spark reads, or a usage error naming the fix."""
    fix = "convert the exports first: slreport convert FILE… --to DIR, then analyze DIR with --engine spark"
    if len(inputs) != 1:
        raise UsageError("--engine spark reads one Parquet dataset (a folder or URI)", fix)
    if "://" not in inputs[0] and not is_dataset(Path(inputs[0])):
        raise UsageError(f"--engine spark reads Parquet datasets; {inputs[0]} is not one", fix)
    return inputs[0]


def load_contacts(con: SparkConnection, path: str, window: tuple[str | None, str | None] | None) -> dict[str, Any]:
    """Register the dataset as the ``contacts`` view and return the JSON ``input`` section.

    recursiveFileLookup reads the company from the files (where it is exact) rather than from the
    percent-encoded folder name, and never guesses partition types. As the DuckDB reader does, only
    contacts inside the arrival window are read, and a contact id seen twice for one company
    (overlapping exports converted twice) is rejected as ``duplicate``.
    """
    frame = con.spark.read.option("recursiveFileLookup", "true").parquet(path)
    missing = [c for c in ("arrived_at", "outcome", "company") if c not in frame.columns]
    if missing:
        raise UsageError(f"{path} is not a canonical contact dataset: {', '.join(missing)} missing",
                         "write it with `slreport convert … --to DIR` and pass DIR")
    from pyspark.sql import functions as F

    columns = [F.col(c) if c in frame.columns else F.lit(None).alias(c) for c in COLUMN_NAMES]
    staged = frame.select(*columns, F.col("_metadata.file_path").alias("_file"),
                          F.col("_metadata.row_index").alias("_row"))
    staged.filter(_window_filter(window)).createOrReplaceTempView("slreport_staged")
    con.spark.sql(STAGED_SQL).cache().createOrReplaceTempView("slreport_staged_marked")
    con.spark.sql(f"SELECT {', '.join(COLUMN_NAMES)} FROM slreport_staged_marked WHERE NOT duplicate") \
        .cache().createOrReplaceTempView("contacts")
    return input_section(con, path)


# Of a (company, contact_id) the row kept is chosen by content, by the same rule as the DuckDB
# readers (staging.duplicate_order), so both engines count the same contacts.
STAGED_SQL = f"""
SELECT *, contact_id IS NOT NULL
          AND row_number() OVER (PARTITION BY company, contact_id ORDER BY {duplicate_order("_file, _row")}) > 1
          AS duplicate
FROM slreport_staged
"""


def _window_filter(window: tuple[str | None, str | None] | None) -> str:
    from slreport.ingest.sql import inside_window_sql

    return inside_window_sql(window, timestamp_type="TIMESTAMP")


def input_section(con: SparkConnection, path: str) -> dict[str, Any]:
    """The input account of a dataset: rows_read = contacts + rows_rejected (duplicates)."""
    read, dupes, missing_wait, withheld = con.spark.sql(
        "SELECT count(*), count_if(duplicate), count_if(NOT duplicate AND wait_s IS NULL), "
        "count_if(NOT duplicate AND caller IS NULL) FROM slreport_staged_marked"
    ).collect()[0]
    used = read - dupes
    return {
        # Spark reads the dataset as one input; DuckDB's reader reports its detection details here.
        "files": [{"path": path, "rows_read": read, "profile": PROFILE, "engine": "spark",
                   "rows_used": used, "rows_rejected": dupes, "rows_ignored": 0}],
        "rows_read": read, "contacts": used, "rows_rejected": dupes, "rows_ignored": 0,
        "rejected_by_reason": {"duplicate": dupes} if dupes else {},
        "ignored_by_reason": {},
        "rows_used": used,
        "in_progress": 0,
        # converted rows carry no DST note: the DST rule was applied (and counted) when they were converted
        "data_quality": {"missing_wait": missing_wait, "withheld_caller": withheld, NONEXISTENT: 0, AMBIGUOUS: 0},
    }


def analyze_spark_all(inputs: list[str], settings: Settings,
                      window: tuple[str | None, str | None] | None = None) -> Any:
    """The Analysis (report and full tables) of one dataset, computed on Spark."""
    from slreport.pipeline import analyze_loaded

    path = check_input(inputs)
    con = SparkConnection(session())
    section = load_contacts(con, path, window)
    return analyze_loaded(con, settings, section)  # type: ignore[arg-type]


def analyze_spark(inputs: list[str], settings: Settings,
                  window: tuple[str | None, str | None] | None = None) -> dict[str, Any]:
    """The report dict of one dataset, computed on Spark (``analysis.analyze``'s twin)."""
    return dict(analyze_spark_all(inputs, settings, window).report)
