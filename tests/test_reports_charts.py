"""Chart drawing functions with hand-built inputs, and the adapters that feed them from a report."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from slreport.folder import charts, figures
from slreport.sections import patience, peaks, service_level, staffing
from tests.conftest import ROOT, run_cli

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def svg_text(data: bytes) -> str:
    text = data.decode("utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    return text


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_MAGIC)
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_hourly_chart_has_title_when_units_and_target():
    data = charts.hourly_offered_sl([8, 9, 10], [10, 30, 0], [90.0, 70.5, None], 80, "X — by hour", "2024-03-31")
    text = svg_text(data)
    for expected in ("X — by hour", "2024-03-31", "calls offered", "service level (%)", "SL target 80 %",
                     "hour of day (local time, hour starting)", ">08<", ">10<"):
        assert expected in text, expected
    width, height = png_size(charts.hourly_offered_sl([8], [1], [None], None, "t", fmt="png"))
    assert (width, height) == (990, 462)  # 9 × 4.2 in at 110 dpi


def test_charts_are_byte_stable():
    draw = lambda: charts.daily_offered_sl(["2024-03-30", "2024-03-31"], [5, 7], [50.0, None], 80, "t", "w")  # noqa: E731
    assert draw() == draw()


def test_daily_chart_marks_unusual_days_and_labels_only_mondays_on_long_periods():
    days = [f"2024-03-{d:02d}" for d in range(1, 32)]
    text = svg_text(charts.daily_offered_sl(days, [1] * 31, [80.0] * 31, 80, "t", unusual=["2024-03-13"]))
    assert "unusual day" in text
    labels = re.findall(r">((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+\.\d+\.)<", text)
    assert labels == ["Mon 4.3.", "Mon 11.3.", "Mon 18.3.", "Mon 25.3."]
    plain = svg_text(charts.daily_offered_sl(days[:3], [1, 2, 3], [None] * 3, 80, "t"))
    assert "unusual day" not in plain and "Fri 1.3." in plain


def test_heatmap_takes_a_7_by_24_matrix_with_blanks():
    matrix = [[None if h < 8 else float(w * h) for h in range(24)] for w in range(7)]
    text = svg_text(charts.weekday_hour_heatmap(matrix, "Heat", "March", unit="calls per hour (mean)"))
    for expected in ("Heat", "Mon", "Sun", "calls per hour (mean)", "hour of day"):
        assert expected in text


def test_wait_chart_marks_the_threshold_and_states_the_hidden_tail():
    from_s = list(range(0, 305, 5))
    answered = [100] * 10 + [0] * 50 + [3]
    abandoned = [5] * 61
    text = svg_text(charts.wait_distribution(from_s, answered, abandoned, 20, "Waits", "w"))
    assert "SL threshold 20 s" in text and "answered" in text and "abandoned" in text
    hidden = re.search(r"; (\d+) longer waits not shown", text)
    assert hidden is not None and int(hidden.group(1)) > 0


def test_patience_staffing_and_overview_charts():
    assert "median patience 48 s" in svg_text(charts.patience_curve([(0, 100), (30, 60), (90, 20)], 48, "P"))
    rows = [("08:00", 3, 2), ("08:30", 4, 4), ("09:00", None, 1)]
    text = svg_text(charts.agents_needed_vs_seen(rows, "Staff", "Mon"))
    assert "agents needed for the target" in text and "fewer agents seen than needed" in text and "08:30" in text
    assert "agents seen answering (at least)" in text
    names = [f"C{i}" for i in range(40)]
    targets = [(80.0, 20)] * 40
    met = [i >= 80 for i in range(40)]
    many = svg_text(charts.company_sl_overview(names, [float(i) for i in range(40)], [10] * 40, targets, met,
                                               "Overview"))
    assert "the 30 furthest below target of 40 companies" in many
    assert "C0 (10 calls)" in many and "C39 (10 calls)" not in many  # furthest below first; the best are cut
    assert "target missed" in many and "the company's own SL target" in many
    assert "target met" not in many  # no company shown met its target: no entry for it


def test_unknown_chart_format_is_refused():
    with pytest.raises(ValueError):
        charts.patience_curve([(0, 100)], None, "P", fmt="jpg")


def test_charts_never_write_to_stdout_and_import_matplotlib_lazily():
    code = (
        "import sys, slreport.folder.charts as c, slreport.folder.figures\n"
        "assert 'matplotlib' not in sys.modules\n"
        "c.patience_curve([(0, 100), (5, 50)], 5, 'P', fmt='png')\n"
        "assert 'matplotlib' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b""


# --- adapters ---------------------------------------------------------------------------------

def tiny_report(**sections):
    hours = [{"company": c, "hour": h, "offered": 2 if 9 <= h <= 10 else 0,
              "service_level_pct": 50.0 if 9 <= h <= 10 else None} for c in (None, "A", "B") for h in range(24)]
    days = [{"company": c, "day": d, "offered": 1, "service_level_pct": 100.0}
            for c in (None, "A", "B") for d in ("2024-03-30", "2024-03-31")]
    report = {
        "settings": {"timezone": "UTC", "target_pct": 80.0, "threshold_s": 20, "service_level": "80/20",
                     "sl_method": "negative"},
        "period": {"first_arrival": "2024-03-30T09:00:00+00:00", "last_arrival": "2024-03-31T10:00:00+00:00"},
        "by_company": [{"company": "A", "offered": 2, "service_level_pct": 50.0},
                       {"company": "B", "offered": 2, "service_level_pct": 50.0}],
        "summary": {"offered": 4, "service_level_pct": 50.0},
        "by_hour": hours, "by_day": days,
    }
    return report | sections


def test_hourly_adapter_trims_the_quiet_night():
    assert service_level.hourly_series(tiny_report(), "A") == ([9, 10], [2, 2], [50.0, 50.0])
    assert service_level.hourly_series(tiny_report(), "nobody") is None


def test_charts_appear_only_for_data_that_is_present():
    kinds = [(c.company, c.kind) for c in figures.chart_list(tiny_report())]
    assert kinds[0] == (None, "overview")
    assert {k for _, k in kinds} == {"overview", "hourly", "daily"}
    assert [c for c, _ in kinds].count("A") == 2
    # The shapes the peaks and staffing sections write (docs/peaks.md, docs/staffing.md).
    week = [{"company": None, "weekday": d, "days": 1, "offered_per_day": [0.0] * 9 + [2.5] + [0.0] * 14}
            for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
    more = tiny_report(
        weekday_hour=week,
        patience=[{"company": None, "abandoned": 3, "median_patience_s": 7,
                   "curve": [{"wait_s": 0, "survival": 1.0}, {"wait_s": 9, "survival": 0.4}]}],
        staffing_profile=[{"company": "A", "weekday": "Sat", "time": "09:00", "mean_offered": 1.5,
                           "required_c": 2, "mean_agents_seen": 1.0},
                          {"company": "A", "weekday": "Sat", "time": "10:00", "mean_offered": 0.0,
                           "required_c": 0, "mean_agents_seen": None}],
        unusual_days={"days": [{"company": None, "day": "2024-03-31", "kind": "busy"}]},
    )
    listed = {(c.company, c.kind): c for c in figures.chart_list(more)}
    assert {(None, "weekday-hour"), (None, "patience"), ("A", "staffing")} <= set(listed)
    assert ("B", "staffing") not in listed and (None, "staffing") not in listed
    assert peaks.weekday_hour_matrix(more, None)[0][9] == 2.5
    assert patience.patience_points(more, None) == ([(0, 100.0), (9, 40.0)], 7)
    assert staffing.staffing_rows(more, "A") == [("Sat 09:00", 2, 1.0)]  # slots without calls left out
    assert service_level.unusual_days(more, None) == ["2024-03-31"]
    for chart in listed.values():  # every listed chart draws
        assert chart.render("svg").startswith(b"<?xml")


def test_one_company_gets_one_chart_set_named_after_it():
    report = tiny_report(by_company=[{"company": "A", "offered": 2, "service_level_pct": 50.0}])
    charts_ = figures.chart_list(report)
    assert {c.company for c in charts_} == {"A"} and charts_[0].title.startswith("A — ")


def test_slugs_are_safe_and_unique():
    assert figures.slug("Nordic Energy Ää") == "nordic-energy-aa"
    assert figures.slug("../../etc") == "etc" and figures.slug("///") == "company"
    report = tiny_report(by_company=[{"company": "Ä", "offered": 1, "service_level_pct": 1.0},
                                     {"company": "A", "offered": 1, "service_level_pct": 1.0}])
    names = [c.name for c in figures.chart_list(report)]
    assert len(names) == len(set(names))


def test_png_and_svg_are_both_drawable_from_one_chart():
    chart = figures.chart_list(tiny_report())[1]
    assert chart.render("png").startswith(PNG_MAGIC)
    assert io.BytesIO(chart.render("svg")).read(5) == b"<?xml"


def test_a_one_day_report_has_no_daily_chart():
    report = tiny_report()
    report["by_day"] = [r for r in report["by_day"] if r["day"] == "2024-03-31"]
    assert service_level.daily_series(report, None) is None
    assert "daily" not in {c.kind for c in figures.chart_list(report)}


def test_the_when_line_names_whole_days_inclusively():
    def when(since, until):
        return figures.when_line(tiny_report(settings=tiny_report()["settings"] | {
            "period": {"since": since, "until": until}}))

    assert when("2024-03-25T00:00:00+02:00", "2024-04-01T00:00:00+03:00") == "2024-03-25 – 2024-03-31 · UTC"
    assert when("2024-03-31T00:00:00+02:00", "2024-04-01T00:00:00+03:00") == "2024-03-31 · UTC"
    assert when("2024-03-31T08:00:00+03:00", None) == "2024-03-31 08:00 – before … · UTC"
    assert figures.when_line(tiny_report()) == "2024-03-30 – 2024-03-31 · UTC"  # no period: first..last arrival


# --- each company's own policy, on the sample with its slreport.toml (issue 20) ------------------

SAMPLE_REPORT = ROOT / "tests" / "expected" / "config.json"  # the sample with its slreport.toml (tests/golden.py)


def sample_report() -> dict:
    import json

    return json.loads(SAMPLE_REPORT.read_text(encoding="utf-8"))


def specs_by_scope(report: dict) -> dict:
    from slreport import sections

    found = {(None, s.kind): s for s in sections.overview_specs(report)}
    for company in [None, *(r["company"] for r in report["by_company"])]:
        found |= {(company, s.kind): s for s in sections.chart_specs(report, company)}
    return found


def draw(spec, title: str = "T", when: str = "W"):
    return charts.figure(spec.draw, *spec.args, title, when, **spec.kwargs)


def undrawn_legend_labels(fig) -> list[str]:
    """Legend entries with nothing of theirs on the axes: no labelled artist that shows something
    and, for a stand-in (bars coloured one by one, the overview's target tick), no drawn bar or
    line of its colour."""
    from matplotlib.colors import to_hex
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    def shows(artist) -> bool:
        if isinstance(artist, Line2D):
            return any(y == y for y in artist.get_ydata())  # a value that is not NaN
        if hasattr(artist, "get_paths"):
            return len(artist.get_paths()) > 0
        if hasattr(artist, "patches"):
            return any(p.get_width() and p.get_height() for p in artist.patches)
        return bool(artist.get_width() and artist.get_height())

    drawn, colours = set(), set()
    for ax in fig.axes:
        for artist in [*ax.lines, *ax.collections, *ax.containers]:
            if shows(artist):
                drawn.add(artist.get_label())
        colours |= {to_hex(p.get_facecolor()) for p in ax.patches if shows(p)}
        colours |= {to_hex(line.get_color()) for line in ax.lines if shows(line)}
    missing = []
    for legend in fig.legends:
        for handle, text in zip(legend.legend_handles, legend.texts, strict=True):
            colour = to_hex(handle.get_facecolor() if isinstance(handle, Patch) else handle.get_color())
            if text.get_text() not in drawn and colour not in colours:
                missing.append(text.get_text())
    return missing


def test_sample_charts_draw_each_companys_own_target_and_threshold():
    from slreport.sections.text import sl_policy

    report = sample_report()
    specs = specs_by_scope(report)
    own = {c: sl_policy(report, c)[:2] for c in figures.companies(report)}
    assert own["Nordic Energy"] == (90.0, 30) and own["Perinta Collections"] == (80.0, 60)  # slreport.toml
    for company, (pct, threshold) in own.items():
        for kind in ("hourly", "daily"):
            assert specs[company, kind].args[3] == pct and specs[company, kind].kwargs["threshold_s"] == threshold
        assert specs[company, "waits"].args[3] == threshold
        assert specs[company, "patience"].kwargs["threshold_s"] == threshold
        assert f"SL {pct:g}/{threshold}" in specs[company, "staffing"].kwargs["needed_label"]
    # All companies: the targets differ, so none is drawn, and the subtitle says why.
    for kind in ("hourly", "daily"):
        assert specs[None, kind].args[3] is None
        assert "companies have their own targets (80/20, 80/60, 90/30)" in specs[None, kind].note
    assert specs[None, "waits"].args[3] is None and specs[None, "patience"].kwargs["threshold_s"] is None
    assert "companies have their own thresholds (20, 30 and 60 s)" in specs[None, "waits"].note


def test_the_overview_judges_each_company_by_its_own_target_and_verdict():
    from matplotlib.colors import to_hex

    report = sample_report()
    fig = draw(specs_by_scope(report)[None, "service-level"])
    ax = fig.axes[0]
    bar_at = {round(p.get_y() + p.get_height() / 2): p for p in ax.patches}
    tick_at = {round(sum(line.get_ydata()) / 2): line.get_xdata()[0] for line in ax.lines}
    labels = {t.get_text().split(" (")[0]: round(t.get_position()[1]) for t in ax.get_yticklabels()}
    for row in report["by_company"]:
        y = labels[row["company"]]
        target = next(c for c in report["settings"]["companies"] if c["company"] == row["company"])
        assert tick_at[y] == float(target["service_level"].split("/")[0])
        colour = charts.SERVICE_LEVEL if row["target_met"] else charts.TARGET
        assert to_hex(bar_at[y].get_facecolor()) == colour.lower(), row["company"]
    nordic = next(r for r in report["by_company"] if r["company"] == "Nordic Energy")
    assert nordic["target_met"] is False and nordic["service_level_pct"] > 80  # missed although above 80 %
    assert to_hex(bar_at[labels["Nordic Energy"]].get_facecolor()) == charts.TARGET.lower()
    texts = [t.get_text() for t in ax.texts]
    assert "85.5 % · missed (target 90/30)" in texts and "97.4 % · met (target 80/60)" in texts
    assert [line for line in ax.lines if line.get_label().startswith("SL target")] == []  # no one shared line


def test_waits_axes_are_one_for_every_company_and_hold_each_threshold():
    report = sample_report()
    specs = specs_by_scope(report)
    waits = {scope: spec for (scope, kind), spec in specs.items() if kind == "waits"}
    limits = set()
    for spec in waits.values():
        ax = draw(spec).axes[0]
        limits.add(ax.get_xlim())
        if spec.args[3] is not None:
            assert ax.get_xlim()[1] > spec.args[3]  # Perinta's 60 s is on its axis
            assert [line.get_xdata()[0] for line in ax.lines] == [spec.args[3]]
        assert "the same axis for every company" in ax.get_xlabel()
    assert len(limits) == 1 and len(waits) == 5
    perinta = draw(waits["Perinta Collections"]).axes[0]
    assert perinta.get_xlim()[1] >= 65


def test_no_sample_chart_legend_names_what_it_does_not_draw():
    report = sample_report()
    for (scope, kind), spec in specs_by_scope(report).items():
        assert undrawn_legend_labels(draw(spec)) == [], (scope, kind)
    staffing = draw(specs_by_scope(report)["Kotikatu Housing", "staffing"])
    labels = [t.get_text() for legend in staffing.legends for t in legend.texts]
    assert "agents seen answering (at least)" in labels  # a lower bound (docs/staffing.md), said on the chart
    assert not any("fewer" in label or "shortfall" in label for label in labels)  # nothing is shaded


def test_the_legend_checker_sees_an_entry_without_its_artist():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [1, 2], label="drawn")
    ax.fill_between([0, 1], [0, 0], [1, 1], where=[False, False], color="orange", label="empty shading")
    fig.legend(*ax.get_legend_handles_labels())
    assert undrawn_legend_labels(fig) == ["empty shading"]


def test_the_heat_map_shows_the_weekdays_and_hours_with_calls_and_says_which():
    report = sample_report()
    spec = specs_by_scope(report)[None, "weekday-hour"]
    hours, weekdays = spec.kwargs["hours"], spec.kwargs["weekdays"]
    assert weekdays == ["Mon", "Tue", "Wed", "Thu", "Fri"] and spec.note == "no calls on Sat, Sun"
    assert hours == list(range(8, 18))  # the sample's opening hours mon-fri 08:00-18:00
    assert spec.kwargs["hours_note"] == "08–17 shown: opening hours mon-fri 08:00-18:00"
    assert len(spec.args[0]) == 5 and all(len(row) == 10 for row in spec.args[0])
    full = peaks.weekday_hour_matrix(report, None)
    assert sum(map(sum, spec.args[0])) == sum(map(sum, full))  # only empty cells were cropped
    ax = draw(spec).axes[0]
    assert "opening hours mon-fri 08:00-18:00" in ax.get_xlabel()


def test_a_one_company_one_day_input_gets_no_empty_or_repeated_panels(tmp_path):
    import json

    lines = (ROOT / "sample_data" / "calls.csv").read_text(encoding="utf-8").splitlines()
    day = [line for line in lines[1:] if ",Nordic Energy," in line and ",2026-02-11 " in line]
    src = tmp_path / "one-day.csv"
    src.write_text("\n".join([lines[0], *day]) + "\n", encoding="utf-8")
    done = run_cli("analyze", str(src), "--config", str(ROOT / "sample_data" / "slreport.toml"), "-f", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    listed = {c.kind: c for c in figures.chart_list(report)}
    # One day is one bar and one weekday is one row: the hourly chart tells it.
    assert set(listed) == {"hourly", "waits", "patience", "staffing"}
    specs = specs_by_scope(report)
    assert specs["Nordic Energy", "hourly"].args[3] == 90.0  # its own target, also alone
    staffing = specs["Nordic Energy", "staffing"]
    assert staffing.what == "agents needed vs agents seen per interval"  # not "an average week" of one day
    for spec in specs.values():
        assert undrawn_legend_labels(draw(spec)) == [], spec.kind


def test_the_cli_charts_of_the_sample_and_of_each_clients_folder_use_its_own_policy(tmp_path):
    config = ("--config", str(ROOT / "sample_data" / "slreport.toml"))
    sample = str(ROOT / "sample_data" / "calls.csv")
    done = run_cli("analyze", sample, *config, "--out", str(tmp_path / "all"), "--chart-format", "svg")
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "all" / "charts"
    assert len(list(folder.glob("*.svg"))) == 35  # 30 before, plus a weekly chart for all and each of 4 companies

    def text(name: str) -> str:
        return svg_text((folder / f"{name}.svg").read_bytes())

    assert "85.5 % · missed (target 90/30)" in text("overview-service-level")
    assert "SL target 80 %" not in text("overview-service-level")
    assert "SL target 90 % within 30 s" in text("nordic-energy-hourly")
    assert "SL target 90 % within 30 s" in text("nordic-energy-daily")
    assert "SL target 90 % within 30 s" in text("nordic-energy-weekly")
    assert "SL threshold 60 s" in text("perinta-collections-waits")
    assert "SL threshold 20 s" not in text("perinta-collections-waits")
    assert "SL threshold 60 s" in text("perinta-collections-patience")
    assert "no SL target drawn: companies have their own targets" in text("all-hourly")
    assert not re.search(r"SL target \d", text("all-hourly"))
    html = (tmp_path / "all" / "report.html").read_text(encoding="utf-8")
    assert "SL target 90 % within 30 s" in html and "SL threshold 60 s" in html

    done = run_cli("analyze", sample, *config, "--out", str(tmp_path / "split"), "--split-by", "company",
                   "--chart-format", "svg")
    assert done.returncode == 0, done.stderr
    seen = {}
    for client in (tmp_path / "split").iterdir():
        import json

        company = json.loads((client / "summary.json").read_text(encoding="utf-8"))["scope"]["company"]
        (hourly,) = (client / "charts").glob("*-hourly.svg")
        (waits,) = (client / "charts").glob("*-waits.svg")
        seen[company] = (re.findall(r"SL target (\d+) % within (\d+) s", hourly.read_text(encoding="utf-8")),
                         re.findall(r"SL threshold (\d+) s", waits.read_text(encoding="utf-8")))
    assert seen["Nordic Energy"] == ([("90", "30")], ["30"])
    assert seen["Perinta Collections"] == ([("80", "60")], ["60"])
    assert seen["Kotikatu Housing"] == ([("80", "20")], ["20"]) and len(seen) == 4
