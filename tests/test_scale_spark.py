"""The sample through both engines: DuckDB and Spark (PySpark in local mode) give identical JSON for the
sections Spark computes. Skipped, with the reason, where Java or PySpark/SQLGlot is missing."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest

from slreport.analysis import RunOptions, analyze
from slreport.convert import convert
from slreport.ingest.options import ReadOptions
from slreport.settings import Settings, SlMethod
from tests.conftest import ROOT, run_cli

SAMPLE = ROOT / "sample_data" / "calls.csv"
CORE = ("schema_version", "settings", "period", "summary", "by_company", "by_group", "by_hour", "by_day")


def _missing() -> str | None:
    for module in ("pyspark", "sqlglot"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install 'slreport[spark]')"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "Java is not installed (PySpark needs Java 17)"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=f"Spark test skipped: {_missing()}")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    ds = tmp_path_factory.mktemp("spark") / "ds"
    convert([str(SAMPLE)], ds)
    return ds


def comparable(report: dict) -> dict:
    """Every computed section, and the input counts; the per-file details differ by design."""
    out = {k: report[k] for k in CORE if k in report}
    out["input"] = {k: v for k, v in report["input"].items() if k != "files"}
    return json.loads(json.dumps(out))


SETTINGS = [
    Settings(timezone="Europe/Helsinki"),
    Settings(timezone="Europe/Helsinki", threshold_s=30, target_pct=90, sl_method=SlMethod.POSITIVE,
             short_abandon_s=10, by=("company", "queue")),
    Settings(timezone="America/New_York", sl_method=SlMethod.IGNORE, by=("segment",)),
]


@pytest.mark.parametrize("settings", SETTINGS, ids=["default", "positive-by-queue", "new-york-by-segment"])
def test_spark_and_duckdb_give_identical_json(dataset, settings):
    from slreport.spark_engine import analyze_spark

    duck = analyze([str(dataset)], settings, RunOptions(read=ReadOptions()))
    spark = analyze_spark([str(dataset)], settings)
    assert spark["input"]["files"][0]["engine"] == "spark"
    assert comparable(spark) == comparable(duck)
    assert len(spark["by_day"]) > 28 and spark["summary"]["offered"] == 12021


def test_cli_engine_spark_prints_the_same_json(dataset):
    duck = run_cli("analyze", str(dataset), "--tz", "Europe/Helsinki", "--format", "json")
    spark = run_cli("analyze", str(dataset), "--engine", "spark", "--tz", "Europe/Helsinki", "--format", "json")
    assert duck.returncode == 0 and spark.returncode == 0, spark.stderr.decode()[-2000:]
    assert comparable(json.loads(spark.stdout)) == comparable(json.loads(duck.stdout))
