"""Which charts a report folder gets: the sections' chart specs, named and titled per company.

Each section (slreport.sections) turns the report dict into the plain inputs of a drawing
function of ``slreport.folder.charts`` for a company (None = all companies), or into nothing
when the report has no such data; a chart is listed only when a section gives one. Drawing is
deferred (``Chart.render``) so that nothing is drawn that is not written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from slreport import sections
from slreport.names import chart_label, file_stems
from slreport.names import slug as slug  # the readable part of a chart's file name (tests use it here)
from slreport.sections.blocks import ChartSpec
from slreport.sections.text import companies, last_whole_day

# report.html shows every company's own charts up to this many companies; past it, the
# overview and the all-companies charts (the per-company files are still written).
HTML_COMPANY_CHARTS_MAX = 8
ALL_STEM = "all"  # file stem of the all-companies charts: all-hourly.png, …


@dataclass
class Chart:
    name: str  # file stem, e.g. "all-hourly", "nordic-energy-waits" (names.file_stems)
    company: str | None  # None: all companies
    kind: str  # hourly | daily | weekday-hour | waits | patience | staffing | overview
    title: str  # as drawn: names in it made visible and shortened by names.chart_label
    draw: Callable[[str], bytes]
    # several formats from one Figure (charts.draw_formats); None: ``draw`` once per format
    draw_formats: Callable[[Sequence[str]], dict[str, bytes]] | None = field(default=None, repr=False)
    _cache: dict[str, bytes] = field(default_factory=dict, repr=False)

    def render(self, fmt: str) -> bytes:
        self.prepare((fmt,))
        return self._cache[fmt]

    def prepare(self, fmts: Sequence[str]) -> dict[str, bytes]:
        """Draw the formats of ``fmts`` not drawn yet (from one Figure); returns them all."""
        missing = [fmt for fmt in dict.fromkeys(fmts) if fmt not in self._cache]
        if missing and self.draw_formats is not None:
            self._cache.update(self.draw_formats(missing))
        for fmt in missing:
            if fmt not in self._cache:
                self._cache[fmt] = self.draw(fmt)
        return {fmt: self._cache[fmt] for fmt in fmts}

    def keep(self, drawn: dict[str, bytes]) -> None:
        """Take formats drawn elsewhere (in a worker process, render.draw_all)."""
        self._cache.update(drawn)


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
    if since and (last := last_whole_day(since, until)):
        return since[:10] if last == since[:10] else f"{since[:10]} – {last}"
    start = since[:16].replace("T", " ") if since else "…"
    end = until[:16].replace("T", " ") if until else "…"
    return f"{start} – before {end}"


def chart_list(report: dict[str, Any]) -> list[Chart]:
    """All charts the report's data supports: the overview when there are several companies,
    then the all-companies set, then each company's set (one company: its set only), each set
    in the sections' order (slreport.sections: a section's ``charts``)."""
    names = companies(report)
    when = when_line(report)
    out = [_chart(spec, "overview-" + spec.kind, None, "overview", spec.what, when)
           for spec in sections.overview_specs(report)]
    scopes: list[str | None] = [None] + names if len(names) > 1 else [names[0] if names else None]
    # Distinct and short whatever the names ("Äa" and "Aa", a 300-character name); the same
    # names give the same files in any order.
    stems = file_stems(names, reserved=[ALL_STEM])
    for company in scopes:
        out += company_charts(report, company, when, ALL_STEM if company is None else stems[company])
    return out


def company_charts(report: dict[str, Any], company: str | None, when: str, stem: str) -> list[Chart]:
    who = "All companies" if company is None else chart_label(company)
    return [_chart(spec, f"{stem}-{spec.kind}", company, spec.kind, f"{who} — {spec.what}", when)
            for spec in sections.chart_specs(report, company)]


def _chart(spec: ChartSpec, name: str, company: str | None, kind: str, title: str, when: str) -> Chart:
    when = f"{when} · {spec.note}" if spec.note else when

    def draw(fmt: str) -> bytes:
        return draw_formats((fmt,))[fmt]

    def draw_formats(fmts: Sequence[str]) -> dict[str, bytes]:
        from slreport.folder import charts

        return charts.draw_formats(spec.draw, fmts, *spec.args, title, when, **spec.kwargs)

    return Chart(name, company, kind, title, draw, draw_formats)
