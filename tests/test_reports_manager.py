"""report.html as a manager reads it: each company's own targets, every section with data, plain
words, and a page that fits the window and A4 (checked in a real headless Chromium)."""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

import pytest

from slreport.sections import SECTIONS, words
from tests.browser import A4_PRINT_WIDTH, find_chromium, load_page
from tests.conftest import ROOT, run_cli

SAMPLE = ROOT / "sample_data" / "calls.csv"
CONFIG = ROOT / "sample_data" / "slreport.toml"
BROWSER = find_chromium()


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("manager") / "rep"
    result = run_cli("analyze", str(SAMPLE), "--config", str(CONFIG), "--out", str(target))
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def split_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("manager-split") / "clients"
    result = run_cli("analyze", str(SAMPLE), "--config", str(CONFIG), "--split-by", "company", "--out", str(target))
    assert result.returncode == 0, result.stderr
    return target


def visible_text(page: str) -> str:
    """The page's text as a reader sees it, without the charts' SVG (their text is drawn)."""
    page = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    # no-break spaces (between thousands) are kept: they are what the reader sees
    return re.sub(r"[ \t\r\n]+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", page)))


def cards(page: str) -> dict[str, str]:
    """Each scorecard's text, by the company's name."""
    found = re.findall(r'<div class="card[^"]*">(.*?)</div>\s*(?=<div class="card|</div>\s*</section>)', page, re.S)
    out = {}
    for card in found:
        text = visible_text(card).strip()
        name = re.search(r"<h3>([^<]+)</h3>", card)
        assert name, card
        out[htmllib.unescape(name.group(1))] = text
    return out


def test_each_card_states_its_companys_own_target_method_and_verdict(sample_dir):
    page = (sample_dir / "report.html").read_text(encoding="utf-8")
    found = cards(page)
    assert list(found) == ["All companies", "Aalto Water", "Kotikatu Housing", "Nordic Energy", "Perinta Collections"]
    assert "Service level target 90/30: missed" in found["Nordic Energy"]  # 85.5 % against its own 90 %
    assert "90 % answered within 30 s; method negative" in found["Nordic Energy"]
    assert "Service level target 80/60: met" in found["Perinta Collections"]
    assert "Service level target 80/20: missed" in found["Kotikatu Housing"]
    assert "Answer rate 89.8 % (target at least 90 %): missed" in found["Nordic Energy"]
    total = found["All companies"]
    assert "no target of its own" in total and "21\u00a0786" in total and "78.7" in total
    assert "no calls" not in total and "met" not in total.replace("method", "")


def test_every_section_with_data_has_its_html_section(sample_dir):
    report = json.loads((sample_dir / "summary.json").read_text(encoding="utf-8"))
    page = (sample_dir / "report.html").read_text(encoding="utf-8")
    headings = [htmllib.unescape(h) for h in re.findall(r"<h2>([^<]+)</h2>", page)]
    for section in SECTIONS:
        if section.name == "envelope":  # settings and period: the page's header
            continue
        has_data = not section.keys or any(report.get(k) for k in section.keys)
        if not has_data:
            continue
        assert section.html is not None, f"section {section.name} has data but no report.html view"
        blocks = section.html(report)
        assert blocks, f"section {section.name} has data but shows nothing in report.html"
        for block in blocks:
            assert block.heading in headings, (section.name, block.heading)
            assert f'id="{block.anchor}"' in page and f'href="#{block.anchor}"' in page  # and in the contents


def test_the_page_speaks_words_not_keys(sample_dir):
    text = visible_text((sample_dir / "report.html").read_text(encoding="utf-8"))
    for key in ("service_level_pct", "asa_s", "abandon_rate_pct", "share_pct", "comparison", "baseline_offered",
                "outside_hours_answered", "True", "False", "None", "✓", "✗"):
        assert key not in text, key
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text)  # no ISO timestamps
    assert "Wed 11 Feb 2026" in text  # Nordic's busy day, in the unusual days and the peaks
    assert "Wed 11 Feb 2026, 10:00–11:00" in text  # the busiest interval of all companies
    # the contacts outside opening hours: how many, left out of what, and why; the sum adds up on screen
    assert "2\u00a0171 of 23\u00a0957 contacts (9.1 %) arrived while the company was closed" in text
    assert "left out of the service level" in text and "opening hours" in text
    assert "23\u00a0957 contacts used = 21\u00a0786 calls offered while open + 2\u00a0171 outside opening hours" in text
    assert "lower bound" in text  # what "agents seen" means, beside the staffing table


def test_a_client_folder_shows_only_its_companys_own_target(split_dir):
    for company, own in (("Nordic Energy", "90/30"), ("Perinta Collections", "80/60")):
        page = (split_dir / company / "report.html").read_text(encoding="utf-8")
        found = cards(page)
        assert list(found) == [company]
        assert f"Service level target {own}" in found[company]
        text = visible_text(page)
        assert "80/20" not in text.replace(own, "") or own == "80/20"
        assert f"{own} % of calls" not in text  # the header says it in words
        assert f"{own.split('/')[0]} % of calls answered within {own.split('/')[1]} s" in text


@pytest.mark.parametrize(("iso", "minutes", "expected"), [
    ("2026-02-11T10:00:00+02:00", 60, "Wed 11 Feb 2026, 10:00–11:00"),
    ("2026-03-29T02:00:00+02:00", 60, "Sun 29 Mar 2026, 02:00–04:00"),  # the hour the clocks go forward
    ("2026-10-25T03:00:00+03:00", 60, "Sun 25 Oct 2026, 03:00–03:00"),  # and back: 03:00+03 to 03:00+02
    ("2026-02-11T23:45:00+02:00", 15, "Wed 11 Feb 2026, 23:45–00:00"),
])
def test_intervals_read_in_local_wall_time_across_dst(iso, minutes, expected):
    assert words.interval(iso, minutes, "Europe/Helsinki") == expected


def test_a_chosen_period_is_said_in_days(tmp_path):
    result = run_cli("analyze", str(SAMPLE), "--config", str(CONFIG), "--period", "2026-02", "--out",
                     str(tmp_path / "feb"))
    assert result.returncode == 0, result.stderr
    text = visible_text((tmp_path / "feb" / "report.html").read_text(encoding="utf-8"))
    assert "Period 2026-02: Sun 1 Feb 2026 – Sat 28 Feb 2026" in text
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text)


def test_a_period_without_contacts_says_so_on_the_page(tmp_path):
    result = run_cli("analyze", str(SAMPLE), "--config", str(CONFIG), "--period", "2026-06", "--out",
                     str(tmp_path / "june"))
    assert result.returncode == 5, result.stderr  # no contacts in the period (the report is still written)
    text = visible_text((tmp_path / "june" / "report.html").read_text(encoding="utf-8"))
    assert "No contacts in this period" in text


def test_words_for_verdicts_and_days():
    assert words.period("2026-02-01T08:00:00+02:00", None) == "from Sun 1 Feb 2026, 08:00 to the last contact"
    assert [words.verdict(v) for v in (True, False, None)] == ["met", "missed", "no data"]
    assert words.day("2026-01-06") == "Tue 6 Jan 2026" and words.day(None) == "—"
    assert words.company(None) == "All companies"
    assert words.value("ratio", 1.6252) == "1.63×" and words.value("baseline_offered", 507.0) == "507"
    with pytest.raises(KeyError):
        words.label("not_a_metric")


needs_browser = pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine (.ci/run installs it)")


@needs_browser
@pytest.mark.parametrize("width", [1400, 800])
def test_the_page_fits_the_window_with_every_heading_and_nothing_fetched(sample_dir, width, tmp_path):
    page = sample_dir / "report.html"
    expected = [htmllib.unescape(h) for h in re.findall(r"<h2>([^<]+)</h2>", page.read_text(encoding="utf-8"))]
    loaded = load_page(BROWSER, page, width=width, height=900)
    (tmp_path / f"report-{width}.png").write_bytes(loaded.screenshot_png)  # kept for a person to look at
    layout = loaded.layout
    assert layout["page"] <= layout["window"], layout  # no horizontal scroll bar for the whole page
    assert layout["sticking_out"] == [], layout
    assert layout["headings"] == expected and len(expected) >= 17
    assert loaded.console_errors == [] and loaded.failed == []
    assert [r for r in loaded.requests if not r.startswith("data:")] == [page.resolve().as_uri()]
    if width == 1400:
        assert layout["scroll_boxes"] == 0  # at 1400 px every table fits whole


@needs_browser
def test_the_page_prints_on_a4_without_cutting_a_table(sample_dir):
    loaded = load_page(BROWSER, sample_dir / "report.html", width=A4_PRINT_WIDTH, height=1000, media="print")
    assert loaded.layout["sticking_out"] == [] and loaded.layout["page"] <= loaded.layout["window"]
    boxes = re.findall(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", loaded.pdf)
    assert boxes and {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}  # A4 in points
