"""Waits: how long answered, abandoned and flowed-out contacts waited, in bins of 5 seconds, over
the service level's own contacts (``offered_local``), so the answered bins up to T add up to
answered_within_threshold. Definitions: docs/reports.md ("Wait distribution")."""

from __future__ import annotations

from typing import Any

from slreport.metrics.waits import wait_distribution
from slreport.sections import schema as s
from slreport.sections import words
from slreport.sections.base import Context, Report, Section
from slreport.sections.blocks import ChartSpec, HtmlBlock, HtmlTable
from slreport.sections.peaks import rows_of
from slreport.sections.text import NULL, chart_threshold, companies, of, sl_policy

SHARE_SHOWN = 0.99  # the waits axis ends where this share of the calls are (at least past the threshold)


def compute(ctx: Context) -> dict[str, Any]:
    from slreport.engine import rows

    return {"wait_distribution": wait_distribution(ctx.con, rows, "offered_local")}


def wait_histogram(report: Report, company: str | None) -> tuple[list[int], list[int], list[int]] | None:
    section = report.get("wait_distribution")
    if not section:
        return None
    rows = of(section["bins"], company)
    if not any(r["answered"] or r["abandoned"] for r in rows):
        return None
    return [r["from_s"] for r in rows], [r["answered"] for r in rows], [r["abandoned"] for r in rows]


WAIT_MARKS = (10, 20, 30, 60, 120)


def html(report: Report) -> list[HtmlBlock]:
    """Per company: the share of answered calls answered within 10…120 s, and of abandoned calls
    abandoned within them; the company's own threshold among the marks."""
    section = report.get("wait_distribution")
    if not section:
        return []
    rows = []
    for company in [None, *(r["company"] for r in report["by_company"])]:
        bins = of(section["bins"], company)
        if not any(b["answered"] or b["abandoned"] for b in bins):
            continue
        policy = sl_policy(report, company)
        cells = [f"{_share(bins, 'answered', m)} / {_share(bins, 'abandoned', m)}" for m in WAIT_MARKS]
        own = f"{policy[1]} s: {_share(bins, 'answered', policy[1])}" if policy else NULL
        rows.append([words.company(company), *cells, own])
    if not rows:
        return []
    headers = ["Company", *(f"Within {m} s" for m in WAIT_MARKS), "Answered within its own threshold"]
    bin_s = section["bin_s"]
    return [HtmlBlock("Waits", [HtmlTable(headers, rows)], anchor="waits", intro=[
        "How long callers waited: each cell is the share of answered calls answered within that wait, then the "
        "share of abandoned calls that hung up within it (answered / abandoned)."],
        notes=[f"Waits are counted in {bin_s}-second steps; a threshold between two steps counts the step "
               "below it. Calls answered within the threshold are not the service level, which also counts "
               "abandoned calls (see each company's method)."])]


def _share(bins: list[dict[str, Any]], outcome: str, within_s: int) -> str:
    """Share of ``outcome`` calls with a known wait ≤ ``within_s``. Bins hold from_s < wait ≤ to_s
    (metrics.waits), so this is exact when ``within_s`` is a bin edge, else the bins below it."""
    total = sum(b[outcome] for b in bins)
    if not total:
        return NULL
    within = sum(b[outcome] for b in bins if b["to_s"] is not None and b["to_s"] <= within_s)
    return f"{100 * within / total:.0f} %"


def visible_end(from_s: list[int] | Any, totals: list[int] | Any, threshold_s: int | None, bin_s: int) -> int:
    """Seconds at which a waits axis ends: the end of the bin where SHARE_SHOWN of the calls
    are, and past the threshold's bin: a long thin tail would squeeze the part that matters
    into a corner (the chart counts the calls beyond it)."""
    whole, running, last = sum(totals), 0, 0
    for i, n in enumerate(totals):
        running += n
        last = i
        if whole and running >= SHARE_SHOWN * whole:
            break
    end = from_s[last] + bin_s if len(from_s) else bin_s
    return max(end, threshold_s + bin_s) if threshold_s is not None else end


def wait_axis(report: Report) -> int:
    """One waits axis for all companies' charts (and the all-companies one), so that their
    waits compare at a glance: the longest of their own axes, each past its own threshold.
    One pass over the bins: it is asked once per company chart."""
    section = report["wait_distribution"]
    bin_s = section["bin_s"]
    by_scope: dict[Any, list[dict[str, Any]]] = {}
    for row in section["bins"]:
        by_scope.setdefault(row.get("company"), []).append(row)
    own: dict[Any, int | None] = {c["company"]: int(str(c["service_level"]).split("/")[1])
           for c in report["settings"].get("companies", [])}
    own[None] = chart_threshold(report, None)[0]
    ends = [bin_s]
    for scope, rows in by_scope.items():
        totals = [r["answered"] + r["abandoned"] for r in rows]
        if any(totals):
            threshold = own[scope] if scope in own else chart_threshold(report, scope)[0]
            ends.append(visible_end([r["from_s"] for r in rows], totals, threshold, bin_s))
    return max(ends)


def charts(report: Report, company: str | None) -> list[ChartSpec]:
    if (w := wait_histogram(report, company)) is None:
        return []
    threshold, note = chart_threshold(report, company)
    shared = len(companies(report)) > 1
    return [ChartSpec("waits", "how long answered and abandoned callers waited", "wait_distribution",
                      (*w, threshold), {"bin_s": report["wait_distribution"]["bin_s"],
                                        "axis_s": wait_axis(report) if shared else None,
                                        "axis_note": "the same axis for every company" if shared else ""},
                      note=note)]


OUTCOME_COUNTS: dict[str, Any] = dict(answered=s.COUNT, abandoned=s.COUNT, flowout=s.COUNT)
WAITS = Section(
    "waits", "Wait distribution", ("wait_distribution",), doc="docs/reports.md",
    schema={"wait_distribution": s.obj(
        ["bin_s", "cap_s", "unknown_wait", "bins"], "contacts by wait, in bins of bin_s seconds up to cap_s",
        bin_s={"type": "integer", "minimum": 1}, cap_s={"type": "integer", "minimum": 1},
        unknown_wait=s.obj(list(OUTCOME_COUNTS), **OUTCOME_COUNTS),
        bins=s.rows(s.obj(["company", "from_s", "to_s", *OUTCOME_COUNTS], company=s.COMPANY,
                          from_s={"type": "integer", "minimum": 0}, to_s={"type": ["integer", "null"]},
                          **OUTCOME_COUNTS)))},
    required=("wait_distribution",), compute=compute, html=html, charts=charts,
    tables=rows_of("wait_distribution", "bins"),
)
