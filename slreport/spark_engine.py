"""analyze on Apache Spark: the same metric SQL as DuckDB, translated by slreport.dialect (SQLGlot).

Reads a canonical Parquet dataset written by ``slreport convert`` (a local path or any URI Spark can
read: s3a://, abfss://, gs://, hdfs://…) and computes the core sections — settings, input, period,
summary, by_company, by_group, by_hour, by_day — with the very functions the DuckDB path uses
(``analysis.build_core_sections``); only the connection differs. Sections added by other features
(FCR, peaks, staffing, patience) are not computed on Spark. Needs ``pip install 'slreport[spark]'``
and Java 17.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from slreport.errors import UsageError
from slreport.ingest.canonical_parquet import is_dataset
from slreport.schema import COLUMN_NAMES
from slreport.settings import Settings

SPARK_NAME = "slreport"


class SparkConnection:
    """What the metric code needs from a DuckDB connection (execute/fetchall, sql/to_arrow_table), on Spark."""

    def __init__(self, spark: Any) -> None:
        self.spark = spark

    def execute(self, sql: str) -> _Rows:
        from slreport.dialect import created_table, to_spark

        table = created_table(sql)
        if table is not None:  # a temp table of small results: a cached session view, computed once
            name, select = table
            self.spark.sql(select).cache().createOrReplaceTempView(name)
            return _Rows([])
        return _Rows([tuple(r) for r in self.spark.sql(to_spark(sql)).collect()])

    def sql(self, sql: str) -> _Rows:
        from slreport.dialect import to_spark

        frame = self.spark.sql(to_spark(sql))
        return _Rows([tuple(r) for r in frame.collect()], list(frame.columns))

    def close(self) -> None:
        """The session is left running: under spark-submit it belongs to the job."""


class _Rows:
    def __init__(self, rows: list[tuple[Any, ...]], columns: list[str] | None = None) -> None:
        self.rows, self.columns = rows, columns or []

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.rows

    def to_arrow_table(self) -> Any:
        import pyarrow as pa

        return pa.Table.from_pylist([dict(zip(self.columns, r, strict=True)) for r in self.rows]) if self.rows \
            else pa.table({c: [] for c in self.columns})


def session() -> Any:
    """The active Spark session (spark-submit, a notebook), else a local one on every core."""
    try:
        from pyspark import SparkConf
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(
            "--engine spark needs PySpark and SQLGlot", "install them with: pip install 'slreport[spark]'"
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        active.conf.set("spark.sql.session.timeZone", "UTC")
        return active
    builder = SparkSession.builder.appName(SPARK_NAME).config("spark.sql.session.timeZone", "UTC")
    local = not SparkConf().contains("spark.master")  # not launched by spark-submit: run locally
    if local:
        builder = (builder.master(os.environ.get("SLREPORT_SPARK_MASTER", "local[*]"))
                   .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                   .config("spark.sql.shuffle.partitions", "8"))
    spark = builder.getOrCreate()
    if local:
        spark.sparkContext.setLogLevel("ERROR")  # stderr keeps slreport's own one-line diagnostics
    return spark


def load_contacts(spark: Any, path: str) -> int:
    """Register the dataset as the ``contacts`` view; return its row count.

    recursiveFileLookup reads the company from the files (where it is exact) rather than from the
    percent-encoded folder name, and never guesses partition types.
    """
    frame = spark.read.option("recursiveFileLookup", "true").parquet(path)
    missing = [c for c in ("arrived_at", "outcome", "company") if c not in frame.columns]
    if missing:
        raise UsageError(
            f"{path} is not a canonical contact dataset: {', '.join(missing)} missing",
            "write it with `slreport convert … --to DIR` and pass DIR",
        )
    frame.select(*[c for c in COLUMN_NAMES if c in frame.columns]).createOrReplaceTempView("contacts")
    return int(frame.count())


def analyze_spark(inputs: list[str], settings: Settings) -> dict[str, Any]:
    from slreport.analysis import build_core_sections, create_local_view

    if len(inputs) != 1:
        raise UsageError("--engine spark reads one dataset", "pass the folder or URI written by slreport convert")
    if "://" not in inputs[0] and not is_dataset(Path(inputs[0])):
        raise UsageError(
            f"--engine spark reads Parquet datasets; {inputs[0]} is not one",
            f"convert it first: slreport convert {inputs[0]} --to DIR, then analyze DIR",
        )
    spark = session()
    rows = load_contacts(spark, inputs[0])
    con = SparkConnection(spark)
    create_local_view(con, settings.timezone)  # type: ignore[arg-type]
    input_section = {
        "files": [{"path": inputs[0], "rows_read": rows, "profile": "canonical-parquet", "engine": "spark"}],
        "rows_read": rows, "contacts": rows, "rows_rejected": 0, "rows_ignored": 0,
        "rejected_by_reason": {}, "ignored_by_reason": {},
    }
    return build_core_sections(con, settings, input_section)  # type: ignore[arg-type]
