"""Patience: how long callers wait before they hang up, by Kaplan–Meier (answered and flowed-out
calls censored at their wait), and θ, the mean patience of an exponential fit that Erlang A
uses (slreport.metrics.patience). Definitions: docs/staffing.md ("Patience")."""

from __future__ import annotations

from typing import Any

from slreport.metrics.patience import patience_section
from slreport.sections import schema as s
from slreport.sections import words
from slreport.sections.base import Context, Report, Section
from slreport.sections.blocks import Block, ChartSpec, Escape, HtmlBlock, HtmlTable, Lines
from slreport.sections.text import NULL, chart_threshold, of


def compute(ctx: Context) -> dict[str, Any]:
    return {"patience": patience_section(ctx.con)}


def lines(report: Report, name: Escape) -> list[str]:
    out = []
    for p in report.get("patience", []):
        median = NULL if p["median_patience_s"] is None else f"{p['median_patience_s']:g} s"
        points = "/".join(NULL if s_["survival"] is None else f"{100 * s_['survival']:.0f}" for s_ in p["survival"])
        times = "/".join(str(s_["wait_s"]) for s_ in p["survival"])
        theta = NULL if p["theta_s"] is None else f"{p['theta_s']:.0f} s"
        out.append(
            f"{name(p['company']) if p['company'] else 'All'}: median patience {median}; "
            f"still waiting at {times} s: {points} %; "
            f"θ (exponential) {theta}; {p['abandoned']} abandoned of {p['with_wait']} with a wait"
        )
    return out


def text(report: Report, name: Escape) -> list[Block]:
    if "patience" not in report:
        return []
    return [Block("Patience", [Lines(lines(report, name))], note="Kaplan–Meier",
                  long_note="Kaplan–Meier; answered and flowed-out calls censored at their wait")]


def html(report: Report) -> list[HtmlBlock]:
    """Patience in words: the median wait before hanging up, and how many still wait at 10…120 s."""
    found = report.get("patience") or []
    if not found:
        return []
    points = [p["wait_s"] for p in found[0]["survival"]]
    rows = [[words.company(p["company"]), _seconds(p["median_patience_s"]),
             *(NULL if v["survival"] is None else f"{100 * v['survival']:.0f} %" for v in p["survival"]),
             _seconds(p["theta_s"]), words.count(p["abandoned"]), words.count(p["with_wait"])] for p in found]
    headers = ["Company", "Median patience", *(f"Still waiting at {w} s" for w in points), "Mean patience (θ)",
               "Abandoned", "Calls with a wait"]
    return [HtmlBlock("Patience", [HtmlTable(headers, rows)], anchor="patience", intro=[
        "How long callers wait before they hang up, estimated by Kaplan–Meier: a call answered or routed away "
        "after w seconds shows that its caller would have waited at least w. Median patience: half the callers "
        "would hang up by then. θ is the mean patience that Erlang A uses in the staffing section; — where too "
        "few callers waited that long to say."])]


def _seconds(v: float | None) -> str:
    return NULL if v is None else f"{v:.0f} s"


def patience_points(report: Report, company: str | None) -> tuple[list[tuple[float, float]], Any] | None:
    """The Kaplan–Meier curve of ``patience`` (wait_s, survival 0..1) as (seconds, % still
    waiting), and the median patience; None without abandons to estimate from."""
    for r in of(report.get("patience", []), company):
        curve = r.get("curve") or []
        if curve and r.get("abandoned"):
            return [(p["wait_s"], 100 * p["survival"]) for p in curve], r.get("median_patience_s")
    return None


def charts(report: Report, company: str | None) -> list[ChartSpec]:
    if (p := patience_points(report, company)) is None:
        return []
    threshold, note = chart_threshold(report, company)
    return [ChartSpec("patience", "caller patience (time before hanging up)", "patience_curve", p,
                      {"threshold_s": threshold}, note=note)]


PATIENCE = Section(
    "patience", "Patience", ("patience",), doc="docs/staffing.md",
    schema={"patience": s.rows(s.obj(
        ["company", "offered", "with_wait", "without_wait", "abandoned", "theta_s", "median_patience_s", "survival",
         "curve", "buckets"],
        company=s.COMPANY, theta_s=s.SECONDS, median_patience_s=s.SECONDS,
        survival=s.rows(s.obj(["wait_s", "survival"])),
        curve=s.rows(s.obj(["wait_s", "survival", "at_risk"])),
        buckets={"type": "array", "minItems": 7, "maxItems": 7, "items": s.obj(
            ["bucket", "from_s", "to_s", "answered", "answered_cum_pct", "abandoned", "abandoned_cum_pct",
             "flowout"])}), "per company (null = all): Kaplan–Meier patience and the wait buckets")},
    required=("patience",), compute=compute, text=text, html=html, charts=charts,
)
