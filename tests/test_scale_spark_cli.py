"""--engine spark at the command line without starting Spark: usage errors, the missing-extra error,
and the default path never importing PySpark or SQLGlot."""

from __future__ import annotations

import os
import subprocess
import sys

from slreport.ingest.convert import convert
from tests.conftest import ROOT, run_cli

SAMPLE = ROOT / "sample_data" / "calls.csv"


def one_line(stderr: bytes) -> str:
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_a_csv_is_a_usage_error_that_names_convert():
    result = run_cli("analyze", str(SAMPLE), "--engine", "spark", "--format", "json")
    assert result.returncode == 2 and result.stdout == b""
    line = one_line(result.stderr)
    assert "not one" in line and "slreport convert" in line and "--to DIR" in line


def test_two_inputs_are_a_usage_error(tmp_path):
    result = run_cli("analyze", str(tmp_path), str(tmp_path), "--engine", "spark")
    assert result.returncode == 2 and result.stdout == b""
    assert "one Parquet dataset" in one_line(result.stderr)


def test_an_unknown_engine_is_a_usage_error():
    result = run_cli("analyze", str(SAMPLE), "--engine", "flink")
    assert result.returncode == 2 and b"flink" in result.stderr


def test_without_pyspark_the_error_says_which_extra_to_install(tmp_path):
    dataset = tmp_path / "ds"
    convert([str(SAMPLE)], dataset)
    blocked = tmp_path / "blocked"
    (blocked / "pyspark").mkdir(parents=True)
    (blocked / "pyspark" / "__init__.py").write_text("raise ImportError('pyspark is blocked by the test')\n")
    result = run_cli("analyze", str(dataset), "--engine", "spark", env={"PYTHONPATH": f"{blocked}:{ROOT}"})
    assert result.returncode == 2 and result.stdout == b""
    assert one_line(result.stderr).endswith("install with pip install 'slreport[spark]'")


def test_the_default_engine_imports_neither_pyspark_nor_sqlglot():
    # run_cli's command with -X importtime, which lists every module the run imports on stderr
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "slreport", "analyze", str(SAMPLE),
                             "--format", "json"], capture_output=True, env=os.environ | {"PYTHONPATH": str(ROOT)},
                            timeout=120)
    assert result.returncode == 0, result.stderr.decode()[-500:]
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.decode().splitlines()
                if line.startswith("import time:")}
    assert "duckdb" in imported  # the listing is real: analyze imported its engine
    assert "pyspark" not in imported and "sqlglot" not in imported


def test_report_folders_are_a_usage_error_on_spark(tmp_path):
    result = run_cli("analyze", str(tmp_path), "--engine", "spark", "--out", str(tmp_path / "report"))
    assert result.returncode == 2 and result.stdout == b""
    assert "--out and --out-template are not available with --engine spark" in one_line(result.stderr)
    assert not (tmp_path / "report").exists()


def test_rejects_is_a_usage_error_on_spark(tmp_path):
    result = run_cli("analyze", str(tmp_path), "--engine", "spark", "--rejects", str(tmp_path / "rejects.csv"))
    assert result.returncode == 2 and result.stdout == b""
    assert "--rejects is not available with --engine spark" in one_line(result.stderr)
    assert not (tmp_path / "rejects.csv").exists()


def test_business_hours_is_a_usage_error_on_spark(tmp_path):
    from_option = run_cli("analyze", str(tmp_path), "--engine", "spark", "--business-hours",
                          "--opening-hours", "mon-fri 08:00-16:00")
    config = tmp_path / "slreport.toml"
    config.write_text('[companies."Aalto Water".channels."email"]\nservice_level = "90/4h"\nbusiness_hours = true\n'
                      'opening_hours = "mon-fri 08:00-16:00"\n', encoding="utf-8")
    from_scope = run_cli("analyze", str(tmp_path), "--engine", "spark", "--config", str(config))
    for result in (from_option, from_scope):
        assert result.returncode == 2 and result.stdout == b""
        assert "business_hours = true is not available with --engine spark" in one_line(result.stderr)
