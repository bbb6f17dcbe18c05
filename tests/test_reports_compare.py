"""--compare previous|last-year|PERIOD: the comparison period's numbers, equal to a separate run on that
period, and this period's change per metric in every view; the monthly client folders."""

from __future__ import annotations

import copy
import io
import json
from datetime import date
from pathlib import Path

import pytest

from slreport.errors import UsageError
from slreport.options.periods import resolve_comparison, resolve_period, resolve_window
from slreport.sections.comparison import DELTA_KEYS, change
from tests.conftest import ROOT, run_cli
from tests.test_sections import errors

SAMPLE = str(ROOT / "sample_data" / "calls.csv")
CONFIG = ("--config", str(ROOT / "sample_data" / "slreport.toml"))
HKI = "Europe/Helsinki"
MARCH = {"SLREPORT_TODAY": "2026-03-05"}  # last-month is February 2026, previous is January


def sample(*args: str, env: dict[str, str] | None = None) -> dict:
    done = run_cli("analyze", SAMPLE, *CONFIG, *args, "-f", "json", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# --- the periods ----------------------------------------------------------------------------

@pytest.mark.parametrize(("period", "compare", "label", "since", "until"), [
    ("last-month", "previous", "2026-02", "2026-02-01T00:00:00+02:00", "2026-03-01T00:00:00+02:00"),
    # a month a year before, across the DST change of its own year
    ("last-month", "last-year", "2025-03", "2025-03-01T00:00:00+02:00", "2025-04-01T00:00:00+03:00"),
    ("last-week", "previous", "2026-W12", "2026-03-16T00:00:00+02:00", "2026-03-23T00:00:00+02:00"),
    ("last-week", "last-year", "2025-W13", "2025-03-24T00:00:00+02:00", "2025-03-31T00:00:00+03:00"),
    ("2024-03-01..2024-03-07", "previous", "2024-02-23..2024-02-29", "2024-02-23T00:00:00+02:00",
     "2024-03-01T00:00:00+02:00"),
    ("2024-02-29", "last-year", "2023-02-28", "2023-02-28T00:00:00+02:00", "2023-03-01T00:00:00+02:00"),
    ("2026-03", "2025-03", "2025-03", "2025-03-01T00:00:00+02:00", "2025-04-01T00:00:00+03:00"),
    ("2027-01", "previous", "2026-12", "2026-12-01T00:00:00+02:00", "2027-01-01T00:00:00+02:00"),
])
def test_comparison_periods(period, compare, label, since, until):
    p = resolve_comparison(compare, resolve_period(period, HKI, date(2026, 4, 3)), HKI, date(2026, 4, 3))
    assert (p.label, p.as_json()["since"], p.as_json()["until"]) == (label, since, until)


def test_week_53_compares_with_the_last_week_of_the_year_before():
    p = resolve_comparison("last-year", resolve_period("this-week", HKI, date(2026, 12, 31)), HKI, date(2026, 12, 31))
    assert p.label == "2025-W52"  # 2026 has 53 ISO weeks, 2025 has 52


def test_exact_bounds_shift_by_their_wall_clock_span():
    window = resolve_window(None, "2026-03-29T08:00", "2026-03-29T16:00", HKI)
    p = resolve_comparison("previous", window, HKI, date(2026, 4, 3)).as_json()
    assert (p["since"], p["until"]) == ("2026-03-29T00:00:00+02:00", "2026-03-29T08:00:00+03:00")


@pytest.mark.parametrize(("compare", "window", "message"), [
    ("previous", None, "needs a report period"),
    ("yesteryear", resolve_period("2026-03", HKI, date(2026, 4, 3)), "is not a comparison"),
])
def test_bad_comparisons_are_usage_errors(compare, window, message):
    with pytest.raises(UsageError, match=message):
        resolve_comparison(compare, window, HKI, date(2026, 4, 3))


def test_cli_refuses_compare_without_a_period_and_on_stdin():
    done = run_cli("analyze", SAMPLE, *CONFIG, "--compare", "previous", "-f", "json")
    assert done.returncode == 2 and b"needs a report period" in done.stderr and done.stdout == b""
    done = run_cli("analyze", "-", *CONFIG, "--period", "2026-02", "--compare", "previous", stdin=b"x")
    assert done.returncode == 2 and b"stdin" in done.stderr


# --- the numbers ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def february() -> dict:
    return sample("--period", "last-month", "--compare", "previous", env=MARCH)


def test_compare_previous_equals_a_separate_run_on_the_previous_period(february):
    january = sample("--period", "2026-01")
    c = february["comparison"]
    assert c["period"]["label"] == "2026-01" and c["period"]["name"] == "previous" and c["has_data"] is True
    for key in ("summary", "by_company", "by_day", "by_week"):
        assert c[key] == january[key], key
    # the report itself is the February report, unchanged by the comparison
    alone = sample("--period", "2026-02")
    mine = copy.deepcopy(february)
    assert mine["settings"].pop("period")["name"] == "last-month" and alone["settings"].pop("period")
    assert {k: v for k, v in mine.items() if k != "comparison"} == alone
    assert errors(february) == []


def test_deltas_are_this_period_minus_the_comparison(february):
    c = february["comparison"]
    d = c["delta"]["summary"]
    assert set(d) == set(DELTA_KEYS)
    assert d["offered"] == february["summary"]["offered"] - c["summary"]["offered"] == 11259 - 10527
    assert d["service_level_pct"] == round(february["summary"]["service_level_pct"]
                                           - c["summary"]["service_level_pct"], 4)
    nordic = next(r for r in c["delta"]["by_company"] if r["company"] == "Nordic Energy")
    now = next(r for r in february["by_company"] if r["company"] == "Nordic Energy")
    then = next(r for r in c["by_company"] if r["company"] == "Nordic Energy")
    assert nordic["answer_rate_pct"] == round(now["answer_rate_pct"] - then["answer_rate_pct"], 4)
    assert [r["company"] for r in c["delta"]["by_company"]] == [r["company"] for r in february["by_company"]]


def test_a_comparison_period_without_contacts_says_so_and_does_not_fail():
    done = run_cli("analyze", SAMPLE, *CONFIG, "--period", "2026-02", "--compare", "last-year", "-f", "markdown")
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")
    assert "## Compared with 2025-02 (a year before)" in text
    assert "No contacts in the comparison period 2025-02 (a year before) (2025-02-01 – 2025-02-28)" in text
    report = sample("--period", "2026-02", "--compare", "last-year")
    c = report["comparison"]
    assert c["has_data"] is False and c["by_company"] == [] and c["summary"]["offered"] == 0
    assert c["summary"]["service_level_pct"] is None
    assert c["delta"]["summary"]["service_level_pct"] is None  # no service level then: no change, never 0
    assert c["delta"]["summary"]["offered"] == report["summary"]["offered"]
    assert errors(report) == []


def test_change_in_words():
    assert change("offered", 56, 1000) == "+56 (+5.6 %)"
    assert change("offered", -3, 0) == "−3"
    assert change("service_level_pct", 2.14, 70.0) == "+2.1 pp better"
    assert change("abandon_rate_pct", 0.8, 10.0) == "+0.8 pp worse"
    assert change("asa_s", -1.25, 10.0) == "−1.2 s better"
    assert change("aht_s", 2.4, 270.0) == "+2.4 s"  # longer or shorter handling is neither better nor worse
    assert change("csat_mean", -0.004, 3.9) == "no change"
    assert change("csat_mean", -0.04, 3.9) == "−0.04 worse"
    assert change("service_level_pct", None, None) == "—"


# --- the views ------------------------------------------------------------------------------

def test_terminal_shows_marks_on_a_colour_terminal_and_words_when_piped(february):
    from slreport.render.terminal import render_table

    piped = run_cli("analyze", SAMPLE, *CONFIG, "--period", "last-month", "--compare", "previous", "-f", "table",
                    env=MARCH | {"COLUMNS": "200"}).stdout.decode("utf-8")
    assert "Compared with 2026-01 (previous period)" in piped
    assert "−1.7 pp worse" in piped and "+0.1 pp better" in piped and "▼" not in piped
    coloured = io.StringIO()
    render_table(february, coloured, color=True)
    assert "−1.7 pp ▼" in coloured.getvalue() and "+0.1 pp ▲" in coloured.getvalue()


def test_folder_views_show_the_comparison(tmp_path):
    out = tmp_path / "rep"
    done = run_cli("analyze", SAMPLE, *CONFIG, "--period", "last-month", "--compare", "previous", "--out", str(out),
                   "--tables", "xlsx", "--chart-format", "svg", env=MARCH)
    assert done.returncode == 0, done.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Compared with 2026-01 (previous period)" in page and "−1.7 pp worse" in page
    from openpyxl import load_workbook

    book = load_workbook(out / "tables.xlsx")
    about = [[c.value for c in row] for row in book["about"].iter_rows()]
    assert ["comparison", "value is this period's, comparison is 2026-01's (previous), change is value − comparison "
            "(*_pct in percentage points); empty where either has no value"] in about
    sheet = book["comparison"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["company", "metric", "value", "comparison", "change"]
    assert ["All companies", "offered", 11259, 10527, 732] in rows
    svg = (out / "charts" / "all-weekly.svg").read_text(encoding="utf-8")
    assert "service level, 2026-01" in svg  # the comparison period is drawn, and named in the legend
    assert "service level, 2026-01" in (out / "charts" / "nordic-energy-daily.svg").read_text(encoding="utf-8")


def test_monthly_client_folders(tmp_path):
    """The cron job of docs/reports.md: each client's month, its weeks, and the change against its own
    previous month (equal to that client's folder of a run on the previous month)."""
    template = str(tmp_path / "reports" / "{company}" / "{period}")
    done = run_cli("analyze", SAMPLE, *CONFIG, "--period", "last-month", "--compare", "previous",
                   "--split-by", "company", "--out-template", template, "--tables", "xlsx", env=MARCH)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"" and done.stderr == b""  # cron mails only errors
    folders = sorted(p.relative_to(tmp_path / "reports").as_posix() for p in (tmp_path / "reports").glob("*/*"))
    assert folders == ["Aalto Water/2026-02", "Kotikatu Housing/2026-02", "Nordic Energy/2026-02",
                       "Perinta Collections/2026-02"]
    previous = tmp_path / "previous" / "{company}"
    assert run_cli("analyze", SAMPLE, *CONFIG, "--period", "2026-01", "--split-by", "company",
                   "--out-template", str(previous)).returncode == 0
    for folder in folders:
        company = folder.split("/")[0]
        report = json.loads((tmp_path / "reports" / folder / "summary.json").read_text(encoding="utf-8"))
        before = json.loads((tmp_path / "previous" / company / "summary.json").read_text(encoding="utf-8"))
        c = report["comparison"]
        assert c["summary"] == before["summary"] and c["by_company"] == before["by_company"], company
        assert c["delta"]["summary"]["offered"] == report["summary"]["offered"] - before["summary"]["offered"]
        assert [r["week"] for r in report["by_week"] if r["company"] is None] == [
            "2026-W05", "2026-W06", "2026-W07", "2026-W08", "2026-W09"]
        assert (tmp_path / "reports" / folder / "charts").is_dir()
        page = (tmp_path / "reports" / folder / "report.html").read_text(encoding="utf-8")
        assert "Compared with 2026-01 (previous period)" in page and "By week" in page
        assert errors(report) == []


def test_split_company_without_contacts_in_the_comparison_period(tmp_path: Path):
    """A client that had no calls in the comparison period is compared with zeros, said so."""
    data = tmp_path / "calls.csv"
    data.write_text("contact_id,company,arrived_at,wait_s,talk_s,outcome\n"
                    "1,A,2026-01-10T08:00:00Z,5,60,answered\n"
                    "2,A,2026-02-10T08:00:00Z,5,60,answered\n"
                    "3,B,2026-02-11T08:00:00Z,50,,abandoned\n", encoding="utf-8")
    done = run_cli("analyze", str(data), "--tz", HKI, "--period", "2026-02", "--compare", "previous",
                   "--split-by", "company", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    b = json.loads((tmp_path / "out" / "B" / "summary.json").read_text(encoding="utf-8"))
    assert b["comparison"]["has_data"] is False and b["comparison"]["summary"]["offered"] == 0
    assert b["comparison"]["delta"]["summary"]["offered"] == 1
    a = json.loads((tmp_path / "out" / "A" / "summary.json").read_text(encoding="utf-8"))
    assert a["comparison"]["has_data"] is True and a["comparison"]["summary"]["offered"] == 1
    assert "No contacts in the comparison period" in (tmp_path / "out" / "B" / "report.html").read_text("utf-8")


def test_an_empty_period_of_an_input_with_rejected_rows_is_a_report_of_zeros(tmp_path: Path):
    """Rows the period leaves out are usable: an empty (comparison) period is not "no usable row", so the
    first rejected row's error is not raised for it; an input with no usable row at all still fails."""
    data = tmp_path / "calls.csv"
    data.write_text("contact_id,company,arrived_at,wait_s,talk_s,outcome\n"
                    "1,A,2026-02-10T08:00:00Z,5,60,answered\n"
                    "2,A,not a time,5,60,answered\n", encoding="utf-8")
    done = run_cli("analyze", str(data), "--tz", "UTC", "--period", "2026-02", "--compare", "previous",
                   "-f", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["comparison"]["has_data"] is False
    done = run_cli("analyze", str(data), "--tz", "UTC", "--period", "2026-01", "-f", "json")
    assert done.returncode == 5 and b"no contacts in 2026-01" in done.stderr
    data.write_text("contact_id,company,arrived_at,wait_s,talk_s,outcome\n2,A,not a time,5,60,answered\n",
                    encoding="utf-8")
    done = run_cli("analyze", str(data), "--tz", "UTC", "-f", "json")
    assert done.returncode == 1 and b"calls.csv:2: a timestamp could not be read" in done.stderr


def test_compare_is_a_usage_error_on_spark():
    done = run_cli("analyze", SAMPLE, *CONFIG, "--compare", "2026-01", "--engine", "spark")
    assert done.returncode == 2 and b"--compare is not available with --engine spark" in done.stderr


def test_the_library_gives_the_cli_json(february):
    from slreport.options.analyze import AnalyzeArgs, InputArgs, PeriodArgs, resolve
    from slreport.pipeline import analyze

    args = AnalyzeArgs(InputArgs((SAMPLE,)), config=CONFIG[1], period=PeriodArgs("2026-02", compare="2026-01"))
    request = resolve(args, ROOT)
    report = analyze([SAMPLE], request.settings, request.run, request.compare)
    assert report["comparison"]["delta"] == february["comparison"]["delta"]
    assert report["comparison"]["summary"] == february["comparison"]["summary"]


def test_a_converted_dataset_compares_as_the_export_does(tmp_path, february):
    """A Parquet dataset read in place: the comparison reads only its period's months, same numbers."""
    done = run_cli("convert", SAMPLE, "--tz", HKI, "--to", str(tmp_path / "ds"))
    assert done.returncode == 0, done.stderr
    done = run_cli("analyze", str(tmp_path / "ds"), *CONFIG, "--period", "last-month", "--compare", "previous",
                   "-f", "json", env=MARCH)
    assert done.returncode == 0, done.stderr
    comparison = json.loads(done.stdout)["comparison"]
    for key in ("summary", "by_company", "delta"):
        assert comparison[key] == february["comparison"][key], key
