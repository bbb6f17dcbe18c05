"""The report's sections (slreport/sections/): one declaration each, and every view draws from it.

The schema is generated from the sections' fragments and validates reports of several option
sets; every section has a heading, docs and a schema fragment, and shows in each view it
declares; weekly totals (the section added the new way) are checked against hand-computed numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from slreport.sections import SECTIONS, chart_specs, html_blocks, overview_specs, table_rows, text_blocks
from slreport.sections.blocks import Lines, Table, Text, as_is
from slreport.sections.contract import report_schema, schema_text
from slreport.sections.schema import SCHEMA_FILE
from tests.conftest import ROOT, run_cli
from tests.golden import visible_text

EXPECTED = Path(__file__).resolve().parent / "expected"
SAMPLE = str(ROOT / "sample_data" / "calls.csv")
CONFIG = ("--config", str(ROOT / "sample_data" / "slreport.toml"))
DOCS = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(report_schema(), format_checker=jsonschema.FormatChecker())


def errors(report: dict) -> list[str]:
    return [f"{list(e.absolute_path)[:4]}: {e.message[:200]}" for e in validator().iter_errors(report)]


def analyze_json(*args: str) -> dict:
    done = run_cli("analyze", *args, "-f", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# --- the schema ---------------------------------------------------------------------------

def test_the_shipped_schema_is_the_one_the_sections_generate():
    jsonschema.Draft202012Validator.check_schema(report_schema())
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), "run python -m slreport.sections --schema"


def test_every_top_level_key_and_section_key_has_a_schema():
    properties = report_schema()["properties"]
    assert report_schema()["additionalProperties"] is False  # a key without a fragment fails validation
    for section in SECTIONS:
        assert set(section.keys) <= set(properties), section.name
    for name in ("config.json", "by-queue-repeat.json", "plain-ignore-15min.json", "february-positive.json"):
        report = json.loads((EXPECTED / name).read_text(encoding="utf-8"))
        assert set(report) <= set(properties), name


@pytest.mark.parametrize("name", ["config.json", "by-queue-repeat.json", "plain-ignore-15min.json",
                                  "february-positive.json"])
def test_the_golden_reports_validate(name):
    assert errors(json.loads((EXPECTED / name).read_text(encoding="utf-8"))) == []


def test_an_empty_input_validates(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("arrived_at,outcome\n", encoding="utf-8")
    assert errors(analyze_json(str(empty), "--tz", "UTC")) == []


def test_a_split_report_with_its_scope_validates(tmp_path):
    done = run_cli("analyze", SAMPLE, *CONFIG, "--split-by", "company", "--out", str(tmp_path / "r"))
    assert done.returncode == 0, done.stderr
    found = sorted((tmp_path / "r").glob("*/summary.json"))
    assert len(found) == 4
    for path in found:
        report = json.loads(path.read_text(encoding="utf-8"))
        assert report["scope"]["split_by"] == "company"
        assert errors(report) == [], path


def test_the_schema_rejects_a_wrong_value_in_a_section():
    report = json.loads((EXPECTED / "config.json").read_text(encoding="utf-8"))
    report["by_week"][0]["week"] = "2026-02-03"  # a day, not an ISO week
    report["unusual_days"]["days"][0]["kind"] = "odd"
    found = errors(report)
    assert len(found) == 2 and any("by_week" in e for e in found) and any("unusual_days" in e for e in found)


# --- every section: declared once, shown where it says --------------------------------------

def test_every_section_has_a_heading_docs_and_a_schema_fragment():
    for section in SECTIONS:
        assert section.heading and section.schema, section.name
        assert (ROOT / section.doc).exists(), section.doc
        assert f"| {section.heading} |" in DOCS, f"docs/reports.md: no row for section {section.heading!r}"
        for key in section.keys:
            assert f"`{key}`" in DOCS, f"docs/reports.md does not name key {key!r}"


@pytest.fixture(scope="module")
def every_view(tmp_path_factory) -> dict[str, object]:
    """A report with data for every section (--by gives by_group, --compare the comparison), and its views."""
    args = (SAMPLE, "--by", "company,queue", "--compare", "2026-01")
    cwd = tmp_path_factory.mktemp("views")  # the sample's slreport.toml picked up from there: the footer shows too
    (cwd / "slreport.toml").write_bytes((ROOT / "sample_data" / "slreport.toml").read_bytes())
    out = cwd / "rep"
    views = {fmt: run_cli("analyze", *args, "-f", fmt, cwd=cwd) for fmt in ("json", "table", "markdown")}
    folder = run_cli("analyze", *args, "--out", str(out), cwd=cwd)
    for done in [*views.values(), folder]:
        assert done.returncode == 0, done.stderr
    return {"report": json.loads(views["json"].stdout), "table": views["table"].stdout.decode("utf-8"),
            "markdown": views["markdown"].stdout.decode("utf-8"), "folder": out,
            "html": visible_text((out / "report.html").read_text(encoding="utf-8"))}


def test_every_section_computes_its_keys(every_view):
    report = every_view["report"]
    assert list(report) == [k for s in SECTIONS for k in s.keys]  # all of them, in the sections' order


def test_every_section_shows_in_the_terminal_and_markdown(every_view):
    report = every_view["report"]
    for section in (s for s in SECTIONS if s.text):
        blocks = section.text(report, as_is)
        assert blocks, section.name
        for block in blocks:
            for text in [block.title, *_texts(block.items)]:
                assert text in every_view["table"], (section.name, text)
                assert text in every_view["markdown"], (section.name, text)
    assert len(text_blocks(report)) < sum(len(s.text(report, as_is)) for s in SECTIONS if s.text)  # peaks merged


def _texts(items: list) -> list[str]:
    found: list[str] = []
    for item in items:
        if isinstance(item, Text):
            found.append(item.text)
        elif isinstance(item, Lines):
            found += item.lines
        elif isinstance(item, Table):
            found += [item.title, *item.headers, *item.rows[0]] if item.rows else [item.title]
    return [t for t in found if t]


def test_every_section_with_html_shows_in_report_html(every_view):
    report, page = every_view["report"], every_view["html"]
    assert html_blocks(report)
    for section in (s for s in SECTIONS if s.html):
        blocks = section.html(report)
        assert blocks, section.name
        for block in blocks:
            assert block.heading in page, (section.name, block.heading)
            for table in block.tables:
                assert " | ".join(["", *table.headers]).strip() in page, (section.name, table.headers)


def test_every_section_with_charts_or_tables_writes_them(every_view):
    report, folder = every_view["report"], every_view["folder"]
    for section in SECTIONS:
        if section.charts:
            assert any(section.charts(report, c) for c in [None, "Aalto Water"]), section.name
        if section.tables:
            names = section.tables(report, {"intervals": [], "staffing": []})
            assert names, section.name
            for name in names:
                assert (folder / f"{name}.csv").exists(), name
    charts = {p.stem for p in (folder / "charts").iterdir()}
    assert {f"all-{spec.kind}" for spec in chart_specs(report, None)} <= charts
    assert {f"aalto-water-{spec.kind}" for spec in chart_specs(report, "Aalto Water")} <= charts
    assert "overview-service-level" in charts
    assert [s.kind for s in overview_specs(report)] == ["service-level"]
    assert set(table_rows(report, {"intervals": [], "staffing": []})) == {p.stem for p in folder.glob("*.csv")}


# --- weekly totals, by hand -----------------------------------------------------------------

WEEK_CALLS = """contact_id,company,arrived_at,wait_s,talk_s,outcome
1,A,2025-12-28T10:00:00Z,5,60,answered
2,A,2025-12-28T23:30:00Z,30,60,answered
3,B,2025-12-31T09:00:00Z,10,,abandoned
4,A,2026-01-07T09:00:00Z,10,60,answered
"""


def test_weekly_totals_are_iso_weeks_of_the_local_day(tmp_path):
    """Helsinki is UTC+2 in winter: call 2 (Sunday 23:30 UTC) arrives Monday 2025-12-29 01:30, in
    ISO week 2026-W01 with call 3 (Wednesday 31 December); call 1 is Sunday 28th, 2025-W52. With
    80/20 and abandons counted (negative method): W01 has call 2 answered after 30 s and call 3
    abandoned, 0 of 2 within 20 s."""
    path = tmp_path / "weeks.csv"
    path.write_text(WEEK_CALLS, encoding="utf-8")
    report = analyze_json(str(path), "--tz", "Europe/Helsinki", "--sl", "80/20")
    weeks = [(r["company"], r["week"], r["offered"], r["answered"], r["abandoned"], r["service_level_pct"])
             for r in report["by_week"]]
    assert weeks == [
        (None, "2025-W52", 1, 1, 0, 100.0), (None, "2026-W01", 2, 1, 1, 0.0), (None, "2026-W02", 1, 1, 0, 100.0),
        ("A", "2025-W52", 1, 1, 0, 100.0), ("A", "2026-W01", 1, 1, 0, 0.0), ("A", "2026-W02", 1, 1, 0, 100.0),
        ("B", "2025-W52", 0, 0, 0, None), ("B", "2026-W01", 1, 0, 1, 0.0), ("B", "2026-W02", 0, 0, 0, None),
    ]
    assert errors(report) == []
    markdown = run_cli("analyze", str(path), "--tz", "Europe/Helsinki", "-f", "markdown").stdout.decode("utf-8")
    assert "## By week (all companies)\n\n| Week | Offered | Answered | Abandoned | SL % |" in markdown
    assert "| 2026-W01 | 2 | 1 | 1 | 0.0 |" in markdown


def test_weekly_totals_add_up_to_the_summary():
    report = json.loads((EXPECTED / "config.json").read_text(encoding="utf-8"))
    overall = [r for r in report["by_week"] if r["company"] is None]
    for key in ("offered", "answered", "abandoned"):
        assert sum(r[key] for r in overall) == report["summary"][key]
        assert sum(r[key] for r in report["by_week"] if r["company"] is not None) == report["summary"][key]


def test_sl_policy_is_each_companys_own_and_none_for_a_mixed_total():
    from slreport.sections.text import sl_policy

    def company(name: str, sl: str, in_data: bool = True) -> dict:
        return {"company": name, "service_level": sl, "sl_method": "negative", "in_data": in_data}

    settings = {"target_pct": 80.0, "threshold_s": 20, "sl_method": "negative",
                "companies": [company("A", "90/30"), company("B", "80/60"), company("C", "70/10", in_data=False)]}
    report = {"settings": settings}
    assert sl_policy(report, "A") == (90.0, 30, "negative")
    assert sl_policy(report, "B") == (80.0, 60, "negative")
    assert sl_policy(report, "unconfigured") == (80.0, 20, "negative")  # the defaults
    assert sl_policy(report, None) is None  # A and B differ: the total has no target of its own
    settings["companies"] = [company("A", "90/30"), company("C", "70/10", in_data=False)]
    assert sl_policy(report, None) == (90.0, 30, "negative")  # only A has contacts
