"""The JSON contract and the metric registry: schema, key order, documentation."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from slreport.metrics.registry import METRIC_KEYS, METRICS, readme_with_table
from tests.conftest import ROOT, run_analyze

SAMPLE = ROOT / "sample_data" / "calls.csv"


@pytest.fixture(scope="module")
def sample_report():
    return run_analyze([SAMPLE], tz="Europe/Helsinki")


def schema():
    return json.loads(resources.files("slreport").joinpath("report.schema.json").read_text(encoding="utf-8"))


def test_sample_report_matches_the_shipped_json_schema(sample_report):
    jsonschema.validate(sample_report, schema())


def test_empty_report_matches_the_schema_too(write_csv):
    jsonschema.validate(run_analyze([write_csv("e.csv", "arrived_at,outcome")]), schema())


def test_schema_rejects_a_report_missing_a_metric(sample_report):
    broken = json.loads(json.dumps(sample_report))
    del broken["summary"]["asa_s"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema())


def test_every_metrics_object_has_the_registry_keys_in_order(sample_report):
    r = sample_report
    objects = [r["summary"], *r["by_company"], *r["by_hour"], *r["by_day"]]
    for obj in objects:
        assert [k for k in obj if k in METRIC_KEYS] == list(METRIC_KEYS)


def test_the_readme_metric_table_is_generated_from_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_with_table(readme) == readme, "run: python -m slreport.metrics.registry"
    for metric in METRICS:
        assert f"| `{metric.key}` |" in readme, metric.key


def test_no_caller_number_appears_in_the_report(sample_report):
    import csv

    with SAMPLE.open(encoding="utf-8") as f:
        callers = {row["caller"] for row in csv.DictReader(f)} - {"", "anonymous"}
    text = json.dumps(sample_report)
    assert len(callers) > 100
    assert not [c for c in callers if c in text]
    assert not [c[1:] for c in callers if c[1:] in text]  # nor without the plus
