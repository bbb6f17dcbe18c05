"""Which charts a report gets, and the adapters that turn report sections into plain inputs.

An adapter takes the report dict (the JSON contract) and a company (None = all companies)
and returns the plain lists a drawing function in ``slreport.charts`` takes, or None when
the report has no such data (a section another feature adds, a company without calls). A
chart is listed only when its adapter returns data, so a report grows charts as sections
appear. Drawing is deferred (``Chart.render``) so that nothing is drawn that is not written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from slreport.names import chart_label, file_stems
from slreport.names import slug as slug  # the readable part of a chart's file name (tests use it here)

# report.html shows every company's own charts up to this many companies; past it, the
# overview and the all-companies charts (the per-company files are still written).
HTML_COMPANY_CHARTS_MAX = 8
ALL_STEM = "all"  # file stem of the all-companies charts: all-hourly.png, …


@dataclass
class Chart:
    name: str  # file stem, e.g. "all-hourly", "nordic-energy-waits" (names.file_stems)
    company: str | None  # None: all companies
    kind: str  # hourly | daily | weekday-hour | waits | patience | staffing | overview
    title: str  # as drawn: names in it made visible and shortened by names.chart
    draw: Callable[[str], bytes]
    _cache: dict[str, bytes] = field(default_factory=dict, repr=False)

    def render(self, fmt: str) -> bytes:
        if fmt not in self._cache:
            self._cache[fmt] = self.draw(fmt)
        return self._cache[fmt]


# --- adapters: report dict → plain inputs --------------------------------------------------

def _mine(rows: list[dict[str, Any]], company: str | None) -> list[dict[str, Any]]:
    return [r for r in rows if r.get("company") == company]


def hourly_series(report: dict[str, Any], company: str | None) -> tuple[list[int], list[int], list[Any]] | None:
    """Hours from the first to the last with calls (the empty night says nothing)."""
    rows = sorted(_mine(report.get("by_hour", []), company), key=lambda r: r["hour"])
    busy = [i for i, r in enumerate(rows) if r["offered"]]
    if not busy:
        return None
    rows = rows[busy[0]: busy[-1] + 1]
    return [r["hour"] for r in rows], [r["offered"] for r in rows], [r["service_level_pct"] for r in rows]


def daily_series(report: dict[str, Any], company: str | None) -> tuple[list[str], list[int], list[Any]] | None:
    rows = sorted(_mine(report.get("by_day", []), company), key=lambda r: r["day"])
    if len(rows) < 2 or not any(r["offered"] for r in rows):
        return None  # one day is one bar: the hourly chart tells that day's story
    return [r["day"] for r in rows], [r["offered"] for r in rows], [r["service_level_pct"] for r in rows]


def unusual_days(report: dict[str, Any], company: str | None) -> list[str]:
    """Busy and quiet days the peaks section flagged (``unusual_days.days``)."""
    section = report.get("unusual_days") or {}
    return [str(r["day"])[:10] for r in _mine(section.get("days", []), company)]


WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def weekday_hour_matrix(report: dict[str, Any], company: str | None) -> list[list[Any]] | None:
    """7 × 24 mean calls offered per day, Monday first, from ``weekday_hour`` rows
    (weekday "mon"…"sun", offered_per_day: 24 values)."""
    rows = {r["weekday"]: r for r in _mine(report.get("weekday_hour", []), company)}
    if not rows or not any(any(r["offered_per_day"]) for r in rows.values()):
        return None
    return [list(rows[d]["offered_per_day"]) if d in rows else [None] * 24 for d in WEEKDAY_NAMES]


def wait_histogram(report: dict[str, Any], company: str | None) -> tuple[list[int], list[int], list[int]] | None:
    section = report.get("wait_distribution")
    if not section:
        return None
    rows = _mine(section["bins"], company)
    if not any(r["answered"] or r["abandoned"] for r in rows):
        return None
    return [r["from_s"] for r in rows], [r["answered"] for r in rows], [r["abandoned"] for r in rows]


def patience_points(report: dict[str, Any], company: str | None) -> tuple[list[tuple[float, float]], Any] | None:
    """The Kaplan–Meier curve of ``patience`` (wait_s, survival 0..1) as (seconds, % still
    waiting), and the median patience; None without abandons to estimate from."""
    for r in _mine(report.get("patience", []), company):
        curve = r.get("curve") or []
        if curve and r.get("abandoned"):
            return [(p["wait_s"], 100 * p["survival"]) for p in curve], r.get("median_patience_s")
    return None


def staffing_rows(report: dict[str, Any], company: str | None) -> list[tuple[str, Any, Any]] | None:
    """The average week of ``staffing_profile``: per weekday and time slot with calls, agents
    needed (Erlang C, from the slot's mean volume) and the mean of agents seen."""
    rows = [r for r in _mine(report.get("staffing_profile", []), company) if r.get("mean_offered")]
    if company is None or not rows:
        return None  # staffing is per company: agents do not add up across companies
    return [(f"{r['weekday']} {r['time']}", r.get("required_c"), r.get("mean_agents_seen")) for r in rows]


# --- the chart list ------------------------------------------------------------------------

def when_line(report: dict[str, Any]) -> str:
    """What period the numbers cover, for chart subtitles and the HTML header."""
    chosen = report["settings"].get("period")
    if isinstance(chosen, dict) and (chosen.get("since") or chosen.get("until")):
        span = _period_span(chosen.get("since"), chosen.get("until"))
    else:
        p = report["period"]
        span = f"{(p['first_arrival'] or '—')[:10]} – {(p['last_arrival'] or '—')[:10]}"
    return f"{span} · {report['settings']['timezone']}"


def _period_span(since: str | None, until: str | None) -> str:
    """Whole days as dates, the last one included ("2024-03-25 – 2024-03-31"); else times."""
    if since and until and since[10:19] == until[10:19] == "T00:00:00":
        last = (date.fromisoformat(until[:10]) - timedelta(days=1)).isoformat()
        return since[:10] if last == since[:10] else f"{since[:10]} – {last}"
    start = since[:16].replace("T", " ") if since else "…"
    end = until[:16].replace("T", " ") if until else "…"
    return f"{start} – before {end}"


def companies(report: dict[str, Any]) -> list[str]:
    return [r["company"] for r in report.get("by_company", []) if r.get("company") is not None]


def chart_list(report: dict[str, Any]) -> list[Chart]:
    """All charts the report's data supports: an overview when there are several companies,
    then the all-companies set, then each company's set (one company: its set only)."""
    from slreport import charts

    names = companies(report)
    when = when_line(report)
    out: list[Chart] = []
    if len(names) > 1:
        rows = report["by_company"]
        out.append(Chart(
            "overview-service-level", None, "overview", "Service level by company",
            lambda fmt: charts.company_sl_overview(
                [chart_label(str(r["company"])) for r in rows], [r["service_level_pct"] for r in rows],
                [r["offered"] for r in rows],
                report["settings"]["target_pct"], "Service level by company", when, fmt=fmt),
        ))
    scopes: list[str | None] = [None] + names if len(names) > 1 else [names[0] if names else None]
    # Distinct and short whatever the names ("Äa" and "Aa", a 300-character name); the same
    # names give the same files in any order.
    stems = file_stems(names, reserved=[ALL_STEM])
    for company in scopes:
        out += company_charts(report, company, when, ALL_STEM if company is None else stems[company])
    return out


def company_charts(report: dict[str, Any], company: str | None, when: str, stem: str) -> list[Chart]:
    from slreport import charts

    who = "All companies" if company is None else chart_label(company)
    s = report["settings"]
    target, threshold = s["target_pct"], s["threshold_s"]
    found: list[Chart] = []

    def add(kind: str, what: str, draw: Callable[[str, str], bytes]) -> None:
        title = f"{who} — {what}"
        found.append(Chart(f"{stem}-{kind}", company, kind, title, lambda fmt: draw(title, fmt)))

    if (h := hourly_series(report, company)) is not None:
        add("hourly", "calls offered and service level by hour of day",
            lambda t, fmt: charts.hourly_offered_sl(*h, target, t, when, fmt=fmt))
    if (d := daily_series(report, company)) is not None:
        odd = unusual_days(report, company)
        add("daily", "calls offered and service level per day",
            lambda t, fmt: charts.daily_offered_sl(*d, target, t, when, unusual=odd, fmt=fmt))
    if (m := weekday_hour_matrix(report, company)) is not None:
        add("weekday-hour", "calls offered by weekday and hour",
            lambda t, fmt: charts.weekday_hour_heatmap(m, t, when, unit="calls per hour (mean)", fmt=fmt))
    if (w := wait_histogram(report, company)) is not None:
        bin_s = report["wait_distribution"]["bin_s"]
        add("waits", "how long answered and abandoned callers waited",
            lambda t, fmt: charts.wait_distribution(*w, threshold, t, when, bin_s=bin_s, fmt=fmt))
    if (p := patience_points(report, company)) is not None:
        add("patience", "caller patience (time before hanging up)",
            lambda t, fmt: charts.patience_curve(p[0], p[1], t, when, fmt=fmt))
    if (r := staffing_rows(report, company)) is not None:
        add("staffing", "agents needed vs agents seen in an average week",
            lambda t, fmt: charts.agents_needed_vs_seen(
                r, t, when, fmt=fmt, xlabel="weekday and time slot with calls (local time; mean over the period)"))
    return found

