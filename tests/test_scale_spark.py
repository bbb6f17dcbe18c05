"""--engine spark: the same report from Spark (PySpark in local mode) as from DuckDB, section for section.

Two Spark runs only (each costs a JVM start and a hundred small Spark jobs): the bundled sample in process
with the default settings, and a DST fixture through the real CLI with every policy option that changes
the SQL. Skipped, with the reason, where Java or PySpark/SQLGlot is missing; CI installs both.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from slreport.ingest.convert import convert
from slreport.options.read import ReadOptions
from slreport.options.settings import Settings
from slreport.pipeline import RunOptions, analyze
from tests.conftest import DATA, ROOT

SAMPLE = ROOT / "sample_data" / "calls.csv"
DST_DAYS = DATA / "spark" / "dst_days.csv"  # contacts on 2024-03-31 (23 h) and 2024-10-27 (25 h) in Helsinki
SPARK_TIMEOUT_S = 900  # a Spark run of the whole report takes minutes on a busy 2-core machine


def _missing() -> str | None:
    for module in ("pyspark", "sqlglot"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install 'slreport[spark]')"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "Java is not installed (PySpark needs Java 17)"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=f"Spark test skipped: {_missing()}")


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """The whole report except ``input.files``: DuckDB's canonical-parquet reader lists what it detected
    (``detected``, ``columns``), Spark reads the dataset as one input and says ``engine: spark``. The file's
    counts (rows_read, rows_used, …) are compared, and so is every other key of every section."""
    out = json.loads(json.dumps(report))
    files = out["input"].pop("files")
    out["input"]["file_counts"] = [
        {k: f[k] for k in ("path", "rows_read", "profile", "rows_used", "rows_rejected", "rows_ignored")}
        for f in files
    ]
    return out


def assert_same_sections(spark: dict[str, Any], duck: dict[str, Any]) -> None:
    spark, duck = comparable(spark), comparable(duck)
    assert list(spark) == list(duck)
    for key in duck:  # one section at a time, so a failure names the section
        assert spark[key] == duck[key], f"section {key!r} differs between Spark and DuckDB"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """tests.conftest.run_cli with room for a Spark run (its timeout is 120 s)."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "slreport", *args], capture_output=True, env=env,
                          timeout=SPARK_TIMEOUT_S)


@pytest.fixture(scope="module")
def sample_dataset(tmp_path_factory) -> Path:
    ds = tmp_path_factory.mktemp("spark") / "sample"
    convert([str(SAMPLE)], ds)
    return ds


def test_the_sample_gives_identical_json_on_spark_and_duckdb(sample_dataset):
    from slreport.spark.engine import analyze_spark

    settings = Settings(timezone="Europe/Helsinki")
    duck = analyze([str(sample_dataset)], settings, RunOptions(read=ReadOptions()))
    spark = analyze_spark([str(sample_dataset)], settings)
    assert spark["input"]["files"][0]["engine"] == "spark"
    assert spark["summary"]["offered"] == 23957 and len(spark["by_day"]) > 28 * 5
    assert spark["staffing"]["by_company"] and spark["patience"] and spark["busy_hour"]["sliding_60min_by_day"]
    assert_same_sections(spark, duck)


POLICY_OPTIONS = (
    "--tz", "Europe/Helsinki", "--opening-hours", "mon-fri 08:00-20:00, sat 10:00-14:00", "--holidays-country", "FI",
    "--include-closed", "--sl", "90/30", "--sl-method", "positive", "--by", "company,queue", "--interval", "15",
    "--fcr-method", "repeat", "--fcr-window", "7d", "--top", "3", "--since", "2024-03-30", "--until", "2024-10-28",
    "--format", "json",
)


def test_cli_engine_spark_prints_the_same_json_across_dst_days(tmp_path):
    ds = tmp_path / "dst"
    convert([str(DST_DAYS)], ds, ReadOptions(input_tz="Europe/Helsinki"))
    # an overlapping export converted too: its contacts are in the dataset twice, and rejected as duplicates
    lines = DST_DAYS.read_text(encoding="utf-8").splitlines()
    overlap = [line for line in lines[1:] if ",2024-04-03T" in line]
    (tmp_path / "overlap.csv").write_text("\n".join([lines[0], *overlap]) + "\n", encoding="utf-8")
    convert([str(tmp_path / "overlap.csv")], ds, ReadOptions(input_tz="Europe/Helsinki"))
    duck = run_cli("analyze", str(ds), *POLICY_OPTIONS)
    spark = run_cli("analyze", str(ds), "--engine", "spark", *POLICY_OPTIONS)
    assert duck.returncode == 0, duck.stderr.decode()[-2000:]
    assert spark.returncode == 0, spark.stderr.decode()[-2000:]
    report = json.loads(spark.stdout)
    # the fixture reaches the cases the translation must get right: 23- and 25-hour days, 15-minute
    # intervals keyed by instant, holidays, several queues per company
    days = {r["day"]: r for r in report["by_day"] if r["company"] is None}
    assert days["2024-03-31"]["offered"] > 0 and days["2024-10-27"]["offered"] > 0
    assert report["outside_hours"]["holidays"] and len(report["by_group"]) == 4
    assert report["input"]["rejected_by_reason"] == {"duplicate": len(overlap)} and len(overlap) >= 5
    # --since/--until read only the window: the first and the last fixture day are left out
    assert min(days) == "2024-03-30" and max(days) == "2024-10-27"
    assert_same_sections(report, json.loads(duck.stdout))
