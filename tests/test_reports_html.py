"""report.html: self-contained, escaped, and loading in a real headless Chromium without errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from slreport.folder import figures, html
from slreport.sections.service_level import targets_html
from tests.browser import find_chromium, load_page
from tests.conftest import DATA, HEADER, run_cli

CALLS = DATA / "reports" / "calls.csv"


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("html") / "rep"
    result = run_cli("analyze", str(CALLS), "--tz", "Europe/Helsinki", "--out", str(target))
    assert result.returncode == 0, result.stderr
    return target


def test_page_is_self_contained(report_dir):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    # nothing to fetch: only in-page references and data: URIs (the heat map's raster)
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!#|data:)""", page)
    assert not re.search(r"url\((?!#)", page) and "@import" not in page
    report = json.loads((report_dir / "summary.json").read_text(encoding="utf-8"))
    kinds = {c.kind for c in figures.chart_list(report)}
    assert {"overview", "hourly", "daily", "waits", "weekday-hour", "patience", "staffing"} <= kinds
    assert page.count("<svg") == len(figures.chart_list(report))  # every chart, inline
    assert "@page { size: A4" in page


def test_header_scorecards_tables_and_quality_account(report_dir):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    for expected in (
        "2024-03-29 – 2024-04-01 · Europe/Helsinki", "Alpha Oy, Beta Oy", "80 % of calls answered within 20 s",
        "negative", "≤ 5 s (left out of the service level)", "Summary", "Data quality",
        "14 rows read = 14 contacts used + 0 rejected + 0 ignored", "By hour of day",
    ):
        assert expected in page, expected
    cards = re.findall(r'<div class="card (met|missed|)">\s*<h3>([^<]+)</h3>', page)
    assert [name for _, name in cards] == ["All companies", "Alpha Oy", "Beta Oy"]
    # the total has no target of its own: no verdict colour; each company has its own
    assert [state for state, _ in cards][0] == "" and all(state in ("met", "missed") for state, _ in cards[1:])


def test_chart_ids_are_unique_on_the_page(report_dir):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids))
    for ref in set(re.findall(r'url\(#([^)]+)\)', page)):
        assert ref in ids


def test_every_value_is_escaped(write_csv, tmp_path):
    evil = write_csv("evil.csv", HEADER, '1,<script>alert(1)</script>,,2024-01-01T08:00:00Z,3,10,answered')
    result = run_cli("analyze", str(evil), "--tz", "UTC", "--out", str(tmp_path / "rep"))
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_targets_read_as_sentences_parts_with_the_companys_own_service_level():
    def target(metric: str, comparison: str, goal: float, actual: float | None, met: bool | None) -> dict:
        return {"company": "A", "metric": metric, "comparison": comparison, "target": goal, "actual": actual,
                "met": met}

    report = {"settings": {"companies": [{"company": "A", "service_level": "90/30"}]}, "targets": [
        target("service_level_pct", ">=", 90.0, 85.5, False), target("abandon_rate_pct", "<=", 10.0, 6.0, True),
        target("nps", ">=", 10.0, None, None)]}
    [block] = targets_html(report)
    assert block.heading == "Targets" and block.intro == ["1 of 3 targets missed."]
    assert block.tables[0].rows == [["A", "Service level 90/30", "at least 90 %", "85.5 %", "missed"],
                                    ["A", "Abandon rate", "at most 10 %", "6.0 %", "met"],
                                    ["A", "NPS", "at least 10", "—", "no data"]]
    assert targets_html({"targets": []}) == []


def test_many_companies_keep_the_page_small():
    assert figures.HTML_COMPANY_CHARTS_MAX == 8
    chart = figures.Chart("x-hourly", "X", "hourly", "X", lambda fmt: b"<svg></svg>")
    assert html.chart_groups([chart], 9) == [] and len(html.chart_groups([chart], 8)) == 1


def test_past_eight_companies_the_page_points_to_the_chart_files(write_csv):
    from tests.conftest import run_analyze

    rows = [f"{i},C{i},,2024-01-01T08:0{i}:00Z,3,10,answered" for i in range(9)]
    report = run_analyze([write_csv("nine.csv", HEADER, *rows)])
    charts = figures.chart_list(report)
    assert {c.company for c in charts} == {None, *[f"C{i}" for i in range(9)]}
    page = html.report_html(report, charts)
    assert "Each company&#39;s own charts are in the charts/ folder" in page  # escaped like every value
    shown = [c for c in charts if c.company is None]  # overview and the all-companies set only
    assert {c.kind for c in shown} >= {"overview", "hourly", "waits"} and "daily" not in {c.kind for c in shown}
    assert page.count("<svg") == len(shown)  # one day: no daily chart


BROWSER = find_chromium()


@pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine (.ci/run installs Debian's chromium "
                                            "where it can; the browser check of report.html is skipped)")
def test_report_loads_in_headless_chromium_without_errors(report_dir, tmp_path):
    loaded = load_page(BROWSER, report_dir / "report.html")
    fetched = [r for r in loaded.requests if not r.startswith("data:")]  # in-page data (the heat map raster)
    assert fetched == [(report_dir / "report.html").resolve().as_uri()]  # the page itself, nothing else
    assert loaded.failed == [] and loaded.console_errors == []
    assert loaded.screenshot_png.startswith(b"\x89PNG")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", loaded.pdf))
    assert pages >= 3  # printed on A4: header and scorecards, charts per scope, tables
    (tmp_path / "report.png").write_bytes(loaded.screenshot_png)  # kept for a person to look at


@pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine: nothing to check the checker with")
def test_the_browser_check_does_see_failures(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><img src="missing.png"><img src="http://example.invalid/a.png">'
                   '<script>console.error("boom")</script>', encoding="utf-8")
    loaded = load_page(BROWSER, bad)
    assert len(loaded.requests) == 3 and len(loaded.failed) == 2
    assert "boom" in loaded.console_errors
