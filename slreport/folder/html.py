"""report.html: one self-contained page (inline CSS, inline SVG charts, no scripts, no network).

Built from the Jinja2 template ``templates/report.html.j2`` with autoescaping on, and every
value the template prints made visible first (``names.visible``: a control character in a
name is shown as its escape text, not written into the page). The only markup not escaped is
the SVG that matplotlib drew from text names.chart_label made safe, inlined by giving each
chart its own id prefix (two charts must not share clip-path ids) and letting it scale to the
page. No text from the data is ever part of a regular expression or its replacement.
"""

from __future__ import annotations

import re
from typing import Any

from slreport import names, sections
from slreport.folder import figures
from slreport.sections import words
from slreport.sections.text import sl_policy
from slreport.sections.words import SL_METHOD_WORDS


def report_html(report: dict[str, Any], charts: list[figures.Chart]) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("slreport.folder", "templates"), autoescape=select_autoescape(default=True),
        trim_blocks=True, lstrip_blocks=True, finalize=_visible,
    )
    return env.get_template("report.html.j2").render(**page_context(report, charts))


def _visible(value: Any) -> Any:
    """Every value a template prints: text made visible (then autoescaped); markup we built
    (the inline SVG) and non-text values as they are."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return names.visible(value)
    return value


def page_context(report: dict[str, Any], charts: list[figures.Chart]) -> dict[str, Any]:
    names = figures.companies(report)
    blocks = sections.html_blocks(report)
    groups = chart_groups(charts, len(names))
    placed = {place: [b for b in blocks if b.place == place] for place in PLACES}
    return {
        "title": "Service-level report" + (f" — {names[0]}" if len(names) == 1 else ""),
        "when": figures.when_line(report),
        "companies": names,
        "settings": settings_rows(report),
        "chart_groups": groups,
        "charts_note": (f"Each company's own charts are in the charts/ folder beside this page "
                        f"(shown here up to {figures.HTML_COMPANY_CHARTS_MAX} companies).")
        if len(names) > figures.HTML_COMPANY_CHARTS_MAX else None,
        **placed,  # each section's blocks (slreport.sections), by where they go on the page
        "contents": contents(placed, groups),
        "scope": report.get("scope"),
        "empty": not report["period"].get("first_arrival"),
    }


# Where a section's block goes on the page, top to bottom (the charts come after "main").
PLACES = ("cards", "main", "details", "quality", "footer")


def contents(placed: dict[str, list[Any]], groups: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The page's table of contents: every section with a heading, in page order."""
    def listed(place: str) -> list[tuple[str, str]]:
        return [(b.anchor, b.heading) for b in placed[place] if b.anchor and b.heading]

    charts = [(g["anchor"], f"Charts: {g['scope']}") for g in groups]
    return listed("cards") + listed("main") + charts + listed("details") + listed("quality")


def settings_rows(report: dict[str, Any]) -> list[tuple[str, str]]:
    s = report["settings"]
    policy = sl_policy(report, None)
    if policy is None:
        target, method = "each company's own (see Service level by company)", "each company's own"
    else:
        target = f"{policy[0]:g} % of calls answered within {policy[1]} s"
        method = f"{policy[2]} ({SL_METHOD_WORDS.get(policy[2], policy[2])})"
    short = f"≤ {s['short_abandon_s']} s (left out of the service level)" if s["short_abandon_s"] else "none"
    rows = [
        ("Service-level target", target),
        ("Service-level method", method),
        ("Short abandons", short),
        ("Time zone", f"{s['timezone']} (every time on this page is local time there)"),
        ("Grouped by", ", ".join(s["by"])),
        ("Counted by", "arrival time"),
    ]
    chosen = s.get("period")
    if isinstance(chosen, dict):
        rows.append(("Period", f"{chosen.get('label') or chosen.get('name')}: "
                               f"{words.period(chosen.get('since'), chosen.get('until'))}"))
    return rows


def chart_groups(charts: list[figures.Chart], n_companies: int) -> list[dict[str, Any]]:
    """Charts grouped by scope for the page, each as inline SVG markup."""
    from markupsafe import Markup

    groups: dict[str, list[dict[str, Any]]] = {}
    for chart in charts:
        if not on_page(chart, n_companies):
            continue
        scope = "Overview" if chart.kind == "overview" else (chart.company or "All companies")
        svg = inline_svg(chart.render("svg").decode("utf-8"), chart.name, chart.title)
        groups.setdefault(scope, []).append({"title": chart.title, "svg": Markup(svg)})
    return [{"scope": scope, "anchor": f"charts-{i}", "charts": items}
            for i, (scope, items) in enumerate(groups.items())]


def on_page(chart: figures.Chart, n_companies: int) -> bool:
    """Whether report.html shows ``chart``: a company's own charts only up to
    HTML_COMPANY_CHARTS_MAX companies."""
    return chart.company is None or n_companies <= figures.HTML_COMPANY_CHARTS_MAX


_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')
_SIZE = re.compile(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"')


def inline_svg(svg: str, prefix: str, title: str) -> str:
    """matplotlib's SVG file → an element for inlining: no XML prologue, ids unique on the
    page, scales to the column width, and an accessible name."""
    from markupsafe import escape

    svg = svg[svg.index("<svg"):]
    ids = set(_ID.findall(svg))

    def renamed(m: re.Match[str]) -> str:
        return m.group(1) + (f"{prefix}-{m.group(2)}" if m.group(2) in ids else m.group(2))

    svg = _REF.sub(renamed, svg)
    label = f'width="100%" role="img" aria-label="{escape(names.visible(title))}"'
    # A function, not a replacement string: a title is data ("Acme\S Oy" is no escape).
    return _SIZE.sub(lambda m: f"<svg {m.group(1)}{label}", svg, count=1)

