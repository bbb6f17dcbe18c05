"""`slreport forecast` views: the JSON schema, --out folder (tables, charts, HTML), terminal, markdown,
CSV; per queue; a daylight-saving day in the horizon."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import jsonschema
import pytest

from slreport.forecast.schema import SCHEMA_FILE, schema_text
from tests.conftest import run_cli
from tests.test_forecast import interval_table


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    return interval_table(tmp_path_factory.mktemp("fc") / "acme.csv", aht=True)


def forecast_schema():
    return json.loads(resources.files("slreport").joinpath("forecast.schema.json").read_text(encoding="utf-8"))


def test_the_shipped_schema_is_the_generated_one():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text()


@pytest.mark.parametrize("extra", [(), ("--plan", "--volume", "+20%")])
def test_reports_match_the_schema(table, extra):
    out = run_cli("forecast", str(table), "--tz", "Europe/Helsinki", "--format", "json", *extra)
    assert out.returncode == 0, out.stderr.decode()
    jsonschema.validate(json.loads(out.stdout), forecast_schema())


def test_the_schema_rejects_a_row_without_its_bands(table):
    out = run_cli("forecast", str(table), "--tz", "Europe/Helsinki", "--format", "json")
    report = json.loads(out.stdout)
    del report["forecast"][0]["offered_hi95"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, forecast_schema())


def test_out_folder_has_json_tables_charts_and_page(table, tmp_path):
    folder = tmp_path / "fc"
    out = run_cli("forecast", str(table), "--tz", "Europe/Helsinki", "--plan", "--out", str(folder),
                  "--chart-format", "svg")
    assert out.returncode == 0 and out.stdout == b"", out.stderr.decode()
    names = sorted(p.name for p in folder.iterdir())
    assert names == [".slreport-report", "backtest.csv", "charts", "daily.csv", "forecast.csv", "forecast.html",
                     "forecast.json", "plan_weeks.csv", "recent_actuals.csv"]
    assert [p.name for p in (folder / "charts").iterdir()] == ["acme-forecast.svg"]
    page = (folder / "forecast.html").read_text(encoding="utf-8")
    assert "<h2>Next week: Acme</h2>" in page and "<h2>Backtest: Acme</h2>" in page and "<svg " in page
    assert ":root { --ink" in page  # report.html's stylesheet
    header = (folder / "forecast.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ("company,interval_start,offered,offered_lo80,offered_hi80,offered_lo95,offered_hi95,aht_s,"
                      "required_agents,scheduled,safe_required_agents,safe_scheduled")
    again = run_cli("forecast", str(table), "--tz", "Europe/Helsinki", "--out", str(folder))
    assert again.returncode == 2 and b"already exists" in again.stderr
    xlsx = run_cli("forecast", str(table), "--tz", "Europe/Helsinki", "--out", str(folder), "--overwrite",
                   "--tables", "xlsx")
    assert xlsx.returncode == 0 and (folder / "tables.xlsx").is_file() and not (folder / "forecast.csv").exists()


def test_terminal_markdown_and_csv(table):
    text = run_cli("forecast", str(table), "--tz", "Europe/Helsinki", "--plan", "--format", "table").stdout.decode()
    assert "Next week: Acme" in text and "Peak intervals: Acme" in text and "Backtest: Acme" in text
    assert "Same-slot mean of 4 weeks" in text and "Agent-hours" in text
    assert "what-ifs applied before staffing: none" in text
    md = run_cli("forecast", str(table), "--tz", "Europe/Helsinki", "--format", "markdown").stdout.decode()
    assert "| Day | Offered | 80 % low | 80 % high |" in md
    csv = run_cli("forecast", str(table), "--tz", "Europe/Helsinki", "--format", "csv").stdout.decode().splitlines()
    assert csv[0].startswith("company,interval_start,offered,") and len(csv) == 1 + 14 * 24


def test_per_queue_series(tmp_path):
    lines = ["interval_start,offered,company,queue"]
    for d in range(35):
        day = dt.date(2026, 3, 2) + dt.timedelta(days=d)
        if day.weekday() < 5:
            lines += [f"{day} 09:00,6,Acme,billing", f"{day} 09:00,4,Acme,faults"]
    path = tmp_path / "q.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run_cli("forecast", str(path), "--tz", "UTC", "--by", "company,queue", "--horizon", "3d", "-f", "json")
    report = json.loads(out.stdout)
    assert [(t["company"], t["queue"]) for t in report["backtest"]] == [("Acme", "billing"), ("Acme", "faults")]
    nine = "2026-04-06T09:00:00+00:00"
    monday = {r["queue"]: r["offered"] for r in report["forecast"] if r["interval_start"] == nine}
    assert monday == {"billing": 6.0, "faults": 4.0}
    together = json.loads(run_cli("forecast", str(path), "--tz", "UTC", "--horizon", "3d", "-f", "json").stdout)
    assert [r["offered"] for r in together["forecast"] if r["interval_start"] == "2026-04-06T09:00:00+00:00"] == [10.0]


def test_a_spring_forward_day_has_23_intervals(tmp_path):
    table = interval_table(tmp_path / "dst.csv", weeks=7, first=dt.date(2026, 2, 2))  # ends Fri 2026-03-20
    report = json.loads(run_cli("forecast", str(table), "--tz", "Europe/Helsinki", "-f", "json").stdout)
    day = [r["interval_start"] for r in report["forecast"] if r["interval_start"].startswith("2026-03-29")]
    assert len(day) == 23 and "2026-03-29T02:00:00+02:00" in day and "2026-03-29T04:00:00+03:00" in day
    assert len(report["forecast"]) == 14 * 24 - 1
